//! The people of each team and skill (a pool: a multi-server station) and
//! the backlog of tasks waiting for them. Pools are laid out in one place,
//! [`Pools::id`], so that a change of what a pool is (several skills per
//! person) has one place to start.

use std::collections::VecDeque;

use super::arena::TaskRef;
use crate::model::ids::{PoolId, SkillId, TeamId};
use crate::model::item::TaskRun;
use crate::model::topology::Organization;
use crate::stats::TimeAverage;

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

    /// The next task to serve and its priority class, left in place.
    #[inline]
    pub(crate) fn front(&self) -> Option<(u32, TaskRef)> {
        if self.len == 0 {
            return None;
        }
        (self.classes.iter().enumerate()).find_map(|(c, q)| q.front().map(|&t| (c as u32, t)))
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

    /// A person starts on `task` at `now`; returns its place in the list
    /// of tasks in service (0 when the pool lists none), which
    /// [`release`](Pool::release) takes back.
    #[inline]
    pub(crate) fn occupy(&mut self, now: f64, task: TaskRef) -> u32 {
        self.busy += 1;
        let slot = if self.tracks_tasks {
            self.in_service.push(task);
            u32::try_from(self.in_service.len() - 1).expect("fewer than 2^32 people per pool")
        } else {
            0
        };
        self.busy_average.set(now, f64::from(self.busy));
        slot
    }

    /// The person working on the task at place `slot` of the list of tasks
    /// in service (what [`occupy`](Pool::occupy) returned) stops at `now`
    /// (done or pulled away). The last task in service takes the freed
    /// place: it is returned, and its place is now `slot`.
    #[inline]
    pub(crate) fn release(&mut self, now: f64, slot: u32) -> Option<TaskRef> {
        self.busy -= 1;
        let moved = if self.tracks_tasks {
            let i = slot as usize;
            self.in_service.swap_remove(i);
            self.in_service.get(i).copied()
        } else {
            None
        };
        self.busy_average.set(now, f64::from(self.busy));
        moved
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
    /// `window_start`; `tracks_tasks` when a swarm must pick tasks to
    /// interrupt. A pool's people are the team's people of its skill who
    /// are not cross-trained (those are crews: [`super::dispatch`]).
    pub(crate) fn new(
        org: &Organization,
        skills: usize,
        window_start: f64,
        tracks_tasks: bool,
    ) -> Self {
        let pools = (0..org.teams.len())
            .flat_map(|t| {
                (0..skills).map(move |s| {
                    let people = super::dispatch::single_skilled(org, t, s);
                    Pool::new(people, window_start, tracks_tasks)
                })
            })
            .collect();
        Self { pools, skills }
    }

    /// The pool of `team`'s people of `skill`.
    #[inline]
    pub(crate) fn id(&self, team: TeamId, skill: SkillId) -> PoolId {
        self.at(team.index(), skill.index())
    }

    /// The pool that works on `task`.
    #[inline]
    pub(crate) fn of_task(&self, task: &TaskRun) -> PoolId {
        self.at(task.team, task.skill)
    }

    /// The pools of `team`, one per skill in order.
    pub(crate) fn of_team(&self, team: TeamId) -> impl Iterator<Item = PoolId> + '_ {
        (0..self.skills).map(move |s| self.id(team, SkillId::new(s)))
    }

    /// The one place that knows how pools are laid out: team by team, each
    /// team's skills in order.
    #[inline]
    fn at(&self, team: usize, skill: usize) -> PoolId {
        PoolId::of_index(team * self.skills + skill)
    }

    /// The number of pools.
    pub(crate) fn len(&self) -> usize {
        self.pools.len()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::run::testing::{Bench, dev_qa_matrix};

    /// The pools of a matrix of a `dev` and a `qa` department, `dev` people of dev.
    fn pools(dev: u32) -> Pools {
        Pools::new(&dev_qa_matrix(dev), 2, 0.0, false)
    }

    #[test]
    fn pools_are_laid_out_team_by_team() {
        let p = &pools(2);
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
