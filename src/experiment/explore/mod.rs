//! `orgsim explore`: which uncertain assumption decides the answer.
//!
//! Every design point is the scenario with each assumption's path set to a
//! value (the others at their nominal, scenario values), run with the same
//! replications' random streams as every other point (common random
//! numbers), so that differences between points measure the assumptions and
//! not the noise. A point yields, for each topology and metric, the mean over
//! the replications (`value`) and, for each topology but the baseline, the
//! paired difference against the baseline (`difference`), each with its 95%
//! confidence interval from the replications.
//!
//! The methods ([`Method`]) turn those points into the rows of
//! `sensitivity.csv` ([`SensitivityRow`]): a tornado, Morris screening,
//! Sobol' indices, the propagation of the beliefs to the probability that a
//! topology beats the baseline, and break-even values.

pub mod assumption;
pub mod checkpoint;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};

use rayon::prelude::*;

use super::options::RunOptions;
use super::progress::{Planned, Progress};
use super::results::Experiment;
use super::runner::{run_in_current_pool, thread_pool};
use crate::model::{MetricId, Scope};
use crate::scenario::{Override, Scenario, load_str};
use crate::stats::sensitivity::{
    Estimate, MorrisDesign, morris_design, morris_indices, saltelli_design, sobol_indices,
};
use crate::stats::{Summary, paired_difference};

pub use super::sweep::Shard;
pub use assumption::{Assumption, Belief};

/// Bootstrap resamples behind every index's interval.
const RESAMPLES: usize = 500;

/// Bisection steps of a break-even search: the range is narrowed 2^12 times.
const BISECTION_STEPS: usize = 12;

/// The analysis to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Each assumption alone at its low and high end.
    Tornado,
    /// Morris elementary effects on `samples` trajectories.
    Morris,
    /// Sobol' first-order and total indices on `samples` base points.
    Sobol,
    /// `samples` points drawn from the beliefs: P(topology beats baseline).
    Propagate,
    /// Per assumption, the value where the paired difference crosses zero.
    BreakEven,
}

impl Method {
    /// The name used on the command line and in `sensitivity.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Tornado => "tornado",
            Method::Morris => "morris",
            Method::Sobol => "sobol",
            Method::Propagate => "propagate",
            Method::BreakEven => "break-even",
        }
    }

    /// Every method, in the order `--method` lists them.
    pub const ALL: [Method; 5] = [
        Method::Tornado,
        Method::Morris,
        Method::Sobol,
        Method::Propagate,
        Method::BreakEven,
    ];
}

/// Which way is better for a metric, as the caller knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Lower is better (lead time).
    Lower,
    /// Higher is better (throughput).
    Higher,
    /// Neither (utilization): no `p_better`.
    Neither,
}

/// An exploration to run.
#[derive(Debug, Clone)]
pub struct Study {
    /// The name problems give the scenario text (its path or bundled name).
    pub source_name: String,
    /// The scenario's TOML text.
    pub text: String,
    /// `--set` overrides applied before the assumptions' values.
    pub overrides: Vec<Override>,
    /// The uncertain assumptions.
    pub assumptions: Vec<Assumption>,
    /// The metrics measured (`lead_time_mean`, …).
    pub metrics: Vec<String>,
    /// Which way is better for each metric (same order).
    pub directions: Vec<Direction>,
    /// Replications per point (default: the scenario's).
    pub replications: Option<u32>,
    /// Master seed (default: the scenario's).
    pub seed: Option<u64>,
    /// Only these topologies (empty: all); the first is the baseline.
    pub topologies: Vec<String>,
    /// Worker threads (default: every core). Results never depend on it.
    pub threads: Option<usize>,
}

/// What one point measured, for one topology and metric: a topology's own
/// value or its paired difference against the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The topology.
    pub topology: String,
    /// The metric.
    pub metric: String,
    /// Whether this is the paired difference against the baseline.
    pub difference: bool,
}

impl Quantity {
    /// `value` or `difference`, as `sensitivity.csv` writes it.
    pub fn kind(&self) -> &'static str {
        if self.difference {
            "difference"
        } else {
            "value"
        }
    }
}

