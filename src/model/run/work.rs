//! Work (docs/model.md, "Mechanisms: where time goes"): each team's people
//! of each skill are a pool with a backlog. A task in the backlog waits for
//! a free person of its pool; a person pulled away mid-task puts it back at
//! the head of the backlog. Cross-trained people are crews
//! ([`super::dispatch`]) that serve two pools' backlogs; communication
//! slows every person of a team alike (docs/model.md, "Communication overhead").

use super::Cx;
use super::arena::TaskRef;
use super::dispatch::Crews;
use super::event::Event as Any;
use super::pools::Pools;
use super::swarm::Swarm;
use crate::engine::Calendar;
use crate::model::ids::PoolId;
use crate::model::item::{ItemRun, Phase, Stamp, TaskRun};
use crate::model::transition::Relearning;

/// What happens in work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// A person finishes a task (unless it was interrupted since: the
    /// number is the task's work epoch when the work was scheduled).
    Done(TaskRef, u32),
    /// A person of a crew of cross-trained people (the number) finishes a
    /// task (crews and swarms do not meet: no epoch).
    CrewDone(TaskRef, u32),
}

/// The pools and the backlog priority of each stream.
#[derive(Debug)]
pub(crate) struct Work {
    /// Every team's people and backlogs.
    pub(crate) pools: Pools,
    /// Backlog priority class of each stream (0 = served first).
    stream_class: Vec<u32>,
    /// The cross-trained people, if any.
    pub(crate) crews: Option<Crews>,
    /// Each team's share of full speed, when communication slows them.
    speed: Option<Vec<f64>>,
    /// After a transition's switch with a ramp, how its people relearn.
    relearning: Option<Relearning>,
}

impl Work {
    /// Work over `pools`, each stream in its backlog priority class.
    pub(crate) fn new(pools: Pools, stream_class: Vec<u32>) -> Self {
        Self {
            pools,
            stream_class,
            crews: None,
            speed: None,
            relearning: None,
        }
    }

    /// From now on, a task started at `t` takes its effort over the
    /// relearning efficiency of its team and skill at `t` (none: full
    /// efficiency).
    pub(crate) fn relearn(&mut self, relearning: Option<Relearning>) {
        self.relearning = relearning;
    }

    /// The relearning efficiency of `task`'s team and skill at `t` (1
    /// without a transition's ramp). Out of line: only a transition has it.
    #[inline(never)]
    fn efficiency(&self, task: &TaskRun, t: f64) -> f64 {
        self.relearning
            .as_ref()
            .map_or(1.0, |r| r.efficiency(task.team, task.skill, t))
    }

    /// The same, with cross-trained `crews` and each team's `speed` (None:
    /// full speed everywhere).
    pub(crate) fn with(mut self, crews: Option<Crews>, speed: Option<Vec<f64>>) -> Self {
        self.crews = crews;
        self.speed = speed;
        self
    }

    /// The task enters its team's backlog for its skill, and a free person
    /// starts on it at once if there is one. `swarm` pays a resumed task's
    /// context switch.
    #[inline]
    pub(crate) fn enqueue(&mut self, cx: &mut Cx, tr: TaskRef, swarm: Option<&mut Swarm>) {
        let now = cx.cal.now();
        let (item, mut counts) = cx.items.item_counted(tr.slot());
        counts.queued(item);
        let task = &mut item.tasks[tr.task()];
        task.stamp(Stamp::Queued, now);
        task.phase = Phase::Queued;
        let p = self.pools.of_task(task);
        if self.pools[p].has_free_person() {
            counts.started(item);
            self.start_on(cx.cal, p, tr, item, swarm);
        } else {
            let class = self.class(item.stream, item.expedite);
            if self.crews.is_some() {
                self.enqueue_for_crews(cx, p, tr, class);
            } else {
                self.pools[p].backlog.push_back(class, tr);
            }
        }
    }

    /// No single-skilled person of `pool` is free for `tr`: a free
    /// cross-trained person takes it, else it waits in the backlog. Out of
    /// line, so that organizations without crews keep the short path.
    #[inline(never)]
    fn enqueue_for_crews(&mut self, cx: &mut Cx, pool: PoolId, tr: TaskRef, class: u32) {
        match self.crews.as_ref().and_then(|crews| crews.free_for(pool)) {
            Some(c) => self.start_crew(cx, c, pool, tr),
            None => self.pools[pool].backlog.push_back(class, tr),
        }
    }

