//! Seasonal demand (docs/model.md, "Seasonal demand"): a stream's
//! `rate_profile` multiplies its arrival rate piecewise over equal parts of a
//! period, and the load analysis looks at the busiest part as well as at the
//! average.
//!
//! The profile is a time change: the stream's base renewal process (its
//! `interarrival` distribution, scaled by `load`) runs in *operational* time
//! `u = M(t)`, where `M(t) = ∫₀ᵗ c(s) ds` is the cumulative multiplier, and
//! an arrival at operational time `u` happens at the first real time `t`
//! with `M(t) = u`. For Poisson arrivals this is exactly the
//! non-homogeneous Poisson process of rate `λ·c(t)`; for any other base the
//! expected number of arrivals in a part of multiplier `c` is `λ·c·length`
//! in the long run, and the gaps inside a part are the base gaps divided by
//! `c`.

use super::capacity::{self, LoadReport};
use super::spec::{Arrivals, ModelSpec};
use super::topology;
use super::warning::{Warning, WarningKind};
use crate::util::fmt::number;

/// A valid rate profile: a period > 0 and at least one multiplier, every
/// one finite and ≥ 0, not all zero.
#[derive(Debug, Clone, PartialEq)]
pub struct RateProfile {
    period: f64,
    multipliers: Vec<f64>,
    /// `cum[j]`: the operational time at the start of part `j` (`cum[n]` is
    /// that of a whole period).
    cum: Vec<f64>,
}

/// Why a rate profile is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RateProfileError {
    /// The period is not a finite number > 0.
    #[error("the period must be a number of days > 0")]
    Period,
    /// No multipliers.
    #[error("needs at least one multiplier")]
    Empty,
    /// A multiplier is negative or not finite.
    #[error("every multiplier must be a finite number >= 0")]
    Negative,
    /// Every multiplier is zero: the stream would never send anything.
    #[error("the multipliers are all zero: the stream would send no items at all")]
    AllZero,
}

impl RateProfile {
    /// The profile of `multipliers` over equal parts of `period` days.
    pub fn new(period: f64, multipliers: Vec<f64>) -> Result<Self, RateProfileError> {
        if !(period.is_finite() && period > 0.0) {
            return Err(RateProfileError::Period);
        }
        if multipliers.is_empty() {
            return Err(RateProfileError::Empty);
        }
        if multipliers.iter().any(|c| !(c.is_finite() && *c >= 0.0)) {
            return Err(RateProfileError::Negative);
        }
        if multipliers.iter().all(|c| *c == 0.0) {
            return Err(RateProfileError::AllZero);
        }
        let part = period / multipliers.len() as f64;
        let mut cum = Vec::with_capacity(multipliers.len() + 1);
        let mut acc = 0.0;
        cum.push(acc);
        for c in &multipliers {
            acc += c * part;
            cum.push(acc);
        }
        Ok(Self {
            period,
            multipliers,
            cum,
        })
    }

    /// The period, in days.
    pub fn period(&self) -> f64 {
        self.period
    }

    /// The multipliers, one per equal part of the period.
    pub fn multipliers(&self) -> &[f64] {
        &self.multipliers
    }

    /// The length of one part, in days.
    pub fn part_length(&self) -> f64 {
        self.period / self.multipliers.len() as f64
    }

    /// The mean multiplier over a period: the stream's long-run rate is its
    /// base rate times this.
    pub fn mean(&self) -> f64 {
        self.multipliers.iter().sum::<f64>() / self.multipliers.len() as f64
    }

    /// The highest multiplier.
    pub fn peak(&self) -> f64 {
        self.multipliers.iter().copied().fold(0.0, f64::max)
    }

    /// The multiplier in force at day `t` (≥ 0).
    pub fn multiplier_at(&self, t: f64) -> f64 {
        let r = t.rem_euclid(self.period);
        let j = ((r / self.part_length()) as usize).min(self.multipliers.len() - 1);
        self.multipliers[j]
    }

    /// `M(t)`: the operational time at day `t` (≥ 0), the integral of the
    /// multiplier from 0 to `t`.
    pub fn operational(&self, t: f64) -> f64 {
        let periods = (t / self.period).floor();
        let r = t - periods * self.period;
        let part = self.part_length();
        let j = ((r / part) as usize).min(self.multipliers.len() - 1);
        periods * self.cum[self.multipliers.len()]
            + self.cum[j]
            + self.multipliers[j] * (r - j as f64 * part)
    }

