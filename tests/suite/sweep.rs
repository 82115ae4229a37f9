//! `orgsim sweep` and `orgsim merge` (issue 5): grids, validation before
//! anything runs, determinism, interruption and resumption, shards, merge,
//! and the Slurm script.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use orgsim::experiment::sweep::{self, BaseScenario, SweepSettings, Vary, checkpoint};
use orgsim::report::sweep_folder::{self, SweepOutcome, SweepRun};

use crate::support::{orgsim, text};

/// Two streams, two skills, coordination on, matrix vs single-threaded:
/// small enough that a point takes milliseconds.
const TINY: &str = r#"
name = "tiny"
[simulation]
warmup = 20
horizon = 200
replications = 3
seed = 7
[workload]
load = 1.0
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

/// A temporary folder holding `tiny.toml`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("tiny.toml"), TINY).unwrap();
    dir
}

fn ok(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// `tiny.toml` swept over `varies` into `out`, with `extra` arguments.
fn sweep(dir: &Path, out: &str, varies: &[&str], extra: &[&str]) -> Output {
    let mut args = vec!["sweep", "tiny.toml", "--quiet", "--out", out];
    for v in varies {
        args.extend(["--vary", v]);
    }
    args.extend(extra);
    orgsim(&args, dir)
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The distinct leading `n` cells of the data rows, in file order.
fn points(csv: &[u8], n: usize) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for line in text(csv).lines().skip(1) {
        let key = line.split(',').take(n).collect::<Vec<_>>().join(",");
        if seen.last() != Some(&key) {
            seen.push(key);
        }
    }
    seen
}

const GRID: [&str; 2] = ["architecture.coupling=0:0.6:0.1", "workload.load=0.5,1"];

#[test]
fn float_steps_and_grid_order() {
    let dir = workspace();
    let out = sweep(dir.path(), "o", &GRID, &["--reps", "2"]);
    ok(&out);
    let csv = read(dir.path(), "o/sweep.csv");
    let header = text(&csv).lines().next().unwrap().to_string();
    assert_eq!(
        header,
        "architecture.coupling,workload.load,topology,metric,mean,sd,ci95_low,ci95_high,n"
    );
    let expected: Vec<String> = ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"]
        .iter()
        .flat_map(|c| ["0.5", "1"].map(|l| format!("{c},{l}")))
        .collect();
    assert_eq!(
        points(&csv, 2),
        expected,
        "7 × 2 points, the last --vary fastest"
    );
    // Within a point: topologies in scenario order, each with every metric.
    let first: Vec<String> = text(&csv)
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("0,0.5,"))
        .map(|l| l.split(',').nth(2).unwrap().to_string())
        .collect();
    let switch = first.iter().position(|t| t == "single-threaded").unwrap();
    assert!(first[..switch].iter().all(|t| t == "matrix"));
    assert!(first[switch..].iter().all(|t| t == "single-threaded"));
    let cmp = text(&read(dir.path(), "o/sweep_comparison.csv"));
    assert!(cmp.starts_with(
        "architecture.coupling,workload.load,topology,baseline,metric,diff_mean,ci95_low,ci95_high,relative,n,meaningful\n0,0.5,single-threaded,matrix,throughput,"
    ));
    // The stdout table: one line per point after the header.
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("14 points × 2 topologies × 2 replications"),
        "{stdout}"
    );
    assert!(stdout.contains("Δ lead single-threaded"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("0.6 ") && l.contains(" 1 ")),
        "{stdout}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(dir.path(), "o/sweep.json")).unwrap();
    assert_eq!(manifest["points"].as_array().unwrap().len(), 14);
    assert_eq!(manifest["complete"], true);
}

#[test]
fn a_point_has_the_numbers_of_run_with_its_values() {
    let dir = workspace();
    ok(&sweep(
        dir.path(),
        "s",
        &["architecture.coupling=0,0.3"],
        &[],
    ));
    ok(&orgsim(
        &[
            "run",
            "tiny.toml",
            "--quiet",
            "--out",
            "r",
            "--set",
            "architecture.coupling=0.3",
        ],
        dir.path(),
    ));
    let strip = |bytes: Vec<u8>, prefix: &str| -> Vec<String> {
        text(&bytes)
            .lines()
            .filter_map(|l| l.strip_prefix(prefix).map(str::to_string))
            .collect()
    };
    let from_sweep = strip(read(dir.path(), "s/sweep.csv"), "0.3,");
    let from_run: Vec<String> = text(&read(dir.path(), "r/summary.csv"))
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    assert!(!from_run.is_empty());
    assert_eq!(from_sweep, from_run);
    let cmp_sweep = strip(read(dir.path(), "s/sweep_comparison.csv"), "0.3,");
    let cmp_run: Vec<String> = text(&read(dir.path(), "r/comparison.csv"))
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    assert_eq!(cmp_sweep, cmp_run);
}

