//! Intake (docs/model.md, "Mechanisms: where time goes"): a task's way from
//! ready to its team's backlog. The handoff, then, for a request, the team's
//! planning cadence, its leader's decision, and an escalation to the
//! executive. Each stage passes the task on at once or parks it (an event
//! scheduled, or a place in a leader's queue); a task passed on is returned
//! to the lifecycle, which puts it in its backlog.

use std::collections::VecDeque;

use rand::RngExt;

use super::Cx;
use super::arena::TaskRef;
use super::event::Event as Any;
use super::wip::{ClassQueue, TeamGate};
use crate::engine::{Calendar, Key, ReplicationStreams, SimRng};
use crate::model::item::{Phase, Stamp, TaskRun};
use crate::model::plan::Immediate;
use crate::model::purpose;
use crate::model::topology::Organization;
use crate::stats::TimeAverage;

/// What happens in intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// A handoff is over.
    HandedOver(TaskRef),
    /// The first request waiting for a planning boundary (see
    /// [`Intake::next_planned`]) reaches it.
    Planned,
    /// A leader (index into the organization's leaders) finishes a decision.
    LeaderDone(u32),
    /// The executive finishes a decision.
    ExecutiveDone,
}

/// A single decision-maker (a team leader or the executive) with a FIFO queue.
#[derive(Debug, Clone)]
pub(crate) struct Leader {
    /// Fraction of full attention given to decisions, in (0, 1]: each
    /// decision takes `decision / attention` days.
    pub(crate) attention: f64,
    /// The request being decided, if any.
    pub(crate) current: Option<TaskRef>,
    /// Requests waiting, first in first out (expedite ones first).
    pub(crate) queue: ClassQueue<TaskRef>,
    /// Time-average busy fraction over the measurement window.
    pub(crate) busy_average: TimeAverage,
}

impl Leader {
    /// An idle leader with the given attention, measured from `window_start`.
    pub(crate) fn new(attention: f64, window_start: f64) -> Self {
        Self {
            attention,
            current: None,
            queue: ClassQueue::default(),
            busy_average: TimeAverage::new(window_start),
        }
    }
}

/// The handoffs, cadences, leaders and executive of one organization, with
/// their random streams.
#[derive(Debug)]
pub(crate) struct Intake<'a> {
    org: &'a Organization,
    /// Which steps take no time, so that they skip the calendar and their
    /// sampling.
    immediate: Immediate,
    handoff_rng: SimRng,
    decision_rng: SimRng,
    escalation_rng: SimRng,
    executive_rng: SimRng,
    /// The organization's leaders, in its order.
    pub(crate) leaders: Vec<Leader>,
    /// The executive escalated requests wait for.
    pub(crate) executive: Leader,
    /// The teams' WIP limits, between the handoff and the rest of intake.
    pub(crate) gate: TeamGate,
    /// The requests waiting for a planning boundary, each with the place
    /// in the order of events its own event would have had, in that order:
    /// the boundaries are the same for every team, so a later request never
    /// waits for an earlier one. Only the first is in the calendar (as
    /// [`Event::Planned`]), which keeps a boundary's dozens of requests out
    /// of its heap.
    planned: VecDeque<(Key, TaskRef)>,
    /// Whether the first waiting request is taken care of: its
    /// [`Event::Planned`] is in the calendar, or is being handled (the
    /// lifecycle then calls [`next_planned`](Intake::next_planned)).
    planned_due: bool,
}

impl<'a> Intake<'a> {
    /// The idle intake of `org`, measured from `window_start`.
    pub(crate) fn new(org: &'a Organization, rngs: &ReplicationStreams, window_start: f64) -> Self {
        Self {
            org,
            immediate: Immediate::of(org),
            handoff_rng: rngs.stream(purpose::HANDOFF),
            decision_rng: rngs.stream(purpose::DECISION),
            escalation_rng: rngs.stream(purpose::ESCALATION),
            executive_rng: rngs.stream(purpose::EXECUTIVE),
            leaders: org
                .leaders
                .iter()
                .map(|l| Leader::new(l.attention, window_start))
                .collect(),
            executive: Leader::new(1.0, window_start),
            gate: TeamGate::new(org),
            planned: VecDeque::new(),
            planned_due: false,
        }
    }

