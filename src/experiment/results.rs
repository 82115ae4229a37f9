//! The results of an experiment: every metric of every replication of every
//! topology, with summaries and paired comparisons against the baseline.

use crate::model::{Completion, FlowSample, ItemRecord, Metric};
use crate::scenario::Scenario;
use crate::stats::{PairedDifference, Summary, paired_difference};
use crate::util::fmt::number;

/// Results of one topology.
#[derive(Debug, Clone)]
pub struct TopologyResults {
    /// The topology's name.
    pub name: String,
    /// Its metric names, in output order.
    pub metric_names: Vec<String>,
    /// `values[metric][replication]` (NaN where undefined, e.g. no item completed).
    pub values: Vec<Vec<f64>>,
    /// Completed items per replication (empty unless items were kept).
    pub items: Vec<Vec<ItemRecord>>,
    /// The lead-time distribution pooled over the replications by averaging
    /// their quantile functions (Vincentization): (probability, quantile)
    /// pairs from 0 to 1.
    pub lead_time_distribution: Vec<(f64, f64)>,
    /// The cumulative flow diagram of the first replication.
    pub flow: Vec<FlowSample>,
    /// The items of the streams the first replication completed in its
    /// measurement window, in completion order (its flow charts).
    pub completions: Vec<Completion>,
    /// The first replication's measurement window as observed (start, and
    /// end or the moment it was stopped as saturated).
    pub flow_window: (f64, f64),
    /// Where the offered-load analysis puts the topology at utilization ≥ 1
    /// (see [`crate::model::capacity::overloads`]); then every replication
    /// is unstable.
    pub overloads: Vec<String>,
    /// Per replication, the daily series from time 0 (docs/model.md, "Over
    /// time"); empty unless the run asked for them.
    pub daily: Vec<crate::stats::daily::DailySeries>,
}

/// The share of replications that must be flagged `unstable` for a
/// topology to be reported as unstable (lead times withheld).
pub const UNSTABLE_SHARE: f64 = 0.5;

/// What is said in place of an unstable topology's lead times.
pub const UNSTABLE_MESSAGE: &str =
    "unstable: work piles up faster than it is done; lead times grow with the run length";

/// Whether `metric` (or its per-stream variant `<stream>:<metric>`) measures
/// time spent by items or items in the system: in a system that does not
/// settle it grows with the run length, so it is withheld for an unstable
/// topology and its paired differences are not meaningful.
pub fn grows_with_run_length(metric: &str) -> bool {
    crate::model::metric::info(metric).is_some_and(|i| i.grows_with_run_length)
}

/// Whether `metric` is a 0/1 flag per replication (`saturated`, `unstable`),
/// whose mean is a share summarized with a Wilson score interval.
pub fn is_share_metric(metric: &str) -> bool {
    crate::model::metric::info(metric).is_some_and(|i| i.proportion)
}

/// The summary of `metric`'s per-replication `values`: Student-t for
/// measurements, Wilson for 0/1 flags (an interval inside [0, 1]).
pub fn summarize(metric: &str, values: &[f64]) -> Summary {
    summarize_as(crate::model::metric::info(metric), values)
}

/// [`summarize`] for a metric whose catalogue entry is `info` (looked up
/// once for the several questions a row asks of it).
fn summarize_as(info: Option<crate::model::metric::Info>, values: &[f64]) -> Summary {
    if info.is_some_and(|i| i.proportion) {
        Summary::proportion(values)
    } else {
        Summary::of(values)
    }
}

impl TopologyResults {
    /// The per-replication values of `metric`, if the topology has it.
    pub fn metric(&self, metric: &str) -> Option<&[f64]> {
        self.metric_names
            .iter()
            .position(|m| m == metric)
            .map(|i| self.values[i].as_slice())
    }

