//! Daily series over the whole run and the J-curve against a reference
//! (docs/model.md, "Over time: daily series and the break-even day").
//!
//! Per replication, every day from time 0 (warm-up included: the dip of a
//! move is its warm-up) gets the items done that day, their mean lead time
//! and their cost of delay; across replications each day is summarized with
//! a Student-t interval (the lead time's cut at 0, and none on a day with
//! too few items done). Against a reference, the cumulative differences are
//! taken replication by replication (common random numbers) before they are
//! summarized, and the break-even day is read off the mean and its bands.

use super::results::Experiment;
use crate::model::economics;
use crate::model::spec::ModelSpec;
use crate::model::{Organization, ReplicationOutcome};
use crate::stats::Summary;
pub use crate::stats::daily::{DailySeries, days_of};

/// The daily series of one replication `outcome` of `org`, which kept its
/// series, over `days` days; its series is dropped (no item's record is
/// kept longer than needed).
pub fn take_daily(
    outcome: &mut ReplicationOutcome,
    model: &ModelSpec,
    org: &Organization,
    days: usize,
) -> DailySeries {
    let e = model.economics.as_ref();
    let observed = outcome.saturated_at.unwrap_or(f64::INFINITY);
    let mut daily = DailySeries::from_completions(
        &outcome.series,
        &outcome.series_streams,
        &outcome.series_wip,
        days,
        observed,
        e.and_then(|e| e.delay_cost.as_deref()),
        e.and_then(|e| economics::people_cost(e, org)),
    );
    daily.people_cost_after = org.transition.as_ref().and_then(|tr| {
        e.and_then(|e| economics::people_cost(e, &tr.to))
            .map(|c| (tr.at, c))
    });
    outcome.series = Vec::new();
    outcome.series_streams = Vec::new();
    outcome.series_wip = Vec::new();
    daily
}

/// A daily quantity of one topology (the rows of `over_time.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyQuantity {
    /// Items done per day.
    Throughput,
    /// Mean lead time of the items done that day.
    LeadTime,
    /// Cost of delay of the items done that day (booked on completion).
    DelayCost,
    /// Cost of delay accrued that day by the items in the system.
    DelayAccrued,
}

impl DailyQuantity {
    /// Every quantity, in output order.
    pub const ALL: [DailyQuantity; 4] = [
        Self::Throughput,
        Self::LeadTime,
        Self::DelayCost,
        Self::DelayAccrued,
    ];

    /// The name in `over_time.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Throughput => "throughput",
            Self::LeadTime => "lead_time",
            Self::DelayCost => "delay_cost",
            Self::DelayAccrued => "delay_cost_accrued",
        }
    }

    /// The quantity called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.name() == name)
    }

    fn of(self, d: &DailySeries) -> &[f64] {
        match self {
            Self::Throughput => &d.throughput,
            Self::LeadTime => &d.lead_time,
            Self::DelayCost => &d.delay_cost,
            Self::DelayAccrued => &d.delay_accrued,
        }
    }
}

/// A cumulative difference of a topology against its reference (the rows
/// of `over_time_difference.csv`), signed so that a gain is positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CumulativeQuantity {
    /// Items done since day 0, topology − reference.
    ItemsDone,
    /// Cost of delay accrued since day 0, reference − topology (saved).
    DelayCostSaved,
    /// People cost since day 0, reference − topology (saved).
    PeopleCostSaved,
    /// The two savings together: the net money (with `delay_cost`).
    NetSaved,
}

impl CumulativeQuantity {
    /// Every quantity, in output order.
    pub const ALL: [CumulativeQuantity; 4] = [
        Self::ItemsDone,
        Self::DelayCostSaved,
        Self::PeopleCostSaved,
        Self::NetSaved,
    ];

    /// The name in `over_time_difference.csv` and `break_even.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ItemsDone => "items_done",
            Self::DelayCostSaved => "delay_cost_saved",
            Self::PeopleCostSaved => "people_cost_saved",
            Self::NetSaved => "net_saved",
        }
    }

    /// The quantity called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.name() == name)
    }
}

