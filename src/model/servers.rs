//! The resources tasks wait for: a team's people of one skill (a
//! multi-server station with a backlog) and a leader (a single server with a
//! FIFO queue of decisions).

use std::collections::VecDeque;

use crate::stats::TimeAverage;

/// A task of an item in flight: (item slot, task index).
pub type TaskRef = (usize, usize);

/// The people of one skill in one team and the backlog of tasks waiting for them.
#[derive(Debug, Clone)]
pub struct Pool {
    /// People of the skill in the team.
    pub capacity: u32,
    /// People busy now.
    pub busy: u32,
    /// Tasks ready and waiting, first in first out.
    pub backlog: VecDeque<TaskRef>,
    /// Time-average number of busy people over the measurement window.
    pub busy_average: TimeAverage,
}

impl Pool {
    /// An idle pool of `capacity` people, measured from `window_start`.
    pub fn new(capacity: u32, window_start: f64) -> Self {
        Self {
            capacity,
            busy: 0,
            backlog: VecDeque::new(),
            busy_average: TimeAverage::new(window_start),
        }
    }

    /// Whether a person is free.
    pub fn has_free_person(&self) -> bool {
        self.busy < self.capacity
    }

    /// One more person busy from `now`.
    pub fn occupy(&mut self, now: f64) {
        self.busy += 1;
        self.busy_average.set(now, f64::from(self.busy));
    }

    /// One person fewer busy from `now`.
    pub fn release(&mut self, now: f64) {
        self.busy -= 1;
        self.busy_average.set(now, f64::from(self.busy));
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
