//! The coordination parameters by simulation (docs/model.md, "What the fit
//! assumes"): the cross-team handoff, the internal handoff, the intake
//! cadence and the leader's decision are the values that make the fitted
//! `as-is` organization's simulated history closest to the log, by the
//! distance [`distance`], found by Nelder–Mead (argmin) from several
//! starting points, every evaluation on the same random numbers (the same
//! seed: common random numbers), with bootstrap standard errors from refits
//! on resamples of the log's items.

use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::neldermead::NelderMead;

use super::fidelity::{self, History};
use super::structure::FittedModel;
use crate::engine::RngFactory;
use rand::RngExt;

/// The fitted coordination parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct CoordinationFit {
    /// Mean cross-team handoff (exponential), days.
    pub handoff: f64,
    /// Mean handoff within a team (exponential), days.
    pub internal_handoff: f64,
    /// Intake cadence, days (0: requests taken any time).
    pub cadence: f64,
    /// Mean leader decision (exponential), days.
    pub decision: f64,
    /// The distance at the fit.
    pub distance: f64,
    /// The distance with every coordination delay 0.
    pub distance_without: f64,
    /// Simulations run (each of `replications` replications).
    pub evaluations: usize,
    /// Replications per evaluation.
    pub replications: u32,
    /// Starting points.
    pub starts: usize,
    /// Bootstrap standard errors of the four values, and the resamples.
    pub bootstrap: Option<([f64; 4], usize)>,
}

impl CoordinationFit {
    /// The four values in order: handoff, internal handoff, cadence, decision.
    pub fn values(&self) -> [f64; 4] {
        [
            self.handoff,
            self.internal_handoff,
            self.cadence,
            self.decision,
        ]
    }
}

/// The parameters' names, in order.
pub const NAMES: [&str; 4] = ["handoff", "internal_handoff", "intake_cadence", "decision"];

/// The distance between the log's history and simulated ones: the
/// Wasserstein-1 distance of the lead times relative to the log's mean lead
/// time, plus that of the waits before tasks, by what came before (nothing,
/// a task of the same team, another team's), each relative to the log's
/// mean wait and weighted by its share of the log's waits; averaged over
/// the simulated histories.
pub fn distance(log: &History, sims: &[History]) -> f64 {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let lead = mean(&log.lead_times).max(1e-9);
    let wait = mean(&log.waits).max(1e-9);
    let total = log.waits.len().max(1) as f64;
    let per = |s: &History| {
        let mut d = fidelity::wasserstein1(&log.lead_times, &s.lead_times) / lead;
        for g in 0..3 {
            if log.waits_by[g].is_empty() {
                continue;
            }
            let w = log.waits_by[g].len() as f64 / total;
            let x = if s.waits_by[g].is_empty() {
                mean(&log.waits_by[g]) // nothing to compare: as far as the log's mean
            } else {
                fidelity::wasserstein1(&log.waits_by[g], &s.waits_by[g])
            };
            d += w * x / wait;
        }
        if d.is_nan() { f64::INFINITY } else { d }
    };
    sims.iter().map(per).sum::<f64>() / sims.len().max(1) as f64
}

/// One evaluation's set-up.
struct Problem<'a> {
    model: &'a FittedModel,
    log: &'a History,
    replications: u32,
    seed: u64,
    evaluations: &'a std::sync::atomic::AtomicUsize,
    progress: &'a (dyn Fn(usize) + Sync),
}

impl Problem<'_> {
    fn at(&self, p: &[f64]) -> f64 {
        let values = [p[0].abs(), p[1].abs(), p[2].abs(), p[3].abs()];
        let mut m = self.model.clone();
        m.coordination = Some(CoordinationFit {
            handoff: values[0],
            internal_handoff: values[1],
            cadence: values[2],
            decision: values[3],
            distance: f64::NAN,
            distance_without: f64::NAN,
            evaluations: 0,
            replications: self.replications,
            starts: 0,
            bootstrap: None,
        });
        let text = m.scenario_toml("fit", "log", self.replications, self.seed);
        let Ok(sc) = crate::scenario::load_str("fit", &text, &[]) else {
            return f64::INFINITY;
        };
        let sims = fidelity::simulate(&sc, "as-is", self.replications, &|| {});
        let n = self
            .evaluations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (self.progress)(n + 1);
        distance(self.log, &sims)
    }
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> Result<f64, Error> {
        Ok(self.at(p))
    }
}

/// Most Nelder–Mead iterations per start.
pub const MAX_ITERATIONS: u64 = 60;

