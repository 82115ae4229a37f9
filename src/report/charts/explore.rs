//! The charts of an `explore` folder, drawn from its files alone
//! (`sensitivity.csv`, `points.csv`, `explore.json`), one per measured
//! paired difference (or, with a single topology, per measured value):
//!
//! - `tornado_<metric>_<topology>`: each assumption alone at its low and high
//!   end, bars from the nominal value, 95% CI whiskers at each end;
//! - `morris_<metric>_<topology>`: μ* against σ, one labelled dot per
//!   assumption, the CI of μ* as whiskers;
//! - `sobol_<metric>_<topology>`: S1 and ST per assumption with CI whiskers;
//! - `propagate_<metric>_<topology>`: the histogram of the points' paired
//!   differences, zero marked, P(better) in the title block.
//!
//! Break-even has no chart: its answer is a few numbers (`report.html`
//! lists them).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::numbers::{self, Better};
use super::style::{self, Entry, HouseMesh, Px, Swatch, anchored, size};
use super::{ChartError, Figure, file_safe, padded_range, upper_first, write_both};

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexRow {
    /// The method.
    pub method: String,
    /// The assumption's path (empty for a row about the whole belief).
    pub assumption: String,
    /// The topology.
    pub topology: String,
    /// The metric.
    pub metric: String,
    /// `value` or `difference`.
    pub quantity: String,
    /// `S1`, `ST`, `mu_star`, …
    pub index: String,
    /// The estimate.
    pub estimate: f64,
    /// Lower end of its 95% interval.
    pub low: f64,
    /// Upper end of its 95% interval.
    pub high: f64,
}

/// What an `explore` folder holds, as its charts and report need it.
#[derive(Debug, Clone)]
pub struct ExploreData {
    /// The folder.
    pub dir: PathBuf,
    /// The manifest (`explore.json`).
    pub manifest: serde_json::Value,
    /// The method's name.
    pub method: String,
    /// The baseline topology.
    pub baseline: String,
    /// The topologies, baseline first.
    pub topologies: Vec<String>,
    /// The assumptions' paths, in order.
    pub assumptions: Vec<String>,
    /// Every row of `sensitivity.csv`.
    pub rows: Vec<IndexRow>,
    /// The header of `points.csv`.
    pub columns: Vec<String>,
    /// The cells of `points.csv` (point 0 the nominal point).
    pub points: Vec<Vec<String>>,
}

/// A measured quantity: a topology's metric, its own value or its paired
/// difference against the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    /// The topology.
    pub topology: String,
    /// The metric.
    pub metric: String,
    /// Whether it is the paired difference.
    pub difference: bool,
}

impl Measure {
    /// `value` or `difference`.
    pub fn kind(&self) -> &'static str {
        if self.difference {
            "difference"
        } else {
            "value"
        }
    }
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