    /// The task's predecessors are done (or its item arrived); it is handed
    /// over from team `from` (none: from outside every team). Returns the
    /// task if it reaches its team's backlog now.
    #[inline]
    pub(crate) fn ready(
        &mut self,
        cx: &mut Cx,
        tr: TaskRef,
        from: Option<usize>,
    ) -> Option<TaskRef> {
        let now = cx.cal.now();
        let item = cx.items.item(tr.slot());
        let task = &mut item.tasks[tr.task()];
        task.stamp(Stamp::Ready, now);
        task.phase = Phase::Coordinating;
        let internal = from == Some(task.team);
        if !internal {
            item.handoffs += 1;
        }
        let coordination = &self.org.coordination;
        let delay = match (internal, self.immediate) {
            (
                true,
                Immediate {
                    internal_handoff: true,
                    ..
                },
            ) => 0.0,
            (false, Immediate { handoff: true, .. }) => 0.0,
            (true, _) => coordination.internal_handoff.sample(&mut self.handoff_rng),
            (false, _) => coordination.handoff.sample(&mut self.handoff_rng),
        };
        if delay > 0.0 {
            cx.cal
                .schedule_in(delay, Any::Intake(Event::HandedOver(tr)));
            return None;
        }
        if self.gate.is_active() {
            return self.handed_over(cx, tr);
        }
        // No limit: accepted at once, with the task at hand.
        let task = &mut item.tasks[tr.task()];
        if self.accept_at_once(task, now) {
            return Some(tr);
        }
        self.await_cadence(cx, tr, now)
    }

    /// Handles an intake event; returns the task it lets into its backlog, if any.
    #[inline]
    pub(crate) fn handle(&mut self, cx: &mut Cx, event: Event) -> Option<TaskRef> {
        match event {
            Event::HandedOver(tr) => self.handed_over(cx, tr),
            Event::Planned => {
                let (_, tr) = self
                    .planned
                    .pop_front()
                    .expect("a Planned event stands for the first waiting request");
                self.planned(cx, tr)
            }
            Event::LeaderDone(leader) => self.leader_done(cx, leader as usize),
            Event::ExecutiveDone => self.executive_done(cx),
        }
    }

    /// The handoff is over: the task waits while its team is at its WIP
    /// limit, else its team accepts it.
    #[inline]
    fn handed_over(&mut self, cx: &mut Cx, tr: TaskRef) -> Option<TaskRef> {
        let now = cx.cal.now();
        let task = cx.items.task(tr);
        if self.gate.is_active() {
            task.stamp(Stamp::HandedOver, now);
            let team = task.team;
            let expedite = cx.items.item(tr.slot()).expedite;
            return if self.gate.enter(team, tr, expedite) {
                self.accepted(cx, tr)
            } else {
                None
            };
        }
        if self.accept_at_once(task, now) {
            return Some(tr);
        }
        self.await_cadence(cx, tr, now)
    }

    /// The handoff of `task` is over at `now` and no team has a WIP limit:
    /// accepted at once (the same steps as [`accepted`](Intake::accepted),
    /// on the task at hand). Returns whether it enters its backlog now
    /// (else it is a request that awaits its team's cadence).
    #[inline]
    fn accept_at_once(&self, task: &mut TaskRun, now: f64) -> bool {
        task.stamp(Stamp::HandedOver, now);
        task.stamp(Stamp::Accepted, now);
        if !task.request || self.immediate.intake {
            task.stamp(Stamp::Planned, now);
            task.stamp(Stamp::Decided, now);
            return true;
        }
        false
    }

    /// The task's team accepts it (at once, or when a place under its WIP
    /// limit frees up): an internal task enters its team's backlog, a
    /// request waits for the team's next planning boundary, and a rework
    /// task (held back by the limit) goes straight into its backlog.
    pub(crate) fn accepted(&mut self, cx: &mut Cx, tr: TaskRef) -> Option<TaskRef> {
        let now = cx.cal.now();
        let task = cx.items.task(tr);
        task.stamp(Stamp::Accepted, now);
        if task.rework {
            return Some(tr);
        }
        if !task.request || self.immediate.intake {
            // Straight into the backlog, as `planned` and `decided` would
            // put it with no cadence, no decision and no escalation.
            task.stamp(Stamp::Planned, now);
            task.stamp(Stamp::Decided, now);
            return Some(tr);
        }
        self.await_cadence(cx, tr, now)
    }

