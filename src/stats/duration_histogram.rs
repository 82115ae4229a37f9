//! Durations (lead times) of one replication in fixed memory: an HDR
//! histogram with three significant digits, so that quantiles are known to
//! within 0.05% whatever the number of items, and memory depends only on
//! the longest possible duration (logarithmically), never on the horizon.

use hdrhistogram::Histogram;

/// Histogram units per day: durations are recorded in millionths of a day
/// (0.0864 s); below 2,048 units (0.002 days) every unit has its own bucket.
const UNITS_PER_DAY: f64 = 1e6;

/// Three significant digits: a bucket spans at most 1/1024 of its values,
/// and a recorded duration is read back as its bucket's midpoint.
const SIGNIFICANT_DIGITS: u8 = 3;

/// The durations recorded so far: their count, exact sum, and a histogram
/// from which any quantile is read to within 0.05% (relative).
#[derive(Debug, Clone)]
pub struct DurationHistogram {
    histogram: Histogram<u32>,
    sum: f64,
}

impl DurationHistogram {
    /// An empty histogram for durations from 0 to `longest` days (longer
    /// ones are recorded as `longest`).
    pub fn new(longest: f64) -> Self {
        let high = (longest.max(0.0) * UNITS_PER_DAY).ceil().max(2.0) as u64;
        Self {
            histogram: Histogram::new_with_bounds(1, high, SIGNIFICANT_DIGITS)
                .expect("bounds are valid: 1 <= 2 <= high"),
            sum: 0.0,
        }
    }

    /// Records one duration of `days`.
    #[inline]
    pub fn record(&mut self, days: f64) {
        self.sum += days;
        // Rounded to the nearest unit (`as` saturates, and NaN gives 0).
        self.histogram
            .saturating_record((days.max(0.0) * UNITS_PER_DAY + 0.5) as u64);
    }

    /// Durations recorded.
    pub fn count(&self) -> u64 {
        self.histogram.len()
    }

    /// The exact sum of the durations recorded, in recording order.
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Adds `other`'s durations (its sum after this one's).
    pub fn absorb(&mut self, other: &DurationHistogram) {
        self.sum += other.sum;
        self.histogram
            .add(&other.histogram)
            .expect("histograms of one replication share their bounds");
    }

    /// The quantiles at the probabilities `ps` (ascending, each in [0, 1]),
    /// as `stats::percentile` would give them on the sorted durations with
    /// each one replaced by its bucket's midpoint: linear interpolation
    /// between the order statistics at rank `(n - 1) p`. NaN when empty.
    pub fn quantiles(&self, ps: &[f64]) -> Vec<f64> {
        let n = self.count();
        if n == 0 {
            return vec![f64::NAN; ps.len()];
        }
        debug_assert!(ps.is_sorted(), "probabilities are ascending");
        // Walk the buckets once, answering each order statistic asked for.
        let mut buckets = self
            .histogram
            .iter_recorded()
            .map(|v| (v.value_iterated_to(), u64::from(v.count_at_value())));
        let mut current = buckets.next().expect("n > 0");
        let mut below = 0u64; // order statistics before the current bucket
        let mut order_statistic = |rank: u64| -> f64 {
            while rank >= below + current.1 {
                below += current.1;
                current = buckets.next().expect("rank < n");
            }
            self.histogram.median_equivalent(current.0) as f64 / UNITS_PER_DAY
        };
        ps.iter()
            .map(|&p| {
                let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
                let lo = h.floor();
                let frac = h - lo;
                let a = order_statistic(lo as u64);
                if frac == 0.0 {
                    return a;
                }
                let b = order_statistic(lo as u64 + 1);
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

    #[test]
    fn quantiles_match_the_sorted_sample_to_within_half_a_bucket() {
        // A spread of durations over six decades.
        let values: Vec<f64> = (0..5_000).map(|i| 0.001 * 1.003f64.powi(i)).collect();
        let mut h = DurationHistogram::new(1e4);
        for &v in &values {
            h.record(v);
        }
        assert_eq!(h.count(), 5_000);
        assert!((h.sum() - values.iter().sum::<f64>()).abs() < 1e-9);
        let ps: Vec<f64> = (0..=200).map(|i| f64::from(i) / 200.0).collect();
        for (p, q) in ps.iter().zip(h.quantiles(&ps)) {
            let exact = percentile(&values, *p);
            assert!(
                (q - exact).abs() <= exact * 0.0005 + 1e-6,
                "p {p}: {q} vs {exact}"
            );
        }
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
