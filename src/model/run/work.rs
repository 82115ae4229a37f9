//! Work (docs/model.md, "Mechanisms: where time goes"): each team's people
//! of each skill are a pool with a backlog. A task in the backlog waits for
//! a free person of its pool; a person pulled away mid-task puts it back at
//! the head of the backlog.

use std::collections::VecDeque;

use super::Cx;
use super::arena::TaskRef;
use super::event::Event as Any;
use super::swarm::Swarm;
use crate::model::ids::{PoolId, SkillId, TeamId};
use crate::model::item::{Phase, Stamp};
use crate::model::topology::Organization;
use crate::stats::TimeAverage;

/// What happens in work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// A person finishes a task (unless it was interrupted since: the
    /// number is the task's work epoch when the work was scheduled).
    Done(TaskRef, u32),
}

/// Tasks waiting for a person, in the order they will be served: by
/// priority class (0 first: the highest stream weight under a weighted
/// queue; everything is class 0 under FIFO), then by order of arrival, except
/// that a task put back at the head goes before every task of its class.
#[derive(Debug, Clone, Default)]
pub(crate) struct Backlog {
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
    pub(crate) fn push_back(&mut self, class: u32, task: TaskRef) {
        self.class(class).push_back(task);
        self.len += 1;
    }

    /// Puts `task` of priority class `class` ahead of the others of its class.
    pub(crate) fn push_front(&mut self, class: u32, task: TaskRef) {
        self.class(class).push_front(task);
        self.len += 1;
    }

    /// Takes the next task to serve.
    #[inline]
    pub(crate) fn pop_front(&mut self) -> Option<TaskRef> {
        if self.len == 0 {
            return None;
        }
        let task = self.classes.iter_mut().find_map(VecDeque::pop_front);
        self.len -= 1;
        task
    }

    #[cfg(test)]
    /// Tasks waiting.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether no task waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The people of one skill in one team and the backlog of tasks waiting for them.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    /// People of the skill in the team.
    pub(crate) capacity: u32,
    /// People busy now.
    pub(crate) busy: u32,
    /// People pulled away to a temporary project now.
    pub(crate) away: u32,
    /// The tasks being worked on now (kept only when asked for: someone
    /// must be able to pick a task to interrupt).
    pub(crate) in_service: Vec<TaskRef>,
    tracks_tasks: bool,
    /// Tasks ready and waiting.
    pub(crate) backlog: Backlog,
    /// Time-average number of busy people over the measurement window.
    pub(crate) busy_average: TimeAverage,
    /// Time-average number of people away over the measurement window.
    pub(crate) away_average: TimeAverage,
}

impl Pool {
    /// An idle pool of `capacity` people, measured from `window_start`;
    /// `tracks_tasks` when the tasks in service must be listed.
    pub(crate) fn new(capacity: u32, window_start: f64, tracks_tasks: bool) -> Self {
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
    pub(crate) fn free_people(&self) -> u32 {
        self.capacity - self.away - self.busy
    }

    /// Whether a person is present and free.
    pub(crate) fn has_free_person(&self) -> bool {
        self.free_people() > 0
    }

    /// A person starts on `task` at `now`.
    #[inline]
    fn occupy(&mut self, now: f64, task: TaskRef) {
        self.busy += 1;
        if self.tracks_tasks {
            self.in_service.push(task);
        }
        self.busy_average.set(now, f64::from(self.busy));
    }

    /// The person working on `task` stops at `now` (done or pulled away).
    #[inline]
    fn release(&mut self, now: f64, task: TaskRef) {
        self.busy -= 1;
        if self.tracks_tasks
            && let Some(i) = self.in_service.iter().position(|&t| t == task)
        {
            self.in_service.swap_remove(i);
        }
        self.busy_average.set(now, f64::from(self.busy));
    }
}

/// Every pool of the organization: one per team and skill.
#[derive(Debug, Clone)]
pub(crate) struct Pools {
    pools: Vec<Pool>,
    skills: usize,
}

impl Pools {
    /// The idle pools of `org` with `skills` skills, measured from
    /// `window_start`; `tracks_tasks` when a swarm must pick tasks to interrupt.
    pub(crate) fn new(
        org: &Organization,
        skills: usize,
        window_start: f64,
        tracks_tasks: bool,
    ) -> Self {
        let pools = org
            .teams
            .iter()
            .flat_map(|t| {
                (0..skills).map(move |s| Pool::new(t.people[s], window_start, tracks_tasks))
            })
            .collect();
        Self { pools, skills }
    }

