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
#[derive(Debug, Clone)]
pub struct DurationHistogram {
    /// Durations recorded in each bucket.
    counts: Vec<u32>,
    /// Durations recorded in each block of `PER_DOUBLING` buckets, so that
    /// reading quantiles skips whole blocks below the rank it looks for.
    blocks: Vec<u64>,
    /// The longest duration recorded as itself, in units (longer ones count
    /// as this).
    longest: u64,
    count: u64,
    sum: f64,
}

impl DurationHistogram {
    /// An empty histogram for durations from 0 to `longest` days (longer
    /// ones are recorded as `longest`).
    pub fn new(longest: f64) -> Self {
        let longest = (longest.max(0.0) * UNITS_PER_DAY).ceil().max(2.0) as u64;
        let buckets = bucket(longest) + 1;
        Self {
            counts: vec![0; buckets],
            blocks: vec![0; buckets.div_ceil(PER_DOUBLING as usize)],
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
        let units = ((days.max(0.0) * UNITS_PER_DAY + 0.5) as u64).min(self.longest);
        let index = bucket(units);
        let count = &mut self.counts[index];
        *count = count.saturating_add(1);
        self.blocks[index / PER_DOUBLING as usize] += 1;
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
        let last = self.counts.len() - 1;
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
        let value = |index: usize| midpoint(index) as f64 / UNITS_PER_DAY;
        ps.iter()
            .map(|&p| {
                let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
                let lo = h.floor();
                let frac = h - lo;
                cursor = advance(cursor, lo as u64);
                let a = value(cursor.0);
                if frac == 0.0 {
                    return a;
                }
                let b = value(advance(cursor, lo as u64 + 1).0);
                a + frac * (b - a)
            })
            .collect()
    }

    /// The quantile at probability `p` (see [`quantiles`](Self::quantiles)).
    pub fn quantile(&self, p: f64) -> f64 {
        self.quantiles(&[p])[0]
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
