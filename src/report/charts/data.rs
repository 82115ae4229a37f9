//! Reading a result folder back: everything a chart or the report shows
//! comes from these files, never from a simulation in memory, so that
//! `orgsim plot DIR` re-draws old results exactly.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{ChartError, numbers};
use crate::experiment::sweep::manifest as sweep_files;
use crate::model::{Metric, MetricId, Scope};
use crate::report::layout;

/// One row of `summary.csv` (or of `sweep.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    /// Mean across replications.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// Lower end of the 95% confidence interval.
    pub low: f64,
    /// Upper end of the 95% confidence interval.
    pub high: f64,
    /// Replications.
    pub n: u32,
}

/// One row of `comparison.csv` (or of `sweep_comparison.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diff {
    /// Mean paired difference (topology − baseline).
    pub mean: f64,
    /// Lower end of its 95% confidence interval.
    pub low: f64,
    /// Upper end of its 95% confidence interval.
    pub high: f64,
    /// `mean` relative to the baseline's mean.
    pub relative: f64,
}

impl Diff {
    /// Whether the 95% interval contains 0 (no significant difference).
    pub fn includes_zero(&self) -> bool {
        !(self.low > 0.0 || self.high < 0.0)
    }
}

/// One sample of `cfd.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CfdSample {
    /// Day.
    pub time: f64,
    /// Items of the streams arrived so far (the demand; fix items of
    /// escaped defects are counted apart).
    pub arrived: f64,
    /// Items waiting at intake (cadence, decision, escalation).
    pub intake: f64,
    /// Items whose ready tasks wait in a backlog.
    pub backlog: f64,
    /// Items being worked.
    pub in_progress: f64,
    /// Items of the streams done so far.
    pub done: f64,
    /// Fix items of escaped defects arrived so far (0 in a folder written
    /// before they were counted apart).
    pub fix_arrived: f64,
    /// Fix items of escaped defects done so far.
    pub fix_done: f64,
}

impl CfdSample {
    /// Items of the streams in the system (arrived, not done).
    pub fn open(&self) -> f64 {
        self.arrived - self.done
    }

    /// Fix items of escaped defects in the system.
    pub fn fix_open(&self) -> f64 {
        self.fix_arrived - self.fix_done
    }
}

/// The contents of a `run` result folder.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The folder.
    pub dir: PathBuf,
    /// `manifest.json`, when the folder has one.
    pub manifest: Option<RunInfo>,
    /// Topologies in scenario order (the first is the baseline).
    pub topologies: Vec<String>,
    /// Metric names in the order of `summary.csv`.
    pub metrics: Vec<String>,
    /// What each of `metrics` is, parsed once (the charts and the report
    /// ask for the teams and the streams many times, of tens of thousands
    /// of metrics at 3,000 streams).
    ids: Vec<Option<ParsedId>>,
    /// Each metric name of `summary.csv` and `comparison.csv` and its
    /// index in the cells of `summary` and `comparison`.
    index: BTreeMap<String, usize>,
    /// Per topology with results, its summaries by metric index.
    summary: Vec<(String, Vec<Option<Stat>>)>,
    /// Per topology, its paired differences by metric index.
    comparison: Vec<(String, Vec<Option<Diff>>)>,
    /// Pooled lead-time quantiles per topology: (probability, lead time).
    pub distribution: BTreeMap<String, Vec<(f64, f64)>>,
    /// Cumulative flow samples of replication 0 per topology.
    pub cfd: BTreeMap<String, Vec<CfdSample>>,
    /// The flow charts' data of replication 0 per topology.
    pub flow: super::flow_data::FlowCharts,
}

/// A CSV file as a header and rows of strings.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The line of each row in the file, when rows were skipped (else row
    /// `i` is on line `i + 2`).
    lines: Option<Vec<usize>>,
}

