//! How well the fitted scenario reproduces the log (docs/model.md, "What
//! the fit assumes"): its `as-is` topology is simulated over the log's
//! span, and the simulated histories are compared with the log — lead-time
//! distribution (Wasserstein-1 in days and relative to the mean,
//! Kolmogorov–Smirnov), throughput per stream, waits before tasks, work in
//! progress — each beside the same distance between two independent
//! simulated replications, which is what simulation noise alone gives.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::log::{EventLog, Role};
use crate::experiment::replay;
use crate::model::event_log::TaskExecution;
use crate::scenario::Scenario;

/// One line of `fidelity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct FidelityRow {
    /// What is compared.
    pub measure: &'static str,
    /// Over what (`all` or a stream).
    pub scope: String,
    /// The log's value of the measure.
    pub observed: f64,
    /// Its mean over the simulated replications.
    pub simulated: f64,
    /// The mean distance between the log and a replication.
    pub distance: f64,
    /// The mean distance between two replications (noise alone).
    pub noise: f64,
    /// The largest distance between two replications.
    pub noise_max: f64,
    /// The unit of the values and distances.
    pub unit: &'static str,
}

impl FidelityRow {
    /// Whether the log is no farther from the model than two of the
    /// model's own replications are from each other at most.
    pub fn within_noise(&self) -> bool {
        self.distance <= self.noise_max
    }
}

/// What one history (the log, or a simulated replication) shows.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Lead times of its items.
    pub lead_times: Vec<f64>,
    /// Items done per stream name.
    pub done: BTreeMap<String, usize>,
    /// Waits before each task: from the last end in its item before its
    /// start (or the item's arrival) to its start.
    pub waits: Vec<f64>,
    /// The same waits by what came before: `[0]` nothing (the item's
    /// first tasks), `[1]` a task of the same team, `[2]` another team's.
    pub waits_by: [Vec<f64>; 3],
    /// Days it covers.
    pub span: f64,
    /// Each item's (arrival, done), days from the history's start.
    pub open: Vec<(f64, f64)>,
}

impl History {
    /// Time-average items in progress (Little: the lead times over the span).
    pub fn wip(&self) -> f64 {
        self.lead_times.iter().sum::<f64>() / self.span
    }

    /// Work in progress day by day: the time-average number of items
    /// arrived and not yet done during each day `[d, d + 1)` of the span
    /// (the last day cut at the span's end).
    pub fn wip_daily(&self) -> Vec<f64> {
        let days = self.span.ceil().max(1.0) as usize;
        let mut wip = vec![0.0; days];
        for &(a, b) in &self.open {
            let (a, b) = (a.max(0.0), b.min(self.span));
            if b <= a {
                continue;
            }
            let first = a.floor() as usize;
            let last = (b.ceil() as usize).min(days);
            for (d, w) in wip.iter_mut().enumerate().take(last).skip(first) {
                let d = d as f64;
                *w += (b.min(d + 1.0) - a.max(d)).max(0.0);
            }
        }
        if let Some(w) = wip.last_mut() {
            let width = self.span - (days - 1) as f64;
            if width > 0.0 && width < 1.0 {
                *w /= width;
            }
        }
        wip
    }
}

/// The mean absolute difference between two daily WIP series, over the
/// days both cover.
pub fn wip_gap(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return f64::NAN;
    }
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>() / n as f64
}

/// Work in progress day by day: the log's, and the simulated replications'
/// mean, lowest and highest (the band the simulation noise alone gives).
#[derive(Debug, Clone, PartialEq)]
pub struct WipSeries {
    /// The log's, per day.
    pub log: Vec<f64>,
    /// The replications' mean, per day.
    pub mean: Vec<f64>,
    /// The lowest replication's, per day.
    pub low: Vec<f64>,
    /// The highest replication's, per day.
    pub high: Vec<f64>,
}

