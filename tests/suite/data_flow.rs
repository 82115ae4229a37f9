//! Data flows one way (issue 18): the command line calls the experiments,
//! which call the model; the experiments write no file, import nothing of
//! `report` and draw nothing; one replication runner tells a `Progress` of
//! every replication it plans and runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use orgsim::experiment::sweep::{self, BaseScenario, SweepSettings, Vary};
use orgsim::experiment::{self, Progress, RunOptions};
use orgsim::report::sweep_folder::{self, SweepOutcome, SweepRun};
use orgsim::scenario::{self, Override, bundled};

/// Every `.rs` file under `dir`, with its text up to its unit tests.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            out.push((path, code));
        }
    }
    out
}

fn src(layer: &str) -> Vec<(PathBuf, String)> {
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(layer),
    )
}

#[test]
fn experiments_import_no_report_draw_nothing_and_write_no_file() {
    let files = src("experiment");
    assert!(files.len() > 10, "found only {} files", files.len());
    let forbidden = [
        "crate::report",
        "indicatif",
        "write_atomic",
        "File::create",
        "OpenOptions",
        "fs::write",
        "create_dir",
        "remove_file",
        "set_len",
    ];
    for (path, code) in &files {
        for f in forbidden {
            assert!(!code.contains(f), "{} uses `{f}`", path.display());
        }
    }
}

#[test]
fn the_library_has_no_command_line_and_its_leaf_imports_nothing() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(
        !lib.contains("mod cli") && !lib.contains("mod commands"),
        "{lib}"
    );
    for (path, code) in src("util") {
        for (at, _) in code.match_indices("crate::") {
            assert!(
                code[at..].starts_with("crate::util"),
                "{} imports a layer: {}",
                path.display(),
                &code[at..code.len().min(at + 40)]
            );
        }
    }
    for layer in ["model", "engine", "stats", "scenario"] {
        for (path, code) in src(layer) {
            // The scenario front end builds the run control it reads from the
            // `[simulation]` table (docs/model.md), a leaf of the experiment layer.
            let code = if layer == "scenario" {
                code.replace("crate::experiment::spec::", "")
            } else {
                code
            };
            for upper in ["crate::experiment", "crate::report", "clap", "indicatif"] {
                assert!(!code.contains(upper), "{} uses `{upper}`", path.display());
            }
        }
    }
    let run_spec =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/experiment/spec.rs"))
            .unwrap();
    for (at, _) in run_spec.match_indices("crate::") {
        assert!(
            run_spec[at..].starts_with("crate::model::spec"),
            "experiment/spec.rs imports more than the model's spec: {}",
            &run_spec[at..run_spec.len().min(at + 40)]
        );
    }
}

/// Counts what it is told.
#[derive(Default)]
struct Count {
    planned: AtomicU64,
    done: AtomicU64,
}

impl Progress for Count {
    fn add_jobs(&self, jobs: u64) {
        self.planned.fetch_add(jobs, Ordering::SeqCst);
    }
    fn job_done(&self) {
        self.done.fetch_add(1, Ordering::SeqCst);
    }
}

impl Count {
    fn counts(&self) -> (u64, u64) {
        (
            self.planned.load(Ordering::SeqCst),
            self.done.load(Ordering::SeqCst),
        )
    }
}

fn pooling(overrides: &[&str]) -> scenario::Scenario {
    let b = bundled::find("pooling").unwrap();
    let o: Vec<Override> = overrides
        .iter()
        .map(|s| Override::parse(s).unwrap())
        .collect();
    scenario::load_str(b.file_name, b.text, &o).unwrap()
}