impl ExploreData {
    /// Reads the folder `dir`.
    pub fn load(dir: &Path) -> Result<ExploreData, ChartError> {
        let manifest_path = dir.join("explore.json");
        let text = std::fs::read_to_string(&manifest_path)
            .map_err(|e| ChartError::io(&manifest_path, e))?;
        let manifest: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| ChartError::format(&manifest_path, format!("not JSON: {e}")))?;
        let strings = |key: &str| -> Vec<String> {
            manifest[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let topologies = strings("topologies");
        let baseline = manifest["baseline"].as_str().unwrap_or_default().to_owned();
        let method = manifest["method"].as_str().unwrap_or_default().to_owned();
        if topologies.is_empty() || method.is_empty() {
            return Err(ChartError::format(
                &manifest_path,
                "no method or topologies: not an orgsim explore manifest".into(),
            ));
        }
        let assumptions = manifest["assumptions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v["path"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let read_csv = |name: &str| -> Result<(Vec<String>, Vec<Vec<String>>), ChartError> {
            let path = dir.join(name);
            let mut r = csv::Reader::from_path(&path)
                .map_err(|e| ChartError::format(&path, format!("cannot read: {e}")))?;
            let header: Vec<String> = r
                .headers()
                .map_err(|e| ChartError::format(&path, e.to_string()))?
                .iter()
                .map(str::to_owned)
                .collect();
            let mut rows = Vec::new();
            for rec in r.records() {
                let rec = rec.map_err(|e| ChartError::format(&path, e.to_string()))?;
                rows.push(rec.iter().map(str::to_owned).collect());
            }
            Ok((header, rows))
        };
        let (header, cells) = read_csv("sensitivity.csv")?;
        if header.len() != 9 {
            return Err(ChartError::format(
                &dir.join("sensitivity.csv"),
                "expected 9 columns".into(),
            ));
        }
        let rows = cells
            .into_iter()
            .filter(|c| c.len() == 9)
            .map(|c| IndexRow {
                method: c[0].clone(),
                assumption: c[1].clone(),
                topology: c[2].clone(),
                metric: c[3].clone(),
                quantity: c[4].clone(),
                index: c[5].clone(),
                estimate: num(&c[6]),
                low: num(&c[7]),
                high: num(&c[8]),
            })
            .collect();
        let (columns, points) = read_csv("points.csv")?;
        Ok(ExploreData {
            dir: dir.to_path_buf(),
            manifest,
            method,
            baseline,
            topologies,
            assumptions,
            rows,
            columns,
            points,
        })
    }

    /// The scenario's name.
    pub fn scenario_name(&self) -> String {
        self.manifest["scenario"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The measured metrics, in order.
    pub fn metrics(&self) -> Vec<String> {
        self.manifest["metrics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The quantities the charts and the report are about: every paired
    /// difference, or with one topology its values.
    pub fn measures(&self) -> Vec<Measure> {
        let metrics = self.metrics();
        let pairs: Vec<Measure> = self.topologies[1..]
            .iter()
            .flat_map(|t| {
                metrics.iter().map(|m| Measure {
                    topology: t.clone(),
                    metric: m.clone(),
                    difference: true,
                })
            })
            .collect();
        if !pairs.is_empty() {
            return pairs;
        }
        metrics
            .iter()
            .map(|m| Measure {
                topology: self.baseline.clone(),
                metric: m.clone(),
                difference: false,
            })
            .collect()
    }

    /// The rows of `sensitivity.csv` about `m`.
    pub fn rows_of<'a>(&'a self, m: &Measure) -> impl Iterator<Item = &'a IndexRow> + 'a {
        let m = m.clone();
        self.rows.iter().filter(move |r| {
            r.topology == m.topology && r.metric == m.metric && r.quantity == m.kind()
        })
    }

    /// The row of `index` for `assumption` about `m`.
    pub fn row<'a>(&'a self, m: &Measure, assumption: &str, index: &str) -> Option<&'a IndexRow> {
        self.rows_of(m)
            .find(|r| r.assumption == assumption && r.index == index)
    }

    /// The column of `points.csv` holding `m`'s mean.
    fn column(&self, m: &Measure) -> Option<usize> {
        let name = if m.difference {
            format!("{}-{}:{}", m.topology, self.baseline, m.metric)
        } else {
            format!("{}:{}", m.topology, m.metric)
        };
        self.columns.iter().position(|c| *c == name)
    }

    /// `m` at the nominal point: mean and interval.
    pub fn nominal(&self, m: &Measure) -> Option<(f64, f64, f64)> {
        let c = self.column(m)?;
        let row = self.points.first()?;
        Some((num(row.get(c)?), num(row.get(c + 1)?), num(row.get(c + 2)?)))
    }

    /// `m`'s mean at every design point (the nominal point left out).
    pub fn design_values(&self, m: &Measure) -> Vec<f64> {
        let Some(c) = self.column(m) else {
            return Vec::new();
        };
        self.points
            .iter()
            .skip(1)
            .filter_map(|r| r.get(c).map(|s| num(s)))
            .collect()
    }

    /// What "better" means for `m`'s metric.
    pub fn better(&self, m: &Measure) -> Better {
        numbers::better(&m.metric)
    }
}

/// A chart of an explore folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExploreChart {
    /// Each assumption alone at its ends.
    Tornado(Measure),
    /// μ* against σ.
    Morris(Measure),
    /// S1 and ST bars.
    Sobol(Measure),
    /// The histogram of the propagated paired difference.
    Propagate(Measure),
}

impl ExploreChart {
    /// The charts `data` has what it takes to draw.
    pub fn plan(data: &ExploreData) -> Vec<ExploreChart> {
        let make: fn(Measure) -> ExploreChart = match data.method.as_str() {
            "tornado" => ExploreChart::Tornado,
            "morris" => ExploreChart::Morris,
            "sobol" => ExploreChart::Sobol,
            "propagate" => ExploreChart::Propagate,
            _ => return Vec::new(),
        };
        data.measures()
            .into_iter()
            .filter(|m| {
                if data.method == "propagate" {
                    data.design_values(m).iter().any(|x| x.is_finite())
                } else {
                    data.rows_of(m).any(|r| r.estimate.is_finite())
                }
            })
            .map(make)
            .collect()
    }

