//! The single-threaded split (docs/model.md, "Topologies" and "Closed
//! streams in the split"): each skill's people shared among the stream
//! teams by their expected demand, and the mean-value estimate of a closed
//! stream's throughput that the split iterates on.

use super::mva::{self, Station};
use crate::model::ids::SkillId;
use crate::model::spec::{Arrivals, ModelSpec, TopologySpec};

/// Moves people of each skill from the closed streams' teams to any other
/// team whose expected demand they would not cover (people ≤ demand), the
/// busiest such team first, from the closed team with the most people, as
/// long as a closed team keeps at least one person of a skill it needs. A
/// closed stream takes whatever its team gets; an open stream with too few
/// people never settles.
pub(super) fn keep_open_teams_stable(
    people: &mut [Vec<u32>],
    demand: &[Vec<f64>],
    protected: &[bool],
) {
    let skills = people.first().map_or(0, Vec::len);
    for s in 0..skills {
        loop {
            let short = (0..people.len())
                .filter(|&t| protected[t] && demand[t][s] > 0.0)
                .filter(|&t| f64::from(people[t][s]) <= demand[t][s])
                .max_by(|&a, &b| {
                    let load = |t: usize| demand[t][s] / f64::from(people[t][s]);
                    load(a).total_cmp(&load(b)).then(b.cmp(&a))
                });
            let donor = (0..people.len())
                .filter(|&t| !protected[t])
                .filter(|&t| people[t][s] > u32::from(demand[t][s] > 0.0))
                .max_by(|&a, &b| people[a][s].cmp(&people[b][s]).then(b.cmp(&a)));
            let (Some(to), Some(from)) = (short, donor) else {
                break;
            };
            people[from][s] -= 1;
            people[to][s] += 1;
        }
    }
}

/// Rounds of the closed streams' fixed point before the split settles for
/// the best one seen.
pub(super) const MAX_SPLIT_ROUNDS: usize = 100;

/// The people of each skill (inner index) each generated team gets
/// (outer index: the streams' teams, then the platform team), when the
/// streams complete `rates` items per day.
pub(super) fn split_people(model: &ModelSpec, rates: &[f64], with_platform: bool) -> Vec<Vec<u32>> {
    let demand = team_demand(model, rates, with_platform);
    let mut people = vec![vec![0; model.people.len()]; demand.len()];
    for (s, p) in model.people.iter().enumerate() {
        let weights: Vec<f64> = demand.iter().map(|d| d[s]).collect();
        for (k, n) in largest_remainder(p.count, &weights).into_iter().enumerate() {
            people[k][s] = n;
        }
    }
    people
}

/// The expected demand (person-days per day, per skill) on each generated
/// team, in the order of [`split_people`].
pub(super) fn team_demand(model: &ModelSpec, rates: &[f64], with_platform: bool) -> Vec<Vec<f64>> {
    let mut demand = expected_demand(model, rates);
    if with_platform {
        // The platform share of each platform skill's demand moves from the
        // stream teams to the platform team.
        let p = model.architecture.platform;
        let mut platform = vec![0.0; model.people.len()];
        for s in 0..model.people.len() {
            if model
                .architecture
                .platform_skills
                .contains(&SkillId::new(s))
            {
                for d in demand.iter_mut() {
                    platform[s] += d[s] * p;
                    d[s] *= 1.0 - p;
                }
            }
        }
        demand.push(platform);
    }
    demand
}

/// Expected work per day (person-days per day) that each stream asks of
/// each skill when stream k completes `rates[k]` items per day: rate × mean
/// effort, summed over its item mix.
pub fn expected_demand(model: &ModelSpec, rates: &[f64]) -> Vec<Vec<f64>> {
    let skills = model.people.len();
    model
        .workload
        .streams
        .iter()
        .zip(rates)
        .map(|(stream, &rate)| {
            let total_weight: f64 = stream.mix.iter().map(|m| m.weight).sum();
            let mut per_skill = vec![0.0; skills];
            for m in &stream.mix {
                let share = rate * m.weight / total_weight;
                for task in &model.workload.item_types[m.item_type].tasks {
                    per_skill[task.skill.index()] += share * task.effort.mean();
                }
            }
            per_skill
        })
        .collect()
}

