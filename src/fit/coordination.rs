//! The coordination parameters by simulation (docs/model.md, "What the fit
//! assumes"): the cross-team handoff, the internal handoff, the intake
//! cadence, the leader's decision and the escalation to the executive (its
//! probability and the executive's decision) are the values that make the fitted
//! `as-is` organization's simulated history closest to the log, by the
//! distance [`distance`], found by Nelder–Mead (argmin) from several
//! starting points, every evaluation on the same random numbers (the same
//! seed: common random numbers), with bootstrap standard errors: by
//! default from full refits of logs simulated from the fitted model (a
//! parametric bootstrap), or from refits on resamples of the log's items.

use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::neldermead::NelderMead;

use super::fidelity::{self, History};
use super::structure::FittedModel;
use crate::engine::RngFactory;
use rand::RngExt;
use rayon::prelude::*;

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
    /// Probability that a request is escalated to the executive.
    pub escalation_probability: f64,
    /// Mean executive decision of an escalated request (exponential), days.
    pub escalation_decision: f64,
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
    /// Bootstrap standard errors of the [`NAMES`] values, and the refits.
    pub bootstrap: Option<([f64; PARAMETERS], usize)>,
    /// How the bootstrap refits were made.
    pub bootstrap_kind: BootstrapKind,
    /// The bootstrap refits themselves, in [`NAMES`] order.
    pub refits: Vec<[f64; PARAMETERS]>,
}

impl CoordinationFit {
    /// The values in [`NAMES`] order.
    pub fn values(&self) -> [f64; PARAMETERS] {
        [
            self.handoff,
            self.internal_handoff,
            self.cadence,
            self.decision,
            self.escalation_probability,
            self.escalation_decision,
        ]
    }

    /// The mean executive delay an escalation adds per request, days
    /// (probability × executive decision, queueing aside): the escalation
    /// quantity that waits pin down best.
    pub fn escalation_delay(&self) -> f64 {
        self.escalation_probability * self.escalation_decision
    }

    /// A fit at `values` (in [`NAMES`] order), nothing else known yet.
    fn at(values: [f64; PARAMETERS], replications: u32) -> Self {
        CoordinationFit {
            handoff: values[0],
            internal_handoff: values[1],
            cadence: values[2],
            decision: values[3],
            escalation_probability: values[4],
            escalation_decision: values[5],
            distance: f64::NAN,
            distance_without: f64::NAN,
            evaluations: 0,
            replications,
            starts: 0,
            bootstrap: None,
            bootstrap_kind: BootstrapKind::default(),
            refits: Vec::new(),
        }
    }
}

/// How the bootstrap refits of [`fit`] are made (docs/model.md, "What the
/// fit assumes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BootstrapKind {
    /// Each refit is the whole search ([`fit`]'s three stages from its
    /// starting points) on a log simulated from the fitted model (one
    /// replication on its own seed, [`log_seed`]), with its own random
    /// numbers ([`refit_seed`]): the spread of the refits is that of the
    /// fit's estimator were the fitted model true, the queues' realization
    /// in the log included.
    #[default]
    Parametric,
    /// Each refit is a search of all six from the fit on a resample of the
    /// log's items, with its own random numbers ([`refit_seed`]): cheaper,
    /// but the refits start at the fit and move little, and no resample
    /// sees that the log is one realization of the queues (its sds are too
    /// small, docs/model.md says by how much).
    Items,
}

impl BootstrapKind {
    /// What one refit is made from, for the report and the scenario's
    /// comments ("n refits of …").
    pub fn what(self) -> &'static str {
        match self {
            BootstrapKind::Parametric => "logs simulated from the fit",
            BootstrapKind::Items => "resamples of the log's items",
        }
    }
}

/// The bootstrap [`fit`] makes: how, and how many refits (0 or 1: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bootstrap {
    /// How the refits are made.
    pub kind: BootstrapKind,
    /// How many.
    pub refits: usize,
}

/// How many parameters are fitted.
pub const PARAMETERS: usize = 6;

/// The parameters' names, in order.
pub const NAMES: [&str; PARAMETERS] = [
    "handoff",
    "internal_handoff",
    "intake_cadence",
    "decision",
    "escalation_probability",
    "escalation_decision",
];

/// The optimizer's point as parameter values: delays are absolute values,
/// the escalation probability is also capped at 1.
fn values_of(p: &[f64]) -> [f64; PARAMETERS] {
    let mut v = [0.0; PARAMETERS];
    for (v, p) in v.iter_mut().zip(p) {
        *v = p.abs();
    }
    v[4] = v[4].min(1.0);
    v
}

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

