//! Probability distributions of non-negative durations (efforts, interarrival
//! times, handoffs, decisions), parameterized the way a user thinks of them
//! (means and standard deviations of the variable itself) and converted once
//! to the sampling library's parameters.

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Normal, Pert, Triangular, Uniform, Weibull};

/// A distribution of a non-negative quantity, ready to sample.
#[derive(Debug, Clone)]
pub struct Dist {
    kind: Kind,
    /// What each draw of `kind` is multiplied by (1 unless stretched).
    scale: f64,
    mean: f64,
}

#[derive(Debug, Clone)]
enum Kind {
    Constant(f64),
    Exponential(Exp<f64>),
    Uniform(Uniform<f64>),
    Triangular(Triangular<f64>),
    Pert(Pert<f64>),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Weibull(Weibull<f64>),
    Empirical(Vec<f64>),
}

/// Why a set of parameters does not describe a distribution; the message
/// names the offending parameter (a key of the scenario file).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct DistError {
    /// The parameter at fault (`mean`, `sd`, `min`, ...), or empty for the whole table.
    pub param: &'static str,
    /// What is wrong with it, in words.
    pub message: String,
}

fn err(param: &'static str, message: impl Into<String>) -> DistError {
    DistError {
        param,
        message: message.into(),
    }
}

fn finite_nonneg(param: &'static str, v: f64) -> Result<f64, DistError> {
    if !v.is_finite() {
        return Err(err(
            param,
            format!("`{param}` must be a finite number, got {v}"),
        ));
    }
    if v < 0.0 {
        return Err(err(param, format!("`{param}` must be >= 0, got {v}")));
    }
    Ok(v)
}

fn finite_pos(param: &'static str, v: f64) -> Result<f64, DistError> {
    if !v.is_finite() {
        return Err(err(
            param,
            format!("`{param}` must be a finite number, got {v}"),
        ));
    }
    if v <= 0.0 {
        return Err(err(param, format!("`{param}` must be > 0, got {v}")));
    }
    Ok(v)
}

impl Dist {
    /// Always `value`.
    pub fn constant(value: f64) -> Result<Self, DistError> {
        let value = finite_nonneg("value", value)?;
        Ok(Self {
            kind: Kind::Constant(value),
            scale: 1.0,
            mean: value,
        })
    }

    /// Exponential with the given mean.
    pub fn exponential(mean: f64) -> Result<Self, DistError> {
        let mean = finite_pos("mean", mean)?;
        let exp = Exp::new(1.0 / mean).map_err(|e| err("mean", e.to_string()))?;
        Ok(Self {
            kind: Kind::Exponential(exp),
            scale: 1.0,
            mean,
        })
    }

    /// Uniform on `[min, max]`.
    pub fn uniform(min: f64, max: f64) -> Result<Self, DistError> {
        let min = finite_nonneg("min", min)?;
        let max = finite_nonneg("max", max)?;
        if max < min {
            return Err(err(
                "max",
                format!("`max` ({max}) must be >= `min` ({min})"),
            ));
        }
        if max == min {
            return Self::constant(min);
        }
        let u = Uniform::new_inclusive(min, max).map_err(|e| err("max", e.to_string()))?;
        Ok(Self {
            kind: Kind::Uniform(u),
            scale: 1.0,
            mean: (min + max) / 2.0,
        })
    }

    fn check_min_mode_max(min: f64, mode: f64, max: f64) -> Result<(), DistError> {
        finite_nonneg("min", min)?;
        finite_nonneg("mode", mode)?;
        finite_nonneg("max", max)?;
        if min > max {
            return Err(err(
                "min",
                format!("`min` ({min}) must be <= `max` ({max})"),
            ));
        }
        if mode < min || mode > max {
            return Err(err(
                "mode",
                format!("`mode` ({mode}) must lie between `min` ({min}) and `max` ({max})"),
            ));
        }
        Ok(())
    }

