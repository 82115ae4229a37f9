//! The cost metrics of `[economics]` (docs/model.md, "Cost of delay and
//! people cost"): pure arithmetic on a replication's tallies and its
//! organization, no simulation.

use super::metric::Metric;
use super::spec::Economics;
use super::topology::Organization;

/// What `org` costs per day: each team's people at their skill's
/// `person_cost`; every leader (teams' and shared, whatever their
/// attention) and the executive at `leader_cost`; the bar raisers at
/// `reviewer_cost`. `None` without `person_cost`.
pub fn people_cost(e: &Economics, org: &Organization) -> Option<f64> {
    let rates = e.person_cost.as_ref()?;
    let people: f64 = (org.teams.iter())
        .flat_map(|t| t.people.iter().zip(rates))
        .map(|(&n, &rate)| f64::from(n) * rate)
        .sum();
    let leaders = (org.leaders.len() + 1) as f64 * e.leader_cost;
    let reviewers = org
        .bar_raiser
        .as_ref()
        .map_or(0.0, |b| f64::from(b.reviewers) * e.reviewer_cost);
    Some(people + leaders + reviewers)
}

/// The cost of delay per day of a window of `horizon` days in which the
/// items of stream `k` completed with lead times summing to
/// `lead_sums[k]`: Σ `delay_cost[k]` × `lead_sums[k]` / `horizon`. `None`
/// without `delay_cost`.
pub fn delay_cost(e: &Economics, lead_sums: &[f64], horizon: f64) -> Option<f64> {
    let rates = e.delay_cost.as_ref()?;
    let total: f64 = rates.iter().zip(lead_sums).map(|(r, s)| r * s).sum();
    Some(total / horizon)
}

/// The cost metrics of one replication, in output order: those whose rates
/// the scenario gives (`total_cost` when both parts are there).
pub fn metrics(
    e: &Economics,
    org: &Organization,
    lead_sums: &[f64],
    horizon: f64,
) -> Vec<(Metric, f64)> {
    let delay = delay_cost(e, lead_sums, horizon);
    let people = people_cost(e, org);
    let mut out = Vec::with_capacity(3);
    if let Some(d) = delay {
        out.push((Metric::DelayCost, d));
    }
    if let Some(p) = people {
        out.push((Metric::PeopleCost, p));
    }
    if let (Some(d), Some(p)) = (delay, people) {
        out.push((Metric::TotalCost, d + p));
    }
    out
}

/// `per_day` over a year of `e.days_per_year` working days.
pub fn per_year(e: &Economics, per_day: f64) -> f64 {
    per_day * e.days_per_year
}

/// Whether a replication of a model with `economics` reports `metric`:
/// every metric but the cost ones, which need their rates.
pub fn reported(economics: Option<&Economics>, metric: Metric) -> bool {
    let Some(e) = economics else {
        return !metric.is_cost();
    };
    match metric {
        Metric::DelayCost => e.delay_cost.is_some(),
        Metric::PeopleCost => e.person_cost.is_some(),
        Metric::TotalCost => e.delay_cost.is_some() && e.person_cost.is_some(),
        _ => true,
    }
}
