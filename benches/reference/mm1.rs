//! The practical ceiling: a minimal hand-written M/M/1 simulation in Rust
//! (a binary heap of events, exponential draws from the same generator
//! orgsim uses, a FIFO of arrival times, nothing else). orgsim's full model
//! on the same queue is measured against it in the same benchmark run.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;

/// An event time with a total order (times are never NaN here).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Time(pub f64);
impl Eq for Time {}
impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Time {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// What happens to the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A customer arrives.
    Arrival,
    /// A customer leaves.
    Departure,
}

/// What one run of the reference produced.
#[derive(Debug, Clone, Copy)]
pub struct Mm1Outcome {
    /// Customers who left by the horizon.
    pub completed: u64,
    /// Their mean time in system.
    pub mean_lead_time: f64,
}

/// Simulates an M/M/1 queue (arrival rate `lambda`, service rate `mu`) from
/// empty for `horizon` time units.
pub fn simulate(lambda: f64, mu: f64, horizon: f64, seed: u64) -> Mm1Outcome {
    let mut arrivals_rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut service_rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    let interarrival = Exp::new(lambda).expect("positive rate");
    let service = Exp::new(mu).expect("positive rate");
    let mut calendar: BinaryHeap<Reverse<(Time, Kind)>> = BinaryHeap::new();
    let mut waiting: VecDeque<f64> = VecDeque::new();
    let mut busy = false;
    let (mut completed, mut lead_sum) = (0u64, 0.0);
    calendar.push(Reverse((
        Time(interarrival.sample(&mut arrivals_rng)),
        Kind::Arrival,
    )));
    while let Some(Reverse((Time(now), kind))) = calendar.pop() {
        if now > horizon {
            break;
        }
        match kind {
            Kind::Arrival => {
                waiting.push_back(now);
                if !busy {
                    busy = true;
                    let next = now + service.sample(&mut service_rng);
                    calendar.push(Reverse((Time(next), Kind::Departure)));
                }
                let next = now + interarrival.sample(&mut arrivals_rng);
                calendar.push(Reverse((Time(next), Kind::Arrival)));
            }
            Kind::Departure => {
                let arrived = waiting.pop_front().expect("a departure has a customer");
                completed += 1;
                lead_sum += now - arrived;
                if waiting.is_empty() {
                    busy = false;
                } else {
                    let next = now + service.sample(&mut service_rng);
                    calendar.push(Reverse((Time(next), Kind::Departure)));
                }
            }
        }
    }
    Mm1Outcome {
        completed,
        mean_lead_time: lead_sum / completed as f64,
    }
}
