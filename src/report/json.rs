//! `--json`: the summary, the comparison, the warnings and (when the run
//! made them) "What this depends on" and the over-time outputs as one JSON
//! document on stdout. Its rows carry the columns of `summary.csv` and
//! `comparison.csv` under the same names.

use crate::experiment::Experiment;
use crate::experiment::results::{PrecisionOutcome, UNSTABLE_MESSAGE};
use crate::model::Warning;
use crate::stats::Summary;

/// Whether a topology settles (docs/model.md, *Unstable systems*).
#[derive(serde::Serialize)]
struct Stability<'a> {
    topology: &'a str,
    /// Replications flagged `unstable`, of `replications`.
    unstable_replications: usize,
    replications: usize,
    /// At least half flagged: its lead times are withheld (null).
    unstable: bool,
    /// Where the offered-load analysis puts it at utilization >= 1.
    overloads: &'a [String],
    /// The sentence the table prints, when unstable.
    note: Option<String>,
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    scenario: &'a str,
    replications: u32,
    seed: u64,
    warmup: f64,
    horizon: f64,
    topologies: Vec<&'a str>,
    precision: Option<&'a PrecisionOutcome>,
    warnings: &'a [Warning],
    stability: Vec<Stability<'a>>,
    summary: Vec<SummaryJson>,
    comparison: Vec<ComparisonJson>,
    /// "What this depends on" (docs/model.md), when the run made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    depends: Option<serde_json::Value>,
    /// The over-time outputs (docs/model.md, "Over time"), when the run
    /// made them.
    #[serde(skip_serializing_if = "Option::is_none")]
    over_time: Option<serde_json::Value>,
}

/// A row of `summary.csv`.
#[derive(serde::Serialize)]
struct SummaryJson {
    topology: String,
    metric: String,
    mean: f64,
    sd: f64,
    ci95_low: f64,
    ci95_high: f64,
    n: usize,
}

/// A row of `comparison.csv`, with the number of pairs it rests on.
#[derive(serde::Serialize)]
struct ComparisonJson {
    topology: String,
    baseline: String,
    metric: String,
    diff_mean: f64,
    ci95_low: f64,
    ci95_high: f64,
    n: usize,
    relative: f64,
    /// False where either topology is unstable and the metric grows with
    /// the run length.
    meaningful: bool,
}

/// The JSON document `run --json` prints, with `check`'s `warnings`.
/// Undefined values (NaN) are `null`, and so are the values of an unstable
/// topology's metrics that grow with the run length (`"meaningful": false`,
/// with the reason under `stability`).
pub fn summary_json(exp: &Experiment, warnings: &[Warning]) -> String {
    summary_json_with(exp, warnings, None, None)
}

/// [`summary_json`] with the "What this depends on" section under
/// `depends` (see [`DependsData::json`](super::depends::DependsData::json))
/// and the over-time outputs under `over_time` (see
/// [`over_time::json`](super::over_time::json)).
pub fn summary_json_with(
    exp: &Experiment,
    warnings: &[Warning],
    depends: Option<serde_json::Value>,
    over_time: Option<serde_json::Value>,
) -> String {
    let sim = &exp.scenario.run;
    let notes = exp.stability_notes();
    let stability = exp
        .topologies
        .iter()
        .map(|t| {
            let (k, n) = t.unstable_count();
            Stability {
                topology: &t.name,
                unstable_replications: k,
                replications: n,
                unstable: t.is_unstable(),
                overloads: &t.overloads,
                note: notes
                    .iter()
                    .find(|s| s.starts_with(&format!("{}: {UNSTABLE_MESSAGE}", t.name)))
                    .cloned(),
            }
        })
        .collect();
    let summary: Vec<crate::experiment::SummaryRow> = exp
        .summary_rows()
        .into_iter()
        .map(|mut r| {
            if !r.meaningful {
                r.summary = Summary {
                    n: r.summary.n,
                    ..Summary::of(&[])
                };
            }
            r
        })
        .collect();
    let report = JsonReport {
        scenario: &exp.scenario.name,
        replications: sim.replications,
        seed: sim.seed,
        warmup: sim.warmup.start(),
        horizon: sim.horizon,
        topologies: exp.topologies.iter().map(|t| t.name.as_str()).collect(),
        precision: exp.precision.as_ref(),
        warnings,
        stability,
        summary: summary
            .into_iter()
            .map(|r: crate::experiment::SummaryRow| SummaryJson {
                topology: r.topology,
                metric: r.metric,
                mean: r.summary.mean,
                sd: r.summary.sd,
                ci95_low: r.summary.ci_low,
                ci95_high: r.summary.ci_high,
                n: r.summary.n,
            })
            .collect(),
        comparison: exp
            .comparison_rows()
            .into_iter()
            .map(|r| ComparisonJson {
                topology: r.topology,
                baseline: r.baseline,
                metric: r.metric,
                diff_mean: r.difference.diff.mean,
                ci95_low: r.difference.diff.ci_low,
                ci95_high: r.difference.diff.ci_high,
                n: r.difference.diff.n,
                relative: r.difference.relative,
                meaningful: r.meaningful,
            })
            .collect(),
        depends,
        over_time,
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
