//! The arena of items in flight: a slot per item, reused once the item is
//! done, so that no item allocates once the arena has grown to the largest
//! work in progress.

use crate::model::ids::Slot;
use crate::model::item::{ItemRun, ItemState, Phase, Stamp, TaskRun};

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
    /// Items of the streams in flight (fix items apart) in each state of
    /// the cumulative flow diagram, indexed by [`ItemState`], then the same
    /// of the fix items: counted at every change so that a flow sample need
    /// not look at every item.
    states: [[u64; 3]; 2],
    /// Whether `states` is kept: only a replication that samples the
    /// cumulative flow reads it (see [`Arena::counting`]).
    counting: bool,
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
            states: [[0; 3]; 2],
            counting: true,
        }
    }

    /// The same arena, counting the items in each state only if `counting`
    /// (the replication samples the cumulative flow): the counts cost some
    /// 45 instructions per item, and most replications (every one of a
    /// benchmark, all but the first of a run) sample no flow.
    pub(crate) fn counting(mut self, counting: bool) -> Self {
        self.counting = counting;
        self
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
        if self.counting {
            self.states[usize::from(fix)][ItemState::Intake as usize] += 1;
        }
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
        let item = &mut self.items[slot.index()];
        item.live = false;
        if self.counting {
            self.states[usize::from(item.fix)][item.counted_state() as usize] -= 1;
        }
    }

    /// The item in flight in `slot`, and the counts of items in each state
    /// if they are kept: a change of its tasks counted with the item at
    /// hand, without a second look-up.
    #[inline]
    pub(crate) fn item_counted(&mut self, slot: Slot) -> (&mut ItemRun, Counts<'_>) {
        let item = &mut self.items[slot.index()];
        debug_assert!(item.live, "events only refer to items in flight");
        let states = if self.counting {
            Some(&mut self.states)
        } else {
            None
        };
        (item, Counts(states))
    }

    /// A task of the item in `slot` enters a backlog (its phase set
    /// [`Phase::Queued`] by the caller): the item is in the backlog unless
    /// another of its tasks is worked on.
    #[cfg(test)]
    pub(crate) fn task_queued(&mut self, slot: Slot) {
        let (item, mut counts) = self.item_counted(slot);
        counts.queued(item);
    }

    /// A queued task of the item in `slot` is started: the item is in
    /// progress.
    #[inline]
    pub(crate) fn task_started(&mut self, slot: Slot) {
        let (item, mut counts) = self.item_counted(slot);
        counts.started(item);
    }

    /// A task of the item in `slot` being worked on stops, done (`paused`
    /// false) or back in its backlog (`paused`).
    #[inline]
    pub(crate) fn task_stopped(&mut self, slot: Slot, paused: bool) {
        let (item, mut counts) = self.item_counted(slot);
        counts.stopped(item, paused);
    }

    /// The item in `slot` at a transition's switch: none of its tasks is
    /// queued or worked on any more (they are handed to the new
    /// organization, which counts them again as they enter its backlogs).
    pub(crate) fn tasks_withdrawn(&mut self, slot: Slot) {
        if !self.counting {
            return;
        }
        let item = &mut self.items[slot.index()];
        let before = item.counted_state();
        item.queued = 0;
        item.working = 0;
        let states = &mut self.states[usize::from(item.fix)];
        states[before as usize] -= 1;
        states[ItemState::Intake as usize] += 1;
    }

    /// Items of the streams in flight (fix items apart) in the intake, in
    /// the backlog and in progress (docs/model.md, "Output files", cfd.csv),
    /// when [counted](Arena::counting).
    #[inline]
    pub(crate) fn states(&self) -> [u64; 3] {
        debug_assert!(
            self.counting,
            "the states of an arena that does not count them"
        );
        self.states[0]
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

/// The arena's counts of items in each state, borrowed beside one of its
/// items (see [`Arena::item_counted`]); `None` when they are not kept.
#[derive(Debug)]
pub(crate) struct Counts<'a>(Option<&'a mut [[u64; 3]; 2]>);

impl Counts<'_> {
    /// A task of `item` enters a backlog (see [`Arena::task_queued`]).
    #[inline]
    pub(crate) fn queued(&mut self, item: &mut ItemRun) {
        let Some(states) = self.0.as_deref_mut() else {
            return;
        };
        item.queued += 1;
        if item.queued == 1 && item.working == 0 {
            let states = &mut states[usize::from(item.fix)];
            states[ItemState::Intake as usize] -= 1;
            states[ItemState::Backlog as usize] += 1;
        }
    }

    /// A task of `item` being worked on stops (see [`Arena::task_stopped`]).
    #[inline]
    pub(crate) fn stopped(&mut self, item: &mut ItemRun, paused: bool) {
        let Some(states) = self.0.as_deref_mut() else {
            return;
        };
        item.working -= 1;
        item.queued += u32::from(paused);
        if item.working == 0 {
            let now = item.counted_state();
            let states = &mut states[usize::from(item.fix)];
            states[ItemState::InProgress as usize] -= 1;
            states[now as usize] += 1;
        }
    }

    /// A queued task of `item` is started (see [`Arena::task_started`]).
    #[inline]
    pub(crate) fn started(&mut self, item: &mut ItemRun) {
        let Some(states) = self.0.as_deref_mut() else {
            return;
        };
        item.queued -= 1;
        item.working += 1;
        if item.working == 1 {
            let states = &mut states[usize::from(item.fix)];
            states[ItemState::Backlog as usize] -= 1;
            states[ItemState::InProgress as usize] += 1;
        }
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
    fn the_items_in_each_state_are_counted_as_their_tasks_move() {
        let mut arena = Arena::new(2, 2);
        let a = arena.new_item(0, 0.0, false);
        let b = arena.new_item(0, 0.0, false);
        let fix = arena.new_item(0, 0.0, true);
        assert_eq!(arena.states(), [2, 0, 0], "fix items are counted apart");
        arena.task_queued(fix);
        arena.task_queued(a);
        arena.task_queued(a);
        assert_eq!(arena.states(), [1, 1, 0]);
        arena.task_started(a);
        arena.task_queued(b);
        assert_eq!(arena.states(), [0, 1, 1], "a task worked on: in progress");
        arena.task_stopped(a, true);
        assert_eq!(arena.states(), [0, 2, 0], "paused: back in the backlog");
        arena.task_started(a);
        arena.task_started(a);
        arena.task_stopped(a, false);
        assert_eq!(
            arena.states(),
            [0, 1, 1],
            "one of its two tasks still worked on"
        );
        arena.task_stopped(a, false);
        assert_eq!(arena.states(), [1, 1, 0], "both done: back in the intake");
        arena.release(a);
        arena.release(fix);
        assert_eq!(arena.states(), [0, 1, 0]);
    }

    #[test]
    fn an_arena_that_does_not_count_leaves_the_items_counts_alone() {
        let mut arena = Arena::new(2, 2).counting(false);
        let a = arena.new_item(0, 0.0, false);
        arena.task_queued(a);
        arena.task_started(a);
        assert_eq!((arena.item(a).queued, arena.item(a).working), (0, 0));
        assert_eq!(arena.states, [[0; 3]; 2]);
        arena.task_stopped(a, false);
        arena.release(a);
        assert_eq!(arena.states, [[0; 3]; 2], "nothing counted, nothing taken");
        assert_eq!(arena.in_flight(), 0);
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