impl Table {
    fn read(path: &Path) -> Result<Self, ChartError> {
        let bytes = fs::read(path).map_err(|e| ChartError::io(path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes.as_slice());
        let header = reader
            .headers()
            .map_err(|e| ChartError::format(path, e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| ChartError::format(path, e.to_string()))?;
            rows.push(record.iter().map(str::to_string).collect());
        }
        Ok(Self {
            path: path.to_path_buf(),
            header,
            rows,
            lines: None,
        })
    }

    /// Reads the CSV file at `path` a record at a time, showing `every`
    /// record (with its line) and keeping only those `keep` accepts, so
    /// that a long file is never whole in memory.
    fn read_filtered(
        path: &Path,
        mut every: impl FnMut(&[String], usize, &csv::StringRecord) -> Result<(), ChartError>,
        keep: impl Fn(&[String], &csv::StringRecord) -> bool,
    ) -> Result<Self, ChartError> {
        let file = fs::File::open(path).map_err(|e| ChartError::io(path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(std::io::BufReader::new(file));
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| ChartError::format(path, e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let (mut rows, mut lines) = (Vec::new(), Vec::new());
        let mut record = csv::StringRecord::new();
        for line in 2.. {
            let more = reader
                .read_record(&mut record)
                .map_err(|e| ChartError::format(path, e.to_string()))?;
            if !more {
                break;
            }
            every(&header, line, &record)?;
            if keep(&header, &record) {
                rows.push(record.iter().map(str::to_string).collect());
                lines.push(line);
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            header,
            rows,
            lines: Some(lines),
        })
    }

    /// The line of `row` in the file.
    fn line(&self, row: usize) -> usize {
        self.lines
            .as_ref()
            .and_then(|l| l.get(row).copied())
            .unwrap_or(row + 2)
    }

    /// The index of `column`, or an error naming the file.
    fn col(&self, column: &str) -> Result<usize, ChartError> {
        self.header
            .iter()
            .position(|h| h == column)
            .ok_or_else(|| ChartError::format(&self.path, format!("has no column `{column}`")))
    }

    fn cols(&self, columns: &[&str]) -> Result<Vec<usize>, ChartError> {
        columns.iter().map(|c| self.col(c)).collect()
    }

    /// The number in `row` at `col` (`NaN`, `inf` accepted; empty is NaN).
    fn num(&self, row: usize, col: usize) -> Result<f64, ChartError> {
        let cell = self.rows[row].get(col).map_or("", String::as_str).trim();
        if cell.is_empty() {
            return Ok(f64::NAN);
        }
        cell.parse::<f64>().map_err(|_| {
            ChartError::format(
                &self.path,
                format!(
                    "line {}: `{cell}` in column `{}` is not a number",
                    self.line(row),
                    self.header[col]
                ),
            )
        })
    }

    /// The point of a sweep row: its leading cells, as numbers or as the
    /// positions of their categories.
    fn point(&self, row: usize, categories: &[Option<Vec<String>>]) -> Result<Point, ChartError> {
        categories
            .iter()
            .enumerate()
            .map(|(c, cats)| match cats {
                None => self.num(row, c),
                Some(cats) => {
                    let cell = self.text(row, c).trim();
                    cats.iter()
                        .position(|k| k == cell)
                        .map(|k| k as f64)
                        .ok_or_else(|| {
                            ChartError::format(
                                &self.path,
                                format!(
                                    "line {}: `{cell}` in column `{}` is not a value sweep.csv has",
                                    self.line(row),
                                    self.header[c]
                                ),
                            )
                        })
                }
            })
            .collect()
    }

    fn text(&self, row: usize, col: usize) -> &str {
        self.rows[row].get(col).map_or("", String::as_str)
    }

    fn stat(&self, row: usize, c: &[usize]) -> Result<Stat, ChartError> {
        Ok(Stat {
            mean: self.num(row, c[0])?,
            sd: self.num(row, c[1])?,
            low: self.num(row, c[2])?,
            high: self.num(row, c[3])?,
            n: self.num(row, c[4])?.max(0.0) as u32,
        })
    }

    fn diff(&self, row: usize, c: &[usize]) -> Result<Diff, ChartError> {
        Ok(Diff {
            mean: self.num(row, c[0])?,
            low: self.num(row, c[1])?,
            high: self.num(row, c[2])?,
            relative: self.num(row, c[3])?,
        })
    }
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|t| t == name) {
        list.push(name.to_string());
    }
}

/// Names in first-seen order without repeats, for lists that grow with the
/// streams and teams ([`push_unique`]'s search would make reading them
/// quadratic).
#[derive(Debug, Default)]
struct Unique {
    names: Vec<String>,
    seen: std::collections::BTreeSet<String>,
}

impl Unique {
    /// Starts from `names` (assumed free of repeats).
    fn from(names: Vec<String>) -> Self {
        let seen = names.iter().cloned().collect();
        Self { names, seen }
    }

    /// Adds `name` unless it is already there.
    fn push(&mut self, name: &str) {
        if !self.seen.contains(name) {
            self.seen.insert(name.to_string());
            self.names.push(name.to_string());
        }
    }
}

/// What a result folder says about how it was made: the fields of
/// `manifest.json` (of `run`) and `sweep.json` (of `sweep`) that charts and
/// the report show. Every field is optional, so that folders written by
/// older or newer versions of orgsim still plot.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    /// Version of orgsim that wrote the folder.
    pub orgsim_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's description.
    pub description: String,
    /// Where the scenario came from.
    pub source: String,
    /// The `--set` overrides, as given.
    pub overrides: Vec<String>,
    /// Master seed.
    pub seed: Option<u64>,
    /// Replications per topology (and point).
    pub replications: Option<u32>,
    /// Warm-up days discarded.
    pub warmup: Option<f64>,
    /// The warm-up each topology used, when they differ (in topology order).
    pub warmups: Vec<f64>,
    /// Days measured.
    pub horizon: Option<f64>,
    /// Topologies, the first being the baseline.
    pub topologies: Vec<String>,
    /// Warnings of `check` about the scenario.
    pub warnings: Option<Vec<crate::model::Warning>>,
    /// The sentences about unstable topologies (of a run).
    pub stability: Vec<String>,
    /// When the run started (UTC).
    pub started: String,
    /// The `--vary` arguments of a sweep.
    pub vary: Vec<String>,
    /// The scenario as run, in TOML (of `run`).
    pub scenario_resolved: String,
}

/// Reads the first of `names` the folder has (`manifest.json`, `sweep.json`).
pub fn read_info(dir: &Path, names: &[&str]) -> Result<Option<RunInfo>, ChartError> {
    let Some(path) = names.iter().map(|n| dir.join(n)).find(|p| p.is_file()) else {
        return Ok(None);
    };
    let bytes = fs::read(&path).map_err(|e| ChartError::io(&path, e))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ChartError::format(&path, e.to_string()))
}

impl RunData {
    /// Reads the result folder `dir`: `summary.csv` is required,
    /// `comparison.csv`, `distribution.csv`, `cfd.csv` and `manifest.json`
    /// are used when present.
    pub fn load(dir: &Path) -> Result<Self, ChartError> {
        let summary_path = dir.join(layout::SUMMARY_CSV);
        if !summary_path.is_file() {
            return Err(ChartError::NoResults(dir.to_path_buf()));
        }
        let manifest = read_info(dir, &[layout::MANIFEST_JSON])?;
        let mut data = RunDataBuilder::new(dir, manifest);
        let t = Table::read(&summary_path)?;
        let (ct, cm) = (t.col("topology")?, t.col("metric")?);
        let cs = t.cols(layout::summary_stats())?;
        for r in 0..t.rows.len() {
            data.summary(t.text(r, ct), t.text(r, cm), t.stat(r, &cs)?);
        }
        drop(t);

        let path = dir.join(layout::COMPARISON_CSV);
        if path.is_file() {
            let t = Table::read(&path)?;
            let (ct, cm) = (t.col("topology")?, t.col("metric")?);
            let cd = t.cols(layout::comparison_stats())?;
            for r in 0..t.rows.len() {
                data.comparison(t.text(r, ct), t.text(r, cm), t.diff(r, &cd)?);
            }
        }

        let path = dir.join(layout::DISTRIBUTION_CSV);
        if path.is_file() {
            let t = Table::read(&path)?;
            let c = t.cols(&layout::DISTRIBUTION_COLUMNS)?;
            for r in 0..t.rows.len() {
                data.quantile(t.text(r, c[0]), t.num(r, c[1])?, t.num(r, c[2])?);
            }
        }

        let path = dir.join(layout::CFD_CSV);
        if path.is_file() {
            let t = Table::read(&path)?;
            let (required, optional) = layout::CFD_COLUMNS.split_at(layout::CFD_REQUIRED);
            let c = t.cols(required)?;
            // Written since fix items are counted apart (optional).
            let fix = (t.col(optional[0]).ok(), t.col(optional[1]).ok());
            for r in 0..t.rows.len() {
                let s = CfdSample {
                    time: t.num(r, c[2])?,
                    arrived: t.num(r, c[3])?,
                    intake: t.num(r, c[4])?,
                    backlog: t.num(r, c[5])?,
                    in_progress: t.num(r, c[6])?,
                    done: t.num(r, c[7])?,
                    fix_arrived: fix.0.map_or(Ok(0.0), |c| t.num(r, c))?,
                    fix_done: fix.1.map_or(Ok(0.0), |c| t.num(r, c))?,
                };
                data.cfd(t.text(r, c[0]), t.text(r, c[1]), s);
            }
        }
        data.flow(super::flow_data::FlowCharts::load(dir)?);
        data.finish()
            .ok_or_else(|| ChartError::format(&summary_path, "holds no results".into()))
    }

