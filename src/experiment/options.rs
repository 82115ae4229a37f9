//! What a user may change about a run without editing the scenario.

use crate::scenario::Scenario;

/// Options of `orgsim run` that shape the experiment.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Replications (overrides `simulation.replications`).
    pub replications: Option<u32>,
    /// Master seed (overrides `simulation.seed`).
    pub seed: Option<u64>,
    /// Worker threads (default: every core). Results never depend on it.
    pub threads: Option<usize>,
    /// Run only these topologies, by name, in scenario order (empty: all).
    pub topologies: Vec<String>,
    /// Keep every completed item (for `items.csv`).
    pub keep_items: bool,
    /// Show a progress bar on stderr (it hides itself when stderr is not a terminal).
    pub progress: bool,
}

impl RunOptions {
    /// Checks the options against `scenario` without running anything, so
    /// that bad options are refused before any output is written.
    pub fn validate(&self, scenario: &Scenario) -> Result<(), OptionsError> {
        if self.replications == Some(0) {
            return Err(OptionsError::ZeroReplications);
        }
        if self.threads == Some(0) {
            return Err(OptionsError::ZeroThreads);
        }
        for n in &self.topologies {
            if !scenario.topologies.iter().any(|t| &t.name == n) {
                return Err(OptionsError::UnknownTopology {
                    name: n.clone(),
                    known: scenario
                        .topologies
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        }
        Ok(())
    }
}

/// Why a run cannot start with the options given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptionsError {
    /// `--topology` names a topology the scenario does not have.
    #[error("unknown topology `{name}` (the scenario has: {known})")]
    UnknownTopology {
        /// The name given.
        name: String,
        /// The scenario's topologies, comma-separated.
        known: String,
    },
    /// `--threads 0`.
    #[error("--threads must be at least 1")]
    ZeroThreads,
    /// `--reps 0`.
    #[error("--reps must be at least 1")]
    ZeroReplications,
    /// The thread pool could not be built.
    #[error("cannot start {0} worker threads")]
    ThreadPool(usize),
}
