//! One replication of one topology: the event loop of docs/model.md,
//! "Mechanisms: where time goes", and the task lifecycle that strings the
//! mechanisms together. Each mechanism has its own module, its own state
//! and its own random stream; the lifecycle here is the only code that
//! knows them all. Steps that take no time are direct calls; steps that
//! take time are events ([`event::Event`]), one variant per mechanism.
//!
//! | mechanism | module |
//! |---|---|
//! | items in flight | [`arena`] |
//! | arrivals of open and closed streams | [`arrivals`] |
//! | handoff, cadence, decision, escalation | [`intake`] |
//! | backlogs, people, interruptions, communication | [`work`] |
//! | cross-trained people | [`dispatch`] |
//! | swarms to temporary projects | [`swarm`] |
//! | defects, bar raisers, rework, fixes | [`quality`] |
//! | WIP limits, classes of service | [`wip`] |
//! | counts, tallies, flow samples, saturation | [`probes`] |
//! | the named metrics | [`outcome`] |

mod arena;
mod arrivals;
mod dispatch;
mod event;
mod intake;
mod outcome;
mod pools;
mod probes;
mod quality;
mod setup;
mod swarm;
#[cfg(test)]
mod testing;
mod transition;
mod wip;
mod work;

use std::sync::atomic::{AtomicBool, Ordering};

use self::arena::{Arena, TaskRef, new_task, rework_task};
use self::arrivals::Arrivals;
use self::event::Event;
use self::intake::Intake;
pub use self::outcome::{Completion, FlowSample, QUANTILE_STEPS, Recording, ReplicationOutcome};
use self::probes::Probes;
use self::quality::{Fix, Next, Quality};
use self::swarm::Swarm;
use self::wip::{Classes, StreamGate};
use self::work::Work;
use super::ids::{Slot, StreamId};
use super::routing::Routing;
use super::topology::Organization;
use crate::engine::{Calendar, Handler, ReplicationStreams};
use crate::model::spec::{self, ModelSpec, Window};

/// The stop flag of [`simulate`], never set.
static NEVER: AtomicBool = AtomicBool::new(false);

/// Simulates one replication of `org` on `model`'s workload, measured over
/// `window` and stopped as saturated at `limits`, drawing every random
/// number from `rngs`.
pub fn simulate(
    model: &ModelSpec,
    org: &Organization,
    window: Window,
    limits: spec::Limits,
    rngs: &ReplicationStreams,
    recording: Recording,
) -> ReplicationOutcome {
    run(model, org, window, limits, rngs, recording, &NEVER)
}

/// [`simulate`], given up within a few thousand events once `stop` is set
/// (e.g. by a signal handler): None then, as the replication is cut short.
pub fn simulate_with_stop(
    model: &ModelSpec,
    org: &Organization,
    window: Window,
    limits: spec::Limits,
    rngs: &ReplicationStreams,
    recording: Recording,
    stop: &AtomicBool,
) -> Option<ReplicationOutcome> {
    let outcome = run(model, org, window, limits, rngs, recording, stop);
    (!stop.load(Ordering::Relaxed)).then_some(outcome)
}

fn run(
    model: &ModelSpec,
    org: &Organization,
    window: Window,
    limits: spec::Limits,
    rngs: &ReplicationStreams,
    recording: Recording,
    stop: &AtomicBool,
) -> ReplicationOutcome {
    let mut rep = Replication::new(model, org, window, limits, rngs, recording, stop);
    let mut calendar = Calendar::new();
    if recording.flow {
        calendar.schedule_at(0.0, Event::Probe(probes::Event::FlowSample(0)));
    }
    let mut cx = Cx {
        cal: &mut calendar,
        items: &mut rep.items,
    };
    rep.m.plan_switch(&mut cx);
    rep.m.start(&mut cx);
    let end = rep.m.probes.window_end;
    calendar.run_until(&mut rep, end);
    let in_flight = rep.items.in_flight();
    let saturated_at = rep.m.probes.saturated(in_flight).then(|| calendar.now());
    // Stopped by the event budget alone: a long horizon, not an overload.
    let by_events = !rep.m.probes.wip_reached(in_flight);
    let mut outcome = rep.m.finish();
    if let Some(t) = saturated_at {
        outcome.mark_saturated(t, by_events);
    }
    outcome
}

