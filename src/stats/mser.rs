//! MSER-5 (White's marginal standard error rule on batch means of 5), the
//! warm-up detection rule recommended by simulation practice (White 1997;
//! White, Cobb & Spratt 2000; Hoad, Robinson & Davies 2010).

/// Observations per batch.
const BATCH: usize = 5;

/// The number of leading observations of `series` to discard: the
/// truncation point `d` (a multiple of 5, at most half the series) that
/// minimizes the marginal standard error
/// `MSER(d) = Σ_{j ≥ d} (b_j − b̄_d)² / (m − d)²` of the batch means `b_j`
/// (batches of 5, `m` of them) that remain. Series with fewer than two
/// batches are not truncated.
pub fn mser5(series: &[f64]) -> usize {
    let batches: Vec<f64> = series
        .chunks_exact(BATCH)
        .map(|c| c.iter().sum::<f64>() / BATCH as f64)
        .collect();
    let m = batches.len();
    if m < 2 {
        return 0;
    }
    // Suffix sums of b and b² give every MSER(d) in O(m).
    let mut sum = vec![0.0; m + 1];
    let mut sum_sq = vec![0.0; m + 1];
    for j in (0..m).rev() {
        sum[j] = sum[j + 1] + batches[j];
        sum_sq[j] = sum_sq[j + 1] + batches[j] * batches[j];
    }
    let mut best = (f64::INFINITY, 0);
    for d in 0..=m / 2 {
        let n = (m - d) as f64;
        let mean = sum[d] / n;
        let ss = (sum_sq[d] - n * mean * mean).max(0.0);
        let mser = ss / (n * n);
        if mser < best.0 {
            best = (mser, d);
        }
    }
    best.1 * BATCH
}

/// The index-wise mean of several series over their common length (Welch's
/// averaging across replications).
pub fn mean_series(series: &[Vec<f64>]) -> Vec<f64> {
    let len = series.iter().map(Vec::len).min().unwrap_or(0);
    (0..len)
        .map(|k| series.iter().map(|s| s[k]).sum::<f64>() / series.len() as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RngFactory;
    use rand_distr::{Distribution, Normal};

    #[test]
    fn a_stationary_series_is_barely_truncated() {
        let mut rng = RngFactory::new(3).stream(0, 0);
        let noise = Normal::new(10.0, 1.0).unwrap();
        let series: Vec<f64> = (0..5000).map(|_| noise.sample(&mut rng)).collect();
        assert!(mser5(&series) < 250, "{}", mser5(&series));
    }

    #[test]
    fn finds_a_known_transient() {
        // An exponentially decaying bias of 20 units (time constant 100
        // observations) over noise of sd 1: the bias falls below a tenth of
        // the noise after ~530 observations.
        let mut rng = RngFactory::new(4).stream(0, 0);
        let noise = Normal::new(0.0, 1.0).unwrap();
        let series: Vec<f64> = (0..5000)
            .map(|i| 20.0 * (-(i as f64) / 100.0).exp() + noise.sample(&mut rng))
            .collect();
        let d = mser5(&series);
        assert!((250..=800).contains(&d), "truncation {d}");
        assert_eq!(d % 5, 0);
    }

    #[test]
    fn a_step_transient_is_cut_at_the_step() {
        // 300 observations at 50, then 4700 at 0 (no noise at all but a tiny wiggle).
        let series: Vec<f64> = (0..5000)
            .map(|i| {
                if i < 300 {
                    50.0
                } else {
                    0.01 * ((i % 7) as f64)
                }
            })
            .collect();
        assert_eq!(mser5(&series), 300);
    }

    #[test]
    fn never_cuts_more_than_half() {
        let series: Vec<f64> = (0..1000).map(|i| 1000.0 - i as f64).collect();
        assert!(mser5(&series) <= 500);
    }

    #[test]
    fn mean_series_averages_index_wise_over_the_common_length() {
        let s = mean_series(&[vec![1.0, 2.0, 3.0], vec![3.0, 4.0]]);
        assert_eq!(s, vec![2.0, 3.0]);
    }
}
