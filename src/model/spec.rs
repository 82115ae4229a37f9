//! The model's specification: what the simulation of one scenario needs,
//! as plain data with engine [`Dist`]s and no file format. A front end (the
//! `scenario` module reads TOML) builds it; the model reads only this, and
//! the measurement [`Window`] and [`Limits`] of a run beside it.
//!
//! Names are resolved once, by whoever builds the spec: skills, streams and
//! teams are referred to by their ids ([`SkillId`], [`StreamId`],
//! [`TeamId`]), and the model never looks a name up. A spec the `scenario`
//! front end builds also holds what its validation checks (README, "Writing
//! a scenario"): every id is that of an entry that exists, and in every
//! topology some team has people of every skill a task needs.

use super::ids::{SkillId, StreamId, TeamId};
pub use super::season::RateProfile;
use crate::engine::{Dist, DistError};

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
}

impl Limits {
    /// The limits of a scenario that sets none.
    pub const DEFAULT: Self = Self {
        max_wip: 10_000,
        max_events: 1_000_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// `[workload]`: who asks for what, and how often.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Multiplies every open stream's arrival rate (> 0).
    pub load: f64,
    /// The streams (business goals), in file order.
    pub streams: Vec<StreamSpec>,
    /// The item types, in file order.
    pub item_types: Vec<ItemType>,
}

impl Workload {
    /// `f` of every task, as `[item type][task]` (for tables the simulation
    /// looks up instead of comparing names).
    pub fn per_task<T>(&self, mut f: impl FnMut(&TaskSpec) -> T) -> Vec<Vec<T>> {
        self.item_types
            .iter()
            .map(|it| it.tasks.iter().map(&mut f).collect())
            .collect()
    }
}

/// One stream of demand (a product line with its own goal).
#[derive(Debug, Clone)]
pub struct StreamSpec {
    /// Unique stream name.
    pub name: String,
    /// Open (arrivals over time) or closed (fixed work in progress).
    pub arrivals: Arrivals,
    /// Item types this stream produces, with their weights (> 0, not
    /// necessarily summing to 1). `item = "x"` is a single entry of weight 1.
    pub mix: Vec<MixEntry>,
    /// Business priority, used by weighted queues (> 0, default 1).
    pub weight: f64,
    /// At most this many of its items started and not done (>= 1; none by
    /// default): docs/model.md, "WIP limits".
    pub wip_limit: Option<u32>,
    /// Its class of service (every item of the stream has it).
    pub class: ServiceClass,
    /// `rate_profile`: seasonal multipliers of an open stream's rate
    /// (docs/model.md, "Seasonal demand"); `None` for a constant rate and
    /// for every closed stream.
    pub rate_profile: Option<RateProfile>,
}

impl StreamSpec {
    /// The long-run arrival rate of an open stream, items per day, at the
    /// workload's `load` (its rate profile's mean multiplier included);
    /// `None` for a closed stream.
    pub fn mean_rate(&self, load: f64) -> Option<f64> {
        match &self.arrivals {
            Arrivals::Open(d) => {
                let factor = self.rate_profile.as_ref().map_or(1.0, RateProfile::mean);
                Some(load * factor / d.mean())
            }
            Arrivals::Closed { .. } => None,
        }
    }
}

/// A class of service (docs/model.md, "Classes of service").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceClass {
    /// Served in the order of the topology's queue discipline.
    #[default]
    Standard,
    /// Ahead of every standard task in every backlog and intake queue (not
    /// preempting one being worked on or decided), and never held back by a
    /// WIP limit.
    Expedite,
}

/// How items of a stream arrive.
#[derive(Debug, Clone)]
pub enum Arrivals {
    /// Items arrive with independent interarrival times of this
    /// distribution (before the `load` factor is applied; mean > 0).
    Open(Dist),
    /// `backlog = { wip = N }`: always N items of the stream in flight; a new
    /// one arrives the moment one is done (N >= 1).
    Closed {
        /// Items of the stream always in flight.
        wip: u32,
    },
}

/// One entry of a stream's item mix.
#[derive(Debug, Clone)]
pub struct MixEntry {
    /// Index into `Workload::item_types`.
    pub item_type: usize,
    /// Relative frequency (> 0).
    pub weight: f64,
}

