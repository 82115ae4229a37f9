//! The probes that feed the metrics: counts of items arrived and done, each
//! stream's tallies and item records, the cumulative flow diagram's
//! samples, the lead-time series, and the guard that stops a replication
//! whose work piles up.

use std::sync::atomic::{AtomicBool, Ordering};

use super::Cx;
use super::event::Event as Any;
use super::outcome::{Completion, FlowSample};
use crate::model::category::Breakdown;
use crate::model::event_log::{self, TaskExecution};
use crate::model::item::ItemRun;
use crate::model::tally::{ItemRecord, StreamTally};
use crate::stats::daily::DailyArea;
use crate::stats::trend::WindowTrend;

/// What happens in the probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// Time to record the cumulative flow diagram (sample number).
    FlowSample(u32),
}

/// Samples of the cumulative flow diagram taken over a whole run.
pub(crate) const FLOW_SAMPLES: u32 = 500;

/// Events between two looks at the stop flag: a few microseconds of
/// simulation, so that a stop is prompt however long the replication, at
/// the cost of one test of the event count per event.
const STOP_CHECK_EVERY: u64 = 4096;

/// What is measured of one replication.
#[derive(Debug)]
pub(crate) struct Probes<'a> {
    /// The measurement window [start, end].
    pub(crate) window_start: f64,
    pub(crate) window_end: f64,
    /// Each stream's tallies over the window.
    pub(crate) streams: Vec<StreamTally>,
    keep_items: bool,
    /// Items completed in the window (only when asked for).
    pub(crate) records: Vec<ItemRecord>,
    /// Items arrived and done since the start: of the streams, then fix
    /// items of escaped defects.
    arrived_total: u64,
    done_total: u64,
    fix_arrived_total: u64,
    fix_done_total: u64,
    /// Items in flight now (the four counts above in one, kept as they
    /// change: one addition instead of three per arrival and completion).
    in_flight: u64,
    /// Cumulative flow samples (only when asked for).
    pub(crate) flow: Vec<FlowSample>,
    keep_flow: bool,
    /// Items of the streams done in the window (only with the flow).
    pub(crate) completions: Vec<Completion>,
    keep_series: bool,
    /// (completion time, lead time) of every item done (only when asked for).
    pub(crate) series: Vec<(f64, f64)>,
    /// The stream of each item of `series`.
    pub(crate) series_streams: Vec<usize>,
    /// With the series, per stream, its items in the system day by day.
    pub(crate) series_wip: Vec<DailyArea>,
    /// Keep every task execution of the items done.
    pub(crate) keep_events: bool,
    /// Every task execution of the items done (only when asked for).
    pub(crate) executions: Vec<TaskExecution>,
    /// Events handled so far.
    pub(crate) events: u64,
    /// Items in flight (fix items included) over the window's sub-intervals,
    /// for the test of a system that does not settle.
    pub(crate) wip_trend: WindowTrend,
    /// `simulation.max_wip` and `simulation.max_events`, checked after
    /// every event.
    max_wip: u64,
    max_events: u64,
    /// See [`Limits::held`].
    held: bool,
    /// The event count at which [`should_stop`](Probes::should_stop) looks
    /// next at `max_events` and the stop flag: the nearer of `max_events`
    /// and the next multiple of [`STOP_CHECK_EVERY`], so that every other
    /// event costs one comparison for both.
    next_check: u64,
    /// Looked at every [`STOP_CHECK_EVERY`] events.
    stop: &'a AtomicBool,
}

/// What the probes are told to keep and where they stop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Keep every completed item.
    pub(crate) keep_items: bool,
    /// Keep the lead-time series.
    pub(crate) keep_series: bool,
    /// Keep the items done in the window and the oldest item's arrival at
    /// each flow sample, for the flow charts.
    pub(crate) keep_flow: bool,
    /// Keep the task executions (the event log).
    pub(crate) keep_events: bool,
    /// `simulation.max_wip`.
    pub(crate) max_wip: u64,
    /// `simulation.max_events`.
    pub(crate) max_events: u64,
    /// Whether an item may be held back (a WIP limit, or a transition's
    /// switch that hands its tasks over again): otherwise every item's
    /// `blocked` part is 0 and is not summed.
    pub(crate) held: bool,
}

