//! What a user may change about a run without editing the scenario.

use std::sync::atomic::AtomicBool;

use crate::scenario::Scenario;

/// Options of `orgsim run` that shape the experiment.
#[derive(Debug, Clone)]
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
    /// Keep adding replications (in batches of the initial count) until the
    /// relative 95% CI half-width of `precision_metric` is at most this, for
    /// every topology (half-width / |mean|) and every paired difference
    /// (half-width / |baseline mean|).
    pub precision: Option<f64>,
    /// The metric the precision target applies to (`lead_time_mean` by default).
    pub precision_metric: String,
    /// The most replications a precision target may run (default 1000).
    pub max_replications: Option<u32>,
    /// When set (by an interrupt), start no new replication.
    pub stop: Option<&'static AtomicBool>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            replications: None,
            seed: None,
            threads: None,
            topologies: Vec::new(),
            keep_items: false,
            precision: None,
            precision_metric: "lead_time_mean".to_string(),
            max_replications: None,
            stop: None,
        }
    }
}

impl RunOptions {
    /// Checks the options against `scenario` without running anything, so
    /// that bad options are refused before any output is written.
    pub fn validate(&self, scenario: &Scenario) -> Result<(), RunError> {
        if self.replications == Some(0) {
            return Err(RunError::ZeroReplications);
        }
        if let Some(p) = self.precision
            && !(p > 0.0 && p < 1.0)
        {
            return Err(RunError::BadPrecision(p));
        }
        if self.max_replications == Some(0) {
            return Err(RunError::ZeroReplications);
        }
        if self.precision.is_some() {
            let m = self.precision_metric.as_str();
            let known = crate::model::tally::organization_metric_names();
            let per_stream = m.split_once(':').is_some_and(|(stream, metric)| {
                scenario.workload.streams.iter().any(|s| s.name == stream)
                    && known.contains(&metric)
            });
            if !known.contains(&m) && !per_stream {
                return Err(RunError::UnknownMetric(m.to_string()));
            }
        }
        let topologies = if self.topologies.is_empty() {
            scenario.topologies.len()
        } else {
            self.topologies.len()
        };
        let first = self
            .replications
            .unwrap_or(scenario.simulation.replications);
        let most = match self.precision {
            Some(_) => first.max(
                self.max_replications
                    .unwrap_or(first.max(DEFAULT_MAX_REPLICATIONS)),
            ),
            None => first,
        };
        let simulations = u64::from(most) * topologies as u64;
        if simulations > MAX_SIMULATIONS {
            return Err(RunError::TooManyReplications {
                replications: most,
                topologies,
            });
        }
        for n in &self.topologies {
            if !scenario.topologies.iter().any(|t| &t.name == n) {
                return Err(RunError::UnknownTopology {
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

/// The most simulations (replications × topologies) one run may keep: every
/// replication's metrics stay in memory until the end, about 9 KB for a
/// one-stream scenario and more with more streams and teams (docs/model.md).
pub const MAX_SIMULATIONS: u64 = 100_000;

/// The most replications `--precision` runs when `--max-reps` is not given.
pub const DEFAULT_MAX_REPLICATIONS: u32 = 1000;

/// Why a run cannot start with the options given, or stopped: bad options,
/// a precision target that cannot be reached, an interrupt, no threads.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// `--topology` names a topology the scenario does not have.
    #[error("unknown topology `{name}` (the scenario has: {known})")]
    UnknownTopology {
        /// The name given.
        name: String,
        /// The scenario's topologies, comma-separated.
        known: String,
    },
    /// `--threads 0` (refused when the thread pool is built, see
    /// [`thread_pool`](super::runner::thread_pool)).
    #[error("--threads must be at least 1")]
    ZeroThreads,
    /// `--reps 0`.
    #[error("--reps must be at least 1")]
    ZeroReplications,
    /// `--precision` not strictly between 0 and 1.
    #[error(
        "--precision must be a relative half-width strictly between 0 and 1 (e.g. 0.05 for ±5% of the mean), got {0}"
    )]
    BadPrecision(f64),
    /// The precision metric's mean is 0 in a topology: no relative
    /// half-width can ever be reached.
    #[error(
        "--precision-metric {metric}: its mean is 0 in topology `{topology}` over the first {replications} replications, so its relative half-width (half-width / |mean|) can never reach the target; choose a metric that is not 0 there (e.g. lead_time_mean), or drop --precision"
    )]
    ZeroMean {
        /// The metric.
        metric: String,
        /// The first topology where its mean is 0.
        topology: String,
        /// Replications run before the refusal.
        replications: usize,
    },
    /// `--precision-metric` names no metric.
    #[error(
        "unknown metric `{0}` for --precision-metric (e.g. lead_time_mean, throughput, tv-apps:lead_time_mean)"
    )]
    UnknownMetric(String),
    /// More replications than fit in memory.
    #[error(
        "{replications} replications of {topologies} topolog{} are more than the {MAX_SIMULATIONS} simulations a run may keep in memory; use fewer replications (--reps, --max-reps or simulation.replications) or fewer topologies",
        if *topologies == 1 { "y" } else { "ies" }
    )]
    TooManyReplications {
        /// The replications asked for (per topology).
        replications: u32,
        /// The topologies to run.
        topologies: usize,
    },
    /// An interrupt stopped the run before every replication was done.
    #[error("interrupted after {done} of {planned} simulations")]
    Interrupted {
        /// Simulations finished.
        done: usize,
        /// Simulations planned.
        planned: usize,
    },
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    ThreadPool {
        /// The threads asked for.
        threads: usize,
        /// Why the pool could not be built.
        source: rayon::ThreadPoolBuildError,
    },
}

/// The name [`RunError`] had before it also covered interrupts and the
/// thread pool; kept so that code written against it still builds.
pub type OptionsError = RunError;
