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
//! - This module plans the points and runs them ([`SweepPlan::run_points`]);
//!   it writes no file. The folder (checkpoint, manifest, `--resume`) is kept
//!   by `report::sweep_folder`, the final files written by
//!   `report::sweep_files`.

pub mod checkpoint;
pub mod manifest;
pub mod merge;
pub mod shard;
pub mod spec;
pub mod stored;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use rayon::prelude::*;

use super::options::{RunError, RunOptions, run_order};
use super::progress::{PlannedFirst, Progress};
use super::results::Experiment;
use super::runner::run_specs;
use crate::model::Warning;
use crate::model::capacity;
use crate::model::spec::TopologySpec;
use crate::scenario::{self, Override, Scenario};
use crate::util::time::rfc3339;

pub use checkpoint::PointPrecision;
pub use checkpoint::PointRecord;
pub use manifest::{SweepManifest, SweepPrecision};
pub use merge::{Gathered, MergeResults, merge};
pub use shard::Shard;
pub use spec::{Grid, PointValue, Vary};
pub use stored::{RecordSource, StoredRecords};

/// Most points a sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// Why a sweep or a merge cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The user's input (scenario, `--vary`, flags, folders) is wrong.
    #[error("{0}")]
    BadInput(String),
    /// A file of the sweep's folder could not be written (or removed).
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done: `write`, `append to`, ...
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The error of the operating system.
        source: std::io::Error,
    },
    /// The checkpoint changed under the run (another process, a damaged disk).
    #[error("{0}")]
    Damaged(String),
    /// The replications could not run (the thread pool).
    #[error(transparent)]
    Run(#[from] RunError),
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
    /// The topology every paired difference is against (default: the
    /// first run); run first at every point.
    pub baseline: Option<String>,
    /// Run only this slice of the grid.
    pub shard: Option<Shard>,
    /// `--precision`: at every point, keep adding replications (in batches
    /// of the first count) until the relative 95% CI half-width of the
    /// precision metric is at most this, as `run --precision` does.
    pub precision: Option<f64>,
    /// `--precision-metric` (default `lead_time_mean`).
    pub precision_metric: Option<String>,
    /// `--max-reps`: the most replications a point may run (default: the
    /// first count or 1000, whichever is more).
    pub max_replications: Option<u32>,
}