    /// Every metric's per-replication values by name (the first of a
    /// name, as [`metric`](Self::metric) finds it), for looking many up:
    /// one search per metric would grow with the square of the metrics,
    /// which grow with the streams and teams.
    pub fn metrics_by_name(&self) -> std::collections::BTreeMap<&str, &[f64]> {
        let mut map = std::collections::BTreeMap::new();
        for (name, values) in self.metric_names.iter().zip(&self.values) {
            map.entry(name.as_str()).or_insert(values.as_slice());
        }
        map
    }

    /// Records the offered-load analysis's overloads; with any, every
    /// replication is unstable.
    pub fn mark_overloaded(&mut self, overloads: Vec<String>) {
        if !overloads.is_empty()
            && let Some(i) = self
                .metric_names
                .iter()
                .position(|m| m == Metric::Unstable.name())
        {
            self.values[i].iter_mut().for_each(|v| *v = 1.0);
        }
        self.overloads = overloads;
    }

    /// Replications flagged unstable, of all replications.
    pub fn unstable_count(&self) -> (usize, usize) {
        let v = self.metric(Metric::Unstable.name()).unwrap_or(&[]);
        (v.iter().filter(|&&x| x == 1.0).count(), v.len())
    }

    /// Whether at least [`UNSTABLE_SHARE`] of the replications are unstable:
    /// the topology's lead times only measure the run length.
    pub fn is_unstable(&self) -> bool {
        let (k, n) = self.unstable_count();
        n > 0 && k as f64 >= UNSTABLE_SHARE * n as f64
    }

    /// For an unstable topology, the sentence that says so and why (the
    /// overloads the analysis found, or else that the run did not settle
    /// within its window, with a longer run to try); `None` otherwise.
    /// `warmup` and `horizon` are the run's.
    pub fn stability_note(&self, warmup: f64, horizon: f64) -> Option<String> {
        if !self.is_unstable() {
            return None;
        }
        let (k, n) = self.unstable_count();
        let why = if self.overloads.is_empty() {
            format!(
                "Not settled within the window: its work in progress still grows over the {horizon} days measured; \
                 run longer to see whether it settles, e.g. --set simulation.warmup={} --set simulation.horizon={}",
                warmup.max(horizon),
                4.0 * horizon
            )
        } else {
            format!(
                "The offered load reaches capacity ({}): a longer run will not help",
                self.overloads.join(", ")
            )
        };
        Some(format!(
            "{}: {UNSTABLE_MESSAGE} ({k} of {n} replications flagged). {why}.",
            self.name
        ))
    }
}

/// Everything one `run` produced.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The scenario as run (replications and seed as overridden).
    pub scenario: Scenario,
    /// Per topology, in scenario order; the first is the baseline.
    pub topologies: Vec<TopologyResults>,
    /// How the precision target (`--precision`) went, if there was one.
    pub precision: Option<PrecisionOutcome>,
}

/// The result of running replications until a precision target is met.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PrecisionOutcome {
    /// The metric whose precision was targeted.
    pub metric: String,
    /// The target relative CI half-width.
    pub target: f64,
    /// The worst relative half-width reached (over every topology and every
    /// paired difference).
    pub achieved: f64,
    /// Whether the target was met (else `max_replications` was reached).
    pub met: bool,
    /// Replications run per topology.
    pub replications: u32,
}

/// One row of `summary.csv`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SummaryRow {
    /// Topology name.
    pub topology: String,
    /// Metric name.
    pub metric: String,
    /// Mean, sd, 95% CI and n across replications.
    #[serde(flatten)]
    pub summary: Summary,
    /// False when the topology is unstable and the metric grows with the
    /// run length (see [`grows_with_run_length`]).
    pub meaningful: bool,
}

/// A [`SummaryRow`] whose names are borrowed from the results.
#[derive(Debug, Clone, Copy)]
pub struct SummaryRowRef<'a> {
    /// Topology name.
    pub topology: &'a str,
    /// Metric name.
    pub metric: &'a str,
    /// Mean, sd, 95% CI and n across replications.
    pub summary: Summary,
    /// As [`SummaryRow::meaningful`].
    pub meaningful: bool,
}

