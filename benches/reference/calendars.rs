//! Alternative event calendars, measured against orgsim's own (a
//! hand-written 4-ary heap of one 128-bit key, entries moved by copy, the
//! earliest child chosen without branches) in
//! `benches/calendar.rs`, so that the structure the engine uses is chosen by
//! measurement. Each orders
//! events by (time, scheduling sequence number), exactly as
//! `orgsim::engine::Calendar` does, so any of them would give the same
//! simulation.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// The interface the hold benchmark drives.
pub trait Queue<E> {
    /// Schedules `event` at `time` (never before the last popped time).
    fn push(&mut self, time: f64, event: E);
    /// Removes the earliest event.
    fn pop(&mut self) -> Option<(f64, E)>;
}

/// The (time, sequence) pair as one 128-bit integer: for times >= 0 the
/// bits of an `f64` sort like the number.
fn key(time: f64, seq: u64) -> u128 {
    (u128::from(time.to_bits()) << 64) | u128::from(seq)
}

fn time_of(key: u128) -> f64 {
    f64::from_bits((key >> 64) as u64)
}

/// A radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990) on the 128-bit key:
/// a monotone priority queue whose buckets hold keys by the highest bit in
/// which they differ from the last key popped. Event calendars are
/// monotone (nothing is scheduled in the past), which is all it needs.
pub struct RadixHeap<E> {
    buckets: Vec<Vec<(u128, E)>>,
    last: u128,
    len: usize,
    seq: u64,
}

impl<E> RadixHeap<E> {
    /// An empty calendar.
    pub fn new() -> Self {
        Self {
            buckets: (0..=128).map(|_| Vec::new()).collect(),
            last: 0,
            len: 0,
            seq: 0,
        }
    }

    fn bucket(&self, key: u128) -> usize {
        (128 - (key ^ self.last).leading_zeros()) as usize
    }
}

impl<E> Queue<E> for RadixHeap<E> {
    fn push(&mut self, time: f64, event: E) {
        let k = key(time, self.seq);
        self.seq += 1;
        let b = self.bucket(k);
        self.buckets[b].push((k, event));
        self.len += 1;
    }

    fn pop(&mut self) -> Option<(f64, E)> {
        if self.len == 0 {
            return None;
        }
        if self.buckets[0].is_empty() {
            let i = (1..self.buckets.len())
                .find(|&i| !self.buckets[i].is_empty())
                .expect("len > 0");
            let moved = std::mem::take(&mut self.buckets[i]);
            self.last = moved.iter().map(|(k, _)| *k).min().expect("not empty");
            for (k, e) in moved {
                let b = self.bucket(k);
                self.buckets[b].push((k, e));
            }
        }
        self.len -= 1;
        // Bucket 0 holds only keys equal to `last`: one, since keys are unique.
        self.buckets[0].pop().map(|(k, e)| (time_of(k), e))
    }
}

/// The standard library's binary heap of the 128-bit keys (one integer
/// comparison per step).
pub struct IntKeyHeap<E> {
    heap: BinaryHeap<Reverse<IntEntry<E>>>,
    seq: u64,
}

struct IntEntry<E>(u128, E);
impl<E> PartialEq for IntEntry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<E> Eq for IntEntry<E> {}
impl<E> PartialOrd for IntEntry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for IntEntry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl<E> IntKeyHeap<E> {
    /// An empty calendar.
    pub fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<E> Queue<E> for IntKeyHeap<E> {
    fn push(&mut self, time: f64, event: E) {
        self.heap
            .push(Reverse(IntEntry(key(time, self.seq), event)));
        self.seq += 1;
    }
    fn pop(&mut self) -> Option<(f64, E)> {
        self.heap
            .pop()
            .map(|Reverse(IntEntry(k, e))| (time_of(k), e))
    }
}

/// The standard library's binary heap ordered by `f64::total_cmp` on the
/// time, then by sequence number: orgsim's calendar before it was replaced.
pub struct StdHeap<E> {
    heap: BinaryHeap<StdEntry<E>>,
    seq: u64,
}

struct StdEntry<E> {
    time: f64,
    seq: u64,
    event: E,
}
impl<E> PartialEq for StdEntry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<E> Eq for StdEntry<E> {}
impl<E> PartialOrd for StdEntry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for StdEntry<E> {
    // Reversed: `BinaryHeap` is a max-heap.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl<E> StdHeap<E> {
    /// An empty calendar.
    pub fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<E> Queue<E> for StdHeap<E> {
    fn push(&mut self, time: f64, event: E) {
        self.heap.push(StdEntry {
            time,
            seq: self.seq,
            event,
        });
        self.seq += 1;
    }
    fn pop(&mut self) -> Option<(f64, E)> {
        self.heap.pop().map(|e| (e.time, e.event))
    }
}