impl<'a> Probes<'a> {
    /// Probes of `streams` streams over the window [`start`, `end`].
    pub(crate) fn new(
        streams: usize,
        start: f64,
        end: f64,
        limits: Limits,
        stop: &'a AtomicBool,
    ) -> Self {
        Self {
            window_start: start,
            window_end: end,
            streams: (0..streams).map(|_| StreamTally::new(start, end)).collect(),
            keep_items: limits.keep_items,
            records: Vec::new(),
            arrived_total: 0,
            done_total: 0,
            fix_arrived_total: 0,
            fix_done_total: 0,
            in_flight: 0,
            flow: Vec::new(),
            keep_flow: limits.keep_flow,
            completions: Vec::new(),
            keep_series: limits.keep_series,
            series: Vec::new(),
            series_streams: Vec::new(),
            series_wip: if limits.keep_series {
                (0..streams)
                    .map(|_| DailyArea::new(crate::stats::daily::days_of(end)))
                    .collect()
            } else {
                Vec::new()
            },
            keep_events: limits.keep_events,
            executions: Vec::new(),
            events: 0,
            wip_trend: WindowTrend::new(start, end),
            max_wip: limits.max_wip,
            max_events: limits.max_events,
            held: limits.held,
            next_check: limits.max_events.min(STOP_CHECK_EVERY),
            stop,
        }
    }

    /// Whether `t` is in the measurement window.
    #[inline]
    pub(crate) fn in_window(&self, t: f64) -> bool {
        t >= self.window_start && t <= self.window_end
    }

    /// Items in flight now, fix items of escaped defects included.
    #[inline]
    fn in_flight(&self) -> u64 {
        debug_assert_eq!(
            self.in_flight,
            self.arrived_total + self.fix_arrived_total - self.done_total - self.fix_done_total
        );
        self.in_flight
    }

    /// Items in flight now, fix items included: between two events, the
    /// arena's count (the probes count an item in with its admission and
    /// out with its completion), without reaching into the arena.
    #[inline]
    pub(crate) fn items_in_flight(&self) -> usize {
        self.in_flight as usize
    }

    /// An item of stream `k` (a fix item if `fix`) is in flight from `now`.
    pub(crate) fn admitted(&mut self, now: f64, k: usize, fix: bool) {
        if fix {
            self.fix_arrived_total += 1;
        } else {
            self.arrived_total += 1;
        }
        self.in_flight += 1;
        self.wip_trend.set(now, level(self.in_flight()));
        if !fix {
            let in_window = self.in_window(now);
            let tally = &mut self.streams[k];
            tally.in_system += 1;
            tally.wip.set(now, level(tally.in_system));
            if let Some(a) = self.series_wip.get_mut(k) {
                a.set(now, level(tally.in_system));
            }
            if in_window {
                tally.arrived += 1;
            }
        }
    }

    /// A fix item of stream `k` is done at `now`.
    pub(crate) fn fix_done(&mut self, now: f64, k: usize) {
        self.fix_done_total += 1;
        self.in_flight -= 1;
        self.wip_trend.set(now, level(self.in_flight()));
        if self.in_window(now) {
            self.streams[k].fixes += 1;
        }
    }

    /// `item` (of a stream) is done at `now`: counted, and its lead time
    /// kept in the series.
    pub(crate) fn item_done(&mut self, now: f64, item: &ItemRun) {
        self.done_total += 1;
        self.in_flight -= 1;
        self.wip_trend.set(now, level(self.in_flight()));
        if self.keep_series {
            self.series.push((now, now - item.arrival));
            self.series_streams.push(item.stream);
        }
    }

    /// Logs every task execution of `item`, done now (the event log).
    #[inline(never)]
    pub(crate) fn log(&mut self, item: &ItemRun) {
        self.executions.extend(event_log::executions(item));
    }

    /// Keeps the record of `item`, done at `now`, for the flow charts and
    /// the item list, as asked (out of line: most replications keep
    /// neither).
    #[inline(never)]
    fn keep(&mut self, now: f64, item: &ItemRun, breakdown: Breakdown) {
        if self.keep_flow {
            self.completions.push(Completion {
                index: item.index,
                stream: item.stream,
                arrival: item.arrival,
                done: now,
            });
        }
        if self.keep_items {
            self.records.push(ItemRecord {
                stream: item.stream,
                index: item.index,
                item_type: item.item_type,
                arrival: item.arrival,
                done: now,
                breakdown,
                teams: item.teams.len() as u32,
                handoffs: item.handoffs,
                escalations: item.escalations,
                defects: item.defects,
                escaped_defects: item.escaped,
            });
        }
    }

