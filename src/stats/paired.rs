//! Paired comparison of a metric between two topologies run on the same
//! replications (common random numbers): the difference per replication,
//! summarized, and the relative change against the baseline.

use serde::Serialize;

use super::summary::Summary;

/// How much `values` differ from `baseline`, replication by replication.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairedDifference {
    /// Summary of `values[i] - baseline[i]` over the pairs where both are
    /// finite; its interval is the confidence interval of the mean difference.
    pub diff: Summary,
    /// The mean difference relative to the mean baseline over the same pairs
    /// (`diff.mean / mean(baseline)`, so `-0.2` is 20% lower than the
    /// baseline). NaN when there are no pairs, when that baseline mean is 0,
    /// or when it is not significantly different from 0 (its confidence
    /// interval at the same level contains 0): dividing by a mean that
    /// might be 0 gives a number the data cannot back.
    pub relative: f64,
}

/// The paired difference of `values` against `baseline` with a 95%
/// confidence interval. Element `i` of both slices must come from the same
/// replication.
///
/// # Panics
///
/// If the slices have different lengths: that is a programming error (the
/// pairing would be meaningless), not a property of the data.
pub fn paired_difference(values: &[f64], baseline: &[f64]) -> PairedDifference {
    paired_difference_with_confidence(values, baseline, 0.95)
}

/// [`paired_difference`] with a two-sided confidence interval at `level`
/// (e.g. `0.99`).
///
/// # Panics
///
/// If the slices have different lengths.
pub fn paired_difference_with_confidence(
    values: &[f64],
    baseline: &[f64],
    level: f64,
) -> PairedDifference {
    assert_eq!(
        values.len(),
        baseline.len(),
        "paired_difference: {} values against {} baseline values",
        values.len(),
        baseline.len()
    );
    let (diffs, bases): (Vec<f64>, Vec<f64>) = values
        .iter()
        .zip(baseline)
        .map(|(&x, &y)| (x - y, y))
        // A difference is finite exactly when both sides are (barring overflow,
        // which also drops the pair so that both means use the same pairs).
        .filter(|(d, y)| d.is_finite() && y.is_finite())
        .unzip();
    let diff = Summary::with_confidence(&diffs, level);
    let base = Summary::with_confidence(&bases, level);
    let relative = if base.mean == 0.0 || base.mean.is_nan() || base.contains(0.0) {
        f64::NAN
    } else {
        diff.mean / base.mean
    };
    PairedDifference { diff, relative }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn constructed_pair() {
        // Differences -1, -2, -3, -2: mean -2, sd sqrt(2/3); baseline mean 10.
        let baseline = [10.0, 8.0, 12.0, 10.0];
        let values = [9.0, 6.0, 9.0, 8.0];
        let p = paired_difference(&values, &baseline);
        assert_eq!(p.diff.n, 4);
        assert!(close(p.diff.mean, -2.0, 1e-12));
        assert!(close(p.diff.sd, (2.0_f64 / 3.0).sqrt(), 1e-12));
        // t(3, 0.975) = 3.182446
        let half = 3.182_446 * (2.0_f64 / 3.0).sqrt() / 2.0;
        assert!(close(p.diff.half_width(), half, 1e-5));
        assert!(close(p.relative, -0.2, 1e-12));
        assert!(!p.diff.contains(0.0));
    }

    #[test]
    fn pairing_removes_shared_noise() {
        // The replications vary a lot, the difference does not: the paired
        // interval is tight although the two samples' intervals overlap.
        let baseline = [5.0, 50.0, 20.0, 80.0, 35.0];
        let values: Vec<f64> = baseline.iter().map(|b| b + 1.0).collect();
        let p = paired_difference(&values, &baseline);
        assert!(close(p.diff.mean, 1.0, 1e-12));
        assert!(close(p.diff.half_width(), 0.0, 1e-12));
        assert!(Summary::of(&values).contains(Summary::of(&baseline).mean));
    }

    #[test]
    fn drops_pairs_with_a_missing_side() {
        let baseline = [20.0, f64::NAN, 22.0, 100.0];
        let values = [21.0, 1.0, 24.0, f64::INFINITY];
        let p = paired_difference(&values, &baseline);
        assert_eq!(p.diff.n, 2);
        assert!(close(p.diff.mean, 1.5, 1e-12));
        // Baseline mean over the same pairs is 21, not (20 + 22 + 100) / 3.
        assert!(close(p.relative, 1.5 / 21.0, 1e-12));
    }

    #[test]
    fn zero_or_missing_baseline_gives_nan_relative() {
        let p = paired_difference(&[1.0, 2.0], &[-1.0, 1.0]);
        assert!(close(p.diff.mean, 1.5, 1e-12));
        assert!(p.relative.is_nan());

        // A baseline whose interval holds 0 (mean 0.0003 ± 0.0005): the
        // relative change would be a huge number of no meaning.
        let p = paired_difference(&[0.1, 0.1, 0.1], &[0.0, 0.0, 0.001]);
        assert!(p.relative.is_nan());
        // A constant, non-zero baseline (an interval of width 0) is fine.
        let p = paired_difference(&[2.0, 3.0], &[1.0, 1.0]);
        assert!(close(p.relative, 1.5, 1e-12));

        let none = paired_difference(&[], &[]);
        assert_eq!(none.diff.n, 0);
        assert!(none.diff.mean.is_nan() && none.relative.is_nan());
    }

    #[test]
    fn other_confidence_levels() {
        let p95 = paired_difference(&[1.0, 2.0, 4.0], &[0.0, 0.0, 0.0]);
        let p99 = paired_difference_with_confidence(&[1.0, 2.0, 4.0], &[0.0, 0.0, 0.0], 0.99);
        assert_eq!(p95.diff.mean, p99.diff.mean);
        assert!(p99.diff.half_width() > p95.diff.half_width());
    }

    #[test]
    #[should_panic(expected = "2 values against 3 baseline values")]
    fn different_lengths_panic() {
        paired_difference(&[1.0, 2.0], &[1.0, 2.0, 3.0]);
    }
}
