//! The simulated event log (`orgsim run --events`; docs/model.md, "The
//! event log"): one execution per task of every item completed since time
//! 0, warm-up included, as a tracker would have recorded it.

use super::item::{ItemRun, Stamp};

/// What a task execution was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionKind {
    /// Task `n` of the item's type.
    Task(usize),
    /// Rework of a defect caught in review.
    Rework,
    /// The one task of a `fix` item (an escaped defect).
    Fix,
}

/// One task execution of a completed item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskExecution {
    /// The item's stream.
    pub stream: usize,
    /// The item's index within its stream (fix items are numbered apart).
    pub index: u64,
    /// The item's type (None for a fix item).
    pub item_type: Option<usize>,
    /// When the item arrived.
    pub arrival: f64,
    /// Which task it was.
    pub kind: ExecutionKind,
    /// The team that did it.
    pub team: usize,
    /// The skill it needed.
    pub skill: usize,
    /// When a person first started on it.
    pub start: f64,
    /// When it was done.
    pub end: f64,
}

/// Every task execution of `item`, done now, in task order.
pub(crate) fn executions(item: &ItemRun) -> impl Iterator<Item = TaskExecution> + '_ {
    let item_type = (!item.fix).then_some(item.item_type);
    item.tasks
        .iter()
        .enumerate()
        .map(move |(n, t)| TaskExecution {
            stream: item.stream,
            index: item.index,
            item_type,
            arrival: item.arrival,
            kind: if item.fix {
                ExecutionKind::Fix
            } else if t.rework {
                ExecutionKind::Rework
            } else {
                ExecutionKind::Task(n)
            },
            team: t.team,
            skill: t.skill,
            start: t.at(Stamp::Started),
            end: t.at(Stamp::Finished),
        })
}
