//! What an attack on the command line found (issue 17): write errors, grid
//! and memory limits, file names, stale temporaries, thread counts. Each
//! case reproduces a failure first seen as a panic, a wrong answer or an
//! unbounded allocation.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::text;

/// A one-stream, one-team scenario that runs in milliseconds.
const TINY: &str = r#"
name = "tiny"
[simulation]
horizon = 50
warmup = 0
replications = 2
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = { dist = "exponential", mean = 0.5 } } ]
[organization]
people = { eng = 1 }
[[topologies]]
name = "matrix"
kind = "matrix"
"#;

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("tiny.toml"), TINY).unwrap();
    dir
}

/// Runs `orgsim args` in `cwd` with the given stdout and stderr.
fn orgsim_to(args: &[&str], cwd: &Path, stdout: Stdio, stderr: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .expect("the binary runs")
}

/// The write end of a pipe whose only reader has exited: every write to it
/// fails with EPIPE, whatever the timing.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("`true` runs");
    let write_end = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(write_end)
}

/// `/dev/full`: every write fails with "No space left on device".
fn dev_full() -> Stdio {
    Stdio::from(
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full exists (Linux)"),
    )
}

/// The commands whose output goes to stdout, each quick to fail.
fn printing_commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["scenarios"],
        vec!["validate", "--threads", "1"],
        vec!["check", "tiny.toml"],
        vec!["run", "tiny.toml", "--out", "r", "--no-plots"],
        vec!["run", "tiny.toml", "--out", "j", "--json"],
        vec!["completions", "bash"],
        vec![
            "sweep",
            "tiny.toml",
            "--vary",
            "simulation.seed=1,2",
            "--out",
            "s",
            "--no-plots",
        ],
    ]
}

#[test]
fn a_closed_pipe_on_stdout_is_a_quiet_success() {
    let dir = folder();
    for args in printing_commands() {
        let out = orgsim_to(&args, dir.path(), closed_pipe(), Stdio::piped());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("error"), "{args:?}: {err}");
    }
    // The results were written before the table was printed.
    assert!(dir.path().join("r/summary.csv").is_file());
    assert!(dir.path().join("s/sweep.csv").is_file());
}

#[test]
fn a_pipe_closed_after_the_first_line_stops_the_command_quietly() {
    let dir = folder();
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(["validate", "--threads", "1"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("orgsim validate"), "{first}");
    // The reader is gone; the next line written hits a closed pipe.
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_full_stdout_is_reported_with_exit_1() {
    let dir = folder();
    for args in printing_commands() {
        let out = orgsim_to(&args, dir.path(), dev_full(), Stdio::piped());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            err.contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_full_stderr_exits_1_without_a_panic_and_keeps_the_results() {
    let dir = folder();
    for args in [
        vec!["run", "tiny.toml", "--out", "r", "--no-plots"],
        vec![
            "sweep",
            "tiny.toml",
            "--vary",
            "simulation.seed=1,2",
            "--out",
            "s",
        ],
        // An error message that cannot be written still gives its exit code.
        vec!["run", "no-such-file.toml"],
    ] {
        let out = orgsim_to(&args, dir.path(), Stdio::piped(), dev_full());
        let expected = if args.contains(&"no-such-file.toml") {
            2
        } else {
            1
        };
        assert_eq!(out.status.code(), Some(expected), "{args:?}");
    }
    assert!(dir.path().join("r/summary.csv").is_file());
    assert!(dir.path().join("s/sweep.csv").is_file());
    // A closed pipe on stderr is not an error.
    let out = orgsim_to(
        &["run", "tiny.toml", "--out", "p", "--no-plots"],
        dir.path(),
        Stdio::null(),
        closed_pipe(),
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn grids_too_large_for_an_integer_get_the_same_refusal_as_a_million_points() {
    let dir = folder();
    let refusal = |varies: &[&str]| {
        let mut args = vec!["sweep", "tiny.toml", "--out", "o", "--quiet"];
        for v in varies {
            args.extend(["--vary", v]);
        }
        let out = crate::support::orgsim(&args, dir.path());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{varies:?}: {err}");
        assert!(
            err.contains("points, more than the 20000 allowed; split the sweep"),
            "{varies:?}: {err}"
        );
        assert!(!dir.path().join("o").exists(), "{varies:?}");
        err
    };
    // 10^6 points: 1,000 x 1,000.
    let million = refusal(&["simulation.seed=1:1000:1", "simulation.horizon=1:1000:1"]);
    assert!(million.contains("the grid has 1000000 points"), "{million}");
    // Six axes of 100,000 values each make 10^30 points: the product modulo
    // 2^64 is small, and used to run.
    let paths = [
        "simulation.seed",
        "simulation.horizon",
        "simulation.max_wip",
        "simulation.max_events",
        "simulation.replications",
        "workload.streams.a.weight",
    ];
    let six: Vec<String> = paths.iter().map(|p| format!("{p}=1:100000:1")).collect();
    let six: Vec<&str> = six.iter().map(String::as_str).collect();
    let err = refusal(&six);
    assert!(err.contains("the grid has 1.00e30 points"), "{err}");
    // Four axes of 65,536 values make exactly 2^64 points, 0 modulo 2^64.
    let four: Vec<String> = paths[..4]
        .iter()
        .map(|p| format!("{p}=1:65536:1"))
        .collect();
    let four: Vec<&str> = four.iter().map(String::as_str).collect();
    let err = refusal(&four);
    assert!(err.contains("the grid has 1.84e19 points"), "{err}");
}

#[test]
fn a_thread_count_beyond_1024_is_refused_at_once() {
    let dir = folder();
    for args in [
        vec!["run", "tiny.toml", "--threads", "100000", "--out", "o"],
        vec![
            "sweep",
            "tiny.toml",
            "--vary",
            "simulation.seed=1,2",
            "--threads",
            "1025",
            "--out",
            "o",
        ],
        vec!["validate", "--threads", "100000"],
        vec!["run", "tiny.toml", "--threads", "0", "--out", "o"],
    ] {
        let out = crate::support::orgsim(&args, dir.path());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("--threads"), "{args:?}: {err}");
        assert!(err.contains("1..=1024"), "{args:?}: {err}");
        assert!(!dir.path().join("o").exists(), "{args:?}");
    }
    // The largest accepted value runs.
    let out = crate::support::orgsim(
        &["run", "tiny.toml", "--threads", "1024", "--out", "o", "-q"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
