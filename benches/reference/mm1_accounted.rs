//! The minimal M/M/1 loop of `mm1.rs` carrying only the per-item
//! bookkeeping DESIGN.md §5–§6 require of any implementation of orgsim's
//! model on this queue, and nothing general: common random numbers (each
//! customer's work drawn from its own key, so that every topology would see
//! the same customers), the lead-time distribution in fixed memory (for the
//! percentiles), the lead time split into queue and work, and the
//! time-averaged work in progress and busy servers, measured with orgsim's
//! own accumulators. No routing, no tasks, no mechanisms.
//!
//! Its speed as a share of the bare loop bounds what the full model can
//! reach against that loop: whatever else the full model does (items of
//! several tasks, teams, coordination steps, nine delay categories) can only
//! add to this work.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use orgsim::engine::{SimRng, entity_key, entity_rng};
use orgsim::stats::{DurationHistogram, TimeAverage};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};

/// An event time with a total order (times are never NaN here).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Time(f64);
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Arrival,
    Departure,
}

/// A customer in the system: when it arrived, its work, and when its
/// service started (once it has).
struct Customer {
    arrival: f64,
    work: f64,
    started: f64,
}

/// What one run produced: the metrics the full model reports on this queue.
#[derive(Debug, Clone)]
pub struct AccountedOutcome {
    /// Customers who left by the horizon.
    pub completed: u64,
    /// Their mean time in system.
    pub mean_lead_time: f64,
    /// Their mean time waiting, and in service.
    pub queue_mean: f64,
    /// See `queue_mean`.
    pub work_mean: f64,
    /// The 50th, 85th and 95th percentiles of their time in system.
    pub percentiles: Vec<f64>,
    /// Time-average customers in the system, and busy servers.
    pub wip_mean: f64,
    /// See `wip_mean`.
    pub utilization: f64,
}

/// Simulates an M/M/1 queue (arrival rate `lambda`, service rate `mu`) from
/// empty for `horizon` time units, with the bookkeeping above.
pub fn simulate(lambda: f64, mu: f64, horizon: f64, seed: u64) -> AccountedOutcome {
    let mut arrivals_rng = SimRng::seed_from_u64(seed);
    let mut attributes_rng = SimRng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    let interarrival = Exp::new(lambda).expect("positive rate");
    let service = Exp::new(mu).expect("positive rate");
    let mut calendar: BinaryHeap<Reverse<(Time, Kind)>> = BinaryHeap::new();
    let mut waiting: VecDeque<Customer> = VecDeque::new();
    let mut busy = false;
    let mut lead_times = DurationHistogram::new(horizon);
    let (mut queue_sum, mut work_sum) = (0.0, 0.0);
    let mut wip = TimeAverage::new(0.0);
    let mut busy_average = TimeAverage::new(0.0);
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
                // Common random numbers: the customer's work comes from its
                // own key, whatever happens to the others.
                let work = service.sample(&mut entity_rng(entity_key(&mut attributes_rng)));
                waiting.push_back(Customer {
                    arrival: now,
                    work,
                    started: now,
                });
                wip.set(now, waiting.len() as f64);
                if !busy {
                    busy = true;
                    busy_average.set(now, 1.0);
                    calendar.push(Reverse((Time(now + work), Kind::Departure)));
                }
                let next = now + interarrival.sample(&mut arrivals_rng);
                calendar.push(Reverse((Time(next), Kind::Arrival)));
            }
            Kind::Departure => {
                let done = waiting.pop_front().expect("a departure has a customer");
                lead_times.record(now - done.arrival);
                queue_sum += done.started - done.arrival;
                work_sum += now - done.started;
                wip.set(now, waiting.len() as f64);
                match waiting.front_mut() {
                    Some(next) => {
                        next.started = now;
                        calendar.push(Reverse((Time(now + next.work), Kind::Departure)));
                    }
                    None => {
                        busy = false;
                        busy_average.set(now, 0.0);
                    }
                }
            }
        }
    }
    let completed = lead_times.count();
    let n = completed as f64;
    AccountedOutcome {
        completed,
        mean_lead_time: lead_times.sum() / n,
        queue_mean: queue_sum / n,
        work_mean: work_sum / n,
        percentiles: lead_times.quantiles(&[0.50, 0.85, 0.95]),
        wip_mean: wip.finish(horizon),
        utilization: busy_average.finish(horizon),
    }
}
