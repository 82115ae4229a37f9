//! Charts of a result folder, as SVG and PNG, drawn with plotters from the
//! folder's CSV files alone (so `orgsim plot DIR` re-draws old results, byte
//! for byte).
//!
//! A `run` folder gets `throughput`, `lead_time`, `delay_breakdown`,
//! `cfd_<topology>`, `utilization` and the flow charts `cycle_time_<topology>`,
//! `throughput_weekly_<topology>` and `wip_<topology>`; a `sweep` folder gets
//! `sweep_<metric>` line charts (one varied path) or
//! `heatmap_<metric>_<topology>` paired-difference maps (two varied paths).
//! Every chart has a one-sentence caption computed from the same numbers,
//! used by `report.html`.

pub mod data;
pub mod numbers;
pub mod style;

mod cfd;
mod delay_breakdown;
pub mod explore;
pub mod fit;
pub mod flow;
pub mod flow_data;
pub mod forecast;
mod lead_time;
pub mod over_time;
mod sweep;
mod throughput;
mod utilization;
pub mod welch;

use std::io;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;

pub use data::{RunData, SweepData};
use style::Px;

use crate::model::{Category, Metric};
use crate::util::atomic::write_atomic;

/// Why charts could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The folder holds no results (no `summary.csv`, no `sweep.csv`).
    #[error(
        "{} holds no orgsim results: expected summary.csv (from `orgsim run`) or sweep.csv (from `orgsim sweep`)",
        .0.display()
    )]
    NoResults(PathBuf),
    /// A result file is not what orgsim writes.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// plotters failed.
    #[error("cannot draw a chart: {0}")]
    Draw(String),
}

impl ChartError {
    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn format(path: &Path, message: String) -> Self {
        Self::Format {
            path: path.to_path_buf(),
            message,
        }
    }

    /// Whether the user's input (the folder) is at fault rather than the
    /// machine: exit code 2.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Self::NoResults(_) | Self::Format { .. })
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        Self::Draw(e.to_string())
    }
}

/// Something that can be drawn on any plotters backend.
pub(crate) trait Figure {
    /// Logical height (the width is always [`style::WIDTH`]).
    fn height(&self) -> u32 {
        style::HEIGHT
    }
    /// Draws the whole figure on `root`, sizes scaled by `px`.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError>;
}

/// The figure as an SVG document.
pub(crate) fn to_svg(fig: &impl Figure) -> Result<String, ChartError> {
    style::register_fonts();
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, Px(1.0).size(fig.height())).into_drawing_area();
        root.fill(&WHITE)?;
        fig.draw(&root, Px(1.0))?;
        root.present()?;
    }
    Ok(svg.replace(
        "font-family=\"sans-serif\"",
        &format!("font-family=\"{}\"", style::SVG_FAMILY),
    ))
}

/// The figure as a PNG file, [`style::PNG_SCALE`] pixels per logical pixel.
pub(crate) fn to_png(fig: &impl Figure) -> Result<Vec<u8>, ChartError> {
    style::register_fonts();
    let px = Px(style::PNG_SCALE);
    let (w, h) = px.size(fig.height());
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        root.fill(&WHITE)?;
        fig.draw(&root, px)?;
        root.present()?;
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // fdeflate with the filter it is tuned for: a few times faster than
        // the default zlib level, for files a little larger.
        encoder.set_compression(png::Compression::Fast);
        let per_metre = (96.0 * style::PNG_SCALE / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder
            .write_header()
            .map_err(|e| ChartError::Draw(format!("PNG: {e}")))?;
        writer
            .write_image_data(&rgb)
            .map_err(|e| ChartError::Draw(format!("PNG: {e}")))?;
        writer
            .finish()
            .map_err(|e| ChartError::Draw(format!("PNG: {e}")))?;
    }
    Ok(out)
}

