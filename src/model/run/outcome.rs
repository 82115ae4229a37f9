//! What one replication gives back, and the turning of its tallies into
//! the named metrics of docs/model.md, "Metrics".

use super::Mechanisms;
use crate::model::economics;
use crate::model::event_log::TaskExecution;
use crate::model::ids::TeamId;
use crate::model::metric::{Metric, MetricId, Scope};
use crate::model::tally::{self, ItemRecord};
use crate::stats::trend::{TREND_LEVEL, trend_test};

/// Steps of the lead-time quantiles kept per replication (1/200 each).
pub const QUANTILE_STEPS: u32 = 200;

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
    /// When the oldest item of the streams in the system arrived (`None`
    /// when there is none, or the flow charts are not recorded): the
    /// work-in-progress chart's age of the oldest item is `time` minus it.
    pub oldest_arrival: Option<f64>,
}

/// An item of a stream done in the measurement window of the replication
/// whose flow charts are drawn (docs/model.md, "Flow charts").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Completion {
    /// The item's number within its stream.
    pub index: u64,
    /// Its stream.
    pub stream: usize,
    /// When it arrived.
    pub arrival: f64,
    /// When it was done.
    pub done: f64,
}

/// What a replication records besides its metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recording {
    /// Keep every completed item (for `items.csv`).
    pub items: bool,
    /// Sample the cumulative flow diagram.
    pub flow: bool,
    /// With the flow, keep the items done in the window and the age of the
    /// oldest item at each sample: the flow charts.
    pub flow_charts: bool,
    /// Keep the (completion time, lead time) of every completed item, from
    /// time 0 on (for warm-up detection).
    pub series: bool,
    /// Keep every task execution of every item completed from time 0 on
    /// (the simulated event log of `orgsim run --events`).
    pub events: bool,
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
    /// The items of the streams done in the measurement window, in
    /// completion order (only when the flow charts are asked for).
    pub completions: Vec<Completion>,
    /// The measurement window as observed: its start, and its end or the
    /// moment the replication was stopped as saturated.
    pub window: (f64, f64),
    /// (completion time, lead time) of every item completed since time 0, in
    /// completion order (only when asked for).
    pub series: Vec<(f64, f64)>,
    /// The stream of each item of `series`.
    pub series_streams: Vec<usize>,
    /// With the series, per stream, the item-days its items spent in the
    /// system on each day since time 0, done or not.
    pub series_wip: Vec<Vec<f64>>,
    /// The daily series made of `series` when the run asks for them
    /// (docs/model.md, "Over time"); the series is then dropped.
    pub daily: Option<crate::stats::daily::DailySeries>,
    /// Every task execution of the items completed since time 0, in
    /// completion order (only when asked for).
    pub executions: Vec<TaskExecution>,
    /// When the replication was stopped because its work in progress
    /// reached `simulation.max_wip`, or its events `simulation.max_events`
    /// (its metrics are then undefined).
    pub saturated_at: Option<f64>,
    /// When each item of the backlog waiting at day 0 was done, in
    /// completion order (docs/model.md, "Forecasts"; empty without one).
    pub backlog_done: Vec<f64>,
}

impl ReplicationOutcome {
    /// Marks the replication as stopped at `t` by `simulation.max_events`
    /// (`by_events`) or `max_wip`. The means of a system that never settles
    /// are meaningless: it is reported as saturated (and unstable) rather
    /// than as numbers; its warm-up stays what it was.
    pub(super) fn mark_saturated(&mut self, t: f64, by_events: bool) {
        for (name, value) in self.metrics.iter_mut() {
            *value = match MetricId::parse(name).map(|id| id.metric) {
                Some(Metric::Saturated) => 1.0,
                // Stopped by the event budget, not by work piling up: that
                // says nothing about whether the organization keeps up.
                Some(Metric::Unstable) => f64::from(u8::from(!by_events)),
                Some(Metric::MaxEventsReached) => f64::from(u8::from(by_events)),
                Some(Metric::Warmup) => *value,
                _ => f64::NAN,
            };
        }
        self.saturated_at = Some(t);
        self.window.1 = self.window.1.min(t);
    }
}

