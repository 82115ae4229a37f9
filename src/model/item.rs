//! An item in flight: its tasks, their timestamps, and the critical-path
//! split of its lead time.

use super::category::{Breakdown, Category};

/// The moments a task passes, in order. Each stretch between two
/// consecutive moments belongs to one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Stamp {
    /// All predecessors done (or the item arrived): handoff starts.
    Ready,
    /// Handoff over: the task waits until its team, at its WIP limit,
    /// accepts it.
    HandedOver,
    /// Accepted by its team: a request waits for the team's planning boundary.
    Accepted,
    /// Planning boundary reached: the request waits for the leader.
    Planned,
    /// The leader decided: an escalated request waits for the executive.
    Decided,
    /// Enters the team's backlog.
    Queued,
    /// A person starts on it.
    Started,
    /// The work is done.
    Finished,
}

impl Stamp {
    /// The number of stamps a task passes.
    pub const COUNT: usize = Stamp::Finished as usize + 1;
}

/// The category of the stretch that ends at each stamp (after `Ready`).
const STRETCHES: [(Stamp, Stamp, Category); 7] = [
    (Stamp::Ready, Stamp::HandedOver, Category::Handoff),
    (Stamp::HandedOver, Stamp::Accepted, Category::Blocked),
    (Stamp::Accepted, Stamp::Planned, Category::Cadence),
    (Stamp::Planned, Stamp::Decided, Category::Decision),
    (Stamp::Decided, Stamp::Queued, Category::Escalation),
    (Stamp::Queued, Stamp::Started, Category::Queue),
    (Stamp::Started, Stamp::Finished, Category::Work),
];

/// [`STRETCHES`] less the `blocked` one, for a task accepted the moment its
/// handoff ended (`Accepted` = `HandedOver`).
const UNHELD_STRETCHES: [(Stamp, Stamp, Category); 6] = [
    (Stamp::Ready, Stamp::HandedOver, Category::Handoff),
    (Stamp::Accepted, Stamp::Planned, Category::Cadence),
    (Stamp::Planned, Stamp::Decided, Category::Decision),
    (Stamp::Decided, Stamp::Queued, Category::Escalation),
    (Stamp::Queued, Stamp::Started, Category::Queue),
    (Stamp::Started, Stamp::Finished, Category::Work),
];

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for its predecessors.
    Blocked,
    /// Being handed over, or in a team's intake (cadence, decision, escalation).
    Coordinating,
    /// In its team's backlog, waiting for a free person.
    Queued,
    /// Being worked on.
    Working,
    /// Done.
    Done,
}

/// One task of an item in flight.
#[derive(Debug, Clone)]
pub struct TaskRun {
    /// The team it is routed to.
    pub team: usize,
    /// The skill it needs.
    pub skill: usize,
    /// Person-days of work.
    pub effort: f64,
    /// Whether it is a request (its team does not own the item's stream).
    pub request: bool,
    /// Predecessors not yet done.
    pub preds_left: u32,
    /// The predecessor whose completion made it ready (none for a root task).
    pub trigger: Option<usize>,
    /// When it passed each `Stamp`.
    pub stamps: [f64; Stamp::COUNT],
    /// Where it is now.
    pub phase: Phase,
    /// Person-days of work left (including any context switch owed).
    pub remaining: f64,
    /// Incremented at each interruption, so that a completion scheduled
    /// before it is recognised as stale.
    pub epoch: u32,
    /// Its place in its pool's list of tasks in service, while in service
    /// in a pool that lists them (swarming), so that the person finishing
    /// it is found without a search.
    pub service_slot: u32,
    /// When the current stretch of work began.
    pub work_started: f64,
    /// When it was interrupted, while it waits to resume.
    pub paused_at: Option<f64>,
    /// Days lost to interruptions (pauses and context switches) between
    /// its first start and its finish.
    pub interrupted: f64,
    /// Whether it is rework of a defect caught in review.
    pub rework: bool,
    /// Whether it left a defect (known once it is done).
    pub defect: bool,
    /// The workload's uniform draws deciding a defect and its catch.
    pub defect_draw: f64,
    /// See `defect_draw`.
    pub catch_draw: f64,
}