/// The items done on a day, across the replications, below which its mean
/// lead time gets no interval (docs/model.md, "Over time"): a t interval
/// over replications whose means rest on one or two items each would be a
/// confident-looking number the data cannot back.
pub const MIN_COMPLETIONS: f64 = 10.0;

/// Day-by-day summaries across replications: `days[d]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Mean and 95% t interval of each day, over the replications that
    /// have the day.
    pub days: Vec<Summary>,
}

impl Band {
    /// The band of per-replication series `series[r][d]` (missing values
    /// are left out of their day).
    pub fn of(series: &[Vec<f64>], days: usize) -> Band {
        Band {
            days: (0..days)
                .map(|d| {
                    let values: Vec<f64> = series
                        .iter()
                        .map(|s| s.get(d).copied().unwrap_or(f64::NAN))
                        .collect();
                    Summary::of(&values)
                })
                .collect(),
        }
    }

    /// The band of the daily lead time, a mean over the items done each
    /// day: `series[r][d]` as [`Band::of`], `done[r][d]` the items behind
    /// it. A lead time is never negative, so the t interval is cut at 0;
    /// and a day with fewer than [`MIN_COMPLETIONS`] items done across the
    /// replications has no interval (NaN: too few to say), only its mean.
    pub fn of_lead_time(series: &[Vec<f64>], done: &[Vec<f64>], days: usize) -> Band {
        let mut band = Band::of(series, days);
        for (d, s) in band.days.iter_mut().enumerate() {
            let items: f64 = (done.iter())
                .filter_map(|r| r.get(d).copied())
                .filter(|x| x.is_finite())
                .sum();
            if items < MIN_COMPLETIONS {
                s.ci_low = f64::NAN;
                s.ci_high = f64::NAN;
            } else {
                s.ci_low = s.ci_low.max(0.0);
            }
        }
        band
    }

    /// The break-even of this cumulative gain (see [`break_even`]).
    pub fn break_even(&self) -> BreakEven {
        let col = |f: fn(&Summary) -> f64| self.days.iter().map(f).collect::<Vec<f64>>();
        BreakEven {
            day: first_for_good(&col(|s| s.mean)),
            earliest: first_for_good(&col(|s| s.ci_high)),
            latest: first_for_good(&col(|s| s.ci_low)),
        }
    }
}

/// When a cumulative gain pays for its dip (docs/model.md, "Over time").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakEven {
    /// The first day from which the mean cumulative gain stays ≥ 0 to the
    /// horizon; `None`: no break-even within the horizon.
    pub day: Option<usize>,
    /// The same day for the upper 95% band: the low end of the interval.
    pub earliest: Option<usize>,
    /// The same day for the lower 95% band: the high end of the interval;
    /// `None`: beyond the horizon (the gain is not sure by its end).
    pub latest: Option<usize>,
}

/// The first day `d` such that `values[k] ≥ 0` for every `k ≥ d`; `None`
/// when the last value is negative or missing (no such day within the
/// series).
pub fn first_for_good(values: &[f64]) -> Option<usize> {
    let below = values.iter().rposition(|v| v.is_nan() || *v < 0.0);
    match below {
        None => Some(0),
        Some(i) if i + 1 < values.len() => Some(i + 1),
        Some(_) => None,
    }
}

/// [`first_for_good`] of the mean, upper and lower bands of `band`.
pub fn break_even(band: &Band) -> BreakEven {
    band.break_even()
}

/// A topology's daily series, summarized.
#[derive(Debug, Clone, PartialEq)]
pub struct TopologyOverTime {
    /// The topology.
    pub name: String,
    /// Per quantity it has (no delay cost without `delay_cost`), its band.
    pub bands: Vec<(DailyQuantity, Band)>,
}

/// A topology against its reference.
#[derive(Debug, Clone, PartialEq)]
pub struct PairOverTime {
    /// The topology (e.g. a transition).
    pub topology: String,
    /// What it is compared with (for a transition, its `from`: staying put).
    pub reference: String,
    /// Per cumulative quantity the scenario has, its band.
    pub bands: Vec<(CumulativeQuantity, Band)>,
}