    /// A person of crew `c` starts `tr`, a task of `pool`.
    fn start_crew(&mut self, cx: &mut Cx, c: u32, pool: PoolId, tr: TaskRef) {
        let now = cx.cal.now();
        let crews = self.crews.as_mut().expect("a crew exists");
        crews.occupy(c, pool, now);
        let crew = crews.get(c);
        let efficiency = if crew.is_cross(pool) {
            crew.efficiency
        } else {
            1.0
        };
        let relearning = if self.relearning.is_some() {
            self.efficiency(cx.items.task(tr), now)
        } else {
            1.0
        };
        cx.items.task_started(tr.slot());
        let item = cx.items.item(tr.slot());
        let task = &mut item.tasks[tr.task()];
        match task.paused_at.take() {
            // Stopped by a transition's switch (crews and swarms never
            // meet): the pause is time lost, its context switch is owed.
            Some(paused) => task.interrupted += now - paused,
            None => task.stamp(Stamp::Started, now),
        }
        task.phase = Phase::Working;
        task.work_started = now;
        let team = task.team;
        let speed = self.speed.as_ref().map_or(1.0, |s| s[team]);
        let days = task.remaining / (speed * efficiency * relearning);
        item.touch_team(team);
        cx.cal.schedule_in(days, Any::Work(Event::CrewDone(tr, c)));
    }

    /// A person of crew `c` finishes `tr` now.
    #[inline(never)]
    fn crew_done(&mut self, cx: &mut Cx, tr: TaskRef, c: u32) -> TaskRef {
        let now = cx.cal.now();
        let task = cx.items.task(tr);
        task.stamp(Stamp::Finished, now);
        task.phase = Phase::Done;
        let p = self.pools.of_task(task);
        cx.items.task_stopped(tr.slot(), false);
        self.crew_freed(cx, c, p);
        tr
    }

    /// A person of crew `c` has finished a task of `pool`: they take the
    /// next task their dispatch rule gives them, if any waits.
    fn crew_freed(&mut self, cx: &mut Cx, c: u32, pool: PoolId) {
        let crews = self.crews.as_mut().expect("a crew exists");
        crews.release(c, pool, cx.cal.now());
        if let Some(next) = crews.next_pool(c, &self.pools, cx.items)
            && let Some(tr) = self.pools[next].backlog.pop_front()
        {
            self.start_crew(cx, c, next, tr);
        }
    }

    /// The backlog class of a task of stream `k`: expedite before every
    /// stream class (the lifecycle numbers those from 1 when some items
    /// are expedite).
    #[inline]
    fn class(&self, k: usize, expedite: bool) -> u32 {
        if expedite { 0 } else { self.stream_class[k] }
    }

    /// A person of `pool` starts (or resumes) `tr`.
    #[inline]
    fn start(&mut self, cx: &mut Cx, pool: PoolId, tr: TaskRef, swarm: Option<&mut Swarm>) {
        let (item, mut counts) = cx.items.item_counted(tr.slot());
        counts.started(item);
        self.start_on(cx.cal, pool, tr, item, swarm);
    }

    /// A person of `pool` starts (or resumes) `tr`, a task of `item` (its
    /// start counted by the caller).
    #[inline]
    fn start_on(
        &mut self,
        cal: &mut Calendar<Any>,
        pool: PoolId,
        tr: TaskRef,
        item: &mut ItemRun,
        swarm: Option<&mut Swarm>,
    ) {
        let now = cal.now();
        let slot = self.pools[pool].occupy(now, tr);
        let task = &mut item.tasks[tr.task()];
        task.service_slot = slot;
        match task.paused_at.take() {
            // Resuming: the pause and the context switch are time lost to
            // the interruption, not work.
            Some(paused) => {
                // A task stopped by a transition's switch into a topology
                // without swarms was charged its context switch then.
                let resume_cost = swarm.map_or(0.0, Swarm::resume_cost);
                task.interrupted += now - paused + resume_cost;
                task.remaining += resume_cost;
            }
            None => task.stamp(Stamp::Started, now),
        }
        task.phase = Phase::Working;
        task.work_started = now;
        let (team, mut work, epoch) = (task.team, task.remaining, task.epoch);
        if let Some(speed) = &self.speed {
            work /= speed[team];
        }
        if self.relearning.is_some() {
            work /= self.efficiency(&item.tasks[tr.task()], now);
        }
        item.touch_team(team);
        cal.schedule_in(work, Any::Work(Event::Done(tr, epoch)));
    }

    /// Tops up a pool's free people with tasks from its backlog.
    #[inline]
    pub(crate) fn fill(&mut self, cx: &mut Cx, pool: PoolId, mut swarm: Option<&mut Swarm>) {
        while self.pools[pool].has_free_person() {
            let Some(next) = self.pools[pool].backlog.pop_front() else {
                break;
            };
            self.start(cx, pool, next, swarm.as_deref_mut());
        }
    }

    /// Handles a work event: returns the task if it is finished now (not
    /// made stale by an interruption). The freed person has already taken
    /// the next task of the backlog.
    #[inline]
    pub(crate) fn handle(
        &mut self,
        cx: &mut Cx,
        event: Event,
        swarm: Option<&mut Swarm>,
    ) -> Option<TaskRef> {
        let now = cx.cal.now();
        match event {
            Event::Done(tr, epoch) => {
                let (item, mut counts) = cx.items.item_counted(tr.slot());
                let task = &mut item.tasks[tr.task()];
                if task.epoch != epoch {
                    return None; // interrupted since this completion was scheduled
                }
                task.stamp(Stamp::Finished, now);
                task.phase = Phase::Done;
                let p = self.pools.of_task(task);
                let slot = task.service_slot;
                counts.stopped(item, false);
                self.release(cx, p, slot);
                self.fill(cx, p, swarm);
                Some(tr)
            }
            Event::CrewDone(tr, c) => Some(self.crew_done(cx, tr, c)),
        }
    }

