//! Topology generators: every kind becomes the one general form, a list of
//! teams (DESIGN.md §3). The simulation knows only that form.

use crate::scenario::{
    Arrivals, BarRaiser, Coordination, QueueDiscipline, Scenario, TopologyKind, TopologySpec,
    platform_team_name,
};

/// A team as the simulation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Unique team name within its topology.
    pub name: String,
    /// Headcount per skill, indexed like `Scenario::people`.
    pub people: Vec<u32>,
    /// Indices of the streams this team owns (its single-threaded goals).
    pub owns: Vec<usize>,
    /// Fraction of a full-time leader's attention its leader gives, in (0, 1].
    pub leader_attention: f64,
    /// Whether it owns the shared platform component.
    pub owns_platform: bool,
}

impl Team {
    /// Total headcount.
    pub fn size(&self) -> u32 {
        self.people.iter().sum()
    }

    /// Whether the team holds more than one skill (cross-functional).
    pub fn is_cross_functional(&self) -> bool {
        self.people.iter().filter(|&&n| n > 0).count() > 1
    }
}

/// A decision-maker who prioritizes the requests of one or more teams.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderRole {
    /// The leader's name (the team's name for a team's own leader).
    pub name: String,
    /// Fraction of a full-time leader's attention given to decisions, in (0, 1].
    pub attention: f64,
    /// Indices of the teams whose requests this leader decides.
    pub teams: Vec<usize>,
}

/// A topology resolved into teams, with its coordination parameters.
#[derive(Debug, Clone)]
pub struct Organization {
    /// The topology's name.
    pub name: String,
    /// Its teams, in declaration order.
    pub teams: Vec<Team>,
    /// Its leaders: the shared ones first, then one per team not led by a
    /// shared leader, in team order.
    pub leaders: Vec<LeaderRole>,
    /// `team_leader[team]`: index into `leaders` of the team's leader.
    pub team_leader: Vec<usize>,
    /// Its coordination parameters.
    pub coordination: Coordination,
    /// How its backlogs are ordered.
    pub queue: QueueDiscipline,
    /// Its bar raisers, if any.
    pub bar_raiser: Option<BarRaiser>,
}

/// Builds the teams of one topology of `scenario`.
pub fn build(scenario: &Scenario, spec: &TopologySpec) -> Organization {
    let mut teams = match &spec.kind {
        TopologyKind::Matrix => matrix(scenario),
        TopologyKind::SingleThreaded => single_threaded(scenario, false),
        TopologyKind::SingleThreadedWithPlatform => single_threaded(scenario, true),
        TopologyKind::Custom(teams) => teams
            .iter()
            .map(|t| Team {
                name: t.name.clone(),
                people: scenario
                    .people
                    .iter()
                    .map(|p| {
                        t.people
                            .iter()
                            .find(|q| q.skill == p.skill)
                            .map_or(0, |q| q.count)
                    })
                    .collect(),
                owns: t.owns.clone(),
                leader_attention: t.leader_attention,
                owns_platform: t.owns_platform,
            })
            .collect(),
    };
    if !matches!(spec.kind, TopologyKind::Custom(_)) {
        for t in &mut teams {
            t.leader_attention = spec.leader_attention;
        }
    }
    let mut leaders: Vec<LeaderRole> = spec
        .shared_leaders
        .iter()
        .map(|l| LeaderRole {
            name: l.name.clone(),
            attention: l.attention,
            teams: l
                .teams
                .iter()
                .filter_map(|n| teams.iter().position(|t| &t.name == n))
                .collect(),
        })
        .collect();
    let mut team_leader = vec![0; teams.len()];
    for (i, team) in teams.iter().enumerate() {
        team_leader[i] = match leaders.iter().position(|l| l.teams.contains(&i)) {
            Some(l) => l,
            None => {
                leaders.push(LeaderRole {
                    name: team.name.clone(),
                    attention: team.leader_attention,
                    teams: vec![i],
                });
                leaders.len() - 1
            }
        };
    }
    Organization {
        name: spec.name.clone(),
        teams,
        leaders,
        team_leader,
        coordination: spec.coordination.clone(),
        queue: spec.queue,
        bar_raiser: spec.bar_raiser.clone(),
    }
}

/// One functional department per skill, owning no stream.
fn matrix(scenario: &Scenario) -> Vec<Team> {
    let skills = scenario.people.len();
    scenario
        .people
        .iter()
        .enumerate()
        .map(|(s, p)| {
            let mut people = vec![0; skills];
            people[s] = p.count;
            Team {
                name: p.skill.clone(),
                people,
                owns: vec![],
                leader_attention: 1.0,
                owns_platform: false,
            }
        })
        .collect()
}

/// One team per stream, owning it (plus, `with_platform`, a platform team
/// owning the shared platform); each skill's headcount split in proportion
/// to the teams' expected demand for it, by largest remainder.
fn single_threaded(scenario: &Scenario, with_platform: bool) -> Vec<Team> {
    let mut demand = expected_demand(scenario);
    let streams = &scenario.workload.streams;
    let mut teams: Vec<Team> = streams
        .iter()
        .enumerate()
        .map(|(k, s)| Team {
            name: s.name.clone(),
            people: vec![0; scenario.people.len()],
            owns: vec![k],
            leader_attention: 1.0,
            owns_platform: false,
        })
        .collect();
    if with_platform {
        // The platform share of each platform skill's demand moves from the
        // stream teams to the platform team.
        let p = scenario.architecture.platform;
        let mut platform = vec![0.0; scenario.people.len()];
        for (s, skill) in scenario.people.iter().enumerate() {
            if scenario.architecture.platform_skills.contains(&skill.skill) {
                for d in demand.iter_mut() {
                    platform[s] += d[s] * p;
                    d[s] *= 1.0 - p;
                }
            }
        }
        demand.push(platform);
        teams.push(Team {
            name: platform_team_name(streams.iter().map(|s| s.name.as_str())),
            people: vec![0; scenario.people.len()],
            owns: vec![],
            leader_attention: 1.0,
            owns_platform: true,
        });
    }
    for (s, p) in scenario.people.iter().enumerate() {
        let weights: Vec<f64> = demand.iter().map(|d| d[s]).collect();
        for (k, n) in largest_remainder(p.count, &weights).into_iter().enumerate() {
            teams[k].people[s] = n;
        }
    }
    teams
}

/// Expected work per day (person-days per day) that each stream asks of
/// each skill: arrival rate × mean effort, summed over its item mix. A
/// closed stream's `wip` stands in for its unknown arrival rate.
pub fn expected_demand(scenario: &Scenario) -> Vec<Vec<f64>> {
    let skills = scenario.people.len();
    scenario
        .workload
        .streams
        .iter()
        .map(|stream| {
            let rate = match &stream.arrivals {
                Arrivals::Open(d) => scenario.workload.load / d.mean(),
                Arrivals::Closed { wip } => f64::from(*wip),
            };
            let total_weight: f64 = stream.mix.iter().map(|m| m.weight).sum();
            let mut per_skill = vec![0.0; skills];
            for m in &stream.mix {
                let share = rate * m.weight / total_weight;
                for task in &scenario.workload.item_types[m.item_type].tasks {
                    if let Some(s) = scenario.skill_index(&task.skill) {
                        per_skill[s] += share * task.effort.mean();
                    }
                }
            }
            per_skill
        })
        .collect()
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
