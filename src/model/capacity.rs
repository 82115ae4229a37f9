//! Offered load against capacity, computed from the scenario alone (no
//! simulation): what `check` prints and what warns of an unstable system.

use super::routing::Routing;
use super::topology::{self, Organization};
use crate::scenario::{Arrivals, Scenario};

/// Expected demand on one team's people of one skill.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolLoad {
    /// Team index.
    pub team: usize,
    /// Skill index.
    pub skill: usize,
    /// People of that skill in the team.
    pub people: u32,
    /// Expected person-days of work per day from open streams.
    pub offered: f64,
    /// Whether closed streams also send work here (their rate is not known
    /// in advance, so `offered` is a lower bound).
    pub closed_streams_too: bool,
}

impl PoolLoad {
    /// Offered load / capacity (∞ when nobody has the skill there but work arrives).
    pub fn utilization(&self) -> f64 {
        if self.people == 0 {
            if self.offered > 0.0 {
                f64::INFINITY
            } else {
                0.0
            }
        } else {
            self.offered / f64::from(self.people)
        }
    }
}

/// Expected demand on one decision-maker.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderLoad {
    /// Index into `Organization::leaders`, or `None` for the executive.
    pub leader: Option<usize>,
    /// Expected requests per day (open streams).
    pub requests_per_day: f64,
    /// Expected fraction of the leader's time spent deciding.
    pub utilization: f64,
}

/// The load analysis of one topology.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// The organization analysed.
    pub organization: Organization,
    /// Every (team, skill) with people or work.
    pub pools: Vec<PoolLoad>,
    /// Every leader who receives requests, then the executive.
    pub leaders: Vec<LeaderLoad>,
    /// Problems worth a warning, one sentence each.
    pub warnings: Vec<String>,
}

/// Analyses every topology of `scenario`.
pub fn analyse(scenario: &Scenario) -> Vec<LoadReport> {
    scenario
        .topologies
        .iter()
        .map(|spec| analyse_one(scenario, topology::build(scenario, spec)))
        .collect()
}

fn analyse_one(scenario: &Scenario, org: Organization) -> LoadReport {
    let skills = scenario.people.len();
    let streams = &scenario.workload.streams;
    let k_count = streams.len();
    let routing = Routing::new(&org, k_count, skills);
    let teams = org.teams.len();
    let mut offered = vec![vec![0.0; skills]; teams];
    let mut closed = vec![vec![false; skills]; teams];
    let mut requests = vec![0.0; teams];
    let mut missing_skill: Vec<(usize, usize)> = Vec::new();
    let coupling = if k_count > 1 {
        scenario.architecture.coupling
    } else {
        0.0
    };

    for (k, stream) in streams.iter().enumerate() {
        let rate = match &stream.arrivals {
            Arrivals::Open(d) => Some(scenario.workload.load / d.mean()),
            Arrivals::Closed { .. } => None,
        };
        let total_weight: f64 = stream.mix.iter().map(|m| m.weight).sum();
        for m in &stream.mix {
            for task in &scenario.workload.item_types[m.item_type].tasks {
                let Some(s) = scenario.skill_index(&task.skill) else {
                    continue;
                };
                // Each destination team with its probability.
                let p_platform = if scenario.architecture.platform_skills.contains(&task.skill) {
                    scenario.architecture.platform
                } else {
                    0.0
                };
                let mut dest: Vec<(usize, f64)> = Vec::new();
                for (platform, p) in [(true, p_platform), (false, 1.0 - p_platform)] {
                    if let Some(t) = routing.route(k, s, None, platform) {
                        dest.push((t, p * (1.0 - coupling)));
                    }
                    for j in (0..k_count).filter(|&j| j != k) {
                        if let Some(t) = routing.route(k, s, Some(j), platform) {
                            dest.push((t, p * coupling / (k_count - 1) as f64));
                        }
                    }
                }
                if routing
                    .owner(k)
                    .is_some_and(|o| org.teams[o].people[s] == 0)
                    && !missing_skill.contains(&(k, s))
                {
                    missing_skill.push((k, s));
                }
                for (t, p) in dest {
                    match rate {
                        Some(rate) => {
                            let items = rate * m.weight / total_weight * p;
                            offered[t][s] += items * task.effort.mean();
                            if !org.teams[t].owns.contains(&k) {
                                requests[t] += items;
                            }
                        }
                        None => closed[t][s] = true,
                    }
                }
            }
        }
    }

    let coordination = &org.coordination;
    let mut pools = Vec::new();
    for t in 0..teams {
        for s in 0..skills {
            if org.teams[t].people[s] > 0 || offered[t][s] > 0.0 || closed[t][s] {
                pools.push(PoolLoad {
                    team: t,
                    skill: s,
                    people: org.teams[t].people[s],
                    offered: offered[t][s],
                    closed_streams_too: closed[t][s],
                });
            }
        }
    }
    let mut leaders = Vec::new();
    if !coordination.decision.is_zero() {
        for (l, role) in org.leaders.iter().enumerate() {
            let r: f64 = role.teams.iter().map(|&t| requests[t]).sum();
            if r > 0.0 {
                leaders.push(LeaderLoad {
                    leader: Some(l),
                    requests_per_day: r,
                    utilization: r * coordination.decision.mean() / role.attention,
                });
            }
        }
    }
    let escalated: f64 = requests.iter().sum::<f64>() * coordination.escalation_probability;
    if escalated > 0.0 && !coordination.escalation_decision.is_zero() {
        leaders.push(LeaderLoad {
            leader: None,
            requests_per_day: escalated,
            utilization: escalated * coordination.escalation_decision.mean(),
        });
    }

    let mut warnings = Vec::new();
    for p in &pools {
        if p.utilization() >= 1.0 {
            warnings.push(format!(
                "{}: team `{}` is offered {:.2} person-days/day of {} work but has {} people (utilization {:.2} >= 1): its backlog grows without bound",
                org.name,
                org.teams[p.team].name,
                p.offered,
                scenario.people[p.skill].skill,
                p.people,
                p.utilization()
            ));
        }
    }
    for l in &leaders {
        if l.utilization >= 1.0 {
            let who = match l.leader {
                Some(i) => format!("leader `{}`", org.leaders[i].name),
                None => "the executive".to_string(),
            };
            warnings.push(format!(
                "{}: {who} is offered {:.2} decisions/day, utilization {:.2} >= 1: the decision queue grows without bound",
                org.name, l.requests_per_day, l.utilization
            ));
        }
    }
    for (k, s) in missing_skill {
        let owner = routing.owner(k).map_or("", |o| org.teams[o].name.as_str());
        warnings.push(format!(
            "{}: team `{owner}` owns stream `{}` but has no {} people; those tasks go to another team (a real dependency)",
            org.name, streams[k].name, scenario.people[s].skill
        ));
    }
    LoadReport {
        organization: org,
        pools,
        leaders,
        warnings,
    }
}