/// A [`ComparisonRow`] whose names are borrowed from the results.
#[derive(Debug, Clone, Copy)]
pub struct ComparisonRowRef<'a> {
    /// Topology name.
    pub topology: &'a str,
    /// Baseline topology name (the scenario's first).
    pub baseline: &'a str,
    /// Metric name.
    pub metric: &'a str,
    /// Paired difference (topology − baseline) with its CI and relative change.
    pub difference: PairedDifference,
    /// As [`ComparisonRow::meaningful`].
    pub meaningful: bool,
}

/// One row of `comparison.csv`: a topology against the baseline.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComparisonRow {
    /// Topology name.
    pub topology: String,
    /// Baseline topology name (the scenario's first).
    pub baseline: String,
    /// Metric name.
    pub metric: String,
    /// Paired difference (topology − baseline) with its CI and relative change.
    #[serde(flatten)]
    pub difference: PairedDifference,
    /// False when either side is unstable and the metric grows with the run
    /// length: the difference then measures the run, not the organizations.
    pub meaningful: bool,
}

impl Experiment {
    /// The results of the topology called `name`.
    pub fn topology(&self, name: &str) -> Option<&TopologyResults> {
        self.topologies.iter().find(|t| t.name == name)
    }

    /// Summary across replications of `metric` in topology `topology`.
    pub fn summary(&self, topology: &str, metric: &str) -> Option<Summary> {
        Some(summarize(metric, self.topology(topology)?.metric(metric)?))
    }

    /// Paired difference of `metric` between `topology` and the baseline.
    pub fn comparison(&self, topology: &str, metric: &str) -> Option<PairedDifference> {
        let baseline = self.topologies.first()?.metric(metric)?;
        Some(paired_difference(
            self.topology(topology)?.metric(metric)?,
            baseline,
        ))
    }

    /// Every (topology, metric) summary, in output order.
    pub fn summary_rows(&self) -> Vec<SummaryRow> {
        self.summary_rows_iter().collect()
    }

