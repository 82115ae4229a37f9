//! Unstable systems and bad input never crash a run or hide in a mean.

use orgsim::experiment::{self, RunOptions};

use crate::support::scenario;

const OVERLOADED: &str = r#"
name = "overloaded"
[simulation]
horizon = 2000
replications = 4
max_wip = 300
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 0.5 }
item = "job"
[[workload.streams]]
name = "b"
interarrival = { dist = "exponential", mean = 2 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = { dist = "exponential", mean = 1 } } ]
[organization]
people = { eng = 4 }
[[topologies]]
name = "matrix"
kind = "matrix"
[[topologies]]
name = "lopsided"
kind = "custom"
teams = [
  { name = "ta", people = { eng = 1 }, owns = ["a"] },
  { name = "tb", people = { eng = 3 }, owns = ["b"] },
]
"#;

#[test]
fn a_saturated_replication_is_stopped_and_reported_not_averaged() {
    // Stream a offers 2 person-days/day to a team of one: its queue grows
    // without bound. The pooled matrix (2.5 on 4 people) is stable.
    let exp = experiment::run(&scenario(OVERLOADED), &RunOptions::default()).unwrap();
    let lopsided = exp.topology("lopsided").unwrap();
    assert!(
        lopsided
            .metric("saturated")
            .unwrap()
            .iter()
            .all(|&x| x == 1.0)
    );
    assert!(
        lopsided
            .metric("lead_time_mean")
            .unwrap()
            .iter()
            .all(|x| x.is_nan())
    );
    assert_eq!(exp.summary("lopsided", "lead_time_mean").unwrap().n, 0);
    // The other topology runs on, unaffected.
    let matrix = exp.topology("matrix").unwrap();
    assert!(
        matrix
            .metric("saturated")
            .unwrap()
            .iter()
            .all(|&x| x == 0.0)
    );
    assert_eq!(exp.summary("matrix", "lead_time_mean").unwrap().n, 4);
    let table = orgsim::report::table::results(&exp);
    assert!(
        table.contains("lopsided: 4 of 4 replications saturated"),
        "{table}"
    );
    // And `check` saw it coming.
    let reports = orgsim::model::capacity::analyse(&scenario(OVERLOADED).model);
    assert!(reports[1].warnings.iter().any(
        |w| w.kind == orgsim::model::WarningKind::Overloaded && w.message.contains("team `ta`")
    ));
    assert!(reports[0].warnings.is_empty());
}

/// Peak resident memory (kB) of `orgsim run` on the default scenario with
/// the given horizon, as the binary reports it.
fn peak_memory_kb(horizon: u32) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args([
            "run",
            "--reps",
            "10",
            "--threads",
            "1",
            "--quiet",
            "--out",
            "o",
        ])
        .args(["--set", &format!("simulation.horizon={horizon}")])
        .env("ORGSIM_REPORT_PEAK_MEMORY", "1")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .unwrap_or_else(|| panic!("no peak memory in {stderr}"));
    line.trim_end_matches(" kB").trim().parse().unwrap()
}

#[test]
fn memory_stays_flat_as_the_horizon_grows() {
    // Statistics are streamed: per replication only fixed-size summaries
    // (metrics, 201 lead-time quantiles, 501 flow samples) are kept.
    let short = peak_memory_kb(500);
    let long = peak_memory_kb(5000);
    println!("peak memory: horizon 500 → {short} kB, horizon 5000 → {long} kB");
    assert!(
        (long as f64) <= 1.5 * short as f64,
        "10× the horizon took {long} kB against {short} kB"
    );
}

#[test]
fn sigterm_stops_a_run_promptly_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    // An earlier, complete result in the same folder must survive untouched.
    let first = std::process::Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(["run", "--reps", "2", "--quiet", "--no-plots", "--out", "o"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0));
    let before = std::fs::read(dir.path().join("o/summary.csv")).unwrap();
    // A long run (thousands of replications), interrupted a moment in.
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args([
            "run",
            "--reps",
            "20000",
            "--quiet",
            "--no-plots",
            "--out",
            "o",
        ])
        .current_dir(dir.path())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let sent = std::time::Instant::now();
    let out = child.wait_with_output().unwrap();
    let stopped_in = sent.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(
        stopped_in.as_secs_f64() < 5.0,
        "took {stopped_in:?} to stop"
    );
    for entry in std::fs::read_dir(dir.path().join("o")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with('.') && !name.contains(".tmp"),
            "left {name}"
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("o/summary.csv")).unwrap(),
        before
    );
}

#[test]
fn a_sweep_warns_about_its_overloaded_points() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::support::orgsim(
        &[
            "sweep",
            "mmc",
            "--vary",
            "workload.load=0.5,1.4",
            "--reps",
            "2",
            "--no-plots",
            "--out",
            "s",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = crate::support::text(&out.stderr);
    assert!(
        stderr.contains("warning: point 2 (workload.load=1.4): team-of-4:")
            && stderr.contains(">= 1"),
        "{stderr}"
    );
    assert!(!stderr.contains("point 1 (workload.load=0.5)"), "{stderr}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("s/sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["warnings"].as_array().unwrap().len(), 1);
}