/// Expected utilization of `org`'s bar raisers: every item of an open stream
/// is reviewed once (fix items are not), so the reviewers are offered
/// (items per day) × (mean review) days of review per day. `None` without
/// bar raisers.
pub fn reviewer_utilization(scenario: &Scenario, org: &Organization) -> Option<f64> {
    let bar = org.bar_raiser.as_ref()?;
    let items: f64 = scenario
        .workload
        .streams
        .iter()
        .map(|s| match &s.arrivals {
            Arrivals::Open(d) => scenario.workload.load / d.mean(),
            Arrivals::Closed { .. } => 0.0,
        })
        .sum();
    Some(items * bar.review.mean() / f64::from(bar.reviewers))
}

/// Where the offered-load analysis puts `org` at utilization ≥ 1 — a team's
/// people of one skill, a leader, the executive or the bar raisers — one
/// phrase each (`team `eng` (eng) at utilization 1.02`). Such a topology
/// cannot keep up with its open streams' demand whatever the run length:
/// every replication of it is unstable (docs/model.md, *Unstable systems*).
/// Empty when every resource is below 1.
pub fn overloads(scenario: &Scenario, org: &Organization) -> Vec<String> {
    let report = analyse_one(scenario, org.clone());
    let org = &report.organization;
    let mut out = Vec::new();
    for p in &report.pools {
        if p.utilization() >= 1.0 {
            out.push(format!(
                "team `{}` ({}) at utilization {:.2}",
                org.teams[p.team].name,
                scenario.people[p.skill].skill,
                p.utilization()
            ));
        }
    }
    for l in &report.leaders {
        if l.utilization >= 1.0 {
            let who = match l.leader {
                Some(i) => format!("leader `{}`", org.leaders[i].name),
                None => "the executive".to_string(),
            };
            out.push(format!("{who} at utilization {:.2}", l.utilization));
        }
    }
    if let Some(u) = reviewer_utilization(scenario, org).filter(|&u| u >= 1.0) {
        out.push(format!("the bar raisers at utilization {u:.2}"));
    }
    out
}
