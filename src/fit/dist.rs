//! Fitting a distribution to positive durations (docs/model.md, "What the
//! fit assumes"): exponential, gamma and lognormal by maximum likelihood,
//! the one with the lowest AIC kept unless the Kolmogorov–Smirnov test
//! rejects it at 1% with at least [`MIN_FOR_EMPIRICAL`] values, when the
//! empirical distribution (100 equiprobable quantiles) is used instead.

use statrs::distribution::{ContinuousCDF, Exp, Gamma, LogNormal};
use statrs::function::gamma::{digamma, ln_gamma};

/// Fewest values for which a rejected parametric fit gives way to the
/// empirical distribution (below, the sample says too little of the shape).
pub const MIN_FOR_EMPIRICAL: usize = 30;

/// KS level below which the chosen parametric fit is rejected.
pub const KS_LEVEL: f64 = 0.01;

/// Quantiles kept of an empirical distribution.
pub const EMPIRICAL_POINTS: usize = 100;

/// A fitted distribution, with the scenario file's parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Every value the same (or too few to say more).
    Constant(f64),
    /// Exponential of this mean.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// Gamma of this mean and coefficient of variation.
    Gamma {
        /// Mean.
        mean: f64,
        /// Coefficient of variation (1 / √shape).
        cv: f64,
    },
    /// Lognormal of this mean and standard deviation.
    Lognormal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Resampling of these equiprobable quantiles.
    Empirical(Vec<f64>),
}

/// What a fit gives: the distribution, and how it was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The distribution kept.
    pub shape: Shape,
    /// Values fitted.
    pub n: usize,
    /// Their mean.
    pub mean: f64,
    /// Their standard deviation.
    pub sd: f64,
    /// AIC of each parametric candidate that applies.
    pub aic: Vec<(&'static str, f64)>,
    /// Kolmogorov–Smirnov distance of the best parametric candidate.
    pub ks: f64,
    /// Its asymptotic p-value (parameters estimated from the same data, so
    /// this overstates the fit: Lilliefors).
    pub ks_p: f64,
    /// Why this distribution was kept.
    pub method: String,
}

impl Fit {
    /// The distribution as a scenario value (a TOML inline table or number).
    pub fn toml(&self) -> String {
        let f = |x: f64| crate::fit::num(x);
        match &self.shape {
            Shape::Constant(v) => f(*v),
            Shape::Exponential { mean } => {
                format!("{{ dist = \"exponential\", mean = {} }}", f(*mean))
            }
            Shape::Gamma { mean, cv } => {
                format!(
                    "{{ dist = \"gamma\", mean = {}, cv = {} }}",
                    f(*mean),
                    f(*cv)
                )
            }
            Shape::Lognormal { mean, sd } => {
                format!(
                    "{{ dist = \"lognormal\", mean = {}, sd = {} }}",
                    f(*mean),
                    f(*sd)
                )
            }
            Shape::Empirical(values) => {
                let v: Vec<String> = values.iter().map(|&x| f(x)).collect();
                format!("{{ dist = \"empirical\", values = [{}] }}", v.join(", "))
            }
        }
    }

    /// One line saying what the fit was made of and how good it is.
    pub fn comment(&self) -> String {
        let aic: Vec<String> = self
            .aic
            .iter()
            .map(|(k, a)| format!("{k} {}", crate::fit::num3(*a)))
            .collect();
        let ks = if self.ks.is_finite() {
            format!(
                ", KS D = {} (p ≈ {})",
                crate::fit::num3(self.ks),
                crate::fit::num3(self.ks_p)
            )
        } else {
            String::new()
        };
        format!(
            "n = {}, mean {} sd {}; {}{}{}",
            self.n,
            crate::fit::num3(self.mean),
            crate::fit::num3(self.sd),
            self.method,
            if aic.is_empty() {
                String::new()
            } else {
                format!("; AIC {}", aic.join(", "))
            },
            ks
        )
    }
}

/// The parametric candidates: log-likelihood, parameter count, CDF.
enum Candidate {
    Exponential(f64),
    Gamma(f64, f64),
    Lognormal(f64, f64),
}

