//! Quantiles of Student's t distribution, for confidence intervals.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// The `p`-quantile of Student's t distribution with `df` degrees of freedom:
/// the value `t` with `P(T <= t) = p`. For a two-sided 95% interval use
/// `t_quantile(n - 1, 0.975)`.
///
/// `df` may be fractional; `df = +∞` gives the standard normal quantile.
/// `p = 0` and `p = 1` give −∞ and +∞. Returns NaN when `df` is NaN or not
/// positive, or when `p` is NaN or outside `[0, 1]`.
///
/// Below 1000 degrees of freedom this is statrs' inverse CDF; from
/// there on, where statrs loses accuracy and speed, it is the Cornish–Fisher
/// expansion around the normal quantile (agreeing with statrs to about 1e-8
/// at the switch).
pub fn t_quantile(df: f64, p: f64) -> f64 {
    if df.is_nan() || df <= 0.0 || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if df >= LARGE_DF {
        return cornish_fisher(df, p);
    }
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

/// The degrees of freedom from which [`t_quantile`] uses the asymptotic
/// expansion instead of statrs.
const LARGE_DF: f64 = 1000.0;

/// The t quantile as the normal quantile `z` plus the first four terms of
/// its expansion in `1/df` (Abramowitz and Stegun 26.7.5). The truncation
/// error is of order `z^11 / df^5`.
fn cornish_fisher(df: f64, p: f64) -> f64 {
    let z = Normal::standard().inverse_cdf(p);
    if !z.is_finite() {
        return z;
    }
    let z2 = z * z;
    let g1 = z * (z2 + 1.0) / 4.0;
    let g2 = z * ((5.0 * z2 + 16.0) * z2 + 3.0) / 96.0;
    let g3 = z * (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) / 384.0;
    let g4 = z * ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) / 92160.0;
    z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn matches_table_values_for_two_sided_95() {
        // Two-sided 95% critical values from the standard t table.
        for (df, expected) in [
            (1.0, 12.706),
            (2.0, 4.303),
            (5.0, 2.571),
            (9.0, 2.262),
            (29.0, 2.045),
            (120.0, 1.980),
        ] {
            let t = t_quantile(df, 0.975);
            assert!(close(t, expected, 5e-4), "df={df}: {t} vs {expected}");
        }
    }

    #[test]
    fn matches_table_values_for_other_levels() {
        assert!(close(t_quantile(9.0, 0.995), 3.250, 5e-4)); // 99% two-sided
        assert!(close(t_quantile(9.0, 0.95), 1.833, 5e-4)); // 90% two-sided
        assert!(close(t_quantile(1.0, 0.75), 1.0, 1e-9)); // Cauchy quartile
    }

    #[test]
    fn is_symmetric_and_centered() {
        assert!(close(t_quantile(4.0, 0.5), 0.0, 1e-12));
        for p in [0.6, 0.9, 0.975, 0.999] {
            assert!(close(t_quantile(7.0, 1.0 - p), -t_quantile(7.0, p), 1e-9));
        }
    }

    #[test]
    fn approaches_the_normal_for_large_df() {
        assert!(close(t_quantile(f64::INFINITY, 0.975), 1.959_964, 1e-6));
        assert!(close(t_quantile(1e6, 0.975), 1.959_966, 1e-6));
        assert!(close(t_quantile(1e12, 0.995), 2.575_829, 1e-6));
        // Table values: t(1000, 0.975) = 1.962339, t(10000, 0.975) = 1.960201.
        assert!(close(t_quantile(1000.0, 0.975), 1.962_339, 1e-6));
        assert!(close(t_quantile(1e4, 0.975), 1.960_201, 1e-6));
    }

    #[test]
    fn is_continuous_where_the_method_switches() {
        for p in [0.6, 0.75, 0.9, 0.975, 0.995, 0.9999, 1.0 - 1e-9] {
            let below = StudentsT::new(0.0, 1.0, LARGE_DF).unwrap().inverse_cdf(p);
            let above = cornish_fisher(LARGE_DF, p);
            assert!(close(below, above, 1e-7), "p={p}: {below} vs {above}");
        }
        // And decreases with df across it.
        let qs: Vec<f64> = [500.0, 999.0, 1000.0, 1001.0, 2000.0]
            .iter()
            .map(|&df| t_quantile(df, 0.975))
            .collect();
        assert!(qs.windows(2).all(|w| w[0] > w[1]), "{qs:?}");
    }

    #[test]
    fn invalid_arguments_give_nan() {
        assert!(t_quantile(0.0, 0.975).is_nan());
        assert!(t_quantile(-1.0, 0.975).is_nan());
        assert!(t_quantile(f64::NAN, 0.975).is_nan());
        assert!(t_quantile(5.0, 1.5).is_nan());
        assert!(t_quantile(5.0, -0.1).is_nan());
        assert!(t_quantile(5.0, f64::NAN).is_nan());
    }

    #[test]
    fn extreme_probabilities_are_infinite() {
        assert_eq!(t_quantile(5.0, 1.0), f64::INFINITY);
        assert_eq!(t_quantile(5.0, 0.0), f64::NEG_INFINITY);
        assert_eq!(t_quantile(1e6, 1.0), f64::INFINITY);
        assert_eq!(t_quantile(f64::INFINITY, 0.0), f64::NEG_INFINITY);
    }
}