impl TaskRun {
    /// Records that the task passes `stamp` at `t`.
    pub fn stamp(&mut self, stamp: Stamp, t: f64) {
        self.stamps[stamp as usize] = t;
    }

    /// When the task passed `stamp`.
    pub fn at(&self, stamp: Stamp) -> f64 {
        self.stamps[stamp as usize]
    }
}

/// An item in flight (or, when `live` is false, a free slot of the arena of
/// items whose buffers the next item reuses).
#[derive(Debug, Clone, Default)]
pub struct ItemRun {
    /// Whether the slot holds an item in flight.
    pub live: bool,
    /// Its stream.
    pub stream: usize,
    /// Its index within the stream (the same item in every topology).
    pub index: u64,
    /// Its item type.
    pub item_type: usize,
    /// When it arrived.
    pub arrival: f64,
    /// Its tasks, in the item type's order.
    pub tasks: Vec<TaskRun>,
    /// Tasks not yet done.
    pub remaining: usize,
    /// Distinct teams that have worked on it.
    pub teams: Vec<usize>,
    /// Cross-team handoffs so far.
    pub handoffs: u32,
    /// Escalations so far.
    pub escalations: u32,
    /// Whether it is a `fix` item for a defect that escaped.
    pub fix: bool,
    /// The task that finished last among the item's own tasks (before review).
    pub last_original: usize,
    /// When it entered and left the bar raisers' review, once reviewed.
    pub review: Option<(f64, f64)>,
    /// The rework task that finished last, if any.
    pub last_rework: Option<usize>,
    /// Defects its tasks left.
    pub defects: u32,
    /// Defects that escaped review (each comes back as a `fix` item).
    pub escaped: u32,
    /// Whether it is of the expedite class of service.
    pub expedite: bool,
    /// Its tasks queued now, counted as they enter and leave a backlog (the
    /// item's state in the cumulative flow diagram without a look at every
    /// task).
    pub queued: u32,
    /// Its tasks being worked on now, counted likewise.
    pub working: u32,
}

/// The state of a whole item, for the cumulative flow diagram: the most
/// advanced state of any of its tasks (working, else queued, else in
/// coordination).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// No task is queued or worked on: the item is being handed over or
    /// waits in some team's intake.
    Intake,
    /// Some task waits in a backlog, none is worked on.
    Backlog,
    /// Some task is being worked on.
    InProgress,
}

impl ItemRun {
    /// Makes the slot hold a new item of `stream` with no task yet (its
    /// index and item type still those of the item it held before), keeping
    /// the allocations of that item.
    #[inline]
    pub fn reset(&mut self, stream: usize, arrival: f64, fix: bool) {
        self.live = true;
        self.stream = stream;
        self.arrival = arrival;
        self.tasks.clear();
        self.remaining = 0;
        self.teams.clear();
        self.handoffs = 0;
        self.escalations = 0;
        self.fix = fix;
        self.last_original = 0;
        self.review = None;
        self.last_rework = None;
        self.defects = 0;
        self.escaped = 0;
        self.expedite = false;
        self.queued = 0;
        self.working = 0;
    }

    /// The item's state by its counts of queued and working tasks: the same
    /// as [`ItemRun::state`] when every change of phase was counted.
    #[inline]
    pub fn counted_state(&self) -> ItemState {
        if self.working > 0 {
            ItemState::InProgress
        } else if self.queued > 0 {
            ItemState::Backlog
        } else {
            ItemState::Intake
        }
    }