/// The distance [`distance`] between `log` and the simulated histories of
/// `model`'s `as-is` organization with the coordination `values` (in
/// [`NAMES`] order), `replications` replications on `seed`: what one
/// evaluation of the fit computes (the same random numbers for the same
/// seed).
pub fn distance_at(
    model: &FittedModel,
    log: &History,
    values: [f64; PARAMETERS],
    replications: u32,
    seed: u64,
) -> f64 {
    let evaluations = std::sync::atomic::AtomicUsize::new(0);
    Problem {
        model,
        log,
        replications,
        seed,
        evaluations: &evaluations,
        progress: &|_| {},
    }
    .at(&values)
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
        let mut m = self.model.clone();
        m.coordination = Some(CoordinationFit::at(values_of(p), self.replications));
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

/// The problem with only the coordinates `free` of the parameters
/// searched, the others held at `base`.
struct Restricted<'a> {
    problem: Problem<'a>,
    base: [f64; PARAMETERS],
    free: &'a [usize],
}

impl Restricted<'_> {
    fn full(&self, p: &[f64]) -> [f64; PARAMETERS] {
        let mut v = self.base;
        for (&i, &x) in self.free.iter().zip(p) {
            v[i] = x;
        }
        v
    }
}

impl CostFunction for Restricted<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> Result<f64, Error> {
        Ok(self.problem.at(&self.full(p)))
    }
}

/// Nelder–Mead over the coordinates `free` from `start` (a simplex of
/// steps `step` days around it, and `step / scale` on the escalation
/// probability, `scale` being the typical delay the steps are measured
/// against), the other coordinates held at `start`'s.
fn minimize(
    problem: Problem<'_>,
    start: [f64; PARAMETERS],
    free: &[usize],
    step: f64,
    scale: f64,
) -> ([f64; PARAMETERS], f64) {
    let x0: Vec<f64> = free.iter().map(|&i| start[i]).collect();
    let mut simplex = vec![x0.clone()];
    for (k, &i) in free.iter().enumerate() {
        let mut v = x0.clone();
        if i == 4 {
            // A probability: a step towards the middle of [0, 1].
            let d = (0.5 * step / scale).clamp(0.02, 0.25);
            v[k] += if v[k] > 0.5 { -d } else { d };
        } else {
            v[k] += step.max(0.05 * v[k].abs());
        }
        simplex.push(v);
    }
    let problem = Restricted {
        problem,
        base: start,
        free,
    };
    let fallback = (values_of(&start), problem.problem.at(&start));
    let Ok(solver) = NelderMead::new(simplex).with_sd_tolerance(1e-4) else {
        return fallback;
    };
    let full = |p: &[f64]| {
        let mut v = start;
        for (&i, &x) in free.iter().zip(p) {
            v[i] = x;
        }
        values_of(&v)
    };
    match Executor::new(problem, solver)
        .configure(|s| s.max_iters(MAX_ITERATIONS))
        .run()
    {
        Ok(res) => {
            let state = res.state();
            match state.get_best_param() {
                Some(p) => (full(p), state.get_best_cost()),
                None => fallback,
            }
        }
        Err(_) => fallback,
    }
}

/// The delays (handoffs, cadence, decision), and all.
const DELAYS: [usize; 4] = [0, 1, 2, 3];
/// The escalation and the cross-team handoff it trades against.
const REQUEST: [usize; 3] = [0, 4, 5];
/// Stage 2's escalation starts: probability, and executive decision in
/// units of the log's mean wait.
const ESCALATION_STARTS: [(f64, f64); 3] = [(0.1, 1.0), (0.3, 3.0), (0.1, 10.0)];
const ALL: [usize; PARAMETERS] = [0, 1, 2, 3, 4, 5];

/// What every evaluation of one search shares: the fitted structure, the
/// replications per evaluation and their seed, and the count of
/// evaluations with its progress report.
#[derive(Clone, Copy)]
struct Setup<'a> {
    model: &'a FittedModel,
    replications: u32,
    seed: u64,
    evaluations: &'a std::sync::atomic::AtomicUsize,
    progress: &'a (dyn Fn(usize) + Sync),
}