    /// The summary of `metric` in `topology`.
    pub fn stat(&self, topology: &str, metric: &str) -> Option<Stat> {
        let i = *self.index.get(metric)?;
        let (_, cells) = self.summary.iter().find(|(t, _)| t == topology)?;
        cells.get(i).copied().flatten()
    }

    /// The mean of `metric` in `topology`, if it is a number.
    pub fn mean(&self, topology: &str, metric: &str) -> Option<f64> {
        self.stat(topology, metric)
            .map(|s| s.mean)
            .filter(|m| m.is_finite())
    }

    /// The paired difference of `topology` against the baseline in `metric`.
    pub fn diff(&self, topology: &str, metric: &str) -> Option<Diff> {
        let i = *self.index.get(metric)?;
        let (_, cells) = self.comparison.iter().find(|(t, _)| t == topology)?;
        cells.get(i).copied().flatten()
    }

    /// Each of [`metrics`](Self::metrics) with what it is (`None` for a
    /// name that is not one of orgsim's), in file order.
    pub fn metric_ids(&self) -> impl Iterator<Item = (&str, Option<MetricId<'_>>)> {
        self.metrics.iter().zip(&self.ids).map(|(name, id)| {
            let id = id.as_ref().map(|p| MetricId {
                scope: match p.scope {
                    ScopeKind::All => Scope::All,
                    ScopeKind::Stream => Scope::Stream(&name[p.name.clone()]),
                    ScopeKind::Team => Scope::Team(&name[p.name.clone()]),
                },
                metric: p.metric,
            });
            (name.as_str(), id)
        })
    }

