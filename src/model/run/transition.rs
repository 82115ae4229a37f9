//! The switch of a transition (docs/model.md, "The reorganization as a
//! transition"): at day `at` the mechanisms of the source organization are
//! replaced by those of the target, built as at day 0 (so they draw the
//! target's random streams from their start), and the work in flight moves.
//! The arrivals, the items in flight, the streams' WIP limits and the
//! probes carry on untouched. The rule for work in flight:
//!
//! - every task (done or not: a done task's defect is reworked or fixed by
//!   its team) is routed to the team the new routing gives its stream and
//!   skill;
//! - a task being worked is stopped and keeps the effort it has left; like
//!   a task pulled away by a swarm it owes a context switch on resuming (the
//!   new organization's: drawn by its swarms if it has them, else at the
//!   switch from this mechanism's own stream);
//! - stopped tasks, tasks in a backlog and rework tasks join their new
//!   team's backlog (through its WIP limit); tasks in intake (handoff,
//!   cadence, decision, escalation, a team's WIP limit) are handed over
//!   again, by the new organization's rules;
//! - items waiting for or under a review go to the new bar raisers, or are
//!   done if it has none; escaped defects still come back, as fixes for the
//!   new team of their stream and skill;
//! - every other event of the old organization is dropped.

use super::arena::TaskRef;
use super::event::Event;
use super::setup::Setup;
use super::{Cx, Mechanisms, quality, work};
use crate::model::economics;
use crate::model::ids::Slot;
use crate::model::item::Phase;
use crate::model::metric::Metric;
use crate::model::purpose;
use crate::model::transition::Transition;

/// A switch not yet made: where to, and what building the new mechanisms
/// takes.
#[derive(Debug)]
pub(super) struct Pending<'a> {
    pub(super) to: &'a Transition,
    pub(super) setup: Setup<'a>,
}

/// The source organization over the part of the window before the switch:
/// what the organization-wide metrics of the whole window need of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Before {
    /// The switch (after the window's start).
    at: f64,
    /// Days of the window before the switch.
    span: f64,
    /// Person-days present (headcount × span).
    people: f64,
    /// Person-days busy, of which on a second skill.
    busy: f64,
    cross: f64,
    /// Person-days away on temporary projects.
    away: f64,
    /// Reviewer-days busy, and present.
    reviewing: f64,
    reviewers: f64,
    /// Days the executive was busy.
    executive: f64,
    /// The busiest leader's utilization.
    leader_max: f64,
    /// People cost per day, if priced.
    people_cost: Option<f64>,
}

impl<'a> Mechanisms<'a> {
    /// Makes the transition's switch now if it is due at day 0, schedules
    /// it if it falls inside the window, and forgets it otherwise.
    pub(super) fn plan_switch(&mut self, cx: &mut Cx) {
        let Some(at) = self.switch.as_ref().map(|p| p.to.at) else {
            return;
        };
        if at <= cx.cal.now() {
            self.switch_now(cx);
        } else if at < self.probes.window_end {
            cx.cal.schedule_at(at, Event::Switch);
        } else {
            self.switch = None;
        }
    }

