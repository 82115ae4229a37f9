//! The summary of one metric across replications: mean, sample standard
//! deviation and a Student-t confidence interval for the mean.

use serde::Serialize;

use super::student_t::t_quantile;

/// Mean, spread and confidence interval of a sample of replication results.
///
/// Non-finite values are treated as missing. Quantities that cannot be
/// computed are NaN: the mean of no values, and the standard deviation and
/// interval of fewer than two values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Arithmetic mean of the finite values.
    pub mean: f64,
    /// Sample standard deviation of the finite values (divisor `n - 1`).
    pub sd: f64,
    /// Lower end of the confidence interval for the mean.
    pub ci_low: f64,
    /// Upper end of the confidence interval for the mean.
    pub ci_high: f64,
    /// Number of finite values the summary is based on.
    pub n: usize,
}

impl Summary {
    /// The summary of `values` with a 95% confidence interval.
    pub fn of(values: &[f64]) -> Summary {
        Summary::with_confidence(values, 0.95)
    }

    /// The summary of `values` with a two-sided confidence interval at
    /// `level` (e.g. `0.99`): `mean ± t(n - 1, (1 + level) / 2) · sd / √n`.
    ///
    /// The interval is NaN when `level` is not strictly between 0 and 1.
    pub fn with_confidence(values: &[f64], level: f64) -> Summary {
        let finite = || values.iter().copied().filter(|v| v.is_finite());
        let n = finite().count();
        if n == 0 {
            return Summary {
                mean: f64::NAN,
                sd: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
                n,
            };
        }
        let count = n as f64;
        // Two passes: the mean first, then squared deviations from it, which
        // avoids the cancellation of the one-pass sum-of-squares formula.
        let mean = finite().sum::<f64>() / count;
        let sd = if n < 2 {
            f64::NAN
        } else {
            (finite().map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1.0)).sqrt()
        };
        let half = if n >= 2 && level > 0.0 && level < 1.0 {
            t_quantile(count - 1.0, 0.5 + level / 2.0) * sd / count.sqrt()
        } else {
            f64::NAN
        };
        Summary {
            mean,
            sd,
            ci_low: mean - half,
            ci_high: mean + half,
            n,
        }
    }

    /// The summary of 0/1 `values` (a flag per replication): the mean is the
    /// share of ones, with Wilson's 95% score interval, which stays inside
    /// [0, 1] (a t interval around a share of 0 or 1 would have no width,
    /// and around 1 of 30 would reach below 0).
    pub fn proportion(values: &[f64]) -> Summary {
        let plain = Summary::of(values);
        if plain.n == 0 {
            return plain;
        }
        let (p, n) = (plain.mean, plain.n as f64);
        let z = t_quantile(f64::INFINITY, 0.975);
        let z2 = z * z;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
        // At a share of 0 (1) the interval ends exactly at 0 (1), which
        // rounding would miss.
        Summary {
            ci_low: if p <= 0.0 {
                0.0
            } else {
                (centre - half).max(0.0)
            },
            ci_high: if p >= 1.0 {
                1.0
            } else {
                (centre + half).min(1.0)
            },
            ..plain
        }
    }

    /// Half the width of the confidence interval (the "±" part); NaN when
    /// there is no interval.
    pub fn half_width(&self) -> f64 {
        (self.ci_high - self.ci_low) / 2.0
    }

    /// Whether `x` lies in the confidence interval, ends included. False when
    /// there is no interval or `x` is NaN.
    pub fn contains(&self, x: f64) -> bool {
        self.ci_low <= x && x <= self.ci_high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn known_sample() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squared deviations 32,
        // sample variance 32/7, sd 2.13809; t(7, 0.975) = 2.364624.
        let s = Summary::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(s.n, 8);
        assert!(close(s.mean, 5.0, 1e-12));
        assert!(close(s.sd, (32.0_f64 / 7.0).sqrt(), 1e-12));
        let half = 2.364_624 * (32.0_f64 / 7.0).sqrt() / 8.0_f64.sqrt();
        assert!(close(s.half_width(), half, 1e-5));
        assert!(close(s.ci_low, 5.0 - half, 1e-5));
        assert!(close(s.ci_high, 5.0 + half, 1e-5));
        assert!(s.contains(5.0));
        assert!(s.contains(3.3));
        assert!(!s.contains(3.2));
        assert!(!s.contains(f64::NAN));
    }

    #[test]
    fn higher_confidence_is_wider() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        let s95 = Summary::of(&v);
        let s99 = Summary::with_confidence(&v, 0.99);
        // sd = 3.02765, n = 10: t(9, 0.975) = 2.262157, t(9, 0.995) = 3.249836.
        assert!(close(
            s95.half_width(),
            2.262_157 * 3.027_650 / 10f64.sqrt(),
            1e-5
        ));
        assert!(close(
            s99.half_width(),
            3.249_836 * 3.027_650 / 10f64.sqrt(),
            1e-5
        ));
        assert_eq!(s95.mean, s99.mean);
        assert_eq!(s95.sd, s99.sd);
    }

    #[test]
    fn ignores_non_finite_values() {
        let s = Summary::of(&[1.0, f64::NAN, 3.0, f64::INFINITY, f64::NEG_INFINITY]);
        assert_eq!(s, Summary::of(&[1.0, 3.0]));
        assert_eq!(s.n, 2);
        assert!(close(s.mean, 2.0, 1e-15));
    }

    #[test]
    fn degenerate_samples() {
        let empty = Summary::of(&[]);
        assert_eq!(empty.n, 0);
        assert!(empty.mean.is_nan() && empty.sd.is_nan());
        assert!(empty.ci_low.is_nan() && empty.ci_high.is_nan());

        let one = Summary::of(&[4.5]);
        assert_eq!(one.n, 1);
        assert_eq!(one.mean, 4.5);
        assert!(one.sd.is_nan() && one.half_width().is_nan());
        assert!(!one.contains(4.5));

        let constant = Summary::of(&[2.0, 2.0, 2.0]);
        assert_eq!(constant.sd, 0.0);
        assert_eq!((constant.ci_low, constant.ci_high), (2.0, 2.0));
        assert!(constant.contains(2.0));
    }

    #[test]
    fn invalid_level_gives_no_interval() {
        for level in [0.0, 1.0, 1.5, -0.5, f64::NAN] {
            let s = Summary::with_confidence(&[1.0, 2.0, 3.0], level);
            assert!(close(s.mean, 2.0, 1e-15));
            assert!(s.ci_low.is_nan() && s.ci_high.is_nan(), "level {level}");
        }
    }

    #[test]
    fn is_accurate_for_large_offsets() {
        // A one-pass sum of squares would lose every digit here.
        let s = Summary::of(&[1e9 + 4.0, 1e9 + 7.0, 1e9 + 13.0, 1e9 + 16.0]);
        assert!(close(s.mean, 1e9 + 10.0, 1e-6));
        assert!(close(s.sd, 30.0_f64.sqrt(), 1e-6));
    }

    #[test]
    fn proportions_get_a_wilson_interval_inside_0_1() {
        // 1 of 30: Wilson 95% interval [0.00591, 0.16670].
        let mut v = vec![0.0; 29];
        v.push(1.0);
        let s = Summary::proportion(&v);
        assert!(close(s.mean, 1.0 / 30.0, 1e-15));
        assert!(close(s.ci_low, 0.005_91, 5e-5), "{s:?}");
        assert!(close(s.ci_high, 0.166_70, 5e-5), "{s:?}");
        // All ones: [0.8865, 1]; the t interval would be [1, 1].
        let all = Summary::proportion(&[1.0; 30]);
        assert!(
            close(all.ci_low, 0.886_47, 5e-5) && all.ci_high == 1.0,
            "{all:?}"
        );
        let none = Summary::proportion(&[0.0; 30]);
        assert!(none.ci_low == 0.0 && close(none.ci_high, 0.113_53, 5e-5));
        assert_eq!(Summary::proportion(&[]).n, 0);
    }

    #[test]
    fn serializes_with_field_names() {
        let json = serde_json::to_string(&Summary::of(&[1.0, 3.0])).unwrap();
        assert!(json.starts_with(r#"{"mean":2.0,"sd":"#), "{json}");
        assert!(json.ends_with(r#""n":2}"#), "{json}");
    }
}
