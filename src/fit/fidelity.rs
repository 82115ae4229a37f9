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
}

impl History {
    /// Time-average items in progress (Little: the lead times over the span).
    pub fn wip(&self) -> f64 {
        self.lead_times.iter().sum::<f64>() / self.span
    }
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
    for item in &log.item_data {
        h.lead_times.push(item.done(log) - item.created);
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