    /// The inverse of [`Self::operational`]: the first day `t` with
    /// `M(t) = u` (`u` ≥ 0), so that no arrival falls in a part of
    /// multiplier 0.
    pub fn real_time(&self, u: f64) -> f64 {
        let n = self.multipliers.len();
        let whole = self.cum[n];
        let mut periods = (u / whole).floor();
        let mut r = u - periods * whole;
        if r <= 0.0 {
            if periods <= 0.0 {
                return 0.0;
            }
            // A whole number of periods of operational time is first
            // reached where the last positive part of the period before
            // ends, not where the next period starts.
            periods -= 1.0;
            r = whole;
        }
        let start = periods * self.period;
        // The first part whose end reaches `r`: it has a multiplier > 0
        // (a part of multiplier 0 ends where the one before it does).
        let j = self.cum[1..].partition_point(|&c| c < r).min(n - 1);
        let c = self.multipliers[j];
        let within = if c > 0.0 {
            ((r - self.cum[j]) / c).min(self.part_length())
        } else {
            self.part_length()
        };
        start + j as f64 * self.part_length() + within
    }
}

/// One stretch of a period over which every profiled stream's multiplier
/// is constant (a phase), for the load at the busiest part.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// First day of the phase within the period.
    pub from: f64,
    /// Day the phase ends.
    pub to: f64,
    /// The multiplier of each stream (1 for a stream without a profile).
    pub multipliers: Vec<f64>,
}