    /// The person of `pool` on `tr` is pulled away: the task goes back to
    /// the head of its backlog with the effort it has left.
    pub(crate) fn interrupt(&mut self, cx: &mut Cx, pool: PoolId, tr: TaskRef) {
        let now = cx.cal.now();
        let slot = cx.items.task(tr).service_slot;
        self.release(cx, pool, slot);
        let task = cx.items.task(tr);
        let speed = self.speed.as_ref().map_or(1.0, |s| s[task.team]);
        let relearning = if self.relearning.is_some() {
            self.efficiency(task, task.work_started)
        } else {
            1.0
        };
        let task = cx.items.task(tr);
        task.remaining -= (now - task.work_started) * speed * relearning;
        task.epoch += 1;
        task.paused_at = Some(now);
        task.phase = Phase::Queued;
        cx.items.task_stopped(tr.slot(), true);
        let item = cx.items.item(tr.slot());
        let class = self.class(item.stream, item.expedite);
        self.pools[pool].backlog.push_front(class, tr);
    }

    /// The person of `pool` on the task in service at `slot` stops; the
    /// task that takes its place in the list learns its new place.
    #[inline]
    fn release(&mut self, cx: &mut Cx, pool: PoolId, slot: u32) {
        if let Some(moved) = self.pools[pool].release(cx.cal.now(), slot) {
            cx.items.task(moved).service_slot = slot;
        }
    }

    /// From now on, `away` people of `pool` are away on a temporary project.
    pub(crate) fn set_away(&mut self, now: f64, pool: PoolId, away: u32) {
        let pool = &mut self.pools[pool];
        pool.away = away;
        pool.away_average.set(now, f64::from(away));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::run::testing::{Bench, dev_qa_matrix};

    /// Two teams (a matrix of `dev` and `qa` departments), `dev` people of dev.
    fn work(dev: u32, tracks_tasks: bool) -> Work {
        Work::new(
            Pools::new(&dev_qa_matrix(dev), 2, 0.0, tracks_tasks),
            vec![0],
        )
    }

    #[test]
    fn a_task_waits_in_the_backlog_until_a_person_is_free() {
        let mut w = work(1, false);
        let mut bench = Bench::new();
        let first = bench.item(0, 0, 3.0, false);
        let second = bench.item(0, 0, 2.0, false);
        w.enqueue(&mut bench.cx(), first, None);
        w.enqueue(&mut bench.cx(), second, None);
        let dev = PoolId::new(0);
        assert_eq!((w.pools[dev].busy, w.pools[dev].backlog.len()), (1, 1));
        assert_eq!(bench.items.task(second).phase, Phase::Queued);
        let Some(Any::Work(done)) = bench.next(100.0) else {
            panic!("the first task's completion")
        };
        assert_eq!(bench.cal.now(), 3.0);
        assert_eq!(w.handle(&mut bench.cx(), done, None), Some(first));
        // The freed person took the second task at once.
        assert_eq!(bench.items.task(second).at(Stamp::Started), 3.0);
        assert_eq!(bench.items.task(first).phase, Phase::Done);
        assert!(w.pools[dev].backlog.is_empty());
        assert_eq!(bench.next(100.0), Some(Any::Work(Event::Done(second, 0))));
        assert_eq!(bench.cal.now(), 5.0);
    }

    #[test]
    fn an_interrupted_task_goes_back_to_the_head_and_its_completion_is_stale() {
        let mut w = work(1, true);
        let mut bench = Bench::new();
        let first = bench.item(0, 0, 4.0, false);
        let second = bench.item(0, 0, 1.0, false);
        let dev = PoolId::new(0);
        w.enqueue(&mut bench.cx(), first, None);
        w.enqueue(&mut bench.cx(), second, None);
        assert_eq!(w.pools[dev].in_service, [first]);
        bench
            .cal
            .schedule_at(1.0, Any::Work(Event::Done(second, 99)));
        bench.next(1.0);
        w.interrupt(&mut bench.cx(), dev, first);
        w.set_away(1.0, dev, 1);
        let task = bench.items.task(first);
        assert_eq!(
            (task.remaining, task.epoch, task.paused_at),
            (3.0, 1, Some(1.0))
        );
        assert_eq!(w.pools[dev].free_people(), 0);
        assert_eq!(
            w.pools[dev].backlog.pop_front(),
            Some(first),
            "ahead of the second"
        );
        // The completion scheduled before the interruption is ignored.
        let Some(Any::Work(stale)) = bench.next(100.0) else {
            panic!("the first task's old completion")
        };
        assert_eq!(w.handle(&mut bench.cx(), stale, None), None);
    }
}