    /// The baseline topology (the first).
    pub fn baseline(&self) -> &str {
        self.topologies.first().map_or("", String::as_str)
    }

    /// Index of `topology` in scenario order (its colour).
    pub fn index(&self, topology: &str) -> usize {
        self.topologies
            .iter()
            .position(|t| t == topology)
            .unwrap_or(0)
    }

    /// The teams of `topology` that have a `team:<team>:utilization` row, in
    /// file order.
    pub fn teams(&self, topology: &str) -> Vec<String> {
        let mut teams = Unique::default();
        for (m, id) in self.metric_ids() {
            if let Some(MetricId {
                scope: Scope::Team(team),
                metric: Metric::TeamUtilization,
            }) = id
                && self.stat(topology, m).is_some()
            {
                teams.push(team);
            }
        }
        teams.names
    }

    /// The scenario's name: the manifest's, else the folder's.
    pub fn scenario_name(&self) -> String {
        scenario_name(self.manifest.as_ref(), &self.dir)
    }

    /// Replications per topology: the manifest's, else `n` of the summary.
    pub fn replications(&self) -> u32 {
        self.manifest
            .as_ref()
            .and_then(|m| m.replications)
            .unwrap_or_else(|| {
                (self.summary.iter())
                    .flat_map(|(_, cells)| cells.iter().flatten())
                    .map(|s| s.n)
                    .max()
                    .unwrap_or_default()
            })
    }

    /// Whether at least half of `topology`'s replications were flagged
    /// unstable (the `unstable` row of `summary.csv`): its lead times only
    /// measure the run length.
    pub fn is_unstable(&self, topology: &str) -> bool {
        self.mean(topology, Metric::Unstable.name())
            .is_some_and(|share| share >= crate::experiment::results::UNSTABLE_SHARE)
    }

