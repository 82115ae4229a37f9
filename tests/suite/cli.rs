//! The `orgsim` binary: commands, exit codes, output files, and errors that
//! never leave anything half-written.

use crate::support::{orgsim, text};

#[test]
fn run_without_a_scenario_runs_the_bundled_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(&["run", "--reps", "3", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("prime-video"), "{stdout}");
    assert!(stdout.contains("single-threaded vs matrix"), "{stdout}");
    assert!(stdout.contains("where the lead time goes"), "{stdout}");
    let folder = dir.path().join("output/prime-video");
    for f in ["summary.csv", "comparison.csv", "replications.csv"] {
        assert!(folder.join(f).is_file(), "{f} missing");
    }
    assert!(
        !folder.join("items.csv").exists(),
        "items.csv only with --items"
    );
    let summary = std::fs::read_to_string(folder.join("summary.csv")).unwrap();
    assert!(summary.starts_with("topology,metric,mean,sd,ci95_low,ci95_high,n\n"));
    let comparison = std::fs::read_to_string(folder.join("comparison.csv")).unwrap();
    assert!(comparison.starts_with(
        "topology,baseline,metric,diff_mean,ci95_low,ci95_high,relative,n,meaningful\n"
    ));
    // Nothing temporary is left behind.
    for entry in std::fs::read_dir(&folder).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "left {name}");
    }
}

#[test]
fn run_writes_items_and_json_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "run",
            "mmc",
            "--reps",
            "2",
            "--items",
            "--json",
            "--out",
            "res",
            "--set",
            "simulation.horizon=200",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["scenario"], "mmc");
    assert_eq!(json["replications"], 2);
    let items = std::fs::read_to_string(dir.path().join("res/items.csv")).unwrap();
    assert!(items.starts_with(
        "topology,replication,item,stream,type,arrival,done,lead_time,work,queue,handoff,cadence,decision,escalation,interrupted,rework,review,blocked,teams,handoffs,escalations,defects,escaped_defects\n"
    ));
    assert!(items.lines().count() > 100);
}

#[test]
fn same_seed_same_files_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    for t in ["1", "2"] {
        let out = orgsim(
            &[
                "run",
                "--reps",
                "4",
                "--threads",
                t,
                "--items",
                "--quiet",
                "--out",
                t,
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    for f in [
        "summary.csv",
        "comparison.csv",
        "replications.csv",
        "items.csv",
    ] {
        let a = std::fs::read(dir.path().join("1").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("2").join(f)).unwrap();
        assert!(a == b, "{f} differs between --threads 1 and 2");
    }
}

#[test]
fn bad_scenario_exits_2_naming_file_path_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "name = \"bad\"\n[architecture]\ncoupling = 1.5\n[[workload.streams]]\nname = \"s\"\ninterarrival = 1\nitem = \"x\"\n[workload.items.x]\ntasks = [ { name = \"t\", skill = \"eng\", effort = 1 } ]\n[organization]\npeople = { eng = 1 }\n[[topologies]]\nname = \"m\"\nkind = \"matrix\"\n",
    )
    .unwrap();
    let out = orgsim(&["run", "bad.toml", "--out", "o"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("bad.toml:3"), "{err}");
    assert!(err.contains("architecture.coupling"), "{err}");
    assert!(
        !dir.path().join("o").exists(),
        "nothing is written for bad input"
    );
}

#[test]
fn bad_options_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // A regular file where the output folder would go: unwritable --out.
    std::fs::write(dir.path().join("plain-file"), "x").unwrap();
    let out = orgsim(
        &["run", "--reps", "2", "--out", "plain-file/results"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot create output folder plain-file/results"));
    for args in [
        vec!["run", "--threads", "0", "--out", "o"],
        vec!["run", "--reps", "0", "--out", "o"],
        vec!["run", "--topology", "nope", "--out", "o"],
        vec!["run", "--set", "architecture.coupling=2", "--out", "o"],
        vec!["run", "--set", "no-equals-sign", "--out", "o"],
        vec!["run", "--set", "architecture.couplin=0.2", "--out", "o"],
        vec!["run", "--set", "=3", "--out", "o"],
        vec!["run", "--set", "a..b=3", "--out", "o"],
        vec![
            "run",
            "--set",
            "workload.streams.nope.weight=2",
            "--out",
            "o",
        ],
        vec!["run", "--precision", "-1", "--out", "o"],
        vec![
            "run",
            "--precision",
            "0.05",
            "--precision-metric",
            "nonsense",
            "--out",
            "o",
        ],
        vec!["run", "does-not-exist.toml", "--out", "o"],
        vec!["run", ".", "--out", "o"],
        vec!["check", "does-not-exist.toml"],
        vec!["frobnicate"],
    ] {
        let out = orgsim(&args, dir.path());
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).contains("panicked"), "{args:?}");
        assert!(!dir.path().join("o").exists(), "{args:?} wrote output");
    }
}

#[test]
fn check_prints_offered_load_and_warns_when_overloaded() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(&["check", "prime-video"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("[matrix]") && stdout.contains("[single-threaded]"),
        "{stdout}"
    );
    assert!(stdout.contains("utilization"), "{stdout}");
    let out = orgsim(&["check", "mmc", "--set", "workload.load=1.3"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("warning:") && stdout.contains(">= 1"),
        "{stdout}"
    );
}

#[test]
fn scenarios_lists_every_bundled_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(&["scenarios"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    for b in orgsim::scenario::bundled::ALL {
        assert!(stdout.contains(b.name), "{stdout}");
    }
}

#[test]
fn validate_checks_the_engine_against_theory() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(&["validate", "--threads", "2"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let n = orgsim::experiment::validation::cases()
        .iter()
        .map(|c| c.checks.len())
        .sum::<usize>();
    assert!(
        stdout.contains(&format!("{n} of {n} checks passed")),
        "{stdout}"
    );
    assert!(!stdout.contains("FAIL"));
}

#[test]
fn check_warmup_shows_the_truncation_and_welch_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "check",
            "mmc",
            "--warmup",
            "--out",
            "w",
            "--set",
            "simulation.replications=5",
            "--set",
            "simulation.horizon=400",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("team-of-4: truncate"), "{stdout}");
    for f in ["welch_team-of-4.svg", "welch_team-of-4.png", "welch.csv"] {
        let bytes = std::fs::read(dir.path().join("w").join(f)).unwrap();
        assert!(bytes.len() > 1000, "{f} is too small");
    }
    let svg = std::fs::read_to_string(dir.path().join("w/welch_team-of-4.svg")).unwrap();
    roxmltree::Document::parse(&svg).expect("valid SVG");
}