/// Everything a mechanism may touch besides its own state: the calendar
/// and the items in flight.
#[derive(Debug)]
pub(crate) struct Cx<'c> {
    /// The replication's calendar (its clock is the current time).
    pub(crate) cal: &'c mut Calendar<Event>,
    /// The items in flight.
    pub(crate) items: &'c mut Arena,
}

/// A replication: the items in flight beside the mechanisms, so that both
/// can be borrowed at once.
struct Replication<'a> {
    items: Arena,
    m: Mechanisms<'a>,
}

/// The mechanisms of one organization, and what the lifecycle needs to
/// send a task from one to the next.
#[derive(Debug)]
struct Mechanisms<'a> {
    model: &'a ModelSpec,
    org: &'a Organization,
    /// Days measured (the rates divide by it).
    horizon: f64,
    routing: Routing,
    /// `successors[item type][task]`.
    successors: Vec<Vec<Vec<usize>>>,
    arrivals: Arrivals<'a>,
    intake: Intake<'a>,
    work: Work,
    /// The swarms, if the topology has them.
    swarm: Option<Swarm<'a>>,
    quality: Quality<'a>,
    probes: Probes<'a>,
    /// The streams' WIP limits.
    stream_gate: StreamGate,
    /// Which items are expedite; `None` when none is.
    classes: Option<Classes>,
    /// A transition's switch still to come.
    switch: Option<Box<transition::Pending<'a>>>,
    /// After a transition's switch inside the window: the source
    /// organization before it.
    before: Option<Box<transition::Before>>,
}

