//! The topologies of the model specification: how teams are formed, led
//! and served.

use super::{Coordination, CrossTraining, Dispatch, Headcount};
use crate::engine::Dist;
use crate::model::ids::{StreamId, TeamId};

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
    /// Set on the entry a `[[transitions]]` table adds: this entry is then
    /// a copy of the source topology under the transition's name, and the
    /// organization switches to `to` at the day given (docs/model.md, "The
    /// reorganization as a transition"). `None` for a plain topology.
    pub transition: Option<Box<TransitionSpec>>,
}

/// One `[[transitions]]` entry: the organization runs as its source
/// topology until day `at`, then as `to` (docs/model.md, "The
/// reorganization as a transition").
#[derive(Debug, Clone)]
pub struct TransitionSpec {
    /// The source topology's name.
    pub from: String,
    /// The target topology.
    pub to: TopologySpec,
    /// The day of the switch (>= 0; after the horizon: never).
    pub at: f64,
    /// How moved people relearn; `None`: at full efficiency at once.
    pub ramp: Option<Ramp>,
}

/// The efficiency of a person who changed team at the switch: `start` at
/// the switch, climbing linearly to 1 over `days`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ramp {
    /// Days from the switch until a moved person is at full efficiency (> 0).
    pub days: f64,
    /// A moved person's efficiency right after the switch, in (0, 1].
    pub start: f64,
}

impl Ramp {
    /// A moved person's efficiency `since` days after the switch:
    /// `start + (1 - start) * min(1, since / days)`.
    pub fn efficiency(&self, since: f64) -> f64 {
        let progress = (since / self.days).clamp(0.0, 1.0);
        self.start + (1.0 - self.start) * progress
    }
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
