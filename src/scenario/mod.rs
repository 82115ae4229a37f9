//! Scenario files, the front end of the model: the TOML schema, `--set` overrides, validation with
//! messages that name the file, the TOML path and the line, and the bundled
//! scenarios.
//!
//! [`load_file`] and [`load_str`] turn a scenario file (README, "Writing a scenario") plus
//! `--set PATH=VALUE` [`Override`]s into a validated [`Scenario`], or into a
//! [`ScenarioError`] listing every [`Problem`] found. A [`Scenario`] holds
//! three things with three owners: the file's provenance, the run control
//! ([`RunSpec`], the experiment's) and the model's specification
//! ([`ModelSpec`], the model's).

mod build;
pub mod bundled;
mod cross;
mod dist_spec;
mod economics;
mod error;
mod flow;
mod load;
mod overrides;
mod path;
mod reader;
mod source_map;
pub(crate) mod suggest;
mod topologies;
mod transitions;
mod workload;

pub use build::MAX_DESCRIPTION_BYTES;
pub use dist_spec::MAX_EMPIRICAL_VALUES;
pub use error::{Problem, ScenarioError};
pub use load::{MAX_SCENARIO_BYTES, load_file, load_str};
pub use overrides::Override;

use crate::experiment::spec::RunSpec;
use crate::model::spec::ModelSpec;

/// A complete, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Output folder name (`[a-z0-9-_]+`).
    pub name: String,
    /// What the scenario shows, in words (may be empty).
    pub description: String,
    /// Where it came from, for reproducibility: the FNV-1a hash of the file's
    /// text and the whole document after `--set` overrides.
    pub provenance: Provenance,
    /// `[simulation]`: warm-up, horizon, replications, seed and limits.
    pub run: RunSpec,
    /// Everything else: what is simulated.
    pub model: ModelSpec,
}

/// What is needed to reproduce a run of a scenario exactly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    /// 64-bit FNV-1a hash of the scenario text as read, in hex.
    pub source_hash: String,
    /// The scenario as TOML, after the `--set` overrides.
    pub resolved: String,
}

/// The 64-bit FNV-1a hash of `text`, in hex (stable across platforms and versions).
pub fn fnv1a_hex(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}
