//! Statistics a simulation expert would sign: automatic warm-up (MSER-5),
//! replications to a target precision, and percentile confidence intervals
//! with their nominal coverage.

use orgsim::experiment::{self, RunOptions};
use orgsim::stats::Summary;

use crate::support::{scenario, single_station};

#[test]
fn auto_warmup_is_picked_per_topology_within_half_the_run() {
    let b = orgsim::scenario::bundled::find("prime-video").unwrap();
    let o = [
        orgsim::scenario::Override::parse("simulation.warmup=auto").unwrap(),
        orgsim::scenario::Override::parse("simulation.replications=10").unwrap(),
    ];
    let sc = orgsim::scenario::load_str(b.file_name, b.text, &o).unwrap();
    assert!(sc.run.warmup.is_auto());
    let exp = experiment::run(&sc, &RunOptions::default()).unwrap();
    for t in &exp.topologies {
        let w = t.metric("warmup").unwrap();
        assert!(w.iter().all(|&x| x == w[0]), "one warm-up per topology");
        // An empty organization fills up for weeks: MSER-5 must cut something,
        // and never more than half of the pilot run (500 days).
        assert!(w[0] > 0.0 && w[0] <= 250.0, "{}: warm-up {}", t.name, w[0]);
    }
    let again = experiment::run(
        &sc,
        &RunOptions {
            threads: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        again.topologies[0].values, exp.topologies[0].values,
        "deterministic"
    );
}

fn worst_relative_half_width(exp: &experiment::Experiment, metric: &str) -> f64 {
    let base = exp.summary(&exp.topologies[0].name, metric).unwrap();
    let mut worst: f64 = 0.0;
    for t in &exp.topologies {
        let s = exp.summary(&t.name, metric).unwrap();
        worst = worst.max(s.half_width() / s.mean.abs());
        if t.name != exp.topologies[0].name {
            let d = exp.comparison(&t.name, metric).unwrap();
            worst = worst.max(d.diff.half_width() / base.mean.abs());
        }
    }
    worst
}

#[test]
fn precision_loop_stops_at_the_first_batch_that_meets_the_target() {
    let b = orgsim::scenario::bundled::find("prime-video").unwrap();
    let sc = orgsim::scenario::load_str(b.file_name, b.text, &[]).unwrap();
    let target = 0.03;
    let options = RunOptions {
        replications: Some(8),
        precision: Some(target),
        ..Default::default()
    };
    let exp = experiment::run(&sc, &options).unwrap();
    let p = exp.precision.clone().unwrap();
    assert!(p.met, "{p:?}");
    assert_eq!(p.replications % 8, 0, "whole batches of the initial count");
    assert_eq!(exp.scenario.run.replications, p.replications);
    assert_eq!(exp.topologies[0].values[0].len(), p.replications as usize);
    // Replication r is the same whatever the batch it ran in, so plain runs
    // with n and n − 8 replications show why the loop stopped where it did.
    let plain = |n: u32| {
        experiment::run(
            &sc,
            &RunOptions {
                replications: Some(n),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let at = plain(p.replications);
    assert_eq!(at.topologies[0].values, exp.topologies[0].values);
    assert!((worst_relative_half_width(&at, "lead_time_mean") - p.achieved).abs() < 1e-12);
    assert!(p.achieved <= target);
    if p.replications > 8 {
        let before = plain(p.replications - 8);
        assert!(worst_relative_half_width(&before, "lead_time_mean") > target);
    }
    // Thread count does not change where it stops.
    let one = experiment::run(
        &sc,
        &RunOptions {
            threads: Some(1),
            ..options.clone()
        },
    )
    .unwrap();
    assert_eq!(one.precision, exp.precision);
    // An unreachable target stops at --max-reps and says so.
    let capped = experiment::run(
        &sc,
        &RunOptions {
            precision: Some(1e-6),
            max_replications: Some(12),
            ..options
        },
    )
    .unwrap();
    let c = capped.precision.unwrap();
    assert!(!c.met);
    assert_eq!(c.replications, 12);
}

#[test]
fn percentile_intervals_cover_the_true_mm1_percentiles_at_the_nominal_rate() {
    // M/M/1 sojourn times are exponential with rate mu − lambda = 0.5: the
    // true p-quantile is −ln(1 − p) / 0.5. Over 100 independent seeds, the
    // 95% CI of each percentile (across 10 replications) must contain it
    // about 95 times: a binomial(100, 0.95) count lies in [88, 100] with
    // probability > 0.999.
    let mut covered = [0; 3];
    let probabilities: [f64; 3] = [0.50, 0.85, 0.95];
    let seeds = 100;
    for seed in 0..seeds {
        let toml = single_station(0.5, 1.0, 1, 4000.0, 10, 1000 + seed, "");
        let sc = scenario(&toml);
        let exp = experiment::run(&sc, &RunOptions::default()).unwrap();
        for (i, (metric, p)) in ["lead_time_p50", "lead_time_p85", "lead_time_p95"]
            .iter()
            .zip(probabilities)
            .enumerate()
        {
            let truth = -(1.0 - p).ln() / 0.5;
            let s = Summary::of(exp.topology("matrix").unwrap().metric(metric).unwrap());
            if s.contains(truth) {
                covered[i] += 1;
            }
        }
    }
    println!("coverage of p50, p85, p95 over {seeds} seeds: {covered:?}");
    for c in covered {
        assert!((88..=100).contains(&c), "coverage {c} of {seeds}");
    }
}
