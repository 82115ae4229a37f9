//! `--json`: the summary and the comparison as one JSON document on stdout.

use crate::experiment::results::PrecisionOutcome;
use crate::experiment::{ComparisonRow, Experiment, SummaryRow};

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    scenario: &'a str,
    replications: u32,
    seed: u64,
    warmup: f64,
    horizon: f64,
    topologies: Vec<&'a str>,
    precision: Option<&'a PrecisionOutcome>,
    summary: Vec<SummaryRow>,
    comparison: Vec<ComparisonRow>,
}

/// The JSON document `run --json` prints. Undefined values (NaN) are `null`.
pub fn summary_json(exp: &Experiment) -> String {
    let sim = &exp.scenario.simulation;
    let report = JsonReport {
        scenario: &exp.scenario.name,
        replications: sim.replications,
        seed: sim.seed,
        warmup: sim.warmup,
        horizon: sim.horizon,
        topologies: exp.topologies.iter().map(|t| t.name.as_str()).collect(),
        precision: exp.precision.as_ref(),
        summary: exp.summary_rows(),
        comparison: exp.comparison_rows(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