impl Mechanisms<'_> {
    /// Turns the tallies into the named metrics.
    pub(super) fn finish(mut self) -> ReplicationOutcome {
        let backlog_done = self.arrivals.take_backlog_done();
        let end = self.probes.window_end;
        let horizon = self.horizon;
        let names: Vec<&str> = self
            .model
            .workload
            .streams
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let wips: Vec<f64> = self
            .probes
            .streams
            .iter()
            .map(|s| s.wip.finish(end))
            .collect();
        let all = tally::total(&self.probes.streams, self.probes.window_start, end);
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

        let pools = &self.work.pools;
        let mut team_busy: Vec<f64> = (0..self.org.teams.len())
            .map(|t| {
                pools
                    .of_team(TeamId::new(t))
                    .map(|p| pools[p].busy_average.finish(end))
                    .sum()
            })
            .collect();
        let mut cross_busy = 0.0;
        for crew in self.work.crews.iter().flat_map(|c| c.iter()) {
            team_busy[crew.team.index()] += crew.busy_average.finish(end);
            cross_busy += crew.cross_average.finish(end);
        }
        let people: u32 = self.org.teams.iter().map(|t| t.size()).sum();
        let away: f64 = pools.iter().map(|p| p.away_average.finish(end)).sum();
        let leader_util: Vec<f64> = self
            .intake
            .leaders
            .iter()
            .map(|l| l.busy_average.finish(end))
            .collect();
        metrics.push((
            Metric::Utilization.name().into(),
            team_busy.iter().sum::<f64>() / f64::from(people),
        ));
        metrics.push((Metric::CapacityLost.name().into(), away / f64::from(people)));
        metrics.push((Metric::Warmup.name().into(), self.probes.window_start));
        metrics.push((Metric::Saturated.name().into(), 0.0));
        metrics.push((Metric::MaxEventsReached.name().into(), 0.0));
        let growing = trend_test(&self.probes.wip_trend.batch_means(end), TREND_LEVEL).growing;
        metrics.push((Metric::Unstable.name().into(), f64::from(u8::from(growing))));
        metrics.push((
            Metric::ReviewerUtilization.name().into(),
            self.quality
                .reviewers
                .as_ref()
                .map_or(0.0, |r| r.busy_average.finish(end) / f64::from(r.capacity)),
        ));
        metrics.push((
            Metric::LeaderUtilizationMax.name().into(),
            leader_util.iter().copied().fold(0.0, f64::max),
        ));
        metrics.push((
            Metric::ExecutiveUtilization.name().into(),
            self.intake.executive.busy_average.finish(end),
        ));
        let busy: f64 = team_busy.iter().sum();
        metrics.push((
            Metric::CrossSkillShare.name().into(),
            if busy > 0.0 { cross_busy / busy } else { 0.0 },
        ));
        if let Some(e) = &self.model.economics {
            let lead_sums: Vec<f64> = (self.probes.streams.iter())
                .map(|s| s.lead_times.sum())
                .collect();
            for (m, v) in economics::metrics(e, self.org, &lead_sums, horizon) {
                metrics.push((m.name().into(), v));
            }
        }
        if let Some(before) = &self.before {
            before.blend(&mut metrics, self.org, end);
        }
        for (k, tally) in self.probes.streams.iter().enumerate() {
            let percentiles = if self.probes.streams.len() == 1 {
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
            items: self.probes.records,
            lead_time_quantiles: distribution,
            flow: self.probes.flow,
            completions: self.probes.completions,
            window: (self.probes.window_start, end),
            series: self.probes.series,
            series_streams: self.probes.series_streams,
            series_wip: (self.probes.series_wip.into_iter())
                .map(|a| a.finish(end))
                .collect(),
            daily: None,
            executions: self.probes.executions,
            saturated_at: None,
            backlog_done,
        }
    }
}