/// Writes `<stem>.svg` and `<stem>.png` of `fig` into `dir`.
fn write_both(dir: &Path, stem: &str, fig: &impl Figure) -> Result<Vec<PathBuf>, ChartError> {
    let svg_path = dir.join(format!("{stem}.svg"));
    write_atomic(&svg_path, to_svg(fig)?.as_bytes()).map_err(|e| ChartError::io(&svg_path, e))?;
    let png_path = dir.join(format!("{stem}.png"));
    write_atomic(&png_path, &to_png(fig)?).map_err(|e| ChartError::io(&png_path, e))?;
    Ok(vec![svg_path, png_path])
}

/// A file-name-safe version of a topology or metric name, distinct for
/// distinct names: a name of lower-case ASCII letters, digits, `-` and `_`
/// is kept; any other gets its other characters replaced by `_` and 8 hex
/// digits of its hash appended, so that `x/y` and `x?y` (or `A` and `a` on a
/// case-insensitive file system) do not write the same file.
pub fn file_safe(name: &str) -> String {
    let keep = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    if !name.is_empty() && name.chars().all(keep) {
        return name.to_string();
    }
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || keep(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = crate::scenario::fnv1a_hex(name);
    format!("{cleaned}-{}", &hash[..8])
}

/// A chart of a `run` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunChart {
    /// Throughput per topology with 95% CI error bars (the headline).
    Throughput,
    /// Lead-time ECDF per topology with p50/p85/p95 marked.
    LeadTime,
    /// Stacked mean critical-path days per category per topology.
    DelayBreakdown,
    /// Cumulative flow diagram of replication 0 of a topology.
    Cfd(String),
    /// Utilization per team, leaders beside.
    Utilization,
    /// Cycle-time scatter of replication 0 of a topology.
    CycleTime(String),
    /// Throughput run chart (items per week) of replication 0 of a topology.
    WeeklyThroughput(String),
    /// Work in progress and the age of the oldest item, replication 0 of a
    /// topology.
    WipAge(String),
}

impl RunChart {
    /// The charts `data` has what it takes to draw, in report order.
    pub fn plan(data: &RunData) -> Vec<RunChart> {
        let mut charts = Vec::new();
        let any = |m: &str| data.topologies.iter().any(|t| data.mean(t, m).is_some());
        if any(Metric::Throughput.name()) {
            charts.push(RunChart::Throughput);
        }
        if data
            .topologies
            .iter()
            .any(|t| data.distribution.get(t).is_some_and(|d| d.len() >= 2))
        {
            charts.push(RunChart::LeadTime);
        }
        if any(Metric::Mean(Category::Work).name()) {
            charts.push(RunChart::DelayBreakdown);
        }
        if data.topologies.iter().any(|t| !data.teams(t).is_empty()) {
            charts.push(RunChart::Utilization);
        }
        for t in &data.topologies {
            if data.cfd.get(t).is_some_and(|s| s.len() >= 2) {
                charts.push(RunChart::Cfd(t.clone()));
            }
        }
        let flow = &data.flow;
        let per = |has: &dyn Fn(&str) -> bool, make: fn(String) -> RunChart| {
            data.topologies
                .iter()
                .filter(|t| has(t))
                .map(|t| make(t.clone()))
                .collect::<Vec<_>>()
        };
        charts.extend(per(
            &|t| flow.cycle.get(t).is_some_and(|s| !s.is_empty()),
            RunChart::CycleTime,
        ));
        charts.extend(per(
            &|t| flow.weeks.get(t).is_some_and(|s| s.len() >= 2),
            RunChart::WeeklyThroughput,
        ));
        charts.extend(per(
            &|t| flow.wip.get(t).is_some_and(|s| s.len() >= 2),
            RunChart::WipAge,
        ));
        charts
    }

    /// The file name without extension.
    pub fn stem(&self) -> String {
        match self {
            RunChart::Throughput => "throughput".into(),
            RunChart::LeadTime => "lead_time".into(),
            RunChart::DelayBreakdown => "delay_breakdown".into(),
            RunChart::Cfd(t) => format!("cfd_{}", file_safe(t)),
            RunChart::Utilization => "utilization".into(),
            RunChart::CycleTime(t) => format!("cycle_time_{}", file_safe(t)),
            RunChart::WeeklyThroughput(t) => format!("throughput_weekly_{}", file_safe(t)),
            RunChart::WipAge(t) => format!("wip_{}", file_safe(t)),
        }
    }

