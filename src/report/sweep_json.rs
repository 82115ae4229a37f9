//! `sweep --json`: the sweep's summary as one JSON document on stdout, its
//! rows carrying the columns of `sweep.csv`, `sweep_comparison.csv` and
//! `sweep_points.csv` under the same names (the varied paths as given, then
//! the columns of `summary.csv`, `comparison.csv` or `sweep_points.csv`).

use serde_json::{Map, Value, json};

use super::layout::{COMPARISON_COLUMNS, SUMMARY_COLUMNS};
use super::sweep_csv::POINT_COLUMNS;
use crate::experiment::sweep::{PointRecord, SweepManifest};

/// A cell as JSON: empty is `null` (a value withheld, as in the CSV),
/// `true`/`false` booleans, a number a number, anything else a string.
fn cell(text: &str) -> Value {
    match text {
        "" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => match text.parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => match text.parse::<f64>() {
                Ok(x) if x.is_finite() => Value::from(x),
                _ => Value::String(text.to_string()),
            },
        },
    }
}

/// The rows `rows` picks from each record, as objects keyed by the path
/// columns and `columns`.
fn rows<'a>(
    paths: &[String],
    columns: &[&str],
    records: &'a [PointRecord],
    rows: impl Fn(&'a PointRecord) -> &'a [Vec<String>],
) -> Vec<Value> {
    let mut out = Vec::new();
    for r in records {
        for row in rows(r) {
            let mut object = Map::new();
            for (name, text) in paths.iter().zip(&r.values) {
                object.insert(name.clone(), cell(text));
            }
            for (name, text) in columns.iter().zip(row) {
                object.insert((*name).to_string(), cell(text));
            }
            out.push(Value::Object(object));
        }
    }
    out
}

/// The rows of `sweep_points.csv`, as objects keyed by its columns.
fn point_rows(manifest: &SweepManifest, records: &[PointRecord]) -> Vec<Value> {
    let mut out = Vec::new();
    for r in records {
        let mut object = Map::new();
        for (name, text) in manifest.paths.iter().zip(&r.values) {
            object.insert(name.clone(), cell(text));
        }
        let precision = manifest.precision.as_ref().zip(r.precision.as_ref());
        let cells = [
            Value::from(r.replications),
            precision.map_or(Value::Null, |(t, _)| Value::from(t.metric.clone())),
            precision.map_or(Value::Null, |(t, _)| Value::from(t.target)),
            precision.map_or(Value::Null, |(_, p)| cell(&p.achieved)),
            precision.map_or(Value::Null, |(_, p)| Value::Bool(p.met)),
        ];
        for (name, value) in POINT_COLUMNS.iter().zip(cells) {
            object.insert((*name).to_string(), value);
        }
        out.push(Value::Object(object));
    }
    out
}

/// The JSON document of a finished sweep: its identity (scenario, seed,
/// replications, the precision target if any, topologies with the baseline
/// first, the varied paths), its warnings, and every row of `sweep.csv`
/// (`summary`), `sweep_comparison.csv` (`comparison`) and
/// `sweep_points.csv` (`per_point`), in grid order.
pub fn sweep_json(manifest: &SweepManifest, records: &[PointRecord]) -> String {
    let paths = &manifest.paths;
    let report = json!({
        "scenario": manifest.scenario,
        "seed": manifest.seed,
        "replications": manifest.replications,
        "precision": manifest.precision,
        "warmup": manifest.warmup,
        "horizon": manifest.horizon,
        "topologies": manifest.topologies,
        "paths": paths,
        "points": manifest.points.len(),
        "warnings": manifest.warnings,
        "summary": rows(paths, &SUMMARY_COLUMNS, records, |r| &r.summary),
        "comparison": rows(paths, &COMPARISON_COLUMNS, records, |r| &r.comparison),
        "per_point": point_rows(manifest, records),
    });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::cell;
    use serde_json::Value;

    #[test]
    fn cells_keep_their_type() {
        assert_eq!(cell(""), Value::Null);
        assert_eq!(cell("true"), Value::Bool(true));
        assert_eq!(cell("30"), Value::from(30));
        assert_eq!(cell("0.1"), Value::from(0.1));
        assert_eq!(cell("-2.5e-3"), Value::from(-0.0025));
        assert_eq!(cell("matrix"), Value::from("matrix"));
        assert_eq!(cell("NaN"), Value::from("NaN"));
    }
}