    fn measure(&self) -> &Measure {
        match self {
            ExploreChart::Tornado(m)
            | ExploreChart::Morris(m)
            | ExploreChart::Sobol(m)
            | ExploreChart::Propagate(m) => m,
        }
    }

    /// The file name without extension.
    pub fn stem(&self) -> String {
        let kind = match self {
            ExploreChart::Tornado(_) => "tornado",
            ExploreChart::Morris(_) => "morris",
            ExploreChart::Sobol(_) => "sobol",
            ExploreChart::Propagate(_) => "propagate",
        };
        let m = self.measure();
        format!("{kind}_{}_{}", file_safe(&m.metric), file_safe(&m.topology))
    }

    /// A short heading for the report.
    pub fn heading(&self, data: &ExploreData) -> String {
        let what = subject(data, self.measure());
        match self {
            ExploreChart::Tornado(_) => format!("Tornado: {what}"),
            ExploreChart::Morris(_) => format!("Morris screening: {what}"),
            ExploreChart::Sobol(_) => format!("Sobol' indices: {what}"),
            ExploreChart::Propagate(_) => format!("Over your beliefs: {what}"),
        }
    }

    /// One sentence on what to read in the chart, in this exploration's
    /// numbers.
    pub fn caption(&self, data: &ExploreData) -> String {
        let m = self.measure();
        match self {
            ExploreChart::Tornado(_) => tornado_caption(data, m),
            ExploreChart::Morris(_) => ranked_caption(data, m, "mu_star").map_or_else(
                || "No assumption has a finite effect.".into(),
                |(r, _)| {
                    format!(
                        "Further right, an assumption moves {} more; higher up, its effect depends on where the other assumptions are (non-linear or interacting). {} matters most: μ* = {} (95% CI {} to {}).",
                        subject(data, m),
                        r.assumption,
                        numbers::sig(r.estimate),
                        numbers::sig(r.low),
                        numbers::sig(r.high)
                    )
                },
            ),
            ExploreChart::Sobol(_) => ranked_caption(data, m, "ST").map_or_else(
                || "No assumption has a finite index.".into(),
                |(r, s1)| {
                    format!(
                        "Each bar is the share of the variance of {} over your beliefs that an assumption explains: alone (S1) or with its interactions (ST). {} explains the most: ST = {} (95% CI {} to {}), S1 = {}.",
                        subject(data, m),
                        r.assumption,
                        numbers::sig(r.estimate),
                        numbers::sig(r.low),
                        numbers::sig(r.high),
                        s1.map_or("n/a".into(), |s| numbers::sig(s.estimate))
                    )
                },
            ),
            ExploreChart::Propagate(_) => propagate_caption(data, m),
        }
    }