/// Estimated throughput (items per day) of closed stream `k` of a
/// single-threaded topology `spec` whose team holds `people` (per skill):
/// the exact mean-value analysis of a closed network of its `wip` items
/// (docs/model.md, *Closed streams in the split*). Each skill of the team
/// is a station whose servers are its people; the tasks are taken one after
/// another (fork-join overlap is ignored, which errs towards fewer people).
/// A task goes to another team with the probability that it is coupled or
/// a platform task (or always, when the team lacks its skill); its work is
/// then a pure delay, with a cross-team handoff, half a planning cadence and
/// a decision (and its escalation) on top. Every other task pays an internal
/// handoff, and the item pays the bar raisers' mean review.
pub fn closed_stream_throughput(
    model: &ModelSpec,
    spec: &TopologySpec,
    k: usize,
    people: &[u32],
    with_platform: bool,
) -> f64 {
    let stream = &model.workload.streams[k];
    let Arrivals::Closed { wip } = stream.arrivals else {
        return 0.0;
    };
    let coupling = if model.workload.streams.len() > 1 {
        model.architecture.coupling
    } else {
        0.0
    };
    let c = &spec.coordination;
    let request = c.handoff.mean()
        + c.intake_cadence / 2.0
        + c.decision.mean() / spec.leader_attention
        + c.escalation_probability * c.escalation_decision.mean();
    let internal = c.internal_handoff.mean();
    let mut own = vec![0.0; model.people.len()];
    let mut delay = spec.bar_raiser.as_ref().map_or(0.0, |b| b.review.mean());
    let total_weight: f64 = stream.mix.iter().map(|m| m.weight).sum();
    for m in &stream.mix {
        let w = m.weight / total_weight;
        for task in &model.workload.item_types[m.item_type].tasks {
            let s = task.skill.index();
            let effort = task.effort.mean();
            let platform =
                if with_platform && model.architecture.platform_skills.contains(&task.skill) {
                    model.architecture.platform
                } else {
                    0.0
                };
            let away = if people[s] == 0 {
                1.0
            } else {
                1.0 - (1.0 - coupling) * (1.0 - platform)
            };
            own[s] += w * (1.0 - away) * effort;
            delay += w * ((1.0 - away) * internal + away * (request + effort));
        }
    }
    let stations: Vec<Station> = own
        .iter()
        .zip(people)
        .filter(|&(&d, &n)| d > 0.0 && n > 0)
        .map(|(&demand, &servers)| Station { servers, demand })
        .collect();
    let x = mva::solve(&stations, delay, wip).throughput;
    // No effort and no delay at all: the stream asks nothing of anyone.
    if x.is_finite() { x } else { 0.0 }
}

/// Splits `total` whole people in proportion to `weights` by the largest
/// remainder method (Hamilton): everyone gets the floor of their quota, and
/// the people left over go to the largest fractional parts (ties: first).
/// With all weights zero, the split is even.
pub fn largest_remainder(total: u32, weights: &[f64]) -> Vec<u32> {
    let n = weights.len();
    if n == 0 {
        return vec![];
    }
    let sum: f64 = weights.iter().sum();
    let quotas: Vec<f64> = if sum > 0.0 {
        weights.iter().map(|w| f64::from(total) * w / sum).collect()
    } else {
        vec![f64::from(total) / n as f64; n]
    };
    let mut out: Vec<u32> = quotas.iter().map(|q| q.floor() as u32).collect();
    let assigned: u32 = out.iter().sum();
    let mut order: Vec<usize> = (0..n).collect();
    // Stable sort: equal remainders keep declaration order.
    order.sort_by(|&a, &b| {
        let ra = quotas[a] - quotas[a].floor();
        let rb = quotas[b] - quotas[b].floor();
        rb.total_cmp(&ra)
    });
    for &i in order.iter().take(total.saturating_sub(assigned) as usize) {
        out[i] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_splits_exactly() {
        assert_eq!(largest_remainder(15, &[2.0, 1.0, 2.0]), vec![6, 3, 6]);
        assert_eq!(
            largest_remainder(3, &[1.0, 1.0, 1.0, 1.0]),
            vec![1, 1, 1, 0]
        );
        assert_eq!(largest_remainder(10, &[0.5, 0.3, 0.2]), vec![5, 3, 2]);
        assert_eq!(largest_remainder(4, &[0.0, 0.0]), vec![2, 2]);
        assert_eq!(largest_remainder(7, &[1.0, 1.0, 1.0]), vec![3, 2, 2]);
        for total in 0..40 {
            let split = largest_remainder(total, &[0.37, 1.1, 2.9, 0.01]);
            assert_eq!(split.iter().sum::<u32>(), total);
        }
    }
}
