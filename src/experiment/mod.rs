//! Experiments: replications of every topology, run in parallel, with
//! summaries and paired comparisons.

pub mod explore;
pub mod options;
pub mod results;
pub mod runner;
pub mod spec;
pub mod sweep;
pub mod validation;

pub use options::{OptionsError, RunOptions};
pub use results::{ComparisonRow, Experiment, SummaryRow, TopologyResults};
pub use runner::run;
pub use spec::{RunSpec, Warmup};
