//! `manifest.json`: what was run, so that a result folder explains itself
//! (and `plot` and `report.html` can say what they show).

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::experiment::Experiment;
use crate::model::Warning;
use crate::util::time::rfc3339;

/// The description of one run, written next to its results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Version of orgsim that produced the folder.
    pub orgsim_version: String,
    /// The command line, one argument per element.
    pub command_line: Vec<String>,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's description.
    pub description: String,
    /// Where the scenario came from (a path, or a bundled scenario).
    pub source: String,
    /// The `--set` overrides applied, as given.
    pub overrides: Vec<String>,
    /// 64-bit FNV-1a hash of the scenario text as read.
    pub scenario_hash: String,
    /// The whole scenario after the overrides, as TOML: run it again with
    /// `orgsim run` to reproduce the results.
    pub scenario_resolved: String,
    /// The git revision orgsim was built from, when known.
    pub git_revision: Option<String>,
    /// Master seed.
    pub seed: u64,
    /// Replications per topology.
    pub replications: u32,
    /// Warm-up days discarded (the scenario's; see `warmups` under "auto").
    pub warmup: f64,
    /// Whether each topology's warm-up was picked by MSER-5.
    pub warmup_auto: bool,
    /// The warm-up each topology used, in the order of `topologies`.
    pub warmups: Vec<f64>,
    /// How a precision target went (`--precision`), if there was one.
    pub precision: Option<crate::experiment::results::PrecisionOutcome>,
    /// Days measured.
    pub horizon: f64,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Topologies run, the first being the baseline.
    pub topologies: Vec<String>,
    /// Warnings about the scenario (overloaded teams or leaders, ...).
    pub warnings: Vec<Warning>,
    /// One sentence per unstable topology: its lead times only measure the
    /// run length (docs/model.md, *Unstable systems*).
    #[serde(default)]
    pub stability: Vec<String>,
    /// When the run started (UTC, RFC 3339).
    pub started: String,
    /// When the run finished (UTC, RFC 3339).
    pub finished: String,
    /// The files this run wrote into its folder, this one included: the
    /// next result in the folder removes those it does not write again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

impl Manifest {
    /// The manifest of `exp`, run from `source` with `overrides` on `threads`
    /// threads between `started` and now.
    pub fn new(
        exp: &Experiment,
        source: &str,
        overrides: Vec<String>,
        threads: usize,
        warnings: Vec<Warning>,
        started: SystemTime,
    ) -> Self {
        let sc = &exp.scenario;
        Self {
            orgsim_version: env!("CARGO_PKG_VERSION").to_string(),
            command_line: std::env::args().collect(),
            scenario: sc.name.clone(),
            description: sc.description.clone(),
            source: source.to_string(),
            overrides,
            scenario_hash: sc.provenance.source_hash.clone(),
            scenario_resolved: sc.provenance.resolved.clone(),
            git_revision: option_env!("ORGSIM_GIT_REVISION").map(str::to_string),
            seed: sc.run.seed,
            replications: sc.run.replications,
            warmup: sc.run.warmup.start(),
            warmup_auto: sc.run.warmup.is_auto(),
            warmups: exp
                .topologies
                .iter()
                .map(|t| {
                    t.metric(crate::model::Metric::Warmup.name())
                        .and_then(|v| v.iter().copied().find(|w| w.is_finite()))
                        .unwrap_or(sc.run.warmup.start())
                })
                .collect(),
            precision: exp.precision.clone(),
            horizon: sc.run.horizon,
            threads,
            topologies: exp.topologies.iter().map(|t| t.name.clone()).collect(),
            warnings,
            stability: exp.stability_notes(),
            started: rfc3339(started),
            finished: rfc3339(SystemTime::now()),
            files: Vec::new(),
        }
    }

    /// The manifest as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}