    /// The pool of `team`'s people of `skill`: the one place that knows how
    /// pools are laid out.
    #[inline]
    pub(crate) fn id(&self, team: TeamId, skill: SkillId) -> PoolId {
        PoolId::new(team.index() * self.skills + skill.index())
    }

    /// The pools of `team`, one per skill in order.
    pub(crate) fn of_team(&self, team: TeamId) -> impl Iterator<Item = PoolId> + use<> {
        let first = team.index() * self.skills;
        (first..first + self.skills).map(PoolId::new)
    }

    /// Every pool.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Pool> {
        self.pools.iter()
    }
}

impl std::ops::Index<PoolId> for Pools {
    type Output = Pool;
    #[inline]
    fn index(&self, id: PoolId) -> &Pool {
        &self.pools[id.index()]
    }
}

impl std::ops::IndexMut<PoolId> for Pools {
    #[inline]
    fn index_mut(&mut self, id: PoolId) -> &mut Pool {
        &mut self.pools[id.index()]
    }
}

/// The pools and the backlog priority of each stream.
#[derive(Debug)]
pub(crate) struct Work {
    /// Every team's people and backlogs.
    pub(crate) pools: Pools,
    /// Backlog priority class of each stream (0 = served first).
    stream_class: Vec<u32>,
}

impl Work {
    /// Work over `pools`, each stream in its backlog priority class.
    pub(crate) fn new(pools: Pools, stream_class: Vec<u32>) -> Self {
        Self {
            pools,
            stream_class,
        }
    }

    /// The pool that works on task `tr`.
    #[inline]
    fn pool_of(&self, cx: &mut Cx, tr: TaskRef) -> PoolId {
        let task = cx.items.task(tr);
        self.pools
            .id(TeamId::new(task.team), SkillId::new(task.skill))
    }

    /// The task enters its team's backlog for its skill, and a free person
    /// starts on it at once if there is one. `swarm` pays a resumed task's
    /// context switch.
    pub(crate) fn enqueue(&mut self, cx: &mut Cx, tr: TaskRef, swarm: Option<&mut Swarm>) {
        let now = cx.cal.now();
        let item = cx.items.item(tr.slot());
        let task = &mut item.tasks[tr.task()];
        task.stamp(Stamp::Queued, now);
        task.phase = Phase::Queued;
        let p = self
            .pools
            .id(TeamId::new(task.team), SkillId::new(task.skill));
        if self.pools[p].has_free_person() {
            self.start(cx, p, tr, swarm);
        } else {
            let class = self.stream_class[item.stream];
            self.pools[p].backlog.push_back(class, tr);
        }
    }

    /// A person of `pool` starts (or resumes) `tr`.
    fn start(&mut self, cx: &mut Cx, pool: PoolId, tr: TaskRef, swarm: Option<&mut Swarm>) {
        let now = cx.cal.now();
        self.pools[pool].occupy(now, tr);
        let item = cx.items.item(tr.slot());
        let task = &mut item.tasks[tr.task()];
        match task.paused_at.take() {
            // Resuming: the pause and the context switch are time lost to
            // the interruption, not work.
            Some(paused) => {
                let resume_cost = swarm.expect("only a swarm pauses a task").resume_cost();
                task.interrupted += now - paused + resume_cost;
                task.remaining += resume_cost;
            }
            None => task.stamp(Stamp::Started, now),
        }
        task.phase = Phase::Working;
        task.work_started = now;
        let (team, work, epoch) = (task.team, task.remaining, task.epoch);
        item.touch_team(team);
        cx.cal.schedule_in(work, Any::Work(Event::Done(tr, epoch)));
    }

