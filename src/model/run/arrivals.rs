//! Arrivals (docs/model.md, "Workload"): the items of open and closed
//! streams, drawn by the workload source straight into the arena and routed
//! by each task's plan.

use super::arena::{Arena, new_task};
use crate::engine::{Calendar, ReplicationStreams};
use crate::model::draw::WorkloadSource;
use crate::model::ids::{Slot, StreamId};
use crate::model::item::TaskRun;
use crate::model::plan::{TaskPlan, task_plans};
use crate::model::routing::Routing;
use crate::model::spec::{Arrivals as StreamArrivals, InitialBacklog, ModelSpec, RateProfile};

/// The streams' sources of items and where their tasks usually go.
#[derive(Debug)]
pub(crate) struct Arrivals<'a> {
    source: WorkloadSource<'a>,
    /// `closed[k]`: the work in progress a closed stream keeps, `None` for
    /// an open stream.
    closed: Vec<Option<u32>>,
    /// Each task's skill, predecessors and usual route, for every stream
    /// and item type: the tasks of item type `i` of stream `k` start at
    /// `plan_start[k * types + i]`.
    plans: Vec<TaskPlan>,
    plan_start: Vec<usize>,
    types: usize,
    /// `seasons[k]`: the rate profile of open stream `k` and its clock, if
    /// it has one.
    seasons: Vec<Option<Season<'a>>>,
    /// The work waiting at day 0 (docs/model.md, "Forecasts").
    start: &'a InitialBacklog,
    /// When each item of the backlog was done, in completion order.
    backlog_done: Vec<f64>,
}

/// A stream's rate profile and the operational time of its latest arrival
/// (docs/model.md, "Seasonal demand"): the base interarrival gaps add up
/// in operational time, which the profile maps back to days.
#[derive(Debug)]
struct Season<'a> {
    profile: &'a RateProfile,
    operational: f64,
}

impl<'a> Arrivals<'a> {
    /// The arrivals of `model` in the replication whose streams are
    /// `rngs`, routed by `routing`.
    pub(crate) fn new(model: &'a ModelSpec, routing: &Routing, rngs: &ReplicationStreams) -> Self {
        let (plans, plan_start) = task_plans(model, routing);
        Self {
            source: WorkloadSource::new(model, rngs),
            closed: model
                .workload
                .streams
                .iter()
                .map(|s| match s.arrivals {
                    StreamArrivals::Open(_) => None,
                    StreamArrivals::Closed { wip } => Some(wip),
                })
                .collect(),
            plans,
            plan_start,
            types: model.workload.item_types.len(),
            seasons: model
                .workload
                .streams
                .iter()
                .map(|s| {
                    s.rate_profile.as_ref().map(|profile| Season {
                        profile,
                        operational: 0.0,
                    })
                })
                .collect(),
            start: &model.workload.start,
            backlog_done: Vec::new(),
        }
    }

    /// From now on, the tasks of new items are routed by `routing` (a
    /// transition's switch: docs/model.md, "The reorganization as a
    /// transition"). Draws nothing.
    pub(crate) fn reroute(&mut self, model: &ModelSpec, routing: &Routing) {
        let (plans, plan_start) = task_plans(model, routing);
        self.plans = plans;
        self.plan_start = plan_start;
    }

    /// Items of stream `k` waiting at day 0.
    pub(crate) fn backlog(&self, k: StreamId) -> u32 {
        self.start.items.get(k.index()).copied().unwrap_or(0)
    }

    /// Whether demand arrives besides the backlog.
    pub(crate) fn ongoing(&self) -> bool {
        !self.start.no_arrivals
    }

    /// Whether any stream has a backlog at day 0.
    #[inline]
    pub(crate) fn has_backlog(&self) -> bool {
        !self.start.items.is_empty()
    }

    /// Item `index` of stream `k` is done at `now`: whether it was one of
    /// the backlog's (kept then).
    pub(crate) fn backlog_item_done(&mut self, k: StreamId, index: u64, now: f64) -> bool {
        let of_backlog = index < u64::from(self.backlog(k));
        if of_backlog {
            self.backlog_done.push(now);
        }
        of_backlog
    }

    /// When each item of the backlog was done, in completion order.
    pub(crate) fn take_backlog_done(&mut self) -> Vec<f64> {
        std::mem::take(&mut self.backlog_done)
    }

    /// Streams, in order.
    pub(crate) fn streams(&self) -> impl Iterator<Item = StreamId> + use<> {
        (0..self.closed.len()).map(StreamId::new)
    }

    /// The work in progress closed stream `k` keeps (`None`: open).
    pub(crate) fn closed_wip(&self, k: StreamId) -> Option<u32> {
        self.closed[k.index()]
    }

    /// Schedules the first arrival of open stream `k` (at its first
    /// interarrival time); a closed stream has none.
    pub(crate) fn schedule_first<E: Copy>(&mut self, cal: &mut Calendar<E>, k: StreamId, event: E) {
        // Each open stream's next arrival waits in its own lane beside the
        // heap of other events.
        if let Some(gap) = self.source.next_interarrival(k.index()) {
            match &mut self.seasons[k.index()] {
                None => cal.schedule_lane_at(k.index(), gap, event),
                Some(season) => {
                    season.operational = gap;
                    let at = season.profile.real_time(gap);
                    cal.schedule_lane_at(k.index(), at, event);
                }
            }
        }
    }

