//! One replication of one topology: the event logic of docs/model.md, "Mechanisms: where time goes".

use std::sync::atomic::{AtomicBool, Ordering};

use rand::{Rng, RngExt};

use super::item::{ItemRun, ItemState, Phase, Stamp, TaskRun};
use super::metric::{Metric, MetricId, Scope};
use super::plan::{Instant, TaskPlan, stream_classes, swarmable_teams, task_plans};
use super::purpose;
use super::routing::Routing;
use super::servers::{Leader, Pool, Reviewers, TaskRef};
use super::tally::{self, ItemRecord, StreamTally};
use super::topology::Organization;
use super::workload::WorkloadSource;
use crate::engine::{Calendar, Handler, ReplicationStreams, SimRng};
use crate::scenario::{Arrivals, Scenario};
use crate::stats::trend::{TREND_LEVEL, WindowTrend, trend_test};

/// What happens in the simulated organization.
#[derive(Debug, Clone, Copy)]
enum Event {
    /// The next item of an open stream arrives.
    Arrival(usize),
    /// A handoff is over.
    HandedOver(TaskRef),
    /// A request reaches its team's planning boundary.
    Planned(TaskRef),
    /// A team leader finishes a decision.
    LeaderDone(usize),
    /// The executive finishes a decision.
    ExecutiveDone,
    /// A person finishes a task (unless it was interrupted since: the
    /// number is the task's work epoch when the work was scheduled).
    WorkDone(TaskRef, u32),
    /// People are pulled from a team to a temporary project.
    SwarmStart,
    /// The people of a swarm (index into the absences) come back.
    SwarmEnd(usize),
    /// A bar raiser finishes reviewing an item (slot).
    ReviewDone(usize),
    /// A defect that escaped comes back as a `fix` item (index into the fixes).
    FixArrival(usize),
    /// Time to record the cumulative flow diagram (sample number).
    FlowSample(u32),
}

/// Steps of the lead-time quantiles kept per replication (1/200 each).
pub const QUANTILE_STEPS: u32 = 200;

/// Samples of the cumulative flow diagram taken over a whole run.
const FLOW_SAMPLES: u32 = 500;

/// The organization's state at one moment: the data of a cumulative flow
/// diagram. The demand (the items of the streams) and the fix items of
/// escaped defects are counted apart (docs/model.md, "Output files"):
/// demand in the system = intake + backlog + in progress = arrived − done,
/// fix items in the system = `fix_arrived` − `fix_done`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowSample {
    /// Simulation time (days since the start, warm-up included).
    pub time: f64,
    /// Items of the streams arrived so far (fix items not counted).
    pub arrived: u64,
    /// Items being handed over or waiting in a team's intake, with no task
    /// queued or being worked on.
    pub intake: u64,
    /// Items with a task in a backlog and none being worked on.
    pub backlog: u64,
    /// Items with a task being worked on.
    pub in_progress: u64,
    /// Items of the streams done so far.
    pub done: u64,
    /// Fix items of escaped defects arrived so far.
    pub fix_arrived: u64,
    /// Fix items of escaped defects done so far.
    pub fix_done: u64,
}

/// What a replication records besides its metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recording {
    /// Keep every completed item (for `items.csv`).
    pub items: bool,
    /// Sample the cumulative flow diagram.
    pub flow: bool,
    /// Keep the (completion time, lead time) of every completed item, from
    /// time 0 on (for warm-up detection).
    pub series: bool,
}

/// The results of one replication of one topology.
#[derive(Debug, Clone)]
pub struct ReplicationOutcome {
    /// Named metrics (docs/model.md, "Metrics"), in output order.
    pub metrics: Vec<(String, f64)>,
    /// Items completed in the measurement window (only when asked for).
    pub items: Vec<ItemRecord>,
    /// The lead-time distribution of the items completed in the measurement
    /// window, as quantiles at probabilities 0, 1/200, ..., 1 (fixed memory
    /// whatever the horizon; NaN when none completed).
    pub lead_time_quantiles: Vec<f64>,
    /// Cumulative flow samples over the whole run (only when asked for).
    pub flow: Vec<FlowSample>,
    /// (completion time, lead time) of every item completed since time 0, in
    /// completion order (only when asked for).
    pub series: Vec<(f64, f64)>,
    /// When the replication was stopped because its work in progress
    /// reached `simulation.max_wip`, or its events `simulation.max_events`
    /// (its metrics are then undefined).
    pub saturated_at: Option<f64>,
}

/// Events between two looks at the stop flag of [`simulate_with_stop`]: a
/// few microseconds of simulation, so that a stop is prompt however long
/// the replication, at the cost of one test of the event count per event.
const STOP_CHECK_EVERY: u64 = 4096;

/// The stop flag of [`simulate`], never set.
static NEVER: AtomicBool = AtomicBool::new(false);

/// Simulates one replication of `org` on `scenario`'s workload, drawing
/// every random number from `rngs`.
pub fn simulate(
    scenario: &Scenario,
    org: &Organization,
    rngs: &ReplicationStreams,
    recording: Recording,
) -> ReplicationOutcome {
    run(scenario, org, rngs, recording, &NEVER)
}