/// One design point and what it measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Each assumption's value (`None`: its nominal scenario value).
    pub values: Vec<Option<f64>>,
    /// Per quantity (in [`Exploration::quantities`] order), the mean over
    /// the replications and its confidence interval.
    pub results: Vec<Summary>,
    /// The topologies that are unstable at this point (at least half their
    /// replications flagged, docs/model.md *Unstable systems*): their
    /// values of metrics that grow with the run length mean nothing.
    pub unstable: Vec<String>,
}

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRow {
    /// The method that produced it.
    pub method: Method,
    /// The assumption's path (empty for rows about the whole belief).
    pub assumption: String,
    /// Which quantity.
    pub quantity: usize,
    /// `S1`, `ST`, `mu_star`, `sigma`, `low`, `high`, `break_even` or `p_better`.
    pub index: &'static str,
    /// The estimate and its 95% interval.
    pub estimate: Estimate,
}

/// What an exploration found.
#[derive(Debug, Clone)]
pub struct Exploration {
    /// The method run.
    pub method: Method,
    /// The baseline topology.
    pub baseline: String,
    /// The topologies, baseline first.
    pub topologies: Vec<String>,
    /// The quantities every point measured.
    pub quantities: Vec<Quantity>,
    /// The point with every assumption at its nominal value.
    pub nominal: Point,
    /// Every design point, in design order.
    pub points: Vec<Point>,
    /// The rows of `sensitivity.csv`.
    pub rows: Vec<SensitivityRow>,
    /// Per quantity, the share of the variance across points that the
    /// replications' own noise explains (the mean squared standard error of
    /// a point's mean over the variance of the points' means); NaN for
    /// methods without a random design.
    pub noise_share: Vec<f64>,
}

/// Why an exploration cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExploreError {
    /// The user's input is wrong; one line per problem.
    #[error("{}", .0.join("\n"))]
    BadInput(Vec<String>),
    /// A point could not be kept (a disk error).
    #[error("{}", .0.join("\n"))]
    Io(Vec<String>),
}

impl Study {
    /// The overrides of a point whose assumptions take `values`.
    fn overrides(&self, values: &[Option<f64>]) -> Vec<Override> {
        let mut all = self.overrides.clone();
        for (a, v) in self.assumptions.iter().zip(values) {
            if let Some(x) = v {
                let mut o = Override::parse(&format!("{}=0", a.path))
                    .expect("the path was checked when parsed");
                o.value = a.toml_value(*x);
                o.text = format!("{}={x}", a.path);
                all.push(o);
            }
        }
        all
    }

    /// Runs one point.
    fn evaluate(
        &self,
        values: Vec<Option<f64>>,
        baseline: &str,
        progress: &dyn Progress,
    ) -> Result<Point, String> {
        let scenario = load_str(&self.source_name, &self.text, &self.overrides(&values))
            .map_err(|e| e.to_string())?;
        let options = RunOptions {
            replications: self.replications,
            seed: self.seed,
            topologies: self.topologies.clone(),
            ..RunOptions::default()
        };
        let exp = run_in_current_pool(&scenario, &options, progress).map_err(|e| e.to_string())?;
        measure(&exp, values, baseline, &self.metrics)
    }

    fn describe(&self, values: &[Option<f64>]) -> String {
        let parts: Vec<String> = self
            .assumptions
            .iter()
            .zip(values)
            .filter_map(|(a, v)| v.map(|x| format!("{}={x}", a.path)))
            .collect();
        if parts.is_empty() {
            "with every assumption nominal".to_owned()
        } else {
            parts.join(", ")
        }
    }