    /// The chart as an SVG document.
    pub fn svg(&self, data: &ExploreData) -> Result<String, ChartError> {
        super::to_svg(&ExploreFigure { chart: self, data })
    }

    /// The chart as a PNG file.
    pub fn png(&self, data: &ExploreData) -> Result<Vec<u8>, ChartError> {
        super::to_png(&ExploreFigure { chart: self, data })
    }
}

/// E.g. "single-threaded − matrix in mean lead time".
pub fn subject(data: &ExploreData, m: &Measure) -> String {
    if m.difference {
        format!(
            "{} − {} in {}",
            m.topology,
            data.baseline,
            numbers::label(&m.metric)
        )
    } else {
        format!("{} of {}", numbers::label(&m.metric), m.topology)
    }
}

/// The assumption with the largest `index` about `m`, and its S1 row.
fn ranked_caption<'a>(
    data: &'a ExploreData,
    m: &Measure,
    index: &str,
) -> Option<(&'a IndexRow, Option<&'a IndexRow>)> {
    let best = data
        .rows_of(m)
        .filter(|r| r.index == index && r.estimate.is_finite())
        .max_by(|a, b| a.estimate.total_cmp(&b.estimate))?;
    Some((best, data.row(m, &best.assumption, "S1")))
}

/// Per assumption: (path, low end, high end) of the tornado, widest swing
/// first.
pub fn tornado_bars<'a>(
    data: &'a ExploreData,
    m: &Measure,
) -> Vec<(&'a str, &'a IndexRow, &'a IndexRow)> {
    let mut bars: Vec<_> = data
        .assumptions
        .iter()
        .filter_map(|a| Some((a.as_str(), data.row(m, a, "low")?, data.row(m, a, "high")?)))
        .collect();
    let swing = |(_, lo, hi): &(&str, &IndexRow, &IndexRow)| {
        let s = (hi.estimate - lo.estimate).abs();
        if s.is_finite() { s } else { -1.0 }
    };
    bars.sort_by(|a, b| swing(b).total_cmp(&swing(a)));
    bars
}

fn tornado_caption(data: &ExploreData, m: &Measure) -> String {
    let bars = tornado_bars(data, m);
    let Some((path, lo, hi)) = bars.first() else {
        return "No assumption has a finite effect.".into();
    };
    let nominal = data.nominal(m).map_or(f64::NAN, |n| n.0);
    let v = |x: f64| {
        if m.difference {
            numbers::diff(&m.metric, x)
        } else {
            numbers::value(&m.metric, x)
        }
    };
    let mut text = format!(
        "Longest bar first: each assumption alone at its low end (blue) and high end (orange), the others nominal. {path} moves {} the most, from {} to {} (nominal {}).",
        subject(data, m),
        v(lo.estimate),
        v(hi.estimate),
        v(nominal)
    );
    if m.difference {
        let flips: Vec<&str> = bars
            .iter()
            .filter(|(_, lo, hi)| {
                nominal.is_finite()
                    && [lo.estimate, hi.estimate]
                        .iter()
                        .any(|x| x.is_finite() && x.signum() != nominal.signum())
            })
            .map(|(p, _, _)| *p)
            .collect();
        if flips.is_empty() {
            text.push_str(
                " No assumption alone changes the sign of the difference within its range.",
            );
        } else {
            text.push_str(&format!(
                " The sign of the difference (the verdict) changes within the range of {}.",
                flips.join(", ")
            ));
        }
    }
    text
}

/// The propagated P(better), as the row of `sensitivity.csv`.
pub fn p_better<'a>(data: &'a ExploreData, m: &Measure) -> Option<&'a IndexRow> {
    data.rows_of(m).find(|r| r.index == "p_better")
}