    /// An accepted request waits for its team's next planning boundary.
    #[inline]
    fn await_cadence(&mut self, cx: &mut Cx, tr: TaskRef, now: f64) -> Option<TaskRef> {
        let cadence = self.org.coordination.intake_cadence;
        if cadence > 0.0 {
            let boundary = ((now / cadence).ceil() * cadence).max(now);
            if boundary > now {
                let key = cx.cal.reserve(boundary);
                debug_assert!(self.planned.back().is_none_or(|&(last, _)| last < key));
                if !self.planned_due {
                    cx.cal.schedule_reserved(key, Any::Intake(Event::Planned));
                    self.planned_due = true;
                }
                self.planned.push_back((key, tr));
                return None;
            }
        }
        self.planned(cx, tr)
    }

    /// After an [`Event::Planned`]: the next waiting request, taken out, if
    /// `take` and its event would come out of the calendar next (at this
    /// boundary, nothing else before it), so that the lifecycle handles it
    /// as that event at once (see [`planned`](Intake::planned)); otherwise
    /// None, with the first waiting request, if any, put in the calendar.
    pub(crate) fn next_planned(&mut self, cal: &mut Calendar<Any>, take: bool) -> Option<TaskRef> {
        let Some(&(key, tr)) = self.planned.front() else {
            self.planned_due = false;
            return None;
        };
        if take && key.time() == cal.now() && cal.next_key().is_none_or(|next| key < next) {
            self.planned.pop_front();
            return Some(tr);
        }
        cal.schedule_reserved(key, Any::Intake(Event::Planned));
        None
    }

    /// The request is in the team's plan: its leader must decide on it.
    pub(crate) fn planned(&mut self, cx: &mut Cx, tr: TaskRef) -> Option<TaskRef> {
        let now = cx.cal.now();
        let task = cx.items.task(tr);
        task.stamp(Stamp::Planned, now);
        if self.org.coordination.decision.is_zero() {
            return self.decided(cx, tr);
        }
        let leader = self.org.team_leader[task.team];
        let expedite = cx.items.item(tr.slot()).expedite;
        self.leaders[leader].queue.push(tr, expedite);
        if self.leaders[leader].current.is_none() {
            self.start_decision(cx, leader);
        }
        None
    }

    fn start_decision(&mut self, cx: &mut Cx, index: usize) {
        let leader = &mut self.leaders[index];
        let Some(tr) = leader.queue.pop_front() else {
            return;
        };
        leader.current = Some(tr);
        leader.busy_average.set(cx.cal.now(), 1.0);
        let days = self
            .org
            .coordination
            .decision
            .sample(&mut self.decision_rng)
            / leader.attention;
        let index = u32::try_from(index).expect("fewer than 2^32 leaders");
        cx.cal
            .schedule_in(days, Any::Intake(Event::LeaderDone(index)));
    }

    fn leader_done(&mut self, cx: &mut Cx, index: usize) -> Option<TaskRef> {
        let leader = &mut self.leaders[index];
        let tr = leader
            .current
            .take()
            .expect("a leader finishes only a decision it started");
        leader.busy_average.set(cx.cal.now(), 0.0);
        self.start_decision(cx, index);
        self.decided(cx, tr)
    }

    /// The leader has decided; the request may still need the executive.
    fn decided(&mut self, cx: &mut Cx, tr: TaskRef) -> Option<TaskRef> {
        let now = cx.cal.now();
        cx.items.task(tr).stamp(Stamp::Decided, now);
        let p = self.org.coordination.escalation_probability;
        if p > 0.0 && self.escalation_rng.random::<f64>() < p {
            cx.items.item(tr.slot()).escalations += 1;
            if self.org.coordination.escalation_decision.is_zero() {
                return Some(tr);
            }
            let expedite = cx.items.item(tr.slot()).expedite;
            self.executive.queue.push(tr, expedite);
            if self.executive.current.is_none() {
                self.start_executive(cx);
            }
            return None;
        }
        Some(tr)
    }

    fn start_executive(&mut self, cx: &mut Cx) {
        let Some(tr) = self.executive.queue.pop_front() else {
            return;
        };
        self.executive.current = Some(tr);
        self.executive.busy_average.set(cx.cal.now(), 1.0);
        let days = self
            .org
            .coordination
            .escalation_decision
            .sample(&mut self.executive_rng);
        cx.cal.schedule_in(days, Any::Intake(Event::ExecutiveDone));
    }

    fn executive_done(&mut self, cx: &mut Cx) -> Option<TaskRef> {
        let tr = self
            .executive
            .current
            .take()
            .expect("the executive finishes only a decision it started");
        self.executive.busy_average.set(cx.cal.now(), 0.0);
        self.start_executive(cx);
        Some(tr)
    }
}

#[cfg(test)]
mod tests;