    /// A short heading for the report.
    pub fn heading(&self) -> String {
        match self {
            RunChart::Throughput => "Throughput".into(),
            RunChart::LeadTime => "Lead time".into(),
            RunChart::DelayBreakdown => "Where the lead time goes".into(),
            RunChart::Cfd(t) => format!("Cumulative flow: {t}"),
            RunChart::Utilization => "Utilization of teams and leaders".into(),
            RunChart::CycleTime(t) => format!("Cycle-time scatter: {t}"),
            RunChart::WeeklyThroughput(t) => format!("Throughput per week: {t}"),
            RunChart::WipAge(t) => format!("Work in progress and aging: {t}"),
        }
    }

    /// One sentence on what the chart shows, in this run's numbers.
    pub fn caption(&self, data: &RunData) -> String {
        let text = match self {
            RunChart::Throughput => throughput::caption(data),
            RunChart::LeadTime => lead_time::caption(data),
            RunChart::DelayBreakdown => delay_breakdown::caption(data),
            RunChart::Cfd(t) => cfd::caption(data, t),
            RunChart::Utilization => utilization::caption(data),
            RunChart::CycleTime(t) => flow::cycle_caption(data, t),
            RunChart::WeeklyThroughput(t) => flow::weeks_caption(data, t),
            RunChart::WipAge(t) => flow::wip_caption(data, t),
        };
        // Lead times of a system that does not settle measure the run.
        let unstable: Vec<&str> = data
            .topologies
            .iter()
            .filter(|t| data.is_unstable(t))
            .filter(|t| self.topology().is_none_or(|c| c == t.as_str()))
            .map(String::as_str)
            .collect();
        match self {
            RunChart::LeadTime
            | RunChart::DelayBreakdown
            | RunChart::Cfd(_)
            | RunChart::CycleTime(_)
            | RunChart::WipAge(_)
                if !unstable.is_empty() =>
            {
                format!(
                    "{text} Unstable ({}): work piles up faster than it is done, so these lead times only measure this run's length.",
                    unstable.join(", ")
                )
            }
            _ => text,
        }
    }

    /// The topology a chart of one topology is of.
    pub fn topology(&self) -> Option<&str> {
        match self {
            RunChart::Cfd(t)
            | RunChart::CycleTime(t)
            | RunChart::WeeklyThroughput(t)
            | RunChart::WipAge(t) => Some(t),
            _ => None,
        }
    }

    /// The chart as an SVG document.
    pub fn svg(&self, data: &RunData) -> Result<String, ChartError> {
        to_svg(&RunFigure { chart: self, data })
    }

    /// The chart as a PNG file.
    pub fn png(&self, data: &RunData) -> Result<Vec<u8>, ChartError> {
        to_png(&RunFigure { chart: self, data })
    }
}

struct RunFigure<'a> {
    chart: &'a RunChart,
    data: &'a RunData,
}

impl Figure for RunFigure<'_> {
    fn height(&self) -> u32 {
        match self.chart {
            RunChart::Utilization => utilization::height(self.data),
            _ => style::HEIGHT,
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError> {
        let d = self.data;
        match self.chart {
            RunChart::Throughput => throughput::draw(root, px, d),
            RunChart::LeadTime => lead_time::draw(root, px, d),
            RunChart::DelayBreakdown => delay_breakdown::draw(root, px, d),
            RunChart::Cfd(t) => cfd::draw(root, px, d, t),
            RunChart::Utilization => utilization::draw(root, px, d),
            RunChart::CycleTime(t) => flow::draw_cycle(root, px, d, t),
            RunChart::WeeklyThroughput(t) => flow::draw_weeks(root, px, d, t),
            RunChart::WipAge(t) => flow::draw_wip(root, px, d, t),
        }
    }
}

/// A chart of a `sweep` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SweepChart {
    /// A headline metric against the (single) varied path, one line per
    /// topology with its 95% CI band, crossovers marked.
    Line(String),
    /// The paired difference of a topology against the baseline in a
    /// headline metric over a two-path grid.
    Heat {
        /// The metric.
        metric: String,
        /// The topology compared with the baseline.
        topology: String,
    },
}

