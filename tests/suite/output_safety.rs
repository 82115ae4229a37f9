//! Nothing lost, nothing mixed: one orgsim per output folder, a result
//! folder that holds one result's files, checkpoints that are checked
//! before they are trusted, and a stop that is prompt (issue 17, points 3-6).
//! The signal cases are a few trials at fixed times.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use orgsim::experiment::sweep::SweepManifest;
use orgsim::experiment::sweep::manifest::fingerprint;

use crate::support::{orgsim, text};

fn spawn(args: &[&str], cwd: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Waits for `child` at most `limit` (killing it then, and failing).
fn wait(mut child: Child, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return (child.wait_with_output().unwrap(), started.elapsed());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after {limit:?}; stderr:\n{}",
                text(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Waits until `path` exists (the child took its lock).
fn wait_for(path: &Path, child: &mut Child) {
    let started = Instant::now();
    while !path.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("ended ({status}) before {} appeared", path.display());
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A replication that would run for minutes (until `max_events`).
const ENDLESS: &str = "simulation.horizon=1e15";

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

#[test]
fn a_second_process_into_a_busy_folder_exits_2_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = spawn(
        &[
            "run", "--set", ENDLESS, "--reps", "1", "--quiet", "--out", "o",
        ],
        dir.path(),
    );
    let lock = dir.path().join("o/.orgsim.lock");
    wait_for(&lock, &mut first);
    let pid = first.id().to_string();
    for args in [
        &["run", "--reps", "1", "--quiet", "--out", "o"][..],
        &[
            "sweep",
            "mmc",
            "--vary",
            "workload.load=0.5,0.6",
            "--reps",
            "2",
            "--quiet",
            "--out",
            "o",
        ],
        &[
            "check",
            "mmc",
            "--set",
            "simulation.replications=2",
            "--warmup",
            "--out",
            "o",
        ],
        &["plot", "o"],
    ] {
        let out = orgsim(args, dir.path());
        let err = text(&out.stderr);
        assert_eq!(code(&out), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("is in use by another orgsim") && err.contains(&format!("process {pid}")),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("orgsim run --set simulation.horizon=1e15"),
            "{err}"
        );
    }
    signal(&first, "TERM");
    let (out, _) = wait(first, Duration::from_secs(30));
    assert_eq!(code(&out), Some(130), "{}", text(&out.stderr));
    assert!(!lock.exists(), "the lock is removed on exit");
    // Free again.
    let out = orgsim(
        &["run", "--reps", "1", "--quiet", "--no-plots", "--out", "o"],
        dir.path(),
    );
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_lock_left_by_a_dead_process_is_taken_over_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("o")).unwrap();
    // The pid of a process that has ended.
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let pid = gone.id();
    fs::write(
        dir.path().join("o/.orgsim.lock"),
        format!(
            "pid={pid}\nhost=elsewhere\ncommand=orgsim run --out o\nstarted=2026-01-01T00:00:00Z\n"
        ),
    )
    .unwrap();
    let out = orgsim(
        &["run", "--reps", "1", "--quiet", "--no-plots", "--out", "o"],
        dir.path(),
    );
    let err = text(&out.stderr);
    assert_eq!(code(&out), Some(0), "{err}");
    assert!(
        err.contains("took over the lock") && err.contains(&format!("process {pid}")),
        "{err}"
    );
    assert!(!dir.path().join("o/.orgsim.lock").exists());
}

const SHARD_SWEEP: [&str; 6] = [
    "mmc",
    "--vary",
    "workload.load=0.5:0.9:0.1",
    "--reps",
    "3",
    "--quiet",
];

#[test]
fn shards_share_a_folder_but_two_sweeps_into_one_folder_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let shard = |k: &str| {
        let mut args = vec!["sweep"];
        args.extend(SHARD_SWEEP);
        args.extend(["--shard", k, "--out", "s", "--resume"]);
        spawn(&args, dir.path())
    };
    // Both shards at once into one --out, as the Slurm array job runs them.
    let (a, b) = (shard("1/2"), shard("2/2"));
    for child in [a, b] {
        let (out, _) = wait(child, Duration::from_secs(120));
        assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    }
    let out = orgsim(
        &["merge", "s", "--out", "s", "--no-plots", "--quiet"],
        dir.path(),
    );
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    assert!(dir.path().join("s/sweep.csv").exists());

    // A second whole sweep into a folder a sweep is writing is refused.
    let mut args = vec!["sweep", "--set", ENDLESS];
    args.extend(SHARD_SWEEP);
    args.extend(["--out", "busy"]);
    let mut first = spawn(&args, dir.path());
    wait_for(&dir.path().join("busy/.orgsim.lock"), &mut first);
    let out = orgsim(&args, dir.path());
    assert_eq!(code(&out), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("is in use by another orgsim"));
    signal(&first, "TERM");
    let (out, _) = wait(first, Duration::from_secs(30));
    assert_eq!(code(&out), Some(130), "{}", text(&out.stderr));
    // So is a merge reading a shard folder a sweep is writing.
    let fresh = tempfile::tempdir().unwrap();
    let mut args = vec!["sweep", "--set", ENDLESS];
    args.extend(SHARD_SWEEP);
    args.extend(["--shard", "1/2", "--out", "m2"]);
    let mut running = spawn(&args, fresh.path());
    wait_for(
        &fresh.path().join("m2/shard-1-of-2/sweep.json"),
        &mut running,
    );
    let out = orgsim(&["merge", "m2", "--out", "merged"], fresh.path());
    assert_eq!(code(&out), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("shard-1-of-2 is in use"),
        "{}",
        text(&out.stderr)
    );
    assert!(!fresh.path().join("merged").exists(), "nothing written");
    signal(&running, "TERM");
    let (out, _) = wait(running, Duration::from_secs(30));
    assert_eq!(code(&out), Some(130), "{}", text(&out.stderr));
}

/// The files of folder `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn recorded(dir: &Path, manifest: &str) -> Vec<String> {
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join(manifest)).unwrap()).unwrap();
    m["files"]
        .as_array()
        .expect("a files list")
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_topology_subset_run_leaves_no_file_of_the_previous_run_and_none_of_the_users_goes() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("o");
    let out = orgsim(
        &["run", "--reps", "2", "--items", "--quiet", "--out", "o"],
        dir.path(),
    );
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    assert!(o.join("items.csv").exists() && o.join("cfd_single-threaded.svg").exists());
    assert_eq!(listing(&o), recorded(&o, "manifest.json"));
    fs::write(o.join("notes.txt"), "mine").unwrap();
    fs::write(o.join("cfd_mine.svg"), "mine too").unwrap();
    let out = orgsim(
        &[
            "run",
            "--reps",
            "2",
            "--topology",
            "matrix",
            "--quiet",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let files = recorded(&o, "manifest.json");
    assert!(
        !files
            .iter()
            .any(|f| f == "items.csv" || f.starts_with("cfd_single"))
    );
    let mut expected = files.clone();
    expected.extend(["cfd_mine.svg".to_string(), "notes.txt".to_string()]);
    expected.sort();
    assert_eq!(
        listing(&o),
        expected,
        "exactly the new run's files and the user's"
    );
    assert_eq!(fs::read_to_string(o.join("notes.txt")).unwrap(), "mine");

    // A sweep into the folder replaces the run's files, not the user's.
    let out = orgsim(
        &[
            "sweep",
            "mmc",
            "--vary",
            "workload.load=0.5,0.6",
            "--reps",
            "2",
            "--quiet",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let mut expected = recorded(&o, "sweep.json");
    assert!(expected.iter().any(|f| f == "sweep.checkpoint.jsonl"));
    expected.extend(["cfd_mine.svg".to_string(), "notes.txt".to_string()]);
    expected.sort();
    assert_eq!(listing(&o), expected);
}

#[test]
fn a_write_that_fails_leaves_the_previous_complete_set() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("o");
    let out = orgsim(&["run", "--reps", "2", "--quiet", "--out", "o"], dir.path());
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    // One of the files cannot be replaced: a folder has taken its place.
    fs::remove_file(o.join("throughput.svg")).unwrap();
    fs::create_dir(o.join("throughput.svg")).unwrap();
    let before: Vec<(String, Vec<u8>)> = listing(&o)
        .into_iter()
        .filter(|n| n != "throughput.svg")
        .map(|n| {
            let bytes = fs::read(o.join(&n)).unwrap();
            (n, bytes)
        })
        .collect();
    let out = orgsim(
        &["run", "--reps", "2", "--seed", "2", "--quiet", "--out", "o"],
        dir.path(),
    );
    assert_eq!(code(&out), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("throughput.svg"),
        "{}",
        text(&out.stderr)
    );
    for (name, bytes) in &before {
        assert_eq!(&fs::read(o.join(name)).unwrap(), bytes, "{name} changed");
    }
    let mut names: Vec<String> = before.iter().map(|(n, _)| n.clone()).collect();
    names.push("throughput.svg".into());
    names.sort();
    assert_eq!(listing(&o), names, "no staging folder or lock left");
}

/// Signals at fixed times into runs writing over a complete earlier result:
/// each time the folder holds one whole result (the old or the new one),
/// never a mix, and nothing half-written.
#[test]
fn a_signal_at_any_moment_leaves_one_result_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let args = |seed: &'static str, out: &'static str| {
        vec![
            "run", "--reps", "100", "--seed", seed, "--quiet", "--out", out,
        ]
    };
    for (seed, out) in [("1", "ref1"), ("2", "ref2")] {
        let o = orgsim(&args(seed, out), dir.path());
        assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    }
    // Files whose bytes depend only on the results.
    let same_as = |folder: &Path, reference: &str| {
        listing(folder)
            .iter()
            .filter(|n| *n != "manifest.json" && *n != "report.html")
            .all(|n| {
                fs::read(folder.join(n)).ok() == fs::read(dir.path().join(reference).join(n)).ok()
            })
    };
    for (trial, ms) in [100u64, 500, 800, 1100, 1500, 2500].into_iter().enumerate() {
        let folder = dir.path().join(format!("t{trial}"));
        let o = orgsim(&args("1", "x"), dir.path());
        assert_eq!(code(&o), Some(0));
        fs::rename(dir.path().join("x"), &folder).unwrap();
        let target = format!("t{trial}");
        let mut a = args("2", "x");
        a.pop();
        a.push(&target);
        let child = spawn(&a, dir.path());
        std::thread::sleep(Duration::from_millis(ms));
        signal(&child, "TERM");
        let (out, _) = wait(child, Duration::from_secs(60));
        let c = code(&out);
        assert!(
            c == Some(130) || c == Some(0),
            "{c:?}: {}",
            text(&out.stderr)
        );
        let seed = serde_json::from_slice::<serde_json::Value>(
            &fs::read(folder.join("manifest.json")).unwrap(),
        )
        .unwrap()["seed"]
            .as_u64()
            .unwrap();
        let reference = if seed == 1 { "ref1" } else { "ref2" };
        assert!(
            same_as(&folder, reference),
            "trial at {ms} ms mixed files: {:?}",
            listing(&folder)
        );
        assert_eq!(
            listing(&folder),
            recorded(&folder, "manifest.json"),
            "trial at {ms} ms"
        );
        println!("signal at {ms} ms: exit {c:?}, the folder holds the seed-{seed} result");
    }
}

/// A two-point sweep of `mmc` with `seed` into `out`.
fn small_sweep(dir: &Path, out: &str, seed: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "sweep",
        "mmc",
        "--vary",
        "workload.load=0.5,0.6",
        "--reps",
        "3",
        "--seed",
        seed,
        "--quiet",
        "--no-plots",
        "--out",
        out,
    ];
    args.extend(extra);
    orgsim(&args, dir)
}

