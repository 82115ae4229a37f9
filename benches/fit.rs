//! Speed of the non-simulated part of `orgsim fit` (issue 21, point 6): a
//! log of 10^6 task executions (250,000 items of four tasks in five
//! streams, five teams of 20 people per skill), generated here, read and
//! fitted (streams, arrivals, graphs, efforts, teams, headcounts).

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use orgsim::fit::{self, ReadOptions};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;

const ITEMS: usize = 250_000;

/// The log, in the default columns, times in working days.
fn log() -> String {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let arrival = Exp::new(100.0).unwrap();
    let wait = Exp::new(10.0).unwrap();
    let work = Exp::new(20.0).unwrap();
    let streams = ["a", "b", "c", "d", "e"];
    let tasks = [("spec", 0), ("build", 1), ("test", 2), ("ship", 3)];
    let mut free = vec![0.0f64; streams.len() * 4 * 20];
    let mut s = String::from(
        "case:concept:name,case:stream,case:type,case:created,concept:name,org:group,org:role,org:resource,start_timestamp,time:timestamp\n",
    );
    let mut t = 0.0f64;
    for i in 0..ITEMS {
        t += arrival.sample(&mut rng);
        let k = i % streams.len();
        let mut ready = t;
        for (task, skill) in tasks {
            let p = (i / streams.len()) % 20;
            let slot = (k * 4 + skill) * 20 + p;
            let start = ready.max(free[slot]) + wait.sample(&mut rng);
            let end = start + work.sample(&mut rng);
            free[slot] = end;
            let _ = writeln!(
                s,
                "{st}-{i},{st},feature,{t:.6},{task},{st},s{skill},{st}/{skill}/{p},{start:.6},{end:.6}",
                st = streams[k]
            );
            ready = end;
        }
    }
    s
}

fn read_and_fit(c: &mut Criterion) {
    let text = log();
    let mut group = c.benchmark_group("fit");
    group.sample_size(10);
    group.throughput(Throughput::Elements(4 * ITEMS as u64));
    group.bench_function("read_and_fit_1e6_rows", |b| {
        b.iter(|| {
            let log = fit::read("bench.csv", text.as_bytes(), &ReadOptions::default()).unwrap();
            black_box(fit::fit_structure(&log))
        })
    });
    group.finish();
}

criterion_group!(benches, read_and_fit);
criterion_main!(benches);
