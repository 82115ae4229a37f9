//! Topology generators: every kind becomes the one general form, a list of
//! teams (docs/model.md, "Topologies"). The simulation knows only that form.

use super::ids::SkillId;
use super::mva::{self, Station};
use super::spec::{
    Arrivals, BarRaiser, Coordination, ModelSpec, QueueDiscipline, TopologyKind, TopologySpec,
};

/// A team as the simulation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Unique team name within its topology.
    pub name: String,
    /// Headcount per skill, indexed by [`SkillId`].
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

/// The name the platform team of a `single-threaded-with-platform`
/// topology gets, unless a stream already has it (see [`team_names`]).
pub const PLATFORM_TEAM: &str = "platform";

/// The names of the teams of a topology of `kind`, in team order (the
/// order of `Organization::teams`, which [`TeamId`](super::TeamId)s count),
/// for an organization with `skills` and `streams` (their names, in order):
/// a matrix has one team per skill, named after it; a single-threaded
/// topology one per stream, named after it, plus with a platform the
/// platform team, [`PLATFORM_TEAM`] with `-team` appended as often as a
/// stream already has the name; custom teams have their own names. The one
/// naming rule: the generator uses it, and the front end checks the teams
/// named in `leaders` against it.
pub fn team_names(kind: &TopologyKind, skills: &[&str], streams: &[&str]) -> Vec<String> {
    let own = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    match kind {
        TopologyKind::Matrix => own(skills),
        TopologyKind::SingleThreaded => own(streams),
        TopologyKind::SingleThreadedWithPlatform => {
            let mut platform = PLATFORM_TEAM.to_owned();
            while streams.contains(&platform.as_str()) {
                platform.push_str("-team");
            }
            let mut names = own(streams);
            names.push(platform);
            names
        }
        TopologyKind::Custom(teams) => teams.iter().map(|t| t.name.clone()).collect(),
    }
}

/// Builds the teams of one topology of `model`.
pub fn build(model: &ModelSpec, spec: &TopologySpec) -> Organization {
    let mut teams = match &spec.kind {
        TopologyKind::Matrix => matrix(model),
        TopologyKind::SingleThreaded => single_threaded(model, spec, false),
        TopologyKind::SingleThreadedWithPlatform => single_threaded(model, spec, true),
        TopologyKind::Custom(teams) => teams
            .iter()
            .map(|t| {
                let mut people = vec![0; model.people.len()];
                for h in &t.people {
                    people[h.skill.index()] += h.count;
                }
                Team {
                    name: String::new(),
                    people,
                    owns: t.owns.iter().map(|k| k.index()).collect(),
                    leader_attention: t.leader_attention,
                    owns_platform: t.owns_platform,
                }
            })
            .collect(),
    };
    for (team, name) in teams.iter_mut().zip(model.team_names(&spec.kind)) {
        team.name = name;
    }
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
            teams: l.teams.iter().map(|t| t.index()).collect(),
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
fn matrix(model: &ModelSpec) -> Vec<Team> {
    let skills = model.people.len();
    model
        .people
        .iter()
        .enumerate()
        .map(|(s, p)| {
            let mut people = vec![0; skills];
            people[s] = p.count;
            Team {
                name: String::new(),
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
/// to the teams' expected demand for it, by largest remainder. A closed
/// stream's demand is its throughput with the people the split gives it
/// (mean-value analysis), found by iterating the split to a fixed point
/// (docs/model.md, *Closed streams in the split*).
fn single_threaded(model: &ModelSpec, spec: &TopologySpec, with_platform: bool) -> Vec<Team> {
    let streams = &model.workload.streams;
    let skills = model.people.len();
    let mut teams: Vec<Team> = streams
        .iter()
        .enumerate()
        .map(|(k, _)| Team {
            name: String::new(),
            people: vec![0; skills],
            owns: vec![k],
            leader_attention: 1.0,
            owns_platform: false,
        })
        .collect();
    if with_platform {
        teams.push(Team {
            name: String::new(),
            people: vec![0; skills],
            owns: vec![],
            leader_attention: 1.0,
            owns_platform: true,
        });
    }
    let closed: Vec<usize> = (0..streams.len())
        .filter(|&k| matches!(streams[k].arrivals, Arrivals::Closed { .. }))
        .collect();
    // Start with each closed stream's throughput if it had every person of
    // the organization: an upper bound of what any split can give it.
    let everyone: Vec<u32> = model.people.iter().map(|p| p.count).collect();
    let mut rates: Vec<f64> = (0..streams.len())
        .map(|k| match &streams[k].arrivals {
            Arrivals::Open(d) => model.workload.load / d.mean(),
            Arrivals::Closed { .. } => {
                closed_stream_throughput(model, spec, k, &everyone, with_platform)
            }
        })
        .collect();
    let mut seen: Vec<Vec<Vec<u32>>> = Vec::new();
    let chosen = loop {
        let split = split_people(model, &rates, with_platform);
        if closed.is_empty() {
            break split;
        }
        // The splits are finitely many, so the sequence repeats; the cap
        // only bounds the time a pathological case may take.
        let repeat = seen.iter().position(|s| *s == split);
        if repeat.is_some() || seen.len() >= MAX_SPLIT_ROUNDS {
            let first = repeat.unwrap_or(0);
            // A fixed point (a cycle of one) or a cycle of rounding: of the
            // cycle's splits, the one that gives the closed streams the
            // fewest people (the first such).
            let closed_people = |s: &Vec<Vec<u32>>| -> u32 {
                closed.iter().map(|&k| s[k].iter().sum::<u32>()).sum()
            };
            break seen[first..]
                .iter()
                .min_by_key(|s| closed_people(s))
                .cloned()
                .unwrap_or(split);
        }
        for &k in &closed {
            rates[k] = closed_stream_throughput(model, spec, k, &split[k], with_platform);
        }
        seen.push(split);
    };
    let mut chosen = chosen;
    if !closed.is_empty() {
        for &k in &closed {
            rates[k] = closed_stream_throughput(model, spec, k, &chosen[k], with_platform);
        }
        let demand = team_demand(model, &rates, with_platform);
        let protected: Vec<bool> = (0..chosen.len()).map(|t| !closed.contains(&t)).collect();
        keep_open_teams_stable(&mut chosen, &demand, &protected);
    }
    for (team, people) in teams.iter_mut().zip(chosen) {
        team.people = people;
    }
    teams
}

/// Moves people of each skill from the closed streams' teams to any other
/// team whose expected demand they would not cover (people ≤ demand), the
/// busiest such team first, from the closed team with the most people, as
/// long as a closed team keeps at least one person of a skill it needs. A
/// closed stream takes whatever its team gets; an open stream with too few
/// people never settles.
fn keep_open_teams_stable(people: &mut [Vec<u32>], demand: &[Vec<f64>], protected: &[bool]) {
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
const MAX_SPLIT_ROUNDS: usize = 100;

/// The people of each skill (inner index) each generated team gets
/// (outer index: the streams' teams, then the platform team), when the
/// streams complete `rates` items per day.
fn split_people(model: &ModelSpec, rates: &[f64], with_platform: bool) -> Vec<Vec<u32>> {
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
fn team_demand(model: &ModelSpec, rates: &[f64], with_platform: bool) -> Vec<Vec<f64>> {
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