    /// The item's state now.
    pub fn state(&self) -> ItemState {
        let mut state = ItemState::Intake;
        for t in &self.tasks {
            match t.phase {
                Phase::Working => return ItemState::InProgress,
                Phase::Queued => state = ItemState::Backlog,
                _ => {}
            }
        }
        state
    }

    /// Notes that `team` worked on the item.
    #[inline]
    pub fn touch_team(&mut self, team: usize) {
        if !self.teams.contains(&team) {
            self.teams.push(team);
        }
    }

    /// Splits the lead time along the critical path: the last rework task (if
    /// any: all its time is rework), the review (if any), then from the
    /// item's own task that finished last back through the predecessor that
    /// made each task ready, to the arrival. The stretches are contiguous, so
    /// the categories add up to the lead time.
    #[inline]
    pub fn critical_path(&self) -> Breakdown {
        let mut b = Breakdown::default();
        self.add_critical_path(&mut b);
        b
    }

    /// Adds the [`critical_path`](ItemRun::critical_path) split to `into`,
    /// one addition per category: `into + critical_path()` category by
    /// category, bit for bit, without the breakdown in between (a
    /// category's part is added to 0 there, which changes no bit).
    #[inline]
    pub fn add_critical_path(&self, into: &mut Breakdown) {
        self.add_path(into, &STRETCHES, true);
    }

    /// [`add_critical_path`](ItemRun::add_critical_path) for an item that
    /// was never held back (no WIP limit and no transition's switch in its
    /// replication): its `blocked` part is 0 (each task accepted the moment
    /// its handoff ended, the root task ready on arrival), so the same sums,
    /// bit for bit, without that stretch (adding 0 changes no bit).
    #[inline]
    pub fn add_critical_path_unheld(&self, into: &mut Breakdown) {
        self.add_path(into, &UNHELD_STRETCHES, false);
    }

    /// The critical path's split by the task stretches `table`, the wait in
    /// the stream's backlog counted if `held` (see
    /// [`add_critical_path`](ItemRun::add_critical_path)).
    #[inline(always)]
    fn add_path<const N: usize>(
        &self,
        into: &mut Breakdown,
        table: &[(Stamp, Stamp, Category); N],
        held: bool,
    ) {
        if let Some(r) = self.last_rework {
            let task = &self.tasks[r];
            into.add(
                Category::Rework,
                task.at(Stamp::Finished) - task.at(Stamp::Ready),
            );
        }
        if let Some((entered, left)) = self.review {
            into.add(Category::Review, left - entered);
        }
        // Summed in locals (one per stretch) rather than in the breakdown,
        // which the compiler keeps in memory: the same additions in the same
        // order, so the same bits, without a store and reload per addition.
        let mut stretches = [0.0f64; N];
        let mut interrupted = 0.0;
        let mut t = self.last_original;
        loop {
            let task = &self.tasks[t];
            debug_assert!(held || task.at(Stamp::Accepted) == task.at(Stamp::HandedOver));
            for (sum, &(from, to, category)) in stretches.iter_mut().zip(table) {
                *sum += task.at(to) - task.at(from);
                if category == Category::Work {
                    // Between its first start and its finish, the time lost
                    // to interruptions is not work.
                    *sum += -task.interrupted;
                }
            }
            interrupted += task.interrupted;
            match task.trigger {
                Some(p) => t = p,
                None => break,
            }
        }
        // The root task was ready when the item was started: before that
        // the item waited in its stream's backlog (a stream WIP limit).
        let started = self.tasks[t].at(Stamp::Ready);
        debug_assert!(held || started == self.arrival);
        for (sum, &(_, _, category)) in stretches.into_iter().zip(table) {
            if category == Category::Blocked {
                // Its stretch before the team's intake, then its wait in
                // the stream's backlog: summed in that order, added once.
                into.add(category, sum + (started - self.arrival));
            } else {
                into.add(category, sum);
            }
        }
        into.add(Category::Interrupted, interrupted);
    }
}
