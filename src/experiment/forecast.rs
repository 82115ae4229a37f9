//! `orgsim forecast` (docs/model.md, "Forecasts"): every topology starts
//! with a backlog at day 0, and Monte Carlo over replications says when it
//! is done, how likely by a given day, and how much of it by then.

use rayon::prelude::*;
use statrs::distribution::{Binomial, DiscreteCDF};

use crate::engine::RngFactory;
use crate::model::spec::{InitialBacklog, ModelSpec, TopologySpec, Window};
use crate::model::{Recording, simulate, topology};
use crate::scenario::Scenario;
use crate::stats::Summary;

/// The quantiles of the completion day reported, as (probability, name).
pub const DONE_QUANTILES: [(f64, &str); 3] =
    [(0.5, "done_p50"), (0.85, "done_p85"), (0.95, "done_p95")];

/// The burn-up bands reported, as probabilities.
pub const BURNUP_BANDS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// What to forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastOptions {
    /// Items of each stream waiting at day 0, by stream index.
    pub backlog: Vec<u32>,
    /// No demand besides the backlog.
    pub no_arrivals: bool,
    /// Days simulated from day 0 (> 0).
    pub horizon: f64,
    /// The day `p_done_by` and `items_by` are read at (0 to `horizon`).
    pub by: f64,
    /// Replications per topology (>= 2).
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
}

/// One topology's replications: per replication, the days its backlog
/// items were done, sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct TopologyForecast {
    /// The topology's name.
    pub name: String,
    /// `done[r]`: the days replication `r`'s backlog items were done, in
    /// increasing order (fewer than the backlog when some were not done by
    /// the horizon).
    pub done: Vec<Vec<f64>>,
}

/// A forecast: every topology's replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The options it was run with.
    pub options: ForecastOptions,
    /// Backlog items in all.
    pub items: u64,
    /// Per topology, in run order.
    pub topologies: Vec<TopologyForecast>,
}

/// One row of `forecast.csv`: a quantity with its 95% interval. A day
/// beyond the horizon is `f64::INFINITY` (reported as "> horizon"); a
/// number the replications cannot back is NaN (reported empty).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The point estimate.
    pub estimate: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

/// `--backlog`: `N` (split over the streams by their arrival rates) or
/// `stream=N,...`, for `model`'s streams; the message says what is wrong.
pub fn parse_backlog(text: &str, model: &ModelSpec) -> Result<Vec<u32>, String> {
    let streams = &model.workload.streams;
    let count = |s: &str, what: &str| -> Result<u32, String> {
        match s.trim().parse::<i64>() {
            Ok(n) if n >= 1 && n <= i64::from(u32::MAX) => Ok(n as u32),
            Ok(n) => Err(format!(
                "--backlog {what}: {n} items; the backlog needs at least 1 item"
            )),
            Err(_) => Err(format!(
                "--backlog {what}: `{}` is not a whole number of items",
                s.trim()
            )),
        }
    };
    if !text.contains('=') {
        let n = count(text, "N")?;
        return Ok(split(n, model));
    }
    let mut items = vec![0_u32; streams.len()];
    for part in text.split(',') {
        let Some((name, n)) = part.split_once('=') else {
            return Err(format!(
                "--backlog: `{part}` is not STREAM=N (write `--backlog N` or `--backlog stream=N,...`)"
            ));
        };
        let name = name.trim();
        let Some(k) = streams.iter().position(|s| s.name == name) else {
            let names: Vec<&str> = streams.iter().map(|s| s.name.as_str()).collect();
            let hint = crate::scenario::suggest::did_you_mean(name, names.iter().copied());
            return Err(format!(
                "--backlog: no stream `{name}`{hint} (streams: {})",
                names.join(", ")
            ));
        };
        if items[k] > 0 {
            return Err(format!("--backlog: stream `{name}` is given twice"));
        }
        items[k] = count(n, name)?;
    }
    Ok(items)
}

