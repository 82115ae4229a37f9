//! Durations (lead times) of one replication in fixed memory: a
//! high-dynamic-range (HDR) histogram with three significant digits, so that
//! quantiles are known to within 0.05% whatever the number of items, and
//! memory depends only on the longest possible duration (logarithmically),
//! never on the horizon.
//!
//! The buckets are those of the HdrHistogram family (Gil Tene's layout,
//! also the `hdrhistogram` crate's at three significant digits): every unit
//! below 2,048 has its own bucket, and each doubling above is split into
//! 1,024 buckets of equal width. It is written out here rather than taken
//! from that crate because a replication reads 201 quantiles off its
//! histogram, and the crate's generic iterator made that pass 14% of a
//! default replication; over a plain array of counts it is a few
//! instructions per bucket. The results are the same to the bit.

/// Histogram units per day: durations are recorded in millionths of a day
/// (0.0864 s); below 2,048 units (0.002 days) every unit has its own bucket.
const UNITS_PER_DAY: f64 = 1e6;

/// Values below this have a bucket each (three significant digits: 2,048
/// is the power of two above 2 × 10³).
const EXACT: u64 = 2048;

/// Buckets per doubling above `EXACT`, and its base-2 logarithm: a bucket
/// spans at most 1/1024 of its values, and a recorded duration is read back
/// as its bucket's midpoint.
const PER_DOUBLING: u64 = 1024;
const PER_DOUBLING_BITS: u32 = 10;

/// The bucket holding `units`.
fn bucket(units: u64) -> usize {
    if units < EXACT {
        return units as usize;
    }
    // The shift that brings `units` into [1024, 2048): at least 1 here.
    let shift = u64::from(63 - units.leading_zeros() - PER_DOUBLING_BITS);
    (EXACT + (shift - 1) * PER_DOUBLING + ((units >> shift) - PER_DOUBLING)) as usize
}

/// The midpoint of bucket `index` (its lowest value plus half its width,
/// rounded down), in units.
fn midpoint(index: usize) -> u64 {
    let i = index as u64;
    if i < EXACT {
        return i;
    }
    let shift = (i - EXACT) / PER_DOUBLING + 1;
    let lowest = ((i - EXACT) % PER_DOUBLING + PER_DOUBLING) << shift;
    lowest + (1 << (shift - 1))
}

/// The durations recorded so far: their count, exact sum, and a histogram
/// from which any quantile is read to within 0.05% (relative).
///
/// A histogram's counts take 4 bytes per bucket, some 80 kB for a window of
/// thousands of days, which a stream of a big organization (a thousand
/// streams, a few hundred items each) would spend on a few hundred
/// durations. So the first durations are kept as their buckets' indices,
/// 4 bytes each, and spread into the counts only when they would take a
/// quarter of the counts' room ([`FEW_SHARE`]): memory in proportion to the
/// durations up to that point, then as before. Quantiles are read the same
/// way from either (the order statistics of the buckets' midpoints): the
/// same numbers to the bit.
#[derive(Debug, Clone)]
pub struct DurationHistogram {
    /// While few durations are recorded: the bucket of each, in recording
    /// order (`counts` is then empty).
    few: Vec<u32>,
    /// Durations recorded in each bucket, once there are many.
    counts: Vec<u32>,
    /// Durations recorded in each block of `PER_DOUBLING` buckets, so that
    /// reading quantiles skips whole blocks below the rank it looks for.
    blocks: Vec<u64>,
    /// Buckets from 0 to the longest duration.
    buckets: usize,
    /// The longest duration recorded as itself, in units (longer ones count
    /// as this).
    longest: u64,
    count: u64,
    sum: f64,
}

/// The share of the counts' room (in bytes) the durations kept one by one
/// may take before they are spread into the counts.
const FEW_SHARE: usize = 4;

impl DurationHistogram {
    /// An empty histogram for durations from 0 to `longest` days (longer
    /// ones are recorded as `longest`).
    pub fn new(longest: f64) -> Self {
        // At most 2^63 - 1 units (nine trillion days), which `record`'s
        // conversion through i64 relies on.
        let longest =
            ((longest.max(0.0) * UNITS_PER_DAY).ceil().max(2.0) as u64).min(i64::MAX as u64);
        let buckets = bucket(longest) + 1;
        Self {
            few: Vec::new(),
            counts: Vec::new(),
            blocks: Vec::new(),
            buckets,
            longest,
            count: 0,
            sum: 0.0,
        }
    }

    /// Records one duration of `days`.
    #[inline]
    pub fn record(&mut self, days: f64) {
        self.sum += days;
        self.count += 1;
        // Rounded to the nearest unit (`as` saturates, and NaN gives 0).
        // The comparison is `days.max(0.0)` without `max`'s NaN rule (NaN
        // gives 0 either way), and the conversion through i64 gives the same
        // units as through u64 once capped at `longest` (below 2^63, `new`): both
        // cost instructions on every item, the u64 conversion twice as many.
        let days = if days > 0.0 { days } else { 0.0 };
        let units = (((days * UNITS_PER_DAY + 0.5) as i64) as u64).min(self.longest);
        let index = bucket(units);
        // The common case, the counts already there, in line: one test
        // (`counts` is empty or holds every bucket) instead of a call.
        if let Some(count) = self.counts.get_mut(index) {
            *count = count.saturating_add(1);
            self.blocks[index / PER_DOUBLING as usize] += 1;
        } else {
            self.record_bucket(index);
        }
    }