    /// Checks the study before anything runs: the scenario loads at every
    /// assumption's two ends (all at once, and each alone), every metric
    /// exists, and integer paths get whole numbers. Returns the topologies,
    /// baseline first, and marks integer paths.
    fn validate(&mut self) -> Result<Vec<String>, ExploreError> {
        let mut problems = Vec::new();
        if self.assumptions.is_empty() {
            problems.push(
                "no uncertain assumption: add [[uncertain]] tables to the scenario or --uncertain PATH=DIST"
                    .to_owned(),
            );
        }
        for (i, a) in self.assumptions.iter().enumerate() {
            if self.assumptions[..i].iter().any(|b| b.path == a.path) {
                problems.push(format!("`{}` is uncertain twice", a.path));
            }
        }
        let nominal = match load_str(&self.source_name, &self.text, &self.overrides) {
            Ok(s) => s,
            Err(e) => return Err(ExploreError::BadInput(vec![e.to_string()])),
        };
        for a in &mut self.assumptions {
            if holds_whole_number(&a.path) {
                a.integer = true;
                let (lo, hi) = (a.belief.quantile(0.0), a.belief.quantile(1.0));
                if lo.fract() != 0.0 || hi.fract() != 0.0 {
                    problems.push(format!(
                        "`{}` is a whole number, but its belief ranges over {lo} to {hi}: give whole-number ends",
                        a.path
                    ));
                }
            }
        }
        for m in &self.metrics {
            let known = nominal_metric_exists(&nominal, m);
            if !known {
                let cost = MetricId::parse(m).is_some_and(|id| id.metric.is_cost());
                problems.push(if cost {
                    format!(
                        "unknown metric `{m}`: a cost metric needs its rates in the scenario's [economics] (delay_cost for delay_cost, person_cost for people_cost, both for total_cost)"
                    )
                } else {
                    format!("unknown metric `{m}`")
                });
            }
        }
        let topologies: Vec<String> = if self.topologies.is_empty() {
            nominal
                .model
                .topologies
                .iter()
                .map(|t| t.name.clone())
                .collect()
        } else {
            for t in &self.topologies {
                if !nominal.model.topologies.iter().any(|s| &s.name == t) {
                    problems.push(format!("unknown topology `{t}`"));
                }
            }
            self.topologies.clone()
        };
        // Each assumption at each end, the others nominal.
        let d = self.assumptions.len();
        for i in 0..d {
            for u in [0.0, 1.0] {
                let mut values = vec![None; d];
                values[i] = Some(self.assumptions[i].value_at(u));
                if let Err(e) = load_str(&self.source_name, &self.text, &self.overrides(&values)) {
                    problems.push(format!(
                        "`{}` at {} is invalid: {e}",
                        self.assumptions[i].path,
                        values[i].unwrap_or(f64::NAN)
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(topologies)
        } else {
            Err(ExploreError::BadInput(problems))
        }
    }
}

/// What `exp` measured, as the point of `values`: per topology and metric
/// (in that order) the mean over the replications, then per topology but
/// `baseline` the paired difference against it, each with its 95%
/// interval; and the topologies that are unstable in `exp`.
pub fn measure(
    exp: &Experiment,
    values: Vec<Option<f64>>,
    baseline: &str,
    metrics: &[String],
) -> Result<Point, String> {
    let base = exp.topology(baseline).ok_or("the baseline did not run")?;
    let mut results = Vec::new();
    for t in &exp.topologies {
        for m in metrics {
            results.push(Summary::of(t.metric(m).unwrap_or(&[])));
        }
    }
    for t in exp.topologies.iter().filter(|t| t.name != baseline) {
        for m in metrics {
            let d = paired_difference(t.metric(m).unwrap_or(&[]), base.metric(m).unwrap_or(&[]));
            results.push(d.diff);
        }
    }
    let unstable = exp
        .topologies
        .iter()
        .filter(|t| t.is_unstable())
        .map(|t| t.name.clone())
        .collect();
    Ok(Point {
        values,
        results,
        unstable,
    })
}

/// Whether `metric` names a metric of a run: organization-wide, of one of
/// `scenario`'s streams (`stream:metric`) or of a team (`team:<team>:…`).
fn nominal_metric_exists(scenario: &Scenario, metric: &str) -> bool {
    let Some(id) = MetricId::parse(metric) else {
        return false;
    };
    if !crate::model::economics::reported(scenario.model.economics.as_ref(), id.metric) {
        return false;
    }
    match id.scope {
        Scope::Stream(s) => scenario.model.workload.streams.iter().any(|x| x.name == s),
        Scope::All | Scope::Team(_) => true,
    }
}

/// Whether the scenario value at `path` is a whole number: a headcount
/// (any path through `people`), a closed stream's `wip`, the bar raisers'
/// `reviewers`, or a `[simulation]` count.
fn holds_whole_number(path: &str) -> bool {
    let segments: Vec<&str> = path.split('.').collect();
    segments.contains(&"people")
        || matches!(
            segments.last(),
            Some(&("wip" | "reviewers" | "replications" | "seed" | "max_wip" | "max_events"))
        )
}

/// A validated exploration, ready to run: what [`plan`] returns.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The study (integer paths marked).
    pub study: Study,
    /// The method.
    pub method: Method,
    /// Trajectories, base points or points (see [`explore`]).
    pub samples: usize,
    /// The seed of the design (Morris trajectories, Sobol' scrambling).
    pub design_seed: u64,
    /// The topologies, baseline first.
    pub topologies: Vec<String>,
    /// The quantities every point measures.
    pub quantities: Vec<Quantity>,
    /// Replications per point.
    pub replications: u32,
}

/// Checks `study` (its assumptions, metrics and topologies) before anything runs or is
/// written, and fixes what every point measures.
pub fn plan(
    mut study: Study,
    method: Method,
    samples: usize,
    design_seed: u64,
) -> Result<Plan, ExploreError> {
    let topologies = study.validate()?;
    let replications = match study.replications {
        Some(r) => r,
        None => {
            load_str(&study.source_name, &study.text, &study.overrides)
                .map_err(|e| ExploreError::BadInput(vec![e.to_string()]))?
                .run
                .replications
        }
    };
    let mut quantities = Vec::new();
    for t in &topologies {
        for m in &study.metrics {
            quantities.push(Quantity {
                topology: t.clone(),
                metric: m.clone(),
                difference: false,
            });
        }
    }
    for t in &topologies[1..] {
        for m in &study.metrics {
            quantities.push(Quantity {
                topology: t.clone(),
                metric: m.clone(),
                difference: true,
            });
        }
    }
    Ok(Plan {
        study,
        method,
        samples,
        design_seed,
        topologies,
        quantities,
        replications,
    })
}

/// What an evaluated point is, to the code that keeps points: its index
/// (0 is the nominal point, then design order) and its results.
pub type PointSink<'a> = dyn Fn(usize, &Point) -> Result<(), String> + Sync + 'a;

/// How a [`Plan`] is run: which points are already known, where finished
/// points go, when to stop. None of it changes a number.
#[derive(Default)]
pub struct Control<'a> {
    /// Points an earlier run finished, by index: not run again.
    pub kept: BTreeMap<usize, Point>,
    /// Called with every point run (not the kept ones) as it finishes.
    pub sink: Option<&'a PointSink<'a>>,
    /// Run only this slice of the design (points `i` with `i mod N = K - 1`).
    pub shard: Option<Shard>,
    /// Set (by a signal handler) to start no new point.
    pub stop: Option<&'a AtomicBool>,
    /// Where the progress of the points goes (every replication planned
    /// up front, then each one done, and "k/n points" as a note).
    pub progress: Option<&'a dyn Progress>,
}

impl std::fmt::Debug for Control<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("kept", &self.kept.len())
            .field("sink", &self.sink.is_some())
            .field("shard", &self.shard)
            .field("stop", &self.stop)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// How a run of a [`Plan`] ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every point is done: the exploration.
    Complete(Box<Exploration>),
    /// A shard's points are done (by index); the indices wait for `merge`.
    Shard(Vec<(usize, Point)>),
    /// Stopped before every point was done; the finished ones went to the
    /// sink.
    Stopped,
}

/// Runs points for a [`Plan`]: kept points are reused, the others run in
/// parallel and go to the sink as they finish.
struct Evaluator<'a, 'b> {
    plan: &'b Plan,
    control: &'b Control<'a>,
    progress: &'b dyn Progress,
    /// Points run so far and planned (at most, for break-even).
    counted: AtomicUsize,
    planned: usize,
}

impl Evaluator<'_, '_> {
    fn stopped(&self) -> bool {
        self.control
            .stop
            .is_some_and(|s| s.load(AtomicOrdering::SeqCst))
    }

