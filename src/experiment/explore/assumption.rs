//! Uncertain assumptions: a `--set` path and the distribution of what the
//! user believes its value is, mapped from a coordinate in [0, 1) through the
//! distribution's quantile function.

use statrs::distribution::{
    Beta, ContinuousCDF, Exp, Gamma, LogNormal, Normal, Triangular, Uniform, Weibull,
};
use toml::Value;

/// The share of each tail cut off an unbounded distribution, so that every
/// design coordinate maps to a finite value: its 0.1% and 99.9% quantiles
/// are its ends.
pub const TAIL: f64 = 0.001;

/// What a user believes an uncertain value to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Belief {
    /// A range `[min, max]`: uniform over it, and its ends are what a
    /// tornado tries.
    Range {
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
    },
    /// Every value in `[min, max]` equally likely.
    Uniform {
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
    },
    /// Triangular on `[min, max]` with its peak at `mode`.
    Triangular {
        /// Lowest value.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Highest value.
        max: f64,
    },
    /// PERT (a scaled beta) on `[min, max]` with its peak at `mode`.
    Pert {
        /// Lowest value.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Highest value.
        max: f64,
    },
    /// Normal with this mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Lognormal with this mean and standard deviation (of the value itself).
    LogNormal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Gamma with this mean and coefficient of variation.
    Gamma {
        /// Mean.
        mean: f64,
        /// Standard deviation over the mean.
        cv: f64,
    },
    /// Exponential with this mean.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// Weibull with this shape and scale.
    Weibull {
        /// Shape.
        shape: f64,
        /// Scale.
        scale: f64,
    },
    /// Each of these values equally likely (sorted ascending).
    Empirical(Vec<f64>),
}

impl Belief {
    /// Reads a belief written as a scenario distribution table
    /// (`{ dist = "uniform", min = 0, max = 20 }`) or as `[min, max]` (a
    /// range), checking its parameters.
    pub fn from_value(v: &Value) -> Result<Belief, String> {
        let number = |v: &Value| match v {
            Value::Integer(i) => Some(*i as f64),
            Value::Float(x) if x.is_finite() => Some(*x),
            _ => None,
        };
        let belief = match v {
            Value::Array(a) => match a.as_slice() {
                [lo, hi] => match (number(lo), number(hi)) {
                    (Some(min), Some(max)) => Belief::Range { min, max },
                    _ => return Err("a range is two numbers, [min, max]".into()),
                },
                _ => return Err("a range is two numbers, [min, max]".into()),
            },
            Value::Table(t) => {
                let Some(kind) = t.get("dist").and_then(Value::as_str) else {
                    return Err(
                        "expected a distribution table with `dist` (e.g. { dist = \"uniform\", min = 0, max = 20 }) or a range [min, max]"
                            .into(),
                    );
                };
                let known: &[&str] = match kind {
                    "uniform" => &["min", "max"],
                    "triangular" | "pert" => &["min", "mode", "max"],
                    "normal" | "lognormal" => &["mean", "sd"],
                    "gamma" => &["mean", "cv"],
                    "exponential" => &["mean"],
                    "weibull" => &["shape", "scale"],
                    "empirical" => &["values"],
                    other => {
                        return Err(format!(
                            "unknown distribution `{other}` for an uncertain value (expected uniform, triangular, pert, normal, lognormal, gamma, exponential, weibull or empirical)"
                        ));
                    }
                };
                for key in t.keys() {
                    if key != "dist" && !known.contains(&key.as_str()) {
                        return Err(format!(
                            "`{key}` is not a parameter of `{kind}` (it takes {})",
                            known.join(", ")
                        ));
                    }
                }
                if kind == "empirical" {
                    let Some(Value::Array(values)) = t.get("values") else {
                        return Err("`empirical` needs `values = [...]`".into());
                    };
                    let mut xs = values
                        .iter()
                        .map(|v| number(v).ok_or("`values` must be finite numbers".to_string()))
                        .collect::<Result<Vec<_>, _>>()?;
                    if xs.is_empty() {
                        return Err("`values` is empty".into());
                    }
                    xs.sort_by(f64::total_cmp);
                    return Ok(Belief::Empirical(xs));
                }
                let mut p = Vec::with_capacity(known.len());
                for key in known {
                    match t.get(*key).map(number) {
                        Some(Some(x)) => p.push(x),
                        Some(None) => return Err(format!("`{key}` must be a finite number")),
                        None => return Err(format!("`{kind}` needs `{key}`")),
                    }
                }
                match kind {
                    "uniform" => Belief::Uniform {
                        min: p[0],
                        max: p[1],
                    },
                    "triangular" => Belief::Triangular {
                        min: p[0],
                        mode: p[1],
                        max: p[2],
                    },
                    "pert" => Belief::Pert {
                        min: p[0],
                        mode: p[1],
                        max: p[2],
                    },
                    "normal" => Belief::Normal {
                        mean: p[0],
                        sd: p[1],
                    },
                    "lognormal" => Belief::LogNormal {
                        mean: p[0],
                        sd: p[1],
                    },
                    "gamma" => Belief::Gamma {
                        mean: p[0],
                        cv: p[1],
                    },
                    "exponential" => Belief::Exponential { mean: p[0] },
                    _ => Belief::Weibull {
                        shape: p[0],
                        scale: p[1],
                    },
                }
            }
            _ => {
                return Err(
                    "expected a distribution table (e.g. { dist = \"uniform\", min = 0, max = 20 }) or a range [min, max]"
                        .into(),
                );
            }
        };
        belief.check()?;
        Ok(belief)
    }