/// Re-signs a checkpoint line as orgsim would, after `edit` changed it: the
/// shape checks must catch what the checksum cannot.
fn resign(line: &str, edit: impl Fn(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
    edit(&mut v);
    // The record as orgsim serialises it (its fields in this order; those
    // after `comparison` only when present).
    let mut record = format!(
        "\"point\":{},\"values\":{},\"summary\":{},\"comparison\":{}",
        v["point"], v["values"], v["summary"], v["comparison"]
    );
    for field in ["replications", "precision", "per_replication"] {
        if !v[field].is_null() {
            record.push_str(&format!(",\"{field}\":{}", v[field]));
        }
    }
    let identity = v["sweep"].as_str().unwrap().to_string();
    let check = fingerprint([identity.as_str(), format!("{{{record}}}").as_str()]);
    format!("{{\"sweep\":\"{identity}\",{record},\"check\":\"{check}\"}}\n")
}

/// A change to a checkpoint line, as JSON.
type Edit = dyn Fn(&mut serde_json::Value);

#[test]
fn resume_refuses_checkpoint_lines_of_another_sweep_or_edited_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = small_sweep(dir.path(), "one", "1", &[]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let out = small_sweep(dir.path(), "two", "2", &[]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let cp = |d: &str| dir.path().join(d).join("sweep.checkpoint.jsonl");
    let good = fs::read_to_string(cp("one")).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let foreign = fs::read_to_string(cp("two")).unwrap();
    let try_with = |contents: String| {
        fs::write(cp("one"), &contents).unwrap();
        let out = small_sweep(dir.path(), "one", "1", &["--resume"]);
        let err = text(&out.stderr);
        assert_eq!(code(&out), Some(2), "accepted:\n{contents}\n{err}");
        assert_eq!(
            fs::read_to_string(cp("one")).unwrap(),
            contents,
            "the checkpoint was changed"
        );
        err
    };
    // The seed-2 sweep's checkpoint under the seed-1 sweep.json.
    assert!(try_with(foreign.clone()).contains("line 1 belongs to another sweep"));
    // A line whose numbers were edited.
    let edited = lines[1].replacen("\"0.", "\"1.", 1);
    assert!(
        try_with(format!("{}\n{edited}\n", lines[0]))
            .contains("line 2 does not match its checksum")
    );
    // Forged lines (checksum recomputed): NaN where a number must be, 1e999,
    // reordered, truncated and foreign rows; a repeated line.
    let forged: [(&str, Box<Edit>); 6] = [
        (
            "per-replication values where",
            Box::new(|v| {
                v["per_replication"].as_array_mut().unwrap().pop();
            }),
        ),
        (
            "malformed summary row",
            Box::new(|v| v["summary"][0][2] = "nan".into()),
        ),
        (
            "malformed summary row",
            Box::new(|v| v["summary"][0][3] = "1e999".into()),
        ),
        (
            "malformed summary row",
            Box::new(|v| {
                v["summary"][0].as_array_mut().unwrap().pop();
            }),
        ),
        (
            "not a topology of this sweep",
            Box::new(|v| {
                let rows = v["summary"].as_array_mut().unwrap();
                let last = rows.len() - 1;
                rows[last][0] = "elsewhere".into();
            }),
        ),
        (
            "has comparison rows other than",
            Box::new(|v| {
                let row = ["team-of-4", "team-of-4", "throughput", "0", "0", "0", "0"];
                v["comparison"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!(row));
            }),
        ),
    ];
    for (why, edit) in forged {
        let err = try_with(format!("{}\n{}", lines[0], resign(lines[1], edit)));
        assert!(err.contains("line 2") && err.contains(why), "{why}: {err}");
    }
    assert!(try_with(format!("{}\n{}\n", lines[0], lines[0])).contains("line 2 repeats point"));
    // A complete line that is not a record is damage, even as the last line.
    assert!(
        try_with(format!("{}\nnot a record\n", lines[0]))
            .contains("line 2 is not a finished point")
    );
    // Only a torn last line is a torn tail: resuming drops it and finishes.
    fs::write(cp("one"), format!("{}\n{{\"sweep\":\"", lines[0])).unwrap();
    let out = small_sweep(dir.path(), "one", "1", &["--resume"]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    assert_eq!(fs::read_to_string(cp("one")).unwrap().lines().count(), 2);
}

#[test]
fn resume_without_a_manifest_or_through_a_link_refuses_and_keeps_the_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let out = small_sweep(dir.path(), "s", "1", &[]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let cp = dir.path().join("s/sweep.checkpoint.jsonl");
    let kept = fs::read(&cp).unwrap();
    fs::remove_file(dir.path().join("s/sweep.json")).unwrap();
    let out = small_sweep(dir.path(), "s", "1", &["--resume"]);
    let err = text(&out.stderr);
    assert_eq!(code(&out), Some(2), "{err}");
    assert!(err.contains("no sweep.json"), "{err}");
    assert_eq!(fs::read(&cp).unwrap(), kept);
    // An empty folder with --resume (a first Slurm task) simply starts.
    let out = small_sweep(dir.path(), "fresh", "1", &["--resume"]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));

    // A checkpoint that is a link to another file is never written through.
    let out = small_sweep(dir.path(), "l", "1", &[]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let precious = dir.path().join("precious.jsonl");
    let lcp = dir.path().join("l/sweep.checkpoint.jsonl");
    let mut torn = fs::read(&lcp).unwrap();
    torn.extend_from_slice(b"{\"torn");
    fs::write(&precious, &torn).unwrap();
    fs::remove_file(&lcp).unwrap();
    std::os::unix::fs::symlink(&precious, &lcp).unwrap();
    let out = small_sweep(dir.path(), "l", "1", &["--resume"]);
    let err = text(&out.stderr);
    assert_eq!(code(&out), Some(2), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(
        fs::read(&precious).unwrap(),
        torn,
        "the linked file was changed"
    );
}

#[test]
fn merge_refuses_a_shard_of_another_sweep_and_empty_or_malformed_manifests() {
    let dir = tempfile::tempdir().unwrap();
    for (seed, out) in [("1", "a"), ("2", "b")] {
        for k in ["1/2", "2/2"] {
            let o = small_sweep(dir.path(), out, seed, &["--shard", k]);
            assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
        }
    }
    let shard2 = |d: &str| {
        dir.path()
            .join(d)
            .join("shard-2-of-2/sweep.checkpoint.jsonl")
    };
    fs::copy(shard2("b"), shard2("a")).unwrap();
    let out = orgsim(&["merge", "a", "--out", "m"], dir.path());
    let err = text(&out.stderr);
    assert_eq!(code(&out), Some(2), "{err}");
    assert!(
        err.contains("shard-2-of-2") && err.contains("line 1 belongs to another sweep"),
        "{err}"
    );
    assert!(!dir.path().join("m").exists(), "nothing written");

    // A manifest with no points, or with a path more than its points have values.
    let manifest = dir.path().join("b/shard-1-of-2/sweep.json");
    let m: SweepManifest = SweepManifest::read(&manifest).unwrap();
    for (why, broken) in [
        (
            "no grid point",
            SweepManifest {
                points: vec![],
                points_planned: 0,
                ..m.clone()
            },
        ),
        ("values for the 2 varied paths", {
            let mut x = m.clone();
            x.paths.push("workload.extra".into());
            x
        }),
    ] {
        fs::write(&manifest, broken.to_json()).unwrap();
        let out = orgsim(&["merge", "b", "--out", "m"], dir.path());
        let err = text(&out.stderr);
        assert_eq!(code(&out), Some(2), "{err}");
        assert!(err.contains(why), "{why}: {err}");
        assert!(!dir.path().join("m").exists(), "nothing written");
    }
}

/// SIGTERM and SIGINT inside one endless replication: the process ends at
/// once (exit 130), not when the replication reaches `max_events`.
#[test]
fn a_stop_inside_a_long_replication_is_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let trials: [(&[&str], &str, u64); 4] = [
        (
            &[
                "run",
                "--set",
                ENDLESS,
                "--reps",
                "2",
                "--threads",
                "2",
                "--quiet",
                "--out",
                "r",
            ],
            "TERM",
            500,
        ),
        (
            &[
                "run",
                "--set",
                ENDLESS,
                "--reps",
                "2",
                "--threads",
                "2",
                "--quiet",
                "--out",
                "r",
            ],
            "INT",
            1500,
        ),
        (
            &[
                "sweep",
                "mmc",
                "--vary",
                "workload.load=0.5,0.6",
                "--set",
                ENDLESS,
                "--reps",
                "2",
                "--quiet",
                "--out",
                "s",
            ],
            "TERM",
            500,
        ),
        (
            &[
                "sweep",
                "mmc",
                "--vary",
                "workload.load=0.5,0.6",
                "--set",
                ENDLESS,
                "--reps",
                "2",
                "--quiet",
                "--out",
                "s",
            ],
            "INT",
            1500,
        ),
    ];
    for (args, sig, ms) in trials {
        let child = spawn(args, dir.path());
        std::thread::sleep(Duration::from_millis(ms));
        signal(&child, sig);
        // Far below the tens of seconds the replication would take to
        // reach max_events; the time is printed for the record.
        let (out, took) = wait(child, Duration::from_secs(15));
        let err = text(&out.stderr);
        assert_eq!(code(&out), Some(130), "{args:?}: {err}");
        assert!(err.contains("interrupted"), "{err}");
        println!(
            "SIG{sig} after {ms} ms into `{}`: stopped in {took:?}",
            args[0]
        );
    }
}