/// The daily WIP of `log` beside that of the simulated `sims`.
pub fn wip_series(log: &History, sims: &[History]) -> WipSeries {
    let l = log.wip_daily();
    let s: Vec<Vec<f64>> = sims.iter().map(History::wip_daily).collect();
    let n = s.iter().map(Vec::len).fold(l.len(), usize::min);
    let over = |f: &dyn Fn(&[f64]) -> f64| -> Vec<f64> {
        (0..n)
            .map(|d| f(&s.iter().map(|v| v[d]).collect::<Vec<f64>>()))
            .collect()
    };
    WipSeries {
        log: l[..n].to_vec(),
        mean: over(&|v| v.iter().sum::<f64>() / v.len().max(1) as f64),
        low: over(&|v| v.iter().copied().fold(f64::INFINITY, f64::min)),
        high: over(&|v| v.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
    }
}

/// `fit_wip.csv`: the daily WIP of the log and of the simulation.
pub fn wip_csv(w: &WipSeries) -> String {
    let mut out = String::from("day,log,simulated_mean,simulated_min,simulated_max\n");
    for d in 0..w.log.len() {
        out.push_str(&format!(
            "{d},{},{},{},{}\n",
            super::num(w.log[d]),
            super::num(w.mean[d]),
            super::num(w.low[d]),
            super::num(w.high[d])
        ));
    }
    out
}

/// Waits before the tasks of one item: `(start, end, team)` per task,
/// `created`.
fn item_waits(created: f64, tasks: &[(f64, f64, usize)], h: &mut History) {
    let mut ends: Vec<(f64, usize)> = tasks.iter().map(|t| (t.1, t.2)).collect();
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    for &(start, _, team) in tasks {
        let i = ends.partition_point(|&(e, _)| e <= start);
        let (from, group) = if i == 0 {
            (created, 0)
        } else {
            let (e, t) = ends[i - 1];
            (e.max(created), if t == team { 1 } else { 2 })
        };
        h.waits.push(start - from);
        h.waits_by[group].push(start - from);
    }
}

/// An item of a simulated log: its stream, whether it is a fix item, its index.
type ItemKey = (usize, bool, u64);

/// A task's (start, end, team).
type Span = (f64, f64, usize);

/// The log's history, one per item (for bootstrap resamples of the items).
pub fn of_log_items(log: &EventLog, span: f64) -> Vec<History> {
    let has_start = log.has.contains_key(&Role::Start);
    log.item_data
        .iter()
        .map(|item| {
            let mut h = History {
                span,
                ..History::default()
            };
            h.lead_times.push(item.done(log) - item.created);
            if has_start {
                let tasks: Vec<(f64, f64, usize)> = item
                    .rows
                    .iter()
                    .filter_map(|&r| {
                        let row = &log.rows[r];
                        row.start.map(|s| (s, row.end, row.team as usize))
                    })
                    .collect();
                item_waits(item.created, &tasks, &mut h);
            }
            h
        })
        .collect()
}

/// The log's history.
pub fn of_log(log: &EventLog, span: f64) -> History {
    let mut h = History {
        span,
        ..History::default()
    };
    let has_start = log.has.contains_key(&Role::Start);
    let first = log
        .item_data
        .iter()
        .map(|i| i.created)
        .fold(f64::INFINITY, f64::min);
    for item in &log.item_data {
        h.lead_times.push(item.done(log) - item.created);
        h.open.push((item.created - first, item.done(log) - first));
        *h.done
            .entry(log.streams.name(item.stream).to_string())
            .or_default() += 1;
        if has_start {
            let tasks: Vec<(f64, f64, usize)> = item
                .rows
                .iter()
                .filter_map(|&r| {
                    let row = &log.rows[r];
                    row.start.map(|s| (s, row.end, row.team as usize))
                })
                .collect();
            item_waits(item.created, &tasks, &mut h);
        }
    }
    h
}

/// A simulated replication's history, from its event log.
pub fn of_executions(scenario: &Scenario, executions: &[TaskExecution], span: f64) -> History {
    let mut h = History {
        span,
        ..History::default()
    };
    let mut items: BTreeMap<ItemKey, (f64, Vec<Span>)> = BTreeMap::new();
    for e in executions {
        let key = (e.stream, e.item_type.is_none(), e.index);
        let entry = items.entry(key).or_insert((e.arrival, Vec::new()));
        entry.1.push((e.start, e.end, e.team));
    }
    for ((k, fix, _), (created, tasks)) in items {
        if fix {
            continue;
        }
        let done = tasks.iter().map(|t| t.1).fold(created, f64::max);
        h.lead_times.push(done - created);
        h.open.push((created, done));
        *h.done
            .entry(scenario.model.workload.streams[k].name.clone())
            .or_default() += 1;
        item_waits(created, &tasks, &mut h);
    }
    h
}

/// Simulates replications `0..replications` of `topology` of `scenario`
/// (from empty, over its horizon), in parallel, telling `progress` of each.
pub fn simulate(
    scenario: &Scenario,
    topology: &str,
    replications: u32,
    progress: &(dyn Fn() + Sync),
) -> Vec<History> {
    let span = scenario.run.horizon;
    (0..u64::from(replications))
        .into_par_iter()
        .map(|r| {
            let h = replay::with_events(scenario, topology, r, 0.0)
                .map(|(_, o)| of_executions(scenario, &o.executions, span))
                .unwrap_or_default();
            progress();
            h
        })
        .collect()
}

/// Wasserstein-1 distance between two samples (the area between their
/// quantile functions, on a grid of 1,000 probabilities).
pub fn wasserstein1(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    const GRID: usize = 1000;
    (0..GRID)
        .map(|i| {
            let p = (i as f64 + 0.5) / GRID as f64;
            (super::dist::quantile(&a, p) - super::dist::quantile(&b, p)).abs()
        })
        .sum::<f64>()
        / GRID as f64
}

/// The two-sample Kolmogorov–Smirnov distance.
pub fn ks2(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / na - j as f64 / nb).abs());
    }
    d
}