    fn check(&self) -> Result<(), String> {
        let ok = match *self {
            Belief::Range { min, max } | Belief::Uniform { min, max } => min < max,
            Belief::Triangular { min, mode, max } | Belief::Pert { min, mode, max } => {
                min < max && (min..=max).contains(&mode)
            }
            Belief::Normal { sd, .. } => sd > 0.0,
            Belief::LogNormal { mean, sd } => mean > 0.0 && sd > 0.0,
            Belief::Gamma { mean, cv } => mean > 0.0 && cv > 0.0,
            Belief::Exponential { mean } => mean > 0.0,
            Belief::Weibull { shape, scale } => shape > 0.0 && scale > 0.0,
            Belief::Empirical(_) => true,
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{self:?} is not a distribution (need min < max, min ≤ mode ≤ max, positive spreads and means)"
            ))
        }
    }

    /// Whether the distribution has finite ends of its own.
    pub fn is_bounded(&self) -> bool {
        matches!(
            self,
            Belief::Range { .. }
                | Belief::Uniform { .. }
                | Belief::Triangular { .. }
                | Belief::Pert { .. }
                | Belief::Empirical(_)
        )
    }

    /// The `p`-quantile (`p` in [0, 1]). Unbounded distributions are cut at
    /// their [`TAIL`] quantiles, so that `p = 0` and `p = 1` are finite.
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        if self.is_bounded() {
            self.inverse_cdf(p)
        } else {
            self.inverse_cdf(TAIL + (1.0 - 2.0 * TAIL) * p)
        }
    }

    /// The exact `q`-quantile (`q` in [0, 1]; infinite at the open ends of
    /// an unbounded distribution).
    pub fn inverse_cdf(&self, q: f64) -> f64 {
        // The parameters were checked when the belief was read, so every
        // constructor below succeeds.
        let inverse = |d: &dyn ContinuousCDF<f64, f64>| d.inverse_cdf(q);
        match *self {
            Belief::Range { min, max } | Belief::Uniform { min, max } => {
                inverse(&Uniform::new(min, max).expect("checked"))
            }
            Belief::Triangular { min, mode, max } => {
                inverse(&Triangular::new(min, max, mode).expect("checked"))
            }
            Belief::Pert { min, mode, max } => {
                let w = max - min;
                let a = 1.0 + 4.0 * (mode - min) / w;
                let b = 1.0 + 4.0 * (max - mode) / w;
                min + w * inverse(&Beta::new(a, b).expect("checked"))
            }
            Belief::Normal { mean, sd } => inverse(&Normal::new(mean, sd).expect("checked")),
            Belief::LogNormal { mean, sd } => {
                let s2 = (1.0 + (sd / mean).powi(2)).ln();
                let mu = mean.ln() - s2 / 2.0;
                inverse(&LogNormal::new(mu, s2.sqrt()).expect("checked"))
            }
            Belief::Gamma { mean, cv } => {
                let shape = 1.0 / (cv * cv);
                inverse(&Gamma::new(shape, shape / mean).expect("checked"))
            }
            Belief::Exponential { mean } => inverse(&Exp::new(1.0 / mean).expect("checked")),
            Belief::Weibull { shape, scale } => {
                inverse(&Weibull::new(shape, scale).expect("checked"))
            }
            Belief::Empirical(ref xs) => {
                let i = ((q * xs.len() as f64) as usize).min(xs.len() - 1);
                xs[i]
            }
        }
    }
}

/// One uncertain assumption: a `--set` path and what the user believes of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    /// The dotted path, as `--set` takes it.
    pub path: String,
    /// The distribution of its value.
    pub belief: Belief,
    /// Whether the path holds a whole number (a headcount, a WIP): values are
    /// then rounded.
    pub integer: bool,
}

