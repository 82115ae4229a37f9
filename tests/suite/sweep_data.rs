//! Sweeps as data (issue 26, point 2): `sweep_replications.csv` holds every
//! replication's metrics at every point and re-aggregates to `sweep.csv`;
//! `sweep --precision` runs each point until its half-width target is met
//! (or `--max-reps`), says so per point in `sweep_points.csv`, and keeps
//! its bytes across thread counts, resumption and sharding.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use orgsim::experiment::results::summarize;
use orgsim::experiment::sweep::{SweepManifest, checkpoint};
use orgsim::stats::{Summary, paired_difference};
use orgsim::util::fmt::number;

use crate::support::{orgsim, text};

/// Two topologies of two teams each: a point takes milliseconds, and its
/// lead-time mean varies enough between replications that a precision
/// target of a few percent needs several batches.
const SMALL: &str = r#"
name = "small"
[simulation]
warmup = 20
horizon = 150
replications = 3
seed = 11
[workload]
load = 0.8
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 2.0 }
item = "feature"
[[workload.streams]]
name = "b"
interarrival = { dist = "exponential", mean = 2.0 }
item = "feature"
[workload.items.feature]
tasks = [
  { name = "spec", skill = "product", effort = { dist = "exponential", mean = 0.5 } },
  { name = "build", skill = "eng", effort = { dist = "exponential", mean = 2 }, after = ["spec"] },
]
[architecture]
coupling = 0.1
[organization]
people = { product = 2, eng = 4 }
[coordination]
handoff = 0.5
intake_cadence = 5
decision = { dist = "exponential", mean = 0.2 }
[[topologies]]
name = "matrix"
kind = "matrix"
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#;

const GRID: [&str; 2] = ["--vary", "workload.load=0.6,0.8,0.9"];
const PRECISION: [&str; 6] = [
    "--precision",
    "0.04",
    "--max-reps",
    "24",
    "--precision-metric",
    "lead_time_mean",
];

/// Every file of a finished sweep whose bytes a resumed, sharded or
/// multi-threaded sweep must reproduce.
const DATA_FILES: [&str; 4] = [
    "sweep.csv",
    "sweep_comparison.csv",
    "sweep_replications.csv",
    "sweep_points.csv",
];

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("small.toml"), SMALL).unwrap();
    dir
}

fn sweep(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["sweep", "small.toml", "-q", "--no-plots", "--out", out];
    args.extend(GRID);
    args.extend(extra);
    let o = orgsim(&args, dir);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}\nstdout:\n{}\nstderr:\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    o
}

/// A CSV file as its header and rows of cells (no cell of these files is
/// quoted).
fn table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let body = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = body
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<String>>());
    (lines.next().unwrap(), lines.collect())
}

/// `sweep_replications.csv` as (point value, topology, metric) → the values
/// in replication order, after checking that replications count from 0
/// within each (point, topology) with every metric at each.
fn replications(dir: &Path) -> BTreeMap<(String, String, String), Vec<f64>> {
    let (header, rows) = table(&dir.join("sweep_replications.csv"));
    assert_eq!(
        header,
        [
            "workload.load",
            "topology",
            "replication",
            "metric",
            "value"
        ]
    );
    let mut out: BTreeMap<(String, String, String), Vec<f64>> = BTreeMap::new();
    for row in rows {
        let key = (row[0].clone(), row[1].clone(), row[3].clone());
        let values = out.entry(key).or_default();
        assert_eq!(
            row[2],
            values.len().to_string(),
            "replications in order: {row:?}"
        );
        values.push(row[4].parse().unwrap());
    }
    out
}

/// The rows of `sweep_points.csv` by point value: (replications,
/// relative half-width, target met).
fn point_rows(dir: &Path) -> BTreeMap<String, (usize, String, String)> {
    let (header, rows) = table(&dir.join("sweep_points.csv"));
    assert_eq!(
        header,
        [
            "workload.load",
            "replications",
            "precision_metric",
            "precision_target",
            "relative_half_width",
            "target_met"
        ]
    );
    rows.into_iter()
        .map(|r| {
            (
                r[0].clone(),
                (r[1].parse().unwrap(), r[4].clone(), r[5].clone()),
            )
        })
        .collect()
}

