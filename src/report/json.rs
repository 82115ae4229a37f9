//! `--json`: the summary and the comparison as one JSON document on stdout.

use crate::experiment::results::{PrecisionOutcome, UNSTABLE_MESSAGE};
use crate::experiment::{ComparisonRow, Experiment, SummaryRow};
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
    stability: Vec<Stability<'a>>,
    summary: Vec<SummaryRow>,
    comparison: Vec<ComparisonRow>,
}

/// The JSON document `run --json` prints. Undefined values (NaN) are `null`,
/// and so are the values of an unstable topology's metrics that grow with
/// the run length (`"meaningful": false`, with the reason under `stability`).
pub fn summary_json(exp: &Experiment) -> String {
    let sim = &exp.scenario.simulation;
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
    let summary = exp
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
        warmup: sim.warmup,
        horizon: sim.horizon,
        topologies: exp.topologies.iter().map(|t| t.name.as_str()).collect(),
        precision: exp.precision.as_ref(),
        stability,
        summary,
        comparison: exp.comparison_rows(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