    /// Records `item`, done at `now` (its escaped defects known), in its
    /// stream's tallies.
    // Always in line (its one caller is the completion of an item), and no
    // record built unless one is kept: measured, a call and a record cost
    // some 30 instructions per item.
    #[inline(always)]
    pub(crate) fn record(&mut self, now: f64, item: &ItemRun) {
        let k = item.stream;
        let in_window = self.in_window(now);
        let keep = self.keep_flow || self.keep_items;
        let tally = &mut self.streams[k];
        tally.in_system -= 1;
        tally.wip.set(now, level(tally.in_system));
        let in_system = tally.in_system;
        if in_window {
            let counts = [
                item.teams.len() as u32,
                item.handoffs,
                item.escalations,
                item.defects,
                item.escaped,
            ];
            if keep {
                let breakdown = item.critical_path();
                tally.complete_parts(now - item.arrival, &breakdown, counts);
                self.keep(now, item, breakdown);
            } else {
                // Straight into the tally: the same sums, without the
                // item's breakdown built and added (measured: some 25
                // instructions per item).
                if self.held {
                    item.add_critical_path(&mut tally.breakdown);
                } else {
                    item.add_critical_path_unheld(&mut tally.breakdown);
                }
                tally.complete_counts(now - item.arrival, counts);
            }
        }
        if let Some(a) = self.series_wip.get_mut(k) {
            a.set(now, level(in_system));
        }
    }

    /// Records sample `n` of the cumulative flow diagram (the items in each
    /// state, counted as they change) and schedules the next.
    pub(crate) fn handle(&mut self, cx: &mut Cx, event: Event) {
        let Event::FlowSample(n) = event;
        let mut sample = FlowSample {
            time: cx.cal.now(),
            arrived: self.arrived_total,
            intake: 0,
            backlog: 0,
            in_progress: 0,
            done: self.done_total,
            fix_arrived: self.fix_arrived_total,
            fix_done: self.fix_done_total,
            oldest_arrival: None,
        };
        [sample.intake, sample.backlog, sample.in_progress] = cx.items.states();
        debug_assert_eq!(
            [sample.intake, sample.backlog, sample.in_progress],
            walked_states(cx),
            "the running counts of item states agree with the items"
        );
        if self.keep_flow {
            sample.oldest_arrival = cx
                .items
                .live()
                .filter(|i| !i.fix)
                .map(|i| i.arrival)
                .min_by(f64::total_cmp);
        }
        self.flow.push(sample);
        if n < FLOW_SAMPLES {
            let next = self.window_end * f64::from(n + 1) / f64::from(FLOW_SAMPLES);
            cx.cal
                .schedule_at(next, Any::Probe(Event::FlowSample(n + 1)));
        }
    }

    /// Whether `in_flight` items or the events handled reached their limit.
    #[inline]
    pub(crate) fn saturated(&self, in_flight: usize) -> bool {
        self.wip_reached(in_flight) || self.events >= self.max_events
    }

    /// Whether `in_flight` items reach `simulation.max_wip`.
    #[inline]
    pub(crate) fn wip_reached(&self, in_flight: usize) -> bool {
        in_flight as u64 >= self.max_wip
    }

    /// Whether the replication must stop after this event: saturated, or
    /// (looked at now and then) stopped from outside.
    #[inline]
    pub(crate) fn should_stop(&mut self, in_flight: usize) -> bool {
        self.wip_reached(in_flight) || (self.events >= self.next_check && self.check_events())
    }

    /// [`should_stop`](Probes::should_stop) at its next check: whether the
    /// events reached `max_events`, or a multiple of [`STOP_CHECK_EVERY`]
    /// with the stop flag set; the check after is set.
    #[cold]
    #[inline(never)]
    fn check_events(&mut self) -> bool {
        if self.events >= self.max_events {
            return true;
        }
        let stopped = self.events % STOP_CHECK_EVERY == 0 && self.stop.load(Ordering::Relaxed);
        let next = (self.events / STOP_CHECK_EVERY + 1) * STOP_CHECK_EVERY;
        self.next_check = next.min(self.max_events);
        stopped
    }
}

/// A count of items as a level of a time average: the same value as
/// `n as f64` for every count below 2^63, in two instructions where the
/// conversion of a `u64` takes six (x86-64 has no unsigned conversion).
#[inline(always)]
fn level(n: u64) -> f64 {
    debug_assert!(i64::try_from(n).is_ok());
    n as i64 as f64
}

