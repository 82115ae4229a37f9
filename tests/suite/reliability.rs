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
        vec!["--help"],
        vec!["--version"],
        vec!["run", "--help"],
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
            err.contains("points, more than the 10000 allowed; split the sweep"),
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

#[test]
fn an_output_folder_that_cannot_be_written_exits_2_before_running() {
    // `/proc` exists and nobody, not even root, can create a file in it.
    let dir = folder();
    let shard = crate::support::orgsim(
        &[
            "sweep",
            "tiny.toml",
            "--vary",
            "simulation.seed=1,2",
            "--shard",
            "1/1",
            "--out",
            "shards",
            "-q",
        ],
        dir.path(),
    );
    assert_eq!(shard.status.code(), Some(0), "{}", text(&shard.stderr));
    for args in [
        vec!["run", "tiny.toml", "--out", "/proc", "-q"],
        vec![
            "sweep",
            "tiny.toml",
            "--vary",
            "simulation.seed=1,2",
            "--out",
            "/proc",
            "-q",
        ],
        vec!["check", "tiny.toml", "--warmup", "--out", "/proc"],
        vec!["merge", "shards", "--out", "/proc"],
        vec!["plot", "/proc"],
    ] {
        let out = crate::support::orgsim(&args, dir.path());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("cannot write into the output folder /proc"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next_run() {
    let dir = folder();
    let out = dir.path().join("o");
    fs::create_dir_all(&out).unwrap();
    // A process that has exited: its PID names no running process.
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let stale = out.join(format!(".items.csv.tmp-{dead}"));
    fs::write(&stale, "half a file").unwrap();
    // One of a process still running (this test) is left alone.
    let live = out.join(format!(".summary.csv.tmp-{}", std::process::id()));
    fs::write(&live, "being written").unwrap();
    // A file that only looks similar is not orgsim's.
    let other = out.join(".notes.tmp-abc");
    fs::write(&other, "mine").unwrap();
    let res = crate::support::orgsim(
        &["run", "tiny.toml", "--out", "o", "--no-plots"],
        dir.path(),
    );
    let err = text(&res.stderr);
    assert_eq!(res.status.code(), Some(0), "{err}");
    assert!(!stale.exists(), "{err}");
    assert!(
        err.contains(&format!(
            "removed 1 temporary file that a killed earlier run left in o: .items.csv.tmp-{dead}"
        )),
        "{err}"
    );
    assert!(live.exists());
    assert!(other.exists());
    let leftovers: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") && !n.starts_with(".summary.csv") && n != ".notes.tmp-abc")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // `plot` in that folder clears them too.
    let stale = out.join(format!(".report.html.tmp-{dead}"));
    fs::write(&stale, "half a report").unwrap();
    let res = crate::support::orgsim(&["plot", "o", "-q"], dir.path());
    assert_eq!(res.status.code(), Some(0), "{}", text(&res.stderr));
    assert!(!stale.exists());
}

#[test]
fn topologies_whose_names_clean_to_the_same_file_name_keep_their_own_charts() {
    let dir = folder();
    let toml = TINY.replace(
        "[[topologies]]\nname = \"matrix\"\nkind = \"matrix\"\n",
        "[[topologies]]\nname = \"x/y\"\nkind = \"matrix\"\n[[topologies]]\nname = \"x?y\"\nkind = \"matrix\"\n[[topologies]]\nname = \"x_y\"\nkind = \"matrix\"\n",
    );
    assert_ne!(toml, TINY);
    fs::write(dir.path().join("names.toml"), toml).unwrap();
    let res = crate::support::orgsim(&["run", "names.toml", "--out", "o", "-q"], dir.path());
    assert_eq!(res.status.code(), Some(0), "{}", text(&res.stderr));
    let cfds: Vec<String> = fs::read_dir(dir.path().join("o"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("cfd_") && n.ends_with(".svg"))
        .collect();
    assert_eq!(cfds.len(), 3, "{cfds:?}");
    // A name that is already a safe file name keeps it.
    assert!(cfds.contains(&"cfd_x_y.svg".to_string()), "{cfds:?}");
    // The report shows every chart.
    let html = fs::read_to_string(dir.path().join("o/report.html")).unwrap();
    for c in &cfds {
        assert!(html.contains(c.trim_end_matches(".svg")), "{c}");
    }
}

/// Runs `orgsim args` in a folder holding `tiny.toml` and the file `name`
/// with `toml`; asserts exit code 2 and returns stderr.
fn refused(name: &str, toml: &str, args: &[&str]) -> String {
    let dir = folder();
    fs::write(dir.path().join(name), toml).unwrap();
    let out = crate::support::orgsim(args, dir.path());
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert!(!dir.path().join("o").exists(), "{args:?}: wrote output");
    err
}

#[test]
fn replication_counts_whose_results_would_not_fit_are_refused() {
    for args in [
        vec!["run", "tiny.toml", "--reps", "4000000000", "--out", "o"],
        vec!["run", "tiny.toml", "--reps", "100001", "--out", "o"],
        vec![
            "run",
            "tiny.toml",
            "--set",
            "simulation.replications=40000000",
            "--out",
            "o",
        ],
        vec![
            "run",
            "tiny.toml",
            "--precision",
            "0.01",
            "--max-reps",
            "200000",
            "--out",
            "o",
        ],
        vec![
            "sweep",
            "tiny.toml",
            "--vary",
            "simulation.seed=1,2",
            "--reps",
            "40000000",
            "--out",
            "o",
        ],
    ] {
        let err = refused("unused.toml", "", &args);
        assert!(
            err.contains("more than the 100000 simulations a run may keep in memory"),
            "{args:?}: {err}"
        );
    }
    // Two topologies halve the replications allowed.
    let two = TINY.to_string() + "[[topologies]]\nname = \"again\"\nkind = \"matrix\"\n";
    let err = refused(
        "two.toml",
        &two,
        &["run", "two.toml", "--reps", "50001", "--out", "o"],
    );
    assert!(err.contains("50001 replications of 2 topologies"), "{err}");
}

#[test]
fn a_closed_stream_at_or_above_max_wip_is_a_validation_error() {
    let closed = |wip: &str| {
        TINY.replace(
            "interarrival = { dist = \"exponential\", mean = 1 }",
            &format!("backlog = {{ wip = {wip} }}"),
        )
    };
    for wip in ["4294967295", "20000000", "10000"] {
        let err = refused(
            "closed.toml",
            &closed(wip),
            &["run", "closed.toml", "--out", "o"],
        );
        assert!(
            err.contains("closed.toml:9: workload.streams[0].backlog.wip:"),
            "{wip}: {err}"
        );
        assert!(
            err.contains("reach simulation.max_wip = 10000"),
            "{wip}: {err}"
        );
    }
    // Raising max_wip is bounded too.
    let err = refused(
        "closed.toml",
        &closed("20000000"),
        &[
            "run",
            "closed.toml",
            "--set",
            "simulation.max_wip=30000000",
            "--out",
            "o",
        ],
    );
    assert!(err.contains("simulation.max_wip"), "{err}");
    assert!(err.contains("1000000"), "{err}");
    // Just below the limit runs.
    let dir = folder();
    fs::write(dir.path().join("closed.toml"), closed("9")).unwrap();
    let out = crate::support::orgsim(
        &[
            "run",
            "closed.toml",
            "--set",
            "simulation.max_wip=10",
            "--out",
            "o",
            "-q",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn swarms_that_would_overlap_without_bound_are_refused() {
    let swarm = |interval: &str| {
        TINY.to_string()
            + &format!(
                "swarm = {{ interval = {{ dist = \"exponential\", mean = {interval} }}, duration = {{ dist = \"exponential\", mean = 10 }}, fraction = 0.5 }}\n"
            )
    };
    let err = refused(
        "swarm.toml",
        &swarm("1e-300"),
        &["run", "swarm.toml", "--out", "o"],
    );
    assert!(
        err.contains("swarm.toml:18: topologies[0].swarm.interval:"),
        "{err}"
    );
    assert!(
        err.contains("a swarm every 1.000e-300 days on average"),
        "{err}"
    );
    assert!(err.contains("at most 1000 are allowed"), "{err}");
    // 10 / 0.009 = 1111 under way at once: refused; 10 / 0.01 = 1000: runs.
    refused(
        "swarm.toml",
        &swarm("0.009"),
        &["run", "swarm.toml", "--out", "o"],
    );
    let dir = folder();
    fs::write(dir.path().join("swarm.toml"), swarm("0.01")).unwrap();
    let out = crate::support::orgsim(&["check", "swarm.toml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn inputs_above_the_stated_limits_are_refused() {
    // An empirical list of 100,001 values (0.3 MB of text).
    let values = vec!["1"; 100_001].join(",");
    let empirical = TINY.replace(
        "effort = { dist = \"exponential\", mean = 0.5 }",
        &format!("effort = {{ dist = \"empirical\", values = [{values}] }}"),
    );
    let err = refused(
        "empirical.toml",
        &empirical,
        &["run", "empirical.toml", "--out", "o"],
    );
    assert!(
        err.contains("workload.items.job.tasks[0].effort.values: lists 100001 values, more than the 100000 allowed"),
        "{err}"
    );
    // A file above 1 MiB is refused before it is parsed.
    let big = format!("# {}\n{TINY}", "x".repeat(1 << 20));
    let err = refused("big.toml", &big, &["run", "big.toml", "--out", "o"]);
    assert!(err.contains("error: big.toml: is 10"), "{err}");
    assert!(
        err.contains("bytes, more than the 1048576 a scenario may have"),
        "{err}"
    );
    // A description of 10,001 bytes.
    let described = format!("description = \"{}\"\n{TINY}", "d".repeat(10_001));
    let err = refused(
        "described.toml",
        &described,
        &["run", "described.toml", "--out", "o"],
    );
    assert!(
        err.contains(
            "described.toml:1: description: is 10001 bytes long, more than the 10000 allowed"
        ),
        "{err}"
    );
    // At the limits, each is accepted.
    let dir = folder();
    let values = vec!["1"; 100_000].join(",");
    let at_limits = format!(
        "description = \"{}\"\n{}",
        "d".repeat(10_000),
        TINY.replace(
            "effort = { dist = \"exponential\", mean = 0.5 }",
            &format!("effort = {{ dist = \"empirical\", values = [{values}] }}"),
        )
    );
    let padding = (1 << 20) - at_limits.len() - 3;
    let at_limits = format!("# {}\n{at_limits}", "x".repeat(padding));
    assert_eq!(at_limits.len(), 1 << 20);
    fs::write(dir.path().join("limits.toml"), at_limits).unwrap();
    let out = crate::support::orgsim(&["check", "limits.toml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // A sweep of 10,001 points.
    let err = refused(
        "unused.toml",
        "",
        &[
            "sweep",
            "tiny.toml",
            "--vary",
            "simulation.seed=1:10001:1",
            "--out",
            "o",
        ],
    );
    assert!(
        err.contains("the grid has 10001 points, more than the 10000 allowed"),
        "{err}"
    );
}

#[test]
fn a_stable_run_stopped_by_the_event_budget_says_so() {
    let dir = folder();
    let out = crate::support::orgsim(
        &[
            "run",
            "tiny.toml",
            "--set",
            "simulation.horizon=1e15",
            "--set",
            "simulation.max_events=100000",
            "--out",
            "o",
            "--no-plots",
            "-q",
        ],
        dir.path(),
    );
    let table = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        table.contains(
            "matrix: 2 of 2 replications stopped at simulation.max_events = 100000 events"
        ),
        "{table}"
    );
    assert!(!table.contains("cannot keep up"), "{table}");
    let summary = fs::read_to_string(dir.path().join("o/summary.csv")).unwrap();
    assert!(
        summary
            .lines()
            .any(|l| l.starts_with("matrix,max_events_reached,1,")),
        "{summary}"
    );
    // An overloaded system still gets the overload warning.
    let out = crate::support::orgsim(
        &[
            "run",
            "tiny.toml",
            "--set",
            "workload.load=3",
            "--set",
            "simulation.max_wip=50",
            "--out",
            "p",
            "--no-plots",
            "-q",
        ],
        dir.path(),
    );
    let table = text(&out.stdout);
    assert!(table.contains("matrix: 2 of 2 replications saturated (work in progress reached simulation.max_wip = 50)"), "{table}");
    assert!(!table.contains("max_events = "), "{table}");
}

/// Peak resident memory (kB) of `orgsim args` in `dir`, as the binary
/// reports it.
fn peak_kb(args: &[&str], dir: &Path) -> f64 {
    let out = Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(args)
        .env("ORGSIM_REPORT_PEAK_MEMORY", "1")
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .unwrap_or_else(|| panic!("no peak memory in {stderr}"))
        .trim_end_matches(" kB")
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn memory_per_sweep_point_and_per_replication_stays_proportionate() {
    // The README's limits (10,000 points, 100,000 simulations) are sized on
    // about 43 KB per point and 9 KB per simulation of this scenario; these
    // bounds fail if either grows by half.
    let dir = folder();
    let sweep = |points: usize, out: &str| {
        let vary = format!("simulation.seed=1:{points}:1");
        peak_kb(
            &[
                "sweep",
                "tiny.toml",
                "--vary",
                &vary,
                "--reps",
                "2",
                "--threads",
                "1",
                "--out",
                out,
                "--no-plots",
                "-q",
            ],
            dir.path(),
        )
    };
    let per_point = (sweep(1200, "s2") - sweep(200, "s1")) / 1000.0;
    println!("sweep: {per_point:.1} kB per point");
    assert!(
        per_point > 0.0 && per_point < 64.0,
        "{per_point} kB per point"
    );
    let run = |reps: &str, out: &str| {
        peak_kb(
            &[
                "run",
                "tiny.toml",
                "--reps",
                reps,
                "--threads",
                "1",
                "--out",
                out,
                "--no-plots",
                "-q",
            ],
            dir.path(),
        )
    };
    let per_simulation = (run("6000", "r2") - run("1000", "r1")) / 5000.0;
    println!("run: {per_simulation:.1} kB per simulation");
    assert!(
        per_simulation > 0.0 && per_simulation < 14.0,
        "{per_simulation} kB per simulation"
    );
}
