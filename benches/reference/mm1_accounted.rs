//! The minimal M/M/1 loop of `mm1.rs` carrying only the per-item
//! bookkeeping docs/model.md (*Randomness*, *Metrics*) requires of any implementation of orgsim's
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
//! add to this work. [`simulate_on_engine`] runs the same loop on orgsim's
//! engine (its calendar and distributions), to tell the engine's cost from
//! the model's.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use orgsim::engine::{Calendar, Dist, Handler, SimRng, entity_key, entity_rng};
use orgsim::stats::{DurationHistogram, TimeAverage};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};

// The bare loop's events and their times (`mm1.rs`, included by the
// benchmark as `reference`).
use super::reference::{Kind, Time};

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

/// The same customers, bookkeeping and metrics, on orgsim's engine: its
/// event calendar (the next arrival in a lane beside the heap, as orgsim
/// schedules it) and its distributions. Against [`simulate`], this measures
/// what the engine costs; against orgsim on the same queue, what the model's
/// path of an item (arena, tasks, routing, coordination steps, pools,
/// critical path) costs.
pub fn simulate_on_engine(lambda: f64, mu: f64, horizon: f64, seed: u64) -> AccountedOutcome {
    let mut queue = EngineQueue {
        arrivals_rng: SimRng::seed_from_u64(seed),
        attributes_rng: SimRng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15),
        interarrival: Dist::exponential(1.0 / lambda).expect("positive rate"),
        service: Dist::exponential(1.0 / mu).expect("positive rate"),
        waiting: VecDeque::new(),
        busy: false,
        lead_times: DurationHistogram::new(horizon),
        queue_sum: 0.0,
        work_sum: 0.0,
        wip: TimeAverage::new(0.0),
        busy_average: TimeAverage::new(0.0),
    };
    let mut calendar = Calendar::new();
    let first = queue.interarrival.sample(&mut queue.arrivals_rng);
    calendar.schedule_lane_at(0, first, Kind::Arrival);
    calendar.run_until(&mut queue, horizon);
    let completed = queue.lead_times.count();
    let n = completed as f64;
    AccountedOutcome {
        completed,
        mean_lead_time: queue.lead_times.sum() / n,
        queue_mean: queue.queue_sum / n,
        work_mean: queue.work_sum / n,
        percentiles: queue.lead_times.quantiles(&[0.50, 0.85, 0.95]),
        wip_mean: queue.wip.finish(horizon),
        utilization: queue.busy_average.finish(horizon),
    }
}

/// The state of [`simulate_on_engine`]'s queue.
struct EngineQueue {
    arrivals_rng: SimRng,
    attributes_rng: SimRng,
    interarrival: Dist,
    service: Dist,
    waiting: VecDeque<Customer>,
    busy: bool,
    lead_times: DurationHistogram,
    queue_sum: f64,
    work_sum: f64,
    wip: TimeAverage,
    busy_average: TimeAverage,
}

impl Handler<Kind> for EngineQueue {
    fn handle(&mut self, calendar: &mut Calendar<Kind>, kind: Kind) {
        let now = calendar.now();
        match kind {
            Kind::Arrival => {
                let work = self
                    .service
                    .sample(&mut entity_rng(entity_key(&mut self.attributes_rng)));
                self.waiting.push_back(Customer {
                    arrival: now,
                    work,
                    started: now,
                });
                self.wip.set(now, self.waiting.len() as f64);
                if !self.busy {
                    self.busy = true;
                    self.busy_average.set(now, 1.0);
                    calendar.schedule_in(work, Kind::Departure);
                }
                let gap = self.interarrival.sample(&mut self.arrivals_rng);
                calendar.schedule_lane_in(0, gap, Kind::Arrival);
            }
            Kind::Departure => {
                let done = self
                    .waiting
                    .pop_front()
                    .expect("a departure has a customer");
                self.lead_times.record(now - done.arrival);
                self.queue_sum += done.started - done.arrival;
                self.work_sum += now - done.started;
                self.wip.set(now, self.waiting.len() as f64);
                match self.waiting.front_mut() {
                    Some(next) => {
                        next.started = now;
                        calendar.schedule_in(next.work, Kind::Departure);
                    }
                    None => {
                        self.busy = false;
                        self.busy_average.set(now, 0.0);
                    }
                }
            }
        }
    }
}
