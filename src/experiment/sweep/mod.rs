//! Parameter sweeps (README, "Sweeps": `sweep` and `merge`): run a scenario at
//! every point of a grid of `--vary PATH=SPEC` values, resumably, on one
//! machine or sliced into shards for a cluster.
//!
//! - A point's scenario is the base file, then the `--set` overrides, then
//!   the point's values as further overrides (they win). Every point is
//!   loaded and validated before anything runs.
//! - Replication `r` of every point and every topology uses the same random
//!   streams (`RngFactory::new(seed).replications(0, reps)[r]`), so
//!   neighbouring points are paired by common random numbers, and a point's
//!   numbers are those `orgsim run --set <its values>` prints.
//! - All (point × topology × replication) jobs of the points to run share one
//!   rayon pool: points are taken in parallel and each point's jobs in
//!   parallel inside it, so work stealing keeps every thread busy while a
//!   point is appended to the checkpoint as soon as its own jobs are done.
//! - The checkpoint ([`checkpoint`]) is the source of truth: `--resume`
//!   skips its points, and `sweep.csv` is written from it in grid order at
//!   the end, so it does not depend on thread count or completion order.
//! - `--shard K/N` runs the points `i` with `i mod N = K - 1` into the folder
//!   `shard-K-of-N`; [`merge`](merge::merge) puts shards back together.

pub mod checkpoint;
pub mod manifest;
pub mod merge;
pub mod shard;
pub mod spec;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::SystemTime;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::options::RunOptions;
use super::results::Experiment;
use super::runner::{detect_warmup_with_stop, gather};
use crate::engine::RngFactory;
use crate::model::capacity;
use crate::model::{
    Organization, Recording, ReplicationOutcome, Warning, simulate, simulate_with_stop, topology,
};
use crate::report::manifest::rfc3339;
use crate::report::{staging, sweep_csv, write_atomic};
use crate::scenario::{self, Override, Scenario, TopologySpec};

pub use checkpoint::PointRecord;
pub use manifest::SweepManifest;
pub use merge::{Gathered, MergeResults, merge};
pub use shard::Shard;
pub use spec::{Grid, PointValue, Vary};

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// Why a sweep or a merge cannot go on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// The user's input (scenario, `--vary`, flags, folders) is wrong.
    #[error("{0}")]
    BadInput(String),
    /// Anything else, e.g. a disk error.
    #[error("{0}")]
    Io(String),
}

/// The scenario a sweep starts from: its text and the `--set` overrides.
#[derive(Debug, Clone)]
pub struct BaseScenario {
    /// The name problems give the text (its file path, or the bundled name).
    pub source_name: String,
    /// Where it came from, for the manifest (`bundled:<name>` or a path).
    pub source: String,
    /// The TOML text.
    pub text: String,
    /// `--set` overrides, applied before the point's values.
    pub overrides: Vec<Override>,
}

/// Options of `orgsim sweep` that decide what is computed.
#[derive(Debug, Clone, Default)]
pub struct SweepSettings {
    /// Replications (overrides `simulation.replications` at every point).
    pub replications: Option<u32>,
    /// Master seed (overrides `simulation.seed` at every point).
    pub seed: Option<u64>,
    /// Run only these topologies (empty: all).
    pub topologies: Vec<String>,
    /// Run only this slice of the grid.
    pub shard: Option<Shard>,
}

/// Options of `orgsim sweep` that do not change any number.
#[derive(Debug, Clone, Copy, Default)]
pub struct SweepRun<'a> {
    /// Worker threads (default: every core).
    pub threads: Option<usize>,
    /// Show a progress bar on stderr (hidden when it is not a terminal).
    pub progress: bool,
    /// Keep the points a checkpoint of the same sweep already holds.
    pub resume: bool,
    /// Set (e.g. by a signal handler) to stop: the points finished so far
    /// stay in the checkpoint, a replication under way gives up.
    pub stop: Option<&'a AtomicBool>,
    /// Where the final files (`sweep.csv`, ...) are written: a staging
    /// folder (`report::staging`) the caller moves into the folder; by
    /// default the folder itself.
    pub results: Option<&'a Path>,
}

