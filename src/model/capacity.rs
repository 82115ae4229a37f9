//! Offered load against capacity, computed from the scenario alone (no
//! simulation): what `check` prints and what warns of an unstable system.

use super::routing::Routing;
use super::season;
use super::spec::{Arrivals, ModelSpec, Workload};
use super::topology::{self, Organization};
use super::warning::{NEAR_SATURATION, Warning, WarningKind};

/// Expected demand on one team's people of one skill.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolLoad {
    /// Team index.
    pub team: usize,
    /// Skill index.
    pub skill: usize,
    /// People of that skill in the team.
    pub people: u32,
    /// Person-days of that skill the team can do per day: its people at
    /// the team's speed under communication overhead, less the time its
    /// cross-trained people are expected to lend to their second skill,
    /// plus the time lent to it at their efficiency (docs/model.md,
    /// "Cross-trained people"). `people` without either mechanism.
    pub capacity: f64,
    /// Expected person-days of work per day from open streams.
    pub offered: f64,
    /// Whether closed streams also send work here (their rate is not known
    /// in advance, so `offered` is a lower bound).
    pub closed_streams_too: bool,
}

impl PoolLoad {
    /// Offered load / capacity (∞ when nobody can do the skill there but work arrives).
    pub fn utilization(&self) -> f64 {
        if self.capacity <= 0.0 {
            if self.offered > 0.0 {
                f64::INFINITY
            } else {
                0.0
            }
        } else {
            self.offered / self.capacity
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

/// Expected demand on the bar raisers, who review every item once.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewerLoad {
    /// Reviewers in the pool.
    pub reviewers: u32,
    /// Expected items per day to review (open streams).
    pub items_per_day: f64,
    /// Expected fraction of the reviewers' time spent reviewing.
    pub utilization: f64,
    /// Whether closed streams also send items (so `utilization` is a lower bound).
    pub closed_streams_too: bool,
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
    /// The bar raisers, if the topology has them.
    pub reviewers: Option<ReviewerLoad>,
    /// Problems worth a warning, each of a kind.
    pub warnings: Vec<Warning>,
}

/// Person-days of work offered per day by the open streams at their
/// average rates: by Little's law, the number of items being worked on at
/// any moment if no item ever waited (every topology does the same work;
/// it is the sum of `check`'s offered load over the pools).
pub fn offered_work(w: &Workload) -> f64 {
    w.streams
        .iter()
        .filter_map(|stream| {
            let rate = stream.mean_rate(w.load)?;
            let total: f64 = stream.mix.iter().map(|m| m.weight).sum();
            let per_item: f64 = (stream.mix.iter())
                .map(|m| {
                    let work: f64 = (w.item_types[m.item_type].tasks.iter())
                        .map(|t| t.effort.mean())
                        .sum();
                    m.weight / total * work
                })
                .sum();
            Some(rate * per_item)
        })
        .sum()
}

/// The multiple of [`offered_work`] at which a replication that sets no
/// `simulation.max_wip` is declared saturated: items in flight 20 times
/// the items being worked on means queues of 20 items per busy person, an
/// M/M/1 at utilization 0.95 on average, which a system that keeps up does
/// not reach for long (the 300-stream matrix at utilization 0.75 holds
/// about 5.6 items per busy person).
pub const MAX_WIP_PER_BUSY_PERSON: f64 = 20.0;

/// `simulation.max_wip` for a scenario that does not set it: the larger of
/// `floor` and [`MAX_WIP_PER_BUSY_PERSON`] × [`offered_work`], at most
/// `ceiling`. A fixed default (10,000) called a stable 300-stream
/// organization saturated.
pub fn default_max_wip(workload: &Workload, floor: u64, ceiling: u64) -> u64 {
    let derived = (MAX_WIP_PER_BUSY_PERSON * offered_work(workload)).ceil();
    if derived.is_finite() && derived > floor as f64 {
        (derived as u64).min(ceiling)
    } else {
        floor
    }
}

/// Analyses every topology of `model` at the average rates, with the
/// warnings of the busiest part of any rate profile (docs/model.md,
/// "Seasonal demand").
pub fn analyse(model: &ModelSpec) -> Vec<LoadReport> {
    let mut reports: Vec<LoadReport> = model
        .topologies
        .iter()
        .map(|spec| analyse_org(model, topology::build(model, spec)))
        .collect();
    for (report, peak) in reports.iter_mut().zip(season::peak_loads(model)) {
        let warnings = season::peak_warnings(model, &peak, report);
        report.warnings.extend(warnings);
    }
    reports
}

/// Analyses `org` (a topology of `model`) at `model`'s average rates.
pub fn analyse_org(model: &ModelSpec, org: Organization) -> LoadReport {
    let skills = model.people.len();
    let streams = &model.workload.streams;
    let k_count = streams.len();
    let routing = Routing::new(&org, k_count, skills);
    let teams = org.teams.len();
    let mut offered = vec![vec![0.0; skills]; teams];
    let mut closed = vec![vec![false; skills]; teams];
    let mut requests = vec![0.0; teams];
    let mut missing_skill: Vec<(usize, usize)> = Vec::new();
    let coupling = if k_count > 1 {
        model.architecture.coupling
    } else {
        0.0
    };

    for (k, stream) in streams.iter().enumerate() {
        let rate = stream.mean_rate(model.workload.load);
        let total_weight: f64 = stream.mix.iter().map(|m| m.weight).sum();
        for m in &stream.mix {
            for task in &model.workload.item_types[m.item_type].tasks {
                let s = task.skill.index();
                // Each destination team with its probability.
                let p_platform = if model.architecture.platform_skills.contains(&task.skill) {
                    model.architecture.platform
                } else {
                    0.0
                };
                let mut dest: Vec<(usize, f64)> = Vec::new();
                for (platform, p) in [(true, p_platform), (false, 1.0 - p_platform)] {
                    dest.push((routing.route(k, s, None, platform), p * (1.0 - coupling)));
                    // At coupling 0 the other streams receive nothing: not
                    // visiting them keeps the analysis linear in the streams.
                    if coupling == 0.0 {
                        continue;
                    }
                    for j in (0..k_count).filter(|&j| j != k) {
                        let t = routing.route(k, s, Some(j), platform);
                        dest.push((t, p * coupling / (k_count - 1) as f64));
                    }
                }
                if routing.owner(k).is_some_and(|o| !org.teams[o].can_do(s))
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
    let capacity = capacities(&org, &offered);
    let mut pools = Vec::new();
    for t in 0..teams {
        for s in 0..skills {
            if org.teams[t].can_do(s) || offered[t][s] > 0.0 || closed[t][s] {
                pools.push(PoolLoad {
                    team: t,
                    skill: s,
                    people: org.teams[t].people[s],
                    capacity: capacity[t][s],
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

    let reviewers = org.bar_raiser.as_ref().map(|b| {
        let items_per_day: f64 = streams
            .iter()
            .filter_map(|s| s.mean_rate(model.workload.load))
            .sum();
        ReviewerLoad {
            reviewers: b.reviewers,
            items_per_day,
            utilization: items_per_day * b.review.mean() / f64::from(b.reviewers),
            closed_streams_too: streams
                .iter()
                .any(|s| matches!(s.arrivals, Arrivals::Closed { .. })),
        }
    });

    let mut warnings = Vec::new();
    for p in &pools {
        let u = p.utilization();
        if let Some(kind) = saturation(u) {
            let (team, skill) = (&org.teams[p.team].name, &model.people[p.skill].skill);
            warnings.push(Warning {
                kind,
                place: format!("{}: team `{team}` {skill} {}", org.name, fmt_u(u)),
                message: format!(
                    "{}: team `{team}` is offered {:.2} person-days/day of {skill} work but has {} (utilization {}): {}",
                    org.name,
                    p.offered,
                    if p.capacity == f64::from(p.people) {
                        format!("{} people", p.people)
                    } else {
                        format!(
                            "{} people and a capacity of {:.2} person-days/day (communication, cross-training)",
                            p.people, p.capacity
                        )
                    },
                    fmt_u(u),
                    consequence(kind, "its backlog")
                ),
            });
        }
    }
    for l in &leaders {
        if let Some(kind) = saturation(l.utilization) {
            let who = match l.leader {
                Some(i) => format!("leader `{}`", org.leaders[i].name),
                None => "the executive".to_string(),
            };
            warnings.push(Warning {
                kind,
                place: format!("{}: {who} {}", org.name, fmt_u(l.utilization)),
                message: format!(
                    "{}: {who} is offered {:.2} decisions/day, utilization {}: {}",
                    org.name,
                    l.requests_per_day,
                    fmt_u(l.utilization),
                    consequence(kind, "the decision queue")
                ),
            });
        }
    }
    if let Some(r) = &reviewers
        && let Some(kind) = saturation(r.utilization)
    {
        warnings.push(Warning {
            kind,
            place: format!("{}: bar raisers {}", org.name, fmt_u(r.utilization)),
            message: format!(
                "{}: the {} bar raisers are offered {:.2} reviews/day, utilization {}: {}",
                org.name,
                r.reviewers,
                r.items_per_day,
                fmt_u(r.utilization),
                consequence(kind, "the review queue")
            ),
        });
    }
    for (k, s) in missing_skill {
        let owner = routing.owner(k).map_or("", |o| org.teams[o].name.as_str());
        let skill = &model.people[s].skill;
        warnings.push(Warning {
            kind: WarningKind::MissingSkill,
            place: format!("{}: team `{owner}` has no {skill} people", org.name),
            message: format!(
                "{}: team `{owner}` owns stream `{}` but has no {skill} people; those tasks go to another team (a real dependency)",
                org.name, streams[k].name
            ),
        });
    }
    LoadReport {
        organization: org,
        pools,
        leaders,
        reviewers,
        warnings,
    }
}

/// Each team's capacity per skill (person-days per day): its people at the
/// team's speed, with each group of cross-trained people lending to their
/// second skill the share of their time that evens out the two skills'
/// utilizations as far as their number allows (groups taken in order).
fn capacities(org: &Organization, offered: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let c = org.coordination.communication;
    (org.teams.iter().enumerate())
        .map(|(t, team)| {
            let speed = team.speed(c);
            let mut cap: Vec<f64> = (team.people.iter())
                .map(|&n| f64::from(n) * speed)
                .collect();
            for g in &team.cross {
                let (a, b) = (g.from.index(), g.to.index());
                let (oa, ob) = (offered[t][a], offered[t][b]);
                let most = f64::from(g.count) * speed;
                // oa / (cap_a − x) = ob / (cap_b + x e), x in [0, most].
                let lent = if ob > 0.0 {
                    ((ob * cap[a] - oa * cap[b]) / (ob + oa * g.efficiency)).clamp(0.0, most)
                } else {
                    0.0
                };
                cap[a] -= lent;
                cap[b] += lent * g.efficiency;
            }
            cap
        })
        .collect()
}

/// The warning a utilization calls for, if any.
pub fn saturation(utilization: f64) -> Option<WarningKind> {
    if utilization >= 1.0 {
        Some(WarningKind::Overloaded)
    } else if utilization >= NEAR_SATURATION {
        Some(WarningKind::NearSaturation)
    } else {
        None
    }
}

/// `0.98 >= 0.9` or `1.05 >= 1`: the utilization against its threshold.
fn fmt_u(u: f64) -> String {
    if u >= 1.0 {
        format!("{u:.2} >= 1")
    } else {
        format!("{u:.2} >= {NEAR_SATURATION}")
    }
}

/// What a utilization of this kind does to `queue`.
fn consequence(kind: WarningKind, queue: &str) -> String {
    match kind {
        WarningKind::Overloaded => format!("{queue} grows without bound"),
        _ => format!(
            "near saturation, {queue} is long and slow to settle, so lead times depend on the run length"
        ),
    }
}

/// Expected utilization of `org`'s bar raisers: every item of an open stream
/// is reviewed once (fix items are not), so the reviewers are offered
/// (items per day) × (mean review) days of review per day. `None` without
/// bar raisers.
pub fn reviewer_utilization(model: &ModelSpec, org: &Organization) -> Option<f64> {
    let bar = org.bar_raiser.as_ref()?;
    let items: f64 = model
        .workload
        .streams
        .iter()
        .map(|s| s.mean_rate(model.workload.load).unwrap_or(0.0))
        .sum();
    Some(items * bar.review.mean() / f64::from(bar.reviewers))
}

/// Where the offered-load analysis puts `org` at utilization ≥ 1 — a team's
/// people of one skill, a leader, the executive or the bar raisers — one
/// phrase each (`team `eng` (eng) at utilization 1.02`). Such a topology
/// cannot keep up with its open streams' demand whatever the run length:
/// every replication of it is unstable (docs/model.md, *Unstable systems*).
/// Empty when every resource is below 1. A transition is judged by the
/// organization it switches to, the one that has to keep up in the long run.
pub fn overloads(model: &ModelSpec, org: &Organization) -> Vec<String> {
    let org = org.transition.as_ref().map_or(org, |t| &t.to);
    let report = analyse_org(model, org.clone());
    let org = &report.organization;
    let mut out = Vec::new();
    for p in &report.pools {
        if p.utilization() >= 1.0 {
            out.push(format!(
                "team `{}` ({}) at utilization {:.2}",
                org.teams[p.team].name,
                model.people[p.skill].skill,
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
    if let Some(u) = reviewer_utilization(model, org).filter(|&u| u >= 1.0) {
        out.push(format!("the bar raisers at utilization {u:.2}"));
    }
    out
}