impl PairOverTime {
    /// The band of `q`, if the pair has it.
    pub fn band(&self, q: CumulativeQuantity) -> Option<&Band> {
        self.bands.iter().find(|(k, _)| *k == q).map(|(_, b)| b)
    }

    /// The quantity the break-even is read from: the net money saved when
    /// the scenario prices delay, else the items done.
    pub fn basis(&self) -> CumulativeQuantity {
        if self.band(CumulativeQuantity::NetSaved).is_some() {
            CumulativeQuantity::NetSaved
        } else {
            CumulativeQuantity::ItemsDone
        }
    }
}

/// Everything the over-time outputs show.
#[derive(Debug, Clone, PartialEq)]
pub struct OverTime {
    /// Days since time 0 (warm-up included).
    pub days: usize,
    /// Replications behind each band.
    pub replications: usize,
    /// Per topology with daily series, in run order.
    pub topologies: Vec<TopologyOverTime>,
    /// Per requested pair.
    pub pairs: Vec<PairOverTime>,
}

/// Why the over-time outputs cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverTimeError {
    /// A pair names a topology the run does not have.
    #[error("--over-time: no topology `{name}` in this run (it has {known})")]
    UnknownTopology {
        /// The name given.
        name: String,
        /// The topologies run, comma-separated.
        known: String,
    },
    /// A pair compares a topology with itself.
    #[error("--over-time: `{0}` is compared with itself")]
    SamePair(String),
    /// A topology kept no daily series (the run was not asked for them).
    #[error("topology `{0}` kept no daily series: run with --over-time")]
    NoSeries(String),
}

/// Every topology of `exp` against the first (the baseline).
pub fn against_baseline(exp: &Experiment) -> Vec<(String, String)> {
    let Some(base) = exp.topologies.first() else {
        return Vec::new();
    };
    exp.topologies
        .iter()
        .skip(1)
        .map(|t| (t.name.clone(), base.name.clone()))
        .collect()
}

/// Checks that each `(topology, reference)` of `pairs` names two different
/// topologies of `names`.
pub fn check_pairs(pairs: &[(String, String)], names: &[String]) -> Result<(), OverTimeError> {
    for (t, r) in pairs {
        for n in [t, r] {
            if !names.contains(n) {
                return Err(OverTimeError::UnknownTopology {
                    name: n.clone(),
                    known: names.join(", "),
                });
            }
        }
        if t == r {
            return Err(OverTimeError::SamePair(t.clone()));
        }
    }
    Ok(())
}

/// The per-replication cumulative gain `q` of `t` against `r` over `days`
/// days: items done topology − reference; costs reference − topology, the
/// cost of delay as accrued day by day by the items in the system (booked
/// on completion, a topology that finishes more items early would look
/// costlier for it). A day either replication did not observe breaks the
/// sum from there on.
pub fn cumulative_gain(
    q: CumulativeQuantity,
    t: &DailySeries,
    r: &DailySeries,
    days: usize,
) -> Vec<f64> {
    let at = |v: &[f64], d: usize| v.get(d).copied().unwrap_or(f64::NAN);
    // The people cost is a rate per day (a transition's changes at its switch).
    let people = |d: usize| match (t.people_cost_on(d), r.people_cost_on(d)) {
        (Some(a), Some(b)) => b - a,
        _ => f64::NAN,
    };
    let mut sum = 0.0;
    (0..days)
        .map(|d| {
            let seen = at(&t.throughput, d).is_finite() && at(&r.throughput, d).is_finite();
            let delay = at(&r.delay_accrued, d) - at(&t.delay_accrued, d);
            sum += if !seen {
                f64::NAN
            } else {
                match q {
                    CumulativeQuantity::ItemsDone => at(&t.throughput, d) - at(&r.throughput, d),
                    CumulativeQuantity::DelayCostSaved => delay,
                    CumulativeQuantity::PeopleCostSaved => people(d),
                    CumulativeQuantity::NetSaved if people(d).is_nan() => delay,
                    CumulativeQuantity::NetSaved => delay + people(d),
                }
            };
            sum
        })
        .collect()
}

