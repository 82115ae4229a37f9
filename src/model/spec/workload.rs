//! `[workload]` of the model specification: the streams, their arrivals,
//! classes and item types.

use super::RateProfile;
use crate::engine::Dist;
use crate::model::ids::SkillId;

/// `[workload]`: who asks for what, and how often.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Multiplies every open stream's arrival rate (> 0).
    pub load: f64,
    /// The streams (business goals), in file order.
    pub streams: Vec<StreamSpec>,
    /// The item types, in file order.
    pub item_types: Vec<ItemType>,
    /// The work waiting at day 0 (none unless `orgsim forecast` sets it).
    pub start: InitialBacklog,
}

/// The work waiting at day 0 and whether demand keeps arriving besides
/// (docs/model.md, "Forecasts"): none, and the streams as specified, by
/// default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InitialBacklog {
    /// Items of each stream waiting at day 0, by stream index (empty or
    /// zeros: none). They are drawn like arrivals, before any other item of
    /// their stream, so they are the stream's first items (numbers
    /// `0..items[k]`).
    pub items: Vec<u32>,
    /// No demand besides the backlog: open streams have no arrivals and
    /// closed streams no items.
    pub no_arrivals: bool,
}

impl InitialBacklog {
    /// Items waiting at day 0 in every stream together.
    pub fn total(&self) -> u64 {
        self.items.iter().map(|&n| u64::from(n)).sum()
    }
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
