//! The event calendar: a priority queue of future events ordered by time,
//! with ties broken first-in, first-out by a scheduling sequence number.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One scheduled event: when it happens, the order it was scheduled in, and
/// what it is.
#[derive(Debug)]
struct Entry<E> {
    time: f64,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    // Reversed so that `BinaryHeap` (a max-heap) pops the earliest event,
    // and among equal times the one scheduled first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// The simulation clock and its calendar of future events.
#[derive(Debug)]
pub struct Calendar<E> {
    now: f64,
    seq: u64,
    heap: BinaryHeap<Entry<E>>,
}

impl<E> Default for Calendar<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Calendar<E> {
    /// An empty calendar with the clock at time 0.
    pub fn new() -> Self {
        Self {
            now: 0.0,
            seq: 0,
            heap: BinaryHeap::new(),
        }
    }

    /// The current simulation time.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Schedules `event` at absolute time `time` (never before now: an
    /// earlier time is treated as now, so the clock never runs backwards).
    pub fn schedule_at(&mut self, time: f64, event: E) {
        let time = if time < self.now { self.now } else { time };
        self.heap.push(Entry {
            time,
            seq: self.seq,
            event,
        });
        self.seq += 1;
    }

    /// Schedules `event` after a delay of `delay` from now.
    pub fn schedule_in(&mut self, delay: f64, event: E) {
        self.schedule_at(self.now + delay, event);
    }

    /// Number of events waiting in the calendar.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is waiting.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Removes the next event if it happens no later than `until`, and moves
    /// the clock to its time.
    pub fn pop_until(&mut self, until: f64) -> Option<E> {
        if self.heap.peek()?.time > until {
            return None;
        }
        let entry = self.heap.pop()?;
        self.now = entry.time;
        Some(entry.event)
    }

    /// Processes events in time order until the next one would fall after
    /// `until`, then leaves the clock at `until`.
    pub fn run_until<H: Handler<E>>(&mut self, handler: &mut H, until: f64) {
        while let Some(event) = self.pop_until(until) {
            handler.handle(self, event);
            if handler.should_stop() {
                return;
            }
        }
        if until > self.now {
            self.now = until;
        }
    }
}

/// Something that reacts to events, scheduling further ones.
pub trait Handler<E> {
    /// Reacts to `event`, which happens at `calendar.now()`.
    fn handle(&mut self, calendar: &mut Calendar<E>, event: E);

    /// Whether the run must stop early (checked after every event).
    fn should_stop(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Log(Vec<(f64, u32)>);
    impl Handler<u32> for Log {
        fn handle(&mut self, cal: &mut Calendar<u32>, e: u32) {
            self.0.push((cal.now(), e));
            if e == 1 {
                cal.schedule_in(0.0, 10);
            }
        }
    }

    #[test]
    fn orders_by_time_then_fifo() {
        let mut cal = Calendar::new();
        cal.schedule_at(2.0, 3);
        cal.schedule_at(1.0, 1);
        cal.schedule_at(1.0, 2);
        cal.schedule_at(5.0, 4);
        let mut log = Log(vec![]);
        cal.run_until(&mut log, 3.0);
        assert_eq!(log.0, vec![(1.0, 1), (1.0, 2), (1.0, 10), (2.0, 3)]);
        assert_eq!(cal.now(), 3.0);
        assert_eq!(cal.len(), 1);
    }
}
