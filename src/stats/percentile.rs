//! Percentiles of a sorted sample.

use std::cmp::Ordering;

/// The `p`-quantile (`p` in `[0, 1]`, so `0.85` is the 85th percentile) of a
/// sample sorted in ascending order, interpolating linearly between order
/// statistics: with `h = (n - 1)·p`, the result is
/// `x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋ + 1] - x[⌊h⌋])`. This is Hyndman and Fan's
/// type 7, the default of numpy, R and spreadsheets.
///
/// `p = 0` gives the minimum and `p = 1` the maximum. Returns NaN for an
/// empty sample or a `p` that is NaN or outside `[0, 1]`. The caller sorts
/// (e.g. with `f64::total_cmp`); an unsorted sample is a programming error,
/// caught by a debug assertion.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    debug_assert!(
        sorted.is_sorted_by(|a, b| a.partial_cmp(b) != Some(Ordering::Greater)),
        "percentile: sample is not sorted"
    );
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor();
    let frac = h - lo;
    let i = lo as usize;
    let below = sorted[i];
    if frac == 0.0 {
        return below;
    }
    let above = sorted[i + 1];
    if below == above {
        // Also keeps equal infinities from turning into NaN.
        return below;
    }
    below + frac * (above - below)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12
    }

    #[test]
    fn hand_computed_values() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!(close(percentile(&x, 0.5), 3.0));
        assert!(close(percentile(&x, 0.25), 2.0));
        // h = 4 · 0.85 = 3.4 → 4 + 0.4 · (5 - 4)
        assert!(close(percentile(&x, 0.85), 4.4));
        // h = 4 · 0.95 = 3.8 → 4.8
        assert!(close(percentile(&x, 0.95), 4.8));

        let y = [10.0, 20.0, 40.0, 80.0];
        // h = 3 · 0.5 = 1.5 → 20 + 0.5 · 20 = 30 (numpy: 30.0)
        assert!(close(percentile(&y, 0.5), 30.0));
        // h = 3 · 0.85 = 2.55 → 40 + 0.55 · 40 = 62 (numpy: 62.0)
        assert!(close(percentile(&y, 0.85), 62.0));
        // h = 3 · 0.1 = 0.3 → 10 + 0.3 · 10 = 13 (numpy: 13.0)
        assert!(close(percentile(&y, 0.1), 13.0));
    }

    #[test]
    fn extremes_are_min_and_max() {
        let x = [-3.0, 0.5, 7.0];
        assert_eq!(percentile(&x, 0.0), -3.0);
        assert_eq!(percentile(&x, 1.0), 7.0);
        assert_eq!(percentile(&[42.0], 0.3), 42.0);
    }

    #[test]
    fn ties_and_infinities() {
        assert_eq!(percentile(&[1.0, 2.0, 2.0, 2.0, 9.0], 0.6), 2.0);
        let inf = [1.0, f64::INFINITY, f64::INFINITY];
        assert_eq!(percentile(&inf, 0.75), f64::INFINITY);
    }

    #[test]
    fn invalid_inputs_give_nan() {
        assert!(percentile(&[], 0.5).is_nan());
        assert!(percentile(&[1.0, 2.0], -0.01).is_nan());
        assert!(percentile(&[1.0, 2.0], 1.01).is_nan());
        assert!(percentile(&[1.0, 2.0], f64::NAN).is_nan());
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "not sorted")]
    fn unsorted_sample_is_caught_in_debug() {
        percentile(&[3.0, 1.0, 2.0], 0.5);
    }
}
