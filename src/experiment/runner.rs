//! Runs every (topology × replication) job of an experiment in parallel and
//! gathers the results in a fixed order, so that the output never depends on
//! the thread count.

use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

use super::options::{RunError, RunOptions};
use super::progress::Progress;
use super::results::{Experiment, PrecisionOutcome, TopologyResults};
use super::spec::Warmup;
use crate::engine::{ReplicationStreams, RngFactory};
use crate::model::QUANTILE_STEPS;
use crate::model::spec::{Limits, ModelSpec, TopologySpec, Window};
use crate::model::{
    Organization, Recording, ReplicationOutcome, capacity, simulate, simulate_with_stop, topology,
};
use crate::scenario::Scenario;
use crate::stats::mser::{mean_series, mser5};
use crate::stats::{Summary, paired_difference};

/// Runs `scenario` as `options` say.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Experiment, RunError> {
    run_with_progress(scenario, options, &())
}

/// [`run`], telling `progress` of every replication planned and done.
pub fn run_with_progress(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Experiment, RunError> {
    options.validate(scenario)?;
    thread_pool(options.threads)?.install(|| run_in_current_pool(scenario, options, progress))
}

/// A pool of `threads` worker threads (default: one per core), refusing 0.
/// Results never depend on the thread count.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, RunError> {
    let threads = match threads {
        Some(0) => return Err(RunError::ZeroThreads),
        Some(t) => t,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| RunError::ThreadPool { threads, source })
}

/// [`run`] on the calling thread's rayon pool (`options.threads` is not
/// used): for studies that run many experiments side by side in one pool.
pub fn run_in_current_pool(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Experiment, RunError> {
    options.validate(scenario)?;
    let mut scenario = scenario.clone();
    if let Some(r) = options.replications {
        scenario.run.replications = r;
    }
    if let Some(s) = options.seed {
        scenario.run.seed = s;
    }
    let specs: Vec<TopologySpec> = super::options::run_order(
        &scenario.model.topologies,
        &options.topologies,
        options.baseline.as_deref(),
    );
    run_specs(scenario, &specs, options, options.stop, progress)
}

/// Runs the topologies `specs` of `scenario` (replications and seed already
/// applied) on the current pool: the one replication runner behind `run`,
/// every point of a sweep and of an exploration. `stop` stands for
/// `options.stop`, whose lifetime is too long for some callers.
pub(crate) fn run_specs(
    mut scenario: Scenario,
    specs: &[TopologySpec],
    options: &RunOptions,
    stop: Option<&AtomicBool>,
    progress: &dyn Progress,
) -> Result<Experiment, RunError> {
    let orgs: Vec<_> = specs
        .iter()
        .map(|s| topology::build(&scenario.model, s))
        .collect();

    let (topologies, precision) = {
        // Each topology is measured over its own window, whose warm-up may
        // be its own (MSER-5).
        let jobs: Vec<TopologyJob<'_>> = orgs
            .iter()
            .map(|org| {
                let warmup = match scenario.run.warmup {
                    Warmup::Fixed(days) => days,
                    Warmup::Auto => detect_warmup_with_stop(&scenario, org, stop),
                };
                TopologyJob {
                    model: &scenario.model,
                    org,
                    window: scenario.run.window(warmup),
                    limits: scenario.run.limits,
                }
            })
            .collect();
        let (first, seed) = (scenario.run.replications as usize, scenario.run.seed);
        replicate(&jobs, first, seed, options, stop, progress)
    }?;
    if let Some(p) = &precision {
        scenario.run.replications = p.replications;
    }
    Ok(Experiment {
        scenario,
        topologies,
        precision,
    })
}

/// One topology to replicate: the model, its organization, the window it
/// is measured over (its own warm-up) and the run's limits.
#[derive(Clone, Copy)]
struct TopologyJob<'a> {
    model: &'a ModelSpec,
    org: &'a Organization,
    window: Window,
    limits: Limits,
}

