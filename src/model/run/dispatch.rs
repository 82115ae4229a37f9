//! Cross-trained people (docs/model.md, "Cross-trained people"): the people
//! of a team who can work two skills, as crews beside the pools of
//! single-skilled people. A crew serves the backlog of its primary skill
//! at full speed and the backlog of its second skill at its efficiency. It
//! draws no random numbers: which task a free person takes is a rule.

use super::arena::{Arena, TaskRef};
use super::pools::Pools;
use crate::model::ids::{PoolId, SkillId, TeamId};
use crate::model::item::Stamp;
use crate::model::spec::Dispatch;
use crate::model::topology::Organization;
use crate::stats::TimeAverage;

/// The cross-trained people of one team with one pair of skills.
#[derive(Debug, Clone)]
pub(crate) struct Crew {
    /// Their team.
    pub(crate) team: TeamId,
    /// The backlog of their primary skill.
    own: PoolId,
    /// The backlog of their second skill.
    cross: PoolId,
    /// Their speed at second-skill tasks, in (0, 1].
    pub(crate) efficiency: f64,
    /// How many they are.
    capacity: u32,
    /// How many are busy now.
    busy: u32,
    /// How many are busy now on a task of their second skill.
    busy_cross: u32,
    /// Time-average number busy over the measurement window.
    pub(crate) busy_average: TimeAverage,
    /// Time-average number busy on second-skill tasks.
    pub(crate) cross_average: TimeAverage,
}

impl Crew {
    /// Whether one of them is free.
    pub(crate) fn has_free_person(&self) -> bool {
        self.busy < self.capacity
    }

    /// Whether a task of `pool` is of their second skill.
    pub(crate) fn is_cross(&self, pool: PoolId) -> bool {
        pool == self.cross
    }
}

/// Every crew of the organization, and which crews can serve each pool.
#[derive(Debug, Clone)]
pub(crate) struct Crews {
    crews: Vec<Crew>,
    /// `serves[pool]`: the crews that can take its tasks, in the order a
    /// task tries them: those whose primary skill it is, then the others
    /// by decreasing efficiency (first declared on a tie).
    serves: Vec<Vec<u32>>,
    rule: Dispatch,
}

impl Crews {
    /// The idle crews of `org` over `pools`, measured from `window_start`;
    /// none when nobody is cross-trained.
    pub(crate) fn of(org: &Organization, pools: &Pools, window_start: f64) -> Option<Self> {
        let mut crews = Vec::new();
        for (t, team) in org.teams.iter().enumerate() {
            let team = &team.cross;
            for c in team {
                let id = TeamId::new(t);
                crews.push(Crew {
                    team: id,
                    own: pools.id(id, c.from),
                    cross: pools.id(id, c.to),
                    efficiency: c.efficiency,
                    capacity: c.count,
                    busy: 0,
                    busy_cross: 0,
                    busy_average: TimeAverage::new(window_start),
                    cross_average: TimeAverage::new(window_start),
                });
            }
        }
        if crews.is_empty() {
            return None;
        }
        let mut serves = vec![Vec::new(); pools.len()];
        for (i, c) in crews.iter().enumerate() {
            serves[c.own.index()].push(i as u32);
        }
        let mut by_efficiency: Vec<usize> = (0..crews.len()).collect();
        by_efficiency.sort_by(|&a, &b| crews[b].efficiency.total_cmp(&crews[a].efficiency));
        for i in by_efficiency {
            serves[crews[i].cross.index()].push(i as u32);
        }
        Some(Self {
            crews,
            serves,
            rule: org.dispatch,
        })
    }

    /// A crew with a free person for a task of `pool`, in the order of `serves`.
    #[inline]
    pub(crate) fn free_for(&self, pool: PoolId) -> Option<u32> {
        (self.serves[pool.index()].iter().copied())
            .find(|&c| self.crews[c as usize].has_free_person())
    }

    /// Crew `c`.
    pub(crate) fn get(&self, c: u32) -> &Crew {
        &self.crews[c as usize]
    }

    /// A person of crew `c` starts on a task of `pool` at `now`.
    pub(crate) fn occupy(&mut self, c: u32, pool: PoolId, now: f64) {
        let crew = &mut self.crews[c as usize];
        crew.busy += 1;
        crew.busy_average.set(now, f64::from(crew.busy));
        if crew.is_cross(pool) {
            crew.busy_cross += 1;
            crew.cross_average.set(now, f64::from(crew.busy_cross));
        }
    }

    /// A person of crew `c` finishes a task of `pool` at `now`.
    pub(crate) fn release(&mut self, c: u32, pool: PoolId, now: f64) {
        let crew = &mut self.crews[c as usize];
        crew.busy -= 1;
        crew.busy_average.set(now, f64::from(crew.busy));
        if crew.is_cross(pool) {
            crew.busy_cross -= 1;
            crew.cross_average.set(now, f64::from(crew.busy_cross));
        }
    }

    /// The pool whose backlog a free person of crew `c` takes the next task
    /// from, by the dispatch rule, if either of its backlogs holds one.
    pub(crate) fn next_pool(&self, c: u32, pools: &Pools, items: &mut Arena) -> Option<PoolId> {
        let crew = &self.crews[c as usize];
        let own = pools[crew.own].backlog.front();
        let cross = pools[crew.cross].backlog.front();
        match (own, cross) {
            (None, None) => None,
            (Some(_), None) => Some(crew.own),
            (None, Some(_)) => Some(crew.cross),
            (Some(_), Some(_)) if self.rule == Dispatch::OwnSkillFirst => Some(crew.own),
            (Some((own_class, a)), Some((cross_class, b))) => {
                // The oldest: the higher priority class, then the earlier
                // into its backlog (their own skill on a tie).
                let since = |tr: TaskRef, items: &mut Arena| items.task(tr).at(Stamp::Queued);
                let older = (cross_class, since(b, items)) < (own_class, since(a, items));
                Some(if older { crew.cross } else { crew.own })
            }
        }
    }

