//! Big organizations (docs/performance.md, "Big organizations"): the cost
//! per simulated item must not grow with the number of streams or people.
//! Short on purpose (10 samples each), so that the whole file runs in
//! minutes:
//!
//! - `big/streams/N`: one replication of the matrix of [`big::streams`]
//!   (N streams, teams of 10 at utilization 0.75), about 30,000 items, in
//!   items per second (items completed from time 0 on, warm-up included);
//! - `big/streams-single-threaded/N`: the same in single-threaded teams;
//! - `big/swarming/N`: one replication of [`big::swarming`] (N people of
//!   one skill, swarmed), about 30,000 items;
//! - `big/check/10000-streams`: reading a 10,000-stream scenario and its
//!   offered-load analysis (`orgsim check`'s work);
//! - `big/run/3000-streams`: a whole 3,000-stream run of one replication
//!   (both topologies, with the outputs' tables built, no charts).
//!
//! Targets (issue 23): per item, 1,000 streams within 1.5× of 3 streams;
//! 3,000 streams × 1 replication under 5 s end to end; check at 10,000
//! streams under 1 s.

#[path = "support/big.rs"]
mod big;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use orgsim::engine::RngFactory;
use orgsim::experiment::{self, RunOptions};
use orgsim::model::{Recording, capacity, simulate, topology};
use orgsim::scenario::{self, Scenario};

/// Items per simulated replication of the per-item benchmarks.
const ITEMS: f64 = 30_000.0;
const WARMUP: f64 = 20.0;

fn load(name: &str, text: &str) -> Scenario {
    scenario::load_str(name, text, &[]).expect("generated scenario is valid")
}

/// The items a replication simulates to their end: every item completed
/// from time 0 on, warm-up included (the window's completions alone would
/// undercount the short runs of many streams, whose warm-up is most of the
/// run: 3,000 streams simulate 30 days to measure 10).
fn simulated(outcome: &orgsim::model::ReplicationOutcome) -> u64 {
    outcome.series.len() as u64
}

/// One replication of topology `topology` of `sc`, in items per second.
fn per_item(c: &mut Criterion, group: &str, label: String, sc: &Scenario, topology: usize) {
    let mut g = c.benchmark_group(group);
    g.sample_size(10);
    let rngs = RngFactory::new(1).replication(0);
    let org = topology::build(&sc.model, &sc.model.topologies[topology]);
    let run = |recording| {
        simulate(
            &sc.model,
            &org,
            sc.run.nominal_window(),
            sc.run.limits,
            &rngs,
            recording,
        )
    };
    // Counted once, by a run that keeps every completion; the timed runs
    // keep nothing.
    let counting = Recording {
        series: true,
        ..Recording::default()
    };
    g.throughput(Throughput::Elements(simulated(&run(counting))));
    g.bench_function(label, |b| b.iter(|| black_box(run(Recording::default()))));
    g.finish();
}

fn streams(c: &mut Criterion) {
    for n in [3, 30, 300, 3_000] {
        let rate = big::STREAM_RATE * n as f64;
        let sc = load(
            "big.toml",
            &big::streams(n, WARMUP, big::horizon_for(ITEMS, rate, WARMUP)),
        );
        per_item(c, "big/streams", n.to_string(), &sc, 0);
        per_item(c, "big/streams-single-threaded", n.to_string(), &sc, 1);
    }
}

fn swarming(c: &mut Criterion) {
    for n in [10, 1_000, 10_000] {
        let rate = big::swarming_rate(n);
        let sc = load(
            "big.toml",
            &big::swarming(n, WARMUP, big::horizon_for(ITEMS, rate, WARMUP)),
        );
        per_item(c, "big/swarming", n.to_string(), &sc, 0);
    }
}

fn check(c: &mut Criterion) {
    let text = big::streams(10_000, WARMUP, 100.0);
    let mut g = c.benchmark_group("big/check");
    g.sample_size(10);
    g.bench_function("10000-streams", |b| {
        b.iter(|| {
            let sc = load("big.toml", &text);
            black_box(capacity::analyse(&sc.model))
        })
    });
    g.finish();
}

fn whole_run(c: &mut Criterion) {
    let rate = big::STREAM_RATE * 3_000.0;
    let sc = load(
        "big.toml",
        &big::streams(3_000, WARMUP, big::horizon_for(300_000.0, rate, WARMUP)),
    );
    let mut g = c.benchmark_group("big/run");
    g.sample_size(10);
    g.bench_function("3000-streams", |b| {
        b.iter(|| {
            let exp = experiment::run(
                &sc,
                &RunOptions {
                    threads: Some(1),
                    ..Default::default()
                },
            )
            .expect("valid options");
            black_box(orgsim::report::csv_files::replications_csv(&exp).expect("written"))
        })
    });
    g.finish();
}

criterion_group!(benches, streams, swarming, check, whole_run);
criterion_main!(benches);