    /// The points `items` (index, values), in order; None for those not run
    /// because of a stop.
    fn run(
        &self,
        items: Vec<(usize, Vec<Option<f64>>)>,
    ) -> Result<Vec<Option<Point>>, ExploreError> {
        let baseline = &self.plan.topologies[0];
        items
            .into_par_iter()
            .map(|(index, values)| {
                if let Some(p) = self.control.kept.get(&index) {
                    if p.values != values {
                        return Err(ExploreError::BadInput(vec![format!(
                            "the checkpoint's point {index} is not this exploration's point {index} ({}); remove the folder or use another --out",
                            self.plan.study.describe(&values)
                        )]));
                    }
                    return Ok(Some(p.clone()));
                }
                if self.stopped() {
                    return Ok(None);
                }
                let described = self.plan.study.describe(&values);
                let point = self
                    .plan
                    .study
                    .evaluate(values, baseline, &Planned(self.progress))
                    .map_err(|e| {
                    ExploreError::BadInput(vec![format!("the point {described} is invalid:\n{e}")])
                })?;
                if let Some(sink) = self.control.sink {
                    sink(index, &point).map_err(|e| ExploreError::Io(vec![e]))?;
                }
                let n = self.counted.fetch_add(1, AtomicOrdering::SeqCst) + 1;
                self.progress.note(&format!("{n}/{} points", self.planned));
                Ok(Some(point))
            })
            .collect()
    }

