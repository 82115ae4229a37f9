//! Reading the flow charts' files back (`cycle_time.csv`,
//! `throughput_weekly.csv`, `wip_age.csv`): the points of replication 0
//! per topology. A folder written before these files existed has none, and
//! draws no flow chart.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::ChartError;
use crate::report::layout;

/// An item of `cycle_time.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CyclePoint {
    /// Completion day.
    pub done: f64,
    /// Lead time (days, arrival to done).
    pub lead_time: f64,
}

/// A week of `throughput_weekly.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekCount {
    /// First day of the week.
    pub start: f64,
    /// Its end (5 working days later).
    pub end: f64,
    /// Items completed in it.
    pub completed: f64,
}

/// A sample of `wip_age.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WipAge {
    /// Day (since the start, warm-up included).
    pub time: f64,
    /// Items of the streams in the system.
    pub wip: f64,
    /// Age in days of the oldest of them (NaN when there is none).
    pub oldest_age: f64,
}

/// The flow charts' data of a `run` folder, per topology (replication 0).
#[derive(Debug, Clone, Default)]
pub struct FlowCharts {
    /// Points of the cycle-time scatter, in completion order.
    pub cycle: BTreeMap<String, Vec<CyclePoint>>,
    /// Weeks of the throughput run chart.
    pub weeks: BTreeMap<String, Vec<WeekCount>>,
    /// Samples of the work-in-progress and age chart.
    pub wip: BTreeMap<String, Vec<WipAge>>,
    /// The lead-time percentiles of [`MARKS`](super::flow::MARKS) of each
    /// topology's `cycle` points, worked out once by [`FlowCharts::new`]
    /// (the scatter, the aging chart and their captions all show them).
    marks: BTreeMap<String, [f64; 3]>,
}

impl FlowCharts {
    /// Reads the three files of `dir` that it has.
    pub fn load(dir: &Path) -> Result<Self, ChartError> {
        let cycle = read(
            dir,
            layout::CYCLE_TIME_CSV,
            &["topology", "replication", "done", "lead_time"],
            |v| CyclePoint {
                done: v[0],
                lead_time: v[1],
            },
        )?;
        let weeks = read(
            dir,
            layout::THROUGHPUT_WEEKLY_CSV,
            &["topology", "replication", "start", "end", "completed"],
            |v| WeekCount {
                start: v[0],
                end: v[1],
                completed: v[2],
            },
        )?;
        let wip = read(
            dir,
            layout::WIP_AGE_CSV,
            &["topology", "replication", "time", "wip", "oldest_age"],
            |v| WipAge {
                time: v[0],
                wip: v[1],
                oldest_age: v[2],
            },
        )?;
        Ok(Self::new(cycle, weeks, wip))
    }

    /// The flow charts' data made of these points, with the percentiles of
    /// each topology's lead times worked out (one sort per topology).
    pub fn new(
        cycle: BTreeMap<String, Vec<CyclePoint>>,
        weeks: BTreeMap<String, Vec<WeekCount>>,
        wip: BTreeMap<String, Vec<WipAge>>,
    ) -> Self {
        let marks = cycle
            .iter()
            .map(|(t, points)| (t.clone(), lead_time_marks(points)))
            .collect();
        Self {
            cycle,
            weeks,
            wip,
            marks,
        }
    }

    /// The lead-time percentiles of [`MARKS`](super::flow::MARKS) of
    /// `topology`'s cycle points (NaN where it has none).
    pub fn marks(&self, topology: &str) -> [f64; 3] {
        match self.marks.get(topology) {
            Some(m) => *m,
            // Points set after `new` (or none at all).
            None => lead_time_marks(self.cycle.get(topology).map_or(&[], Vec::as_slice)),
        }
    }
}

/// The type-7 percentiles of [`MARKS`](super::flow::MARKS) of the finite
/// lead times of `points`, from one sort.
fn lead_time_marks(points: &[CyclePoint]) -> [f64; 3] {
    let mut leads: Vec<f64> = points
        .iter()
        .map(|c| c.lead_time)
        .filter(|x| x.is_finite())
        .collect();
    leads.sort_by(f64::total_cmp);
    super::flow::MARKS.map(|(p, _)| crate::stats::percentile(&leads, p))
}

/// The rows of `dir/name` (if it is there) of the first replication listed
/// per topology, each made by `make` from the numbers in `columns` after
/// the topology and the replication; rows with a non-finite first number
/// are skipped.
fn read<T>(
    dir: &Path,
    name: &str,
    columns: &[&str],
    make: impl Fn(&[f64]) -> T,
) -> Result<BTreeMap<String, Vec<T>>, ChartError> {
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    let path = dir.join(name);
    if !path.is_file() {
        return Ok(out);
    }
    let bytes = fs::read(&path).map_err(|e| ChartError::io(&path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ChartError::format(&path, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let cols = columns
        .iter()
        .map(|c| {
            header
                .iter()
                .position(|h| h == c)
                .ok_or_else(|| ChartError::format(&path, format!("has no column `{c}`")))
        })
        .collect::<Result<Vec<usize>, _>>()?;
    let mut first_rep: BTreeMap<String, String> = BTreeMap::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ChartError::format(&path, e.to_string()))?;
        let cell = |c: usize| record.get(cols[c]).unwrap_or("").trim();
        let (topology, rep) = (cell(0).to_string(), cell(1));
        if first_rep
            .entry(topology.clone())
            .or_insert_with(|| rep.to_string())
            != rep
        {
            continue;
        }
        let mut values = Vec::with_capacity(cols.len() - 2);
        for (c, column) in columns.iter().enumerate().skip(2) {
            let text = cell(c);
            let v = if text.is_empty() {
                f64::NAN
            } else {
                text.parse::<f64>().map_err(|_| {
                    ChartError::format(
                        &path,
                        format!(
                            "line {}: `{text}` in column `{column}` is not a number",
                            line + 2
                        ),
                    )
                })?
            };
            values.push(v);
        }
        if values[0].is_finite() {
            out.entry(topology).or_default().push(make(&values));
        }
    }
    Ok(out)
}
