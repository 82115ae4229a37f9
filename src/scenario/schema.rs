//! The validated scenario: what a scenario file means once every default is
//! filled in and every rule of README's "Writing a scenario" holds. The model reads only this.

use crate::engine::Dist;

/// A complete, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Output folder name (`[a-z0-9-_]+`).
    pub name: String,
    /// What the scenario shows, in words (may be empty).
    pub description: String,
    /// Run length, replications and seed.
    pub simulation: Simulation,
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
    /// Where it came from, for reproducibility: the FNV-1a hash of the file's
    /// text and the whole document after `--set` overrides.
    pub provenance: Provenance,
}

/// What is needed to reproduce a run of a scenario exactly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    /// 64-bit FNV-1a hash of the scenario text as read, in hex.
    pub source_hash: String,
    /// The scenario as TOML, after the `--set` overrides.
    pub resolved: String,
}

/// The 64-bit FNV-1a hash of `text`, in hex (stable across platforms and versions).
pub fn fnv1a_hex(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `[simulation]`: how long to run and how often.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Days simulated and discarded before statistics start (>= 0; 0 when
    /// `auto_warmup`, until the experiment picks it).
    pub warmup: f64,
    /// `warmup = "auto"`: pick the warm-up per topology by MSER-5.
    pub auto_warmup: bool,
    /// Days measured after the warm-up (> 0).
    pub horizon: f64,
    /// Independent replications (>= 1).
    pub replications: u32,
    /// Master seed of every random stream.
    pub seed: u64,
    /// Items in flight at which a replication is declared saturated (its
    /// work in progress grows without bound) and stopped (default 10 000).
    pub max_wip: u64,
    /// Events after which a replication is stopped as saturated, so that no
    /// scenario can run for ever (default 10^9, about a minute).
    pub max_events: u64,
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
}

/// One task of an item type.
#[derive(Debug, Clone)]
pub struct TaskSpec {
    /// Unique (within the item type) task name.
    pub name: String,
    /// The skill it needs; a key of `[organization] people`.
    pub skill: String,
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
    /// The skills whose tasks may touch the platform (default `["eng"]`).
    pub platform_skills: Vec<String>,
}

/// A number of people with one skill.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillCount {
    /// The skill.
    pub skill: String,
    /// How many people have it (>= 0 in a team; >= 1 in `[organization]`).
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
    /// The teams this leader leads, by name (as the topology generates them).
    pub teams: Vec<String>,
    /// The fraction of a full-time leader's attention this leader gives to
    /// decisions, in (0, 1], shared by all the teams.
    pub attention: f64,
}

/// The name of the platform team that `single-threaded-with-platform` adds,
/// unless a stream already has it (see [`platform_team_name`]).
pub const PLATFORM_TEAM: &str = "platform";

/// The name the platform team of a `single-threaded-with-platform`
/// topology gets among streams called `stream_names`: `platform`, or with
/// `-team` appended (as often as needed) when a stream already has the name.
/// The validator (for `leaders`) and the generator both use this one rule.
pub fn platform_team_name<'a>(stream_names: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let mut name = PLATFORM_TEAM.to_owned();
    while stream_names.clone().into_iter().any(|s| s == name) {
        name.push_str("-team");
    }
    name
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
    /// Its people per skill, in file order (each skill exists in `[organization]`).
    pub people: Vec<SkillCount>,
    /// Indices (into `Workload::streams`) of the streams it owns.
    pub owns: Vec<usize>,
    /// Fraction of a full-time leader's attention its leader gives, in (0, 1] (default 1).
    pub leader_attention: f64,
    /// Whether it owns the shared platform component (at most one team).
    pub owns_platform: bool,
}

impl Scenario {
    /// Index of the skill in `people`, if the organization has it.
    pub fn skill_index(&self, skill: &str) -> Option<usize> {
        self.people.iter().position(|p| p.skill == skill)
    }
}
