//! Quality (docs/model.md, "Quality, dilution and bar raisers"): whether a
//! finished task leaves a defect, the bar raisers' review of a finished
//! item, the rework tasks of the defects it catches, and the `fix` items of
//! the defects that escape.

use std::collections::VecDeque;

use super::Cx;
use super::arena::TaskRef;
use super::event::Event as Any;
use crate::engine::{ReplicationStreams, SimRng};
use crate::model::ids::Slot;
use crate::model::purpose;
use crate::model::topology::Organization;
use crate::scenario::{BarRaiser, Quality as QualitySpec};
use crate::stats::TimeAverage;

/// What happens in quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// A bar raiser finishes reviewing an item.
    ReviewDone(Slot),
    /// A defect that escaped comes back as a `fix` item (index into the fixes).
    FixArrival(u32),
}

/// An escaped defect's `fix` item: one task for the team that made it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fix {
    /// The stream of the item that shipped with the defect.
    pub(crate) stream: usize,
    /// The team and skill of the task that left it.
    pub(crate) team: usize,
    pub(crate) skill: usize,
    /// Person-days of the fix.
    pub(crate) effort: f64,
}

/// What the lifecycle does after a quality event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Next {
    /// Nothing was caught in the review of the item: it is done.
    Complete(Slot),
    /// The review caught defects: their rework tasks (see
    /// [`Quality::reworks`]) join the item.
    Rework(Slot),
    /// A fix item arrives (its index within its stream, and its task).
    Fix(u64, Fix),
}

/// The bar raisers: a shared pool of reviewers with a FIFO queue of items.
#[derive(Debug, Clone)]
pub(crate) struct Reviewers {
    /// Reviewers in the pool.
    pub(crate) capacity: u32,
    /// Reviewers busy now.
    pub(crate) busy: u32,
    /// Items waiting for a review.
    queue: VecDeque<Slot>,
    /// Time-average busy reviewers over the measurement window.
    pub(crate) busy_average: TimeAverage,
}

impl Reviewers {
    /// An idle pool of `capacity` reviewers, measured from `window_start`.
    fn new(capacity: u32, window_start: f64) -> Self {
        Self {
            capacity,
            busy: 0,
            queue: VecDeque::new(),
            busy_average: TimeAverage::new(window_start),
        }
    }

    /// One reviewer more (`+1`) or fewer (`-1`) busy from `now`.
    fn change_busy(&mut self, now: f64, delta: i32) {
        self.busy = self.busy.saturating_add_signed(delta);
        self.busy_average.set(now, f64::from(self.busy));
    }
}

/// Defects, reviews and fixes of one organization.
#[derive(Debug)]
pub(crate) struct Quality<'a> {
    spec: &'a QualitySpec,
    bar: Option<&'a BarRaiser>,
    /// The chance a review catches a defect (0 without bar raisers).
    catch: f64,
    /// The bar raisers, if the topology has them.
    pub(crate) reviewers: Option<Reviewers>,
    rng: SimRng,
    /// Whether each team holds more than one skill (its defects are diluted).
    cross_functional: Vec<bool>,
    /// Escaped defects waiting to come back; a slot is reused once its
    /// defect is back (see `free_fixes`).
    fixes: Vec<Fix>,
    free_fixes: Vec<usize>,
    /// The rework tasks the last review found: (team, skill, effort).
    reworks: Vec<(usize, usize, f64)>,
}

impl<'a> Quality<'a> {
    /// The quality mechanisms of `spec` in `org`, measured from `window_start`.
    pub(crate) fn new(
        spec: &'a QualitySpec,
        org: &'a Organization,
        rngs: &ReplicationStreams,
        window_start: f64,
    ) -> Self {
        let bar = org.bar_raiser.as_ref();
        Self {
            spec,
            bar,
            catch: bar.map_or(0.0, |b| b.catch),
            reviewers: bar.map(|b| Reviewers::new(b.reviewers, window_start)),
            rng: rngs.stream(purpose::REVIEW),
            cross_functional: org.teams.iter().map(|t| t.is_cross_functional()).collect(),
            fixes: Vec::new(),
            free_fixes: Vec::new(),
            reworks: Vec::new(),
        }
    }

