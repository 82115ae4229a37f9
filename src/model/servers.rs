//! The resources tasks wait for: a team's people of one skill (a
//! multi-server station with a backlog) and a leader (a single server with a
//! FIFO queue of decisions).

use std::collections::VecDeque;

use crate::stats::TimeAverage;

/// A task of an item in flight: the item's slot in the arena of items in
/// flight and the task's index within the item (32 bits each, so that an
/// event fits in 16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskRef {
    slot: u32,
    task: u32,
}

impl TaskRef {
    /// Task `task` of the item in slot `slot`.
    pub fn new(slot: usize, task: usize) -> Self {
        Self {
            slot: u32::try_from(slot).expect("fewer than 2^32 items in flight"),
            task: u32::try_from(task).expect("fewer than 2^32 tasks per item"),
        }
    }

    /// The item's slot.
    pub fn slot(self) -> usize {
        self.slot as usize
    }

    /// The task's index within its item.
    pub fn task(self) -> usize {
        self.task as usize
    }
}

/// Tasks waiting for a person, in the order they will be served: by
/// priority class (0 first: the highest stream weight under a weighted
/// queue; everything is class 0 under FIFO), then by order of arrival, except
/// that a task put back at the head goes before every task of its class.
#[derive(Debug, Clone, Default)]
pub struct Backlog {
    /// `classes[c]`: the tasks of priority class `c`, in serving order.
    classes: Vec<VecDeque<TaskRef>>,
    len: usize,
}

impl Backlog {
    #[inline]
    fn class(&mut self, class: u32) -> &mut VecDeque<TaskRef> {
        let c = class as usize;
        if self.classes.len() <= c {
            self.classes.resize_with(c + 1, VecDeque::new);
        }
        &mut self.classes[c]
    }

    /// Adds `task` of priority class `class` behind the others of its class.
    #[inline]
    pub fn push_back(&mut self, class: u32, task: TaskRef) {
        self.class(class).push_back(task);
        self.len += 1;
    }

    /// Puts `task` of priority class `class` ahead of the others of its class.
    pub fn push_front(&mut self, class: u32, task: TaskRef) {
        self.class(class).push_front(task);
        self.len += 1;
    }

    /// Takes the next task to serve.
    #[inline]
    pub fn pop_front(&mut self) -> Option<TaskRef> {
        if self.len == 0 {
            return None;
        }
        let task = self.classes.iter_mut().find_map(VecDeque::pop_front);
        self.len -= 1;
        task
    }

    /// Tasks waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no task waits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The people of one skill in one team and the backlog of tasks waiting for them.
#[derive(Debug, Clone)]
pub struct Pool {
    /// People of the skill in the team.
    pub capacity: u32,
    /// People busy now.
    pub busy: u32,
    /// People pulled away to a temporary project now.
    pub away: u32,
    /// The tasks being worked on now (kept only when asked for: someone
    /// must be able to pick a task to interrupt).
    pub in_service: Vec<TaskRef>,
    tracks_tasks: bool,
    /// Tasks ready and waiting.
    pub backlog: Backlog,
    /// Time-average number of busy people over the measurement window.
    pub busy_average: TimeAverage,
    /// Time-average number of people away over the measurement window.
    pub away_average: TimeAverage,
}

impl Pool {
    /// An idle pool of `capacity` people, measured from `window_start`;
    /// `tracks_tasks` when the tasks in service must be listed.
    pub fn new(capacity: u32, window_start: f64, tracks_tasks: bool) -> Self {
        Self {
            capacity,
            busy: 0,
            away: 0,
            in_service: Vec::new(),
            tracks_tasks,
            backlog: Backlog::default(),
            busy_average: TimeAverage::new(window_start),
            away_average: TimeAverage::new(window_start),
        }
    }

    /// People present and idle.
    pub fn free_people(&self) -> u32 {
        self.capacity - self.away - self.busy
    }

    /// Whether a person is present and free.
    pub fn has_free_person(&self) -> bool {
        self.free_people() > 0
    }

    /// A person starts on `task` at `now`.
    #[inline]
    pub fn occupy(&mut self, now: f64, task: TaskRef) {
        self.busy += 1;
        if self.tracks_tasks {
            self.in_service.push(task);
        }
        self.busy_average.set(now, f64::from(self.busy));
    }

    /// The person working on `task` stops at `now` (done or pulled away).
    #[inline]
    pub fn release(&mut self, now: f64, task: TaskRef) {
        self.busy -= 1;
        if self.tracks_tasks
            && let Some(i) = self.in_service.iter().position(|&t| t == task)
        {
            self.in_service.swap_remove(i);
        }
        self.busy_average.set(now, f64::from(self.busy));
    }

    /// From `now` on, `away` people of the pool are away on a temporary project.
    pub fn set_away(&mut self, now: f64, away: u32) {
        self.away = away;
        self.away_average.set(now, f64::from(away));
    }
}

/// A single decision-maker (a team leader or the executive) with a FIFO queue.
#[derive(Debug, Clone)]
pub struct Leader {
    /// Fraction of full attention given to decisions, in (0, 1]: each
    /// decision takes `decision / attention` days.
    pub attention: f64,
    /// The request being decided, if any.
    pub current: Option<TaskRef>,
    /// Requests waiting, first in first out.
    pub queue: VecDeque<TaskRef>,
    /// Time-average busy fraction over the measurement window.
    pub busy_average: TimeAverage,
}

impl Leader {
    /// An idle leader with the given attention, measured from `window_start`.
    pub fn new(attention: f64, window_start: f64) -> Self {
        Self {
            attention,
            current: None,
            queue: VecDeque::new(),
            busy_average: TimeAverage::new(window_start),
        }
    }
}

/// The bar raisers: a shared pool of reviewers with a FIFO queue of items.
#[derive(Debug, Clone)]
pub struct Reviewers {
    /// Reviewers in the pool.
    pub capacity: u32,
    /// Reviewers busy now.
    pub busy: u32,
    /// Items (slots) waiting for a review.
    pub queue: VecDeque<usize>,
    /// Time-average busy reviewers over the measurement window.
    pub busy_average: TimeAverage,
}

impl Reviewers {
    /// An idle pool of `capacity` reviewers, measured from `window_start`.
    pub fn new(capacity: u32, window_start: f64) -> Self {
        Self {
            capacity,
            busy: 0,
            queue: VecDeque::new(),
            busy_average: TimeAverage::new(window_start),
        }
    }

    /// One reviewer more (`+1`) or fewer (`-1`) busy from `now`.
    pub fn change_busy(&mut self, now: f64, delta: i32) {
        self.busy = self.busy.saturating_add_signed(delta);
        self.busy_average.set(now, f64::from(self.busy));
    }
}