    /// One point.
    fn one(&self, index: usize, values: Vec<Option<f64>>) -> Result<Option<Point>, ExploreError> {
        Ok(self.run(vec![(index, values)])?.remove(0))
    }
}

impl Plan {
    /// The design points, the nominal point (every assumption nominal)
    /// first; None for break-even, whose points depend on the results of
    /// the ones before (bisection).
    pub fn design(&self) -> Option<Vec<Vec<Option<f64>>>> {
        let study = &self.study;
        let d = study.assumptions.len();
        let mut designs = vec![vec![None; d]];
        match self.method {
            Method::Tornado => {
                for (i, a) in study.assumptions.iter().enumerate() {
                    let (lo, hi) = a.tornado_ends();
                    for x in [lo, hi] {
                        let mut values = vec![None; d];
                        values[i] = Some(x);
                        designs.push(values);
                    }
                }
            }
            Method::Morris => designs.extend(values_of(study, &self.morris_design().rows)),
            Method::Sobol => designs.extend(values_of(
                study,
                &saltelli_design(self.samples.max(2), d, self.design_seed as u32),
            )),
            Method::Propagate => designs.extend(values_of(study, &propagate_design(self))),
            Method::BreakEven => return None,
        }
        Some(designs)
    }

    fn morris_design(&self) -> MorrisDesign {
        morris_design(
            self.samples.max(2),
            self.study.assumptions.len(),
            4,
            self.design_seed,
        )
    }

    /// The replications (jobs) of one point: topologies × replications.
    pub fn jobs_per_point(&self) -> u64 {
        self.topologies.len() as u64 * u64::from(self.replications)
    }

    /// An upper bound of the points the plan runs: the design's, or for
    /// break-even its ends and every bisection step.
    pub fn max_points(&self) -> usize {
        match self.design() {
            Some(d) => d.len(),
            None => {
                let differences = self.quantities.iter().filter(|q| q.difference).count();
                1 + self.study.assumptions.len() * (2 + 3 * differences * BISECTION_STEPS)
            }
        }
    }

    /// The exploration of a complete set of points (`points[0]` the
    /// nominal point, then design order); for break-even, the points in the
    /// order they were run.
    pub fn analyse(&self, mut points: Vec<Point>) -> Result<Exploration, ExploreError> {
        if points.is_empty() {
            return Err(ExploreError::BadInput(vec!["no point was run".into()]));
        }
        let nominal = points.remove(0);
        let nq = self.quantities.len();
        let (rows, noise_share) = match self.method {
            Method::Tornado => (tornado_rows(self, &points), vec![f64::NAN; nq]),
            Method::Morris => morris_rows(self, &points),
            Method::Sobol => sobol_rows(self, &points),
            Method::Propagate => propagate_rows(self, &points),
            Method::BreakEven => {
                // Replayed from the kept points: nothing runs.
                let kept: BTreeMap<usize, Point> = std::iter::once(nominal.clone())
                    .chain(points)
                    .enumerate()
                    .collect();
                let control = Control {
                    kept,
                    ..Control::default()
                };
                return match self.execute(&control)? {
                    Outcome::Complete(ex) => Ok(*ex),
                    _ => Err(ExploreError::BadInput(vec![
                        "the kept points do not hold the whole break-even search".into(),
                    ])),
                };
            }
        };
        Ok(Exploration {
            method: self.method,
            baseline: self.topologies[0].clone(),
            topologies: self.topologies.clone(),
            quantities: self.quantities.clone(),
            nominal,
            points,
            rows,
            noise_share,
        })
    }

