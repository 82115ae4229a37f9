//! Speed of the simulation, as ratios measured in one session
//! (docs/performance.md says how to run and read them):
//!
//! - `reductions/*`: orgsim's full model on the M/M/1 (ρ = 0.9) and M/M/16
//!   (ρ = 0.9) reductions, in simulated items per second, beside a minimal
//!   hand-written M/M/1 loop (`benches/reference/mm1.rs`), the ceiling, and
//!   the same loop carrying only the bookkeeping the model's metrics require
//!   (`benches/reference/mm1_accounted.rs`), the ceiling of any full model,
//!   alone and on orgsim's engine (calendar and distributions);
//! - `replication/prime-video/*`: one replication of the default scenario
//!   per topology;
//! - `run/prime-video/*`: a whole default run on 1 and 2 threads;
//! - `run-with-depends/prime-video/*`: the same run followed by its "What
//!   this depends on" tornado (`--depends auto`, the default of `orgsim
//!   run`) and its `depends.csv`, on 1 and 2 threads;
//! - `sweep/prime-video-20-points/*`: a 20-point sweep on 1 and 2 threads.

#[path = "reference/mm1.rs"]
mod reference;
#[path = "reference/mm1_accounted.rs"]
mod reference_accounted;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use orgsim::engine::RngFactory;
use orgsim::experiment::sweep::{self, BaseScenario, SweepSettings, Vary};
use orgsim::experiment::validation::station;
use orgsim::experiment::{self, RunOptions, depends};
use orgsim::model::{Recording, simulate, topology};
use orgsim::report::sweep_files;
use orgsim::report::sweep_folder::{self, SweepOutcome, SweepRun};
use orgsim::scenario::{self, Override, Scenario, bundled};

fn default_scenario() -> Scenario {
    let b = bundled::default_scenario();
    scenario::load_str(b.file_name, b.text, &[]).expect("bundled scenario is valid")
}

/// One station of `c` people, arrival rate `lambda`, mean effort 1 day,
/// observed from time 0 (no warm-up: every completed item counts).
fn station_scenario(lambda: f64, c: u32, horizon: f64) -> Scenario {
    let text = station(lambda, 1.0, c, horizon, 1, 1, "");
    let no_warmup = Override::parse("simulation.warmup=0").expect("valid override");
    scenario::load_str("station.toml", &text, &[no_warmup]).expect("station scenario is valid")
}

fn metric(outcome: &orgsim::model::ReplicationOutcome, name: &str) -> f64 {
    outcome
        .metrics
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| *v)
        .expect("metric exists")
}

fn reductions(c: &mut Criterion) {
    let mut group = c.benchmark_group("reductions");
    group.sample_size(20);
    let rngs = RngFactory::new(1).replication(0);
    for (name, lambda, servers, horizon) in [
        ("mm1-rho0.9", 0.9, 1, 20_000.0),
        ("mm16-rho0.9", 14.4, 16, 2_000.0),
    ] {
        let sc = station_scenario(lambda, servers, horizon);
        let org = topology::build(&sc.model, &sc.model.topologies[0]);
        let once = simulate(
            &sc.model,
            &org,
            sc.run.nominal_window(),
            sc.run.limits,
            &rngs,
            Recording::default(),
        );
        group.throughput(Throughput::Elements(metric(&once, "completed") as u64));
        group.bench_function(format!("orgsim/{name}"), |b| {
            b.iter(|| {
                black_box(simulate(
                    &sc.model,
                    &org,
                    sc.run.nominal_window(),
                    sc.run.limits,
                    &rngs,
                    Recording::default(),
                ))
            })
        });
        if servers == 1 {
            let reference_once = reference::simulate(lambda, 1.0, horizon, 1);
            // The two simulate the same queue (one run each, from empty:
            // benches/peers/ compares means over many replications).
            eprintln!(
                "{name}: mean lead time of one run: orgsim {:.3}, reference {:.3}; theory {:.3}",
                metric(&once, "lead_time_mean"),
                reference_once.mean_lead_time,
                1.0 / (1.0 - lambda)
            );
            let once = reference_once;
            group.throughput(Throughput::Elements(once.completed));
            group.bench_function(format!("reference/{name}"), |b| {
                b.iter(|| black_box(reference::simulate(lambda, 1.0, horizon, 1)))
            });
            let accounted = reference_accounted::simulate(lambda, 1.0, horizon, 1);
            eprintln!(
                "{name}: accounted reference: mean lead time {:.3} (queue {:.3} + work {:.3}), \
                 p50/p85/p95 {:.2?}, wip {:.3}, utilization {:.3}",
                accounted.mean_lead_time,
                accounted.queue_mean,
                accounted.work_mean,
                accounted.percentiles,
                accounted.wip_mean,
                accounted.utilization
            );
            group.throughput(Throughput::Elements(accounted.completed));
            group.bench_function(format!("reference-accounted/{name}"), |b| {
                b.iter(|| black_box(reference_accounted::simulate(lambda, 1.0, horizon, 1)))
            });
            let on_engine = reference_accounted::simulate_on_engine(lambda, 1.0, horizon, 1);
            eprintln!(
                "{name}: accounted reference on orgsim's engine: mean lead time {:.3}",
                on_engine.mean_lead_time
            );
            group.throughput(Throughput::Elements(on_engine.completed));
            group.bench_function(format!("reference-accounted-on-engine/{name}"), |b| {
                b.iter(|| {
                    black_box(reference_accounted::simulate_on_engine(
                        lambda, 1.0, horizon, 1,
                    ))
                })
            });
        }
    }
    group.finish();
}