    /// The item's own task `tr` is finished: whether it left a defect (the
    /// workload's draw against the defect probability, diluted in a
    /// cross-functional team).
    pub(crate) fn task_finished(&self, cx: &mut Cx, tr: TaskRef) {
        let q = self.spec;
        if q.defect_probability <= 0.0 {
            return;
        }
        let task = cx.items.task(tr);
        let dilution = if self.cross_functional[task.team] {
            q.dilution
        } else {
            1.0
        };
        if task.defect_draw < (q.defect_probability * dilution).min(1.0) {
            task.defect = true;
            cx.items.item(tr.slot()).defects += 1;
        }
    }

    /// Every task of the item in `slot` is done: true if it now waits for a
    /// bar raiser, false if it is complete (no bar raisers, a fix item, or
    /// already reviewed).
    pub(crate) fn item_finished(&mut self, cx: &mut Cx, slot: Slot) -> bool {
        let item = cx.items.item(slot);
        let Some(reviewers) = self.reviewers.as_mut() else {
            return false;
        };
        if item.review.is_some() || item.fix {
            return false;
        }
        let now = cx.cal.now();
        item.review = Some((now, now));
        reviewers.queue.push_back(slot);
        self.start_reviews(cx);
        true
    }

    fn start_reviews(&mut self, cx: &mut Cx) {
        let review = &self.bar.expect("only with bar raisers").review;
        let reviewers = self.reviewers.as_mut().expect("only with bar raisers");
        while reviewers.busy < reviewers.capacity {
            let Some(slot) = reviewers.queue.pop_front() else {
                break;
            };
            reviewers.change_busy(cx.cal.now(), 1);
            let days = review.sample(&mut self.rng);
            cx.cal
                .schedule_in(days, Any::Quality(Event::ReviewDone(slot)));
        }
    }

    /// Handles a quality event.
    pub(crate) fn handle(&mut self, cx: &mut Cx, event: Event) -> Next {
        match event {
            Event::ReviewDone(slot) => self.review_done(cx, slot),
            Event::FixArrival(id) => {
                let id = id as usize;
                self.free_fixes.push(id);
                Next::Fix(id as u64, self.fixes[id])
            }
        }
    }

    /// The review of the item in `slot` is over: each defect is caught (and
    /// becomes a rework task for the team that made it) or escapes.
    fn review_done(&mut self, cx: &mut Cx, slot: Slot) -> Next {
        let now = cx.cal.now();
        if let Some(r) = self.reviewers.as_mut() {
            r.change_busy(now, -1);
        }
        self.start_reviews(cx);
        let fraction = self.spec.rework_fraction;
        self.reworks.clear();
        let item = cx.items.item(slot);
        if let Some(r) = item.review.as_mut() {
            r.1 = now;
        }
        for t in &item.tasks {
            if t.defect && t.catch_draw < self.catch {
                self.reworks.push((t.team, t.skill, t.effort * fraction));
            } else if t.defect {
                item.escaped += 1;
            }
        }
        if self.reworks.is_empty() {
            Next::Complete(slot)
        } else {
            Next::Rework(slot)
        }
    }

    /// The rework tasks the last review found: (team, skill, effort).
    pub(crate) fn reworks(&self) -> &[(usize, usize, f64)] {
        &self.reworks
    }

    /// The item in `slot` (not a fix item) is done: the defects no review
    /// caught escape, and each comes back as a fix item later.
    pub(crate) fn completed(&mut self, cx: &mut Cx, slot: Slot) {
        let item = cx.items.item(slot);
        if item.review.is_none() {
            // No bar raiser looked at it: every defect escapes.
            item.escaped = item.defects;
        }
        if item.defects == 0 {
            return;
        }
        let k = item.stream;
        for t in item.tasks.iter().filter(|t| t.defect && !t.rework) {
            let caught = item.review.is_some() && t.catch_draw < self.catch;
            if !caught {
                let fix = Fix {
                    stream: k,
                    team: t.team,
                    skill: t.skill,
                    effort: t.effort * self.spec.rework_fraction,
                };
                let id = match self.free_fixes.pop() {
                    Some(id) => {
                        self.fixes[id] = fix;
                        id
                    }
                    None => {
                        self.fixes.push(fix);
                        self.fixes.len() - 1
                    }
                };
                let id = u32::try_from(id).expect("fewer than 2^32 escaped defects at once");
                let delay = self.spec.escape_delay;
                cx.cal
                    .schedule_in(delay, Any::Quality(Event::FixArrival(id)));
            }
        }
    }
}