#[test]
fn the_replications_file_reaggregates_exactly_to_the_sweep_summary() {
    let dir = workspace();
    sweep(dir.path(), "s", &[]);
    let reps = replications(&dir.path().join("s"));
    let (header, rows) = table(&dir.path().join("s/sweep.csv"));
    assert_eq!(header[..4], ["workload.load", "topology", "metric", "mean"]);
    assert_eq!(
        rows.len(),
        reps.len(),
        "one (point, topology, metric) of the replications per summary row"
    );
    for row in &rows {
        let key = (row[0].clone(), row[1].clone(), row[2].clone());
        let values = reps
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?} not in sweep_replications.csv"));
        assert_eq!(values.len(), 3, "{key:?}: every replication");
        // The values are written exactly (shortest round-trip text), so
        // their summary is the one sweep.csv holds, digit for digit.
        let s = summarize(&key.2, values);
        let recomputed = [
            number(s.mean),
            number(s.sd),
            number(s.ci_low),
            number(s.ci_high),
            s.n.to_string(),
        ];
        assert_eq!(row[3..], recomputed, "{key:?}");
    }
    // And the paired differences of sweep_comparison.csv.
    let (_, rows) = table(&dir.path().join("s/sweep_comparison.csv"));
    assert!(!rows.is_empty());
    for row in &rows {
        let get = |t: &str| &reps[&(row[0].clone(), t.to_string(), row[3].clone())];
        let d = paired_difference(get(&row[1]), get(&row[2]));
        assert_eq!(
            row[4..8],
            [
                number(d.diff.mean),
                number(d.diff.ci_low),
                number(d.diff.ci_high),
                number(d.relative)
            ],
            "{row:?}"
        );
    }
    // Without --precision every point ran the sweep's replications.
    for (point, (n, achieved, met)) in point_rows(&dir.path().join("s")) {
        assert_eq!((n, achieved.as_str(), met.as_str()), (3, "", ""), "{point}");
    }
}

/// The worst relative half-width of lead_time_mean over both topologies and
/// their paired difference, from the first `n` replications of each: what
/// the precision loop compares with its target.
fn worst(matrix: &[f64], single: &[f64], n: usize) -> f64 {
    let relative = |hw: f64, scale: f64| {
        let r = hw / scale.abs();
        if r.is_nan() { f64::INFINITY } else { r }
    };
    let (m, s) = (Summary::of(&matrix[..n]), Summary::of(&single[..n]));
    let d = paired_difference(&single[..n], &matrix[..n]);
    relative(m.half_width(), m.mean)
        .max(relative(s.half_width(), s.mean))
        .max(relative(d.diff.half_width(), m.mean))
}

#[test]
fn precision_stops_at_the_first_batch_that_meets_the_target() {
    let dir = workspace();
    let out = sweep(dir.path(), "p", &PRECISION);
    let folder = dir.path().join("p");
    let reps = replications(&folder);
    let points = point_rows(&folder);
    assert_eq!(points.len(), 3);
    let (mut met, mut missed, mut extended) = (0, 0, 0);
    for (point, (n, achieved, target_met)) in &points {
        let lead = |t: &str| {
            reps[&(point.clone(), t.to_string(), "lead_time_mean".to_string())].as_slice()
        };
        let (matrix, single) = (lead("matrix"), lead("single-threaded"));
        assert_eq!(
            matrix.len(),
            *n,
            "{point}: the file holds every replication run"
        );
        assert_eq!(single.len(), *n);
        assert_eq!(n % 3, 0, "{point}: whole batches of the first count");
        let at_end = worst(matrix, single, *n);
        assert_eq!(
            *achieved,
            number(at_end),
            "{point}: the half-width recorded"
        );
        if target_met == "true" {
            met += 1;
            assert!(at_end <= 0.04, "{point}: met at {at_end}");
        } else {
            missed += 1;
            assert_eq!(target_met, "false");
            assert!(at_end > 0.04, "{point}: not met at {at_end}");
            assert_eq!(*n, 24, "{point}: only --max-reps stops a point short");
        }
        // No earlier batch met it: the loop stopped at the first that did.
        for k in (3..*n).step_by(3) {
            assert!(
                worst(matrix, single, k) > 0.04,
                "{point}: already met after {k} replications"
            );
        }
        if *n > 3 {
            extended += 1;
        }
    }
    assert!(met > 0, "some point meets the target: {points:?}");
    assert!(extended > 0, "some point needed more batches: {points:?}");
    // The summary rows are those of the replications run.
    let (_, rows) = table(&folder.join("sweep.csv"));
    for row in rows.iter().filter(|r| r[2] == "lead_time_mean") {
        assert_eq!(row[7], points[&row[0]].0.to_string(), "{row:?}");
    }
    // The table names the replications of each point, and every point that
    // missed the target says so.
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("precision target ±4% on lead_time_mean"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches(" NOT met").count(),
        missed + usize::from(missed > 0),
        "{stdout}"
    );
    // The same sweep with a target out of reach: every point says it missed.
    let out = sweep(
        dir.path(),
        "q",
        &["--precision", "0.001", "--max-reps", "6"],
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("met at 0 of 3 points; NOT met at 3"),
        "{stdout}"
    );
    for (point, (n, _, target_met)) in point_rows(&dir.path().join("q")) {
        assert_eq!((n, target_met.as_str()), (6, "false"), "{point}");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&format!("{point} ")) && l.contains("6 NOT met")),
            "{point}: {stdout}"
        );
    }
}