    /// The switch: the new organization's mechanisms take over now, and
    /// the work in flight moves to them (see the module's rule).
    pub(super) fn switch_now(&mut self, cx: &mut Cx) {
        let Some(pending) = self.switch.take() else {
            return;
        };
        let now = cx.cal.now();
        let (t, setup) = (pending.to, pending.setup);
        let window_start = setup.window.start;
        let mut new = Mechanisms::build(&setup, &t.to, window_start.max(now));
        new.before = (now > window_start).then(|| Box::new(self.before_switch(now)));
        std::mem::swap(&mut new.arrivals, &mut self.arrivals);
        std::mem::swap(&mut new.probes, &mut self.probes);
        std::mem::swap(&mut new.stream_gate, &mut self.stream_gate);
        new.arrivals.reroute(setup.model, &new.routing);
        new.quality.adopt_fixes(&mut self.quality, &new.routing);
        new.work.relearn(t.relearning());
        *self = new;

        // When each task being worked would have finished: what it has
        // left, whatever its speed.
        let mut finishing: Vec<(TaskRef, f64)> = Vec::new();
        let items = &mut *cx.items;
        cx.cal.retain(|time, e| match *e {
            Event::Arrival(_) | Event::Probe(_) => true,
            Event::Quality(quality::Event::FixArrival(_)) => true,
            Event::Work(work::Event::Done(tr, epoch)) => {
                if items.task(tr).epoch == epoch {
                    finishing.push((tr, time));
                }
                false
            }
            Event::Work(work::Event::CrewDone(tr, _)) => {
                finishing.push((tr, time));
                false
            }
            _ => false,
        });
        for &(tr, done) in &finishing {
            let task = cx.items.task(tr);
            let stretch = done - task.work_started;
            if stretch > 0.0 {
                task.remaining *= (done - now) / stretch;
            }
        }

        let charge = self.swarm.is_none();
        let mut rng = setup.rngs.stream(purpose::TRANSITION);
        let (mut queue, mut resend, mut review): (Vec<TaskRef>, Vec<TaskRef>, Vec<Slot>) =
            Default::default();
        for slot in cx.items.live_slots() {
            cx.items.tasks_withdrawn(slot);
            let item = cx.items.item(slot);
            if item.remaining == 0 {
                review.push(slot);
            }
            let k = item.stream;
            for (i, task) in item.tasks.iter_mut().enumerate() {
                // Done tasks too: a defect they left is reworked, or
                // fixed, by the team now doing their stream and skill.
                task.team = self.routing.route(k, task.skill, None, false);
                task.request = !self.routing.owns(task.team, k);
                if task.phase == Phase::Done {
                    continue;
                }
                let tr = TaskRef::new(slot, i);
                match task.phase {
                    Phase::Working => {
                        task.epoch += 1;
                        task.paused_at = Some(now);
                        task.phase = Phase::Queued;
                        if charge {
                            let cost = t.to.coordination.context_switch.sample(&mut rng);
                            task.remaining += cost;
                            task.interrupted += cost;
                        }
                        queue.push(tr);
                    }
                    Phase::Queued => queue.push(tr),
                    Phase::Coordinating if task.rework => queue.push(tr),
                    Phase::Coordinating => resend.push(tr),
                    Phase::Blocked | Phase::Done => {}
                }
            }
        }
        for tr in queue {
            let (team, expedite) = (cx.items.task(tr).team, cx.items.item(tr.slot()).expedite);
            if self.intake.gate.enter(team, tr, expedite) {
                self.work.enqueue(cx, tr, self.swarm.as_mut());
            }
        }
        for tr in resend {
            let from = match cx.items.task(tr).trigger {
                Some(p) => Some(cx.items.item(tr.slot()).tasks[p].team),
                None => self.routing.owner(cx.items.item(tr.slot()).stream),
            };
            self.task_ready(cx, tr, from);
        }
        for slot in review {
            if !self.quality.item_finished(cx, slot) {
                self.complete(cx, slot);
            }
        }
        if let Some(swarm) = self.swarm.as_mut() {
            swarm.start(cx);
        }
    }

    /// This organization over the window until `now` (after its start).
    fn before_switch(&self, now: f64) -> Before {
        let span = now - self.probes.window_start;
        let pools = &self.work.pools;
        let crews = || self.work.crews.iter().flat_map(|c| c.iter());
        let pool_busy: f64 = pools.iter().map(|p| p.busy_average.finish(now)).sum();
        let crew_busy: f64 = crews().map(|c| c.busy_average.finish(now)).sum();
        let cross: f64 = crews().map(|c| c.cross_average.finish(now)).sum();
        let people: u32 = self.org.teams.iter().map(|t| t.size()).sum();
        let (reviewing, reviewers) = self.quality.reviewers.as_ref().map_or((0.0, 0.0), |r| {
            (r.busy_average.finish(now), f64::from(r.capacity))
        });
        let leader_max = (self.intake.leaders.iter())
            .map(|l| l.busy_average.finish(now))
            .fold(0.0, f64::max);
        Before {
            at: now,
            span,
            people: f64::from(people) * span,
            busy: (pool_busy + crew_busy) * span,
            cross: cross * span,
            away: pools
                .iter()
                .map(|p| p.away_average.finish(now))
                .sum::<f64>()
                * span,
            reviewing: reviewing * span,
            reviewers: reviewers * span,
            executive: self.intake.executive.busy_average.finish(now) * span,
            leader_max,
            people_cost: (self.model.economics.as_ref())
                .and_then(|e| economics::people_cost(e, self.org)),
        }
    }
}