#[test]
fn bad_paths_values_and_flags_exit_2_naming_the_point_and_write_nothing() {
    let dir = workspace();
    let cases: Vec<(Vec<&str>, Vec<&str>, &str)> = vec![
        (
            vec!["architecture.coupling=0:1.5:0.5"],
            vec![],
            "point 4 of 4 (architecture.coupling=1.5)",
        ),
        (
            vec!["workload.load=1,2", "architecture.coupling=0,7"],
            vec![],
            "point 2 of 4 (workload.load=1, architecture.coupling=7)",
        ),
        (
            vec!["architecture.couplin=0,0.2"],
            vec![],
            "point 1 of 2 (architecture.couplin=0)",
        ),
        (
            vec!["organization.people.eng=2:4:0.5"],
            vec![],
            "also invalid: point 2 (organization.people.eng=2.5)",
        ),
        (vec!["architecture.coupling=0:1"], vec![], "START:STOP:STEP"),
        (
            vec!["architecture.coupling=1:0:0.1"],
            vec![],
            "goes away from STOP",
        ),
        (vec!["architecture.coupling"], vec![], "PATH=SPEC"),
        (vec!["a=1", "a=2"], vec![], "varied twice"),
        (
            vec!["architecture.coupling=0,0.1"],
            vec!["--shard", "3/2"],
            "--shard 3/2",
        ),
        (
            vec!["architecture.coupling=0,0.1"],
            vec!["--shard", "0/2"],
            "--shard 0/2",
        ),
        (
            vec!["architecture.coupling=0,0.1"],
            vec!["--shard", "two"],
            "--shard two",
        ),
        (
            vec!["architecture.coupling=0,0.1"],
            vec!["--threads", "0"],
            "--threads",
        ),
        (
            vec!["architecture.coupling=0,0.1"],
            vec!["--reps", "0"],
            "--reps",
        ),
        (
            vec!["architecture.coupling=0,0.1"],
            vec!["--topology", "nope"],
            "nope",
        ),
        (
            vec!["architecture.coupling=0,0.1"],
            vec!["--set", "workload.load=-1"],
            "workload.load",
        ),
    ];
    for (varies, extra, needle) in cases {
        let out = sweep(dir.path(), "o", &varies, &extra);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{varies:?} {extra:?}: {err}");
        assert!(
            err.contains(needle),
            "{varies:?} {extra:?}: `{needle}` not in:\n{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            !dir.path().join("o").exists(),
            "{varies:?} {extra:?} wrote output"
        );
    }
    // A missing scenario file, and no --vary at all.
    let out = orgsim(
        &["sweep", "nope.toml", "--vary", "a=1", "--out", "o"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let out = orgsim(&["sweep", "tiny.toml", "--out", "o"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("o").exists());
}

#[test]
fn same_bytes_for_any_thread_count() {
    let dir = workspace();
    for t in ["1", "2"] {
        ok(&sweep(
            dir.path(),
            t,
            &GRID,
            &["--threads", t, "--reps", "2"],
        ));
    }
    for f in [
        "sweep.csv",
        "sweep_comparison.csv",
        "sweep_replications.csv",
        "sweep_points.csv",
    ] {
        assert!(
            read(dir.path(), &format!("1/{f}")) == read(dir.path(), &format!("2/{f}")),
            "{f} differs between --threads 1 and 2"
        );
    }
}

/// The sweep the interruption tests run: 12 points of about 0.1 s each.
const LONG: [&str; 1] = ["architecture.coupling=0:0.55:0.05"];
const LONG_EXTRA: [&str; 6] = [
    "--reps",
    "4",
    "--set",
    "simulation.horizon=20000",
    "--threads",
    "2",
];

#[test]
fn killed_midway_then_resumed_gives_the_uninterrupted_files() {
    let dir = workspace();
    ok(&sweep(dir.path(), "whole", &LONG, &LONG_EXTRA));
    let whole = read(dir.path(), "whole/sweep.csv");

    let mut args = vec![
        "sweep",
        "tiny.toml",
        "--quiet",
        "--out",
        "cut",
        "--vary",
        LONG[0],
    ];
    args.extend(LONG_EXTRA);
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(&args)
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let checkpoint = dir.path().join("cut/sweep.checkpoint.jsonl");
    let started = Instant::now();
    loop {
        let lines = fs::read(&checkpoint)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count())
            .unwrap_or(0);
        if lines >= 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no point finished within a minute"
        );
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the sweep ended ({status}) before it could be interrupted");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted: kept"), "{err}");
    assert!(err.contains("--resume"), "{err}");
    let identity =
        orgsim::experiment::sweep::SweepManifest::read(&dir.path().join("cut/sweep.json"))
            .unwrap()
            .identity();
    let kept = checkpoint::read(&checkpoint, &identity).unwrap();
    assert!(!kept.partial_tail, "only complete lines in the checkpoint");
    assert!(
        !kept.records.is_empty() && kept.records.len() < 12,
        "kept {} of 12 points",
        kept.records.len()
    );
    assert!(
        !dir.path().join("cut/sweep.csv").exists(),
        "no final file before the end"
    );
    let no_temporaries = fs::read_dir(dir.path().join("cut"))
        .unwrap()
        .all(|e| !e.unwrap().file_name().to_string_lossy().starts_with('.'));
    assert!(no_temporaries);

    // A write torn by a hard kill leaves a partial last line: resuming drops it.
    let mut bytes = fs::read(&checkpoint).unwrap();
    bytes.extend_from_slice(b"{\"point\":11,\"values\":[\"0.5");
    fs::write(&checkpoint, bytes).unwrap();

    let out = sweep(
        dir.path(),
        "cut",
        &LONG,
        &[&LONG_EXTRA[..], &["--resume"]].concat(),
    );
    ok(&out);
    assert!(
        read(dir.path(), "cut/sweep.csv") == whole,
        "resumed sweep.csv differs"
    );
    for f in [
        "sweep_comparison.csv",
        "sweep_replications.csv",
        "sweep_points.csv",
    ] {
        assert!(
            read(dir.path(), &format!("cut/{f}")) == read(dir.path(), &format!("whole/{f}")),
            "resumed {f} differs"
        );
    }
}