/// Runs replications in batches (one batch unless a precision target asks
/// for more), then gathers them per topology: `first` replications per
/// batch, the streams drawn from `seed`.
fn replicate(
    jobs: &[TopologyJob<'_>],
    first: usize,
    seed: u64,
    options: &RunOptions,
    stop: Option<&AtomicBool>,
    progress: &dyn Progress,
) -> Result<(Vec<TopologyResults>, Option<PrecisionOutcome>), RunError> {
    let max = options.precision.map_or(first, |_| {
        options.max_replications.map_or(
            first.max(super::options::DEFAULT_MAX_REPLICATIONS as usize),
            |m| m as usize,
        )
    });
    let factory = RngFactory::new(seed);
    let mut outcomes: Vec<Vec<ReplicationOutcome>> = vec![Vec::new(); jobs.len()];
    let mut done = 0;
    let mut batch = first;
    let precision = loop {
        let roots = factory.replications(done as u64, batch);
        progress.add_jobs((batch * jobs.len()) as u64);
        let results = replicate_batch(
            jobs,
            &roots,
            done,
            (options.keep_items, options.flow_charts, options.over_time),
            stop,
            progress,
        );
        let Ok(results) = results else {
            let finished = results.err().unwrap_or(0);
            return Err(RunError::Interrupted {
                done: done * jobs.len() + finished,
                planned: (done + batch) * jobs.len(),
            });
        };
        for (per_topology, new) in outcomes.iter_mut().zip(results) {
            per_topology.extend(new);
        }
        done += batch;
        let Some(target) = options.precision else {
            break None;
        };
        if done == first
            && let Some(t) = zero_mean(&outcomes, &options.precision_metric)
        {
            return Err(RunError::ZeroMean {
                metric: options.precision_metric.clone(),
                topology: jobs[t].org.name.clone(),
                replications: done,
            });
        }
        let worst = worst_relative_half_width(&outcomes, &options.precision_metric);
        if worst <= target || done >= max {
            break Some(PrecisionOutcome {
                metric: options.precision_metric.clone(),
                target,
                achieved: worst,
                met: worst <= target,
                replications: done as u32,
            });
        }
        batch = first.min(max - done);
    };
    let topologies = jobs
        .iter()
        .zip(outcomes)
        .map(|(job, outs)| {
            let mut t = gather(&job.org.name, outs);
            t.mark_overloaded(capacity::overloads(job.model, job.org));
            t
        })
        .collect();
    Ok((topologies, precision))
}

/// Replications `first..first + roots.len()` of every topology of `jobs`,
/// all in parallel on the current pool; per topology, in replication order.
/// `Err(finished)` if `stop` was set before they were all done.
fn replicate_batch(
    jobs: &[TopologyJob<'_>],
    roots: &[ReplicationStreams],
    first: usize,
    (keep_items, flow_charts, over_time): (bool, bool, bool),
    stop: Option<&AtomicBool>,
    progress: &dyn Progress,
) -> Result<Vec<Vec<ReplicationOutcome>>, usize> {
    let batch = roots.len();
    let stopped = || stop.is_some_and(|s| s.load(Ordering::SeqCst));
    let results: Vec<Option<ReplicationOutcome>> = (0..batch * jobs.len())
        .into_par_iter()
        .map(|job| {
            if stopped() {
                return None;
            }
            let (t, r) = (job / batch, job % batch);
            let recording = Recording {
                items: keep_items,
                flow: first + r == 0,
                flow_charts: flow_charts && first + r == 0,
                series: over_time,
                events: false,
            };
            let j = &jobs[t];
            let mut outcome = replicate_one(
                j.model, j.org, j.window, j.limits, &roots[r], recording, stop,
            );
            if over_time && let Some(o) = outcome.as_mut() {
                let days = super::over_time::days_of(j.window.end());
                o.daily = Some(super::over_time::take_daily(o, j.model, j.org, days));
            }
            if outcome.is_some() {
                progress.job_done();
            }
            outcome
        })
        .collect();
    if results.iter().any(Option::is_none) {
        return Err(results.iter().flatten().count());
    }
    let mut results = results.into_iter().flatten();
    Ok(jobs
        .iter()
        .map(|_| results.by_ref().take(batch).collect())
        .collect())
}

/// The first topology whose mean of `metric` is 0 (no relative precision
/// can be reached against it), if any.
fn zero_mean(outcomes: &[Vec<ReplicationOutcome>], metric: &str) -> Option<usize> {
    outcomes.iter().position(|outs| {
        let values: Vec<f64> = outs
            .iter()
            .filter_map(|o| o.metrics.iter().find(|(n, _)| n == metric).map(|m| m.1))
            .collect();
        Summary::of(&values).mean == 0.0
    })
}

/// One replication; None if `stop` was set before it was done (a long
/// replication gives up within a few thousand events).
fn replicate_one(
    model: &ModelSpec,
    org: &Organization,
    window: Window,
    limits: Limits,
    rngs: &ReplicationStreams,
    recording: Recording,
    stop: Option<&AtomicBool>,
) -> Option<ReplicationOutcome> {
    match stop {
        Some(stop) => simulate_with_stop(model, org, window, limits, rngs, recording, stop),
        None => Some(simulate(model, org, window, limits, rngs, recording)),
    }
}

/// The largest relative CI half-width of `metric` over every topology
/// (half-width / |mean|) and every paired difference against the first
/// topology (half-width / |baseline mean|). Undefined values count as
/// infinitely imprecise.
fn worst_relative_half_width(outcomes: &[Vec<ReplicationOutcome>], metric: &str) -> f64 {
    let columns: Vec<Vec<f64>> = outcomes
        .iter()
        .map(|outs| {
            outs.iter()
                .map(|o| {
                    o.metrics
                        .iter()
                        .find(|(n, _)| n == metric)
                        .map_or(f64::NAN, |(_, v)| *v)
                })
                .collect()
        })
        .collect();
    let mut worst: f64 = 0.0;
    let relative = |hw: f64, scale: f64| {
        let r = hw / scale.abs();
        if r.is_nan() { f64::INFINITY } else { r }
    };
    for (t, values) in columns.iter().enumerate() {
        let s = Summary::of(values);
        worst = worst.max(relative(s.half_width(), s.mean));
        if t > 0 {
            let d = paired_difference(values, &columns[0]);
            let base = Summary::of(&columns[0]).mean;
            worst = worst.max(relative(d.diff.half_width(), base));
        }
    }
    worst
}

/// What MSER-5 makes of one topology's pilot run.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmupAnalysis {
    /// Lead times of the completed items, averaged across replications item
    /// by item (Welch's averaging), in completion order.
    pub mean_series: Vec<f64>,
    /// Items MSER-5 truncates (a multiple of 5, at most half the series).
    pub truncated_items: usize,
    /// The warm-up in days: the mean completion time of the last truncated item.
    pub warmup: f64,
}

/// The warm-up MSER-5 picks for `org`: a pilot of the scenario's
/// replications without warm-up over the horizon, the lead times of the
/// completed items averaged across replications item by item, truncated by
/// MSER-5 (at most half the series); the warm-up is the mean completion time
/// of the last item truncated.
pub fn detect_warmup(scenario: &Scenario, org: &Organization) -> f64 {
    analyse_warmup(scenario, org).warmup
}

/// [`detect_warmup`], whose pilot gives up soon after `stop` is set (its
/// value is meaningless then: the caller, seeing `stop`, runs nothing more).
pub fn detect_warmup_with_stop(
    scenario: &Scenario,
    org: &Organization,
    stop: Option<&AtomicBool>,
) -> f64 {
    analyse(scenario, org, stop).warmup
}

/// The MSER-5 analysis behind [`detect_warmup`], with the series it looked at.
pub fn analyse_warmup(scenario: &Scenario, org: &Organization) -> WarmupAnalysis {
    analyse(scenario, org, None)
}

fn analyse(scenario: &Scenario, org: &Organization, stop: Option<&AtomicBool>) -> WarmupAnalysis {
    let pilot = scenario.run.window(0.0);
    let factory = RngFactory::new(scenario.run.seed);
    let reps = scenario.run.replications as usize;
    let roots = factory.replications(0, reps);
    let series: Vec<Vec<(f64, f64)>> = (0..reps)
        .into_par_iter()
        .map(|r| {
            let recording = Recording {
                series: true,
                ..Recording::default()
            };
            let (model, limits) = (&scenario.model, scenario.run.limits);
            replicate_one(model, org, pilot, limits, &roots[r], recording, stop)
                .map(|o| o.series)
                .unwrap_or_default()
        })
        .collect();
    if stop.is_some_and(|s| s.load(Ordering::SeqCst)) {
        // Cut short: some series are partial or empty.
        return WarmupAnalysis {
            mean_series: Vec::new(),
            truncated_items: 0,
            warmup: 0.0,
        };
    }
    let leads: Vec<Vec<f64>> = series
        .iter()
        .map(|s| s.iter().map(|&(_, lead)| lead).collect())
        .collect();
    let mean_series = mean_series(&leads);
    let truncated_items = mser5(&mean_series);
    let warmup = if truncated_items == 0 {
        0.0
    } else {
        series.iter().map(|s| s[truncated_items - 1].0).sum::<f64>() / reps as f64
    };
    WarmupAnalysis {
        mean_series,
        truncated_items,
        warmup,
    }
}

/// Gathers the outcomes of one topology's replications (in replication order)
/// into per-metric columns.
pub fn gather(name: &str, outcomes: Vec<ReplicationOutcome>) -> TopologyResults {
    let metric_names: Vec<String> = outcomes
        .first()
        .map(|o| o.metrics.iter().map(|(n, _)| n.clone()).collect())
        .unwrap_or_default();
    let values = (0..metric_names.len())
        .map(|m| outcomes.iter().map(|o| o.metrics[m].1).collect())
        .collect();
    // Vincentization: the pooled distribution's quantile at p is the mean
    // of the replications' quantiles at p (replications without completed
    // items are left out).
    let defined: Vec<&Vec<f64>> = outcomes
        .iter()
        .map(|o| &o.lead_time_quantiles)
        .filter(|q| q.iter().all(|x| x.is_finite()))
        .collect();
    let lead_time_distribution = (0..=QUANTILE_STEPS as usize)
        .map(|i| {
            let p = i as f64 / f64::from(QUANTILE_STEPS);
            let q = if defined.is_empty() {
                f64::NAN
            } else {
                defined.iter().map(|q| q[i]).sum::<f64>() / defined.len() as f64
            };
            (p, q)
        })
        .collect();
    let first = outcomes.iter().find(|o| !o.flow.is_empty());
    let flow = first.map(|o| o.flow.clone()).unwrap_or_default();
    let completions = first.map(|o| o.completions.clone()).unwrap_or_default();
    let flow_window = first.map_or((f64::NAN, f64::NAN), |o| o.window);
    let mut outcomes = outcomes;
    let daily = outcomes.iter_mut().filter_map(|o| o.daily.take()).collect();
    TopologyResults {
        name: name.to_string(),
        metric_names,
        values,
        items: outcomes.into_iter().map(|o| o.items).collect(),
        lead_time_distribution,
        flow,
        completions,
        flow_window,
        overloads: Vec::new(),
        daily,
    }
}