/// [`simulate`], given up within a few thousand events once `stop` is set
/// (e.g. by a signal handler): None then, as the replication is cut short.
pub fn simulate_with_stop(
    scenario: &Scenario,
    org: &Organization,
    rngs: &ReplicationStreams,
    recording: Recording,
    stop: &AtomicBool,
) -> Option<ReplicationOutcome> {
    let outcome = run(scenario, org, rngs, recording, stop);
    (!stop.load(Ordering::Relaxed)).then_some(outcome)
}

fn run(
    scenario: &Scenario,
    org: &Organization,
    rngs: &ReplicationStreams,
    recording: Recording,
    stop: &AtomicBool,
) -> ReplicationOutcome {
    let mut sim = Simulation::new(scenario, org, rngs, recording.items);
    sim.keep_series = recording.series;
    sim.stop = stop;
    let mut calendar = Calendar::new();
    if recording.flow {
        calendar.schedule_at(0.0, Event::FlowSample(0));
    }
    sim.start(&mut calendar);
    let end = sim.window_end;
    calendar.run_until(&mut sim, end);
    let saturated_at = sim.saturated().then(|| calendar.now());
    // Stopped by the event budget alone: a long horizon, not an overload.
    let by_events = !sim.wip_reached();
    let mut outcome = sim.finish();
    if let Some(t) = saturated_at {
        // The means of a system that never settles are meaningless: report
        // the replication as saturated (and unstable) rather than as numbers;
        // its warm-up stays what it was.
        for (name, value) in outcome.metrics.iter_mut() {
            *value = match name.as_str() {
                "saturated" => 1.0,
                // Stopped by the event budget, not by work piling up: that
                // says nothing about whether the organization keeps up.
                "unstable" => f64::from(u8::from(!by_events)),
                "max_events_reached" => f64::from(u8::from(by_events)),
                "warmup" => *value,
                _ => f64::NAN,
            };
        }
        outcome.saturated_at = Some(t);
    }
    outcome
}

struct Simulation<'a> {
    scenario: &'a Scenario,
    org: &'a Organization,
    routing: Routing,
    /// `successors[item type][task]`.
    successors: Vec<Vec<Vec<usize>>>,
    workload: WorkloadSource<'a>,
    handoff_rng: SimRng,
    decision_rng: SimRng,
    escalation_rng: SimRng,
    executive_rng: SimRng,
    swarm_rng: SimRng,
    review_rng: SimRng,
    /// The bar raisers, if the topology has them.
    reviewers: Option<Reviewers>,
    /// Whether each team holds more than one skill (its defects are diluted).
    cross_functional: Vec<bool>,
    /// Escaped defects waiting to come back: (stream, team, skill, effort);
    /// a slot is reused once its defect is back (see `free_fixes`).
    fixes: Vec<(usize, usize, usize, f64)>,
    free_fixes: Vec<usize>,
    /// Teams a swarm may pull people from.
    swarmable: Vec<usize>,
    /// For each swarm under way, the people it took: (pool, count); a slot
    /// is reused once its people are back (see `free_absences`).
    absences: Vec<Vec<(usize, u32)>>,
    free_absences: Vec<usize>,
    /// Backlog priority class of each stream (0 = served first).
    stream_class: Vec<u32>,
    /// The arena of items: those in flight and free slots, whose buffers
    /// the next items reuse, so that no item allocates once the arena has
    /// grown to the largest work in progress.
    items: Vec<ItemRun>,
    free_slots: Vec<usize>,
    /// The most tasks an item type has.
    max_tasks: usize,
    /// Each task's skill, predecessors and usual route, for every stream
    /// and item type: the tasks of item type `i` of stream `k` start at
    /// `plan_start[k * item types + i]`.
    plans: Vec<TaskPlan>,
    plan_start: Vec<usize>,
    /// Skills in the scenario (pools are indexed `team * skills + skill`).
    skills: usize,
    /// Which coordination steps take no time, so that they skip the
    /// calendar and their sampling.
    instant: Instant,
    /// Reused buffers: the people present in a swarmed team, the rework
    /// tasks a review found.
    present: Vec<(usize, bool)>,
    reworks: Vec<(usize, usize, f64)>,
    /// `pools[team * skills + skill]`.
    pools: Vec<Pool>,
    leaders: Vec<Leader>,
    executive: Leader,
    window_start: f64,
    window_end: f64,
    streams: Vec<StreamTally>,
    keep_items: bool,
    records: Vec<ItemRecord>,
    /// Items arrived and done since the start: of the streams, then fix
    /// items of escaped defects.
    arrived_total: u64,
    done_total: u64,
    fix_arrived_total: u64,
    fix_done_total: u64,
    flow: Vec<FlowSample>,
    keep_series: bool,
    series: Vec<(f64, f64)>,
    events: u64,
    /// Items in flight (fix items included) over the window's sub-intervals,
    /// for the test of a system that does not settle.
    wip_trend: WindowTrend,
    /// `simulation.max_wip` and `simulation.max_events`, checked after
    /// every event.
    max_wip: u64,
    max_events: u64,
    /// Looked at every [`STOP_CHECK_EVERY`] events.
    stop: &'a AtomicBool,
}

