//! `sweep --json` (README, "Sweeps"): the summary as JSON, its rows those
//! of `sweep.csv` and `sweep_comparison.csv` under the same names.

use crate::support::{orgsim, text};
use serde_json::Value;

/// The CSV `csv` as rows of (column, cell) in column order.
fn csv_rows(csv: &str) -> Vec<Vec<(String, String)>> {
    let mut lines = csv.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

/// Whether the JSON value `v` says what the CSV cell `cell` says.
fn same(v: &Value, cell: &str) -> bool {
    match v {
        Value::Null => cell.is_empty(),
        Value::Bool(b) => cell == b.to_string(),
        // The document holds the shortest round-trip form, but serde_json
        // reads floats without its `float_roundtrip` feature, which may land
        // one unit in the last place off.
        Value::Number(n) => n.as_f64().is_some_and(|x| {
            cell.parse::<f64>()
                .is_ok_and(|y| x == y || (x - y).abs() <= f64::EPSILON * y.abs())
        }),
        Value::String(s) => s == cell,
        _ => false,
    }
}

#[test]
fn sweep_json_holds_the_rows_of_the_sweep_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "sweep",
            "pooling",
            "--vary",
            "workload.load=0.8,0.9",
            "--set",
            "simulation.horizon=300",
            "--reps",
            "3",
            "--out",
            "s",
            "-q",
            "--no-plots",
            "--json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["scenario"], "pooling");
    assert_eq!(json["replications"], 3);
    assert_eq!(json["paths"][0], "workload.load");
    for (key, file) in [
        ("summary", "sweep.csv"),
        ("comparison", "sweep_comparison.csv"),
    ] {
        let csv = std::fs::read_to_string(dir.path().join("s").join(file)).unwrap();
        let expected = csv_rows(&csv);
        let rows = json[key].as_array().expect("an array of rows");
        assert_eq!(rows.len(), expected.len(), "{key}");
        assert!(!rows.is_empty());
        for (row, cells) in rows.iter().zip(&expected) {
            let object = row.as_object().expect("a row is an object");
            assert_eq!(object.len(), cells.len(), "{key}: {row}");
            for (column, cell) in cells {
                assert!(
                    same(&object[column], cell),
                    "{key}: {column} is {} in JSON, `{cell}` in {file}",
                    object[column]
                );
            }
        }
    }
    // Numbers are numbers and the path column keeps its value.
    assert_eq!(json["summary"][0]["workload.load"], 0.8);
    assert!(json["summary"][0]["mean"].is_number());
}
