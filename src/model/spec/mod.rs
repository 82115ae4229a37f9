//! The model's specification: what the simulation of one scenario needs,
//! as plain data with engine [`Dist`]s and no file format. A front end (the
//! `scenario` module reads TOML) builds it; the model reads only this, and
//! the measurement [`Window`] and [`Limits`] of a run beside it.
//!
//! Names are resolved once, by whoever builds the spec: skills, streams and
//! teams are referred to by their ids ([`SkillId`], [`StreamId`](super::ids::StreamId),
//! [`TeamId`](super::ids::TeamId)), and the model never looks a name up. A spec the `scenario`
//! front end builds also holds what its validation checks (README, "Writing
//! a scenario"): every id is that of an entry that exists, and in every
//! topology some team has people of every skill a task needs.

use super::ids::SkillId;
pub use super::season::RateProfile;
use crate::engine::{Dist, DistError};

mod economics;
mod topology;
mod workload;
pub use self::economics::{DEFAULT_DAYS_PER_YEAR, Economics};
pub use self::topology::{
    BarRaiser, QueueDiscipline, Ramp, SharedLeader, TeamSpec, TopologyKind, TopologySpec,
    TransitionSpec,
};
pub use self::workload::{
    Arrivals, InitialBacklog, ItemType, MixEntry, ServiceClass, StreamSpec, TaskSpec, Workload,
};

/// The model of one scenario: demand, people, architecture, quality and the
/// topologies to compare (docs/model.md, "What is simulated").
#[derive(Debug, Clone)]
pub struct ModelSpec {
    /// Demand: streams and item types.
    pub workload: Workload,
    /// How coupled the product architecture is.
    pub architecture: Architecture,
    /// Headcount per skill, in the order the file lists them.
    pub people: Vec<SkillCount>,
    /// Defects and rework (all zero without a `[quality]` table).
    pub quality: Quality,
    /// The organizational topologies to compare, the first being the baseline.
    pub topologies: Vec<TopologySpec>,
    /// People who can also work a second skill (docs/model.md,
    /// "Cross-trained people"); none by default.
    pub cross_training: Vec<CrossTraining>,
    /// What delay and people cost (docs/model.md, "Cost of delay and
    /// people cost"); `None` without an `[economics]` table, and then no
    /// cost metric is reported.
    pub economics: Option<Economics>,
}

/// `count` people of skill `from` who can also do tasks of skill `to`, each
/// taking effort / `efficiency` days (docs/model.md, "Cross-trained people").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossTraining {
    /// Their primary skill (they are counted among its people).
    pub from: SkillId,
    /// The second skill they can work (another skill than `from`).
    pub to: SkillId,
    /// How many of them (>= 1, at most the people of `from`).
    pub count: u32,
    /// Their speed at `to` tasks relative to a `to` specialist, in (0, 1].
    pub efficiency: f64,
}

/// Which waiting task a free cross-trained person takes (docs/model.md,
/// "Cross-trained people").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dispatch {
    /// A task of their own skill if one waits in their team, else the
    /// oldest task of their second skill.
    #[default]
    OwnSkillFirst,
    /// The oldest task they can do, of either skill.
    OldestFirst,
}

/// The stretch of simulated time a replication measures: statistics count
/// from `start` (the end of the warm-up) for `horizon` days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// Days simulated and discarded before statistics start (>= 0).
    pub start: f64,
    /// Days measured after `start` (> 0). Kept as given, not as an end time:
    /// the rates divide by it, and `(start + horizon) - start` need not equal
    /// `horizon` in floating point.
    pub horizon: f64,
}

impl Window {
    /// When the replication stops: `start + horizon`.
    pub fn end(self) -> f64 {
        self.start + self.horizon
    }
}

/// When a replication is stopped as saturated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Items in flight at which a replication is declared saturated (its
    /// work in progress grows without bound) and stopped (default 10 000).
    pub max_wip: u64,
    /// Events after which a replication is stopped as saturated, so that no
    /// scenario can run for ever (default 10^9, about a minute).
    pub max_events: u64,
    /// Whether `max_wip` was derived from the scenario's offered load
    /// because the scenario does not set it (docs/model.md, "Unstable
    /// systems"), so that a message about reaching it can say so.
    pub max_wip_derived: bool,
}

impl Limits {
    /// The limits of a scenario that sets none.
    pub const DEFAULT: Self = Self {
        max_wip: 10_000,
        max_events: 1_000_000_000,
        max_wip_derived: true,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// `[architecture]`.
#[derive(Debug, Clone)]
pub struct Architecture {
    /// Probability that a task must change a component owned by another
    /// stream, in [0, 1] (default 0).
    pub coupling: f64,
    /// Probability that a task of a platform skill must change the shared
    /// platform component, in [0, 1] (default 0).
    pub platform: f64,
    /// The skills whose tasks may touch the platform (default `["eng"]`,
    /// if the organization has that skill).
    pub platform_skills: Vec<SkillId>,
}

/// A skill of the organization and how many people have it.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillCount {
    /// The skill's name.
    pub skill: String,
    /// How many people have it (>= 1).
    pub count: u32,
}

/// A number of people with one skill, in a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headcount {
    /// The skill.
    pub skill: SkillId,
    /// How many people of the team have it (>= 0).
    pub count: u32,
}

