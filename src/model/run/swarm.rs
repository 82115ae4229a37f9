//! Swarming (docs/model.md, "Swarming"): now and then a team loses part of
//! its people to a temporary project. A person pulled mid-task pauses it;
//! it resumes, after a context switch, when someone of its pool is free.
//! The swarm's random stream also draws those context switches
//! ([`Swarm::resume_cost`]), so work depends on the swarm explicitly.

use rand::Rng;

use super::Cx;
use super::event::Event as Any;
use super::work::Work;
use crate::engine::{Dist, ReplicationStreams, SimRng};
use crate::model::ids::{PoolId, TeamId};
use crate::model::plan::swarmable_teams;
use crate::model::purpose;
use crate::model::spec::Swarm as SwarmSpec;
use crate::model::topology::Organization;

/// What happens in swarming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// People are pulled from a team to a temporary project.
    Start,
    /// The people of a swarm (index into the absences) come back.
    End(u32),
}

/// The swarms of one organization and their random stream.
#[derive(Debug)]
pub(crate) struct Swarm<'a> {
    spec: &'a SwarmSpec,
    context_switch: &'a Dist,
    /// People per team.
    team_sizes: Vec<u32>,
    rng: SimRng,
    /// Teams a swarm may pull people from.
    swarmable: Vec<usize>,
    /// For each swarm under way, the people it took: (pool, count); a slot
    /// is reused once its people are back (see `free_absences`).
    absences: Vec<Vec<(PoolId, u32)>>,
    free_absences: Vec<usize>,
    /// Reused buffer: the people present in a swarmed team.
    present: Vec<(PoolId, bool)>,
}

impl<'a> Swarm<'a> {
    /// The swarms of `org`, if it has any.
    pub(crate) fn of(org: &'a Organization, rngs: &ReplicationStreams) -> Option<Self> {
        let spec = org.coordination.swarm.as_ref()?;
        Some(Self {
            spec,
            context_switch: &org.coordination.context_switch,
            team_sizes: org.teams.iter().map(|t| t.size()).collect(),
            rng: rngs.stream(purpose::SWARM),
            swarmable: swarmable_teams(org),
            absences: Vec::new(),
            free_absences: Vec::new(),
            present: Vec::new(),
        })
    }

    /// Schedules the first swarm (one interval from now: day 0, or a
    /// transition's switch).
    pub(crate) fn start(&mut self, cx: &mut Cx) {
        let after = self.spec.interval.sample(&mut self.rng);
        cx.cal.schedule_in(after, Any::Swarm(Event::Start));
    }

    /// Extra person-days to resume an interrupted task.
    #[inline]
    pub(crate) fn resume_cost(&mut self) -> f64 {
        self.context_switch.sample(&mut self.rng)
    }

    /// Handles a swarm event.
    pub(crate) fn handle(&mut self, cx: &mut Cx, work: &mut Work, event: Event) {
        match event {
            Event::Start => self.swarm_start(cx, work),
            Event::End(id) => self.swarm_end(cx, work, id as usize),
        }
    }

    /// A swarm: a team loses part of its people to a temporary project.
    fn swarm_start(&mut self, cx: &mut Cx, work: &mut Work) {
        let spec = self.spec;
        let now = cx.cal.now();
        let next = spec.interval.sample(&mut self.rng);
        cx.cal.schedule_in(next, Any::Swarm(Event::Start));
        if self.swarmable.is_empty() {
            return;
        }
        let pick = (self.rng.next_u64() % self.swarmable.len() as u64) as usize;
        let team = self.swarmable[pick];
        // Every present person of the team: (pool, busy?). Busy people are
        // listed first within their pool.
        let mut present = std::mem::take(&mut self.present);
        present.clear();
        for p in work.pools.of_team(TeamId::new(team)) {
            let pool = &work.pools[p];
            present.extend((0..pool.busy).map(|_| (p, true)));
            present.extend((0..pool.free_people()).map(|_| (p, false)));
        }
        let size = f64::from(self.team_sizes[team]);
        let wanted = ((spec.fraction * size).round() as usize).max(1);
        let count = wanted.min(present.len());
        // A uniform choice of `count` people (partial Fisher–Yates).
        for i in 0..count {
            let j = i + (self.rng.next_u64() % (present.len() - i) as u64) as usize;
            present.swap(i, j);
        }
        let id = self.free_absences.pop().unwrap_or_else(|| {
            self.absences.push(Vec::new());
            self.absences.len() - 1
        });
        let mut taken = std::mem::take(&mut self.absences[id]);
        taken.clear();
        for &(p, busy) in &present[..count] {
            if busy {
                let in_service = &work.pools[p].in_service;
                let v = (self.rng.next_u64() % in_service.len() as u64) as usize;
                let victim = in_service[v];
                work.interrupt(cx, p, victim);
            }
            match taken.iter_mut().find(|(q, _)| *q == p) {
                Some((_, n)) => *n += 1,
                None => taken.push((p, 1)),
            }
        }
        for &(p, n) in &taken {
            let away = work.pools[p].away + n;
            work.set_away(now, p, away);
        }
        // A paused task is at the head of its backlog: a person of its pool
        // who is still free takes it at once, before any later task.
        for &(p, _) in &taken {
            work.fill(cx, p, Some(self));
        }
        self.absences[id] = taken;
        self.present = present;
        let duration = spec.duration.sample(&mut self.rng);
        let id = u32::try_from(id).expect("fewer than 2^32 swarms at once");
        cx.cal.schedule_in(duration, Any::Swarm(Event::End(id)));
    }