/// The metrics a sweep is charted for.
pub const SWEEP_METRICS: [Metric; 5] = [
    Metric::Throughput,
    Metric::LeadTimeMean,
    Metric::LeadTimeP85,
    Metric::CoordinationShare,
    Metric::FlowEfficiency,
];

impl SweepChart {
    /// The charts `data` has what it takes to draw: line charts for one
    /// varied path, heat maps for two; nothing for more (a grid of three or
    /// more paths has no faithful flat picture; its CSV files hold it all).
    pub fn plan(data: &SweepData) -> Vec<SweepChart> {
        let metrics = SWEEP_METRICS
            .iter()
            .map(|m| m.name())
            .filter(|m| data.has_metric(m));
        match data.params.len() {
            1 => metrics.map(|m| SweepChart::Line(m.to_string())).collect(),
            2 => metrics
                .flat_map(|m| {
                    data.topologies.iter().skip(1).map(|t| SweepChart::Heat {
                        metric: m.to_string(),
                        topology: t.clone(),
                    })
                })
                .filter(|c| sweep::heat_has_data(data, c))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The file name without extension.
    pub fn stem(&self) -> String {
        match self {
            SweepChart::Line(m) => format!("sweep_{}", file_safe(m)),
            SweepChart::Heat { metric, topology } => {
                format!("heatmap_{}_{}", file_safe(metric), file_safe(topology))
            }
        }
    }

    /// A short heading for the report.
    pub fn heading(&self, data: &SweepData) -> String {
        match self {
            SweepChart::Line(m) => format!(
                "{} {} {}",
                upper_first(&numbers::label(m)),
                if data.is_categorical(0) {
                    "per"
                } else {
                    "against"
                },
                data.params.first().map_or("", String::as_str)
            ),
            SweepChart::Heat { metric, topology } => format!(
                "{}: {topology} − {}",
                upper_first(&numbers::label(metric)),
                data.baseline()
            ),
        }
    }

    /// One sentence on what the chart shows, in this sweep's numbers.
    pub fn caption(&self, data: &SweepData) -> String {
        match self {
            SweepChart::Line(m) => sweep::line_caption(data, m),
            SweepChart::Heat { metric, topology } => sweep::heat_caption(data, metric, topology),
        }
    }

    /// The chart as an SVG document.
    pub fn svg(&self, data: &SweepData) -> Result<String, ChartError> {
        to_svg(&SweepFigure { chart: self, data })
    }

    /// The chart as a PNG file.
    pub fn png(&self, data: &SweepData) -> Result<Vec<u8>, ChartError> {
        to_png(&SweepFigure { chart: self, data })
    }
}

struct SweepFigure<'a> {
    chart: &'a SweepChart,
    data: &'a SweepData,
}

impl Figure for SweepFigure<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError> {
        match self.chart {
            SweepChart::Line(m) => sweep::draw_line(root, px, self.data, m),
            SweepChart::Heat { metric, topology } => {
                sweep::draw_heat(root, px, self.data, metric, topology)
            }
        }
    }
}

/// `s` with its first letter in upper case.
pub fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Draws every chart of the `run` result folder `dir` into it, as SVG and
/// PNG; returns the files written.
pub fn render_run(dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    render_run_data(dir, &RunData::load(dir)?)
}

/// Draws every chart of the `run` result folder `dir` from `data`, already
/// read from it ([`RunData::load`]); returns the files written.
pub fn render_run_data(dir: &Path, data: &RunData) -> Result<Vec<PathBuf>, ChartError> {
    Ok(render_run_charts(dir, data)?.written)
}

/// The charts of a run, drawn and written.
#[derive(Debug, Clone, Default)]
pub struct RunCharts {
    /// The files written, in report order (each chart's SVG, then its PNG).
    pub written: Vec<PathBuf>,
    /// Each chart of [`RunChart::plan`] with its SVG document, for the
    /// report to embed as written.
    pub svgs: Vec<(RunChart, String)>,
}

