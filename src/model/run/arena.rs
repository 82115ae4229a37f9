//! The arena of items in flight: a slot per item, reused once the item is
//! done, so that no item allocates once the arena has grown to the largest
//! work in progress.

use crate::model::ids::Slot;
use crate::model::item::{ItemRun, Phase, Stamp, TaskRun};

/// A task of an item in flight: the item's slot in the arena and the task's
/// index within the item (32 bits each, so that an event fits in 16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TaskRef {
    slot: Slot,
    task: u32,
}

impl TaskRef {
    /// Task `task` of the item in `slot`.
    #[inline]
    pub(crate) fn new(slot: Slot, task: usize) -> Self {
        Self {
            slot,
            task: u32::try_from(task).expect("fewer than 2^32 tasks per item"),
        }
    }

    /// The item's slot.
    #[inline]
    pub(crate) fn slot(self) -> Slot {
        self.slot
    }

    /// The task's index within its item.
    #[inline]
    pub(crate) fn task(self) -> usize {
        self.task as usize
    }
}

/// The items in flight and the free slots whose buffers the next items reuse.
#[derive(Debug)]
pub(crate) struct Arena {
    items: Vec<ItemRun>,
    free: Vec<Slot>,
    /// Tasks reserved in a new slot: room for the largest item, its tasks
    /// and one rework task each, so that a reused slot never grows.
    task_room: usize,
    /// Teams reserved in a new slot.
    team_room: usize,
}

impl Arena {
    /// An empty arena for items of at most `max_tasks` tasks in an
    /// organization of `teams` teams.
    pub(crate) fn new(max_tasks: usize, teams: usize) -> Self {
        let task_room = 2 * max_tasks;
        Self {
            items: Vec::new(),
            free: Vec::new(),
            task_room,
            team_room: task_room.min(teams),
        }
    }

    /// A slot for a new item of stream `k` arriving at `now`, with no task
    /// yet (its index and item type are set by the caller).
    pub(crate) fn new_item(&mut self, k: usize, now: f64, fix: bool) -> Slot {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.items.push(ItemRun {
                tasks: Vec::with_capacity(self.task_room),
                teams: Vec::with_capacity(self.team_room),
                ..ItemRun::default()
            });
            Slot::new(self.items.len() - 1)
        });
        self.items[slot.index()].reset(k, now, fix);
        slot
    }

    /// The item in flight in `slot`.
    #[inline]
    pub(crate) fn item(&mut self, slot: Slot) -> &mut ItemRun {
        let item = &mut self.items[slot.index()];
        debug_assert!(item.live, "events only refer to items in flight");
        item
    }

    /// The task `tr` of an item in flight.
    #[inline]
    pub(crate) fn task(&mut self, tr: TaskRef) -> &mut TaskRun {
        &mut self.item(tr.slot()).tasks[tr.task()]
    }

    /// The item in `slot` is done: its slot is free for the next item (its
    /// data stays readable until then).
    pub(crate) fn release(&mut self, slot: Slot) {
        self.free.push(slot);
        self.items[slot.index()].live = false;
    }

    #[cfg(test)]
    /// The item last held by `slot`, in flight or just released.
    #[inline]
    pub(crate) fn slot(&self, slot: Slot) -> &ItemRun {
        &self.items[slot.index()]
    }

    /// Items in flight now.
    #[inline]
    pub(crate) fn in_flight(&self) -> usize {
        self.items.len() - self.free.len()
    }

    /// The slots of every item in flight, in slot order.
    pub(crate) fn live_slots(&self) -> Vec<Slot> {
        (self.items.iter().enumerate())
            .filter(|(_, i)| i.live)
            .map(|(s, _)| Slot::new(s))
            .collect()
    }

    /// Every item in flight, in slot order.
    pub(crate) fn live(&self) -> impl Iterator<Item = &ItemRun> {
        self.items.iter().filter(|i| i.live)
    }
}

/// A task for `team` needing `skill`, not started, with no predecessor;
/// `request` when the team does not own the item's stream.
pub(crate) fn new_task(now: f64, team: usize, skill: usize, effort: f64, request: bool) -> TaskRun {
    TaskRun {
        team,
        skill,
        effort,
        request,
        preds_left: 0,
        trigger: None,
        stamps: [now; Stamp::COUNT],
        phase: Phase::Blocked,
        remaining: effort,
        epoch: 0,
        service_slot: 0,
        work_started: now,
        paused_at: None,
        interrupted: 0.0,
        rework: false,
        defect: false,
        defect_draw: 1.0,
        catch_draw: 1.0,
    }
}

/// A rework task for `team`'s own defect: it skips the handoff and the
/// intake, so every stamp up to its entry into the backlog is `now` (each
/// of those stretches is zero; docs/model.md, "Quality").
pub(crate) fn rework_task(
    now: f64,
    team: usize,
    skill: usize,
    effort: f64,
    request: bool,
) -> TaskRun {
    TaskRun {
        rework: true,
        phase: Phase::Coordinating,
        ..new_task(now, team, skill, effort, request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_released_slot_is_reused_without_growing_its_buffers() {
        let mut arena = Arena::new(3, 4);
        let a = arena.new_item(0, 1.0, false);
        for _ in 0..6 {
            arena.item(a).tasks.push(new_task(1.0, 0, 0, 1.0, false));
        }
        let room = arena.slot(a).tasks.capacity();
        assert_eq!(room, 6, "two tasks per task of the largest item");
        let b = arena.new_item(1, 2.0, false);
        assert_ne!(a, b);
        assert_eq!(arena.in_flight(), 2);
        arena.release(a);
        assert_eq!(arena.in_flight(), 1);
        let c = arena.new_item(2, 3.0, true);
        assert_eq!(c, a, "the free slot is taken first");
        let item = arena.item(c);
        assert!(item.live && item.fix && item.tasks.is_empty());
        assert_eq!((item.stream, item.arrival), (2, 3.0));
        assert_eq!(item.tasks.capacity(), room);
    }

    #[test]
    fn only_items_in_flight_are_listed() {
        let mut arena = Arena::new(1, 1);
        let slots: Vec<Slot> = (0..4).map(|k| arena.new_item(k, 0.0, false)).collect();
        arena.release(slots[1]);
        arena.release(slots[3]);
        let streams: Vec<usize> = arena.live().map(|i| i.stream).collect();
        assert_eq!(streams, [0, 2]);
        // A released item stays readable until its slot is reused.
        assert_eq!(arena.slot(slots[3]).stream, 3);
    }

    #[test]
    fn a_rework_task_enters_the_backlog_at_once() {
        let t = rework_task(5.0, 2, 1, 0.5, true);
        assert!(t.rework && t.request);
        assert_eq!(t.phase, Phase::Coordinating);
        assert!(t.stamps.iter().all(|&s| s == 5.0));
        assert_eq!(t.remaining, 0.5);
    }
}
