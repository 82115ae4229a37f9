//! The sample-path test of a system that does not settle: is the work in
//! progress still growing over the measurement window? (docs/model.md,
//! *Unstable systems*.)
//!
//! The window is cut into [`TREND_BATCHES`] sub-intervals of equal length,
//! and the time-averaged level of each (a batch mean) is regressed on the
//! sub-interval's index. The statistic is the least-squares slope divided by
//! its standard error, estimated from the residual spread of the batch means
//! around the fitted line (a batch-means variance: it needs no model of the
//! level's autocorrelation). For a settled system observed over sub-intervals
//! much longer than its correlation time, the batch means are approximately
//! independent and normal with a common mean (the batch-means central limit
//! theorem), so the statistic follows Student's t with `K − 2` degrees of
//! freedom and a one-sided test at [`TREND_LEVEL`] flags a settled
//! replication with probability [`TREND_LEVEL`] exactly. When sub-intervals
//! are only a few correlation times long, neighbouring batch means are
//! positively correlated and the rate rises above the nominal level; 1% is
//! chosen so that it stays below 5% there too (the test suite measures it
//! on an M/M/1 at ρ = 0.9).

use super::student_t::t_quantile;

/// Sub-intervals the measurement window is cut into.
pub const TREND_BATCHES: usize = 10;

/// One-sided level of the trend test: the share of settled replications it
/// flags when the batch means are independent.
pub const TREND_LEVEL: f64 = 0.01;

/// Accumulates the time-averaged level of each of [`TREND_BATCHES`] equal
/// sub-intervals of the window `[start, end]`.
///
/// Like [`TimeAverage`](super::TimeAverage), the level is 0 until the first
/// [`set`](WindowTrend::set); changes before the window starts only set the
/// level. Times must not decrease.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowTrend {
    start: f64,
    width: f64,
    /// The sub-interval the last change fell in (`TREND_BATCHES` once past
    /// the end).
    batch: usize,
    /// The end of sub-interval `batch` (kept, as it is read at every change).
    edge: f64,
    last: f64,
    level: f64,
    areas: [f64; TREND_BATCHES],
}

impl WindowTrend {
    /// A trend accumulator of the window `[start, end]` (`end > start`).
    pub fn new(start: f64, end: f64) -> Self {
        let mut trend = Self {
            start,
            width: (end - start) / TREND_BATCHES as f64,
            batch: 0,
            edge: 0.0,
            last: start,
            level: 0.0,
            areas: [0.0; TREND_BATCHES],
        };
        trend.edge = trend.boundary(0);
        trend
    }

    /// The end of sub-interval `b`.
    fn boundary(&self, b: usize) -> f64 {
        if b + 1 == TREND_BATCHES {
            // Exactly the window's end, without rounding.
            self.start + self.width * TREND_BATCHES as f64
        } else {
            self.start + self.width * (b + 1) as f64
        }
    }

    /// Carries the current level forward to time `t`.
    fn advance(&mut self, t: f64) {
        while self.batch < TREND_BATCHES {
            let edge = self.edge;
            if t < edge {
                self.areas[self.batch] += self.level * (t - self.last);
                self.last = t;
                return;
            }
            self.areas[self.batch] += self.level * (edge - self.last);
            self.last = edge;
            self.batch += 1;
            if self.batch < TREND_BATCHES {
                self.edge = self.boundary(self.batch);
            }
        }
    }

    /// Records that the level changes to `level` at time `t`.
    #[inline]
    pub fn set(&mut self, t: f64, level: f64) {
        if t > self.last {
            self.advance(t);
        }
        self.level = level;
    }

    /// The time-averaged level of each sub-interval, the level holding from
    /// the last change until `end` (the window's end, or earlier when a run
    /// stopped: later sub-intervals then average over the part observed, and
    /// unobserved ones are NaN).
    pub fn batch_means(&self, end: f64) -> [f64; TREND_BATCHES] {
        let mut copy = self.clone();
        if end > copy.last {
            copy.advance(end);
        }
        let mut means = [f64::NAN; TREND_BATCHES];
        for (b, mean) in means.iter_mut().enumerate() {
            let from = self.start + self.width * b as f64;
            let to = copy.boundary(b).min(copy.last);
            if to > from {
                *mean = copy.areas[b] / (to - from);
            }
        }
        means
    }
}

