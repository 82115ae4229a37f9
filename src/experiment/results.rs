//! The results of an experiment: every metric of every replication of every
//! topology, with summaries and paired comparisons against the baseline.

use crate::model::{FlowSample, ItemRecord};
use crate::scenario::Scenario;
use crate::stats::{PairedDifference, Summary, paired_difference};

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
}

impl TopologyResults {
    /// The per-replication values of `metric`, if the topology has it.
    pub fn metric(&self, metric: &str) -> Option<&[f64]> {
        self.metric_names
            .iter()
            .position(|m| m == metric)
            .map(|i| self.values[i].as_slice())
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
}

impl Experiment {
    /// The results of the topology called `name`.
    pub fn topology(&self, name: &str) -> Option<&TopologyResults> {
        self.topologies.iter().find(|t| t.name == name)
    }

    /// Summary across replications of `metric` in topology `topology`.
    pub fn summary(&self, topology: &str, metric: &str) -> Option<Summary> {
        Some(Summary::of(self.topology(topology)?.metric(metric)?))
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
        self.topologies
            .iter()
            .flat_map(|t| {
                t.metric_names
                    .iter()
                    .zip(&t.values)
                    .map(|(m, v)| SummaryRow {
                        topology: t.name.clone(),
                        metric: m.clone(),
                        summary: Summary::of(v),
                    })
            })
            .collect()
    }

    /// Every topology after the first against the first, for each metric
    /// both have, in output order.
    pub fn comparison_rows(&self) -> Vec<ComparisonRow> {
        let Some(base) = self.topologies.first() else {
            return vec![];
        };
        self.topologies
            .iter()
            .skip(1)
            .flat_map(|t| {
                t.metric_names.iter().zip(&t.values).filter_map(|(m, v)| {
                    Some(ComparisonRow {
                        topology: t.name.clone(),
                        baseline: base.name.clone(),
                        metric: m.clone(),
                        difference: paired_difference(v, base.metric(m)?),
                    })
                })
            })
            .collect()
    }

    /// Every metric name of any topology, in first-seen order (the columns
    /// of `replications.csv`).
    pub fn all_metric_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for t in &self.topologies {
            for m in &t.metric_names {
                if !names.contains(m) {
                    names.push(m.clone());
                }
            }
        }
        names
    }
}