/// One point to run, loaded and validated.
#[derive(Debug, Clone)]
struct PlannedPoint {
    index: usize,
    scenario: Scenario,
    topologies: Vec<TopologySpec>,
}

/// A validated sweep, ready to run.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    /// The grid of points.
    pub grid: Grid,
    /// The slice of the grid this process runs, if any.
    pub shard: Option<Shard>,
    /// The manifest of the sweep (identity, grid and this folder's points).
    pub manifest: SweepManifest,
    points: Vec<PlannedPoint>,
}

/// Loads and validates every point of the grid `varies` make on `base`, so
/// that a bad path or value is refused, naming the point, before anything
/// runs or is written.
pub fn plan(
    base: &BaseScenario,
    varies: Vec<Vary>,
    settings: &SweepSettings,
) -> Result<SweepPlan, SweepError> {
    let bad = SweepError::BadInput;
    let options = RunOptions {
        replications: settings.replications,
        seed: settings.seed,
        topologies: settings.topologies.clone(),
        ..RunOptions::default()
    };
    let mut base_scenario = scenario::load_str(&base.source_name, &base.text, &base.overrides)
        .map_err(|e| bad(e.to_string()))?;
    options
        .validate(&base_scenario)
        .map_err(|e| bad(e.to_string()))?;
    adjust(&mut base_scenario, settings);
    let grid = Grid::new(varies).map_err(bad)?;
    if grid.is_empty() {
        return Err(bad("a sweep needs at least one --vary PATH=SPEC".into()));
    }
    // Counted in floating point: the product of the axes' lengths may not
    // fit in an integer (it would wrap around to a small count, or to 0).
    let size = grid.size();
    if size > MAX_POINTS as f64 {
        let count = if size < 1e15 {
            format!("{size:.0}")
        } else {
            format!("{size:.2e}")
        };
        return Err(bad(format!(
            "the grid has {count} points, more than the {MAX_POINTS} allowed; split the sweep"
        )));
    }
    let len = grid.len();
    if len == 0 {
        return Err(bad("a sweep needs at least one --vary PATH=SPEC".into()));
    }
    let mut points = Vec::new();
    // The first invalid point in full, the others by name only: they
    // usually fail for the same reason.
    let mut first_problem: Option<String> = None;
    let mut others: Vec<usize> = Vec::new();
    for i in 0..len {
        let point_overrides = grid.overrides(i);
        let mut overrides = base.overrides.clone();
        overrides.extend(point_overrides.iter().cloned());
        let loaded = scenario::load_str(&base.source_name, &base.text, &overrides)
            .map_err(|e| e.to_string())
            .and_then(|sc| {
                options.validate(&sc).map_err(|e| e.to_string())?;
                Ok(sc)
            });
        match loaded {
            Ok(mut sc) => {
                if settings.shard.is_none_or(|s| s.contains(i)) {
                    adjust(&mut sc, settings);
                    let topologies = sc
                        .topologies
                        .iter()
                        .filter(|t| {
                            settings.topologies.is_empty() || settings.topologies.contains(&t.name)
                        })
                        .cloned()
                        .collect();
                    points.push(PlannedPoint {
                        index: i,
                        scenario: sc,
                        topologies,
                    });
                }
            }
            Err(_) if first_problem.is_some() => others.push(i),
            Err(mut message) => {
                for o in &point_overrides {
                    message = message
                        .replace(&format!("--set {}", o.text), &format!("--vary {}", o.text));
                }
                first_problem = Some(format!(
                    "point {} of {len} ({}) is invalid:\n{}",
                    i + 1,
                    grid.describe(i),
                    message
                        .lines()
                        .map(|l| format!("  {l}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
        }
    }
    if let Some(mut message) = first_problem {
        if !others.is_empty() {
            const SHOWN: usize = 5;
            let named: Vec<String> = others
                .iter()
                .take(SHOWN)
                .map(|&i| format!("point {} ({})", i + 1, grid.describe(i)))
                .collect();
            message.push_str(&format!("\nalso invalid: {}", named.join(", ")));
            if others.len() > SHOWN {
                message.push_str(&format!(" and {} more", others.len() - SHOWN));
            }
        }
        message.push_str("\nnothing was run");
        return Err(bad(message));
    }
    let mut hashed: Vec<&str> = vec![&base.text];
    hashed.extend(base.overrides.iter().map(|o| o.text.as_str()));
    let sim = &base_scenario.simulation;
    let manifest = SweepManifest {
        orgsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: std::env::args().collect(),
        scenario: base_scenario.name.clone(),
        description: base_scenario.description.clone(),
        source: base.source.clone(),
        source_hash: manifest::fingerprint(hashed),
        overrides: base.overrides.iter().map(|o| o.text.clone()).collect(),
        seed: sim.seed,
        replications: sim.replications,
        warmup: sim.warmup,
        horizon: sim.horizon,
        topologies: base_scenario
            .topologies
            .iter()
            .filter(|t| settings.topologies.is_empty() || settings.topologies.contains(&t.name))
            .map(|t| t.name.clone())
            .collect(),
        vary: grid.axes.iter().map(|a| a.text.clone()).collect(),
        paths: grid.paths(),
        points: (0..len).map(|i| grid.cells(i)).collect(),
        shard: settings.shard.map(|s| s.to_string()),
        points_planned: points.len(),
        points_done: 0,
        complete: false,
        threads: 0,
        started: rfc3339(SystemTime::now()),
        finished: None,
        merged_from: Vec::new(),
        warnings: overload_warnings(&grid, &points),
        files: Vec::new(),
    };
    Ok(SweepPlan {
        grid,
        shard: settings.shard,
        manifest,
        points,
    })
}

/// `orgsim check`'s warnings at each planned point, for the topologies it
/// runs, each prefixed by its point.
fn overload_warnings(grid: &Grid, points: &[PlannedPoint]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for p in points {
        for report in capacity::analyse(&p.scenario) {
            if p.topologies
                .iter()
                .any(|t| t.name == report.organization.name)
            {
                let prefix = format!("point {} ({})", p.index + 1, grid.describe(p.index));
                warnings.extend(report.warnings.iter().map(|w| w.prefixed(&prefix)));
            }
        }
    }
    warnings
}

fn adjust(sc: &mut Scenario, settings: &SweepSettings) {
    if let Some(r) = settings.replications {
        sc.simulation.replications = r;
    }
    if let Some(s) = settings.seed {
        sc.simulation.seed = s;
    }
}

impl SweepPlan {
    /// The folder this plan writes into, given the sweep's output folder:
    /// the folder itself, or its `shard-K-of-N` subfolder for a shard.
    pub fn folder(&self, out: &Path) -> PathBuf {
        match self.shard {
            Some(s) => out.join(s.folder_name()),
            None => out.to_path_buf(),
        }
    }

    /// The indices of the points this plan runs, in grid order.
    pub fn point_indices(&self) -> Vec<usize> {
        self.points.iter().map(|p| p.index).collect()
    }

    /// The replications (jobs) of one point: topologies × replications.
    fn jobs(p: &PlannedPoint) -> usize {
        p.topologies.len() * p.scenario.simulation.replications as usize
    }
}

/// The results of a finished sweep (or shard).
#[derive(Debug, Clone)]
pub struct SweepResults {
    /// Where they are.
    pub folder: PathBuf,
    /// The folder's manifest, as written.
    pub manifest: SweepManifest,
    /// Every point of the folder, in grid order.
    pub records: Vec<PointRecord>,
    /// The files written.
    pub written: Vec<PathBuf>,
    /// Points kept from an earlier run (`--resume`).
    pub resumed: usize,
    /// Points of an earlier sweep in the folder discarded (no `--resume`).
    pub discarded: usize,
}

/// How a sweep ended.
#[derive(Debug, Clone)]
pub enum SweepOutcome {
    /// Every point is done and the CSV files are written.
    Complete(Box<SweepResults>),
    /// Stopped (`SweepRun::stop`) before every point was done: the finished
    /// points are in the checkpoint, and `--resume` goes on from there.
    Interrupted {
        /// Points in the checkpoint.
        done: usize,
        /// Points planned for the folder.
        planned: usize,
        /// The checkpoint.
        checkpoint: PathBuf,
    },
}

/// Runs `plan` into `folder` (see [`SweepPlan::folder`]).
pub fn execute(
    plan: &SweepPlan,
    folder: &Path,
    run: &SweepRun<'_>,
) -> Result<SweepOutcome, SweepError> {
    let io = |what: &str, path: &Path, e: std::io::Error| {
        SweepError::Io(format!("cannot {what} {}: {e}", path.display()))
    };
    let threads = run
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 {
        return Err(SweepError::BadInput("--threads must be at least 1".into()));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| SweepError::Io(format!("cannot start {threads} worker threads")))?;
    fs::create_dir_all(folder).map_err(|e| {
        SweepError::BadInput(format!(
            "cannot create output folder {}: {e}",
            folder.display()
        ))
    })?;
    let manifest_path = folder.join(manifest::MANIFEST);
    let checkpoint_path = folder.join(manifest::CHECKPOINT);
    let planned: BTreeSet<usize> = plan.point_indices().into_iter().collect();

    // What an earlier run left in the folder.
    let earlier = if manifest_path.exists() {
        Some(SweepManifest::read(&manifest_path))
    } else {
        None
    };
    let identity = plan.manifest.identity();
    let mut done = BTreeSet::new();
    let (mut resumed, mut discarded) = (0, 0);
    let mut files = vec![
        manifest::CHECKPOINT.to_string(),
        manifest::MANIFEST.to_string(),
    ];
    if run.resume && earlier.is_none() && fs::symlink_metadata(&checkpoint_path).is_ok() {
        return Err(SweepError::BadInput(format!(
            "cannot resume in {}: it holds a checkpoint ({}) but no {}, so nothing says which sweep its points belong to; nothing was run (drop --resume to start over, discarding them)",
            folder.display(),
            manifest::CHECKPOINT,
            manifest::MANIFEST
        )));
    }
    let writer = if let (true, Some(earlier)) = (run.resume, &earlier) {
        let earlier = earlier.clone().map_err(SweepError::BadInput)?;
        let refuse = |why: String| {
            SweepError::BadInput(format!(
                "cannot resume in {}: it holds a different sweep (the folder's vs this command's: {why}); use another --out, or drop --resume to start over",
                folder.display()
            ))
        };
        if let Some(diff) = earlier.difference(&plan.manifest) {
            return Err(refuse(diff));
        }
        if earlier.shard != plan.manifest.shard {
            return Err(refuse(format!(
                "shard {} vs {}",
                earlier.shard.as_deref().unwrap_or("none"),
                plan.manifest.shard.as_deref().unwrap_or("none")
            )));
        }
        for f in &earlier.files {
            if !files.contains(f) {
                files.push(f.clone());
            }
        }
        let contents =
            checkpoint::read(&checkpoint_path, &identity).map_err(SweepError::BadInput)?;
        for (r, line) in contents.records.iter().zip(&contents.lines) {
            check_record(r, plan, &planned, &checkpoint_path, *line)?;
            done.insert(r.point);
        }
        resumed = done.len();
        checkpoint::CheckpointWriter::resume(&checkpoint_path, contents.complete_len, &identity)
            .map_err(|e| {
                SweepError::BadInput(format!(
                    "cannot resume from {}: {e}",
                    checkpoint_path.display()
                ))
            })?
    } else {
        if let Some(Ok(m)) = &earlier {
            discarded = m.points_done;
        }
        // Starting over replaces the earlier result in the folder as a whole.
        staging::discard_recorded(folder, &[manifest::CHECKPOINT, manifest::MANIFEST])
            .map_err(|e| io("clear", folder, e))?;
        for stale in [manifest::SWEEP_CSV, manifest::COMPARISON_CSV] {
            let p = folder.join(stale);
            if p.exists() {
                fs::remove_file(&p).map_err(|e| io("remove", &p, e))?;
            }
        }
        // The checkpoint is emptied before the new manifest is written, so a
        // manifest never describes another sweep's points.
        checkpoint::CheckpointWriter::create(&checkpoint_path, &identity)
            .map_err(|e| io("write", &checkpoint_path, e))?
    };
    let mut manifest = plan.manifest.clone();
    manifest.threads = threads;
    manifest.points_done = done.len();
    manifest.files = files;
    write_atomic(&manifest_path, manifest.to_json().as_bytes())
        .map_err(|e| io("write", &manifest_path, e))?;

    let pending: Vec<&PlannedPoint> = plan
        .points
        .iter()
        .filter(|p| !done.contains(&p.index))
        .collect();
    let total_jobs: usize = pending.iter().map(|p| SweepPlan::jobs(p)).sum();
    let progress = progress_bar(run.progress, total_jobs as u64);
    let finished = AtomicUsize::new(done.len());
    let set_message = |n: usize| progress.set_message(format!("{n}/{} points", planned.len()));
    set_message(done.len());
    let stopped = || run.stop.is_some_and(|s| s.load(Ordering::SeqCst));
    let writer = Mutex::new(writer);
    let result: Result<(), SweepError> = pool.install(|| {
        pending.par_iter().try_for_each(|p| {
            if stopped() {
                return Ok(());
            }
            let Some(exp) = run_point(p, &progress, run.stop) else {
                return Ok(());
            };
            let record = PointRecord::new(p.index, plan.grid.cells(p.index), &exp);
            let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
            w.append(&record)
                .map_err(|e| io("append to", &checkpoint_path, e))?;
            drop(w);
            set_message(finished.fetch_add(1, Ordering::SeqCst) + 1);
            Ok(())
        })
    });
    progress.finish_and_clear();
    let synced = writer
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .sync()
        .map_err(|e| io("sync", &checkpoint_path, e));
    result?;
    synced?;

    let contents = checkpoint::read(&checkpoint_path, &identity).map_err(SweepError::Io)?;
    let mut records = Vec::new();
    for (r, line) in contents.records.into_iter().zip(contents.lines) {
        check_record(&r, plan, &planned, &checkpoint_path, line)?;
        records.push(r);
    }
    manifest.points_done = records.len();
    if records.len() < planned.len() {
        write_atomic(&manifest_path, manifest.to_json().as_bytes())
            .map_err(|e| io("write", &manifest_path, e))?;
        if stopped() {
            return Ok(SweepOutcome::Interrupted {
                done: records.len(),
                planned: planned.len(),
                checkpoint: checkpoint_path,
            });
        }
        return Err(SweepError::Io(format!(
            "{} holds {} of {} points after the run",
            checkpoint_path.display(),
            records.len(),
            planned.len()
        )));
    }
    records.sort_by_key(|r| r.point);
    manifest.complete = true;
    manifest.finished = Some(rfc3339(SystemTime::now()));
    let written = write_results(run.results.unwrap_or(folder), &manifest, &records, false)?;
    Ok(SweepOutcome::Complete(Box::new(SweepResults {
        folder: folder.to_path_buf(),
        manifest,
        records,
        written,
        resumed,
        discarded,
    })))
}

/// Refuses a checkpoint record (on line `line`) that is not one of the
/// plan's points, or not shaped as one.
fn check_record(
    r: &PointRecord,
    plan: &SweepPlan,
    planned: &BTreeSet<usize>,
    path: &Path,
    line: usize,
) -> Result<(), SweepError> {
    if !planned.contains(&r.point) || plan.manifest.points.get(r.point) != Some(&r.values) {
        return Err(SweepError::BadInput(format!(
            "{} holds point {} ({}), which is not a point of this sweep{}; remove the folder or use another --out",
            path.display(),
            r.point + 1,
            r.values.join(", "),
            plan.shard
                .map(|s| format!(" shard {s}"))
                .unwrap_or_default()
        )));
    }
    checkpoint::check_shape(r, &plan.manifest).map_err(|why| {
        SweepError::BadInput(format!(
            "{}: line {line} {why}; the checkpoint is damaged or was edited: nothing was run (remove the folder, or use another --out, to start over)",
            path.display()
        ))
    })
}

/// Runs every job of one point; None if stopped before they were all done.
fn run_point(
    p: &PlannedPoint,
    progress: &ProgressBar,
    stop: Option<&AtomicBool>,
) -> Option<Experiment> {
    let stopped = || stop.is_some_and(|s| s.load(Ordering::SeqCst));
    let sc = &p.scenario;
    let reps = sc.simulation.replications as usize;
    let orgs: Vec<Organization> = p
        .topologies
        .iter()
        .map(|s| topology::build(sc, s))
        .collect();
    // Each topology runs on its own copy of the scenario, whose warm-up may
    // be its own (MSER-5), exactly as in `orgsim run`.
    let scenarios: Vec<Scenario> = orgs
        .iter()
        .map(|org| {
            let mut s = sc.clone();
            if s.simulation.auto_warmup && !stopped() {
                s.simulation.warmup = detect_warmup_with_stop(&s, org, stop);
            }
            s
        })
        .collect();
    let roots = RngFactory::new(sc.simulation.seed).replications(0, reps);
    let outcomes: Option<Vec<ReplicationOutcome>> = (0..reps * orgs.len())
        .into_par_iter()
        .map(|job| {
            if stopped() {
                return None;
            }
            let (t, r) = (job / reps, job % reps);
            let recording = Recording {
                flow: r == 0,
                ..Recording::default()
            };
            let outcome = match stop {
                Some(stop) => {
                    simulate_with_stop(&scenarios[t], &orgs[t], &roots[r], recording, stop)?
                }
                None => simulate(&scenarios[t], &orgs[t], &roots[r], recording),
            };
            progress.inc(1);
            Some(outcome)
        })
        .collect();
    let mut outcomes = outcomes?.into_iter();
    let topologies = orgs
        .iter()
        .map(|org| {
            let mut t = gather(&org.name, outcomes.by_ref().take(reps).collect());
            t.mark_overloaded(capacity::overloads(sc, org));
            t
        })
        .collect();
    Some(Experiment {
        scenario: sc.clone(),
        topologies,
        precision: None,
    })
}

/// Writes a folder's final files: `sweep.csv`, `sweep_comparison.csv`, the
/// manifest, and (for a merge) the checkpoint, each atomically.
fn write_results(
    folder: &Path,
    manifest: &SweepManifest,
    records: &[PointRecord],
    with_checkpoint: bool,
) -> Result<Vec<PathBuf>, SweepError> {
    let io = |path: &Path, e: std::io::Error| {
        SweepError::Io(format!("cannot write {}: {e}", path.display()))
    };
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    let csv_error = |e| io(folder, e);
    if with_checkpoint {
        files.push((
            manifest::CHECKPOINT,
            checkpoint::to_bytes(records, &manifest.identity()).map_err(csv_error)?,
        ));
    }
    files.push((
        manifest::SWEEP_CSV,
        sweep_csv::sweep_csv(&manifest.paths, records).map_err(csv_error)?,
    ));
    files.push((
        manifest::COMPARISON_CSV,
        sweep_csv::comparison_csv(&manifest.paths, records).map_err(csv_error)?,
    ));
    files.push((manifest::MANIFEST, manifest.to_json().into_bytes()));
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = folder.join(name);
        write_atomic(&path, &bytes).map_err(|e| io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// The progress bar of a study of `jobs` replications (hidden unless `show`).
pub(crate) fn progress_bar(show: bool, jobs: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(jobs), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {msg}, {pos}/{len} replications ({rate}, ETA {eta})",
        )
        .map(|style| {
            style.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1}/s", state.per_sec());
                },
            )
        })
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
