//! Runs every (topology × replication) job of an experiment in parallel and
//! gathers the results in a fixed order, so that the output never depends on
//! the thread count.

use indicatif::{ParallelProgressIterator, ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

use super::options::{OptionsError, RunOptions};
use super::results::{Experiment, PrecisionOutcome, TopologyResults};
use super::spec::Warmup;
use crate::engine::RngFactory;
use crate::model::QUANTILE_STEPS;
use crate::model::spec::{Limits, ModelSpec, TopologySpec, Window};
use crate::model::{
    Organization, Recording, ReplicationOutcome, capacity, simulate, simulate_with_stop, topology,
};
use crate::scenario::Scenario;
use crate::stats::mser::{mean_series, mser5};
use crate::stats::{Summary, paired_difference};

/// Runs `scenario` as `options` say.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Experiment, OptionsError> {
    options.validate(scenario)?;
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| OptionsError::ThreadPool(threads))?;
    pool.install(|| run_in_current_pool(scenario, options))
}

/// [`run`] on the calling thread's rayon pool (`options.threads` is not
/// used): for studies that run many experiments side by side in one pool.
pub fn run_in_current_pool(
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<Experiment, OptionsError> {
    options.validate(scenario)?;
    let mut scenario = scenario.clone();
    if let Some(r) = options.replications {
        scenario.run.replications = r;
    }
    if let Some(s) = options.seed {
        scenario.run.seed = s;
    }
    let specs: Vec<TopologySpec> = scenario
        .model
        .topologies
        .iter()
        .filter(|t| options.topologies.is_empty() || options.topologies.contains(&t.name))
        .cloned()
        .collect();
    run_specs(scenario, &specs, options)
}

/// Runs the topologies `specs` of `scenario` (replications and seed already
/// applied) on the current pool.
fn run_specs(
    mut scenario: Scenario,
    specs: &[TopologySpec],
    options: &RunOptions,
) -> Result<Experiment, OptionsError> {
    let orgs: Vec<_> = specs
        .iter()
        .map(|s| topology::build(&scenario.model, s))
        .collect();

    let (topologies, precision) = {
        // Each topology is measured over its own window, whose warm-up may
        // be its own (MSER-5).
        let windows: Vec<Window> = orgs
            .iter()
            .map(|org| {
                let warmup = match scenario.run.warmup {
                    Warmup::Fixed(days) => days,
                    Warmup::Auto => detect_warmup_with_stop(&scenario, org, options.stop),
                };
                scenario.run.window(warmup)
            })
            .collect();
        replicate(&scenario, &windows, &orgs, options)
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

/// Runs replications in batches (one batch unless a precision target asks
/// for more), then gathers them per topology.
fn replicate(
    scenario: &Scenario,
    windows: &[Window],
    orgs: &[Organization],
    options: &RunOptions,
) -> Result<(Vec<TopologyResults>, Option<PrecisionOutcome>), OptionsError> {
    let first = scenario.run.replications as usize;
    let max = options.precision.map_or(first, |_| {
        options.max_replications.map_or(
            first.max(super::options::DEFAULT_MAX_REPLICATIONS as usize),
            |m| m as usize,
        )
    });
    let progress = progress_bar(options.progress, (first * orgs.len()) as u64);
    let factory = RngFactory::new(scenario.run.seed);
    let mut outcomes: Vec<Vec<ReplicationOutcome>> = vec![Vec::new(); orgs.len()];
    let mut done = 0;
    let mut batch = first;
    let precision = loop {
        let roots = factory.replications(done as u64, batch);
        let jobs = batch * orgs.len();
        let stopped = || options.stop.is_some_and(|s| s.load(Ordering::SeqCst));
        let results: Vec<Option<ReplicationOutcome>> = (0..jobs)
            .into_par_iter()
            .progress_with(progress.clone())
            .map(|job| {
                if stopped() {
                    return None;
                }
                let (t, r) = (job / batch, job % batch);
                let recording = Recording {
                    items: options.keep_items,
                    flow: done + r == 0,
                    series: false,
                };
                let (model, limits) = (&scenario.model, scenario.run.limits);
                replicate_one(
                    model,
                    &orgs[t],
                    windows[t],
                    limits,
                    &roots[r],
                    recording,
                    options.stop,
                )
            })
            .collect();
        if results.iter().any(Option::is_none) {
            progress.finish_and_clear();
            return Err(OptionsError::Interrupted {
                done: done * orgs.len() + results.iter().flatten().count(),
                planned: (done + batch) * orgs.len(),
            });
        }
        let results: Vec<ReplicationOutcome> = results.into_iter().flatten().collect();
        let mut results = results.into_iter();
        for per_topology in outcomes.iter_mut() {
            per_topology.extend(results.by_ref().take(batch));
        }
        done += batch;
        let Some(target) = options.precision else {
            break None;
        };
        if done == first
            && let Some(t) = zero_mean(&outcomes, &options.precision_metric)
        {
            progress.finish_and_clear();
            return Err(OptionsError::ZeroMean {
                metric: options.precision_metric.clone(),
                topology: orgs[t].name.clone(),
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
        progress.inc_length((batch * orgs.len()) as u64);
    };
    progress.finish_and_clear();
    let topologies = orgs
        .iter()
        .zip(outcomes)
        .map(|(org, outs)| {
            let mut t = gather(&org.name, outs);
            t.mark_overloaded(capacity::overloads(&scenario.model, org));
            t
        })
        .collect();
    Ok((topologies, precision))
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
    rngs: &crate::engine::ReplicationStreams,
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
    let flow = outcomes
        .iter()
        .find(|o| !o.flow.is_empty())
        .map(|o| o.flow.clone())
        .unwrap_or_default();
    TopologyResults {
        name: name.to_string(),
        metric_names,
        values,
        items: outcomes.into_iter().map(|o| o.items).collect(),
        lead_time_distribution,
        flow,
        overloads: Vec::new(),
    }
}

fn progress_bar(show: bool, jobs: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(jobs), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} replications ({per_sec}, ETA {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