    /// Triangular with the given minimum, most likely value and maximum.
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        Self::check_min_mode_max(min, mode, max)?;
        if min == max {
            return Self::constant(min);
        }
        let t = Triangular::new(min, max, mode).map_err(|e| err("mode", e.to_string()))?;
        Ok(Self {
            kind: Kind::Triangular(t),
            scale: 1.0,
            mean: (min + mode + max) / 3.0,
        })
    }

    /// Beta-PERT (shape 4) with the given minimum, most likely value and maximum.
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        Self::check_min_mode_max(min, mode, max)?;
        if min == max {
            return Self::constant(min);
        }
        let p = Pert::new(min, max)
            .with_mode(mode)
            .map_err(|e| err("mode", e.to_string()))?;
        Ok(Self {
            kind: Kind::Pert(p),
            scale: 1.0,
            mean: (min + 4.0 * mode + max) / 6.0,
        })
    }

    /// Normal with mean `mean` and standard deviation `sd`, truncated at 0
    /// (negative draws are redrawn). `mean` must be >= 0 so that at least half
    /// of all draws are accepted.
    pub fn normal(mean: f64, sd: f64) -> Result<Self, DistError> {
        let mean = finite_nonneg("mean", mean)?;
        let sd = finite_nonneg("sd", sd)?;
        if sd == 0.0 {
            return Self::constant(mean);
        }
        let n = Normal::new(mean, sd).map_err(|e| err("sd", e.to_string()))?;
        Ok(Self {
            kind: Kind::Normal(n),
            scale: 1.0,
            mean: truncated_normal_mean(mean, sd),
        })
    }

    /// Log-normal whose own mean and standard deviation are `mean` and `sd`.
    pub fn lognormal(mean: f64, sd: f64) -> Result<Self, DistError> {
        let mean = finite_pos("mean", mean)?;
        let sd = finite_nonneg("sd", sd)?;
        if sd == 0.0 {
            return Self::constant(mean);
        }
        let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        let ln = LogNormal::new(mu, sigma2.sqrt()).map_err(|e| err("sd", e.to_string()))?;
        Ok(Self {
            kind: Kind::LogNormal(ln),
            scale: 1.0,
            mean,
        })
    }

    /// Gamma with the given mean and coefficient of variation (sd / mean).
    pub fn gamma(mean: f64, cv: f64) -> Result<Self, DistError> {
        let mean = finite_pos("mean", mean)?;
        let cv = finite_nonneg("cv", cv)?;
        if cv == 0.0 {
            return Self::constant(mean);
        }
        let shape = 1.0 / (cv * cv);
        let scale = mean * cv * cv;
        let g = Gamma::new(shape, scale).map_err(|e| err("cv", e.to_string()))?;
        Ok(Self {
            kind: Kind::Gamma(g),
            scale: 1.0,
            mean,
        })
    }

    /// Weibull with the given shape (k) and scale (λ).
    pub fn weibull(shape: f64, scale: f64) -> Result<Self, DistError> {
        let shape = finite_pos("shape", shape)?;
        let scale = finite_pos("scale", scale)?;
        let w = Weibull::new(scale, shape).map_err(|e| err("shape", e.to_string()))?;
        let mean = scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape);
        if !mean.is_finite() {
            return Err(err(
                "shape",
                format!("`shape` {shape} is too small: the mean is infinite"),
            ));
        }
        Ok(Self {
            kind: Kind::Weibull(w),
            scale: 1.0,
            mean,
        })
    }

    /// Resamples uniformly from the observed `values`.
    pub fn empirical(values: Vec<f64>) -> Result<Self, DistError> {
        if values.is_empty() {
            return Err(err("values", "`values` must hold at least one number"));
        }
        for &v in &values {
            finite_nonneg("values", v)?;
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Ok(Self {
            kind: Kind::Empirical(values),
            scale: 1.0,
            mean,
        })
    }

    /// The distribution's expected value.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Whether every draw is zero (the mechanism it drives is switched off).
    pub fn is_zero(&self) -> bool {
        matches!(self.kind, Kind::Constant(v) if v == 0.0)
    }

    /// Whether every draw is exactly this distribution's mean.
    pub fn is_constant(&self) -> bool {
        matches!(self.kind, Kind::Constant(_))
    }

    /// The same distribution stretched in time by `factor` (> 0): each draw
    /// multiplied by it. Used for interarrival times under a load factor.
    pub fn scaled(&self, factor: f64) -> Self {
        if factor == 1.0 {
            return self.clone();
        }
        // A stretched exponential is an exponential: one division per draw
        // instead of a draw and a product.
        if let Kind::Exponential(_) = self.kind
            && let Ok(stretched) = Self::exponential(self.mean * factor)
        {
            return stretched;
        }
        Self {
            kind: self.kind.clone(),
            scale: self.scale * factor,
            mean: self.mean * factor,
        }
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // The exponential (every open stream's arrivals, the commonest
        // effort) is drawn here rather than through the match over every
        // kind, which the compiler keeps out of line: there, the generator's
        // state goes through memory on every draw. The same operations, so
        // the same numbers. Multiplying by 1 is exact: an unstretched draw is
        // unchanged.
        if let Kind::Exponential(d) = &self.kind {
            return d.sample(rng) * self.scale;
        }
        sample_kind(&self.kind, rng) * self.scale
    }
}

