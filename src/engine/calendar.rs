//! The event calendar: a priority queue of future events ordered by time,
//! with ties broken first-in, first-out by a scheduling sequence number.

/// One scheduled event and its place in the order of events: the bit
/// pattern of its time (never negative, so its bits order exactly as the
/// time does) in the high half of the key, the order it was scheduled in
/// in the low half.
#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    /// Whether the entry comes before `other`: earlier, or at the same time
    /// and scheduled first.
    #[inline(always)]
    fn before(&self, other: &Self) -> bool {
        self.key < other.key
    }

    /// When it happens.
    fn time(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }
}

/// A place in the order of events (see [`Calendar::reserve`]): earlier
/// places come out first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key(u128);

impl Key {
    /// The time of the event at this place.
    pub fn time(self) -> f64 {
        f64::from_bits((self.0 >> 64) as u64)
    }
}

/// Lanes up to which the earliest is found by scanning them: cheaper than
/// the tournament for the few streams of most scenarios (with 3 streams
/// the tournament alone took 10% more instructions in the calendar), and
/// the tournament's cost grows only with the logarithm of the lanes above.
const SCAN_LANES: usize = 8;

/// A node of the lanes' tournament that no event reaches: no key is
/// larger (a time's bits are below those of NaN).
const EMPTY: (u128, u32) = (u128::MAX, u32::MAX);

/// The earlier of two nodes of the lanes' tournament.
#[inline(always)]
fn earlier(a: (u128, u32), b: (u128, u32)) -> (u128, u32) {
    if b.0 < a.0 { b } else { a }
}

/// Children per node of the calendar's heap.
const ARITY: usize = 4;

/// The simulation clock and its calendar of future events.
///
/// The calendar is a 4-ary heap written for the simulation's access
/// pattern (pop the earliest, push a few): integer comparisons of the time's
/// bits and the sequence number, entries moved by copy, and the earliest
/// child found without branches, so that a pop costs about half as many
/// dependent steps as in a binary heap and no mispredicted branch per level.
/// It was chosen by measurement (`benches/calendar.rs`, docs/performance.md).
#[derive(Debug)]
pub struct Calendar<E> {
    now: f64,
    seq: u64,
    heap: Vec<Entry<E>>,
    /// Events waiting beside the heap, at most one per lane (see
    /// [`schedule_lane_at`](Calendar::schedule_lane_at)).
    lanes: Vec<Option<Entry<E>>>,
    /// The key and the lane of the earliest event in the lanes ([`EMPTY`]
    /// if they hold none), so that a pop compares it with the heap's first
    /// without reaching into the lanes. At most [`SCAN_LANES`] lanes, it is
    /// found by scanning them; above, it is the tournament's root.
    first: (u128, u32),
    /// Above [`SCAN_LANES`] lanes, a tournament over them, so that finding
    /// the earliest lane costs the logarithm of their number, not their
    /// number (a thousand streams are a thousand lanes; empty until then):
    /// `tree[1]` is the earliest of all,
    /// `tree[i]` the earliest of `tree[2i]` and `tree[2i + 1]`, and the
    /// lanes are the leaves from `tree[lanes.len()]` on (`lanes` has a
    /// power-of-two length). Each node holds the key and the lane of its
    /// earliest event ([`EMPTY`] where no lane below holds one).
    tree: Vec<(u128, u32)>,
    /// Events in the lanes.
    in_lanes: usize,
}

impl<E: Copy> Default for Calendar<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Calendar<E> {
    /// An empty calendar with the clock at time 0.
    pub fn new() -> Self {
        Self {
            now: 0.0,
            seq: 0,
            heap: Vec::new(),
            lanes: Vec::new(),
            first: EMPTY,
            tree: Vec::new(),
            in_lanes: 0,
        }
    }

    /// The current simulation time.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Schedules `event` at absolute time `time` (never before now: an
    /// earlier time, or NaN, is treated as now, so the clock never runs
    /// backwards).
    #[inline]
    pub fn schedule_at(&mut self, time: f64, event: E) {
        let entry = self.entry(time, event);
        self.sift_up(entry);
    }

