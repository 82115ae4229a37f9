//! `--baseline NAME` (README, "Command line"): every paired difference of
//! `run`, `sweep` and `explore` is against the named topology, no
//! topology's own numbers change, and an unknown name is refused with a
//! did-you-mean and exit code 2.

use crate::support::{orgsim, text};

/// `pooling`, short: 2 replications of 300 days.
const SHORT: [&str; 4] = ["--set", "simulation.horizon=300", "--reps", "2"];

fn read(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The rows of a long CSV whose first column is `topology`, sorted (the
/// order of the topologies is the one thing a baseline may change).
fn sorted_rows(csv: &str) -> Vec<String> {
    let mut rows: Vec<String> = csv.lines().skip(1).map(str::to_owned).collect();
    rows.sort();
    rows
}

/// `replications.csv` as sorted (column, value) pairs per row, without the
/// empty cells: its team columns come in the order the topologies run.
fn replications(csv: &str) -> Vec<Vec<(String, String)>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut rows: Vec<Vec<(String, String)>> = lines
        .map(|l| {
            let mut cells: Vec<(String, String)> = header
                .iter()
                .zip(l.split(','))
                .filter(|(_, v)| !v.is_empty())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            cells.sort();
            cells
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn run_compares_against_the_named_baseline_and_keeps_every_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut default = vec!["run", "pooling", "--out", "default", "-q", "--no-plots"];
    default.extend(SHORT);
    let out = orgsim(&default, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut chosen = vec![
        "run",
        "pooling",
        "--out",
        "chosen",
        "-q",
        "--no-plots",
        "--baseline",
        "single-threaded",
    ];
    chosen.extend(SHORT);
    let out = orgsim(&chosen, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // Each topology's own numbers are the same, whatever the baseline.
    let (a, b) = (dir.path().join("default"), dir.path().join("chosen"));
    assert_eq!(
        sorted_rows(&read(&a, "summary.csv")),
        sorted_rows(&read(&b, "summary.csv"))
    );
    assert_eq!(
        replications(&read(&a, "replications.csv")),
        replications(&read(&b, "replications.csv"))
    );
    // The comparison is the other way round: matrix against single-threaded,
    // with the opposite difference.
    let default_cmp = read(&a, "comparison.csv");
    let chosen_cmp = read(&b, "comparison.csv");
    let row = |csv: &str, prefix: &str| -> Vec<String> {
        csv.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no row {prefix} in\n{csv}"))
            .split(',')
            .map(str::to_owned)
            .collect()
    };
    let d = row(&default_cmp, "single-threaded,matrix,lead_time_mean,");
    let c = row(&chosen_cmp, "matrix,single-threaded,lead_time_mean,");
    let diff = |r: &[String]| r[3].parse::<f64>().unwrap();
    assert!(diff(&d) != 0.0);
    assert!(
        (diff(&d) + diff(&c)).abs() < 1e-9 * diff(&d).abs(),
        "{d:?} vs {c:?}"
    );
    assert!(
        chosen_cmp
            .lines()
            .skip(1)
            .all(|l| l.starts_with("matrix,single-threaded,")),
        "{chosen_cmp}"
    );
    // The baseline is listed first in the summary.
    assert!(
        read(&b, "summary.csv")
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("single-threaded,")
    );
}

#[test]
fn an_unknown_baseline_is_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    for command in [
        vec![
            "run",
            "pooling",
            "--baseline",
            "single-thread",
            "--out",
            "x",
        ],
        vec![
            "sweep",
            "pooling",
            "--vary",
            "workload.load=0.8,0.9",
            "--baseline",
            "single-thread",
            "--out",
            "x",
        ],
        vec![
            "explore",
            "pooling",
            "--method",
            "tornado",
            "--uncertain",
            "workload.load=[0.8, 0.9]",
            "--baseline",
            "single-thread",
            "--out",
            "x",
        ],
    ] {
        let out = orgsim(&command, dir.path());
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(
            stderr.contains(
                "--baseline `single-thread`: no such topology; did you mean `single-threaded`?"
            ),
            "{command:?}: {stderr}"
        );
        assert!(!dir.path().join("x").exists(), "{command:?} wrote output");
    }
    let out = orgsim(
        &[
            "run",
            "pooling",
            "--baseline",
            "single-threaded",
            "--topology",
            "matrix",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is not among the topologies run"));
}

#[test]
fn sweep_and_explore_compare_against_the_named_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let mut sweep = vec![
        "sweep",
        "pooling",
        "--vary",
        "workload.load=0.8,0.9",
        "--out",
        "sweep",
        "-q",
        "--no-plots",
        "--baseline",
        "single-threaded",
    ];
    sweep.extend(SHORT);
    let out = orgsim(&sweep, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let cmp = read(&dir.path().join("sweep"), "sweep_comparison.csv");
    let rows: Vec<&str> = cmp.lines().skip(1).collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|l| l.contains(",matrix,single-threaded,")),
        "{cmp}"
    );
    let manifest = read(&dir.path().join("sweep"), "sweep.json");
    let json: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(json["topologies"][0], "single-threaded");

    let mut explore = vec![
        "explore",
        "pooling",
        "--method",
        "tornado",
        "--uncertain",
        "workload.load=[0.8, 0.9]",
        "--metric",
        "lead_time_mean",
        "--out",
        "explore",
        "-q",
        "--no-plots",
        "--baseline",
        "single-threaded",
    ];
    explore.extend(SHORT);
    let out = orgsim(&explore, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("explore"), "explore.json")).unwrap();
    assert_eq!(json["baseline"], "single-threaded", "{json}");
}