    /// The warm-up of `topology` (0 when the folder does not say).
    pub fn warmup(&self, topology: &str) -> f64 {
        let Some(m) = &self.manifest else {
            return 0.0;
        };
        m.topologies
            .iter()
            .position(|t| t == topology)
            .and_then(|i| m.warmups.get(i).copied())
            .or(m.warmup)
            .filter(|w| w.is_finite())
            .unwrap_or(0.0)
    }
}

/// Which kind of scope a parsed metric name has.
#[derive(Debug, Clone, Copy)]
enum ScopeKind {
    All,
    Stream,
    Team,
}

/// A metric name parsed once: its scope, the scope's name as a range of
/// the metric's name, and the metric.
#[derive(Debug, Clone)]
struct ParsedId {
    scope: ScopeKind,
    name: std::ops::Range<usize>,
    metric: Metric,
}

impl ParsedId {
    fn of(name: &str) -> Option<Self> {
        let id = MetricId::parse(name)?;
        // The scope's name is a slice of `name`.
        let range = |part: &str| {
            let start = part.as_ptr() as usize - name.as_ptr() as usize;
            start..start + part.len()
        };
        let (scope, name) = match id.scope {
            Scope::All => (ScopeKind::All, 0..0),
            Scope::Stream(s) => (ScopeKind::Stream, range(s)),
            Scope::Team(t) => (ScopeKind::Team, range(t)),
        };
        Some(Self {
            scope,
            name,
            metric: id.metric,
        })
    }
}

/// A [`RunData`] made row by row: from a folder's files ([`RunData::load`])
/// or from the results in memory of the run that writes those files
/// (`orgsim run`, which so reads nothing back). The files hold every number
/// exactly, so the same rows in the same order make the same data.
#[derive(Debug)]
pub struct RunDataBuilder {
    dir: PathBuf,
    manifest: Option<RunInfo>,
    topologies: Unique,
    metrics: Vec<String>,
    ids: Vec<Option<ParsedId>>,
    index: BTreeMap<String, usize>,
    summary: Vec<(String, Vec<Option<Stat>>)>,
    comparison: Vec<(String, Vec<Option<Diff>>)>,
    distribution: BTreeMap<String, Vec<(f64, f64)>>,
    cfd: BTreeMap<String, Vec<CfdSample>>,
    cfd_replication: BTreeMap<String, String>,
    flow: super::flow_data::FlowCharts,
}

/// Sets the cell `i` of `topology` in `table`, adding what is missing.
fn set_cell<T>(table: &mut Vec<(String, Vec<Option<T>>)>, topology: &str, i: usize, value: T) {
    let row = match table.iter().position(|(t, _)| t == topology) {
        Some(row) => row,
        None => {
            table.push((topology.to_string(), Vec::new()));
            table.len() - 1
        }
    };
    let cells = &mut table[row].1;
    if cells.len() <= i {
        cells.resize_with(i + 1, || None);
    }
    cells[i] = Some(value);
}

impl RunDataBuilder {
    /// Nothing yet of the run folder `dir` that `manifest` describes.
    pub fn new(dir: &Path, manifest: Option<RunInfo>) -> Self {
        Self {
            dir: dir.to_path_buf(),
            manifest,
            topologies: Unique::default(),
            metrics: Vec::new(),
            ids: Vec::new(),
            index: BTreeMap::new(),
            summary: Vec::new(),
            comparison: Vec::new(),
            distribution: BTreeMap::new(),
            cfd: BTreeMap::new(),
            cfd_replication: BTreeMap::new(),
            flow: Default::default(),
        }
    }

    /// The index of `metric`, and whether it is new.
    fn index_of(&mut self, metric: &str) -> (usize, bool) {
        if let Some(&i) = self.index.get(metric) {
            return (i, false);
        }
        let i = self.index.len();
        self.index.insert(metric.to_string(), i);
        (i, true)
    }

    /// A row of `summary.csv` (a later row of the same topology and metric
    /// replaces an earlier one). Every summary row comes before the first
    /// [`comparison`](Self::comparison) row.
    pub fn summary(&mut self, topology: &str, metric: &str, stat: Stat) {
        self.topologies.push(topology);
        let (i, new) = self.index_of(metric);
        if new {
            self.metrics.push(metric.to_string());
            self.ids.push(ParsedId::of(metric));
        }
        set_cell(&mut self.summary, topology, i, stat);
    }

    /// A row of `comparison.csv`.
    pub fn comparison(&mut self, topology: &str, metric: &str, diff: Diff) {
        let (i, _) = self.index_of(metric);
        set_cell(&mut self.comparison, topology, i, diff);
    }

    /// A row of `distribution.csv`: the lead time `x` at probability `p`
    /// (kept when both are numbers).
    pub fn quantile(&mut self, topology: &str, p: f64, x: f64) {
        if p.is_finite() && x.is_finite() {
            self.distribution
                .entry(topology.to_string())
                .or_default()
                .push((p, x));
        }
    }