    /// Schedules the arrival after the one of open stream `k` now.
    pub(crate) fn schedule_next<E: Copy>(&mut self, cal: &mut Calendar<E>, k: StreamId, event: E) {
        if let Some(gap) = self.source.next_interarrival(k.index()) {
            match &mut self.seasons[k.index()] {
                None => cal.schedule_lane_in(k.index(), gap, event),
                Some(season) => {
                    season.operational += gap;
                    // Never before now, whatever the rounding at a part's
                    // boundary.
                    let at = season.profile.real_time(season.operational).max(cal.now());
                    cal.schedule_lane_at(k.index(), at, event);
                }
            }
        }
    }

    /// Draws the next item of stream `k`, arriving at `now`, into a new slot
    /// of `items`, each task routed by its plan (or, if coupled or on the
    /// platform, by `routing`). The item is not yet in flight (see the
    /// lifecycle's `admit`).
    pub(crate) fn draw(
        &mut self,
        items: &mut Arena,
        routing: &Routing,
        k: StreamId,
        now: f64,
    ) -> Slot {
        let slot = items.new_item(k.index(), now, false);
        let k = k.index();
        let Self {
            source,
            plans,
            plan_start,
            types,
            ..
        } = self;
        let item = items.item(slot);
        let tasks = &mut item.tasks;
        let (index, item_type) = source.next_item_each(k, |item_type, t, d| {
            let plan = &plans[plan_start[k * *types + item_type] + t];
            let (team, request) = if d.coupled_to.is_none() && !d.platform {
                (plan.team, plan.request)
            } else {
                let team = routing.route(k, plan.skill, d.coupled_to, d.platform);
                (team, !routing.owns(team, k))
            };
            tasks.push(TaskRun {
                preds_left: plan.preds,
                defect_draw: d.defect_draw,
                catch_draw: d.catch_draw,
                ..new_task(now, team, plan.skill, d.effort, request)
            });
        });
        item.index = index;
        item.item_type = item_type;
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RngFactory;
    use crate::model::item::Phase;
    use crate::model::run::testing::{model, org};

    const TWO_STREAMS: &str = r#"
[[workload.streams]]
name = "a"
interarrival = { dist = "constant", value = 2 }
item = "story"
[[workload.streams]]
name = "b"
backlog = { wip = 3 }
item = "story"
[workload.items.story]
tasks = [
  { name = "build", skill = "dev", effort = { dist = "constant", value = 1.5 } },
  { name = "check", skill = "qa", effort = { dist = "constant", value = 0.5 }, after = ["build"] },
]
[organization]
people = { dev = 2, qa = 1 }
[[topologies]]
name = "matrix"
kind = "matrix"
"#;

    #[test]
    fn an_open_stream_is_scheduled_and_a_closed_one_is_not() {
        let sc = model(TWO_STREAMS);
        let org = org(&sc);
        let routing = Routing::new(&org, 2, 2);
        let rngs = RngFactory::new(1).replication(0);
        let mut arrivals = Arrivals::new(&sc, &routing, &rngs);
        let (a, b) = (StreamId::new(0), StreamId::new(1));
        assert_eq!(arrivals.closed_wip(a), None);
        assert_eq!(arrivals.closed_wip(b), Some(3));
        let mut cal = Calendar::new();
        arrivals.schedule_first(&mut cal, a, 'a');
        arrivals.schedule_first(&mut cal, b, 'b');
        assert_eq!(cal.len(), 1);
        assert_eq!(cal.pop_until(100.0), Some('a'));
        // Constant interarrival of 2 (no load scaling by default).
        assert_eq!(cal.now(), 2.0);
        arrivals.schedule_next(&mut cal, a, 'a');
        assert_eq!(cal.pop_until(100.0), Some('a'));
        assert_eq!(cal.now(), 4.0);
    }

    #[test]
    fn a_drawn_item_has_its_tasks_routed_and_numbered() {
        let sc = model(TWO_STREAMS);
        let org = org(&sc);
        let routing = Routing::new(&org, 2, 2);
        let rngs = RngFactory::new(1).replication(0);
        let mut arrivals = Arrivals::new(&sc, &routing, &rngs);
        let mut items = Arena::new(2, org.teams.len());
        let k = StreamId::new(1);
        let first = arrivals.draw(&mut items, &routing, k, 3.0);
        let second = arrivals.draw(&mut items, &routing, k, 4.0);
        assert_eq!(items.slot(first).index, 0);
        assert_eq!(items.slot(second).index, 1, "items are numbered per stream");
        let item = items.item(second);
        assert_eq!((item.stream, item.arrival), (1, 4.0));
        let tasks = &item.tasks;
        assert_eq!(tasks.len(), 2);
        assert_eq!(
            (tasks[0].skill, tasks[0].effort, tasks[0].preds_left),
            (0, 1.5, 0)
        );
        assert_eq!(
            (tasks[1].skill, tasks[1].effort, tasks[1].preds_left),
            (1, 0.5, 1)
        );
        for t in tasks {
            assert_eq!(t.phase, Phase::Blocked);
            assert_eq!(t.team, routing.route(1, t.skill, None, false));
            assert_eq!(t.request, !routing.owns(t.team, 1));
        }
    }

    /// One open stream of `interarrival`, profiled by `profile`.
    fn seasonal(interarrival: &str, profile: &str) -> ModelSpec {
        model(&format!(
            r#"
[[workload.streams]]
name = "s"
interarrival = {interarrival}
rate_profile = {profile}
item = "story"
[workload.items.story]
tasks = [{{ name = "build", skill = "dev", effort = 1 }}]
[organization]
people = {{ dev = 1 }}
[[topologies]]
name = "matrix"
kind = "matrix"
"#
        ))
    }

    /// The arrival times of the only stream of `sc` before `until`.
    fn arrival_times(sc: &ModelSpec, seed: u64, until: f64) -> Vec<f64> {
        let org = org(sc);
        let routing = Routing::new(&org, 1, 1);
        let rngs = RngFactory::new(seed).replication(0);
        let mut arrivals = Arrivals::new(sc, &routing, &rngs);
        let k = StreamId::new(0);
        let mut cal = Calendar::new();
        let mut times = Vec::new();
        arrivals.schedule_first(&mut cal, k, ());
        while cal.pop_until(until).is_some() {
            times.push(cal.now());
            arrivals.schedule_next(&mut cal, k, ());
        }
        times
    }

    #[test]
    fn a_profile_compresses_constant_gaps_by_its_multiplier() {
        // Base gap 1 day; parts of 5 days at ×2 then ×0: gaps of 0.5 in
        // the first half of each period and no arrival in the second.
        let sc = seasonal("1", "{ period = 10, multipliers = [2, 0] }");
        let times = arrival_times(&sc, 1, 30.0);
        let expected: Vec<f64> = (0..3)
            .flat_map(|p| (1..=10).map(move |i| 10.0 * f64::from(p) + 0.5 * f64::from(i)))
            .collect();
        assert_eq!(times.len(), expected.len(), "{times:?}");
        for (t, e) in times.iter().zip(&expected) {
            assert!((t - e).abs() < 1e-9, "{times:?}");
        }
    }

    #[test]
    fn poisson_arrivals_in_each_part_match_rate_times_length() {
        // Rate 2 a day (mean gap 0.5), multiplied by 1, 1.5, 0.5, 1 over
        // parts of 25 days of a 100-day period, for 400 periods: the count
        // in part j of each period is Poisson with mean 2·c_j·25. Its
        // sample mean over the periods is within 4 standard errors
        // (sqrt(m / n)) and its sample variance within 4 standard errors of
        // m (for a Poisson count, Var(s²) ≈ (m + 2m²) / n).
        let multipliers = [1.0, 1.5, 0.5, 1.0];
        let sc = seasonal(
            r#"{ dist = "exponential", mean = 0.5 }"#,
            "{ period = 100, multipliers = [1.0, 1.5, 0.5, 1.0] }",
        );
        let periods = 400;
        for seed in [1, 2] {
            let times = arrival_times(&sc, seed, 100.0 * periods as f64);
            let mut counts = vec![vec![0.0_f64; periods]; multipliers.len()];
            for t in &times {
                let p = ((t / 100.0) as usize).min(periods - 1);
                let j = (((t - 100.0 * p as f64) / 25.0) as usize).min(3);
                counts[j][p] += 1.0;
            }
            let n = periods as f64;
            for (j, c) in multipliers.iter().enumerate() {
                let m = 2.0 * c * 25.0;
                let mean = counts[j].iter().sum::<f64>() / n;
                let var = counts[j].iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
                let se_mean = (m / n).sqrt();
                let se_var = ((m + 2.0 * m * m) / n).sqrt();
                assert!(
                    (mean - m).abs() < 4.0 * se_mean,
                    "seed {seed}, part {j}: mean {mean} vs {m} ± {}",
                    4.0 * se_mean
                );
                assert!(
                    (var - m).abs() < 4.0 * se_var,
                    "seed {seed}, part {j}: variance {var} vs {m} ± {}",
                    4.0 * se_var
                );
            }
        }
    }

    #[test]
    fn a_stream_without_a_profile_keeps_its_gaps() {
        // A flat profile is the same process.
        let flat = seasonal(
            r#"{ dist = "exponential", mean = 0.5 }"#,
            "{ period = 7, multipliers = [1, 1, 1] }",
        );
        let mut plain = flat.clone();
        plain.workload.streams[0].rate_profile = None;
        let (a, b) = (
            arrival_times(&flat, 5, 50.0),
            arrival_times(&plain, 5, 50.0),
        );
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-9 * y.max(1.0), "{x} vs {y}");
        }
    }
}
