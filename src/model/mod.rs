//! The organization model: streams, items, tasks, teams, topologies,
//! routing and the coordination mechanisms, simulated on the engine.

pub mod capacity;
pub mod category;
mod cross;
pub mod draw;
pub mod economics;
pub mod event_log;
pub mod ids;
pub mod item;
pub mod metric;
pub mod mva;
mod plan;
pub mod purpose;
pub mod routing;
mod run;
pub mod season;
pub mod spec;
mod split;
pub mod tally;
pub mod topology;
pub mod transition;
pub mod warning;

pub use category::{Breakdown, Category};
pub use ids::{SkillId, StreamId, TeamId};
pub use metric::{Metric, MetricId, Scope};
pub use run::{
    Completion, FlowSample, QUANTILE_STEPS, Recording, ReplicationOutcome, simulate,
    simulate_with_stop,
};
pub use spec::{Limits, ModelSpec, Window};
pub use tally::ItemRecord;
pub use topology::{LeaderRole, Organization, Team};
pub use warning::{Warning, WarningKind};