/// `[quality]`: defects, their dilution in cross-functional teams, rework and escapes.
#[derive(Debug, Clone)]
pub struct Quality {
    /// Chance that a task leaves a defect, in [0, 1] (default 0).
    pub defect_probability: f64,
    /// Multiplier of the defect probability in cross-functional teams (>= 0, default 1.5).
    pub dilution: f64,
    /// Rework effort as a fraction of the task's effort (>= 0, default 0.5).
    pub rework_fraction: f64,
    /// Days before an escaped defect comes back as a `fix` item (>= 0, default 20).
    pub escape_delay: f64,
}

/// The coordination mechanisms of one topology (scenario defaults with the
/// topology's own `coordination` table applied on top).
#[derive(Debug, Clone)]
pub struct Coordination {
    /// Delay of a handoff between two teams (default 0).
    pub handoff: Dist,
    /// Delay of a handoff inside a team (default 0).
    pub internal_handoff: Dist,
    /// Days between a team's planning boundaries; 0 = requests enter at once (default 0).
    pub intake_cadence: f64,
    /// A leader's time per request at full attention; constant 0 = no decision step (default 0).
    pub decision: Dist,
    /// Chance that a leader escalates a request to the executive, in [0, 1] (default 0).
    pub escalation_probability: f64,
    /// The executive's time per escalated request (default 0).
    pub escalation_decision: Dist,
    /// Extra days to resume a task that was interrupted (default 0.5; used by swarming).
    pub context_switch: Dist,
    /// People pulled to temporary projects (none by default).
    pub swarm: Option<Swarm>,
    /// Share of a person's capacity spent with each other member of their
    /// team, in [0, 1): a person of a team of n works at 1 − c(n − 1) of
    /// full speed (docs/model.md, "Communication overhead"; default 0).
    pub communication: f64,
}

/// Swarming (docs/model.md, "Swarming to temporary projects"): now and then a shared team loses part of its
/// people to a temporary project.
#[derive(Debug, Clone)]
pub struct Swarm {
    /// Days between one swarm event and the next (anywhere in the organization).
    pub interval: Dist,
    /// Days the pulled people stay away.
    pub duration: Dist,
    /// Fraction of the team's people pulled (at least one), in (0, 1].
    pub fraction: f64,
}

impl ModelSpec {
    /// The skill called `name`, if the organization has it (for front ends
    /// and tests: the model itself never looks a name up).
    pub fn skill(&self, name: &str) -> Option<SkillId> {
        self.people
            .iter()
            .position(|p| p.skill == name)
            .map(SkillId::new)
    }

    /// The name of `skill`.
    pub fn skill_name(&self, skill: SkillId) -> &str {
        &self.people[skill.index()].skill
    }

    /// The names of the teams of a topology of `kind`, by [`TeamId`](super::ids::TeamId)
    /// (the rule of [`team_names`](super::topology::team_names)).
    pub fn team_names(&self, kind: &TopologyKind) -> Vec<String> {
        let skills: Vec<&str> = self.people.iter().map(|p| p.skill.as_str()).collect();
        let streams: Vec<&str> = (self.workload.streams.iter())
            .map(|s| s.name.as_str())
            .collect();
        super::topology::team_names(kind, &skills, &streams)
    }
}

impl ModelSpec {
    /// A single station, built in code: one stream of Poisson arrivals at
    /// `lambda` items a day, one item type of one task with an exponential
    /// effort of mean `1 / mu` days needing the one skill `eng`, `c` people
    /// of it, and one `matrix` topology with every coordination mechanism
    /// off: an M/M/c queue (the `station` reduction of `orgsim validate`,
    /// without going through a scenario file).
    pub fn station(lambda: f64, mu: f64, c: u32) -> Result<Self, DistError> {
        let zero = Dist::constant(0.0)?;
        let eng = SkillId::new(0);
        Ok(Self {
            workload: Workload {
                load: 1.0,
                streams: vec![StreamSpec {
                    name: "s".into(),
                    arrivals: Arrivals::Open(Dist::exponential(1.0 / lambda)?),
                    mix: vec![MixEntry {
                        item_type: 0,
                        weight: 1.0,
                    }],
                    weight: 1.0,
                    wip_limit: None,
                    class: ServiceClass::Standard,
                    rate_profile: None,
                }],
                item_types: vec![ItemType {
                    name: "job".into(),
                    tasks: vec![TaskSpec {
                        name: "work".into(),
                        skill: eng,
                        effort: Dist::exponential(1.0 / mu)?,
                        after: Vec::new(),
                    }],
                    class: ServiceClass::Standard,
                }],
                start: InitialBacklog::default(),
            },
            architecture: Architecture {
                coupling: 0.0,
                platform: 0.0,
                platform_skills: vec![eng],
            },
            people: vec![SkillCount {
                skill: "eng".into(),
                count: c,
            }],
            quality: Quality {
                defect_probability: 0.0,
                dilution: 1.5,
                rework_fraction: 0.5,
                escape_delay: 20.0,
            },
            topologies: vec![TopologySpec {
                name: "matrix".into(),
                kind: TopologyKind::Matrix,
                coordination: Coordination {
                    handoff: zero.clone(),
                    internal_handoff: zero.clone(),
                    intake_cadence: 0.0,
                    decision: zero.clone(),
                    escalation_probability: 0.0,
                    escalation_decision: zero,
                    context_switch: Dist::constant(0.5)?,
                    swarm: None,
                    communication: 0.0,
                },
                queue: QueueDiscipline::Fifo,
                leader_attention: 1.0,
                shared_leaders: Vec::new(),
                bar_raiser: None,
                wip_limit: None,
                dispatch: Dispatch::OwnSkillFirst,
                transition: None,
            }],
            cross_training: Vec::new(),
            economics: None,
        })
    }
}
