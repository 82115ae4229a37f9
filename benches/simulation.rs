//! Speed of the simulation: one replication of the default scenario per
//! topology, and a whole default run, so that changes to the engine or the
//! model can be compared as ratios measured in one session.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use orgsim::engine::RngFactory;
use orgsim::experiment::{self, RunOptions};
use orgsim::model::{Recording, simulate, topology};
use orgsim::scenario::{self, bundled};

fn default_scenario() -> orgsim::scenario::Scenario {
    let b = bundled::default_scenario();
    scenario::load_str(b.file_name, b.text, &[]).expect("bundled scenario is valid")
}

fn one_replication(c: &mut Criterion) {
    let sc = default_scenario();
    let rngs = RngFactory::new(1).replication(0);
    for spec in &sc.topologies {
        let org = topology::build(&sc, spec);
        c.bench_function(&format!("replication/prime-video/{}", spec.name), |b| {
            b.iter(|| black_box(simulate(&sc, &org, &rngs, Recording::default())))
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

criterion_group!(benches, one_replication, whole_run);
criterion_main!(benches);