impl Before {
    /// Turns the organization-wide `metrics` of the organization after the
    /// switch (measured from it to `end`) into those of the whole window:
    /// shares of person-days, of reviewer-days and of days over both
    /// organizations, the busiest leader of either, the people cost per
    /// day averaged over the window. Item metrics and the teams' own
    /// metrics (the new organization's teams, since the switch) are left.
    pub(super) fn blend(&self, metrics: &mut [(String, f64)], org: &super::Organization, end: f64) {
        let span = end - self.at;
        let value = |metrics: &[(String, f64)], m: Metric| {
            (metrics.iter().find(|(n, _)| n == m.name())).map(|(_, v)| *v)
        };
        let set = |metrics: &mut [(String, f64)], m: Metric, v: f64| {
            if let Some(e) = metrics.iter_mut().find(|(n, _)| n == m.name()) {
                e.1 = v;
            }
        };
        let share = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        let people = f64::from(org.teams.iter().map(|t| t.size()).sum::<u32>()) * span;
        let busy = value(metrics, Metric::Utilization).unwrap_or(0.0) * people;
        let away = value(metrics, Metric::CapacityLost).unwrap_or(0.0) * people;
        let cross = value(metrics, Metric::CrossSkillShare).unwrap_or(0.0) * busy;
        let reviewers = f64::from(org.bar_raiser.as_ref().map_or(0, |b| b.reviewers)) * span;
        let reviewing = value(metrics, Metric::ReviewerUtilization).unwrap_or(0.0) * reviewers;
        let executive = value(metrics, Metric::ExecutiveUtilization).unwrap_or(0.0) * span;
        let all_people = self.people + people;
        set(
            metrics,
            Metric::Utilization,
            share(self.busy + busy, all_people),
        );
        set(
            metrics,
            Metric::CapacityLost,
            share(self.away + away, all_people),
        );
        set(
            metrics,
            Metric::CrossSkillShare,
            share(self.cross + cross, self.busy + busy),
        );
        set(
            metrics,
            Metric::ReviewerUtilization,
            share(self.reviewing + reviewing, self.reviewers + reviewers),
        );
        set(
            metrics,
            Metric::ExecutiveUtilization,
            share(self.executive + executive, self.span + span),
        );
        let leader = value(metrics, Metric::LeaderUtilizationMax).unwrap_or(0.0);
        set(
            metrics,
            Metric::LeaderUtilizationMax,
            leader.max(self.leader_max),
        );
        if let (Some(before), Some(after)) = (self.people_cost, value(metrics, Metric::PeopleCost))
        {
            let cost = (before * self.span + after * span) / (self.span + span);
            set(metrics, Metric::PeopleCost, cost);
            if let Some(delay) = value(metrics, Metric::DelayCost) {
                set(metrics, Metric::TotalCost, delay + cost);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spec::ModelSpec;
    use crate::model::topology;

    #[test]
    fn the_organization_wide_metrics_are_shares_of_both_organizations() {
        // Window 0..100, switch at 50; before it 2 people busy 60 of their
        // 100 person-days, the executive 10 days, the busiest leader 0.9.
        let before = Before {
            at: 50.0,
            span: 50.0,
            people: 100.0,
            busy: 60.0,
            executive: 10.0,
            leader_max: 0.9,
            people_cost: Some(1000.0),
            ..Before::default()
        };
        let model = ModelSpec::station(1.0, 2.0, 2).unwrap();
        let org = topology::build(&model, &model.topologies[0]);
        let mut metrics: Vec<(String, f64)> = [
            (Metric::Utilization, 0.5),
            (Metric::ExecutiveUtilization, 0.4),
            (Metric::LeaderUtilizationMax, 0.5),
            (Metric::DelayCost, 100.0),
            (Metric::PeopleCost, 2000.0),
            (Metric::TotalCost, 2100.0),
            (Metric::LeadTimeMean, 7.0),
        ]
        .iter()
        .map(|(m, v)| (m.name().to_owned(), *v))
        .collect();
        before.blend(&mut metrics, &org, 100.0);
        let got: Vec<f64> = metrics.iter().map(|(_, v)| *v).collect();
        // (60 + 0.5·2·50) / (100 + 2·50); (10 + 0.4·50) / 100; the larger
        // leader; (1000·50 + 2000·50) / 100 and the delay on top; item
        // metrics untouched.
        assert_eq!(got, [0.55, 0.3, 0.9, 100.0, 1500.0, 1600.0, 7.0]);
    }
}
