//! WIP limits and classes of service (docs/model.md, "WIP limits" and
//! "Classes of service"): the gates that hold work back while a stream or a
//! team is at its limit, and the queue order that puts expedite work first.
//! Steps of no time only: a gate admits or parks at once, and lets the
//! next one through the moment a place frees up.

use std::collections::VecDeque;

use crate::model::ids::Slot;
use crate::model::spec::{ModelSpec, ServiceClass};
use crate::model::topology::Organization;

use super::arena::TaskRef;
use super::{Cx, Mechanisms};

/// A first-in-first-out queue in which expedite entries go ahead of every
/// standard one (and behind the expedite ones already there).
#[derive(Debug, Clone)]
pub(crate) struct ClassQueue<T> {
    queue: VecDeque<T>,
    /// How many entries at the head are expedite.
    expedited: usize,
}

impl<T> Default for ClassQueue<T> {
    fn default() -> Self {
        Self {
            queue: VecDeque::new(),
            expedited: 0,
        }
    }
}

impl<T> ClassQueue<T> {
    /// Adds `x` behind the others of its class.
    #[inline]
    pub(crate) fn push(&mut self, x: T, expedite: bool) {
        if expedite {
            self.queue.insert(self.expedited, x);
            self.expedited += 1;
        } else {
            self.queue.push_back(x);
        }
    }

    /// Takes the entry at the head.
    #[inline]
    pub(crate) fn pop_front(&mut self) -> Option<T> {
        let x = self.queue.pop_front()?;
        self.expedited = self.expedited.saturating_sub(1);
        Some(x)
    }

    /// Entries waiting.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether nothing waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

/// Places under a limit: how many are taken, and who waits for one. An
/// expedite entry always gets a place, even beyond the limit.
#[derive(Debug, Clone)]
struct Places<T> {
    limit: u32,
    taken: u32,
    waiting: ClassQueue<T>,
}

impl<T> Places<T> {
    fn new(limit: Option<u32>) -> Self {
        Self {
            limit: limit.unwrap_or(u32::MAX),
            taken: 0,
            waiting: ClassQueue::default(),
        }
    }

    /// Whether `x` takes a place now (else it waits).
    #[inline]
    fn enter(&mut self, x: T, expedite: bool) -> bool {
        if expedite || (self.taken < self.limit && self.waiting.is_empty()) {
            self.taken += 1;
            true
        } else {
            self.waiting.push(x, expedite);
            false
        }
    }

    /// A place is given back: the entry that takes it now, if one waits.
    #[inline]
    fn leave(&mut self) -> Option<T> {
        self.taken -= 1;
        if self.taken >= self.limit {
            return None;
        }
        let next = self.waiting.pop_front()?;
        self.taken += 1;
        Some(next)
    }
}

/// The stream WIP limits: at most `wip_limit` items of a stream started
/// (their root tasks handed to the teams) and not done; later items wait
/// in the stream's backlog, in arrival order (expedite ones first).
#[derive(Debug, Clone)]
pub(crate) struct StreamGate {
    /// `None` when no stream has a limit (nothing to count).
    streams: Option<Vec<Places<Slot>>>,
}

impl StreamGate {
    /// The gates of `model`'s streams, all open.
    pub(crate) fn new(model: &ModelSpec) -> Self {
        let streams = &model.workload.streams;
        let any = streams.iter().any(|s| s.wip_limit.is_some());
        Self {
            streams: any.then(|| streams.iter().map(|s| Places::new(s.wip_limit)).collect()),
        }
    }

    /// Whether the item in `slot` of stream `k` starts now; if not, it
    /// waits in the stream's backlog.
    #[inline]
    pub(crate) fn enter(&mut self, k: usize, slot: Slot, expedite: bool) -> bool {
        match self.streams.as_mut() {
            None => true,
            Some(s) => s[k].enter(slot, expedite),
        }
    }

    /// Whether some stream has a limit (otherwise nothing is counted).
    #[inline]
    pub(crate) fn is_active(&self) -> bool {
        self.streams.is_some()
    }

    /// An item of stream `k` is done: the item that starts in its place, if one waits.
    #[inline]
    pub(crate) fn leave(&mut self, k: usize) -> Option<Slot> {
        self.streams.as_mut()?[k].leave()
    }
}

/// The team WIP limits: at most `wip_limit` tasks accepted by a team (past
/// its handoff: in its intake, its backlogs or being worked on) and not
/// finished; further tasks wait before its intake.
#[derive(Debug, Clone)]
pub(crate) struct TeamGate {
    /// `None` when no team has a limit (nothing to count).
    teams: Option<Vec<Places<TaskRef>>>,
}

impl TeamGate {
    /// The gates of `org`'s teams, all open.
    pub(crate) fn new(org: &Organization) -> Self {
        let any = org.teams.iter().any(|t| t.wip_limit.is_some());
        Self {
            teams: any.then(|| org.teams.iter().map(|t| Places::new(t.wip_limit)).collect()),
        }
    }

    /// Whether some team has a limit (else every task is accepted at once
    /// and nothing is counted).
    #[inline]
    pub(crate) fn is_active(&self) -> bool {
        self.teams.is_some()
    }