    /// Every crew.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Crew> {
        self.crews.iter()
    }
}

/// The people of `skill` in team `team` of `org` who are not cross-trained
/// (the pool of single-skilled people).
pub(crate) fn single_skilled(org: &Organization, team: usize, skill: usize) -> u32 {
    let t = &org.teams[team];
    let crossed: u32 = (t.cross.iter())
        .filter(|c| c.from == SkillId::new(skill))
        .map(|c| c.count)
        .sum();
    t.people[skill] - crossed
}

#[cfg(test)]
mod tests {
    use super::super::event::Event as Any;
    use super::super::work::{Event, Work};
    use super::*;
    use crate::model::item::Phase;
    use crate::model::run::testing::{Bench, model, org};

    /// One team of one x and one y person, the x person cross-trained in
    /// y at `efficiency`, under `dispatch`.
    fn work(efficiency: f64, dispatch: &str) -> Work {
        let sc = model(&format!(
            r#"
[[workload.streams]]
name = "s"
interarrival = 1
item = "j"
[workload.items.j]
tasks = [ {{ name = "a", skill = "x", effort = 1 }}, {{ name = "b", skill = "y", effort = 1 }} ]
[organization]
people = {{ x = 1, y = 1 }}
cross_training = [ {{ from = "x", to = "y", count = 1, efficiency = {efficiency} }} ]
dispatch = "{dispatch}"
[[topologies]]
name = "one"
kind = "custom"
teams = [ {{ name = "t", people = {{ x = 1, y = 1 }}, owns = ["s"], cross_trained = [{{ from = "x", to = "y", count = 1 }}] }} ]
"#
        ));
        let o = org(&sc);
        let pools = Pools::new(&o, 2, 0.0, false);
        let crews = Crews::of(&o, &pools, 0.0);
        Work::new(pools, vec![0]).with(crews, None)
    }

    #[test]
    fn the_cross_trained_person_is_a_crew_beside_an_empty_pool() {
        let w = work(0.5, "own-skill-first");
        // Pool (team 0, x) has no single-skilled person left.
        assert_eq!(w.pools[PoolId::new(0)].capacity, 0);
        assert_eq!(w.pools[PoolId::new(1)].capacity, 1);
        let crews = w.crews.as_ref().expect("one crew");
        assert_eq!(crews.free_for(PoolId::new(0)), Some(0));
        assert_eq!(crews.free_for(PoolId::new(1)), Some(0));
    }

    #[test]
    fn a_second_skill_task_takes_effort_over_efficiency() {
        let mut w = work(0.5, "own-skill-first");
        let mut bench = Bench::new();
        let y1 = bench.item(0, 1, 2.0, false);
        let y2 = bench.item(0, 1, 2.0, false);
        w.enqueue(&mut bench.cx(), y1, None); // the y specialist
        w.enqueue(&mut bench.cx(), y2, None); // the cross-trained x person
        assert_eq!(bench.next(100.0), Some(Any::Work(Event::Done(y1, 0))));
        assert_eq!(bench.cal.now(), 2.0);
        assert_eq!(bench.next(100.0), Some(Any::Work(Event::CrewDone(y2, 0))));
        assert_eq!(bench.cal.now(), 4.0, "2 days of effort at efficiency 0.5");
    }

    #[test]
    fn a_free_cross_trained_person_follows_the_dispatch_rule() {
        let tick = || Any::Probe(super::super::probes::Event::FlowSample(0));
        for (rule, own_first) in [("own-skill-first", true), ("oldest-first", false)] {
            let mut w = work(1.0, rule);
            let mut bench = Bench::new();
            // The y specialist on a long task, the cross-trained x person on
            // a y task until day 5.
            let long = bench.item(0, 1, 10.0, false);
            let short = bench.item(0, 1, 5.0, false);
            w.enqueue(&mut bench.cx(), long, None);
            w.enqueue(&mut bench.cx(), short, None);
            // A y task waits from day 1, an x task from day 2.
            bench.cal.schedule_at(1.0, tick());
            bench.next(1.0);
            let y = bench.item(0, 1, 1.0, false);
            w.enqueue(&mut bench.cx(), y, None);
            bench.cal.schedule_at(2.0, tick());
            bench.next(2.0);
            let x = bench.item(0, 0, 1.0, false);
            w.enqueue(&mut bench.cx(), x, None);
            let done = bench.next(100.0);
            assert_eq!(done, Some(Any::Work(Event::CrewDone(short, 0))), "{rule}");
            let Some(Any::Work(done)) = done else {
                unreachable!()
            };
            assert_eq!(w.handle(&mut bench.cx(), done, None), Some(short));
            let phase = |t: TaskRef, b: &mut Bench| b.items.task(t).phase;
            let (taken, left) = if own_first { (x, y) } else { (y, x) };
            assert_eq!(phase(taken, &mut bench), Phase::Working, "{rule}");
            assert_eq!(phase(left, &mut bench), Phase::Queued, "{rule}");
        }
    }
}