fn propagate_caption(data: &ExploreData, m: &Measure) -> String {
    let values: Vec<f64> = data
        .design_values(m)
        .into_iter()
        .filter(|x| x.is_finite())
        .collect();
    let base = format!(
        "The spread of {} over {} points drawn from your beliefs about the assumptions",
        subject(data, m),
        values.len()
    );
    match p_better(data, m) {
        Some(p) => format!(
            "{base}; the line marks zero, no difference. P({} better than {}) = {:.2} (95% CI {:.2} to {:.2}).",
            m.topology, data.baseline, p.estimate, p.low, p.high
        ),
        None => format!("{base}."),
    }
}

struct ExploreFigure<'a> {
    chart: &'a ExploreChart,
    data: &'a ExploreData,
}

impl Figure for ExploreFigure<'_> {
    fn height(&self) -> u32 {
        match self.chart {
            ExploreChart::Tornado(_) | ExploreChart::Sobol(_) => {
                let rows = self.data.assumptions.len() as u32;
                (220 + rows * 56).max(style::HEIGHT)
            }
            _ => style::HEIGHT,
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError> {
        match self.chart {
            ExploreChart::Tornado(m) => draw_tornado(root, px, self.data, m),
            ExploreChart::Morris(m) => draw_morris(root, px, self.data, m),
            ExploreChart::Sobol(m) => draw_sobol(root, px, self.data, m),
            ExploreChart::Propagate(m) => draw_propagate(root, px, self.data, m),
        }
    }
}

/// The width of the assumption labels at the left of bar charts.
const LABEL_AREA: f64 = 330.0;

fn axis_desc(m: &Measure) -> String {
    if m.difference {
        format!("paired difference in {}", numbers::axis_label(&m.metric))
    } else {
        numbers::axis_label(&m.metric)
    }
}

/// Scales a share metric to percent for the axis.
fn scale(m: &Measure) -> f64 {
    if numbers::unit(&m.metric) == numbers::Unit::Share {
        100.0
    } else {
        1.0
    }
}

/// Draws the assumption names left of rows `0..n` of a horizontal chart.
fn row_labels<DB: DrawingBackend, X: plotters::coord::ranged1d::Ranged<ValueType = f64>>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    chart: &ChartContext<'_, DB, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>,
    x_left: f64,
    names: &[&str],
) -> Result<(), ChartError> {
    for (k, name) in names.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(x_left, k as f64));
        let font = style::fitting(root, name, px.i(LABEL_AREA - 24.0), size::LABEL, |s| {
            px.font(s)
        })?;
        root.draw_text(
            name,
            &anchored(font, HPos::Right, VPos::Center),
            (x - px.i(10.0), y),
        )?;
    }
    Ok(())
}

/// One of a row's two bars (tornado ends, Sobol' S1 and ST), centred at
/// `y`, from `anchor` to the estimate, with the 95% interval as a whisker;
/// undefined parts are left out.
fn half_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    y: f64,
    anchor: f64,
    (estimate, low, high): (f64, f64, f64),
    color: RGBColor,
) -> Result<(), ChartError> {
    if estimate.is_finite() {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(anchor, y - 0.15), (estimate, y + 0.15)],
            color.filled(),
        )))?;
    }
    if low.is_finite() && high.is_finite() {
        style::error_bar(
            root,
            px,
            chart.backend_coord(&(low, y)),
            chart.backend_coord(&(high, y)),
            10.0,
        )?;
    }
    Ok(())
}