impl<'a> Simulation<'a> {
    fn new(
        scenario: &'a Scenario,
        org: &'a Organization,
        rngs: &ReplicationStreams,
        keep_items: bool,
    ) -> Self {
        let skills = scenario.people.len();
        let window_start = scenario.simulation.warmup;
        let window_end = window_start + scenario.simulation.horizon;
        let successors = scenario
            .workload
            .item_types
            .iter()
            .map(|it| {
                (0..it.tasks.len())
                    .map(|i| {
                        (0..it.tasks.len())
                            .filter(|&j| it.tasks[j].after.contains(&i))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        // Only a swarm interrupts tasks, and needs to know which are in service.
        let swarms = org.coordination.swarm.is_some();
        let routing = Routing::new(org, scenario.workload.streams.len(), skills);
        let (plans, plan_start) = task_plans(scenario, &routing);
        let pools = org
            .teams
            .iter()
            .flat_map(|t| (0..skills).map(move |s| Pool::new(t.people[s], window_start, swarms)))
            .collect();
        Self {
            scenario,
            org,
            routing,
            successors,
            workload: WorkloadSource::new(scenario, rngs),
            handoff_rng: rngs.stream(purpose::HANDOFF),
            decision_rng: rngs.stream(purpose::DECISION),
            escalation_rng: rngs.stream(purpose::ESCALATION),
            executive_rng: rngs.stream(purpose::EXECUTIVE),
            swarm_rng: rngs.stream(purpose::SWARM),
            review_rng: rngs.stream(purpose::REVIEW),
            reviewers: org
                .bar_raiser
                .as_ref()
                .map(|b| Reviewers::new(b.reviewers, window_start)),
            cross_functional: org.teams.iter().map(|t| t.is_cross_functional()).collect(),
            fixes: Vec::new(),
            free_fixes: Vec::new(),
            swarmable: swarmable_teams(org),
            absences: Vec::new(),
            free_absences: Vec::new(),
            stream_class: stream_classes(scenario, org.queue),
            items: Vec::new(),
            free_slots: Vec::new(),
            max_tasks: scenario
                .workload
                .item_types
                .iter()
                .map(|it| it.tasks.len())
                .max()
                .unwrap_or(1),
            plans,
            plan_start,
            skills,
            instant: Instant::of(org),
            present: Vec::new(),
            reworks: Vec::new(),
            pools,
            leaders: org
                .leaders
                .iter()
                .map(|l| Leader::new(l.attention, window_start))
                .collect(),
            executive: Leader::new(1.0, window_start),
            window_start,
            window_end,
            streams: scenario
                .workload
                .streams
                .iter()
                .map(|_| StreamTally::new(window_start, window_end))
                .collect(),
            keep_items,
            records: Vec::new(),
            arrived_total: 0,
            done_total: 0,
            fix_arrived_total: 0,
            fix_done_total: 0,
            flow: Vec::new(),
            keep_series: false,
            series: Vec::new(),
            events: 0,
            wip_trend: WindowTrend::new(window_start, window_end),
            max_wip: scenario.simulation.max_wip,
            max_events: scenario.simulation.max_events,
            stop: &NEVER,
        }
    }

    fn in_window(&self, t: f64) -> bool {
        t >= self.window_start && t <= self.window_end
    }

    fn start(&mut self, cal: &mut Calendar<Event>) {
        if let Some(swarm) = &self.org.coordination.swarm {
            cal.schedule_at(
                swarm.interval.sample(&mut self.swarm_rng),
                Event::SwarmStart,
            );
        }
        for (k, stream) in self.scenario.workload.streams.iter().enumerate() {
            match stream.arrivals {
                Arrivals::Open(_) => {
                    // Each open stream's next arrival waits in its own lane
                    // beside the heap of other events.
                    if let Some(gap) = self.workload.next_interarrival(k) {
                        cal.schedule_lane_at(k, gap, Event::Arrival(k));
                    }
                }
                Arrivals::Closed { wip } => {
                    for _ in 0..wip {
                        self.arrive(cal, k);
                    }
                }
            }
        }
    }

    /// Items in flight now, fix items of escaped defects included.
    fn in_flight(&self) -> u64 {
        self.arrived_total + self.fix_arrived_total - self.done_total - self.fix_done_total
    }

    fn item(&mut self, slot: usize) -> &mut ItemRun {
        let item = &mut self.items[slot];
        debug_assert!(item.live, "events only refer to items in flight");
        item
    }

    fn task(&mut self, tr: TaskRef) -> &mut TaskRun {
        &mut self.item(tr.slot()).tasks[tr.task()]
    }

    /// A new item of stream `k` arrives now.
    fn arrive(&mut self, cal: &mut Calendar<Event>, k: usize) {
        let now = cal.now();
        let slot = self.new_item(k, now, false);
        let types = self.scenario.workload.item_types.len();
        let Self {
            workload,
            items,
            plans,
            plan_start,
            routing,
            ..
        } = self;
        let tasks = &mut items[slot].tasks;
        // Each task is drawn straight into the item's slot, routed by its
        // plan (or, if coupled or on the platform, by the routing table).
        let (index, item_type) = workload.next_item_each(k, |item_type, t, d| {
            let plan = &plans[plan_start[k * types + item_type] + t];
            let (team, request) = if d.coupled_to.is_none() && !d.platform {
                (plan.team, plan.request)
            } else {
                let team = routing.route(k, plan.skill, d.coupled_to, d.platform);
                (team, team.is_some_and(|team| !routing.owns(team, k)))
            };
            let team = team.expect("validation checks that some team has every skill");
            tasks.push(TaskRun {
                preds_left: plan.preds,
                defect_draw: d.defect_draw,
                catch_draw: d.catch_draw,
                ..new_task(now, team, plan.skill, d.effort, request)
            });
        });
        let item = &mut self.items[slot];
        item.index = index;
        item.item_type = item_type;
        self.admit(cal, slot);
    }

    /// Escaped defect `id` comes back as a `fix` item of one task.
    fn fix_arrives(&mut self, cal: &mut Calendar<Event>, id: usize) {
        let now = cal.now();
        let (k, team, skill, effort) = self.fixes[id];
        self.free_fixes.push(id);
        let slot = self.new_item(k, now, true);
        let item = &mut self.items[slot];
        item.index = id as u64;
        item.item_type = usize::MAX;
        let task = new_task(now, team, skill, effort, !self.routing.owns(team, k));
        self.items[slot].tasks.push(task);
        self.admit(cal, slot);
    }

    /// A slot of the arena for a new item of stream `k` arriving at `now`,
    /// with no task yet (its index and item type are set by the caller).
    fn new_item(&mut self, k: usize, now: f64, fix: bool) -> usize {
        let slot = self.free_slots.pop().unwrap_or_else(|| {
            // Room for the largest item (its tasks and one rework task
            // each), so that a reused slot never grows.
            let tasks = 2 * self.max_tasks;
            self.items.push(ItemRun {
                tasks: Vec::with_capacity(tasks),
                teams: Vec::with_capacity(tasks.min(self.org.teams.len())),
                ..ItemRun::default()
            });
            self.items.len() - 1
        });
        self.items[slot].reset(k, now, fix);
        slot
    }

    /// Puts the new item in `slot` (its tasks filled in) in flight and hands
    /// its root tasks over.
    fn admit(&mut self, cal: &mut Calendar<Event>, slot: usize) {
        let now = cal.now();
        let (k, fix) = {
            let item = &mut self.items[slot];
            item.remaining = item.tasks.len();
            (item.stream, item.fix)
        };
        if fix {
            self.fix_arrived_total += 1;
        } else {
            self.arrived_total += 1;
        }
        self.wip_trend.set(now, self.in_flight() as f64);
        if !fix {
            let in_window = self.in_window(now);
            let tally = &mut self.streams[k];
            tally.in_system += 1;
            tally.wip.set(now, tally.in_system as f64);
            if in_window {
                tally.arrived += 1;
            }
        }
        let owner = self.routing.owner(k);
        for t in 0..self.items[slot].tasks.len() {
            // Handing a root task over never completes a task, so the
            // other tasks' predecessor counts cannot change in this loop.
            if self.items[slot].tasks[t].preds_left == 0 {
                self.make_ready(cal, TaskRef::new(slot, t), owner);
            }
        }
    }

    /// The task's predecessors are done (or its item arrived); it is handed
    /// over from team `from` (none: from outside every team).
    fn make_ready(&mut self, cal: &mut Calendar<Event>, tr: TaskRef, from: Option<usize>) {
        let now = cal.now();
        let item = &mut self.items[tr.slot()];
        let task = &mut item.tasks[tr.task()];
        task.stamp(Stamp::Ready, now);
        task.phase = Phase::Coordinating;
        let internal = from == Some(task.team);
        if !internal {
            item.handoffs += 1;
        }
        let coordination = &self.org.coordination;
        let delay = match (internal, self.instant) {
            (
                true,
                Instant {
                    internal_handoff: true,
                    ..
                },
            ) => 0.0,
            (false, Instant { handoff: true, .. }) => 0.0,
            (true, _) => coordination.internal_handoff.sample(&mut self.handoff_rng),
            (false, _) => coordination.handoff.sample(&mut self.handoff_rng),
        };
        if delay > 0.0 {
            cal.schedule_in(delay, Event::HandedOver(tr));
        } else {
            self.handed_over(cal, tr);
        }
    }

    /// The handoff is over: an internal task enters its team's backlog, a
    /// request waits for the team's next planning boundary.
    fn handed_over(&mut self, cal: &mut Calendar<Event>, tr: TaskRef) {
        let now = cal.now();
        let instant_intake = self.instant.intake;
        let task = self.task(tr);
        task.stamp(Stamp::HandedOver, now);
        if !task.request || instant_intake {
            // Straight into the backlog, as `planned` and `decided` would
            // put it with no cadence, no decision and no escalation.
            task.stamp(Stamp::Planned, now);
            task.stamp(Stamp::Decided, now);
            self.enqueue(cal, tr);
            return;
        }
        let cadence = self.org.coordination.intake_cadence;
        if cadence > 0.0 {
            let boundary = ((now / cadence).ceil() * cadence).max(now);
            if boundary > now {
                cal.schedule_at(boundary, Event::Planned(tr));
                return;
            }
        }
        self.planned(cal, tr);
    }

    /// The request is in the team's plan: its leader must decide on it.
    fn planned(&mut self, cal: &mut Calendar<Event>, tr: TaskRef) {
        let now = cal.now();
        self.task(tr).stamp(Stamp::Planned, now);
        if self.org.coordination.decision.is_zero() {
            self.decided(cal, tr);
            return;
        }
        let leader = self.org.team_leader[self.task(tr).team];
        self.leaders[leader].queue.push_back(tr);
        if self.leaders[leader].current.is_none() {
            self.start_decision(cal, leader);
        }
    }

    fn start_decision(&mut self, cal: &mut Calendar<Event>, team: usize) {
        let leader = &mut self.leaders[team];
        let Some(tr) = leader.queue.pop_front() else {
            return;
        };
        leader.current = Some(tr);
        leader.busy_average.set(cal.now(), 1.0);
        let days = self
            .org
            .coordination
            .decision
            .sample(&mut self.decision_rng)
            / leader.attention;
        cal.schedule_in(days, Event::LeaderDone(team));
    }

    fn leader_done(&mut self, cal: &mut Calendar<Event>, team: usize) {
        let leader = &mut self.leaders[team];
        let tr = leader
            .current
            .take()
            .expect("a leader finishes only a decision it started");
        leader.busy_average.set(cal.now(), 0.0);
        self.start_decision(cal, team);
        self.decided(cal, tr);
    }

    /// The leader has decided; the request may still need the executive.
    fn decided(&mut self, cal: &mut Calendar<Event>, tr: TaskRef) {
        let now = cal.now();
        self.task(tr).stamp(Stamp::Decided, now);
        let p = self.org.coordination.escalation_probability;
        if p > 0.0 && self.escalation_rng.random::<f64>() < p {
            self.item(tr.slot()).escalations += 1;
            if self.org.coordination.escalation_decision.is_zero() {
                self.enqueue(cal, tr);
                return;
            }
            self.executive.queue.push_back(tr);
            if self.executive.current.is_none() {
                self.start_executive(cal);
            }
            return;
        }
        self.enqueue(cal, tr);
    }

    fn start_executive(&mut self, cal: &mut Calendar<Event>) {
        let Some(tr) = self.executive.queue.pop_front() else {
            return;
        };
        self.executive.current = Some(tr);
        self.executive.busy_average.set(cal.now(), 1.0);
        let days = self
            .org
            .coordination
            .escalation_decision
            .sample(&mut self.executive_rng);
        cal.schedule_in(days, Event::ExecutiveDone);
    }

    fn executive_done(&mut self, cal: &mut Calendar<Event>) {
        let tr = self
            .executive
            .current
            .take()
            .expect("the executive finishes only a decision it started");
        self.executive.busy_average.set(cal.now(), 0.0);
        self.start_executive(cal);
        self.enqueue(cal, tr);
    }

    /// The task enters its team's backlog for its skill.
    fn enqueue(&mut self, cal: &mut Calendar<Event>, tr: TaskRef) {
        let now = cal.now();
        let item = &mut self.items[tr.slot()];
        let task = &mut item.tasks[tr.task()];
        task.stamp(Stamp::Queued, now);
        task.phase = Phase::Queued;
        let p = task.team * self.skills + task.skill;
        if self.pools[p].has_free_person() {
            self.start_work(cal, p, tr);
        } else {
            let class = self.stream_class[item.stream];
            self.pools[p].backlog.push_back(class, tr);
        }
    }

    fn start_work(&mut self, cal: &mut Calendar<Event>, pool: usize, tr: TaskRef) {
        let now = cal.now();
        self.pools[pool].occupy(now, tr);
        let item = &mut self.items[tr.slot()];
        let task = &mut item.tasks[tr.task()];
        let (team, work, epoch) = {
            match task.paused_at.take() {
                // Resuming: the pause and the context switch are time lost
                // to the interruption, not work.
                Some(paused) => {
                    let resume_cost = self
                        .org
                        .coordination
                        .context_switch
                        .sample(&mut self.swarm_rng);
                    task.interrupted += now - paused + resume_cost;
                    task.remaining += resume_cost;
                }
                None => task.stamp(Stamp::Started, now),
            }
            task.phase = Phase::Working;
            task.work_started = now;
            (task.team, task.remaining, task.epoch)
        };
        item.touch_team(team);
        cal.schedule_in(work, Event::WorkDone(tr, epoch));
    }

    /// Tops up a pool's free people with tasks from its backlog.
    fn fill(&mut self, cal: &mut Calendar<Event>, pool: usize) {
        while self.pools[pool].has_free_person() {
            let Some(next) = self.pools[pool].backlog.pop_front() else {
                break;
            };
            self.start_work(cal, pool, next);
        }
    }

    /// A swarm: a team loses part of its people to a temporary project.
    fn swarm_start(&mut self, cal: &mut Calendar<Event>) {
        let org = self.org;
        let Some(swarm) = &org.coordination.swarm else {
            return;
        };
        let now = cal.now();
        cal.schedule_in(
            swarm.interval.sample(&mut self.swarm_rng),
            Event::SwarmStart,
        );
        if self.swarmable.is_empty() {
            return;
        }
        let pick = (self.swarm_rng.next_u64() % self.swarmable.len() as u64) as usize;
        let team = self.swarmable[pick];
        let skills = self.scenario.people.len();
        // Every present person of the team: (pool, busy?). Busy people are
        // listed first within their pool.
        let mut present = std::mem::take(&mut self.present);
        present.clear();
        for p in team * skills..(team + 1) * skills {
            let pool = &self.pools[p];
            present.extend((0..pool.busy).map(|_| (p, true)));
            present.extend((0..pool.free_people()).map(|_| (p, false)));
        }
        let size = f64::from(self.org.teams[team].size());
        let wanted = ((swarm.fraction * size).round() as usize).max(1);
        let count = wanted.min(present.len());
        // A uniform choice of `count` people (partial Fisher–Yates).
        for i in 0..count {
            let j = i + (self.swarm_rng.next_u64() % (present.len() - i) as u64) as usize;
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
                let pool = &self.pools[p];
                let v = (self.swarm_rng.next_u64() % pool.in_service.len() as u64) as usize;
                let victim = pool.in_service[v];
                self.interrupt(now, p, victim);
            }
            match taken.iter_mut().find(|(q, _)| *q == p) {
                Some((_, n)) => *n += 1,
                None => taken.push((p, 1)),
            }
        }
        for &(p, n) in &taken {
            let away = self.pools[p].away + n;
            self.pools[p].set_away(now, away);
        }
        // A paused task is at the head of its backlog: a person of its pool
        // who is still free takes it at once, before any later task.
        for &(p, _) in &taken {
            self.fill(cal, p);
        }
        self.absences[id] = taken;
        self.present = present;
        cal.schedule_in(
            swarm.duration.sample(&mut self.swarm_rng),
            Event::SwarmEnd(id),
        );
    }

    /// The person on `tr` is pulled away: the task goes back to the head of
    /// its backlog with the effort it has left.
    fn interrupt(&mut self, now: f64, pool: usize, tr: TaskRef) {
        self.pools[pool].release(now, tr);
        let task = self.task(tr);
        task.remaining -= now - task.work_started;
        task.epoch += 1;
        task.paused_at = Some(now);
        task.phase = Phase::Queued;
        let stream = self.item(tr.slot()).stream;
        let class = self.stream_class[stream];
        self.pools[pool].backlog.push_front(class, tr);
    }

    /// The people of swarm `id` come back.
    fn swarm_end(&mut self, cal: &mut Calendar<Event>, id: usize) {
        let now = cal.now();
        let back = std::mem::take(&mut self.absences[id]);
        for &(p, n) in &back {
            let away = self.pools[p].away - n;
            self.pools[p].set_away(now, away);
            self.fill(cal, p);
        }
        self.absences[id] = back;
        self.free_absences.push(id);
    }

    fn work_done(&mut self, cal: &mut Calendar<Event>, tr: TaskRef, epoch: u32) {
        if self.task(tr).epoch != epoch {
            return; // interrupted since this completion was scheduled
        }
        let now = cal.now();
        let (slot, index) = (tr.slot(), tr.task());
        let (team, skill) = {
            let task = self.task(tr);
            task.stamp(Stamp::Finished, now);
            task.phase = Phase::Done;
            (task.team, task.skill)
        };
        let p = team * self.skills + skill;
        self.pools[p].release(now, tr);
        self.fill(cal, p);
        let (fix, item_type) = {
            let item = self.item(slot);
            (item.fix, item.item_type)
        };
        if self.task(tr).rework {
            self.item(slot).last_rework = Some(index);
        } else if !fix {
            self.item(slot).last_original = index;
            self.decide_defect(tr);
            for i in 0..self.successors[item_type][index].len() {
                let succ = self.successors[item_type][index][i];
                let ready = {
                    let s = self.task(TaskRef::new(slot, succ));
                    s.preds_left -= 1;
                    s.preds_left == 0
                };
                if ready {
                    self.task(TaskRef::new(slot, succ)).trigger = Some(index);
                    self.make_ready(cal, TaskRef::new(slot, succ), Some(team));
                }
            }
        }
        let item = self.item(slot);
        item.remaining -= 1;
        if item.remaining > 0 {
            return;
        }
        if item.review.is_none() && !item.fix && self.reviewers.is_some() {
            self.enter_review(cal, slot);
        } else {
            self.complete(cal, slot);
        }
    }

    /// Whether the finished task `tr` left a defect: the workload's draw
    /// against the defect probability, diluted in a cross-functional team.
    fn decide_defect(&mut self, tr: TaskRef) {
        let q = &self.scenario.quality;
        if q.defect_probability <= 0.0 {
            return;
        }
        let (team, draw) = {
            let t = self.task(tr);
            (t.team, t.defect_draw)
        };
        let dilution = if self.cross_functional[team] {
            q.dilution
        } else {
            1.0
        };
        if draw < (q.defect_probability * dilution).min(1.0) {
            self.task(tr).defect = true;
            self.item(tr.slot()).defects += 1;
        }
    }

    /// Every task of the item is done: it waits for a bar raiser.
    fn enter_review(&mut self, cal: &mut Calendar<Event>, slot: usize) {
        let now = cal.now();
        self.item(slot).review = Some((now, now));
        let reviewers = self.reviewers.as_mut().expect("only with bar raisers");
        reviewers.queue.push_back(slot);
        self.start_reviews(cal);
    }

    fn start_reviews(&mut self, cal: &mut Calendar<Event>) {
        let review = &self
            .org
            .bar_raiser
            .as_ref()
            .expect("only with bar raisers")
            .review;
        let reviewers = self.reviewers.as_mut().expect("only with bar raisers");
        while reviewers.busy < reviewers.capacity {
            let Some(slot) = reviewers.queue.pop_front() else {
                break;
            };
            reviewers.change_busy(cal.now(), 1);
            cal.schedule_in(review.sample(&mut self.review_rng), Event::ReviewDone(slot));
        }
    }

    /// The review of the item in `slot` is over: each defect is caught (and
    /// becomes a rework task for the team that made it) or escapes.
    fn review_done(&mut self, cal: &mut Calendar<Event>, slot: usize) {
        let now = cal.now();
        if let Some(r) = self.reviewers.as_mut() {
            r.change_busy(now, -1);
        }
        self.start_reviews(cal);
        let catch = self.org.bar_raiser.as_ref().map_or(0.0, |b| b.catch);
        let fraction = self.scenario.quality.rework_fraction;
        let k = self.item(slot).stream;
        let mut reworks = std::mem::take(&mut self.reworks);
        reworks.clear();
        {
            let item = &mut self.items[slot];
            if let Some(r) = item.review.as_mut() {
                r.1 = now;
            }
            for t in &item.tasks {
                if t.defect && t.catch_draw < catch {
                    reworks.push((t.team, t.skill, t.effort * fraction));
                } else if t.defect {
                    item.escaped += 1;
                }
            }
        }
        if reworks.is_empty() {
            self.reworks = reworks;
            self.complete(cal, slot);
            return;
        }
        for &(team, skill, effort) in &reworks {
            let mut task = new_task(now, team, skill, effort, !self.routing.owns(team, k));
            task.rework = true;
            // The team's own defect: straight into its backlog.
            task.stamps = [now; 7];
            task.phase = Phase::Coordinating;
            let item = self.item(slot);
            item.tasks.push(task);
            item.remaining += 1;
            let t = item.tasks.len() - 1;
            self.enqueue(cal, TaskRef::new(slot, t));
        }
        self.reworks = reworks;
    }

    /// The item in `slot` is done.
    fn complete(&mut self, cal: &mut Calendar<Event>, slot: usize) {
        let now = cal.now();
        let in_window = self.in_window(now);
        self.free_slots.push(slot);
        let item = &mut self.items[slot];
        item.live = false;
        let k = item.stream;
        if item.fix {
            self.fix_done_total += 1;
            self.wip_trend.set(now, self.in_flight() as f64);
            if in_window {
                self.streams[k].fixes += 1;
            }
            return;
        }
        self.done_total += 1;
        let in_flight =
            self.arrived_total + self.fix_arrived_total - self.done_total - self.fix_done_total;
        self.wip_trend.set(now, in_flight as f64);
        if item.review.is_none() {
            // No bar raiser looked at it: every defect escapes.
            item.escaped = item.defects;
        }
        if self.keep_series {
            self.series.push((now, now - item.arrival));
        }
        let quality = &self.scenario.quality;
        let catch = self.org.bar_raiser.as_ref().map_or(0.0, |b| b.catch);
        let defective = if item.defects > 0 {
            &item.tasks[..]
        } else {
            &[]
        };
        for t in defective.iter().filter(|t| t.defect && !t.rework) {
            let caught = item.review.is_some() && t.catch_draw < catch;
            if !caught {
                let fix = (k, t.team, t.skill, t.effort * quality.rework_fraction);
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
                cal.schedule_in(quality.escape_delay, Event::FixArrival(id));
            }
        }
        if in_window {
            let record = ItemRecord {
                stream: k,
                index: item.index,
                item_type: item.item_type,
                arrival: item.arrival,
                done: now,
                breakdown: item.critical_path(),
                teams: item.teams.len() as u32,
                handoffs: item.handoffs,
                escalations: item.escalations,
                defects: item.defects,
                escaped_defects: item.escaped,
            };
            self.streams[k].complete(&record);
            if self.keep_items {
                self.records.push(record);
            }
        }
        let tally = &mut self.streams[k];
        tally.in_system -= 1;
        tally.wip.set(now, tally.in_system as f64);
        if matches!(
            self.scenario.workload.streams[k].arrivals,
            Arrivals::Closed { .. }
        ) {
            self.arrive(cal, k);
        }
    }

    /// Records the state of every item in flight.
    fn sample_flow(&mut self, cal: &mut Calendar<Event>, n: u32) {
        let mut sample = FlowSample {
            time: cal.now(),
            arrived: self.arrived_total,
            intake: 0,
            backlog: 0,
            in_progress: 0,
            done: self.done_total,
            fix_arrived: self.fix_arrived_total,
            fix_done: self.fix_done_total,
        };
        for item in self.items.iter().filter(|i| i.live && !i.fix) {
            match item.state() {
                ItemState::Intake => sample.intake += 1,
                ItemState::Backlog => sample.backlog += 1,
                ItemState::InProgress => sample.in_progress += 1,
            }
        }
        self.flow.push(sample);
        if n < FLOW_SAMPLES {
            let next = self.window_end * f64::from(n + 1) / f64::from(FLOW_SAMPLES);
            cal.schedule_at(next, Event::FlowSample(n + 1));
        }
    }

    /// Whether the items in flight or the events handled reached their limit.
    fn saturated(&self) -> bool {
        self.wip_reached() || self.events >= self.max_events
    }

    /// Whether the items in flight reached `simulation.max_wip`.
    fn wip_reached(&self) -> bool {
        (self.items.len() - self.free_slots.len()) as u64 >= self.max_wip
    }

    /// Turns the tallies into the named metrics.
    fn finish(self) -> ReplicationOutcome {
        let end = self.window_end;
        let horizon = self.scenario.simulation.horizon;
        let names: Vec<&str> = self
            .scenario
            .workload
            .streams
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let wips: Vec<f64> = self.streams.iter().map(|s| s.wip.finish(end)).collect();
        let all = tally::total(&self.streams, self.window_start, end);
        // The whole distribution, read off the histogram in one pass; the
        // reported percentiles are three of its steps.
        let distribution = all.lead_times.quantiles(
            &(0..=QUANTILE_STEPS)
                .map(|i| f64::from(i) / f64::from(QUANTILE_STEPS))
                .collect::<Vec<_>>(),
        );
        let step = |p: f64| distribution[(p * f64::from(QUANTILE_STEPS)).round() as usize];
        let all_percentiles = tally::PERCENTILES.map(step);
        let mut metrics: Vec<(String, f64)> =
            tally::item_metrics(&all, horizon, wips.iter().sum(), all_percentiles)
                .into_iter()
                .map(|(m, v)| (m.name().to_string(), v))
                .collect();

        let skills = self.scenario.people.len();
        let team_busy: Vec<f64> = (0..self.org.teams.len())
            .map(|t| {
                (0..skills)
                    .map(|s| self.pools[t * skills + s].busy_average.finish(end))
                    .sum()
            })
            .collect();
        let people: u32 = self.org.teams.iter().map(|t| t.size()).sum();
        let away: f64 = self.pools.iter().map(|p| p.away_average.finish(end)).sum();
        let leader_util: Vec<f64> = self
            .leaders
            .iter()
            .map(|l| l.busy_average.finish(end))
            .collect();
        metrics.push((
            Metric::Utilization.name().into(),
            team_busy.iter().sum::<f64>() / f64::from(people),
        ));
        metrics.push((Metric::CapacityLost.name().into(), away / f64::from(people)));
        metrics.push((Metric::Warmup.name().into(), self.window_start));
        metrics.push((Metric::Saturated.name().into(), 0.0));
        metrics.push((Metric::MaxEventsReached.name().into(), 0.0));
        let growing = trend_test(&self.wip_trend.batch_means(end), TREND_LEVEL).growing;
        metrics.push((Metric::Unstable.name().into(), f64::from(u8::from(growing))));
        metrics.push((
            Metric::ReviewerUtilization.name().into(),
            self.reviewers
                .as_ref()
                .map_or(0.0, |r| r.busy_average.finish(end) / f64::from(r.capacity)),
        ));
        metrics.push((
            Metric::LeaderUtilizationMax.name().into(),
            leader_util.iter().copied().fold(0.0, f64::max),
        ));
        metrics.push((
            Metric::ExecutiveUtilization.name().into(),
            self.executive.busy_average.finish(end),
        ));
        for (k, tally) in self.streams.iter().enumerate() {
            let percentiles = if self.streams.len() == 1 {
                all_percentiles
            } else {
                tally.percentiles()
            };
            for (metric, value) in tally::item_metrics(tally, horizon, wips[k], percentiles) {
                let scope = Scope::Stream(names[k]);
                metrics.push((MetricId { scope, metric }.name(), value));
            }
        }
        for (t, team) in self.org.teams.iter().enumerate() {
            let size = f64::from(team.size());
            let util = if size > 0.0 {
                team_busy[t] / size
            } else {
                f64::NAN
            };
            let scope = Scope::Team(&team.name);
            let metric = Metric::TeamUtilization;
            metrics.push((MetricId { scope, metric }.name(), util));
            let metric = Metric::TeamLeaderUtilization;
            metrics.push((
                MetricId { scope, metric }.name(),
                leader_util[self.org.team_leader[t]],
            ));
        }
        ReplicationOutcome {
            metrics,
            items: self.records,
            lead_time_quantiles: distribution,
            flow: self.flow,
            series: self.series,
            saturated_at: None,
        }
    }
}

impl Handler<Event> for Simulation<'_> {
    fn should_stop(&self) -> bool {
        self.saturated()
            || (self.events % STOP_CHECK_EVERY == 0 && self.stop.load(Ordering::Relaxed))
    }

    fn handle(&mut self, cal: &mut Calendar<Event>, event: Event) {
        self.events += 1;
        match event {
            Event::Arrival(k) => {
                self.arrive(cal, k);
                if let Some(gap) = self.workload.next_interarrival(k) {
                    cal.schedule_lane_in(k, gap, Event::Arrival(k));
                }
            }
            Event::HandedOver(tr) => self.handed_over(cal, tr),
            Event::Planned(tr) => self.planned(cal, tr),
            Event::LeaderDone(team) => self.leader_done(cal, team),
            Event::ExecutiveDone => self.executive_done(cal),
            Event::WorkDone(tr, epoch) => self.work_done(cal, tr, epoch),
            Event::SwarmStart => self.swarm_start(cal),
            Event::SwarmEnd(id) => self.swarm_end(cal, id),
            Event::ReviewDone(slot) => self.review_done(cal, slot),
            Event::FixArrival(id) => self.fix_arrives(cal, id),
            Event::FlowSample(n) => self.sample_flow(cal, n),
        }
        debug_assert!(
            self.pools
                .iter()
                .all(|p| p.backlog.is_empty() || !p.has_free_person()),
            "a person is free while their pool's backlog holds work (t = {})",
            cal.now()
        );
    }
}

/// A task for `team` needing `skill`, not started, with no predecessor;
/// `request` when the team does not own the item's stream.
fn new_task(now: f64, team: usize, skill: usize, effort: f64, request: bool) -> TaskRun {
    TaskRun {
        team,
        skill,
        effort,
        request,
        preds_left: 0,
        trigger: None,
        stamps: [now; 7],
        phase: Phase::Blocked,
        remaining: effort,
        epoch: 0,
        work_started: now,
        paused_at: None,
        interrupted: 0.0,
        rework: false,
        defect: false,
        defect_draw: 1.0,
        catch_draw: 1.0,
    }
}