    /// The rows of [`summary_rows`](Self::summary_rows) one at a time, for
    /// writing them without holding them all (tens of thousands in big
    /// organizations).
    pub fn summary_rows_iter(&self) -> impl Iterator<Item = SummaryRow> + '_ {
        self.summary_rows_borrowed().map(|r| SummaryRow {
            topology: r.topology.to_string(),
            metric: r.metric.to_string(),
            summary: r.summary,
            meaningful: r.meaningful,
        })
    }

    /// The rows of [`summary_rows_iter`](Self::summary_rows_iter) with
    /// the names borrowed from the results (no allocation per row).
    pub fn summary_rows_borrowed(&self) -> impl Iterator<Item = SummaryRowRef<'_>> + '_ {
        self.topologies.iter().flat_map(|t| {
            let unstable = t.is_unstable();
            t.metric_names.iter().zip(&t.values).map(move |(m, v)| {
                let info = crate::model::metric::info(m);
                SummaryRowRef {
                    topology: &t.name,
                    metric: m,
                    summary: summarize_as(info, v),
                    meaningful: !(unstable && info.is_some_and(|i| i.grows_with_run_length)),
                }
            })
        })
    }

    /// Whether the paired difference of `metric` between `topology` and the
    /// baseline means something (see [`ComparisonRow::meaningful`]).
    pub fn meaningful(&self, topology: &str, metric: &str) -> bool {
        let unstable = |t: Option<&TopologyResults>| t.is_some_and(TopologyResults::is_unstable);
        !(grows_with_run_length(metric)
            && (unstable(self.topology(topology)) || unstable(self.topologies.first())))
    }

    /// The stability notes of every unstable topology, in scenario order
    /// (see [`TopologyResults::stability_note`]).
    pub fn stability_notes(&self) -> Vec<String> {
        let sim = &self.scenario.run;
        self.topologies
            .iter()
            .filter_map(|t| {
                let warmup = t
                    .metric(Metric::Warmup.name())
                    .and_then(|v| v.first().copied())
                    .unwrap_or(sim.warmup.start());
                t.stability_note(warmup, sim.horizon)
            })
            .collect()
    }

    /// Every topology after the first against the first, for each metric
    /// both have, in output order.
    pub fn comparison_rows(&self) -> Vec<ComparisonRow> {
        self.comparison_rows_iter().collect()
    }

    /// The rows of [`comparison_rows`](Self::comparison_rows) one at a
    /// time, for writing them without holding them all.
    pub fn comparison_rows_iter(&self) -> impl Iterator<Item = ComparisonRow> + '_ {
        self.comparison_rows_borrowed().map(|r| ComparisonRow {
            topology: r.topology.to_string(),
            baseline: r.baseline.to_string(),
            metric: r.metric.to_string(),
            difference: r.difference,
            meaningful: r.meaningful,
        })
    }

    /// The rows of [`comparison_rows_iter`](Self::comparison_rows_iter)
    /// with the names borrowed from the results (no allocation per row).
    pub fn comparison_rows_borrowed(&self) -> impl Iterator<Item = ComparisonRowRef<'_>> + '_ {
        let base = self.topologies.first();
        let base_metrics = std::rc::Rc::new(
            base.map(TopologyResults::metrics_by_name)
                .unwrap_or_default(),
        );
        let base_unstable = base.is_some_and(TopologyResults::is_unstable);
        let baseline = base.map_or("", |b| b.name.as_str());
        self.topologies.iter().skip(1).flat_map(move |t| {
            let unstable = t.is_unstable() || base_unstable;
            let base_metrics = std::rc::Rc::clone(&base_metrics);
            t.metric_names
                .iter()
                .zip(&t.values)
                .filter_map(move |(m, v)| {
                    Some(ComparisonRowRef {
                        topology: &t.name,
                        baseline,
                        metric: m,
                        difference: paired_difference(v, base_metrics.get(m.as_str())?),
                        meaningful: !(grows_with_run_length(m) && unstable),
                    })
                })
        })
    }

    /// The rows of `summary.csv` (without the header), as its cells are
    /// written.
    pub fn summary_records(&self) -> Vec<Vec<String>> {
        self.summary_rows_iter()
            .map(|r| {
                let s = r.summary;
                vec![
                    r.topology,
                    r.metric,
                    number(s.mean),
                    number(s.sd),
                    number(s.ci_low),
                    number(s.ci_high),
                    s.n.to_string(),
                ]
            })
            .collect()
    }

    /// The rows of `comparison.csv` (without the header), as its cells are
    /// written.
    pub fn comparison_records(&self) -> Vec<Vec<String>> {
        self.comparison_rows_iter()
            .map(|r| {
                let d = r.difference;
                vec![
                    r.topology,
                    r.baseline,
                    r.metric,
                    number(d.diff.mean),
                    number(d.diff.ci_low),
                    number(d.diff.ci_high),
                    number(d.relative),
                    d.diff.n.to_string(),
                    r.meaningful.to_string(),
                ]
            })
            .collect()
    }

    /// Every metric name of any topology, in first-seen order (the columns
    /// of `replications.csv`).
    pub fn all_metric_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        for t in &self.topologies {
            // A topology whose metrics are the first names already listed,
            // in order (the usual case), adds none.
            if t.metric_names.len() <= names.len()
                && t.metric_names.iter().zip(&names).all(|(m, n)| m == n)
            {
                continue;
            }
            for m in &t.metric_names {
                if seen.insert(m) {
                    names.push(m.clone());
                }
            }
        }
        names
    }
}