/// The items of the streams in flight in each state, counted by looking at
/// every task of every item: what [`super::arena::Arena::states`] keeps
/// (checked in debug builds).
fn walked_states(cx: &Cx) -> [u64; 3] {
    let mut states = [0; 3];
    for item in cx.items.live().filter(|i| !i.fix) {
        states[item.state() as usize] += 1;
    }
    states
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::Slot;
    use crate::model::item::Phase;
    use crate::model::run::testing::Bench;

    static RUNNING: AtomicBool = AtomicBool::new(false);

    fn probes(max_wip: u64, max_events: u64) -> Probes<'static> {
        let limits = Limits {
            keep_items: true,
            keep_series: true,
            keep_flow: true,
            keep_events: false,
            max_wip,
            max_events,
            held: true,
        };
        Probes::new(2, 10.0, 20.0, limits, &RUNNING)
    }

    #[test]
    fn only_the_window_counts_in_the_tallies_but_every_item_in_the_series() {
        let mut p = probes(100, 100);
        let mut bench = Bench::new();
        let early = bench.item(0, 0, 1.0, false).slot();
        p.admitted(5.0, 0, false);
        let item = bench.items.item(early);
        p.item_done(9.0, item);
        p.record(9.0, item);
        assert!(p.records.is_empty(), "done before the window: not recorded");
        let late = bench.item(0, 0, 1.0, false).slot();
        bench.items.item(late).arrival = 12.0;
        p.admitted(12.0, 0, false);
        p.admitted(13.0, 1, true);
        assert_eq!(
            p.streams[0].arrived, 1,
            "the arrival at 5 is before the window"
        );
        assert_eq!(p.streams[0].in_system, 1);
        assert_eq!(p.streams[1].in_system, 0, "fix items are counted apart");
        let item = bench.items.item(late);
        p.item_done(15.0, item);
        p.record(15.0, item);
        assert_eq!(p.series, [(9.0, 9.0), (15.0, 3.0)]);
        assert_eq!(p.records.len(), 1);
        assert_eq!((p.records[0].arrival, p.records[0].done), (12.0, 15.0));
        assert_eq!(p.streams[0].in_system, 0);
        p.fix_done(16.0, 1);
        assert_eq!(p.streams[1].fixes, 1);
    }

    #[test]
    fn a_flow_sample_counts_each_item_by_its_most_advanced_task() {
        let mut p = probes(100, 100);
        let mut bench = Bench::new();
        let phases = [
            Phase::Coordinating,
            Phase::Queued,
            Phase::Working,
            Phase::Queued,
        ];
        for phase in phases {
            let tr = bench.item(0, 0, 1.0, false);
            bench.items.task(tr).phase = phase;
            if phase != Phase::Coordinating {
                bench.items.task_queued(tr.slot());
            }
            if phase == Phase::Working {
                bench.items.task_started(tr.slot());
            }
            p.admitted(0.0, 0, false);
        }
        // A second task of the first item is worked on: it is in progress.
        let first = Slot::new(0);
        let task = bench.items.item(first).tasks[0].clone();
        bench.items.item(first).tasks.push(task);
        bench.items.item(first).tasks[1].phase = Phase::Working;
        bench.items.task_queued(first);
        bench.items.task_started(first);
        p.handle(&mut bench.cx(), Event::FlowSample(0));
        let s = p.flow[0];
        assert_eq!(
            (s.arrived, s.intake, s.backlog, s.in_progress),
            (4, 0, 2, 2)
        );
        // The next sample: 1/500 of the way to the window's end.
        assert_eq!(bench.next(1.0), Some(Any::Probe(Event::FlowSample(1))));
        assert_eq!(bench.cal.now(), 20.0 / 500.0);
    }

    #[test]
    fn the_guard_stops_at_the_wip_or_the_event_limit() {
        let mut p = probes(3, 10);
        assert!(!p.saturated(2));
        assert!(p.wip_reached(3) && p.saturated(3));
        p.events = 10;
        assert!(p.saturated(0) && !p.wip_reached(0));
        assert!(p.should_stop(0));
        p.events = 4096;
        let mut p = Probes {
            max_events: u64::MAX,
            next_check: STOP_CHECK_EVERY,
            ..p
        };
        assert!(!p.should_stop(0), "the stop flag is not set");
        assert_eq!(
            p.next_check,
            2 * STOP_CHECK_EVERY,
            "looked at the flag again then"
        );
    }

    #[test]
    fn the_stop_flag_and_the_event_limit_are_looked_at_when_due() {
        static STOPPED: AtomicBool = AtomicBool::new(true);
        let limits = Limits {
            keep_items: false,
            keep_series: false,
            keep_flow: false,
            keep_events: false,
            max_wip: 100,
            max_events: 10_000,
            held: true,
        };
        let mut p = Probes::new(1, 0.0, 1.0, limits, &STOPPED);
        let mut stopped_at = None;
        for _ in 0..3 * STOP_CHECK_EVERY {
            p.events += 1;
            if p.should_stop(0) {
                stopped_at = Some(p.events);
                break;
            }
        }
        assert_eq!(
            stopped_at,
            Some(STOP_CHECK_EVERY),
            "the flag, at its first look"
        );
        let mut p = Probes::new(1, 0.0, 1.0, limits, &RUNNING);
        let mut stopped_at = None;
        for _ in 0..3 * STOP_CHECK_EVERY {
            p.events += 1;
            if p.should_stop(0) {
                stopped_at = Some(p.events);
                break;
            }
        }
        assert_eq!(
            stopped_at,
            Some(10_000),
            "max_events, between two looks at the flag"
        );
    }
}
