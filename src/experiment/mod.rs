//! Experiments: replications of every topology, run in parallel, with
//! summaries and paired comparisons.

pub mod depends;
pub mod explore;
pub mod forecast;
pub mod options;
pub mod over_time;
pub mod progress;
pub mod replay;
pub mod results;
pub mod runner;
pub mod spec;
pub mod sweep;
pub mod validation;

pub use options::{RunError, RunOptions};
pub use progress::Progress;
pub use results::{
    ComparisonRow, ComparisonRowRef, Experiment, SummaryRow, SummaryRowRef, TopologyResults,
};
pub use runner::{run, run_with_progress, thread_pool};
pub use spec::{RunSpec, Warmup};