    /// Schedules `event` after a delay of `delay` from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: f64, event: E) {
        self.schedule_at(self.now + delay, event);
    }

    /// Schedules `event` at `time` in lane `lane`, for events that recur one
    /// at a time (a stream's next arrival): such an event waits beside the
    /// heap, which saves a push and a pop each, and still comes out exactly
    /// where it would have from the heap. A lane holds one event; if it
    /// already holds one, that event moves to the heap (nothing is lost).
    #[inline]
    pub fn schedule_lane_at(&mut self, lane: usize, time: f64, event: E) {
        let entry = self.entry(time, event);
        // The usual case in line: few lanes, this one free.
        if self.tree.is_empty()
            && let Some(free @ None) = self.lanes.get_mut(lane)
        {
            *free = Some(entry);
            self.in_lanes += 1;
            if entry.key < self.first.0 {
                self.first = (entry.key, lane as u32);
            }
            return;
        }
        self.schedule_lane_slow(lane, entry);
    }

    /// [`schedule_lane_at`](Calendar::schedule_lane_at) when the lane is
    /// new or taken, or the lanes are many.
    #[inline(never)]
    fn schedule_lane_slow(&mut self, lane: usize, entry: Entry<E>) {
        if self.lanes.len() <= lane {
            self.grow_lanes(lane + 1);
        }
        let earlier = self.lanes[lane].replace(entry);
        if let Some(earlier) = earlier {
            self.sift_up(earlier);
        } else {
            self.in_lanes += 1;
        }
        if !self.tree.is_empty() {
            self.update_lane(lane);
        } else if earlier.is_some() {
            self.first = self.earliest_lane();
        } else if entry.key < self.first.0 {
            self.first = (entry.key, lane as u32);
        }
    }

    /// Schedules `event` in lane `lane` after a delay of `delay` from now
    /// (see [`schedule_lane_at`](Calendar::schedule_lane_at)).
    #[inline]
    pub fn schedule_lane_in(&mut self, lane: usize, delay: f64, event: E) {
        self.schedule_lane_at(lane, self.now + delay, event);
    }

    /// Number of events waiting in the calendar.
    pub fn len(&self) -> usize {
        self.heap.len() + self.in_lanes
    }

    /// Whether no event is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps only the waiting events for which `keep(time, &event)` holds
    /// (each asked once, in no particular order); the others are dropped.
    /// The kept events come out in the same order as before.
    pub fn retain(&mut self, mut keep: impl FnMut(f64, &E) -> bool) {
        let entries = std::mem::take(&mut self.heap);
        for entry in entries {
            if keep(entry.time(), &entry.event) {
                self.sift_up(entry);
            }
        }
        for l in 0..self.lanes.len() {
            if let Some(entry) = self.lanes[l]
                && !keep(entry.time(), &entry.event)
            {
                self.lanes[l] = None;
                self.in_lanes -= 1;
                if !self.tree.is_empty() {
                    self.update_lane(l);
                }
            }
        }
        if self.tree.is_empty() {
            self.first = self.earliest_lane();
        }
    }

    /// Removes the next event if it happens no later than `until`, and moves
    /// the clock to its time.
    #[inline]
    pub fn pop_until(&mut self, until: f64) -> Option<E> {
        let (key, l) = self.first;
        // No key is larger than EMPTY's: with no event in the lanes, this
        // is false whatever the heap holds.
        if key < self.heap.first().map_or(EMPTY.0, |h| h.key) {
            let time = f64::from_bits((key >> 64) as u64);
            if time > until {
                return None;
            }
            let l = l as usize;
            let entry = self.lanes[l].take().expect("the first lane holds an event");
            self.in_lanes -= 1;
            if self.tree.is_empty() {
                self.first = self.earliest_lane();
            } else {
                self.update_lane(l);
            }
            self.now = time;
            return Some(entry.event);
        }
        let first = self.heap.first()?;
        let time = first.time();
        if time > until {
            return None;
        }
        let event = first.event;
        let last = self.heap.pop().expect("the heap has a first entry");
        if !self.heap.is_empty() {
            self.sift_down(last);
        }
        self.now = time;
        Some(event)
    }

    /// The entry of `event` at `time` (never before now), next in the
    /// scheduling order.
    #[inline]
    fn entry(&mut self, time: f64, event: E) -> Entry<E> {
        Entry {
            key: self.reserve(time).0,
            event,
        }
    }

    /// The key and the lane of the earliest event in the lanes ([`EMPTY`]
    /// if none), by a scan: while there are at most [`SCAN_LANES`] lanes.
    #[inline]
    fn earliest_lane(&self) -> (u128, u32) {
        let mut first = EMPTY;
        for (lane, entry) in self.lanes.iter().enumerate() {
            if let Some(e) = entry
                && e.key < first.0
            {
                first = (e.key, lane as u32);
            }
        }
        first
    }

    /// Makes room for `lanes` lanes; above [`SCAN_LANES`], a power of two
    /// of them at least, with the tournament over them rebuilt.
    #[cold]
    fn grow_lanes(&mut self, lanes: usize) {
        if lanes <= SCAN_LANES {
            self.lanes.resize(lanes, None);
            return;
        }
        let n = lanes.next_power_of_two();
        self.lanes.resize(n, None);
        self.tree = vec![EMPTY; 2 * n];
        for l in 0..n {
            self.tree[n + l] = self.lanes[l].map_or(EMPTY, |e| (e.key, l as u32));
        }
        for i in (1..n).rev() {
            self.tree[i] = earlier(self.tree[2 * i], self.tree[2 * i + 1]);
        }
        self.first = self.tree[1];
    }

    /// Replays the tournament from `lane`'s leaf to the root after its
    /// event changed.
    #[inline]
    fn update_lane(&mut self, lane: usize) {
        let n = self.lanes.len();
        let mut i = n + lane;
        self.tree[i] = self.lanes[lane].map_or(EMPTY, |e| (e.key, lane as u32));
        while i > 1 {
            let sibling = self.tree[i ^ 1];
            let node = earlier(self.tree[i], sibling);
            i /= 2;
            self.tree[i] = node;
        }
        self.first = self.tree[1];
    }

    /// Adds `entry`: it moves up from the new last place past every later
    /// parent.
    #[inline]
    fn sift_up(&mut self, entry: Entry<E>) {
        let mut i = self.heap.len();
        self.heap.push(entry);
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if !entry.before(&self.heap[parent]) {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = entry;
    }

    /// Puts `entry` in place of the removed root: it moves down past every
    /// earlier child.
    #[inline]
    fn sift_down(&mut self, entry: Entry<E>) {
        let heap = &mut self.heap[..];
        let n = heap.len();
        let mut i = 0;
        loop {
            let first = ARITY * i + 1;
            if first >= n {
                break;
            }
            // The earliest child, chosen without a branch where all four
            // exist: which one it is is a coin toss that a branch predictor
            // would often get wrong.
            let child = if first + 3 < n {
                let a = first + usize::from(heap[first + 1].before(&heap[first]));
                let b = first + 2 + usize::from(heap[first + 3].before(&heap[first + 2]));
                if heap[b].before(&heap[a]) { b } else { a }
            } else {
                (first + 1..n).fold(first, |c, j| if heap[j].before(&heap[c]) { j } else { c })
            };
            if !heap[child].before(&entry) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = entry;
    }

    /// Takes the place in the order of events that
    /// [`schedule_at`](Calendar::schedule_at)`(time, ..)` would give an event
    /// now, without scheduling one: for a mechanism that keeps such events
    /// in a first-in, first-out queue of its own (their places increasing)
    /// and puts only the first of them in the calendar, with
    /// [`schedule_reserved`](Calendar::schedule_reserved).
    #[inline]
    pub fn reserve(&mut self, time: f64) -> Key {
        // `+ 0.0` turns a negative zero into zero, whose bits order first.
        let time = if time >= self.now {
            time + 0.0
        } else {
            self.now
        };
        let key = (u128::from(time.to_bits()) << 64) | u128::from(self.seq);
        self.seq += 1;
        Key(key)
    }

    /// Schedules `event` at the place `key` taken by
    /// [`reserve`](Calendar::reserve): it comes out exactly where it would
    /// have had it been scheduled then.
    #[inline]
    pub fn schedule_reserved(&mut self, key: Key, event: E) {
        self.sift_up(Entry { key: key.0, event });
    }

    /// The place of the next event to come out, if any.
    #[inline]
    pub fn next_key(&self) -> Option<Key> {
        let first = self
            .heap
            .first()
            .map_or(EMPTY.0, |h| h.key)
            .min(self.first.0);
        (first != EMPTY.0).then_some(Key(first))
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

    /// Whether the run must stop early (checked after every event; `&mut`
    /// so that a handler can keep when to look at costlier conditions).
    fn should_stop(&mut self) -> bool {
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

    /// Dropping events (in the heap and in lanes, few lanes and many)
    /// leaves the others in their order.
    #[test]
    fn retain_drops_the_others_and_keeps_the_order() {
        for lanes in [3, 40] {
            let mut cal: Calendar<u32> = Calendar::new();
            let mut expected = Vec::new();
            for i in 0..200u32 {
                let t = f64::from((i * 37) % 23);
                if i % 3 == 0 {
                    cal.schedule_lane_at(i as usize % lanes, t, i);
                } else {
                    cal.schedule_at(t, i);
                }
            }
            // What comes out without the drop, less the dropped events.
            let mut all = Calendar::new();
            all.heap = cal.heap.clone();
            all.lanes = cal.lanes.clone();
            all.in_lanes = cal.in_lanes;
            all.first = cal.first;
            all.tree = cal.tree.clone();
            while let Some(e) = all.pop_until(f64::INFINITY) {
                if e % 5 != 0 {
                    expected.push(e);
                }
            }
            cal.retain(|_, e| e % 5 != 0);
            assert_eq!(cal.len(), expected.len());
            let got: Vec<u32> = std::iter::from_fn(|| cal.pop_until(f64::INFINITY)).collect();
            assert_eq!(got, expected, "{lanes} lanes");
        }
    }

    /// Whatever the pattern of pushes (into the heap or into lanes, free
    /// or already holding an event) and pops, events come out in the order
    /// of a stable sort by time: the calendar must agree with it exactly.
    #[test]
    fn agrees_with_a_stable_sort() {
        agrees_with_a_stable_sort_over(4);
    }

    /// The same with hundreds of lanes (a big organization's streams), the
    /// lanes' tournament growing as higher lanes appear.
    #[test]
    fn agrees_with_a_stable_sort_over_many_lanes() {
        agrees_with_a_stable_sort_over(300);
    }

    /// Lanes 1 to `lanes - 1` beside the heap (lane 0 stands for the heap).
    fn agrees_with_a_stable_sort_over(lanes: usize) {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let mut cal: Calendar<u32> = Calendar::new();
        // (time, id) of the events waiting, in scheduling order.
        let mut waiting: Vec<(f64, u32)> = Vec::new();
        for id in 0..20_000u32 {
            if rng.random::<f64>() < 0.55 || waiting.is_empty() {
                // Coarse delays so that many events share a time; zero
                // (both signs) schedules at now.
                let delay = match rng.random_range(0..10) {
                    0 => 0.0,
                    1 => -0.0,
                    _ => f64::from(rng.random_range(0..8u32)) * 0.5,
                };
                let time = cal.now() + delay;
                match rng.random_range(0..lanes) {
                    0 => cal.schedule_at(time, id),
                    lane => cal.schedule_lane_at(lane, time, id),
                }
                waiting.push((time, id));
            } else {
                let next = waiting
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.0.total_cmp(&b.1.0))
                    .map(|(i, _)| i)
                    .expect("not empty");
                let (time, id) = waiting.remove(next);
                assert_eq!(cal.pop_until(f64::INFINITY), Some(id));
                assert_eq!(cal.now(), time);
            }
            assert_eq!(cal.len(), waiting.len());
        }
    }

    /// Every operation, in random sequences, against a reference that
    /// keeps the waiting events sorted by (time, scheduling order) in a
    /// `BTreeMap`: pushes into the heap, into lanes (free or taken) and at
    /// reserved places, drops (`retain`), pops up to a time that often
    /// stops them, and looks at the next place. Each pop must return the
    /// reference's first event and move the clock to its time.
    #[test]
    fn random_operations_agree_with_a_sorted_reference() {
        use rand::{RngExt, SeedableRng};
        use std::collections::BTreeMap;
        for (seed, lanes) in [(1u64, 0usize), (2, 4), (3, 40)] {
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
            let mut cal: Calendar<u32> = Calendar::new();
            // (time's bits, scheduling order) -> event.
            let mut reference: BTreeMap<(u64, u64), u32> = BTreeMap::new();
            let mut seq = 0u64;
            let mut reserved: Vec<(Key, u64)> = Vec::new();
            let mut pops = 0;
            for id in 0..60_000u32 {
                let now = cal.now();
                // Coarse times, so that many events share one; some before
                // now (clamped to now), some at a negative zero.
                let time = match rng.random_range(0..12) {
                    0 => now - 1.0,
                    1 => -0.0,
                    2 => now,
                    _ => now + f64::from(rng.random_range(0..16u32)) * 0.25,
                };
                let placed = if time >= now { time + 0.0 } else { now };
                match rng.random_range(0..100) {
                    0..30 => {
                        cal.schedule_at(time, id);
                        reference.insert((placed.to_bits(), seq), id);
                        seq += 1;
                    }
                    30..40 if lanes > 0 => {
                        cal.schedule_lane_at(rng.random_range(0..lanes), time, id);
                        reference.insert((placed.to_bits(), seq), id);
                        seq += 1;
                    }
                    40..46 => {
                        reserved.push((cal.reserve(time), seq));
                        seq += 1;
                    }
                    46..52 if !reserved.is_empty() => {
                        let (key, at) = reserved.swap_remove(rng.random_range(0..reserved.len()));
                        // As the intake does: a place is used before the
                        // clock passes it.
                        if key.time() >= now {
                            cal.schedule_reserved(key, id);
                            reference.insert((key.time().to_bits(), at), id);
                        }
                    }
                    52..53 => {
                        let r = rng.random_range(0..7u32);
                        cal.retain(|_, e| e % 7 != r);
                        reference.retain(|_, e| *e % 7 != r);
                    }
                    53..58 => {
                        let expected = reference.first_key_value().map(|(&(t, s), _)| (t, s));
                        let got = cal.next_key().map(|k| (k.time().to_bits(), k.0 as u64));
                        assert_eq!(got, expected, "next place, seed {seed}");
                    }
                    _ => {
                        let until = now + f64::from(rng.random_range(0..4u32)) * 0.25;
                        let expected = reference
                            .first_key_value()
                            .filter(|&(&(t, _), _)| f64::from_bits(t) <= until)
                            .map(|(&k, &e)| (k, e));
                        match expected {
                            Some((k, e)) => {
                                reference.remove(&k);
                                assert_eq!(cal.pop_until(until), Some(e), "seed {seed}");
                                assert_eq!(cal.now().to_bits(), k.0);
                                pops += 1;
                            }
                            None => assert_eq!(cal.pop_until(until), None, "seed {seed}"),
                        }
                    }
                }
                assert_eq!(cal.len(), reference.len(), "seed {seed}");
            }
            assert!(pops > 10_000, "the sequence pops often ({pops})");
            let rest: Vec<u32> = std::iter::from_fn(|| cal.pop_until(f64::INFINITY)).collect();
            assert_eq!(
                rest,
                reference.into_values().collect::<Vec<_>>(),
                "seed {seed}"
            );
        }
    }

    /// Events scheduled at places reserved earlier come out where they
    /// would have had they been scheduled then, among events in the heap
    /// and in lanes.
    #[test]
    fn reserved_places_keep_the_order_of_reservation() {
        let mut cal = Calendar::new();
        cal.schedule_at(5.0, 1);
        let second = cal.reserve(5.0);
        cal.schedule_lane_at(0, 5.0, 3);
        let fourth = cal.reserve(5.0);
        cal.schedule_at(4.0, 0);
        assert_eq!(second.time(), 5.0);
        assert!(second < fourth);
        cal.schedule_reserved(fourth, 4);
        cal.schedule_reserved(second, 2);
        assert_eq!(cal.next_key().map(Key::time), Some(4.0));
        let got: Vec<u32> = std::iter::from_fn(|| cal.pop_until(f64::INFINITY)).collect();
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
        assert_eq!(cal.next_key(), None);
    }

    #[test]
    fn a_lane_event_waits_for_until() {
        let mut cal = Calendar::new();
        cal.schedule_lane_at(2, 5.0, 1);
        cal.schedule_at(7.0, 2);
        assert_eq!(cal.pop_until(4.0), None);
        assert_eq!(cal.len(), 2);
        assert_eq!(cal.pop_until(6.0), Some(1));
        assert_eq!(cal.pop_until(6.0), None);
        assert_eq!(cal.pop_until(7.0), Some(2));
        assert!(cal.is_empty());
    }

    #[test]
    fn never_schedules_before_now() {
        let mut cal = Calendar::new();
        cal.schedule_at(3.0, 1);
        assert_eq!(cal.pop_until(10.0), Some(1));
        cal.schedule_at(1.0, 2);
        cal.schedule_at(3.0, 3);
        assert_eq!(cal.pop_until(10.0), Some(2));
        assert_eq!(cal.now(), 3.0);
        assert_eq!(cal.pop_until(2.0), None);
        assert_eq!(cal.pop_until(3.0), Some(3));
    }
}
