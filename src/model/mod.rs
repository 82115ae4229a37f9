//! The organization model: streams, items, tasks, teams, topologies,
//! routing and the coordination mechanisms, simulated on the engine.

pub mod capacity;
pub mod category;
pub mod item;
pub mod metric;
pub mod mva;
mod plan;
pub mod purpose;
pub mod routing;
pub mod servers;
pub mod sim;
pub mod tally;
pub mod topology;
pub mod warning;
pub mod workload;

pub use category::{Breakdown, Category};
pub use metric::{Metric, MetricId, Scope};
pub use sim::{FlowSample, Recording, ReplicationOutcome, simulate, simulate_with_stop};
pub use tally::ItemRecord;
pub use topology::{LeaderRole, Organization, Team};
pub use warning::{Warning, WarningKind};