    /// Whether `team` accepts `tr` now; if not, it waits.
    #[inline]
    pub(crate) fn enter(&mut self, team: usize, tr: TaskRef, expedite: bool) -> bool {
        match self.teams.as_mut() {
            None => true,
            Some(t) => t[team].enter(tr, expedite),
        }
    }

    /// A task of `team` is finished: the task the team accepts in its
    /// place, if one waits.
    #[inline]
    pub(crate) fn leave(&mut self, team: usize) -> Option<TaskRef> {
        self.teams.as_mut()?[team].leave()
    }
}

/// Which items are expedite: by stream and by item type.
#[derive(Debug, Clone)]
pub(crate) struct Classes {
    stream: Vec<bool>,
    item_type: Vec<bool>,
}

impl Classes {
    /// The classes of service of `model`.
    pub(crate) fn new(model: &ModelSpec) -> Self {
        let w = &model.workload;
        Self {
            stream: (w.streams.iter())
                .map(|s| s.class == ServiceClass::Expedite)
                .collect(),
            item_type: (w.item_types.iter())
                .map(|t| t.class == ServiceClass::Expedite)
                .collect(),
        }
    }

    /// Whether some stream or item type is expedite.
    pub(crate) fn any(&self) -> bool {
        self.stream.iter().chain(&self.item_type).any(|&e| e)
    }

    /// Whether an item of stream `k` and type `item_type` (`None` for a
    /// fix item, which has the class of its stream) is expedite.
    #[inline]
    pub(crate) fn expedite(&self, k: usize, item_type: Option<usize>) -> bool {
        self.stream[k] || item_type.is_some_and(|t| self.item_type[t])
    }
}

/// The backlog classes of the streams, `stream_class` (0 first), with
/// class 0 kept for expedite work when some is.
pub(crate) fn backlog_classes(mut stream_class: Vec<u32>, classes: &Option<Classes>) -> Vec<u32> {
    if classes.is_some() {
        stream_class.iter_mut().for_each(|c| *c += 1);
    }
    stream_class
}

/// The lifecycle's hooks: the class of a new item, and a place freed under
/// a limit letting the next one in.
impl Mechanisms<'_> {
    /// Marks the new item in `slot` expedite if its stream or its type is
    /// (a fix item, of no type, if its stream is).
    #[inline]
    pub(super) fn classify(&mut self, cx: &mut Cx, slot: Slot) {
        if let Some(c) = &self.classes {
            let item = cx.items.item(slot);
            let item_type = (!item.fix).then_some(item.item_type);
            item.expedite = c.expedite(item.stream, item_type);
        }
    }

    /// `team` finished a task: the task waiting for its place under the
    /// team's WIP limit, if any, is accepted.
    pub(super) fn team_place_freed(&mut self, cx: &mut Cx, team: usize) {
        if let Some(next) = self.intake.gate.leave(team)
            && let Some(tr) = self.intake.accepted(cx, next)
        {
            self.work.enqueue(cx, tr, self.swarm.as_mut());
        }
    }

    /// An item of stream `k` is done: the item waiting for its place under
    /// the stream's WIP limit, if any, starts.
    #[inline]
    pub(super) fn stream_place_freed(&mut self, cx: &mut Cx, k: usize) {
        if self.stream_gate.is_active() {
            self.stream_place_given(cx, k);
        }
    }

    /// Out of line, so that organizations without stream limits pay one
    /// test per item done (measured: a call per item cost 1% of M/M/c).
    #[inline(never)]
    fn stream_place_given(&mut self, cx: &mut Cx, k: usize) {
        if let Some(next) = self.stream_gate.leave(k) {
            self.start_item(cx, next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expedite_entries_go_ahead_of_standard_ones_in_arrival_order() {
        let mut q = ClassQueue::default();
        q.push(1, false);
        q.push(2, true);
        q.push(3, false);
        q.push(4, true);
        assert_eq!(q.len(), 4);
        assert_eq!(q.pop_front(), Some(2));
        q.push(5, true);
        let order: Vec<i32> = std::iter::from_fn(|| q.pop_front()).collect();
        assert_eq!(order, [4, 5, 1, 3]);
        assert!(q.is_empty());
    }

    #[test]
    fn places_are_given_in_order_and_an_expedite_entry_may_exceed_the_limit() {
        let mut p = Places::new(Some(2));
        assert!(p.enter('a', false));
        assert!(p.enter('b', false));
        assert!(!p.enter('c', false), "at the limit: c waits");
        assert!(!p.enter('d', false));
        assert!(p.enter('x', true), "expedite: over the limit");
        assert_eq!(p.taken, 3);
        // Still at the limit after one leaves: nobody starts.
        assert_eq!(p.leave(), None);
        assert_eq!(p.leave(), Some('c'));
        assert_eq!(p.taken, 2);
        assert_eq!(p.leave(), Some('d'));
        assert_eq!(p.leave(), None);
        assert_eq!(p.leave(), None);
        assert_eq!(p.taken, 0);
        // With nobody waiting, a new entry takes a free place at once.
        assert!(p.enter('e', false));
    }

    #[test]
    fn without_a_limit_everything_enters() {
        let mut p = Places::new(None);
        for i in 0..1000 {
            assert!(p.enter(i, false));
        }
        assert_eq!(p.leave(), None);
    }
}