/// An item type (`[workload.items.<name>]`): a DAG of tasks.
#[derive(Debug, Clone)]
pub struct ItemType {
    /// The type's name (the key under `workload.items`).
    pub name: String,
    /// Its tasks in file order; `after` refers to earlier or later entries by index.
    pub tasks: Vec<TaskSpec>,
    /// Its class of service (an item is expedite if its type or its stream is).
    pub class: ServiceClass,
}

/// One task of an item type.
#[derive(Debug, Clone)]
pub struct TaskSpec {
    /// Unique (within the item type) task name.
    pub name: String,
    /// The skill it needs.
    pub skill: SkillId,
    /// Person-days of work.
    pub effort: Dist,
    /// Indices (into the same item type's `tasks`) of the tasks that must be
    /// done first. The graph is acyclic.
    pub after: Vec<usize>,
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

/// The order in which a team's backlog is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueDiscipline {
    /// First in, first out.
    #[default]
    Fifo,
    /// Higher stream `weight` first, then first in, first out.
    Weighted,
}

/// One leader who decides for several teams (a part-time leader of each).
#[derive(Debug, Clone, PartialEq)]
pub struct SharedLeader {
    /// The leader's name (for output).
    pub name: String,
    /// The teams this leader leads (each at most once in the topology).
    pub teams: Vec<TeamId>,
    /// The fraction of a full-time leader's attention this leader gives to
    /// decisions, in (0, 1], shared by all the teams.
    pub attention: f64,
}

/// How a topology builds its teams.
#[derive(Debug, Clone, PartialEq)]
pub enum TopologyKind {
    /// One functional department per skill; no team owns a stream.
    Matrix,
    /// One cross-functional team per stream, people split by expected demand.
    SingleThreaded,
    /// One team per stream plus a platform team owning the shared platform,
    /// each sized by its expected demand.
    SingleThreadedWithPlatform,
    /// Teams written out in the file.
    Custom(Vec<TeamSpec>),
}

/// One `[[topologies]]` entry.
#[derive(Debug, Clone)]
pub struct TopologySpec {
    /// Unique topology name.
    pub name: String,
    /// Its generator.
    pub kind: TopologyKind,
    /// Its coordination parameters (defaults + overrides).
    pub coordination: Coordination,
    /// How its teams' backlogs are ordered.
    pub queue: QueueDiscipline,
    /// Leader attention of every generated team (matrix, single-threaded;
    /// custom teams set their own), in (0, 1] (default 1).
    pub leader_attention: f64,
    /// Leaders shared by several teams (each team at most once).
    pub shared_leaders: Vec<SharedLeader>,
    /// A central review before items are done (none by default).
    pub bar_raiser: Option<BarRaiser>,
    /// The WIP limit of every team that sets none of its own (>= 1; none by
    /// default): docs/model.md, "WIP limits".
    pub wip_limit: Option<u32>,
    /// What a free cross-trained person takes next (the organization's
    /// `dispatch`, unless the topology sets its own).
    pub dispatch: Dispatch,
}

/// Bar raisers (docs/model.md, "Quality, dilution and bar raisers"): a shared pool of reviewers who look at every
/// item before it is done and catch some of its defects.
#[derive(Debug, Clone)]
pub struct BarRaiser {
    /// Reviewers in the pool (extra headcount, not among `people`).
    pub reviewers: u32,
    /// Days one review takes.
    pub review: Dist,
    /// Probability that a review catches a given defect, in [0, 1].
    pub catch: f64,
}

/// A team written out in a custom topology.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamSpec {
    /// Unique (within the topology) team name.
    pub name: String,
    /// Its people per skill, in file order (each skill at most once).
    pub people: Vec<Headcount>,
    /// The streams it owns.
    pub owns: Vec<StreamId>,
    /// Fraction of a full-time leader's attention its leader gives, in (0, 1] (default 1).
    pub leader_attention: f64,
    /// Whether it owns the shared platform component (at most one team).
    pub owns_platform: bool,
    /// Its WIP limit, instead of the topology's (>= 1; none by default).
    pub wip_limit: Option<u32>,
    /// Its cross-trained people, counted among `people` of their primary
    /// skill (each `(from, to)` at most once).
    pub cross_trained: Vec<CrossTraining>,
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

    /// The names of the teams of a topology of `kind`, by [`TeamId`]
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
            }],
            cross_training: Vec::new(),
        })
    }
}