/// One point to run, validated. Its scenario is loaded again when it runs
/// (from the base text and its overrides, as it was validated), not kept:
/// a scenario of a big organization takes hundreds of kB, and a sweep may
/// have thousands of points.
#[derive(Debug, Clone)]
struct PlannedPoint {
    index: usize,
    /// `--set` overrides, then the point's values.
    overrides: Vec<Override>,
    /// Replications of its first batch.
    replications: u32,
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
    /// The scenario the points' overrides apply to.
    base: BaseScenario,
    /// What decides the numbers beyond each point's scenario.
    settings: SweepSettings,
    /// What the runner needs beyond the points' scenarios (the precision
    /// target).
    options: RunOptions,
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
    let defaults = RunOptions::default();
    let options = RunOptions {
        replications: settings.replications,
        seed: settings.seed,
        topologies: settings.topologies.clone(),
        baseline: settings.baseline.clone(),
        precision: settings.precision,
        precision_metric: settings
            .precision_metric
            .clone()
            .unwrap_or(defaults.precision_metric.clone()),
        max_replications: settings.max_replications,
        ..defaults
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
    let mut warnings = Vec::new();
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
                    let topologies = run_order(
                        &sc.model.topologies,
                        &settings.topologies,
                        settings.baseline.as_deref(),
                    );
                    overload_warnings(&grid, i, &sc, &topologies, &mut warnings);
                    points.push(PlannedPoint {
                        index: i,
                        overrides,
                        replications: sc.run.replications,
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
    let sim = &base_scenario.run;
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
        precision: options.precision.map(|target| SweepPrecision {
            target,
            metric: options.precision_metric.clone(),
            max_replications: options.max_replications.unwrap_or(
                sim.replications
                    .max(super::options::DEFAULT_MAX_REPLICATIONS),
            ),
        }),
        warmup: sim.warmup.start(),
        horizon: sim.horizon,
        topologies: run_order(
            &base_scenario.model.topologies,
            &settings.topologies,
            settings.baseline.as_deref(),
        )
        .into_iter()
        .map(|t| t.name)
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
        warnings,
        files: Vec::new(),
    };
    // The runner's options at every point: only the precision target
    // (replications, seed and topologies are in the points' scenarios).
    let options = RunOptions {
        precision: options.precision,
        precision_metric: options.precision_metric,
        max_replications: options.max_replications,
        ..RunOptions::default()
    };
    Ok(SweepPlan {
        grid,
        shard: settings.shard,
        manifest,
        points,
        base: base.clone(),
        settings: settings.clone(),
        options,
    })
}

/// `orgsim check`'s warnings at planned point `index`, whose scenario is
/// `sc`, for the `topologies` it runs, each prefixed by its point, added to
/// `warnings`.
fn overload_warnings(
    grid: &Grid,
    index: usize,
    sc: &Scenario,
    topologies: &[TopologySpec],
    warnings: &mut Vec<Warning>,
) {
    for report in capacity::analyse(&sc.model) {
        if topologies
            .iter()
            .any(|t| t.name == report.organization.name)
        {
            let prefix = format!("point {} ({})", index + 1, grid.describe(index));
            warnings.extend(report.warnings.iter().map(|w| w.prefixed(&prefix)));
        }
    }
}

fn adjust(sc: &mut Scenario, settings: &SweepSettings) {
    if let Some(r) = settings.replications {
        sc.run.replications = r;
    }
    if let Some(s) = settings.seed {
        sc.run.seed = s;
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
        p.topologies.len() * p.replications as usize
    }
}

/// Runs the replications of a point of `plan` (to the precision target of
/// its options, if any); `None` if `stop` cut them short.
fn run_point(
    plan: &SweepPlan,
    p: &PlannedPoint,
    stop: Option<&AtomicBool>,
    progress: &dyn Progress,
) -> Result<Option<Experiment>, SweepError> {
    let base = &plan.base;
    // The same text and overrides as when the point was validated.
    let mut scenario = scenario::load_str(&base.source_name, &base.text, &p.overrides)
        .map_err(|e| SweepError::BadInput(e.to_string()))?;
    adjust(&mut scenario, &plan.settings);
    match run_specs(scenario, &p.topologies, &plan.options, stop, progress) {
        Ok(exp) => Ok(Some(exp)),
        Err(RunError::Interrupted { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl SweepPlan {
    /// Runs every point of the plan but those in `skip` (done by an earlier
    /// run), points in parallel and each point's replications in parallel
    /// inside it, on the current rayon pool. Each finished point's record
    /// goes to `finished`, from whichever thread finished it, as soon as it
    /// is done (an error there stops the sweep). Once `stop` is set no point
    /// starts, and a point under way gives up without a record. `progress`
    /// hears of every replication, all planned up front.
    pub fn run_points(
        &self,
        skip: &BTreeSet<usize>,
        stop: Option<&AtomicBool>,
        progress: &dyn Progress,
        finished: &(dyn Fn(PointRecord) -> Result<(), SweepError> + Sync),
    ) -> Result<(), SweepError> {
        let pending: Vec<&PlannedPoint> = self
            .points
            .iter()
            .filter(|p| !skip.contains(&p.index))
            .collect();
        let total_jobs: usize = pending.iter().map(|p| SweepPlan::jobs(p)).sum();
        progress.add_jobs(total_jobs as u64);
        let stopped = || stop.is_some_and(|s| s.load(Ordering::SeqCst));
        pending.par_iter().try_for_each(|p| {
            if stopped() {
                return Ok(());
            }
            // The point's first batch is already counted in `total_jobs`;
            // the batches a precision target adds are announced as they start.
            let per_point = PlannedFirst::new(progress);
            let Some(exp) = run_point(self, p, stop, &per_point)? else {
                return Ok(());
            };
            finished(PointRecord::new(p.index, self.grid.cells(p.index), &exp))
        })
    }
}