fn draw_tornado<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &ExploreData,
    m: &Measure,
) -> Result<(), ChartError> {
    let k = scale(m);
    let bars = tornado_bars(data, m);
    let nominal = data.nominal(m).map_or(f64::NAN, |n| n.0 * k);
    // A run's "What this depends on" tornado names its own ends and note.
    let note = data.manifest["tornado_note"].as_str().map_or_else(
        || {
            format!(
                "each assumption alone at its ends, the others nominal; whiskers: 95% CI over {} replications; dashed: nominal",
                data.manifest["replications"].as_u64().unwrap_or(0)
            )
        },
        str::to_owned,
    );
    let end = |i: usize, default: &'static str| {
        data.manifest["tornado_ends"][i]
            .as_str()
            .unwrap_or(default)
            .to_owned()
    };
    let area = style::header(root, px, &format!("What moves {}", subject(data, m)), &note)?;
    let area = style::legend_rows(
        &area,
        px,
        LABEL_AREA,
        &[
            Entry::new(end(0, "low end"), style::OKABE_ITO[0], Swatch::Box),
            Entry::new(end(1, "high end"), style::OKABE_ITO[1], Swatch::Box),
        ],
    )?;
    let (x0, x1) = padded_range(
        bars.iter()
            .flat_map(|(_, lo, hi)| [lo.low, lo.high, hi.low, hi.high])
            .map(|x| x * k)
            .chain([nominal]),
        m.difference,
    );
    let n = bars.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(8.0))
        .margin_right(px.u(32.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(64.0))
        .y_label_area_size(px.u(LABEL_AREA))
        .build_cartesian_2d(x0..x1, (n - 0.5)..-0.5)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_label_formatter(&|v| numbers::tick(*v))
        .x_desc(axis_desc(m))
        .house(px)
        .draw()?;
    let names: Vec<&str> = bars.iter().map(|(p, _, _)| *p).collect();
    row_labels(root, px, &chart, x0, &names)?;
    let anchor = if nominal.is_finite() { nominal } else { 0.0 };
    for (slot, (_, lo, hi)) in bars.iter().enumerate() {
        let y = slot as f64;
        for (row, color, dy) in [
            (lo, style::OKABE_ITO[0], -0.17),
            (hi, style::OKABE_ITO[1], 0.17),
        ] {
            let (v, low, high) = (row.estimate * k, row.low * k, row.high * k);
            half_bar(root, px, &mut chart, y + dy, anchor, (v, low, high), color)?;
        }
    }
    if nominal.is_finite() {
        chart.draw_series(DashedLineSeries::new(
            [(nominal, n - 0.5), (nominal, -0.5)],
            px.u(6.0),
            px.u(4.0),
            px.stroke(style::TEXT, 1.5),
        ))?;
    }
    if m.difference && x0 < 0.0 && x1 > 0.0 {
        chart.draw_series(LineSeries::new(
            [(0.0, n - 0.5), (0.0, -0.5)],
            px.stroke(style::AXIS_LINE, 1.5),
        ))?;
    }
    Ok(())
}

fn draw_sobol<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &ExploreData,
    m: &Measure,
) -> Result<(), ChartError> {
    let mut names: Vec<&str> = data.assumptions.iter().map(String::as_str).collect();
    let st = |a: &str| {
        data.row(m, a, "ST")
            .map_or(f64::NEG_INFINITY, |r| r.estimate)
    };
    names.sort_by(|a, b| st(b).total_cmp(&st(a)));
    let area = style::header(
        root,
        px,
        &format!("Which assumption explains {}", subject(data, m)),
        &format!(
            "share of its variance over your beliefs; {} base samples; whiskers: 95% bootstrap CI",
            data.manifest["samples"].as_u64().unwrap_or(0)
        ),
    )?;
    let area = style::legend_rows(
        &area,
        px,
        LABEL_AREA,
        &[
            Entry::new("S1: alone", style::OKABE_ITO[0], Swatch::Box),
            Entry::new(
                "ST: with its interactions",
                style::OKABE_ITO[1],
                Swatch::Box,
            ),
        ],
    )?;
    let (x0, x1) = padded_range(
        data.rows_of(m)
            .filter(|r| r.index == "S1" || r.index == "ST")
            .flat_map(|r| [r.low, r.high, r.estimate]),
        true,
    );
    let n = names.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(8.0))
        .margin_right(px.u(32.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(64.0))
        .y_label_area_size(px.u(LABEL_AREA))
        .build_cartesian_2d(x0.min(0.0)..x1.max(1.0_f64.min(x1 + 0.05)), (n - 0.5)..-0.5)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_label_formatter(&|v| numbers::tick(*v))
        .x_desc("share of the variance")
        .house(px)
        .draw()?;
    row_labels(root, px, &chart, x0.min(0.0), &names)?;
    for (slot, a) in names.iter().enumerate() {
        let y = slot as f64;
        for (index, color, dy) in [
            ("S1", style::OKABE_ITO[0], -0.17),
            ("ST", style::OKABE_ITO[1], 0.17),
        ] {
            let Some(r) = data.row(m, a, index) else {
                continue;
            };
            let estimate = (r.estimate, r.low, r.high);
            half_bar(root, px, &mut chart, y + dy, 0.0, estimate, color)?;
        }
    }
    Ok(())
}

