//! The data of the flow charts of replication 0 (docs/model.md, "Flow
//! charts"): `cycle_time.csv`, `throughput_weekly.csv` and `wip_age.csv`,
//! written beside `cfd.csv` when the charts are drawn. Unlike `cfd.csv`
//! (501 rows whatever the run), `cycle_time.csv` has a row per item of
//! replication 0, so a run with `--no-plots` neither records nor writes
//! them.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::util::atomic::write_atomic;

use super::charts::flow_data::{CyclePoint, FlowCharts, WeekCount, WipAge};
use super::csv_files::{number, to_bytes};
use super::layout;
use crate::experiment::{Experiment, TopologyResults};

/// Working days in a week of the throughput run chart.
pub const WEEK_DAYS: f64 = 5.0;

/// One week of the throughput run chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Week {
    /// Its number, from 0 at the start of the measurement window.
    pub week: u32,
    /// Its first day.
    pub start: f64,
    /// Its end: `start` + [`WEEK_DAYS`].
    pub end: f64,
    /// Items completed in it.
    pub completed: u64,
}

/// The items completed per full week of [`WEEK_DAYS`] working days of the
/// window [`start`, `end`], given their completion days `done`: week `k`
/// holds the items with `⌊(done − start) / 5⌋ = k`, and the last one also
/// an item done at the window's very end; the days after the last full
/// week (a partial week, which would read as a drop) are left out.
pub fn weeks(done: impl IntoIterator<Item = f64>, start: f64, end: f64) -> Vec<Week> {
    let span = end - start;
    if !span.is_finite() || span < WEEK_DAYS {
        return Vec::new();
    }
    let full = (span / WEEK_DAYS).floor() as usize;
    let last_end = start + WEEK_DAYS * full as f64;
    let mut counts = vec![0u64; full];
    for d in done {
        let k = ((d - start) / WEEK_DAYS).floor();
        if k < 0.0 || k.is_nan() {
            continue;
        }
        let k = k as usize;
        if k < full {
            counts[k] += 1;
        } else if k == full && d == last_end && last_end >= end {
            counts[full - 1] += 1;
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(k, completed)| {
            let first = start + WEEK_DAYS * k as f64;
            Week {
                week: k as u32,
                start: first,
                end: first + WEEK_DAYS,
                completed,
            }
        })
        .collect()
}

/// The weeks of a topology's replication 0.
pub fn topology_weeks(t: &TopologyResults) -> Vec<Week> {
    let (start, end) = t.flow_window;
    weeks(t.completions.iter().map(|c| c.done), start, end)
}

/// `cycle_time.csv`: one row per item of the streams replication 0 of
/// each topology completed in its measurement window, in completion order.
pub fn cycle_time_csv(exp: &Experiment) -> io::Result<Vec<u8>> {
    let streams = &exp.scenario.model.workload.streams;
    to_bytes(
        &strings(&layout::CYCLE_TIME_COLUMNS),
        exp.topologies.iter().flat_map(|t| {
            t.completions.iter().map(|c| {
                vec![
                    t.name.clone(),
                    "0".to_string(),
                    c.index.to_string(),
                    streams[c.stream].name.clone(),
                    number(c.arrival),
                    number(c.done),
                    number(c.done - c.arrival),
                ]
            })
        }),
    )
}

/// `throughput_weekly.csv`: one row per full week of replication 0's
/// measurement window of each topology (see [`weeks`]).
pub fn throughput_weekly_csv(exp: &Experiment) -> io::Result<Vec<u8>> {
    to_bytes(
        &strings(&layout::THROUGHPUT_WEEKLY_COLUMNS),
        exp.topologies.iter().flat_map(|t| {
            topology_weeks(t).into_iter().map(|w| {
                vec![
                    t.name.clone(),
                    "0".to_string(),
                    w.week.to_string(),
                    number(w.start),
                    number(w.end),
                    w.completed.to_string(),
                ]
            })
        }),
    )
}

/// `wip_age.csv`: at every sample of the cumulative flow diagram of
/// replication 0, the items of the streams in the system and the age of
/// the oldest of them (`NaN` when there is none).
pub fn wip_age_csv(exp: &Experiment) -> io::Result<Vec<u8>> {
    to_bytes(
        &strings(&layout::WIP_AGE_COLUMNS),
        exp.topologies.iter().flat_map(|t| {
            t.flow.iter().map(|f| {
                vec![
                    t.name.clone(),
                    "0".to_string(),
                    number(f.time),
                    (f.arrived - f.done).to_string(),
                    number(f.oldest_arrival.map_or(f64::NAN, |a| f.time - a)),
                ]
            })
        }),
    )
}

/// What the flow charts read of the three files of `exp`, as they would
/// read it back ([`FlowCharts::load`]): `orgsim run` draws them without
/// reading its files again.
pub fn flow_charts(exp: &Experiment) -> FlowCharts {
    let (mut cycle, mut weeks, mut wip) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for t in &exp.topologies {
        // The files' topology cells are read back trimmed.
        let name = t.name.trim();
        let points: Vec<CyclePoint> = (t.completions.iter())
            .filter(|c| c.done.is_finite())
            .map(|c| CyclePoint {
                done: c.done,
                lead_time: c.done - c.arrival,
            })
            .collect();
        if !points.is_empty() {
            cycle
                .entry(name.to_string())
                .or_insert_with(Vec::new)
                .extend(points);
        }
        let counts: Vec<WeekCount> = (topology_weeks(t).into_iter())
            .filter(|w| w.start.is_finite())
            .map(|w| WeekCount {
                start: w.start,
                end: w.end,
                completed: w.completed as f64,
            })
            .collect();
        if !counts.is_empty() {
            weeks
                .entry(name.to_string())
                .or_insert_with(Vec::new)
                .extend(counts);
        }
        let samples: Vec<WipAge> = (t.flow.iter())
            .filter(|f| f.time.is_finite())
            .map(|f| WipAge {
                time: f.time,
                wip: (f.arrived - f.done) as f64,
                oldest_age: f.oldest_arrival.map_or(f64::NAN, |a| f.time - a),
            })
            .collect();
        if !samples.is_empty() {
            wip.entry(name.to_string())
                .or_insert_with(Vec::new)
                .extend(samples);
        }
    }
    FlowCharts::new(cycle, weeks, wip)
}

/// Writes the three files of `exp` into `dir`, each atomically; returns
/// the paths written.
pub fn write_all(exp: &Experiment, dir: &Path) -> io::Result<Vec<PathBuf>> {
    let files = [
        (layout::CYCLE_TIME_CSV, cycle_time_csv(exp)?),
        (layout::THROUGHPUT_WEEKLY_CSV, throughput_weekly_csv(exp)?),
        (layout::WIP_AGE_CSV, wip_age_csv(exp)?),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_full_weeks_from_the_window_start() {
        // Window [10, 32]: four full weeks (10–15, 15–20, 20–25, 25–30),
        // the partial week 30–32 left out.
        let done = [10.0, 14.99, 15.0, 21.0, 29.0, 30.0, 31.5, 9.0];
        let w = weeks(done, 10.0, 32.0);
        assert_eq!(w.len(), 4);
        let counts: Vec<u64> = w.iter().map(|w| w.completed).collect();
        // 30 starts the partial week.
        assert_eq!(counts, [2, 1, 1, 1]);
        assert_eq!((w[3].start, w[3].end), (25.0, 30.0));
        // An item done at the very end of the window counts in its last week.
        let w = weeks([20.0], 10.0, 20.0);
        assert_eq!(w.iter().map(|w| w.completed).collect::<Vec<_>>(), [0, 1]);
        assert!(weeks([1.0], 0.0, 4.0).is_empty(), "no full week");
        assert!(weeks([1.0], f64::NAN, f64::NAN).is_empty());
    }
}
