//! The simulation engine: event calendar, clock, random streams and
//! distributions. It knows nothing about organizations.

pub mod calendar;
pub mod dist;
pub mod rng;

pub use calendar::{Calendar, Handler, Key};
pub use dist::{Dist, DistError};
pub use rng::{
    EntityRng, ReplicationStreams, RngFactory, SimRng, entity_key, entity_rng, keyed_unit,
};