    /// Runs the plan as `control` says.
    pub fn execute(&self, control: &Control<'_>) -> Result<Outcome, ExploreError> {
        let pool = thread_pool(self.study.threads)
            .map_err(|e| ExploreError::BadInput(vec![e.to_string()]))?;
        let design = self.design();
        if control.shard.is_some() && design.is_none() {
            return Err(ExploreError::BadInput(vec![
                "--shard: break-even's points depend on the ones before (bisection), so it cannot be sliced; run it whole (it needs few points)".into(),
            ]));
        }
        let indices: Vec<usize> = match &design {
            Some(d) => (0..d.len())
                .filter(|&i| control.shard.is_none_or(|s| s.contains(i)))
                .collect(),
            None => Vec::new(),
        };
        let to_run = match &design {
            Some(_) => indices
                .iter()
                .filter(|i| !control.kept.contains_key(i))
                .count(),
            None => self.max_points().saturating_sub(control.kept.len()),
        };
        let jobs = self.jobs_per_point();
        let progress = control.progress.unwrap_or(&());
        progress.add_jobs(to_run as u64 * jobs);
        let ev = Evaluator {
            plan: self,
            control,
            progress,
            counted: AtomicUsize::new(0),
            planned: to_run,
        };
        pool.install(|| -> Result<Outcome, ExploreError> {
            let Some(design) = design else {
                return break_even(self, &ev);
            };
            let items: Vec<(usize, Vec<Option<f64>>)> =
                indices.iter().map(|&i| (i, design[i].clone())).collect();
            let points = ev.run(items)?;
            if points.iter().any(Option::is_none) {
                return Ok(Outcome::Stopped);
            }
            let points: Vec<Point> = points.into_iter().flatten().collect();
            if control.shard.is_some() {
                return Ok(Outcome::Shard(indices.into_iter().zip(points).collect()));
            }
            Ok(Outcome::Complete(Box::new(self.analyse(points)?)))
        })
    }
}

/// Runs `study` with `method` on `samples` (trajectories for Morris, base
/// points for Sobol', points for propagation; ignored otherwise), every
/// point in memory.
pub fn explore(
    study: Study,
    method: Method,
    samples: usize,
    design_seed: u64,
) -> Result<Exploration, ExploreError> {
    let plan = plan(study, method, samples, design_seed)?;
    match plan.execute(&Control::default())? {
        Outcome::Complete(ex) => Ok(*ex),
        // Neither a shard nor a stop was asked for.
        Outcome::Shard(_) | Outcome::Stopped => Err(ExploreError::Io(vec![
            "the exploration stopped before its last point".into(),
        ])),
    }
}

fn estimate_of(s: &Summary) -> Estimate {
    Estimate {
        estimate: s.mean,
        ci95_low: s.ci_low,
        ci95_high: s.ci_high,
    }
}

fn tornado_rows(plan: &Plan, points: &[Point]) -> Vec<SensitivityRow> {
    let mut rows = Vec::new();
    for (i, a) in plan.study.assumptions.iter().enumerate() {
        for q in 0..plan.quantities.len() {
            for (end, index) in [(0, "low"), (1, "high")] {
                rows.push(SensitivityRow {
                    method: Method::Tornado,
                    assumption: a.path.clone(),
                    quantity: q,
                    index,
                    estimate: estimate_of(&points[2 * i + end].results[q]),
                });
            }
        }
    }
    rows
}

/// The design rows mapped to the assumptions' values.
fn values_of(study: &Study, unit: &[Vec<f64>]) -> Vec<Vec<Option<f64>>> {
    unit.iter()
        .map(|u| {
            study
                .assumptions
                .iter()
                .zip(u)
                .map(|(a, &x)| Some(a.value_at(x)))
                .collect()
        })
        .collect()
}

fn outputs(points: &[Point], q: usize) -> Vec<f64> {
    points.iter().map(|p| p.results[q].mean).collect()
}

/// The share of the spread of `points`' means at `q` that their own
/// replication noise explains.
fn noise_share(points: &[Point], q: usize) -> f64 {
    let means = outputs(points, q);
    let spread = Summary::of(&means).sd.powi(2);
    let noise: Vec<f64> = points
        .iter()
        .map(|p| {
            let s = p.results[q];
            s.sd.powi(2) / s.n as f64
        })
        .collect();
    Summary::of(&noise).mean / spread
}

fn morris_rows(plan: &Plan, points: &[Point]) -> (Vec<SensitivityRow>, Vec<f64>) {
    let design = plan.morris_design();
    let nq = plan.quantities.len();
    let seed = plan.design_seed;
    let mut rows = Vec::new();
    let mut noise = Vec::with_capacity(nq);
    for q in 0..nq {
        let m = morris_indices(&design, &outputs(points, q), RESAMPLES, seed ^ q as u64);
        for (i, a) in plan.study.assumptions.iter().enumerate() {
            for (index, estimate) in [("mu_star", m.mu_star[i]), ("sigma", m.sigma[i])] {
                rows.push(SensitivityRow {
                    method: Method::Morris,
                    assumption: a.path.clone(),
                    quantity: q,
                    index,
                    estimate,
                });
            }
        }
        noise.push(noise_share(points, q));
    }
    (rows, noise)
}

fn sobol_rows(plan: &Plan, points: &[Point]) -> (Vec<SensitivityRow>, Vec<f64>) {
    let d = plan.study.assumptions.len();
    let nq = plan.quantities.len();
    let seed = plan.design_seed;
    let mut rows = Vec::new();
    let mut noise = Vec::with_capacity(nq);
    for q in 0..nq {
        let s = sobol_indices(&outputs(points, q), d, RESAMPLES, seed ^ q as u64);
        for (i, a) in plan.study.assumptions.iter().enumerate() {
            for (index, estimate) in [("S1", s.first[i]), ("ST", s.total[i])] {
                rows.push(SensitivityRow {
                    method: Method::Sobol,
                    assumption: a.path.clone(),
                    quantity: q,
                    index,
                    estimate,
                });
            }
        }
        noise.push(noise_share(points, q));
    }
    (rows, noise)
}

/// The Wilson score interval of a proportion `k / n` at 95%.
fn wilson(k: usize, n: usize) -> Estimate {
    let (k, n) = (k as f64, n as f64);
    let z = 1.959_963_984_540_054;
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    Estimate {
        estimate: p,
        ci95_low: (centre - half).max(0.0),
        ci95_high: (centre + half).min(1.0),
    }
}

/// The first `samples` points of the scrambled Sobol' sequence: a
/// low-discrepancy sample of the beliefs.
fn propagate_design(plan: &Plan) -> Vec<Vec<f64>> {
    let d = plan.study.assumptions.len();
    let seed = plan.design_seed as u32;
    (0..plan.samples.max(1))
        .map(|j| {
            (0..d)
                .map(|i| f64::from(sobol_burley::sample(j as u32, i as u32, seed)))
                .collect()
        })
        .collect()
}

fn propagate_rows(plan: &Plan, points: &[Point]) -> (Vec<SensitivityRow>, Vec<f64>) {
    let study = &plan.study;
    let mut rows = Vec::new();
    let mut noise = Vec::with_capacity(plan.quantities.len());
    for (q, quantity) in plan.quantities.iter().enumerate() {
        noise.push(noise_share(points, q));
        if !quantity.difference {
            continue;
        }
        let direction = study.directions[study
            .metrics
            .iter()
            .position(|m| *m == quantity.metric)
            .expect("a measured metric")];
        let better = |x: f64| match direction {
            Direction::Lower => x < 0.0,
            Direction::Higher => x > 0.0,
            Direction::Neither => false,
        };
        if direction == Direction::Neither {
            continue;
        }
        let diffs = outputs(points, q);
        let finite = diffs.iter().filter(|x| x.is_finite()).count();
        let k = diffs.iter().filter(|&&x| better(x)).count();
        rows.push(SensitivityRow {
            method: Method::Propagate,
            assumption: String::new(),
            quantity: q,
            index: "p_better",
            estimate: wilson(k, finite),
        });
    }
    (rows, noise)
}

/// Break-even by bisection: the points are numbered in the order they are
/// asked for (the nominal point 0, then per assumption its two ends and
/// the bisection steps), so that a resumed search replays the kept ones.
fn break_even(plan: &Plan, ev: &Evaluator<'_, '_>) -> Result<Outcome, ExploreError> {
    let study = &plan.study;
    let quantities = &plan.quantities;
    let d = study.assumptions.len();
    let Some(nominal) = ev.one(0, vec![None; d])? else {
        return Ok(Outcome::Stopped);
    };
    let mut next = 1;
    let mut all_points = Vec::new();
    let mut rows = Vec::new();
    let differences: Vec<usize> = (0..quantities.len())
        .filter(|&q| quantities[q].difference)
        .collect();
    for (i, a) in study.assumptions.iter().enumerate() {
        let at = |x: f64| {
            let mut values = vec![None; d];
            values[i] = Some(x);
            values
        };
        let (lo, hi) = (a.value_at(0.0), a.value_at(1.0));
        let ends = ev.run(vec![(next, at(lo)), (next + 1, at(hi))])?;
        next += 2;
        let [Some(end_lo), Some(end_hi)] = <[Option<Point>; 2]>::try_from(ends).expect("two ends")
        else {
            return Ok(Outcome::Stopped);
        };
        let mut bisection = Vec::new();
        for &q in &differences {
            // The mean and each end of the interval, as functions of the
            // value, each searched for its zero by bisection.
            let curves: [fn(&Summary) -> f64; 3] = [|s| s.mean, |s| s.ci_low, |s| s.ci_high];
            let mut zeros = [f64::NAN; 3];
            for (c, curve) in curves.iter().enumerate() {
                let (mut x0, mut x1) = (lo, hi);
                let (mut f0, f1) = (curve(&end_lo.results[q]), curve(&end_hi.results[q]));
                if !(f0.is_finite() && f1.is_finite()) || f0.signum() == f1.signum() {
                    continue;
                }
                for _ in 0..BISECTION_STEPS {
                    let mid = if a.integer {
                        ((x0 + x1) / 2.0).round()
                    } else {
                        (x0 + x1) / 2.0
                    };
                    if mid == x0 || mid == x1 {
                        break;
                    }
                    let Some(p) = ev.one(next, at(mid))? else {
                        return Ok(Outcome::Stopped);
                    };
                    next += 1;
                    let f = curve(&p.results[q]);
                    bisection.push(p);
                    if f.signum() == f0.signum() {
                        (x0, f0) = (mid, f);
                    } else {
                        x1 = mid;
                    }
                }
                zeros[c] = (x0 + x1) / 2.0;
            }
            // The values where the interval of the difference holds zero
            // run from the crossing of one end of the interval to that of
            // the other, on either side of the mean's crossing; an end that
            // does not cross within the range leaves that side open to the
            // range's end.
            let [estimate, c0, c1] = zeros;
            let below: Vec<f64> = [c0, c1].into_iter().filter(|&x| x <= estimate).collect();
            let above: Vec<f64> = [c0, c1].into_iter().filter(|&x| x >= estimate).collect();
            let low = below.into_iter().reduce(f64::min).unwrap_or(lo);
            let high = above.into_iter().reduce(f64::max).unwrap_or(hi);
            rows.push(SensitivityRow {
                method: Method::BreakEven,
                assumption: a.path.clone(),
                quantity: q,
                index: "break_even",
                estimate: Estimate {
                    estimate,
                    ci95_low: if estimate.is_finite() { low } else { f64::NAN },
                    ci95_high: if estimate.is_finite() { high } else { f64::NAN },
                },
            });
        }
        // In the order they were asked for: their index in the checkpoint.
        all_points.extend([end_lo, end_hi]);
        all_points.extend(bisection);
    }
    Ok(Outcome::Complete(Box::new(Exploration {
        method: Method::BreakEven,
        baseline: plan.topologies[0].clone(),
        topologies: plan.topologies.clone(),
        quantities: quantities.clone(),
        nominal,
        points: all_points,
        rows,
        noise_share: vec![f64::NAN; quantities.len()],
    })))
}