impl Mechanisms<'_> {
    /// The first events: the first swarm, then per stream its backlog at
    /// day 0 and, unless there are no arrivals, its first arrival (open) or
    /// every item it keeps in flight (closed).
    fn start(&mut self, cx: &mut Cx) {
        if let Some(swarm) = self.swarm.as_mut() {
            swarm.start(cx);
        }
        for k in self.arrivals.streams() {
            for _ in 0..self.arrivals.backlog(k) {
                self.arrive(cx, k);
            }
            if !self.arrivals.ongoing() {
                continue;
            }
            match self.arrivals.closed_wip(k) {
                None => self.arrivals.schedule_first(cx.cal, k, Event::Arrival(k)),
                Some(wip) => {
                    for _ in 0..wip {
                        self.arrive(cx, k);
                    }
                }
            }
        }
    }

    #[inline]
    fn handle(&mut self, cx: &mut Cx, event: Event) {
        match event {
            Event::Arrival(k) => {
                self.arrive(cx, k);
                self.arrivals.schedule_next(cx.cal, k, Event::Arrival(k));
            }
            Event::Intake(e) => {
                if let Some(tr) = self.intake.handle(cx, e) {
                    self.work.enqueue(cx, tr, self.swarm.as_mut());
                }
            }
            Event::Work(e) => {
                if let Some(tr) = self.work.handle(cx, e, self.swarm.as_mut()) {
                    self.task_done(cx, tr);
                }
            }
            Event::Swarm(e) => {
                if let Some(swarm) = self.swarm.as_mut() {
                    swarm.handle(cx, &mut self.work, e);
                }
            }
            Event::Quality(e) => match self.quality.handle(cx, e) {
                Next::Complete(slot) => self.complete(cx, slot),
                Next::Rework(slot) => self.rework(cx, slot),
                Next::Fix(index, fix) => self.fix_arrives(cx, index, fix),
            },
            Event::Probe(e) => self.probes.handle(cx, e),
            Event::Switch => self.switch_now(cx),
        }
    }

    /// A new item of stream `k` arrives now.
    fn arrive(&mut self, cx: &mut Cx, k: StreamId) {
        let now = cx.cal.now();
        let slot = self.arrivals.draw(cx.items, &self.routing, k, now);
        self.classify(cx, slot);
        self.admit(cx, slot);
    }

    /// An escaped defect comes back as a `fix` item of one task.
    fn fix_arrives(&mut self, cx: &mut Cx, index: u64, fix: Fix) {
        let now = cx.cal.now();
        let slot = cx.items.new_item(fix.stream, now, true);
        let request = !self.routing.owns(fix.team, fix.stream);
        let item = cx.items.item(slot);
        item.index = index;
        item.item_type = usize::MAX;
        item.tasks
            .push(new_task(now, fix.team, fix.skill, fix.effort, request));
        self.classify(cx, slot);
        self.admit(cx, slot);
    }

    /// Puts the new item in `slot` (its tasks filled in) in flight and
    /// starts it, unless its stream is at its WIP limit.
    fn admit(&mut self, cx: &mut Cx, slot: Slot) {
        let now = cx.cal.now();
        let item = cx.items.item(slot);
        item.remaining = item.tasks.len();
        let (k, fix, tasks) = (item.stream, item.fix, item.tasks.len());
        let expedite = item.expedite;
        self.probes.admitted(now, k, fix);
        if self.stream_gate.enter(k, slot, expedite) {
            self.hand_over_roots(cx, slot, k, tasks);
        }
    }

    /// Starts the item in `slot`, held back in its stream's backlog.
    fn start_item(&mut self, cx: &mut Cx, slot: Slot) {
        let item = cx.items.item(slot);
        let (k, tasks) = (item.stream, item.tasks.len());
        self.hand_over_roots(cx, slot, k, tasks);
    }

    /// Hands the root tasks of the item in `slot` (of stream `k`, with
    /// `tasks` tasks) over: the item is started.
    #[inline(always)]
    fn hand_over_roots(&mut self, cx: &mut Cx, slot: Slot, k: usize, tasks: usize) {
        let owner = self.routing.owner(k);
        for t in 0..tasks {
            // Handing a root task over never completes a task, so the
            // other tasks' predecessor counts cannot change in this loop.
            if cx.items.item(slot).tasks[t].preds_left == 0 {
                self.task_ready(cx, TaskRef::new(slot, t), owner);
            }
        }
    }

    /// The task's predecessors are done (or its item arrived): it goes
    /// through intake, handed over from team `from` (none: from outside
    /// every team), into its backlog.
    // Out of line, so that the loops over an item's tasks that call it stay
    // small (measured: fewer instructions per item than inlined).
    #[inline(never)]
    fn task_ready(&mut self, cx: &mut Cx, tr: TaskRef, from: Option<usize>) {
        if let Some(tr) = self.intake.ready(cx, tr, from) {
            self.work.enqueue(cx, tr, self.swarm.as_mut());
        }
    }

    /// Task `tr` is finished (its person has taken the next task): its
    /// successors become ready, and the item may be finished.
    fn task_done(&mut self, cx: &mut Cx, tr: TaskRef) {
        let (slot, index) = (tr.slot(), tr.task());
        let item = cx.items.item(slot);
        let (fix, item_type) = (item.fix, item.item_type);
        let (team, rework) = (item.tasks[index].team, item.tasks[index].rework);
        if self.intake.gate.is_active() {
            self.team_place_freed(cx, team);
        }
        if rework {
            cx.items.item(slot).last_rework = Some(index);
        } else if !fix {
            cx.items.item(slot).last_original = index;
            self.quality.task_finished(cx, tr);
            for i in 0..self.successors[item_type][index].len() {
                let succ = TaskRef::new(slot, self.successors[item_type][index][i]);
                let s = cx.items.task(succ);
                s.preds_left -= 1;
                if s.preds_left == 0 {
                    s.trigger = Some(index);
                    self.task_ready(cx, succ, Some(team));
                }
            }
        }
        let item = cx.items.item(slot);
        item.remaining -= 1;
        if item.remaining > 0 {
            return;
        }
        if !self.quality.item_finished(cx, slot) {
            self.complete(cx, slot);
        }
    }

    /// The review of the item in `slot` caught defects: each becomes a
    /// rework task for the team that made it, straight into its backlog.
    fn rework(&mut self, cx: &mut Cx, slot: Slot) {
        let now = cx.cal.now();
        let k = cx.items.item(slot).stream;
        for i in 0..self.quality.reworks().len() {
            let (team, skill, effort) = self.quality.reworks()[i];
            let task = rework_task(now, team, skill, effort, !self.routing.owns(team, k));
            let item = cx.items.item(slot);
            item.tasks.push(task);
            item.remaining += 1;
            let tr = TaskRef::new(slot, item.tasks.len() - 1);
            let expedite = item.expedite;
            // Held back like any task while its team is at its WIP limit.
            if self.intake.gate.enter(team, tr, expedite) {
                self.work.enqueue(cx, tr, self.swarm.as_mut());
            }
        }
    }

    /// The item in `slot` is done.
    fn complete(&mut self, cx: &mut Cx, slot: Slot) {
        let now = cx.cal.now();
        let item = cx.items.item(slot);
        let k = item.stream;
        if self.probes.keep_events {
            self.probes.log(item);
        }
        if item.fix {
            cx.items.release(slot);
            self.probes.fix_done(now, k);
            self.stream_place_freed(cx, k);
            return;
        }
        self.probes.item_done(now, item);
        // A closed stream keeps its own items in flight, not the backlog's.
        let of_backlog = self.arrivals.has_backlog()
            && self
                .arrivals
                .backlog_item_done(StreamId::new(k), item.index, now);
        self.quality.completed(cx, slot);
        self.probes.record(now, cx.items.item(slot));
        cx.items.release(slot);
        self.stream_place_freed(cx, k);
        if !of_backlog && self.arrivals.closed_wip(StreamId::new(k)).is_some() {
            self.arrive(cx, StreamId::new(k));
        }
    }
}

