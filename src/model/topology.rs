//! Topology generators: every kind becomes the one general form, a list of
//! teams (docs/model.md, "Topologies"). The simulation knows only that form.

use super::spec::{
    Arrivals, BarRaiser, Coordination, CrossTraining, Dispatch, ModelSpec, QueueDiscipline,
    TopologyKind, TopologySpec,
};
use super::split::{MAX_SPLIT_ROUNDS, keep_open_teams_stable, split_people, team_demand};
pub use super::split::{closed_stream_throughput, expected_demand, largest_remainder};

/// A team as the simulation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Unique team name within its topology.
    pub name: String,
    /// Headcount per skill, indexed by [`SkillId`](super::ids::SkillId).
    pub people: Vec<u32>,
    /// Indices of the streams this team owns (its single-threaded goals).
    pub owns: Vec<usize>,
    /// Fraction of a full-time leader's attention its leader gives, in (0, 1].
    pub leader_attention: f64,
    /// Whether it owns the shared platform component.
    pub owns_platform: bool,
    /// At most this many tasks accepted and not finished (docs/model.md,
    /// "WIP limits"); none when unlimited.
    pub wip_limit: Option<u32>,
    /// Its cross-trained people (counted in `people` of their primary
    /// skill), one entry per `(from, to)` with a count of at least 1.
    pub cross: Vec<CrossTraining>,
}

impl Team {
    /// Whether someone in the team can do tasks of `skill`: people of it,
    /// or people cross-trained in it.
    pub fn can_do(&self, skill: usize) -> bool {
        self.people[skill] > 0 || self.cross.iter().any(|c| c.to.index() == skill)
    }

    /// The share of full speed its people work at when each spends
    /// `communication` of their capacity with each other member
    /// (docs/model.md, "Communication overhead"): 1 − c(n − 1).
    pub fn speed(&self, communication: f64) -> f64 {
        1.0 - communication * f64::from(self.size().saturating_sub(1))
    }

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
    /// What its free cross-trained people take next.
    pub dispatch: Dispatch,
    /// For a transition (docs/model.md, "The reorganization as a
    /// transition"): this is the organization until the switch, and this
    /// the switch; `None` for a plain topology.
    pub transition: Option<Box<super::transition::Transition>>,
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
                    wip_limit: t.wip_limit.or(spec.wip_limit),
                    cross: t.cross_trained.clone(),
                }
            })
            .collect(),
    };
    if !matches!(spec.kind, TopologyKind::Custom(_)) {
        super::cross::place(model, spec, &mut teams);
    }
    for (team, name) in teams.iter_mut().zip(model.team_names(&spec.kind)) {
        team.name = name;
    }
    if !matches!(spec.kind, TopologyKind::Custom(_)) {
        for t in &mut teams {
            t.leader_attention = spec.leader_attention;
            t.wip_limit = spec.wip_limit;
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
    // Each team's first shared leader, looked up once (a search of every
    // leader per team would grow with the square of the teams).
    let mut shared: Vec<Option<usize>> = vec![None; teams.len()];
    for (l, leader) in leaders.iter().enumerate().rev() {
        for &t in &leader.teams {
            if let Some(s) = shared.get_mut(t) {
                *s = Some(l);
            }
        }
    }
    let mut team_leader = vec![0; teams.len()];
    for (i, team) in teams.iter().enumerate() {
        team_leader[i] = match shared[i] {
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
    let mut org = Organization {
        name: spec.name.clone(),
        teams,
        leaders,
        team_leader,
        coordination: spec.coordination.clone(),
        queue: spec.queue,
        bar_raiser: spec.bar_raiser.clone(),
        dispatch: spec.dispatch,
        transition: None,
    };
    if let Some(t) = &spec.transition {
        let to = build(model, &t.to);
        org.transition = Some(Box::new(super::transition::Transition::new(
            &org, to, t.at, t.ramp,
        )));
    }
    org
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
                wip_limit: None,
                cross: Vec::new(),
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
            wip_limit: None,
            cross: Vec::new(),
        })
        .collect();
    if with_platform {
        teams.push(Team {
            name: String::new(),
            people: vec![0; skills],
            owns: vec![],
            leader_attention: 1.0,
            owns_platform: true,
            wip_limit: None,
            cross: Vec::new(),
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
            Arrivals::Open(_) => streams[k].mean_rate(model.workload.load).unwrap_or(0.0),
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