fn draw_morris<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &ExploreData,
    m: &Measure,
) -> Result<(), ChartError> {
    let k = scale(m);
    let dots: Vec<(&str, &IndexRow, &IndexRow)> = data
        .assumptions
        .iter()
        .filter_map(|a| {
            Some((
                a.as_str(),
                data.row(m, a, "mu_star")?,
                data.row(m, a, "sigma")?,
            ))
        })
        .collect();
    let area = style::header(
        root,
        px,
        &format!("Morris screening of {}", subject(data, m)),
        &format!(
            "μ*: mean absolute elementary effect; σ: its spread; {} trajectories; whiskers: 95% bootstrap CI of μ*",
            data.manifest["samples"].as_u64().unwrap_or(0)
        ),
    )?;
    let (_, x1) = padded_range(
        dots.iter()
            .flat_map(|(_, mu, _)| [mu.high * k, mu.estimate * k]),
        true,
    );
    let (_, y1) = padded_range(dots.iter().map(|(_, _, s)| s.estimate * k), true);
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(48.0))
        .margin_top(px.u(16.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(64.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(0.0..x1, 0.0..y1)?;
    let unit = axis_desc(m);
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(8)
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| numbers::tick(*v))
        .x_desc(format!("μ*, {unit}"))
        .y_desc("σ")
        .house(px)
        .draw()?;
    // σ = μ*: above it, the effect changes sign or size across the design.
    let diag = x1.min(y1);
    chart.draw_series(DashedLineSeries::new(
        [(0.0, 0.0), (diag, diag)],
        px.u(6.0),
        px.u(4.0),
        px.stroke(style::AXIS_LINE, 1.5),
    ))?;
    for (i, (name, mu, sigma)) in dots.iter().enumerate() {
        let (x, y) = (mu.estimate * k, sigma.estimate * k);
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        if (mu.low * k).is_finite() && (mu.high * k).is_finite() {
            style::error_bar(
                root,
                px,
                chart.backend_coord(&(mu.low * k, y)),
                chart.backend_coord(&(mu.high * k, y)),
                10.0,
            )?;
        }
        let color = style::OKABE_ITO[i % style::OKABE_ITO.len()];
        chart.draw_series(std::iter::once(Circle::new(
            (x, y),
            px.u(6.0),
            color.filled(),
        )))?;
        let (bx, by) = chart.backend_coord(&(x, y));
        let right = bx < (root.dim_in_pixel().0 as i32) * 2 / 3;
        root.draw_text(
            name,
            &anchored(
                px.font(size::NOTE),
                if right { HPos::Left } else { HPos::Right },
                VPos::Bottom,
            ),
            (
                if right {
                    bx + px.i(8.0)
                } else {
                    bx - px.i(8.0)
                },
                by - px.i(6.0),
            ),
        )?;
    }
    Ok(())
}

fn draw_propagate<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &ExploreData,
    m: &Measure,
) -> Result<(), ChartError> {
    let k = scale(m);
    let values: Vec<f64> = data
        .design_values(m)
        .into_iter()
        .filter(|x| x.is_finite())
        .map(|x| x * k)
        .collect();
    let subtitle = match p_better(data, m) {
        Some(p) => format!(
            "{} points drawn from your beliefs; P({} better) = {:.2} [{:.2}, {:.2}]",
            values.len(),
            m.topology,
            p.estimate,
            p.low,
            p.high
        ),
        None => format!("{} points drawn from your beliefs", values.len()),
    };
    let area = style::header(
        root,
        px,
        &upper_first(&format!("{} over your beliefs", subject(data, m))),
        &subtitle,
    )?;
    let area = if m.difference && data.better(m) != Better::Neither {
        style::legend_rows(
            &area,
            px,
            100.0,
            &[
                Entry::new(
                    format!("{} better", m.topology),
                    style::lighten(style::OKABE_ITO[2], 0.25),
                    Swatch::Box,
                ),
                Entry::new(
                    format!("{} better", data.baseline),
                    style::lighten(style::OKABE_ITO[1], 0.25),
                    Swatch::Box,
                ),
            ],
        )?
    } else {
        area
    };
    let (x0, x1) = padded_range(values.iter().copied(), m.difference);
    // Bins of equal width with an edge at zero, so that no bar straddles
    // the verdict line.
    let target = ((values.len() as f64).sqrt().ceil()).clamp(5.0, 40.0);
    let width = (x1 - x0) / target;
    let start = (x0 / width).floor() * width;
    let bins = (((x1 - start) / width).ceil() as usize).max(1);
    let (x0, x1) = (start, start + bins as f64 * width);
    let mut counts = vec![0usize; bins];
    for &v in &values {
        let b = (((v - x0) / width) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(1) as f64 * 1.12;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(32.0))
        .margin_top(px.u(8.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(64.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(x0..x1, 0.0..top.max(1.0))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| numbers::tick(*v))
        .x_desc(axis_desc(m))
        .y_desc("points")
        .house(px)
        .draw()?;
    let better_side = |mid: f64| match data.better(m) {
        Better::Lower => m.difference && mid < 0.0,
        Better::Higher => m.difference && mid > 0.0,
        Better::Neither => false,
    };
    for (b, &c) in counts.iter().enumerate() {
        let (lo, hi) = (x0 + b as f64 * width, x0 + (b + 1) as f64 * width);
        let color = if better_side((lo + hi) / 2.0) {
            style::OKABE_ITO[2]
        } else {
            style::OKABE_ITO[1]
        };
        if c > 0 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(lo + width * 0.03, 0.0), (hi - width * 0.03, c as f64)],
                style::lighten(color, 0.25).filled(),
            )))?;
        }
    }
    if m.difference && x0 < 0.0 && x1 > 0.0 {
        chart.draw_series(LineSeries::new(
            [(0.0, 0.0), (0.0, top)],
            px.stroke(style::TEXT, 2.0),
        ))?;
        let (bx, by) = chart.backend_coord(&(0.0, top));
        root.draw_text(
            "no difference",
            &anchored(
                px.font(size::NOTE).color(&style::MUTED),
                HPos::Left,
                VPos::Top,
            ),
            (bx + px.i(6.0), by + px.i(4.0)),
        )?;
    }
    Ok(())
}

/// Draws every chart of the explore folder `dir` into it, as SVG and PNG;
/// returns the files written.
pub fn render_explore(dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    let data = ExploreData::load(dir)?;
    let mut written = Vec::new();
    for chart in ExploreChart::plan(&data) {
        written.extend(write_both(
            dir,
            &chart.stem(),
            &ExploreFigure {
                chart: &chart,
                data: &data,
            },
        )?);
    }
    Ok(written)
}