/// The phases of `model`'s profiled streams. When they all share one
/// period, every stretch between two part boundaries of any of them, in
/// order (exact). Otherwise one phase with every stream at its highest
/// multiplier at once (a bound: the peaks may never coincide) — `bound`
/// says which. No phases without a profile.
pub fn phases(model: &ModelSpec) -> (Vec<Phase>, bool) {
    let profiles: Vec<Option<&RateProfile>> = model
        .workload
        .streams
        .iter()
        .map(|s| s.rate_profile.as_ref())
        .collect();
    let Some(first) = profiles.iter().flatten().next() else {
        return (Vec::new(), false);
    };
    let period = first.period();
    if profiles.iter().flatten().any(|p| p.period() != period) {
        let peak = Phase {
            from: 0.0,
            to: period,
            multipliers: profiles
                .iter()
                .map(|p| p.map_or(1.0, |p| p.peak()))
                .collect(),
        };
        return (vec![peak], true);
    }
    let mut cuts: Vec<f64> = vec![0.0, period];
    for p in profiles.iter().flatten() {
        cuts.extend((1..p.multipliers().len()).map(|j| j as f64 * p.part_length()));
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let phases = cuts
        .windows(2)
        .filter(|w| w[1] > w[0])
        .map(|w| {
            let mid = 0.5 * (w[0] + w[1]);
            Phase {
                from: w[0],
                to: w[1],
                multipliers: profiles
                    .iter()
                    .map(|p| p.map_or(1.0, |p| p.multiplier_at(mid)))
                    .collect(),
            }
        })
        .collect();
    (phases, false)
}

/// `model` with every open stream's rate held at its multiplier in `phase`
/// (and no profile): the offered load during that phase.
fn at_phase(model: &ModelSpec, phase: &Phase) -> ModelSpec {
    let mut m = model.clone();
    for (s, &c) in m.workload.streams.iter_mut().zip(&phase.multipliers) {
        if let Arrivals::Open(d) = &s.arrivals
            && c > 0.0
        {
            s.arrivals = Arrivals::Open(d.scaled(1.0 / c));
        }
        s.rate_profile = None;
    }
    m
}

/// The busiest phase of one topology: where its highest utilization is.
#[derive(Debug, Clone)]
pub struct PeakLoad {
    /// The topology's name.
    pub topology: String,
    /// The phase of the highest utilization.
    pub phase: Phase,
    /// Whether the phase is the coincidence bound (see [`phases`]).
    pub bound: bool,
    /// The load analysis during that phase (every utilization of the
    /// topology at the rates of that phase; the teams as split for the
    /// average rates).
    pub report: LoadReport,
    /// The highest utilization of any team, leader or bar raisers then.
    pub utilization: f64,
}

/// The highest utilization of anything in `report`: a team's people of one
/// skill, a leader, the executive or the bar raisers.
pub fn highest(report: &LoadReport) -> f64 {
    let pools = report.pools.iter().map(capacity::PoolLoad::utilization);
    let leaders = report.leaders.iter().map(|l| l.utilization);
    let reviewers = report.reviewers.iter().map(|r| r.utilization);
    pools.chain(leaders).chain(reviewers).fold(0.0, f64::max)
}

/// Per topology, the load in its busiest phase; empty when no stream has a
/// rate profile. Each topology keeps the split of people made for the
/// average rates: a profile changes demand over time, not the organization.
pub fn peak_loads(model: &ModelSpec) -> Vec<PeakLoad> {
    let (phases, bound) = phases(model);
    if phases.is_empty() {
        return Vec::new();
    }
    let phase_models: Vec<ModelSpec> = phases.iter().map(|p| at_phase(model, p)).collect();
    model
        .topologies
        .iter()
        .map(|spec| {
            let org = topology::build(model, spec);
            let mut best: Option<(usize, LoadReport, f64)> = None;
            for (i, m) in phase_models.iter().enumerate() {
                let report = capacity::analyse_org(m, org.clone());
                let u = highest(&report);
                if best.as_ref().is_none_or(|(_, _, b)| u > *b) {
                    best = Some((i, report, u));
                }
            }
            let (i, report, utilization) = best.expect("at least one phase");
            PeakLoad {
                topology: spec.name.clone(),
                phase: phases[i].clone(),
                bound,
                report,
                utilization,
            }
        })
        .collect()
}

/// The warnings of a topology whose average load is below capacity but
/// whose busiest phase is not: its queues grow during that phase and drain
/// only after it. `average` is the topology's analysis at the average rates.
pub fn peak_warnings(model: &ModelSpec, peak: &PeakLoad, average: &LoadReport) -> Vec<Warning> {
    if highest(average) >= 1.0 || peak.utilization < 1.0 {
        return Vec::new();
    }
    let when = if peak.bound {
        "if every stream's peak fell at once (their periods differ)".to_string()
    } else {
        format!(
            "in days {}-{} of each {}-day period",
            number(peak.phase.from),
            number(peak.phase.to),
            number(
                model
                    .workload
                    .streams
                    .iter()
                    .find_map(|s| s.rate_profile.as_ref())
                    .map_or(0.0, RateProfile::period)
            )
        )
    };
    let report = &peak.report;
    let org = &report.organization;
    let mut overloaded: Vec<(String, String, f64)> = Vec::new();
    for p in report.pools.iter().filter(|p| p.utilization() >= 1.0) {
        let (team, skill) = (&org.teams[p.team].name, &model.people[p.skill].skill);
        overloaded.push((
            format!("team `{team}` {skill}"),
            format!(
                "team `{team}` is offered {:.2} person-days/day of {skill} work {when} but has {} people",
                p.offered, p.people
            ),
            p.utilization(),
        ));
    }
    for l in report.leaders.iter().filter(|l| l.utilization >= 1.0) {
        let who = match l.leader {
            Some(i) => format!("leader `{}`", org.leaders[i].name),
            None => "the executive".to_string(),
        };
        overloaded.push((
            who.clone(),
            format!(
                "{who} is offered {:.2} decisions/day {when}",
                l.requests_per_day
            ),
            l.utilization,
        ));
    }
    if let Some(r) = report.reviewers.as_ref().filter(|r| r.utilization >= 1.0) {
        overloaded.push((
            "bar raisers".to_string(),
            format!(
                "the {} bar raisers are offered {:.2} reviews/day {when}",
                r.reviewers, r.items_per_day
            ),
            r.utilization,
        ));
    }
    overloaded
        .into_iter()
        .map(|(place, what, u)| Warning {
            kind: WarningKind::PeakOverloaded,
            place: format!("{}: {place} at the peak", org.name),
            message: format!(
                "{}: {what} (utilization {u:.2} >= 1): stable on average, but its queue grows through that part of the period and drains only after it",
                org.name
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests;