    /// Counts one more duration in bucket `index` (count and sum aside).
    #[inline(never)]
    fn record_bucket(&mut self, index: usize) {
        if self.counts.is_empty() {
            let room = self.buckets / FEW_SHARE;
            if self.few.len() < room {
                if self.few.len() == self.few.capacity() {
                    // Eightfold at a time: a few allocations per stream in
                    // a replication, not one per doubling.
                    let more = (8 * self.few.len()).clamp(64, room) - self.few.len();
                    self.few.reserve_exact(more);
                }
                self.few.push(index as u32);
                return;
            }
            self.spread();
        }
        let count = &mut self.counts[index];
        *count = count.saturating_add(1);
        self.blocks[index / PER_DOUBLING as usize] += 1;
    }

    /// Moves the durations kept one by one into the counts.
    #[cold]
    fn spread(&mut self) {
        self.counts = vec![0; self.buckets];
        self.blocks = vec![0; self.buckets.div_ceil(PER_DOUBLING as usize)];
        for index in std::mem::take(&mut self.few) {
            let index = index as usize;
            self.counts[index] += 1;
            self.blocks[index / PER_DOUBLING as usize] += 1;
        }
    }

    /// Durations recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The exact sum of the durations recorded, in recording order.
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Adds `other`'s durations (its sum after this one's). Durations
    /// beyond this histogram's longest count as its longest.
    pub fn absorb(&mut self, other: &DurationHistogram) {
        self.sum += other.sum;
        self.count += other.count;
        let last = self.buckets - 1;
        if other.counts.is_empty() {
            for &index in &other.few {
                self.record_bucket((index as usize).min(last));
            }
            return;
        }
        if self.counts.is_empty() {
            self.spread();
        }
        if other.counts.len() <= self.counts.len() {
            // Same bounds (the usual case): bucket by bucket, block by block.
            for (count, &n) in self.counts.iter_mut().zip(&other.counts) {
                *count = count.saturating_add(n);
            }
            for (total, &n) in self.blocks.iter_mut().zip(&other.blocks) {
                *total += n;
            }
            return;
        }
        for (i, &n) in other.counts.iter().enumerate() {
            let i = i.min(last);
            let count = &mut self.counts[i];
            *count = count.saturating_add(n);
            self.blocks[i / PER_DOUBLING as usize] += u64::from(n);
        }
    }

    /// The quantiles at the probabilities `ps` (ascending, each in [0, 1]),
    /// as `stats::percentile` would give them on the sorted durations with
    /// each one replaced by its bucket's midpoint: linear interpolation
    /// between the order statistics at rank `(n - 1) p`. NaN when empty.
    pub fn quantiles(&self, ps: &[f64]) -> Vec<f64> {
        let n = self.count;
        if n == 0 {
            return vec![f64::NAN; ps.len()];
        }
        debug_assert!(ps.is_sorted(), "probabilities are ascending");
        let value = |index: usize| midpoint(index) as f64 / UNITS_PER_DAY;
        let interpolate = |p: f64, at: &mut dyn FnMut(u64) -> usize| {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor();
            let frac = h - lo;
            let a = value(at(lo as u64));
            if frac == 0.0 {
                return a;
            }
            let b = value(at(lo as u64 + 1));
            a + frac * (b - a)
        };
        if self.counts.is_empty() {
            // The order statistics are the sorted buckets themselves.
            let mut sorted = self.few.clone();
            sorted.sort_unstable();
            let mut at = |rank: u64| sorted[rank as usize] as usize;
            return ps.iter().map(|&p| interpolate(p, &mut at)).collect();
        }
        // One walk over the buckets: the cursor (a bucket and the durations
        // before it) stays at the lower order statistic of the last
        // probability, which the next one's is never below.
        let mut cursor = (0usize, 0u64);
        let block = PER_DOUBLING as usize;
        let advance = |(mut index, mut below): (usize, u64), rank: u64| {
            loop {
                // A whole block at a time from a block's start (the cursor
                // may be inside one), else bucket by bucket.
                if index % block == 0
                    && let Some(&in_block) = self.blocks.get(index / block)
                    && rank >= below + in_block
                {
                    below += in_block;
                    index += block;
                    continue;
                }
                let in_bucket = u64::from(self.counts[index]);
                if rank < below + in_bucket {
                    return (index, below);
                }
                below += in_bucket;
                index += 1;
            }
        };
        ps.iter()
            .map(|&p| {
                // The lower order statistic moves the cursor; the upper
                // one is found from it without moving it.
                let mut first = true;
                let mut at = |rank: u64| {
                    if first {
                        first = false;
                        cursor = advance(cursor, rank);
                        cursor.0
                    } else {
                        advance(cursor, rank).0
                    }
                };
                interpolate(p, &mut at)
            })
            .collect()
    }

    /// The quantile at probability `p` (see [`quantiles`](Self::quantiles)).
    pub fn quantile(&self, p: f64) -> f64 {
        self.quantiles(&[p])[0]
    }

    /// Bytes held for the durations' buckets (what a replication keeps per
    /// stream).
    pub fn heap_bytes(&self) -> usize {
        self.few.capacity() * 4 + self.counts.capacity() * 4 + self.blocks.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::percentile;

    /// Records `values` and checks all 201 steps of their distribution
    /// against the sorted sample's percentiles, to within half a bucket.
    fn assert_quantiles_match(values: &[f64], longest: f64) -> DurationHistogram {
        let mut h = DurationHistogram::new(longest);
        for &v in values {
            h.record(v);
        }
        let ps: Vec<f64> = (0..=200).map(|i| f64::from(i) / 200.0).collect();
        for (p, q) in ps.iter().zip(h.quantiles(&ps)) {
            let exact = percentile(values, *p);
            assert!(
                (q - exact).abs() <= exact * 0.0005 + 1e-6,
                "p {p}: {q} vs {exact}"
            );
        }
        h
    }

    #[test]
    fn quantiles_match_the_sorted_sample_to_within_half_a_bucket() {
        // A spread of durations over six decades.
        let values: Vec<f64> = (0..5_000).map(|i| 0.001 * 1.003f64.powi(i)).collect();
        let h = assert_quantiles_match(&values, 1e4);
        assert_eq!(h.count(), 5_000);
        assert!((h.sum() - values.iter().sum::<f64>()).abs() < 1e-9);
    }

    /// With fewer durations than steps, neighbouring probabilities share an
    /// order statistic: each quantile must still interpolate between its
    /// own two (a cursor that only moves forward once answered the lower
    /// one with the bucket of the upper).
    #[test]
    fn fewer_durations_than_steps() {
        let values: Vec<f64> = (0..7).map(|i| 1.0 + 10.0 * f64::from(i * i)).collect();
        assert_quantiles_match(&values, 1e3);
    }

    /// Kept one by one or spread into the counts, the same durations give
    /// the same quantiles to the bit, merged or not, and while few they
    /// take memory in proportion to their number.
    #[test]
    fn few_durations_read_the_same_as_the_counts_and_take_little_room() {
        let values: Vec<f64> = (0..300)
            .map(|i| 0.5 + 37.0 * ((i * 7919) % 300) as f64 / 300.0)
            .collect();
        let (mut few, mut spread) = (
            DurationHistogram::new(5_000.0),
            DurationHistogram::new(5_000.0),
        );
        spread.spread();
        for &v in &values {
            few.record(v);
            spread.record(v);
        }
        assert!(few.counts.is_empty() && !spread.counts.is_empty());
        let ps: Vec<f64> = (0..=200).map(|i| f64::from(i) / 200.0).collect();
        let bits = |h: &DurationHistogram| {
            h.quantiles(&ps)
                .iter()
                .map(|q| q.to_bits())
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(&few), bits(&spread));
        // 300 durations in room for 512; the counts of 5,000 days take
        // 23,720 buckets of 4 bytes.
        assert!(few.heap_bytes() <= 4 * 512, "{} bytes", few.heap_bytes());
        assert!(
            spread.heap_bytes() >= 4 * 23_720,
            "{} bytes",
            spread.heap_bytes()
        );
        // Merged into a total either way, and into one that spreads.
        let mut total_few = DurationHistogram::new(5_000.0);
        total_few.absorb(&few);
        let mut total_spread = DurationHistogram::new(5_000.0);
        total_spread.absorb(&spread);
        assert_eq!(bits(&total_few), bits(&total_spread));
        // Enough durations to spread on their own: still the same bits.
        let many: Vec<f64> = (0..40_000)
            .map(|i| 0.01 + f64::from(i % 977) * 0.31)
            .collect();
        let (mut a, mut b) = (
            DurationHistogram::new(5_000.0),
            DurationHistogram::new(5_000.0),
        );
        b.spread();
        for &v in &many {
            a.record(v);
            b.record(v);
        }
        assert!(!a.counts.is_empty());
        assert_eq!(bits(&a), bits(&b));
    }

    #[test]
    fn empty_gives_nan_and_merging_adds() {
        let mut a = DurationHistogram::new(100.0);
        assert!(a.quantile(0.5).is_nan());
        let mut b = DurationHistogram::new(100.0);
        a.record(1.0);
        b.record(3.0);
        b.record(500.0); // longer than the bound: counted as the longest
        a.absorb(&b);
        assert_eq!(a.count(), 3);
        assert_eq!(a.sum(), 504.0);
        assert!((a.quantile(0.5) - 3.0).abs() < 3.0 * 0.0005);
        assert!((a.quantile(1.0) - 100.0).abs() < 100.0 * 0.0005);
    }
}