#[test]
fn sweep_files_keep_their_bytes_across_threads_resumption_and_shards() {
    for (label, extra) in [("plain", &[][..]), ("precision", &PRECISION[..])] {
        let dir = workspace();
        let d = dir.path();
        let with = |more: &[&'static str]| -> Vec<&'static str> { [extra, more].concat() };
        sweep(d, "one", &with(&["--threads", "1"]));
        sweep(d, "two", &with(&["--threads", "2"]));
        // Resumed: the checkpoint of the finished sweep cut to its first
        // point, as an interruption leaves it.
        sweep(d, "cut", &with(&[]));
        let cp = d.join("cut/sweep.checkpoint.jsonl");
        let body = fs::read_to_string(&cp).unwrap();
        let first = body.lines().next().unwrap();
        fs::write(&cp, format!("{first}\n")).unwrap();
        for f in DATA_FILES {
            fs::remove_file(d.join("cut").join(f)).unwrap();
        }
        sweep(d, "cut", &with(&["--resume"]));
        // Sharded, then merged.
        sweep(d, "sh", &with(&["--shard", "1/2"]));
        sweep(d, "sh", &with(&["--shard", "2/2", "--threads", "2"]));
        let m = orgsim(&["merge", "sh", "--out", "merged", "-q", "--no-plots"], d);
        assert_eq!(m.status.code(), Some(0), "{}", text(&m.stderr));
        for f in DATA_FILES {
            let want = fs::read(d.join("one").join(f)).unwrap();
            for other in ["two", "cut", "merged"] {
                assert!(
                    fs::read(d.join(other).join(f)).unwrap() == want,
                    "{label}: {other}/{f} differs from one uninterrupted single-thread sweep's"
                );
            }
        }
    }
}

#[test]
fn resume_refuses_another_precision_target_and_a_checkpoint_without_replications() {
    let dir = workspace();
    let d = dir.path();
    sweep(d, "p", &PRECISION);
    let args = |more: &[&str]| -> Vec<String> {
        let mut a: Vec<&str> = vec!["sweep", "small.toml", "-q", "--no-plots", "--out", "p"];
        a.extend(GRID);
        a.extend(more);
        a.iter().map(|s| s.to_string()).collect()
    };
    let run = |more: &[&str]| {
        let a = args(more);
        orgsim(&a.iter().map(String::as_str).collect::<Vec<_>>(), d)
    };
    for other in [
        &["--precision", "0.05", "--resume"][..],
        &["--resume"][..],
        &["--precision", "0.04", "--max-reps", "30", "--resume"][..],
    ] {
        let out = run(other);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{other:?}: {err}");
        assert!(
            err.contains("different sweep") && err.contains("precision"),
            "{other:?}: {err}"
        );
    }
    // A checkpoint line of an orgsim that kept no replications (its
    // checksum correct) is refused, naming the line.
    let manifest = SweepManifest::read(&d.join("p/sweep.json")).unwrap();
    let identity = manifest.identity();
    let cp = d.join("p/sweep.checkpoint.jsonl");
    let mut kept = checkpoint::read(&cp, &identity).unwrap().records;
    kept[1].per_replication.clear();
    kept[1].replications = 0;
    fs::write(&cp, checkpoint::to_bytes(&kept, &identity).unwrap()).unwrap();
    let out = run(&[&PRECISION[..], &["--resume"]].concat());
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 2 has no per-replication values"),
        "{err}"
    );
}

#[test]
fn bad_precision_options_exit_2_before_anything_runs() {
    let dir = workspace();
    for (extra, needle) in [
        (&["--precision", "1.5"][..], "--precision must be"),
        (&["--precision", "0"][..], "--precision must be"),
        (
            &["--precision", "0.05", "--precision-metric", "nope"][..],
            "unknown metric `nope`",
        ),
        (&["--max-reps", "10"][..], "--precision"),
        (
            &["--precision", "0.05", "--max-reps", "0"][..],
            "--max-reps",
        ),
    ] {
        let mut args = vec!["sweep", "small.toml", "-q", "--out", "o"];
        args.extend(GRID);
        args.extend(extra);
        let out = orgsim(&args, dir.path());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(needle), "{extra:?}: `{needle}` not in {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!dir.path().join("o").exists(), "{extra:?} wrote output");
    }
}