    /// A row of `cfd.csv`, of replication `replication` (only the first
    /// replication listed of a topology is kept; a sample at no finite
    /// time is skipped).
    pub fn cfd(&mut self, topology: &str, replication: &str, sample: CfdSample) {
        let first = self
            .cfd_replication
            .entry(topology.to_string())
            .or_insert_with(|| replication.to_string());
        if first != replication || !sample.time.is_finite() {
            return;
        }
        self.cfd
            .entry(topology.to_string())
            .or_default()
            .push(sample);
    }

    /// The flow charts' data.
    pub fn flow(&mut self, flow: super::flow_data::FlowCharts) {
        self.flow = flow;
    }

    /// What `manifest.json` says (at any time before [`finish`](Self::finish)).
    pub fn manifest(&mut self, info: Option<RunInfo>) {
        self.manifest = info;
    }

    /// The data, or `None` when no summary row came.
    pub fn finish(self) -> Option<RunData> {
        if self.summary.is_empty() {
            return None;
        }
        // The manifest's order, then any other topology with results;
        // topologies of the manifest that have none (e.g. a manifest from
        // another run) are dropped.
        let mut order = Unique::from(
            (self.manifest.as_ref())
                .map(|m| m.topologies.clone())
                .unwrap_or_default(),
        );
        for t in &self.topologies.names {
            order.push(t);
        }
        let mut topologies = order.names;
        topologies.retain(|name| self.summary.iter().any(|(t, _)| t == name));
        let mut distribution = self.distribution;
        for v in distribution.values_mut() {
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        Some(RunData {
            dir: self.dir,
            manifest: self.manifest,
            topologies,
            metrics: self.metrics,
            ids: self.ids,
            index: self.index,
            summary: self.summary,
            comparison: self.comparison,
            distribution,
            cfd: self.cfd,
            flow: self.flow,
        })
    }
}

fn scenario_name(info: Option<&RunInfo>, dir: &Path) -> String {
    info.map(|m| m.scenario.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| folder_name(dir))
}

/// The last component of `dir`, or the whole path.
pub fn folder_name(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .as_deref()
        .unwrap_or(dir)
        .file_name()
        .map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
}

/// One point of a sweep: the values of the varied paths (for a path with
/// categories, the position of its category).
pub type Point = Vec<f64>;

/// The contents of a `sweep` result folder.
#[derive(Debug, Clone)]
pub struct SweepData {
    /// The folder.
    pub dir: PathBuf,
    /// `manifest.json`, when the folder has one.
    pub manifest: Option<RunInfo>,
    /// The varied paths (the columns before `topology`).
    pub params: Vec<String>,
    /// The distinct values of each varied path: ascending numbers, or for a
    /// path with categories the positions 0, 1, ... of its categories.
    pub values: Vec<Vec<f64>>,
    /// For each varied path whose values are not all numbers (a queue
    /// discipline, a distribution), its values as written, in the order of
    /// the sweep (position k is `values[k]`); None for a numeric path.
    pub categories: Vec<Option<Vec<String>>>,
    /// Topologies in order of first appearance (the first is the baseline).
    pub topologies: Vec<String>,
    summary: BTreeMap<(Vec<u64>, String, String), Stat>,
    comparison: BTreeMap<(Vec<u64>, String, String), Diff>,
    /// Metric names in file order.
    pub metrics: Vec<String>,
}

/// Whether the sweep's charts or report read `metric` (the rows of the
/// other metrics of `sweep.csv` are not kept).
fn charted(metric: &str) -> bool {
    super::SWEEP_METRICS.iter().any(|m| m.name() == metric)
        || metric == Metric::Unstable.name()
        || metric == Metric::Saturated.name()
}

/// What the rows of `sweep.csv` hold in one varied-path column: whether
/// every value is a finite number, the distinct values in order of first
/// appearance, and the first line where the value is empty.
struct AxisCells {
    numeric: bool,
    distinct: Unique,
    first_empty: Option<usize>,
}

impl Default for AxisCells {
    fn default() -> Self {
        AxisCells {
            numeric: true,
            distinct: Unique::default(),
            first_empty: None,
        }
    }
}

impl AxisCells {
    fn add(&mut self, line: usize, cell: &str) {
        if cell.is_empty() {
            self.first_empty.get_or_insert(line);
            return;
        }
        self.numeric &= cell.parse::<f64>().is_ok_and(f64::is_finite);
        self.distinct.push(cell);
    }
}

/// A point as a map key (exact bits; -0.0 folded into 0.0).
fn key(point: &[f64]) -> Vec<u64> {
    point.iter().map(|x| (x + 0.0).to_bits()).collect()
}

impl SweepData {
    /// Reads the sweep folder `dir`: `sweep.csv` is required,
    /// `sweep_comparison.csv` and `manifest.json` are used when present.
    /// A varied path whose values are not all numbers is read as
    /// categories.
    pub fn load(dir: &Path) -> Result<Self, ChartError> {
        let path = dir.join(sweep_files::SWEEP_CSV);
        if !path.is_file() {
            return Err(ChartError::NoResults(dir.to_path_buf()));
        }
        let manifest = read_info(dir, &[sweep_files::MANIFEST, layout::MANIFEST_JSON])?;
        // sweep.csv is read a row at a time and only the rows of the
        // metrics the charts and the report show are kept (a big
        // organization has thousands of rows per point, per stream and
        // team); every row's varied values are checked and gathered.
        let mut axes: Vec<AxisCells> = Vec::new();
        let mut topology_column = None;
        let t = Table::read_filtered(
            &path,
            |header, line, record| {
                let ct = *topology_column
                    .get_or_insert_with(|| header.iter().position(|h| h == "topology"));
                let Some(ct) = ct else { return Ok(()) };
                if axes.is_empty() {
                    axes = (0..ct).map(|_| AxisCells::default()).collect();
                }
                for (axis, cell) in axes.iter_mut().zip(record.iter()) {
                    axis.add(line, cell.trim());
                }
                for axis in axes.iter_mut().skip(record.len()) {
                    axis.add(line, "");
                }
                Ok(())
            },
            |header, record| {
                let metric = header.iter().position(|h| h == "metric");
                metric.is_some_and(|c| record.get(c).is_some_and(charted))
            },
        )?;
        let ct = t.col("topology")?;
        if ct == 0 {
            return Err(ChartError::format(
                &path,
                "has no varied-path columns before `topology`".into(),
            ));
        }
        let params: Vec<String> = t.header[..ct].to_vec();
        for (axis, p) in axes.iter().zip(&params) {
            if let Some(line) = axis.first_empty {
                return Err(ChartError::format(
                    &path,
                    format!("line {line}: the value of `{p}` is empty"),
                ));
            }
        }
        let categories: Vec<Option<Vec<String>>> = axes
            .iter()
            .map(|a| (!a.numeric).then(|| a.distinct.names.clone()))
            .collect();
        let mut values: Vec<Vec<f64>> = axes
            .iter()
            .map(|a| {
                if a.numeric {
                    let mut v: Vec<f64> = Vec::new();
                    for x in a.distinct.names.iter().filter_map(|c| c.parse().ok()) {
                        if !v.contains(&x) {
                            v.push(x);
                        }
                    }
                    v
                } else {
                    (0..a.distinct.names.len()).map(|k| k as f64).collect()
                }
            })
            .collect();
        let cm = t.col("metric")?;
        let cs = t.cols(layout::summary_stats())?;
        let mut topologies = Vec::new();
        let mut metrics = Vec::new();
        let mut summary = BTreeMap::new();
        for r in 0..t.rows.len() {
            let point = t.point(r, &categories)?;
            let (topo, metric) = (t.text(r, ct), t.text(r, cm));
            push_unique(&mut topologies, topo);
            push_unique(&mut metrics, metric);
            summary.insert(
                (key(&point), topo.to_string(), metric.to_string()),
                t.stat(r, &cs)?,
            );
        }
        if summary.is_empty() {
            return Err(ChartError::format(&path, "holds no results".into()));
        }
        for v in &mut values {
            v.sort_by(f64::total_cmp);
        }
        if let Some(m) = &manifest {
            let mut ordered: Vec<String> = m
                .topologies
                .iter()
                .filter(|t| topologies.contains(t))
                .cloned()
                .collect();
            for t in &topologies {
                push_unique(&mut ordered, t);
            }
            topologies = ordered;
        }

        let mut comparison = BTreeMap::new();
        let path = dir.join(sweep_files::COMPARISON_CSV);
        if path.is_file() {
            let t = Table::read_filtered(
                &path,
                |_, _, _| Ok(()),
                |header, record| {
                    let metric = header.iter().position(|h| h == "metric");
                    metric.is_some_and(|c| record.get(c).is_some_and(charted))
                },
            )?;
            let ct = t.col("topology")?;
            let cm = t.col("metric")?;
            let cd = t.cols(layout::comparison_stats())?;
            if t.header[..ct] != params[..] {
                return Err(ChartError::format(
                    &path,
                    format!(
                        "varies {} but sweep.csv varies {}",
                        t.header[..ct].join(", "),
                        params.join(", ")
                    ),
                ));
            }
            for r in 0..t.rows.len() {
                let point = t.point(r, &categories)?;
                comparison.insert(
                    (
                        key(&point),
                        t.text(r, ct).to_string(),
                        t.text(r, cm).to_string(),
                    ),
                    t.diff(r, &cd)?,
                );
            }
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
            params,
            values,
            categories,
            topologies,
            summary,
            comparison,
            metrics,
        })
    }