#[inline]
fn sample_kind<R: Rng + ?Sized>(kind: &Kind, rng: &mut R) -> f64 {
    match kind {
        Kind::Constant(v) => *v,
        Kind::Exponential(d) => d.sample(rng),
        Kind::Uniform(d) => d.sample(rng),
        Kind::Triangular(d) => d.sample(rng),
        Kind::Pert(d) => d.sample(rng),
        Kind::Normal(d) => loop {
            let x = d.sample(rng);
            if x >= 0.0 {
                break x;
            }
        },
        Kind::LogNormal(d) => d.sample(rng),
        Kind::Gamma(d) => d.sample(rng),
        Kind::Weibull(d) => d.sample(rng),
        Kind::Empirical(values) => {
            // Sample a u64 and reduce: never sample usize (platform-dependent).
            let i = (rng.next_u64() % values.len() as u64) as usize;
            values[i]
        }
    }
}

/// Mean of N(mean, sd²) conditioned on being >= 0.
fn truncated_normal_mean(mean: f64, sd: f64) -> f64 {
    let alpha = -mean / sd;
    let phi = (-0.5 * alpha * alpha).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let tail = 0.5 * statrs::function::erf::erfc(alpha / std::f64::consts::SQRT_2);
    mean + sd * phi / tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::RngFactory;

    fn sample_mean(d: &Dist, n: usize) -> f64 {
        let mut rng = RngFactory::new(1).stream(0, 0);
        (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_declared_means() {
        let cases = [
            Dist::exponential(2.0).unwrap(),
            Dist::uniform(1.0, 3.0).unwrap(),
            Dist::triangular(1.0, 2.0, 6.0).unwrap(),
            Dist::pert(1.0, 2.0, 6.0).unwrap(),
            Dist::normal(1.0, 2.0).unwrap(),
            Dist::lognormal(2.0, 1.0).unwrap(),
            Dist::gamma(10.0, 0.7).unwrap(),
            Dist::weibull(1.5, 3.0).unwrap(),
            Dist::empirical(vec![1.0, 2.0, 6.0]).unwrap(),
            Dist::exponential(2.0).unwrap().scaled(0.5),
        ];
        for d in &cases {
            let m = sample_mean(d, 200_000);
            // 200k draws: standard error <= ~0.01 for these; 0.05 is > 4 SE.
            assert!(
                (m - d.mean()).abs() < 0.05,
                "{d:?}: sample {m} vs mean {}",
                d.mean()
            );
        }
    }

    #[test]
    fn rejects_impossible_parameters() {
        assert_eq!(Dist::triangular(3.0, 2.0, 1.0).unwrap_err().param, "min");
        assert_eq!(Dist::triangular(1.0, 5.0, 3.0).unwrap_err().param, "mode");
        assert_eq!(Dist::exponential(0.0).unwrap_err().param, "mean");
        assert_eq!(Dist::exponential(f64::NAN).unwrap_err().param, "mean");
        assert_eq!(Dist::gamma(1.0, -1.0).unwrap_err().param, "cv");
        assert_eq!(Dist::empirical(vec![]).unwrap_err().param, "values");
        assert_eq!(Dist::constant(-1.0).unwrap_err().param, "value");
        assert_eq!(Dist::uniform(2.0, 1.0).unwrap_err().param, "max");
    }
}