    /// The people of swarm `id` come back.
    fn swarm_end(&mut self, cx: &mut Cx, work: &mut Work, id: usize) {
        let now = cx.cal.now();
        let back = std::mem::take(&mut self.absences[id]);
        for &(p, n) in &back {
            let away = work.pools[p].away - n;
            work.set_away(now, p, away);
            work.fill(cx, p, Some(self));
        }
        self.absences[id] = back;
        self.free_absences.push(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RngFactory;
    use crate::model::item::Phase;
    use crate::model::run::pools::Pools;
    use crate::model::run::testing::{Bench, model, org};
    use crate::model::run::work::{self, Work};

    /// A matrix of one department of `dev` people, swarmed every 10 days
    /// for 4 days, `fraction` of its people each time.
    fn swarmed(dev: u32, fraction: f64) -> (crate::model::ModelSpec, Organization) {
        let sc = model(&format!(
            r#"
[[workload.streams]]
name = "s"
interarrival = {{ dist = "constant", value = 1 }}
item = "job"
[workload.items.job]
tasks = [ {{ name = "a", skill = "dev", effort = {{ dist = "constant", value = 1 }} }} ]
[organization]
people = {{ dev = {dev} }}
[coordination]
context_switch = {{ dist = "constant", value = 0.5 }}
swarm = {{ interval = {{ dist = "constant", value = 10 }}, duration = {{ dist = "constant", value = 4 }}, fraction = {fraction} }}
[[topologies]]
name = "matrix"
kind = "matrix"
"#
        ));
        let org = org(&sc);
        (sc, org)
    }

    #[test]
    fn a_swarm_takes_its_share_of_people_and_gives_them_back() {
        let (_sc, org) = swarmed(4, 0.5);
        let rngs = RngFactory::new(1).replication(0);
        let mut swarm = Swarm::of(&org, &rngs).expect("swarming is on");
        let mut work = Work::new(Pools::new(&org, 1, 0.0, true), vec![0]);
        let mut bench = Bench::new();
        swarm.start(&mut bench.cx());
        assert_eq!(bench.next(100.0), Some(Any::Swarm(Event::Start)));
        assert_eq!(bench.cal.now(), 10.0);
        swarm.handle(&mut bench.cx(), &mut work, Event::Start);
        let dev = PoolId::new(0);
        assert_eq!(work.pools[dev].away, 2, "half of 4 people");
        // The end of this swarm (at 14) comes before the next one (at 20).
        assert_eq!(bench.next(100.0), Some(Any::Swarm(Event::End(0))));
        assert_eq!(bench.cal.now(), 14.0);
        swarm.handle(&mut bench.cx(), &mut work, Event::End(0));
        assert_eq!(work.pools[dev].away, 0);
        assert_eq!(bench.next(100.0), Some(Any::Swarm(Event::Start)));
        assert_eq!(bench.cal.now(), 20.0);
    }

    #[test]
    fn a_person_pulled_mid_task_pauses_it_and_it_resumes_with_a_context_switch() {
        let (_sc, org) = swarmed(1, 1.0);
        let rngs = RngFactory::new(1).replication(0);
        let mut swarm = Swarm::of(&org, &rngs).expect("swarming is on");
        let mut work = Work::new(Pools::new(&org, 1, 0.0, true), vec![0]);
        let mut bench = Bench::new();
        let tr = bench.item(0, 0, 15.0, false);
        work.enqueue(&mut bench.cx(), tr, None);
        swarm.start(&mut bench.cx());
        assert_eq!(bench.next(100.0), Some(Any::Swarm(Event::Start)));
        swarm.handle(&mut bench.cx(), &mut work, Event::Start);
        let task = bench.items.task(tr);
        assert_eq!(task.phase, Phase::Queued);
        assert_eq!(task.remaining, 5.0, "10 of its 15 days done");
        assert_eq!(bench.next(100.0), Some(Any::Swarm(Event::End(0))));
        assert_eq!(bench.cal.now(), 14.0);
        swarm.handle(&mut bench.cx(), &mut work, Event::End(0));
        let task = bench.items.task(tr);
        assert_eq!(task.phase, Phase::Working);
        // Paused 4 days, plus the 0.5-day context switch owed.
        assert_eq!((task.interrupted, task.remaining), (4.5, 5.5));
        // The stale completion at 15, then the resumed one at 14 + 5.5,
        // before the next swarm at 20.
        assert_eq!(bench.next(100.0), Some(Any::Work(work::Event::Done(tr, 0))));
        assert_eq!(bench.next(100.0), Some(Any::Work(work::Event::Done(tr, 1))));
        assert_eq!(bench.cal.now(), 19.5);
    }
}