    /// Whether varied path `axis` has categories rather than numbers.
    pub fn is_categorical(&self, axis: usize) -> bool {
        self.categories.get(axis).is_some_and(Option::is_some)
    }

    /// Value `x` of varied path `axis` as a reader should see it: its
    /// category, or the number in short form.
    pub fn label(&self, axis: usize, x: f64) -> String {
        match self.categories.get(axis) {
            Some(Some(c)) => c
                .get(x as usize)
                .cloned()
                .unwrap_or_else(|| numbers::compact(x)),
            _ => numbers::compact(x),
        }
    }

    /// The summary of `metric` in `topology` at `point`.
    pub fn stat(&self, point: &[f64], topology: &str, metric: &str) -> Option<Stat> {
        self.summary
            .get(&(key(point), topology.to_string(), metric.to_string()))
            .copied()
            .filter(|s| s.mean.is_finite())
    }

    /// The paired difference of `topology` against the baseline at `point`;
    /// `None` where it is not meaningful (a lead time of an unstable side).
    pub fn diff(&self, point: &[f64], topology: &str, metric: &str) -> Option<Diff> {
        if crate::experiment::results::grows_with_run_length(metric)
            && (self.is_unstable(point, topology) || self.is_unstable(point, self.baseline()))
        {
            return None;
        }
        self.comparison
            .get(&(key(point), topology.to_string(), metric.to_string()))
            .copied()
            .filter(|d| d.mean.is_finite())
    }

