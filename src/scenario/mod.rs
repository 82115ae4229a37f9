//! Scenario files: the TOML schema, `--set` overrides, validation with
//! messages that name the file, the TOML path and the line, and the bundled
//! scenarios.
//!
//! [`load_file`] and [`load_str`] turn a scenario file (README, "Writing a scenario") plus
//! `--set PATH=VALUE` [`Override`]s into a validated [`Scenario`], or into a
//! [`ScenarioError`] listing every [`Problem`] found.

mod build;
pub mod bundled;
mod dist_spec;
mod error;
mod load;
mod overrides;
mod path;
mod reader;
pub mod schema;
mod source_map;
mod suggest;
mod topologies;
mod workload;

pub use build::MAX_DESCRIPTION_BYTES;
pub use dist_spec::MAX_EMPIRICAL_VALUES;
pub use error::{Problem, ScenarioError};
pub use load::{MAX_SCENARIO_BYTES, load_file, load_str};
pub use overrides::Override;
pub use schema::*;