impl Candidate {
    fn name(&self) -> &'static str {
        match self {
            Candidate::Exponential(_) => "exponential",
            Candidate::Gamma(..) => "gamma",
            Candidate::Lognormal(..) => "lognormal",
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        match *self {
            Candidate::Exponential(mean) => Exp::new(1.0 / mean).map_or(f64::NAN, |d| d.cdf(x)),
            Candidate::Gamma(shape, scale) => {
                Gamma::new(shape, 1.0 / scale).map_or(f64::NAN, |d| d.cdf(x))
            }
            Candidate::Lognormal(mu, sigma) => {
                LogNormal::new(mu, sigma).map_or(f64::NAN, |d| d.cdf(x))
            }
        }
    }

    fn shape(&self) -> Shape {
        match *self {
            Candidate::Exponential(mean) => Shape::Exponential { mean },
            Candidate::Gamma(shape, scale) => Shape::Gamma {
                mean: shape * scale,
                cv: 1.0 / shape.sqrt(),
            },
            Candidate::Lognormal(mu, sigma) => {
                let mean = (mu + sigma * sigma / 2.0).exp();
                Shape::Lognormal {
                    mean,
                    sd: mean * (sigma * sigma).exp_m1().sqrt(),
                }
            }
        }
    }
}

/// Fits `values` (finite, ≥ 0) as the module says.
pub fn fit(values: &[f64]) -> Fit {
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n.max(1) as f64;
    let sd = if n > 1 {
        (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let base = Fit {
        shape: Shape::Constant(mean),
        n,
        mean,
        sd,
        aic: Vec::new(),
        ks: f64::NAN,
        ks_p: f64::NAN,
        method: String::new(),
    };
    if n < 2 || sd == 0.0 || mean <= 0.0 {
        return Fit {
            method: if n < 2 {
                "constant: too few values to fit a distribution".into()
            } else {
                "constant: every value the same".into()
            },
            ..base
        };
    }
    let nf = n as f64;
    let mut candidates = vec![(
        Candidate::Exponential(mean),
        2.0 * nf * mean.ln() + 2.0 * nf + 2.0,
    )];
    let positive = values.iter().all(|&x| x > 0.0);
    if positive {
        let mean_ln = values.iter().map(|x| x.ln()).sum::<f64>() / nf;
        let sum_ln: f64 = mean_ln * nf;
        // Gamma: the shape from s = ln(mean) − mean(ln x) (Minka's start,
        // then Newton steps on ln a − ψ(a) = s).
        let s = mean.ln() - mean_ln;
        if s > 0.0 {
            let mut a = (3.0 - s + ((s - 3.0).powi(2) + 24.0 * s).sqrt()) / (12.0 * s);
            for _ in 0..20 {
                let h = 1e-5 * a;
                let f = a.ln() - digamma(a) - s;
                let trigamma = (digamma(a + h) - digamma(a - h)) / (2.0 * h);
                let df = 1.0 / a - trigamma;
                let next = a - f / df;
                if !next.is_finite() || next <= 0.0 {
                    break;
                }
                let done = (next - a).abs() < 1e-10 * a;
                a = next;
                if done {
                    break;
                }
            }
            let scale = mean / a;
            let ll =
                (a - 1.0) * sum_ln - nf * mean / scale - nf * a * scale.ln() - nf * ln_gamma(a);
            candidates.push((Candidate::Gamma(a, scale), 4.0 - 2.0 * ll));
        }
        let var_ln = values
            .iter()
            .map(|x| (x.ln() - mean_ln).powi(2))
            .sum::<f64>()
            / nf;
        if var_ln > 0.0 {
            let sigma = var_ln.sqrt();
            let ll =
                -sum_ln - nf * sigma.ln() - nf / 2.0 * (2.0 * std::f64::consts::PI).ln() - nf / 2.0;
            candidates.push((Candidate::Lognormal(mean_ln, sigma), 4.0 - 2.0 * ll));
        }
    }
    let aic: Vec<(&'static str, f64)> = candidates.iter().map(|(c, a)| (c.name(), *a)).collect();
    let (best, _) = candidates
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("the exponential always applies");
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let ks = ks_distance(&sorted, |x| best.cdf(x));
    let ks_p = kolmogorov_p(ks, n);
    if ks_p < KS_LEVEL && n >= MIN_FOR_EMPIRICAL {
        return Fit {
            shape: Shape::Empirical(quantiles(&sorted, EMPIRICAL_POINTS)),
            aic,
            ks,
            ks_p,
            method: format!(
                "empirical ({EMPIRICAL_POINTS} quantiles): the lowest-AIC {} is rejected by KS at {KS_LEVEL}",
                best.name()
            ),
            ..base
        };
    }
    Fit {
        shape: best.shape(),
        aic,
        ks,
        ks_p,
        method: format!("{} by maximum likelihood, lowest AIC", best.name()),
        ..base
    }
}

/// The Kolmogorov–Smirnov distance between the sorted `values` and `cdf`.
pub fn ks_distance(sorted: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            ((i + 1) as f64 / n - f).max(f - i as f64 / n)
        })
        .fold(0.0, f64::max)
}

/// The asymptotic p-value of a one-sample KS distance `d` on `n` values
/// (Kolmogorov's series with Stephens' small-sample factor).
pub fn kolmogorov_p(d: f64, n: usize) -> f64 {
    let sn = (n as f64).sqrt();
    kolmogorov_q((sn + 0.12 + 0.11 / sn) * d)
}

/// Q(λ) = 2 Σ (−1)^(k−1) exp(−2 k² λ²), the Kolmogorov survival function.
pub fn kolmogorov_q(lambda: f64) -> f64 {
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for k in 1..=100 {
        let kf = f64::from(k);
        let term = (-2.0 * kf * kf * lambda * lambda).exp();
        sum += if k % 2 == 1 { term } else { -term };
        if term < 1e-12 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// `m` equiprobable quantiles of the sorted `values`: at (i + ½)/m.
pub fn quantiles(sorted: &[f64], m: usize) -> Vec<f64> {
    (0..m)
        .map(|i| quantile(sorted, (i as f64 + 0.5) / m as f64))
        .collect()
}

/// The quantile at `p` of the sorted `values` (linear interpolation).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Dist, RngFactory};

    fn draws(d: &Dist, n: usize) -> Vec<f64> {
        let mut rng = RngFactory::new(7).stream(0, 99);
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    #[test]
    fn each_family_is_recognised_from_its_own_draws() {
        let n = 4000;
        let cases = [
            (Dist::exponential(2.0).unwrap(), "exponential"),
            (Dist::gamma(3.0, 0.4).unwrap(), "gamma"),
            (Dist::lognormal(2.0, 3.0).unwrap(), "lognormal"),
        ];
        for (d, name) in cases {
            let f = fit(&draws(&d, n));
            assert!(f.method.starts_with(name), "{name}: {}", f.comment());
            // The fitted mean is the sample mean (MLE for all three), within
            // 4 standard errors of the true mean.
            let se = f.sd / (n as f64).sqrt();
            let fitted_mean = match f.shape {
                Shape::Exponential { mean } | Shape::Gamma { mean, .. } => mean,
                Shape::Lognormal { mean, .. } => mean,
                _ => panic!("{name}: {:?}", f.shape),
            };
            assert!(
                (fitted_mean - d.mean()).abs() < 4.0 * se + 0.02 * d.mean(),
                "{name}: {fitted_mean}"
            );
            assert!(f.ks_p > KS_LEVEL, "{name}: KS p {}", f.ks_p);
        }
    }

    #[test]
    fn a_shape_none_of_the_families_has_is_kept_empirical() {
        // Two well-separated modes.
        let mut v = draws(&Dist::uniform(1.0, 1.1).unwrap(), 500);
        v.extend(draws(&Dist::uniform(9.0, 9.1).unwrap(), 500));
        let f = fit(&v);
        let Shape::Empirical(q) = &f.shape else {
            panic!("{}", f.comment())
        };
        assert_eq!(q.len(), EMPIRICAL_POINTS);
        assert!(f.ks_p < KS_LEVEL);
        assert!(fit(&[2.0, 2.0, 2.0]).shape == Shape::Constant(2.0));
    }

    #[test]
    fn kolmogorov_p_values_match_the_table() {
        // Critical values of the Kolmogorov distribution: 1.358 at 5%, 1.628 at 1%.
        assert!((kolmogorov_q(1.358) - 0.05).abs() < 0.001);
        assert!((kolmogorov_q(1.628) - 0.01).abs() < 0.0005);
    }
}
