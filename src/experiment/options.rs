//! What a user may change about a run without editing the scenario.

use std::sync::atomic::AtomicBool;

use crate::model::spec::TopologySpec;
use crate::model::{Metric, MetricId, Scope};
use crate::scenario::{Scenario, suggest};

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
    /// The topology every paired difference is against (`--baseline`;
    /// default: the first run). It is run first, the others in scenario
    /// order; no topology's numbers depend on it.
    pub baseline: Option<String>,
    /// Keep every completed item (for `items.csv`).
    pub keep_items: bool,
    /// Record the flow charts of replication 0 (docs/model.md, "Flow
    /// charts"): its completions in the window and the age of the oldest
    /// item at each sample of the cumulative flow diagram.
    pub flow_charts: bool,
    /// Keep every replication's daily series from time 0 (docs/model.md,
    /// "Over time"), for the J-curve against a reference.
    pub over_time: bool,
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
            baseline: None,
            keep_items: false,
            flow_charts: false,
            over_time: false,
            precision: None,
            precision_metric: Metric::LeadTimeMean.name().to_string(),
            max_replications: None,
            stop: None,
        }
    }
}

impl RunOptions {
    /// Checks that `precision_metric` is a column every topology run
    /// writes: a metric of all items or of one of the scenario's streams,
    /// or of a team that every topology run has.
    fn check_precision_metric(&self, scenario: &Scenario) -> Result<(), RunError> {
        let m = self.precision_metric.as_str();
        let unknown = || RunError::UnknownMetric(m.to_string());
        let id = MetricId::parse(m).ok_or_else(unknown)?;
        if !crate::model::economics::reported(scenario.model.economics.as_ref(), id.metric) {
            return Err(unknown());
        }
        match id.scope {
            Scope::All => Ok(()),
            Scope::Stream(stream) => {
                if scenario
                    .model
                    .workload
                    .streams
                    .iter()
                    .any(|s| s.name == stream)
                {
                    Ok(())
                } else {
                    Err(unknown())
                }
            }
            Scope::Team(team) => {
                let without = scenario
                    .model
                    .topologies
                    .iter()
                    .filter(|t| self.topologies.is_empty() || self.topologies.contains(&t.name))
                    .find(|t| {
                        !crate::model::topology::build(&scenario.model, t)
                            .teams
                            .iter()
                            .any(|x| x.name == team)
                    });
                match without {
                    None => Ok(()),
                    Some(t) => Err(RunError::MetricNotInTopology {
                        metric: m.to_string(),
                        topology: t.name.clone(),
                    }),
                }
            }
        }
    }

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
            self.check_precision_metric(scenario)?;
        }
        let topologies = if self.topologies.is_empty() {
            scenario.model.topologies.len()
        } else {
            self.topologies.len()
        };
        let first = self.replications.unwrap_or(scenario.run.replications);
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
        check_baseline(
            &scenario.model.topologies,
            &self.topologies,
            self.baseline.as_deref(),
        )?;
        for n in &self.topologies {
            if !scenario.model.topologies.iter().any(|t| &t.name == n) {
                return Err(RunError::UnknownTopology {
                    name: n.clone(),
                    known: scenario
                        .model
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

/// The topologies of `all` that a run keeps (those named in `only`, or all
/// when it is empty), in scenario order but with `baseline` first: the
/// first topology run is the one every paired difference, chart and
/// sentence compares against.
pub fn run_order(
    all: &[TopologySpec],
    only: &[String],
    baseline: Option<&str>,
) -> Vec<TopologySpec> {
    let mut kept: Vec<TopologySpec> = all
        .iter()
        .filter(|t| only.is_empty() || only.contains(&t.name))
        .cloned()
        .collect();
    if let Some(b) = baseline
        && let Some(i) = kept.iter().position(|t| t.name == b)
    {
        let first = kept.remove(i);
        kept.insert(0, first);
    }
    kept
}

/// Checks `--baseline`: a topology of the scenario (else the did-you-mean
/// error), and one of those run when `--topology` selects some.
pub fn check_baseline(
    all: &[TopologySpec],
    only: &[String],
    baseline: Option<&str>,
) -> Result<(), RunError> {
    let Some(name) = baseline else {
        return Ok(());
    };
    let names = || all.iter().map(|t| t.name.as_str());
    if !names().any(|n| n == name) {
        return Err(RunError::UnknownBaseline {
            name: name.to_string(),
            hint: suggest::did_you_mean(name, names()),
            known: suggest::list(names()),
        });
    }
    if !only.is_empty() && !only.iter().any(|n| n == name) {
        return Err(RunError::BaselineNotRun {
            name: name.to_string(),
            run: suggest::list(only.iter().map(String::as_str)),
        });
    }
    Ok(())
}

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
    /// `--baseline` names a topology the scenario does not have.
    #[error("--baseline `{name}`: no such topology{hint} (the scenario has: {known})")]
    UnknownBaseline {
        /// The name given.
        name: String,
        /// `; did you mean `x`?` when a topology's name is close, else empty.
        hint: String,
        /// The scenario's topologies.
        known: String,
    },
    /// `--baseline` names a topology that `--topology` leaves out.
    #[error(
        "--baseline `{name}` is not among the topologies run ({run}); add `--topology {name}` or choose one of those"
    )]
    BaselineNotRun {
        /// The name given.
        name: String,
        /// The topologies `--topology` selects.
        run: String,
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
    /// A team's metric for `--precision-metric`, but a topology run has no
    /// such team.
    #[error(
        "--precision-metric `{metric}`: topology `{topology}` has no such team, so the metric cannot be made precise in every topology (run only the topologies that have the team with --topology)"
    )]
    MetricNotInTopology {
        /// The metric asked for.
        metric: String,
        /// A topology without the team.
        topology: String,
    },
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

#[cfg(test)]
mod tests {
    use super::*;

    fn prime_video() -> Scenario {
        let b = crate::scenario::bundled::find("prime-video").unwrap();
        crate::scenario::load_str(b.file_name, b.text, &[]).unwrap()
    }

    fn check(metric: &str, topologies: &[&str]) -> Result<(), String> {
        let options = RunOptions {
            precision: Some(0.05),
            precision_metric: metric.to_string(),
            topologies: topologies.iter().map(|t| t.to_string()).collect(),
            ..RunOptions::default()
        };
        options.validate(&prime_video()).map_err(|e| e.to_string())
    }

    #[test]
    fn precision_metrics_are_the_columns_every_topology_writes() {
        for ok in ["lead_time_mean", "utilization", "tv-apps:lead_time_p85"] {
            assert_eq!(check(ok, &[]), Ok(()), "{ok}");
        }
        // Streams that do not exist, and organization metrics of a stream,
        // are columns no run writes.
        for bad in ["nonsense", "web:lead_time_mean", "tv-apps:utilization"] {
            assert_eq!(
                check(bad, &[]),
                Err(RunError::UnknownMetric(bad.into()).to_string()),
                "{bad}"
            );
        }
        // A team metric: only when every topology run has the team.
        assert_eq!(
            check("team:tv-apps:utilization", &[]),
            Err(RunError::MetricNotInTopology {
                metric: "team:tv-apps:utilization".into(),
                topology: "matrix".into(),
            }
            .to_string())
        );
        assert_eq!(
            check("team:tv-apps:leader_utilization", &["single-threaded"]),
            Ok(())
        );
        assert_eq!(check("team:eng:utilization", &["matrix"]), Ok(()));
    }
}