#[test]
fn resume_refuses_another_sweep_and_a_finished_sweep_resumes_to_itself() {
    let dir = workspace();
    ok(&sweep(dir.path(), "o", &["workload.load=0.5,1"], &[]));
    let before = read(dir.path(), "o/sweep.csv");
    let out = sweep(
        dir.path(),
        "o",
        &["workload.load=0.5,1"],
        &["--seed", "9", "--resume"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("seed 7 vs 9"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        read(dir.path(), "o/sweep.csv") == before,
        "a refused resume changes nothing"
    );
    let out = sweep(dir.path(), "o", &["workload.load=0.5,0.9"], &["--resume"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("grid point 2"),
        "{}",
        text(&out.stderr)
    );
    ok(&sweep(
        dir.path(),
        "o",
        &["workload.load=0.5,1"],
        &["--resume"],
    ));
    assert!(read(dir.path(), "o/sweep.csv") == before);
    // --resume with nothing to resume starts the sweep.
    ok(&sweep(
        dir.path(),
        "fresh",
        &["workload.load=0.5,1"],
        &["--resume"],
    ));
    assert!(read(dir.path(), "fresh/sweep.csv") == before);
}

#[test]
fn three_shards_and_a_merge_give_the_single_process_files() {
    let dir = workspace();
    let extra = ["--reps", "2"];
    ok(&sweep(dir.path(), "single", &GRID, &extra));
    for (k, threads) in [("1/3", "1"), ("2/3", "2"), ("3/3", "1")] {
        ok(&sweep(
            dir.path(),
            "sharded",
            &GRID,
            &[&extra[..], &["--shard", k, "--threads", threads]].concat(),
        ));
    }
    let shard2 = text(&read(dir.path(), "sharded/shard-2-of-3/sweep.csv"));
    assert_eq!(
        points(shard2.as_bytes(), 2),
        ["0,1", "0.2,0.5", "0.3,1", "0.5,0.5", "0.6,1"],
        "shard 2/3 holds points 2, 5, 8, 11, 14"
    );
    let out = orgsim(&["merge", "sharded", "--out", "merged"], dir.path());
    ok(&out);
    assert!(
        text(&out.stdout).contains("14 points"),
        "{}",
        text(&out.stdout)
    );
    for f in [
        "sweep.csv",
        "sweep_comparison.csv",
        "sweep_replications.csv",
        "sweep_points.csv",
    ] {
        assert!(
            read(dir.path(), &format!("single/{f}")) == read(dir.path(), &format!("merged/{f}")),
            "merged {f} differs from the single process's"
        );
    }
    // Shard manifests given as files, and the merged folder merged again.
    let out = orgsim(
        &[
            "merge",
            "sharded/shard-3-of-3/sweep.json",
            "sharded/shard-1-of-3",
            "sharded/shard-2-of-3/sweep.json",
            "--out",
            "merged2",
        ],
        dir.path(),
    );
    ok(&out);
    ok(&orgsim(
        &["merge", "merged", "--out", "merged3"],
        dir.path(),
    ));
    for m in ["merged2", "merged3"] {
        assert!(
            read(dir.path(), "single/sweep.csv") == read(dir.path(), &format!("{m}/sweep.csv"))
        );
    }
}

#[test]
fn merge_refuses_mismatches_and_reports_missing_shards() {
    let dir = workspace();
    let grid = ["workload.load=0.5:1:0.25"];
    for k in ["1/3", "2/3"] {
        ok(&sweep(dir.path(), "a", &grid, &["--shard", k]));
    }
    // Missing shard.
    let out = orgsim(&["merge", "a", "--out", "m"], dir.path());
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("shard 3/3 is missing"), "{err}");
    assert!(!dir.path().join("m").exists(), "nothing written");
    // Another seed.
    ok(&sweep(
        dir.path(),
        "b",
        &grid,
        &["--shard", "3/3", "--seed", "8"],
    ));
    let out = orgsim(&["merge", "a", "b", "--out", "m"], dir.path());
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("seed 7 vs 8"), "{err}");
    // Another grid, another scenario text.
    ok(&sweep(
        dir.path(),
        "c",
        &["workload.load=0.5:1:0.5"],
        &["--shard", "3/3"],
    ));
    let out = orgsim(&["merge", "a", "c", "--out", "m"], dir.path());
    assert!(
        text(&out.stderr).contains("grid of 3 points vs 2 points"),
        "{}",
        text(&out.stderr)
    );
    ok(&sweep(
        dir.path(),
        "d",
        &grid,
        &["--shard", "3/3", "--set", "simulation.horizon=100"],
    ));
    let out = orgsim(&["merge", "a", "d", "--out", "m"], dir.path());
    assert!(
        text(&out.stderr).contains("overrides"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("m").exists(), "nothing written");
    // Not a sweep folder.
    fs::create_dir(dir.path().join("empty")).unwrap();
    let out = orgsim(&["merge", "empty", "--out", "m"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no sweep results"));
    // The right third shard completes it.
    ok(&sweep(dir.path(), "a", &grid, &["--shard", "3/3"]));
    ok(&orgsim(&["merge", "a", "--out", "m"], dir.path()));
}

#[test]
fn a_stop_before_the_start_keeps_nothing_and_resume_finishes() {
    let dir = workspace();
    let base = BaseScenario {
        source_name: "tiny.toml".into(),
        source: "tiny.toml".into(),
        text: TINY.into(),
        overrides: vec![],
    };
    let plan = sweep::plan(
        &base,
        vec![Vary::parse("workload.load=0.5,1").unwrap()],
        &SweepSettings::default(),
    )
    .unwrap();
    let folder: PathBuf = dir.path().join("lib");
    let stop = std::sync::atomic::AtomicBool::new(true);
    let run = SweepRun {
        threads: Some(2),
        stop: Some(&stop),
        ..SweepRun::default()
    };
    match sweep_folder::execute(&plan, &folder, &run).unwrap() {
        SweepOutcome::Interrupted { done, planned, .. } => assert_eq!((done, planned), (0, 2)),
        SweepOutcome::Complete(_) => panic!("a stopped sweep completed"),
    }
    let resume = SweepRun {
        resume: true,
        ..SweepRun::default()
    };
    match sweep_folder::execute(&plan, &folder, &resume).unwrap() {
        SweepOutcome::Complete(res) => {
            assert_eq!(res.records.briefs().len(), 2);
            assert_eq!(res.records.briefs()[1].values, ["1"]);
        }
        SweepOutcome::Interrupted { .. } => panic!("not stopped"),
    }
}

#[test]
fn the_slurm_script_runs_shards_then_merges() {
    let dir = workspace();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/slurm/sweep.sbatch");
    let vary = "--vary workload.load=0.5:1:0.25 --reps 2";
    let slurm = |extra: &[(&str, &str)], arg: Option<&str>| {
        let mut cmd = Command::new("bash");
        cmd.arg(&script)
            .args(arg)
            .current_dir(dir.path())
            .env("ORGSIM", env!("CARGO_BIN_EXE_orgsim"))
            .env("SCENARIO", "tiny.toml")
            .env("SWEEP_ARGS", vary)
            .env("OUT", "results")
            .env("SLURM_ARRAY_TASK_COUNT", "2")
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_CPUS_PER_TASK", "1");
        for (k, v) in extra {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    for task in ["1", "2"] {
        ok(&slurm(&[("SLURM_ARRAY_TASK_ID", task)], None));
    }
    ok(&slurm(&[], Some("merge")));
    let mut single = vec!["sweep", "tiny.toml", "--quiet", "--out", "single"];
    single.extend(vary.split(' '));
    ok(&orgsim(&single, dir.path()));
    assert!(read(dir.path(), "results/sweep.csv") == read(dir.path(), "single/sweep.csv"));
}