#[test]
fn a_run_tells_its_progress_of_every_replication_of_every_batch() {
    let sc = pooling(&["simulation.horizon=300", "simulation.warmup=20"]);
    let topologies = sc.model.topologies.len() as u64;
    assert!(topologies >= 2);
    let count = Count::default();
    let options = RunOptions {
        replications: Some(3),
        threads: Some(2),
        ..RunOptions::default()
    };
    experiment::run_with_progress(&sc, &options, &count).unwrap();
    assert_eq!(count.counts(), (3 * topologies, 3 * topologies));

    // A precision target out of reach runs batches of 3 up to --max-reps 9:
    // each batch is planned when it starts.
    let count = Count::default();
    let options = RunOptions {
        precision: Some(1e-6),
        max_replications: Some(9),
        ..options
    };
    let exp = experiment::run_with_progress(&sc, &options, &count).unwrap();
    let precision = exp.precision.expect("a precision outcome");
    assert_eq!((precision.replications, precision.met), (9, false));
    assert_eq!(count.counts(), (9 * topologies, 9 * topologies));
}

#[test]
fn a_sweep_plans_every_replication_of_its_points_once_and_runs_them_with_the_one_runner() {
    let b = bundled::find("pooling").unwrap();
    let base = BaseScenario {
        source_name: b.file_name.into(),
        source: format!("bundled:{}", b.name),
        text: b.text.into(),
        overrides: vec![Override::parse("simulation.warmup=20").unwrap()],
    };
    let settings = SweepSettings {
        replications: Some(2),
        ..SweepSettings::default()
    };
    let plan = sweep::plan(
        &base,
        vec![Vary::parse("simulation.horizon=200,300,400").unwrap()],
        &settings,
    )
    .unwrap();
    let topologies = plan.manifest.topologies.len() as u64;
    let dir = tempfile::tempdir().unwrap();
    let count = Count::default();
    let run = SweepRun {
        threads: Some(2),
        ..SweepRun::default()
    };
    let SweepOutcome::Complete(res) =
        sweep_folder::execute_with_progress(&plan, dir.path(), &run, &count).unwrap()
    else {
        panic!("not stopped, yet interrupted");
    };
    assert_eq!(count.counts(), (3 * 2 * topologies, 3 * 2 * topologies));
    // The point's numbers are those of a run with its value: the same runner.
    let sc = pooling(&["simulation.warmup=20", "simulation.horizon=300"]);
    let exp = experiment::run(
        &sc,
        &RunOptions {
            replications: Some(2),
            ..RunOptions::default()
        },
    )
    .unwrap();
    let point = res.records.load(1).unwrap();
    assert_eq!(point.summary, exp.summary_records());
    assert_eq!(point.comparison, exp.comparison_records());
    // The sweep wrote its checkpoint and manifest, and no final file: those
    // are the caller's (report::sweep_files).
    assert!(dir.path().join(sweep::manifest::CHECKPOINT).is_file());
    assert!(dir.path().join(sweep::manifest::MANIFEST).is_file());
    assert!(!dir.path().join(sweep::manifest::SWEEP_CSV).exists());
}

#[test]
fn counts_below_1_are_refused_once_by_the_parser_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("plain-file"), "x").unwrap();
    for (args, flag) in [
        (vec!["run", "mmc", "--reps", "0"], "'--reps <N>'"),
        (
            vec!["run", "mmc", "--precision", "0.1", "--max-reps", "0"],
            "'--max-reps <N>'",
        ),
        (vec!["run", "mmc", "--threads", "0"], "'--threads <T>'"),
        (
            vec![
                "sweep",
                "mmc",
                "--vary",
                "simulation.horizon=200,300",
                "--reps",
                "0",
            ],
            "'--reps <N>'",
        ),
        (vec!["validate", "--threads", "0"], "'--threads <T>'"),
    ] {
        // An output folder that cannot be created: the parser refuses first.
        let args: Vec<&str> = args.into_iter().chain(["--out", "plain-file/o"]).collect();
        let args = if args[0] == "validate" {
            &args[..3]
        } else {
            &args[..]
        };
        let out = crate::support::orgsim(args, dir.path());
        let err = crate::support::text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(&format!("invalid value '0' for {flag}")),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("must be at least 1") || err.contains("0 is not in 1..=1024"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("cannot create output folder"), "{err}");
    }
}