    /// Tops up a pool's free people with tasks from its backlog.
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
    pub(crate) fn handle(
        &mut self,
        cx: &mut Cx,
        event: Event,
        swarm: Option<&mut Swarm>,
    ) -> Option<TaskRef> {
        let Event::Done(tr, epoch) = event;
        if cx.items.task(tr).epoch != epoch {
            return None; // interrupted since this completion was scheduled
        }
        let now = cx.cal.now();
        let task = cx.items.task(tr);
        task.stamp(Stamp::Finished, now);
        task.phase = Phase::Done;
        let p = self.pool_of(cx, tr);
        self.pools[p].release(now, tr);
        self.fill(cx, p, swarm);
        Some(tr)
    }

    /// The person of `pool` on `tr` is pulled away: the task goes back to
    /// the head of its backlog with the effort it has left.
    pub(crate) fn interrupt(&mut self, cx: &mut Cx, pool: PoolId, tr: TaskRef) {
        let now = cx.cal.now();
        self.pools[pool].release(now, tr);
        let task = cx.items.task(tr);
        task.remaining -= now - task.work_started;
        task.epoch += 1;
        task.paused_at = Some(now);
        task.phase = Phase::Queued;
        let stream = cx.items.item(tr.slot()).stream;
        let class = self.stream_class[stream];
        self.pools[pool].backlog.push_front(class, tr);
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
    use crate::model::run::testing::{Bench, org, scenario};

    /// Two teams (a matrix of `dev` and `qa` departments), `dev` people of dev.
    fn work(dev: u32, tracks_tasks: bool) -> Work {
        let sc = scenario(&format!(
            r#"
name = "work"
[simulation]
warmup = 0
horizon = 100
replications = 1
seed = 1
[[workload.streams]]
name = "s"
interarrival = {{ dist = "constant", value = 1 }}
item = "job"
[workload.items.job]
tasks = [
  {{ name = "a", skill = "dev", effort = {{ dist = "constant", value = 1 }} }},
  {{ name = "b", skill = "qa", effort = {{ dist = "constant", value = 1 }}, after = ["a"] }},
]
[organization]
people = {{ dev = {dev}, qa = 1 }}
[[topologies]]
name = "matrix"
kind = "matrix"
"#
        ));
        let org = org(&sc);
        Work::new(Pools::new(&org, 2, 0.0, tracks_tasks), vec![0])
    }

    #[test]
    fn pools_are_laid_out_team_by_team() {
        let w = work(2, false);
        let p = &w.pools;
        assert_eq!(p.id(TeamId::new(0), SkillId::new(0)), PoolId::new(0));
        assert_eq!(p.id(TeamId::new(1), SkillId::new(1)), PoolId::new(3));
        let team1: Vec<PoolId> = p.of_team(TeamId::new(1)).collect();
        assert_eq!(team1, [PoolId::new(2), PoolId::new(3)]);
        // The matrix's first department holds the devs, the second the qa.
        assert_eq!(p[PoolId::new(0)].capacity, 2);
        assert_eq!(p[PoolId::new(3)].capacity, 1);
        assert_eq!(p[PoolId::new(1)].capacity + p[PoolId::new(2)].capacity, 0);
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

    #[test]
    fn a_backlog_serves_the_higher_class_first_and_a_returned_task_ahead() {
        let mut bench = Bench::new();
        let t: Vec<TaskRef> = (0..4).map(|_| bench.item(0, 0, 1.0, false)).collect();
        let mut b = Backlog::default();
        b.push_back(1, t[0]);
        b.push_back(0, t[1]);
        b.push_back(0, t[2]);
        b.push_front(1, t[3]);
        assert_eq!(b.len(), 4);
        let order: Vec<TaskRef> = std::iter::from_fn(|| b.pop_front()).collect();
        assert_eq!(order, [t[1], t[2], t[3], t[0]]);
        assert!(b.is_empty());
    }
}
