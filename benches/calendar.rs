//! Speed of the event calendar alone, in the classic "hold" model: the
//! calendar holds `n` events; each step pops the earliest and schedules one
//! at its time plus an exponential increment (mean 1), so the size stays
//! `n`. Reported as push/pop pairs per second at sizes seen in practice (a
//! few events for a queue, hundreds for an organization, thousands to tens
//! of thousands for a congested one), for orgsim's calendar and for the
//! alternatives in `benches/reference/calendars.rs` it was chosen against.

#[path = "reference/calendars.rs"]
mod calendars;

use std::hint::black_box;

use calendars::{IntKeyHeap, Queue, RadixHeap, StdHeap};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use orgsim::engine::Calendar;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The size of the model's own events (an enum holding a task reference).
type Payload = (u32, u32, u32);

const STEPS: u64 = 100_000;
const SIZES: [usize; 4] = [4, 64, 1_024, 16_384];

/// orgsim's calendar behind the benchmark's interface.
struct Engine(Calendar<Payload>);

impl Queue<Payload> for Engine {
    fn push(&mut self, time: f64, event: Payload) {
        self.0.schedule_at(time, event);
    }
    fn pop(&mut self) -> Option<(f64, Payload)> {
        let event = self.0.pop_until(f64::INFINITY)?;
        Some((self.0.now(), event))
    }
}

fn hold_one<Q: Queue<Payload>>(c: &mut Criterion, name: &str, make: impl Fn() -> Q) {
    let mut group = c.benchmark_group(format!("calendar/hold/{name}"));
    group.throughput(Throughput::Elements(STEPS));
    for size in SIZES {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut queue = make();
        for i in 0..size as u32 {
            let t: f64 = Exp1.sample(&mut rng);
            queue.push(t, (i, i, 0));
        }
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter(|| {
                for _ in 0..STEPS {
                    let (now, event) = queue.pop().expect("the calendar is never empty");
                    let delay: f64 = Exp1.sample(&mut rng);
                    queue.push(now + delay, black_box(event));
                }
            })
        });
    }
    group.finish();
}

fn hold(c: &mut Criterion) {
    hold_one(c, "orgsim", || Engine(Calendar::new()));
    hold_one(c, "std-heap", StdHeap::new);
    hold_one(c, "std-int-key-heap", IntKeyHeap::new);
    hold_one(c, "radix-heap", RadixHeap::new);
}

criterion_group!(benches, hold);
criterion_main!(benches);
