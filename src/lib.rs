//! orgsim: a discrete-event simulator of organizations.
//!
//! The same people and the same workload are simulated under several
//! organizational topologies (a matrix of functional departments,
//! single-threaded cross-functional teams, or anything written out by hand),
//! and the lead time, throughput and coordination tax of each are compared
//! with paired statistics.

#![warn(missing_docs)]

pub mod engine;
pub mod experiment;
pub mod model;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod util;