impl<'a> Setup<'a> {
    /// The problem of fitting `log` with this set-up.
    fn on(self, log: &'a History) -> Problem<'a> {
        Problem {
            model: self.model,
            log,
            replications: self.replications,
            seed: self.seed,
            evaluations: self.evaluations,
            progress: self.progress,
        }
    }

    /// The same on the random numbers of `seed`.
    fn with_seed(self, seed: u64) -> Self {
        Setup { seed, ..self }
    }
}

/// How many starting points [`search`] tries.
const STARTS: usize = 4 + 2 * ESCALATION_STARTS.len();

/// The search of [`fit`] on `log`: the point found and its distance.
fn search(setup: Setup<'_>, log: &History) -> ([f64; PARAMETERS], f64) {
    // In three stages, so that the delays every request has are found
    // before the escalation that only some have: (1) the delays, no
    // escalation, from four starts: none, and three spreads of a scale of
    // the log's mean wait (its typical delay), the last with a cadence of
    // four times it (a cadence delays only requests, by half of it, so it
    // can be several mean waits; a fit from the lower cadences alone stayed
    // in the distance's basin below a true 2-day cadence, docs/model.md);
    // (2) the escalation together
    // with the cross-team handoff, the other delays held: in stage 1 the
    // handoff has taken the escalated requests' extra wait on itself, so
    // it must be free to give it back (docs/model.md, "What the fit
    // assumes"); from one request in ten escalated for that typical
    // delay, one in three for three times it and one in ten for ten times
    // it, each with the handoff of stage 1 and with that handoff less the
    // start's executive delay per request; (3) everything together from
    // the best so far.
    let s = scale(log);
    let starts = [
        [0.0; PARAMETERS],
        [s, 0.1 * s, 0.0, 0.2 * s, 0.0, 0.0],
        [0.3 * s, 0.1 * s, 2.0 * s, 0.2 * s, 0.0, 0.0],
        [0.3 * s, 0.1 * s, 4.0 * s, 0.2 * s, 0.0, 0.0],
    ];
    let mut best: Option<([f64; PARAMETERS], f64)> = None;
    fn keep(best: &mut Option<([f64; PARAMETERS], f64)>, p: [f64; PARAMETERS], d: f64) {
        if best.as_ref().is_none_or(|b| d < b.1) {
            *best = Some((p, d));
        }
    }
    for start in starts {
        let (p, d) = minimize(setup.on(log), start, &DELAYS, 0.5 * s, s);
        keep(&mut best, p, d);
    }
    let delays = best.expect("four starts").0;
    for (probability, decision) in ESCALATION_STARTS {
        for shifted in [false, true] {
            let mut start = delays;
            start[4] = probability;
            start[5] = decision * s;
            if shifted {
                start[0] = (delays[0] - start[4] * start[5]).max(0.2 * delays[0]);
            }
            let (p, d) = minimize(setup.on(log), start, &REQUEST, 0.5 * s, s);
            keep(&mut best, p, d);
        }
    }
    let so_far = best.expect("starts").0;
    let (p, d) = minimize(setup.on(log), so_far, &ALL, 0.25 * s, s);
    keep(&mut best, p, d);
    best.expect("starts")
}

/// The typical delay of `log` the search's steps and starts are measured
/// in: its mean wait before a task (at least 0.05 days).
fn scale(log: &History) -> f64 {
    let wait = log.waits.iter().sum::<f64>() / log.waits.len().max(1) as f64;
    wait.max(0.05)
}

/// Fits the coordination of `model` to `log` (the log's history over the
/// fitted scenario's span; `items`, its items' histories, are what
/// [`BootstrapKind::Items`] resamples) by simulation, `replications` per
/// evaluation on `seed`, from several starting points, with the
/// `bootstrap` refits. `progress` is told the evaluations run so far.
pub fn fit(
    model: &FittedModel,
    log: &History,
    items: &[History],
    replications: u32,
    seed: u64,
    bootstrap: Bootstrap,
    progress: &(dyn Fn(usize) + Sync),
) -> CoordinationFit {
    let evaluations = std::sync::atomic::AtomicUsize::new(0);
    let setup = Setup {
        model,
        replications,
        seed,
        evaluations: &evaluations,
        progress,
    };
    let distance_without = setup.on(log).at(&[0.0; PARAMETERS]);
    let (values, d) = search(setup, log);
    let fits: Vec<[f64; PARAMETERS]> = match bootstrap.kind {
        _ if bootstrap.refits < 2 => Vec::new(),
        // Each refit on its own random numbers, so that the spread of the
        // refits holds the simulation noise of the fit (with the fit's
        // seed, a refit on the fit's own simulated history would find it
        // again at no cost).
        BootstrapKind::Parametric => {
            let mut fitted = model.clone();
            fitted.coordination = Some(CoordinationFit::at(values, 1));
            (0..bootstrap.refits)
                .into_par_iter()
                .map(|b| {
                    let h = simulated_log(&fitted, log.span, log_seed(seed, b));
                    search(setup.with_seed(refit_seed(seed, b)), &h).0
                })
                .collect()
        }
        BootstrapKind::Items if items.is_empty() => Vec::new(),
        BootstrapKind::Items => {
            let s = scale(log);
            let mut rng = RngFactory::new(seed).stream(0, 0xB007);
            let resamples: Vec<History> = (0..bootstrap.refits)
                .map(|_| {
                    let mut h = History {
                        span: log.span,
                        ..History::default()
                    };
                    for _ in 0..items.len() {
                        let i = rng.random_range(0..items.len());
                        merge(&mut h, &items[i]);
                    }
                    h
                })
                .collect();
            resamples
                .iter()
                .enumerate()
                .map(|(b, h)| {
                    minimize(
                        setup.with_seed(refit_seed(seed, b)).on(h),
                        values,
                        &ALL,
                        0.25 * s,
                        s,
                    )
                    .0
                })
                .collect()
        }
    };
    let sd = (fits.len() > 1).then(|| {
        let mut sd = [0.0; PARAMETERS];
        for (k, sd) in sd.iter_mut().enumerate() {
            let m = fits.iter().map(|f| f[k]).sum::<f64>() / fits.len() as f64;
            *sd = (fits.iter().map(|f| (f[k] - m).powi(2)).sum::<f64>() / (fits.len() - 1) as f64)
                .sqrt();
        }
        (sd, fits.len())
    });
    CoordinationFit {
        distance: d,
        distance_without,
        evaluations: evaluations.into_inner(),
        starts: STARTS,
        bootstrap: sd,
        bootstrap_kind: bootstrap.kind,
        refits: fits,
        ..CoordinationFit::at(values, replications)
    }
}

/// The history of one replication of `fitted`'s `as-is` organization on
/// `seed` over `span` days: a log the fit would see were `fitted` the
/// organization (the parametric bootstrap's).
pub fn simulated_log(fitted: &FittedModel, span: f64, seed: u64) -> History {
    let text = fitted.scenario_toml("bootstrap", "log", 1, seed);
    let Ok(sc) = crate::scenario::load_str("bootstrap", &text, &[]) else {
        return History {
            span,
            ..History::default()
        };
    };
    fidelity::simulate(&sc, "as-is", 1, &|| {})
        .pop()
        .unwrap_or_default()
}

/// The seed of the log simulated for parametric bootstrap refit `refit`
/// (from 0) of a fit on `seed`: [`refit_seed`] of the refit's number
/// shifted by 2^32, so that, for fewer than 2^32 refits and a `seed` below
/// 2^63, it differs from `seed`, from every refit's simulation seed and
/// from every other refit's log seed.
pub fn log_seed(seed: u64, refit: usize) -> u64 {
    seed.wrapping_add(((refit as u64) + (1 << 32) + 1).wrapping_mul(GOLDEN)) & (u64::MAX >> 1)
}

/// 2^64 over the golden ratio, odd: multiples of it by distinct numbers
/// below 2^63 differ modulo 2^63.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The simulation seed of bootstrap refit `refit` (from 0) of a fit on
/// `seed`: `seed` plus `refit + 1` times an odd constant, modulo 2^63 (a
/// scenario's seed is a TOML integer, at most 2^63 − 1), so that it
/// depends on nothing but the two (the same whatever the threads) and,
/// for a `seed` below 2^63, differs from it and from every other refit's;
/// the generator's seeding (SplitMix64) makes nearby seeds' random
/// numbers independent.
pub fn refit_seed(seed: u64, refit: usize) -> u64 {
    seed.wrapping_add((refit as u64 + 1).wrapping_mul(GOLDEN)) & (u64::MAX >> 1)
}

/// Adds one item's history to `h`.
fn merge(h: &mut History, item: &History) {
    h.lead_times.extend_from_slice(&item.lead_times);
    h.waits.extend_from_slice(&item.waits);
    for g in 0..3 {
        h.waits_by[g].extend_from_slice(&item.waits_by[g]);
    }
}