    /// Whether at least half of `topology`'s replications at `point` were
    /// flagged unstable: its lead times there only measure the run length.
    pub fn is_unstable(&self, point: &[f64], topology: &str) -> bool {
        self.stat(point, topology, Metric::Unstable.name())
            .is_some_and(|s| s.mean >= crate::experiment::results::UNSTABLE_SHARE)
    }

    /// Whether some of `topology`'s replications at `point` saturated
    /// (reached `simulation.max_wip` or `max_events`).
    pub fn is_saturated(&self, point: &[f64], topology: &str) -> bool {
        self.stat(point, topology, Metric::Saturated.name())
            .is_some_and(|s| s.mean > 0.0)
    }

    /// What to write at `point` for `topology` in place of a value of
    /// `metric` that is withheld: `unstable`, `saturated`, or `None` when
    /// the value stands.
    pub fn withheld(&self, point: &[f64], topology: &str, metric: &str) -> Option<&'static str> {
        let grows = crate::experiment::results::grows_with_run_length(metric);
        if grows && self.is_unstable(point, topology) {
            Some("unstable")
        } else if self.is_saturated(point, topology) && self.stat(point, topology, metric).is_none()
        {
            Some("saturated")
        } else {
            None
        }
    }

    /// The baseline topology (the first).
    pub fn baseline(&self) -> &str {
        self.topologies.first().map_or("", String::as_str)
    }

    /// Index of `topology` (its colour).
    pub fn index(&self, topology: &str) -> usize {
        self.topologies
            .iter()
            .position(|t| t == topology)
            .unwrap_or(0)
    }

    /// Whether `metric` has any value in the sweep.
    pub fn has_metric(&self, metric: &str) -> bool {
        self.metrics.iter().any(|m| m == metric)
    }

    /// The scenario's name: the manifest's, else the folder's.
    pub fn scenario_name(&self) -> String {
        scenario_name(self.manifest.as_ref(), &self.dir)
    }
}