/// Draws every chart of the `run` result folder `dir` from `data` and
/// writes them into it, as SVG and PNG. The charts are drawn in parallel
/// (in the current rayon pool) and written in report order: the bytes do
/// not depend on the threads.
pub fn render_run_charts(dir: &Path, data: &RunData) -> Result<RunCharts, ChartError> {
    use rayon::prelude::*;
    let plan = RunChart::plan(data);
    // A chart's SVG and PNG are drawn as two jobs, so that the largest
    // charts (the cycle-time scatters) do not leave a core idle.
    let drawn: Vec<(String, Vec<u8>)> = plan
        .par_iter()
        .map(|chart| {
            let fig = RunFigure { chart, data };
            let (svg, png) = rayon::join(|| to_svg(&fig), || to_png(&fig));
            Ok((svg?, png?))
        })
        .collect::<Result<_, ChartError>>()?;
    let mut charts = RunCharts::default();
    for (chart, (svg, png)) in plan.into_iter().zip(drawn) {
        let stem = chart.stem();
        let svg_path = dir.join(format!("{stem}.svg"));
        write_atomic(&svg_path, svg.as_bytes()).map_err(|e| ChartError::io(&svg_path, e))?;
        let png_path = dir.join(format!("{stem}.png"));
        write_atomic(&png_path, &png).map_err(|e| ChartError::io(&png_path, e))?;
        charts.written.extend([svg_path, png_path]);
        charts.svgs.push((chart, svg));
    }
    if let Some(depends) = crate::report::depends::read(dir, data.replications())? {
        charts.written.extend(depends.render(dir)?);
    }
    if let Some(o) = crate::report::over_time::read(dir)? {
        charts.written.extend(over_time::write_charts(dir, &o)?);
    }
    Ok(charts)
}

/// Draws every chart of the `sweep` result folder `dir` into it, as SVG and
/// PNG; returns the files written.
pub fn render_sweep(dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    let data = SweepData::load(dir)?;
    let mut written = Vec::new();
    for chart in SweepChart::plan(&data) {
        written.extend(write_both(
            dir,
            &chart.stem(),
            &SweepFigure {
                chart: &chart,
                data: &data,
            },
        )?);
    }
    Ok(written)
}

/// What kind of result folder `dir` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    /// A `run` folder (`summary.csv`).
    Run,
    /// A `sweep` folder (`sweep.csv`).
    Sweep,
    /// An `explore` folder (`sensitivity.csv` and `explore.json`).
    Explore,
}

/// Whether `dir` holds `run` or `sweep` results (a sweep wins when both).
pub fn folder_kind(dir: &Path) -> Result<FolderKind, ChartError> {
    if !dir.is_dir() {
        return Err(ChartError::NoResults(dir.to_path_buf()));
    }
    if dir
        .join(crate::experiment::sweep::manifest::SWEEP_CSV)
        .is_file()
    {
        Ok(FolderKind::Sweep)
    } else if dir.join("sensitivity.csv").is_file() && dir.join("explore.json").is_file() {
        Ok(FolderKind::Explore)
    } else if dir.join(crate::report::layout::SUMMARY_CSV).is_file() {
        Ok(FolderKind::Run)
    } else {
        Err(ChartError::NoResults(dir.to_path_buf()))
    }
}

/// Draws every chart of the result folder `dir`, whichever kind it is.
pub fn render(dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    match folder_kind(dir)? {
        FolderKind::Run => render_run(dir),
        FolderKind::Sweep => render_sweep(dir),
        FolderKind::Explore => explore::render_explore(dir),
    }
}

/// The `[lo, hi]` axis range that holds `values` with a little air, from 0
/// when `from_zero`.
pub(crate) fn padded_range(values: impl IntoIterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if from_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.08
    } else {
        hi.abs().max(1.0) * 0.1
    };
    let lo = if from_zero && lo >= 0.0 {
        0.0
    } else {
        lo - pad
    };
    (lo, hi + pad)
}
