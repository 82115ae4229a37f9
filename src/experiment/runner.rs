//! Runs every (topology × replication) job of an experiment in parallel and
//! gathers the results in a fixed order, so that the output never depends on
//! the thread count.

use indicatif::{ParallelProgressIterator, ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::options::{OptionsError, RunOptions};
use super::results::{Experiment, TopologyResults};
use crate::engine::RngFactory;
use crate::model::{Recording, ReplicationOutcome, simulate, topology};
use crate::scenario::{Scenario, TopologySpec};
use crate::stats::percentile;

/// Runs `scenario` as `options` say.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Experiment, OptionsError> {
    options.validate(scenario)?;
    let mut scenario = scenario.clone();
    if let Some(r) = options.replications {
        scenario.simulation.replications = r;
    }
    if let Some(s) = options.seed {
        scenario.simulation.seed = s;
    }
    let specs: Vec<TopologySpec> = scenario
        .topologies
        .iter()
        .filter(|t| options.topologies.is_empty() || options.topologies.contains(&t.name))
        .cloned()
        .collect();
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| OptionsError::ThreadPool(threads))?;

    let reps = scenario.simulation.replications as usize;
    let factory = RngFactory::new(scenario.simulation.seed);
    let orgs: Vec<_> = specs
        .iter()
        .map(|s| topology::build(&scenario, s))
        .collect();
    let progress = progress_bar(options.progress, (reps * orgs.len()) as u64);

    let outcomes: Vec<ReplicationOutcome> = pool.install(|| {
        let roots = factory.replications(0, reps);
        (0..reps * orgs.len())
            .into_par_iter()
            .progress_with(progress.clone())
            .map(|job| {
                let (t, r) = (job / reps, job % reps);
                let recording = Recording {
                    items: options.keep_items,
                    flow: r == 0,
                };
                simulate(&scenario, &orgs[t], &roots[r], recording)
            })
            .collect()
    });
    progress.finish_and_clear();

    let mut outcomes = outcomes.into_iter();
    let topologies = orgs
        .iter()
        .map(|org| gather(&org.name, outcomes.by_ref().take(reps).collect()))
        .collect();
    Ok(Experiment {
        scenario,
        topologies,
    })
}

/// Points of the pooled lead-time distribution kept for charts (probability
/// steps of 1/200).
const DISTRIBUTION_POINTS: u32 = 200;

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
    let mut pooled: Vec<f64> = outcomes
        .iter()
        .flat_map(|o| o.lead_times.iter().copied())
        .collect();
    pooled.sort_by(f64::total_cmp);
    let lead_time_distribution = (0..=DISTRIBUTION_POINTS)
        .map(|i| {
            let p = f64::from(i) / f64::from(DISTRIBUTION_POINTS);
            (p, percentile(&pooled, p))
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