/// The over-time outputs of `exp` (run with daily series kept) for the
/// `(topology, reference)` `pairs`.
pub fn compute(exp: &Experiment, pairs: &[(String, String)]) -> Result<OverTime, OverTimeError> {
    let names: Vec<String> = exp.topologies.iter().map(|t| t.name.clone()).collect();
    check_pairs(pairs, &names)?;
    let days = days_of(exp.scenario.run.window(warmup_of(exp)).end());
    let mut topologies = Vec::new();
    for t in &exp.topologies {
        if t.daily.is_empty() {
            return Err(OverTimeError::NoSeries(t.name.clone()));
        }
        let has_cost = t.daily.iter().any(|d| !d.delay_cost.is_empty());
        let bands = DailyQuantity::ALL
            .into_iter()
            .filter(|q| {
                !matches!(q, DailyQuantity::DelayCost | DailyQuantity::DelayAccrued) || has_cost
            })
            .map(|q| {
                let series: Vec<Vec<f64>> = t.daily.iter().map(|d| q.of(d).to_vec()).collect();
                let band = if q == DailyQuantity::LeadTime {
                    let done: Vec<Vec<f64>> =
                        t.daily.iter().map(|d| d.throughput.clone()).collect();
                    Band::of_lead_time(&series, &done, days)
                } else {
                    Band::of(&series, days)
                };
                (q, band)
            })
            .collect();
        topologies.push(TopologyOverTime {
            name: t.name.clone(),
            bands,
        });
    }
    let economics = exp.scenario.model.economics.as_ref();
    let has_delay = economics.is_some_and(|e| e.delay_cost.is_some());
    let has_people = economics.is_some_and(|e| e.person_cost.is_some());
    let mut out_pairs = Vec::new();
    for (t, r) in pairs {
        let (Some(ts), Some(rs)) = (exp.topology(t), exp.topology(r)) else {
            continue;
        };
        // With warm-ups of their own (MSER-5), two topologies may run for
        // different lengths: they are compared over the days both ran.
        let length = |x: &super::TopologyResults| {
            x.daily
                .iter()
                .map(|d| d.throughput.len())
                .min()
                .unwrap_or(0)
        };
        let days = length(ts).min(length(rs));
        let bands = CumulativeQuantity::ALL
            .into_iter()
            .filter(|q| match q {
                CumulativeQuantity::ItemsDone => true,
                CumulativeQuantity::DelayCostSaved | CumulativeQuantity::NetSaved => has_delay,
                CumulativeQuantity::PeopleCostSaved => has_people,
            })
            .map(|q| {
                let series: Vec<Vec<f64>> = ts
                    .daily
                    .iter()
                    .zip(&rs.daily)
                    .map(|(a, b)| cumulative_gain(q, a, b, days))
                    .collect();
                (q, Band::of(&series, days))
            })
            .collect();
        out_pairs.push(PairOverTime {
            topology: t.clone(),
            reference: r.clone(),
            bands,
        });
    }
    Ok(OverTime {
        days,
        replications: exp.topologies.first().map_or(0, |t| t.daily.len()),
        topologies,
        pairs: out_pairs,
    })
}

/// The longest warm-up any topology was measured after (the run lasts its
/// warm-up plus the horizon).
fn warmup_of(exp: &Experiment) -> f64 {
    exp.topologies
        .iter()
        .filter_map(|t| t.metric(crate::model::Metric::Warmup.name()))
        .flatten()
        .copied()
        .filter(|w| w.is_finite())
        .fold(exp.scenario.run.warmup.start(), f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_for_good_finds_the_last_crossing() {
        assert_eq!(first_for_good(&[0.0, -1.0, -3.0, -2.0, 0.0, 2.0]), Some(4));
        assert_eq!(first_for_good(&[1.0, -1.0, 2.0]), Some(2));
        assert_eq!(first_for_good(&[0.0, 1.0]), Some(0));
        assert_eq!(first_for_good(&[1.0, 2.0, -0.5]), None);
        assert_eq!(first_for_good(&[1.0, f64::NAN]), None);
        assert_eq!(first_for_good(&[]), Some(0));
    }
}