impl Handler<Event> for Replication<'_> {
    #[inline]
    fn should_stop(&mut self) -> bool {
        self.m.probes.should_stop(self.items.in_flight())
    }

    fn handle(&mut self, cal: &mut Calendar<Event>, event: Event) {
        self.m.probes.events += 1;
        let mut cx = Cx {
            cal,
            items: &mut self.items,
        };
        self.m.handle(&mut cx, event);
        self.m.debug_check(cx.cal.now());
        if event == Event::Intake(intake::Event::Planned) {
            // The requests reaching this boundary after the first, each
            // handled as its own event would have been, while it would come
            // out of the calendar next.
            loop {
                let take = !self.m.probes.should_stop(cx.items.in_flight());
                let Some(tr) = self.m.intake.next_planned(cx.cal, take) else {
                    break;
                };
                self.m.probes.events += 1;
                if let Some(tr) = self.m.intake.planned(&mut cx, tr) {
                    self.m.work.enqueue(&mut cx, tr, self.m.swarm.as_mut());
                }
                self.m.debug_check(cx.cal.now());
            }
        }
    }
}

impl Mechanisms<'_> {
    /// Checks (in debug builds) what must hold after every event.
    #[inline(always)]
    fn debug_check(&self, now: f64) {
        debug_assert!(
            self.work
                .pools
                .iter()
                .all(|p| p.backlog.is_empty() || !p.has_free_person()),
            "a person is free while their pool's backlog holds work (t = {now})"
        );
    }
}
