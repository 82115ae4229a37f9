//! Quality (docs/model.md, "Quality, dilution and bar raisers"): whether a
//! finished task leaves a defect, the bar raisers' review of a finished
//! item, the rework tasks of the defects it catches, and the `fix` items of
//! the defects that escape.

use std::collections::VecDeque;

use super::Cx;
use super::arena::TaskRef;
use super::event::Event as Any;
use crate::engine::{Calendar, ReplicationStreams, SimRng};
use crate::model::ids::Slot;
use crate::model::item::ItemRun;
use crate::model::purpose;
use crate::model::routing::Routing;
use crate::model::spec::{BarRaiser, Quality as QualitySpec};
use crate::model::topology::Organization;
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

    /// Takes over the escaped defects `old` was waiting for (a transition's
    /// switch): each fix goes to the team `routing` gives its stream and
    /// skill. Their arrivals stay in the calendar.
    pub(crate) fn adopt_fixes(&mut self, old: &mut Quality, routing: &Routing) {
        self.fixes = std::mem::take(&mut old.fixes);
        self.free_fixes = std::mem::take(&mut old.free_fixes);
        for f in &mut self.fixes {
            f.team = routing.route(f.stream, f.skill, None, false);
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
        let Some(reviewers) = self.reviewers.as_mut() else {
            return false;
        };
        let item = cx.items.item(slot);
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
    #[inline]
    pub(crate) fn completed(&mut self, cal: &mut Calendar<Any>, item: &mut ItemRun) {
        if item.review.is_none() {
            // No bar raiser looked at it: every defect escapes.
            item.escaped = item.defects;
        }
        if item.defects > 0 {
            self.escape(cal, item);
        }
    }

    /// The defects of `item` that its review (if any) did not catch come
    /// back as fix items (out of line: most items have none).
    #[inline(never)]
    fn escape(&mut self, cal: &mut Calendar<Any>, item: &ItemRun) {
        let k = item.stream;
        let reviewed = item.review.is_some();
        for t in item.tasks.iter().filter(|t| t.defect && !t.rework) {
            if !(reviewed && t.catch_draw < self.catch) {
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
                let id = u32::try_from(id).expect("fewer than 2^32 escaped defects");
                let event = Any::Quality(Event::FixArrival(id));
                cal.schedule_in(self.spec.escape_delay, event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RngFactory;
    use crate::model::run::testing::{Bench, model, org_at};
    use crate::model::spec::ModelSpec;

    /// One stream of a dev then a qa task; defects with probability 0.4
    /// (diluted 1.5 times in a cross-functional team), rework of half the
    /// effort, escapes back after 20 days. Topologies: a matrix, and a
    /// single-threaded team with one bar raiser (reviews of 2 days, catching
    /// a defect whose catch draw is below 0.5).
    fn quality() -> ModelSpec {
        model(
            r#"
[[workload.streams]]
name = "s"
interarrival = { dist = "constant", value = 1 }
item = "job"
[workload.items.job]
tasks = [
  { name = "a", skill = "dev", effort = { dist = "constant", value = 1 } },
  { name = "b", skill = "qa", effort = { dist = "constant", value = 1 }, after = ["a"] },
]
[organization]
people = { dev = 2, qa = 1 }
[quality]
defect_probability = 0.4
dilution = 1.5
rework_fraction = 0.5
escape_delay = 20
[[topologies]]
name = "matrix"
kind = "matrix"
[[topologies]]
name = "reviewed"
kind = "single-threaded"
bar_raiser = { reviewers = 1, review = { dist = "constant", value = 2 }, catch = 0.5 }
"#,
        )
    }

    /// A finished task of `team` with the given draws, in a new item.
    fn task(bench: &mut Bench, team: usize, defect_draw: f64, catch_draw: f64) -> TaskRef {
        let tr = bench.item(team, 0, 4.0, false);
        let t = bench.items.task(tr);
        t.defect_draw = defect_draw;
        t.catch_draw = catch_draw;
        tr
    }

    #[test]
    fn a_cross_functional_team_leaves_more_defects() {
        let sc = quality();
        let rngs = RngFactory::new(1).replication(0);
        let (matrix, single) = (org_at(&sc, 0), org_at(&sc, 1));
        let mut bench = Bench::new();
        // A draw of 0.5: above 0.4 in a functional department, below
        // 0.4 × 1.5 = 0.6 in the cross-functional team.
        let q = Quality::new(&sc.quality, &matrix, &rngs, 0.0);
        let tr = task(&mut bench, 0, 0.5, 1.0);
        q.task_finished(&mut bench.cx(), tr);
        assert!(!bench.items.task(tr).defect);
        let q = Quality::new(&sc.quality, &single, &rngs, 0.0);
        let tr = task(&mut bench, 0, 0.5, 1.0);
        q.task_finished(&mut bench.cx(), tr);
        assert!(bench.items.task(tr).defect);
        assert_eq!(bench.items.item(tr.slot()).defects, 1);
        // Below even the undiluted probability: a defect anywhere.
        let q = Quality::new(&sc.quality, &matrix, &rngs, 0.0);
        let tr = task(&mut bench, 0, 0.39, 1.0);
        q.task_finished(&mut bench.cx(), tr);
        assert!(bench.items.task(tr).defect);
    }

    #[test]
    fn a_review_catches_some_defects_as_rework_and_lets_the_others_escape() {
        let sc = quality();
        let rngs = RngFactory::new(1).replication(0);
        let org = org_at(&sc, 1);
        let mut q = Quality::new(&sc.quality, &org, &rngs, 0.0);
        let mut bench = Bench::new();
        let tr = task(&mut bench, 0, 0.0, 0.3);
        let slot = tr.slot();
        let escaping = bench.items.item(slot).tasks[0].clone();
        bench.items.item(slot).tasks.push(escaping);
        for t in &mut bench.items.item(slot).tasks {
            t.defect = true;
        }
        bench.items.item(slot).tasks[1].catch_draw = 0.7;
        bench.items.item(slot).defects = 2;
        let other = bench.item(0, 0, 1.0, false).slot();
        assert!(q.item_finished(&mut bench.cx(), slot), "waits for review");
        assert!(q.item_finished(&mut bench.cx(), other), "queued behind");
        let reviewers = q.reviewers.as_ref().unwrap();
        assert_eq!((reviewers.busy, reviewers.queue.len()), (1, 1));
        let Some(Any::Quality(done)) = bench.next(100.0) else {
            panic!("a review ends")
        };
        assert_eq!(bench.cal.now(), 2.0);
        assert_eq!(q.handle(&mut bench.cx(), done), Next::Rework(slot));
        assert_eq!(
            q.reworks(),
            [(0, 0, 2.0)],
            "half of the caught task's 4 days"
        );
        assert_eq!(bench.items.item(slot).escaped, 1);
        assert_eq!(bench.items.item(slot).review, Some((0.0, 2.0)));
        // The next item's review started when the reviewer came free.
        assert_eq!(q.reviewers.as_ref().unwrap().busy, 1);
        // Reviewed once: finishing its rework completes it.
        assert!(!q.item_finished(&mut bench.cx(), slot));
    }

    #[test]
    fn an_escaped_defect_comes_back_as_a_fix_item_after_the_escape_delay() {
        let sc = quality();
        let rngs = RngFactory::new(1).replication(0);
        let org = org_at(&sc, 0);
        let mut q = Quality::new(&sc.quality, &org, &rngs, 0.0);
        let mut bench = Bench::new();
        let tr = task(&mut bench, 0, 0.0, 0.0);
        q.task_finished(&mut bench.cx(), tr);
        let slot = tr.slot();
        assert!(!q.item_finished(&mut bench.cx(), slot), "no bar raisers");
        q.completed(&mut bench.cal, bench.items.item(slot));
        assert_eq!(bench.items.item(slot).escaped, 1, "unreviewed: it escapes");
        assert_eq!(bench.next(100.0), Some(Any::Quality(Event::FixArrival(0))));
        assert_eq!(bench.cal.now(), 20.0);
        let fix = Fix {
            stream: 0,
            team: 0,
            skill: 0,
            effort: 2.0,
        };
        assert_eq!(
            q.handle(&mut bench.cx(), Event::FixArrival(0)),
            Next::Fix(0, fix)
        );
    }
}