/// `n` items over `model`'s streams in proportion to their long-run arrival
/// rates (all to the only stream; equally if no stream is open), by largest
/// remainder, ties to the earlier stream.
pub fn split(n: u32, model: &ModelSpec) -> Vec<u32> {
    let w = &model.workload;
    let mut rates: Vec<f64> = w
        .streams
        .iter()
        .map(|s| s.mean_rate(w.load).unwrap_or(0.0))
        .collect();
    if rates.iter().all(|&r| r <= 0.0 || !r.is_finite()) {
        rates = vec![1.0; rates.len()];
    }
    let total: f64 = rates.iter().sum();
    let shares: Vec<f64> = rates.iter().map(|r| f64::from(n) * r / total).collect();
    let mut items: Vec<u32> = shares.iter().map(|s| s.floor() as u32).collect();
    let mut left = n - items.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (shares[a] - shares[a].floor(), shares[b] - shares[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for k in order {
        if left == 0 {
            break;
        }
        items[k] += 1;
        left -= 1;
    }
    items
}

/// Runs the forecast of `scenario`'s topologies `specs` on the current
/// rayon pool: replication `r` of every topology draws from the same
/// streams, so the output never depends on the thread count.
pub fn run(scenario: &Scenario, specs: &[TopologySpec], options: &ForecastOptions) -> Forecast {
    let mut model = scenario.model.clone();
    model.workload.start = InitialBacklog {
        items: options.backlog.clone(),
        no_arrivals: options.no_arrivals,
    };
    let orgs: Vec<_> = specs.iter().map(|s| topology::build(&model, s)).collect();
    let window = Window {
        start: 0.0,
        horizon: options.horizon,
    };
    let reps = options.replications as usize;
    let roots = RngFactory::new(options.seed).replications(0, reps);
    let mut done: Vec<Vec<f64>> = (0..reps * orgs.len())
        .into_par_iter()
        .map(|job| {
            let (t, r) = (job / reps, job % reps);
            let outcome = simulate(
                &model,
                &orgs[t],
                window,
                scenario.run.limits,
                &roots[r],
                Recording::default(),
            );
            let mut days = outcome.backlog_done;
            days.sort_by(f64::total_cmp);
            days
        })
        .collect();
    let topologies = orgs
        .iter()
        .map(|org| TopologyForecast {
            name: org.name.clone(),
            done: done.drain(..reps).collect(),
        })
        .collect();
    Forecast {
        items: options.backlog.iter().map(|&n| u64::from(n)).sum(),
        options: options.clone(),
        topologies,
    }
}

impl TopologyForecast {
    /// Per replication, the day its whole backlog of `items` was done
    /// (`f64::INFINITY`: not by the horizon).
    pub fn done_days(&self, items: u64) -> Vec<f64> {
        self.done
            .iter()
            .map(|d| {
                if d.len() as u64 == items {
                    d.last().copied().unwrap_or(0.0)
                } else {
                    f64::INFINITY
                }
            })
            .collect()
    }

    /// Per replication, backlog items done by day `day`.
    pub fn items_by(&self, day: f64) -> Vec<f64> {
        self.done
            .iter()
            .map(|d| d.partition_point(|&t| t <= day) as f64)
            .collect()
    }
}

impl Forecast {
    /// The rows of `forecast.csv` for topology `t`, as (quantity, estimate).
    pub fn estimates(&self, t: &TopologyForecast) -> Vec<(&'static str, Estimate)> {
        let days = t.done_days(self.items);
        let mut sorted = days.clone();
        sorted.sort_by(f64::total_cmp);
        let mut rows: Vec<(&'static str, Estimate)> = DONE_QUANTILES
            .iter()
            .map(|&(p, name)| (name, quantile_with_ci(&sorted, p)))
            .collect();
        let mean = if days.iter().all(|d| d.is_finite()) {
            let s = Summary::of(&days);
            Estimate {
                estimate: s.mean,
                low: s.ci_low,
                high: s.ci_high,
            }
        } else {
            // Unknown: some replications were not done by the horizon.
            Estimate {
                estimate: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
            }
        };
        rows.push(("done_mean", mean));
        let by = self.options.by;
        let flags: Vec<f64> = days.iter().map(|&d| f64::from(u8::from(d <= by))).collect();
        let p = Summary::proportion(&flags);
        rows.push((
            "p_done_by",
            Estimate {
                estimate: p.mean,
                low: p.ci_low,
                high: p.ci_high,
            },
        ));
        let s = Summary::of(&t.items_by(by));
        // The t interval, kept within what can be done: 0 to every item.
        rows.push((
            "items_by",
            Estimate {
                estimate: s.mean,
                low: s.ci_low.max(0.0),
                high: s.ci_high.min(self.items as f64),
            },
        ));
        rows
    }

    /// Per topology, day `0..=horizon` and band: the quantile at each of
    /// [`BURNUP_BANDS`] over the replications of the backlog items done by
    /// that day.
    pub fn burnup(&self, t: &TopologyForecast) -> Vec<(u32, [f64; 5])> {
        let last = self.options.horizon.floor() as u32;
        (0..=last)
            .map(|day| {
                let mut counts = t.items_by(f64::from(day));
                counts.sort_by(f64::total_cmp);
                let mut bands = [0.0; 5];
                for (b, &p) in bands.iter_mut().zip(&BURNUP_BANDS) {
                    *b = order_statistic(&counts, p);
                }
                (day, bands)
            })
            .collect()
    }
}

/// The sample quantile of `sorted` at `p`: its ⌈p·n⌉-th value (1-based),
/// the inverse of the empirical distribution function.
pub fn order_statistic(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
    sorted[rank - 1]
}

/// The `p` quantile of the sample `sorted` (increasing, `INFINITY` for a
/// value beyond the horizon) with its distribution-free 95% interval: the
/// order statistics of ranks `l < u` with `l` the largest and `u` the
/// smallest such that P(Bin(n, p) < l) ≤ 2.5% and P(Bin(n, p) ≥ u) ≤ 2.5%,
/// so that P(X₍ₗ₎ ≤ q_p ≤ X₍ᵤ₎) ≥ 95% whatever the distribution. An end no
/// rank can give (too few replications) is NaN.
pub fn quantile_with_ci(sorted: &[f64], p: f64) -> Estimate {
    let n = sorted.len();
    let estimate = order_statistic(sorted, p);
    let Ok(bin) = Binomial::new(p, n as u64) else {
        return Estimate {
            estimate,
            low: f64::NAN,
            high: f64::NAN,
        };
    };
    // P(Bin < l) = cdf(l - 1); l = 0 stands for "no rank".
    let low_rank = (1..=n)
        .rev()
        .find(|&l| bin.cdf(l as u64 - 1) <= 0.025)
        .unwrap_or(0);
    let high_rank = (1..=n)
        .find(|&u| 1.0 - bin.cdf(u as u64 - 1) <= 0.025)
        .unwrap_or(0);
    let at = |rank: usize| {
        if rank == 0 {
            f64::NAN
        } else {
            sorted[rank - 1]
        }
    };
    Estimate {
        estimate,
        low: at(low_rank),
        high: at(high_rank),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quantile_interval_brackets_the_sample_quantile_and_covers_95_percent() {
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        let e = quantile_with_ci(&sorted, 0.5);
        assert_eq!(e.estimate, 50.0);
        assert!(e.low < 50.0 && e.high > 50.0, "{e:?}");
        let bin = Binomial::new(0.5, 100).unwrap();
        let (l, u) = (e.low as u64, e.high as u64);
        let coverage = bin.cdf(u - 1) - bin.cdf(l - 1);
        assert!(coverage >= 0.95, "coverage {coverage}");
        // One rank narrower on either side would cover less than 97.5% on that side.
        assert!(bin.cdf(l) > 0.025 && 1.0 - bin.cdf(u - 2) > 0.025);
    }

    #[test]
    fn too_few_replications_give_no_interval_end() {
        let e = quantile_with_ci(&[1.0, 2.0, 3.0], 0.95);
        assert_eq!(e.estimate, 3.0);
        assert!(e.high.is_nan(), "{e:?}");
    }
}