fn one_replication(c: &mut Criterion) {
    let sc = default_scenario();
    let rngs = RngFactory::new(1).replication(0);
    for spec in &sc.model.topologies {
        let org = topology::build(&sc.model, spec);
        c.bench_function(&format!("replication/prime-video/{}", spec.name), |b| {
            b.iter(|| {
                black_box(simulate(
                    &sc.model,
                    &org,
                    sc.run.nominal_window(),
                    sc.run.limits,
                    &rngs,
                    Recording::default(),
                ))
            })
        });
    }
}

fn whole_run(c: &mut Criterion) {
    let sc = default_scenario();
    let mut group = c.benchmark_group("run/prime-video");
    group.sample_size(10);
    for threads in [1, 2] {
        group.bench_function(format!("threads={threads}"), |b| {
            b.iter(|| {
                black_box(
                    experiment::run(
                        &sc,
                        &RunOptions {
                            threads: Some(threads),
                            ..Default::default()
                        },
                    )
                    .expect("valid options"),
                )
            })
        });
    }
    group.finish();
}

/// The default `orgsim run`'s simulations: the run, then its quick tornado
/// (`--depends auto`) on the same pool, and `depends.csv`.
fn whole_run_with_depends(c: &mut Criterion) {
    let sc = default_scenario();
    let mut group = c.benchmark_group("run-with-depends/prime-video");
    group.sample_size(10);
    for threads in [1, 2] {
        group.bench_function(format!("threads={threads}"), |b| {
            let pool = experiment::thread_pool(Some(threads)).expect("a pool");
            let options = RunOptions {
                threads: Some(threads),
                ..Default::default()
            };
            b.iter(|| {
                pool.install(|| {
                    let exp = experiment::runner::run_in_current_pool(&sc, &options, &())
                        .expect("valid options");
                    let d = depends::run(&exp, &options, depends::Mode::Auto, &())
                        .expect("the tornado runs")
                        .expect("two topologies");
                    black_box(orgsim::report::depends::csv(&d.rows(), d.replications))
                })
            })
        });
    }
    group.finish();
}

/// 20 points (coupling 0 to 0.57) × 2 topologies × 30 replications of the
/// default scenario, written to a fresh folder each time as `orgsim sweep`
/// does.
fn twenty_point_sweep(c: &mut Criterion) {
    let b = bundled::default_scenario();
    let base = BaseScenario {
        source_name: b.file_name.to_string(),
        source: format!("bundled:{}", b.name),
        text: b.text.to_string(),
        overrides: Vec::new(),
    };
    let vary = Vary::parse("architecture.coupling=0:0.57:0.03").expect("valid --vary");
    let plan = sweep::plan(&base, vec![vary], &SweepSettings::default()).expect("valid sweep");
    assert_eq!(plan.grid.len(), 20);
    let mut group = c.benchmark_group("sweep/prime-video-20-points");
    group.sample_size(10);
    for threads in [1, 2] {
        group.bench_function(format!("threads={threads}"), |bench| {
            bench.iter(|| {
                let dir = tempfile::tempdir().expect("temporary folder");
                let run = SweepRun {
                    threads: Some(threads),
                    ..Default::default()
                };
                let outcome = sweep_folder::execute(&plan, dir.path(), &run).expect("sweep runs");
                let SweepOutcome::Complete(res) = outcome else {
                    panic!("a sweep without a stop is never interrupted");
                };
                black_box(
                    sweep_files::write_all(dir.path(), &res.manifest, &res.records, false)
                        .expect("sweep files written"),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    reductions,
    one_replication,
    whole_run,
    whole_run_with_depends,
    twenty_point_sweep
);
criterion_main!(benches);