/// The fidelity table of `log` against the simulated `sims` (at least 2).
pub fn compare(log: &History, sims: &[History]) -> Vec<FidelityRow> {
    let mut rows = Vec::new();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let pairs: Vec<(usize, usize)> = (0..sims.len())
        .map(|r| (r, (r + 1) % sims.len()))
        .filter(|(a, b)| a != b)
        .collect();
    let mut row = |measure: &'static str,
                   scope: String,
                   unit: &'static str,
                   value: &dyn Fn(&History) -> f64,
                   distance: &dyn Fn(&History, &History) -> f64| {
        let d: Vec<f64> = sims.iter().map(|s| distance(log, s)).collect();
        let noise: Vec<f64> = pairs
            .iter()
            .map(|&(a, b)| distance(&sims[a], &sims[b]))
            .collect();
        let sim_values: Vec<f64> = sims.iter().map(value).collect();
        rows.push(FidelityRow {
            measure,
            scope,
            observed: value(log),
            simulated: mean(&sim_values),
            distance: mean(&d),
            noise: mean(&noise),
            noise_max: noise.iter().copied().fold(f64::NAN, f64::max),
            unit,
        });
    };
    let lt_mean = |h: &History| mean(&h.lead_times);
    row(
        "lead_time_wasserstein1",
        "all".into(),
        "days",
        &lt_mean,
        &|a, b| wasserstein1(&a.lead_times, &b.lead_times),
    );
    let scale = lt_mean(log);
    row(
        "lead_time_wasserstein1_relative",
        "all".into(),
        "share of the log's mean lead time",
        &|h| lt_mean(h) / scale,
        &|a, b| wasserstein1(&a.lead_times, &b.lead_times) / scale,
    );
    row(
        "lead_time_ks",
        "all".into(),
        "KS distance (0 to 1)",
        &lt_mean,
        &|a, b| ks2(&a.lead_times, &b.lead_times),
    );
    let streams: Vec<String> = log.done.keys().cloned().collect();
    for s in streams {
        let scope = s.clone();
        let tp = move |h: &History| h.done.get(&s).copied().unwrap_or(0) as f64 / h.span;
        row(
            "throughput",
            scope,
            "items per working day",
            &tp,
            &|a, b| (tp(a) - tp(b)).abs(),
        );
    }
    if !log.waits.is_empty() {
        row(
            "wait_wasserstein1",
            "all".into(),
            "days",
            &|h| mean(&h.waits),
            &|a, b| wasserstein1(&a.waits, &b.waits),
        );
    }
    row(
        "wip_mean",
        "all".into(),
        "items in progress",
        &|h| h.wip(),
        &|a, b| (a.wip() - b.wip()).abs(),
    );
    // WIP over time: the mean absolute daily difference, relative to the
    // log's mean WIP; the value is the mean WIP of the days compared.
    let wip_scale = log.wip().max(1e-9);
    row(
        "wip_over_time",
        "all".into(),
        "share of the log's mean WIP (mean absolute daily difference)",
        &|h| mean(&h.wip_daily()),
        &|a, b| wip_gap(&a.wip_daily(), &b.wip_daily()) / wip_scale,
    );
    rows
}