/// The outcome of the trend test on a series of batch means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Least-squares slope of the batch means per sub-interval.
    pub slope: f64,
    /// The slope over its standard error (+∞ for a perfectly straight rise,
    /// NaN without any spread or slope, or with fewer than 3 means).
    pub statistic: f64,
    /// Whether the statistic exceeds Student's t quantile at `1 − level`
    /// with `n − 2` degrees of freedom: the level is still growing.
    pub growing: bool,
}

/// The one-sided trend test at `level` of `means` (taken at equally spaced
/// times; non-finite means are left out).
pub fn trend_test(means: &[f64], level: f64) -> Trend {
    let points: Vec<(f64, f64)> = means
        .iter()
        .enumerate()
        .filter(|(_, y)| y.is_finite())
        .map(|(i, &y)| (i as f64, y))
        .collect();
    let n = points.len();
    if n < 3 {
        return Trend {
            slope: f64::NAN,
            statistic: f64::NAN,
            growing: false,
        };
    }
    let count = n as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / count;
    let my = points.iter().map(|p| p.1).sum::<f64>() / count;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    let residual: f64 = points
        .iter()
        .map(|p| (p.1 - my - slope * (p.0 - mx)).powi(2))
        .sum();
    let se = (residual / (count - 2.0) / sxx).sqrt();
    // Rounding leaves a residual of ~1e-16 relative on a straight line.
    let tiny = 1e-12 * (my.abs() + slope.abs() * count);
    let statistic = if se > tiny {
        slope / se
    } else if slope > tiny {
        f64::INFINITY
    } else {
        f64::NAN
    };
    Trend {
        slope,
        statistic,
        growing: statistic > t_quantile(count - 2.0, 1.0 - level),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9
    }

    #[test]
    fn batch_means_of_a_step_function() {
        // Window [10, 20]: sub-intervals of 1 day. Level 2 from before the
        // window, 5 from 13.5 on, 0 from 19 on.
        let mut w = WindowTrend::new(10.0, 20.0);
        w.set(4.0, 2.0);
        w.set(13.5, 5.0);
        w.set(19.0, 0.0);
        let m = w.batch_means(20.0);
        let expected = [2.0, 2.0, 2.0, 3.5, 5.0, 5.0, 5.0, 5.0, 5.0, 0.0];
        for (a, b) in m.iter().zip(expected) {
            assert!(close(*a, b), "{m:?}");
        }
        // Asking does not consume: a second look is the same.
        assert_eq!(w.batch_means(20.0), m);
    }

    #[test]
    fn a_stopped_run_leaves_unobserved_batches_undefined() {
        let mut w = WindowTrend::new(0.0, 10.0);
        w.set(0.0, 1.0);
        w.set(2.5, 3.0);
        let m = w.batch_means(3.0);
        assert!(close(m[0], 1.0) && close(m[1], 1.0));
        assert!(close(m[2], 2.0), "{m:?}");
        assert!(m[3..].iter().all(|x| x.is_nan()));
    }

    #[test]
    fn regression_slope_and_statistic() {
        // y = 1, 3, 2, 5, 4: slope 0.8, residuals -0.6 +0.6 -1.2 +1.0 -0.8;
        // residual sum 3.6, s² = 1.2, Sxx = 10, se = sqrt(0.12), t = 2.3094.
        let t = trend_test(&[1.0, 3.0, 2.0, 5.0, 4.0], 0.05);
        assert!(close(t.slope, 0.8));
        assert!(close(t.statistic, 0.8 / 0.12f64.sqrt()));
        // t(3, 0.95) = 2.3534 > 2.3094; t(3, 0.90) = 1.6377.
        assert!(!t.growing);
        assert!(trend_test(&[1.0, 3.0, 2.0, 5.0, 4.0], 0.10).growing);
    }

    #[test]
    fn straight_lines_and_flat_series() {
        let rise: Vec<f64> = (0..10).map(|i| 0.1 + 0.3 * f64::from(i)).collect();
        let t = trend_test(&rise, 0.01);
        assert!(t.statistic.is_infinite() && t.growing);
        let fall: Vec<f64> = rise.iter().rev().copied().collect();
        assert!(!trend_test(&fall, 0.01).growing);
        let flat = trend_test(&[4.0; 10], 0.01);
        assert!(flat.statistic.is_nan() && !flat.growing);
        assert!(!trend_test(&[1.0, 2.0], 0.01).growing);
        // Undefined means are left out.
        let gaps = trend_test(&[1.0, 2.0, f64::NAN, 4.0, 5.0], 0.01);
        assert!(close(gaps.slope, 1.0) && gaps.growing);
    }
}