impl Assumption {
    /// Parses `PATH=DIST`, where DIST is a distribution table or a range
    /// `[min, max]` in TOML (`--uncertain 'coordination.handoff=[0, 4]'`).
    pub fn parse(arg: &str) -> Result<Assumption, String> {
        let Some((path, dist)) = arg.split_once('=') else {
            return Err(format!(
                "`--uncertain {arg}`: expected PATH=DIST (e.g. coordination.intake_cadence=[0, 20]), found no `=`"
            ));
        };
        let path = path.trim();
        if path.is_empty() || path.split('.').any(|s| s.trim().is_empty()) {
            return Err(format!(
                "`--uncertain {arg}`: PATH `{path}` is not a dotted path"
            ));
        }
        let value = format!("v = {}", dist.trim())
            .parse::<toml::Table>()
            .map_err(|_| {
                format!(
                    "`--uncertain {arg}`: `{}` is not a TOML distribution table or range",
                    dist.trim()
                )
            })?
            .remove("v")
            .expect("the key was just written");
        let belief = Belief::from_value(&value).map_err(|e| format!("`--uncertain {arg}`: {e}"))?;
        Ok(Assumption {
            path: path.to_owned(),
            belief,
            integer: false,
        })
    }

    /// The value at design coordinate `u` in [0, 1]: the belief's quantile,
    /// rounded for an integer path.
    pub fn value_at(&self, u: f64) -> f64 {
        let x = self.belief.quantile(u);
        if self.integer { x.round() } else { x }
    }

    /// The two values a tornado tries: a range's ends, else the belief's 5%
    /// and 95% quantiles.
    pub fn tornado_ends(&self) -> (f64, f64) {
        match self.belief {
            Belief::Range { min, max } => (min, max),
            _ => {
                let at = |q| {
                    let x = self.belief.inverse_cdf(q);
                    if self.integer { x.round() } else { x }
                };
                (at(0.05), at(0.95))
            }
        }
    }

    /// The value as a TOML value for the override.
    pub fn toml_value(&self, x: f64) -> Value {
        if self.integer {
            Value::Integer(x as i64)
        } else {
            Value::Float(x)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_the_distributions() {
        let u = Belief::Uniform { min: 2.0, max: 6.0 };
        assert_eq!(u.quantile(0.0), 2.0);
        assert!((u.quantile(0.25) - 3.0).abs() < 1e-12);
        assert_eq!(u.quantile(1.0), 6.0);
        let e = Belief::Exponential { mean: 2.0 };
        // Median of an exponential: mean · ln 2; the ends are the 0.1% tails.
        assert!((e.quantile(0.5) - 2.0 * 2f64.ln()).abs() < 1e-9);
        assert!((e.quantile(1.0) - (-2.0 * (TAIL).ln())).abs() < 1e-6);
        let t = Belief::Triangular {
            min: 0.0,
            mode: 0.0,
            max: 1.0,
        };
        // F(x) = 1 - (1 - x)^2, so the median is 1 - 1/sqrt 2.
        assert!((t.quantile(0.5) - (1.0 - 0.5f64.sqrt())).abs() < 1e-9);
        let ln = Belief::LogNormal { mean: 3.0, sd: 1.0 };
        let median = 3.0 / (1.0 + 1.0 / 9.0f64).sqrt();
        assert!((ln.quantile(0.5) - median).abs() < 1e-9);
        let p = Belief::Pert {
            min: 0.0,
            mode: 5.0,
            max: 10.0,
        };
        assert!((p.quantile(0.5) - 5.0).abs() < 1e-9, "symmetric PERT");
    }

    #[test]
    fn beliefs_are_read_and_checked() {
        let a = Assumption::parse("coordination.intake_cadence=[0, 20]").unwrap();
        assert_eq!(
            a.belief,
            Belief::Range {
                min: 0.0,
                max: 20.0
            }
        );
        assert_eq!(a.tornado_ends(), (0.0, 20.0));
        let u = Assumption::parse("x={ dist = \"uniform\", min = 0, max = 20 }").unwrap();
        let (lo, hi) = u.tornado_ends();
        assert!(
            (lo - 1.0).abs() < 1e-9 && (hi - 19.0).abs() < 1e-9,
            "5% and 95%"
        );
        let a = Assumption::parse("x.y={ dist = \"gamma\", mean = 2, cv = 0.5 }").unwrap();
        assert_eq!(a.belief, Belief::Gamma { mean: 2.0, cv: 0.5 });
        for bad in [
            "x=[3, 1]",
            "x=[1]",
            "x={ dist = \"uniform\", min = 1 }",
            "x={ dist = \"normal\", mean = 1, sd = -1 }",
            "x={ dist = \"uniform\", min = 0, max = 1, mode = 0 }",
            "x={ dist = \"bogus\" }",
            "x=fast",
            "=[0, 1]",
            "x",
        ] {
            assert!(Assumption::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