/// `fidelity.csv`.
pub fn csv(rows: &[FidelityRow]) -> String {
    let mut out = String::from(
        "measure,scope,observed,simulated,distance,noise,noise_max,unit,within_noise\n",
    );
    for r in rows {
        let scope = if r.scope.contains([',', '"']) {
            format!("\"{}\"", r.scope.replace('"', "\"\""))
        } else {
            r.scope.clone()
        };
        out.push_str(&format!(
            "{},{scope},{},{},{},{},{},{},{}\n",
            r.measure,
            super::num(r.observed),
            super::num(r.simulated),
            super::num(r.distance),
            super::num(r.noise),
            super::num(r.noise_max),
            r.unit,
            r.within_noise()
        ));
    }
    out
}

/// The probabilities of the quantile tables (`fit_lead_time.csv`,
/// `fit_waits.csv`): 0, 1%, …, 100%.
pub fn table_probabilities() -> impl Iterator<Item = f64> {
    (0..=100).map(|i| f64::from(i) / 100.0)
}

/// `(probability, log quantile, simulated quantile)` of two samples, the
/// simulated one pooled over the replications; empty when either is.
pub fn quantile_table(log: &[f64], sims: &[&[f64]]) -> Vec<(f64, f64, f64)> {
    let mut a = log.to_vec();
    let mut b: Vec<f64> = sims.iter().flat_map(|s| s.iter().copied()).collect();
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    table_probabilities()
        .map(|p| {
            (
                p,
                super::dist::quantile(&a, p),
                super::dist::quantile(&b, p),
            )
        })
        .collect()
}

/// `fit_lead_time.csv`: the lead-time quantiles of the log and of the
/// simulated replications pooled.
pub fn lead_time_csv(log: &History, sims: &[History]) -> String {
    let s: Vec<&[f64]> = sims.iter().map(|h| h.lead_times.as_slice()).collect();
    let mut out = String::from("probability,log,simulated\n");
    for (p, a, b) in quantile_table(&log.lead_times, &s) {
        out.push_str(&format!(
            "{},{},{}\n",
            super::num(p),
            super::num(a),
            super::num(b)
        ));
    }
    out
}

/// The names of the wait groups of [`History::waits_by`], as the files
/// write them.
pub const WAIT_GROUPS: [&str; 3] = ["first_task", "after_same_team", "after_other_team"];

/// `fit_waits.csv`: per group of waits the log has, the quantiles of the
/// waits before tasks in the log and in the simulated replications pooled.
pub fn waits_csv(log: &History, sims: &[History]) -> String {
    let mut out = String::from("group,probability,log,simulated\n");
    for (g, name) in WAIT_GROUPS.iter().enumerate() {
        let s: Vec<&[f64]> = sims.iter().map(|h| h.waits_by[g].as_slice()).collect();
        for (p, a, b) in quantile_table(&log.waits_by[g], &s) {
            out.push_str(&format!(
                "{name},{},{},{}\n",
                super::num(p),
                super::num(a),
                super::num(b)
            ));
        }
    }
    out
}