/// Nelder–Mead from `start` (a simplex of steps `step` around it).
fn minimize(problem: Problem<'_>, start: [f64; 4], step: f64) -> (Vec<f64>, f64) {
    let mut simplex = vec![start.to_vec()];
    for i in 0..4 {
        let mut v = start.to_vec();
        v[i] += step.max(0.05 * v[i].abs());
        simplex.push(v);
    }
    let fallback = (start.to_vec(), problem.at(&start));
    let Ok(solver) = NelderMead::new(simplex).with_sd_tolerance(1e-4) else {
        return fallback;
    };
    match Executor::new(problem, solver)
        .configure(|s| s.max_iters(MAX_ITERATIONS))
        .run()
    {
        Ok(res) => {
            let state = res.state();
            match state.get_best_param() {
                Some(p) => (p.iter().map(|x| x.abs()).collect(), state.get_best_cost()),
                None => fallback,
            }
        }
        Err(_) => fallback,
    }
}

/// Fits the coordination of `model` to `log` (the log's history over the
/// fitted scenario's span) by simulation, `replications` per evaluation on
/// `seed`, from `starts` starting points, with `bootstrap` refits (0: none).
/// `progress` is told the evaluations run so far.
pub fn fit(
    model: &FittedModel,
    log: &History,
    items: &[History],
    replications: u32,
    seed: u64,
    bootstrap: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> CoordinationFit {
    let evaluations = std::sync::atomic::AtomicUsize::new(0);
    fn problem<'a>(
        model: &'a FittedModel,
        log: &'a History,
        replications: u32,
        seed: u64,
        evaluations: &'a std::sync::atomic::AtomicUsize,
        progress: &'a (dyn Fn(usize) + Sync),
    ) -> Problem<'a> {
        Problem {
            model,
            log,
            replications,
            seed,
            evaluations,
            progress,
        }
    }
    // Starting points: none, and a scale of the log's mean wait (its
    // typical delay) spread over the four values.
    let wait = log.waits.iter().sum::<f64>() / log.waits.len().max(1) as f64;
    let s = wait.max(0.05);
    let starts = [
        [0.0, 0.0, 0.0, 0.0],
        [s, 0.1 * s, 0.0, 0.2 * s],
        [0.3 * s, 0.1 * s, 2.0 * s, 0.2 * s],
    ];
    let mk = |log| problem(model, log, replications, seed, &evaluations, progress);
    let distance_without = mk(log).at(&[0.0; 4]);
    let mut best: Option<(Vec<f64>, f64)> = None;
    for start in starts {
        let (p, d) = minimize(mk(log), start, 0.5 * s);
        if best.as_ref().is_none_or(|b| d < b.1) {
            best = Some((p, d));
        }
    }
    let (p, d) = best.expect("three starts");
    let values = [p[0], p[1], p[2], p[3]];
    // Bootstrap: refit from the fit on resamples of the items' histories.
    let boot = (bootstrap > 1 && !items.is_empty()).then(|| {
        let mut rng = RngFactory::new(seed).stream(0, 0xB007);
        let fits: Vec<[f64; 4]> = (0..bootstrap)
            .map(|_| {
                let mut h = History {
                    span: log.span,
                    ..History::default()
                };
                for _ in 0..items.len() {
                    let i = rng.random_range(0..items.len());
                    merge(&mut h, &items[i]);
                }
                let (q, _) = minimize(
                    problem(model, &h, replications, seed, &evaluations, progress),
                    values,
                    0.25 * s,
                );
                [q[0], q[1], q[2], q[3]]
            })
            .collect();
        let mut sd = [0.0; 4];
        for (k, sd) in sd.iter_mut().enumerate() {
            let m = fits.iter().map(|f| f[k]).sum::<f64>() / fits.len() as f64;
            *sd = (fits.iter().map(|f| (f[k] - m).powi(2)).sum::<f64>() / (fits.len() - 1) as f64)
                .sqrt();
        }
        (sd, bootstrap)
    });
    CoordinationFit {
        handoff: values[0],
        internal_handoff: values[1],
        cadence: values[2],
        decision: values[3],
        distance: d,
        distance_without,
        evaluations: evaluations.into_inner(),
        replications,
        starts: starts.len(),
        bootstrap: boot,
    }
}

/// Adds one item's history to `h`.
fn merge(h: &mut History, item: &History) {
    h.lead_times.extend_from_slice(&item.lead_times);
    h.waits.extend_from_slice(&item.waits);
    for g in 0..3 {
        h.waits_by[g].extend_from_slice(&item.waits_by[g]);
    }
}
