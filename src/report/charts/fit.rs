//! The fidelity charts of `orgsim fit` (docs/model.md, "What the fit
//! assumes"), drawn from the fit folder's CSV files alone: the lead-time
//! distribution and the waits before tasks of the log against the fitted
//! model's simulation (ECDFs), throughput per stream, and work in progress
//! day by day with the band of the simulated replications.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::numbers;
use super::style::{self, Entry, HouseMesh, Px, Swatch};
use super::{ChartError, Figure, padded_range, write_both};

/// One line of `fidelity.csv`, as the charts need it.
#[derive(Debug, Clone, PartialEq)]
pub struct FidelityLine {
    /// What is compared.
    pub measure: String,
    /// Over what.
    pub scope: String,
    /// The log's value.
    pub observed: f64,
    /// The simulated replications' mean.
    pub simulated: f64,
    /// The mean distance between the log and a replication.
    pub distance: f64,
    /// The largest distance between two replications.
    pub noise_max: f64,
}

/// What a fit folder holds for its charts.
#[derive(Debug, Clone, Default)]
pub struct FitData {
    /// `fidelity.csv`.
    pub fidelity: Vec<FidelityLine>,
    /// `fit_lead_time.csv`: (probability, log, simulated).
    pub lead_time: Vec<(f64, f64, f64)>,
    /// `fit_waits.csv` by group: (probability, log, simulated).
    pub waits: BTreeMap<String, Vec<(f64, f64, f64)>>,
    /// `fit_wip.csv`: (day, log, simulated mean, min, max).
    pub wip: Vec<(f64, f64, f64, f64, f64)>,
}

/// The records of the CSV file `dir/name` as strings, the header checked;
/// none when the file is absent.
fn records(dir: &Path, name: &str, header: &[&str]) -> Result<Vec<Vec<String>>, ChartError> {
    let path = dir.join(name);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let mut reader = csv::Reader::from_path(&path)
        .map_err(|e| ChartError::format(&path, format!("cannot read: {e}")))?;
    let found: Vec<String> = reader
        .headers()
        .map_err(|e| ChartError::format(&path, e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    if found.len() < header.len() || found[..header.len()] != *header {
        return Err(ChartError::format(
            &path,
            format!("expected the columns {}", header.join(",")),
        ));
    }
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(String::from).collect())
                .map_err(|e| ChartError::format(&path, e.to_string()))
        })
        .collect()
}

/// A number of the file `name`.
fn number(name: &str, s: &str) -> Result<f64, ChartError> {
    s.parse::<f64>()
        .map_err(|_| ChartError::format(Path::new(name), format!("`{s}` is not a number")))
}

impl FitData {
    /// Reads the fit folder `dir`.
    pub fn load(dir: &Path) -> Result<Self, ChartError> {
        let mut data = FitData::default();
        let head = [
            "measure",
            "scope",
            "observed",
            "simulated",
            "distance",
            "noise",
            "noise_max",
        ];
        for r in records(dir, "fidelity.csv", &head)? {
            let n = |i: usize| number("fidelity.csv", &r[i]);
            data.fidelity.push(FidelityLine {
                measure: r[0].clone(),
                scope: r[1].clone(),
                observed: n(2)?,
                simulated: n(3)?,
                distance: n(4)?,
                noise_max: n(6)?,
            });
        }
        for r in records(dir, LEAD_TIME_CSV, &["probability", "log", "simulated"])? {
            let n = |i: usize| number(LEAD_TIME_CSV, &r[i]);
            data.lead_time.push((n(0)?, n(1)?, n(2)?));
        }
        for r in records(
            dir,
            WAITS_CSV,
            &["group", "probability", "log", "simulated"],
        )? {
            let n = |i: usize| number(WAITS_CSV, &r[i]);
            data.waits
                .entry(r[0].clone())
                .or_default()
                .push((n(1)?, n(2)?, n(3)?));
        }
        let wip_head = [
            "day",
            "log",
            "simulated_mean",
            "simulated_min",
            "simulated_max",
        ];
        for r in records(dir, WIP_CSV, &wip_head)? {
            let n = |i: usize| number(WIP_CSV, &r[i]);
            data.wip.push((n(0)?, n(1)?, n(2)?, n(3)?, n(4)?));
        }
        Ok(data)
    }

    /// The `fidelity.csv` line of `measure` over `scope`.
    pub fn line(&self, measure: &str, scope: &str) -> Option<&FidelityLine> {
        self.fidelity
            .iter()
            .find(|l| l.measure == measure && l.scope == scope)
    }

    fn throughput(&self) -> Vec<&FidelityLine> {
        self.fidelity
            .iter()
            .filter(|l| l.measure == "throughput")
            .collect()
    }
}

/// The lead-time quantiles' file.
pub const LEAD_TIME_CSV: &str = "fit_lead_time.csv";
/// The waits' quantiles' file.
pub const WAITS_CSV: &str = "fit_waits.csv";
/// The daily WIP's file.
pub const WIP_CSV: &str = "fit_wip.csv";

/// A fidelity chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitChart {
    /// Lead-time ECDF, log against model.
    LeadTime,
    /// ECDFs of the waits before tasks by what came before.
    Waits,
    /// Items done per working day per stream.
    Throughput,
    /// WIP day by day with the replications' band.
    Wip,
}

impl FitChart {
    /// The charts `data` can draw, in report order.
    pub fn plan(data: &FitData) -> Vec<FitChart> {
        let mut v = Vec::new();
        if data.lead_time.len() >= 2 {
            v.push(FitChart::LeadTime);
        }
        if data.waits.values().any(|w| w.len() >= 2) {
            v.push(FitChart::Waits);
        }
        if !data.throughput().is_empty() {
            v.push(FitChart::Throughput);
        }
        if data.wip.len() >= 2 {
            v.push(FitChart::Wip);
        }
        v
    }

    /// The file name without extension.
    pub fn stem(self) -> &'static str {
        match self {
            FitChart::LeadTime => "fit_lead_time",
            FitChart::Waits => "fit_waits",
            FitChart::Throughput => "fit_throughput",
            FitChart::Wip => "fit_wip",
        }
    }

    /// A short heading.
    pub fn heading(self) -> &'static str {
        match self {
            FitChart::LeadTime => "Lead time: log and model",
            FitChart::Waits => "Waits before tasks: log and model",
            FitChart::Throughput => "Throughput per stream: log and model",
            FitChart::Wip => "Work in progress over time: log and model",
        }
    }

    /// One sentence in this fit's numbers: the distance beside the noise.
    pub fn caption(self, data: &FitData) -> String {
        let verdict = |l: &FidelityLine| {
            if l.distance <= l.noise_max {
                "within the simulation noise"
            } else {
                "beyond the simulation noise"
            }
        };
        match self {
            FitChart::LeadTime => match data.line("lead_time_wasserstein1", "all") {
                Some(l) => format!(
                    "Mean lead time {} days in the log, {} in the model; Wasserstein-1 distance {} days against {} at most between two replications: {}.",
                    numbers::tick(l.observed),
                    numbers::tick(l.simulated),
                    numbers::tick(l.distance),
                    numbers::tick(l.noise_max),
                    verdict(l)
                ),
                None => "The lead-time distribution of the log and of the model.".into(),
            },
            FitChart::Waits => match data.line("wait_wasserstein1", "all") {
                Some(l) => format!(
                    "Mean wait before a task {} days in the log, {} in the model; Wasserstein-1 distance {} days against {} at most between two replications: {}.",
                    numbers::tick(l.observed),
                    numbers::tick(l.simulated),
                    numbers::tick(l.distance),
                    numbers::tick(l.noise_max),
                    verdict(l)
                ),
                None => "The waits before tasks of the log and of the model.".into(),
            },
            FitChart::Throughput => {
                let parts: Vec<String> = data
                    .throughput()
                    .iter()
                    .map(|l| {
                        format!(
                            "{}: {} against {} per day ({})",
                            l.scope,
                            numbers::tick(l.observed),
                            numbers::tick(l.simulated),
                            verdict(l)
                        )
                    })
                    .collect();
                format!(
                    "Items done per working day, log against model: {}.",
                    parts.join("; ")
                )
            }
            FitChart::Wip => match data.line("wip_over_time", "all") {
                Some(l) => format!(
                    "Mean work in progress {} items in the log, {} in the model; the daily series differ by {}% of the log's mean on average, against {}% at most between two replications: {}.",
                    numbers::tick(l.observed),
                    numbers::tick(l.simulated),
                    numbers::tick(100.0 * l.distance),
                    numbers::tick(100.0 * l.noise_max),
                    verdict(l)
                ),
                None => "Work in progress day by day, log and model.".into(),
            },
        }
    }

    /// The chart as an SVG document.
    pub fn svg(self, data: &FitData) -> Result<String, ChartError> {
        super::to_svg(&FitFigure { chart: self, data })
    }
}

struct FitFigure<'a> {
    chart: FitChart,
    data: &'a FitData,
}

/// An ECDF's log label, model label, colour and quantile table.
type Curve<'a> = (&'a str, &'a str, RGBColor, &'a Vec<(f64, f64, f64)>);

/// The colour of the log's lines.
const LOG: RGBColor = style::OKABE_ITO[0];
/// The colour of the model's lines.
const MODEL: RGBColor = style::OKABE_ITO[1];

impl Figure for FitFigure<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError> {
        let d = self.data;
        match self.chart {
            FitChart::LeadTime => {
                let area = style::header(
                    root,
                    px,
                    "Lead time: share of items finished within x days",
                    "the log's completed items against the fitted model's replications pooled",
                )?;
                ecdf(
                    &area,
                    px,
                    &[("log", "model", LOG, &d.lead_time)],
                    "lead time (days from arrival to done)",
                )
            }
            FitChart::Waits => {
                let area = style::header(
                    root,
                    px,
                    "Waits before tasks: share within x days",
                    "from the item's arrival or its latest end before the start; solid: log, dashed: model",
                )?;
                let label = |g: &str| {
                    match g {
                        "first_task" => "first task",
                        "after_same_team" => "after the same team",
                        "after_other_team" => "after another team",
                        g => g,
                    }
                    .to_string()
                };
                let names: Vec<(String, String)> = d
                    .waits
                    .keys()
                    .map(|g| {
                        (
                            format!("{} (log)", label(g)),
                            format!("{} (model)", label(g)),
                        )
                    })
                    .collect();
                let curves: Vec<Curve> = d
                    .waits
                    .values()
                    .zip(&names)
                    .enumerate()
                    .map(|(i, (w, (a, b)))| (a.as_str(), b.as_str(), style::topology_color(i), w))
                    .collect();
                ecdf(&area, px, &curves, "wait before the task (days)")
            }
            FitChart::Throughput => throughput(root, px, &d.throughput()),
            FitChart::Wip => wip(root, px, &d.wip),
        }
    }
}

/// ECDFs of quantile tables: per curve, the log solid, the model dashed
/// (in one colour each when there is one curve).
fn ecdf<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    px: Px,
    curves: &[Curve],
    x_desc: &str,
) -> Result<(), ChartError> {
    let one = curves.len() == 1;
    let mut entries = Vec::new();
    for (a, b, c, _) in curves {
        entries.push(Entry::new(*a, if one { LOG } else { *c }, Swatch::Line));
        entries.push(Entry::new(*b, if one { MODEL } else { *c }, Swatch::Line));
    }
    let area = style::legend_rows(area, px, 108.0, &entries)?;
    let (_, x_max) = padded_range(
        curves
            .iter()
            .flat_map(|c| c.3.iter().flat_map(|r| [r.1, r.2])),
        true,
    );
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(40.0))
        .margin_top(px.u(10.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(0.0..x_max, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
        .x_desc(x_desc)
        .y_desc("share (%)")
        .house(px)
        .draw()?;
    for (_, _, c, table) in curves {
        let (cl, cm) = if one { (LOG, MODEL) } else { (*c, *c) };
        chart.draw_series(LineSeries::new(
            table.iter().map(|r| (r.1, r.0)),
            cl.stroke_width(px.u(3.0)),
        ))?;
        chart.draw_series(std::iter::once(DashedPathElement::new(
            table.iter().map(|r| (r.2, r.0)).collect::<Vec<_>>(),
            px.u(8.0),
            px.u(5.0),
            cm.stroke_width(px.u(3.0)),
        )))?;
    }
    Ok(())
}

fn throughput<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    lines: &[&FidelityLine],
) -> Result<(), ChartError> {
    let area = style::header(
        root,
        px,
        "Throughput per stream: items done per working day",
        "the log against the mean of the fitted model's replications",
    )?;
    let entries = [
        Entry::new("log", LOG, Swatch::Box),
        Entry::new("model", MODEL, Swatch::Box),
    ];
    let area = style::legend_rows(&area, px, 108.0, &entries)?;
    let (_, top) = padded_range(lines.iter().flat_map(|l| [l.observed, l.simulated]), true);
    let n = lines.len();
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(32.0))
        .margin_top(px.u(10.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(0.0..n as f64, 0.0..top)?;
    let scopes: Vec<String> = lines.iter().map(|l| l.scope.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.max(1) * 2 + 1)
        .x_label_formatter(&|v| {
            let i = v.floor() as usize;
            if (v - i as f64 - 0.5).abs() < 1e-6 {
                scopes.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| numbers::tick(*v))
        .y_desc("items per working day")
        .house(px)
        .draw()?;
    for (i, l) in lines.iter().enumerate() {
        let x = i as f64;
        chart.draw_series([
            Rectangle::new([(x + 0.12, 0.0), (x + 0.48, l.observed)], LOG.filled()),
            Rectangle::new([(x + 0.52, 0.0), (x + 0.88, l.simulated)], MODEL.filled()),
        ])?;
    }
    Ok(())
}

fn wip<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    days: &[(f64, f64, f64, f64, f64)],
) -> Result<(), ChartError> {
    let area = style::header(
        root,
        px,
        "Work in progress: items arrived and not done, day by day",
        "time-average per day; band: the lowest to the highest of the model's replications",
    )?;
    let entries = [
        Entry::new("log", LOG, Swatch::Line),
        Entry::new("model (mean)", MODEL, Swatch::Line),
        Entry::new(
            "model (replications' range)",
            style::lighten(MODEL, 0.7),
            Swatch::Box,
        ),
    ];
    let area = style::legend_rows(&area, px, 108.0, &entries)?;
    let last = days.last().map_or(1.0, |d| d.0 + 1.0);
    let (_, top) = padded_range(days.iter().flat_map(|d| [d.1, d.4]), true);
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(32.0))
        .margin_top(px.u(10.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(0.0..last, 0.0..top)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| numbers::tick(*v))
        .x_desc("working day of the log")
        .y_desc("items in progress")
        .house(px)
        .draw()?;
    let mut band: Vec<(f64, f64)> = days.iter().map(|d| (d.0 + 0.5, d.4)).collect();
    band.extend(days.iter().rev().map(|d| (d.0 + 0.5, d.3)));
    chart.draw_series(std::iter::once(Polygon::new(
        band,
        style::lighten(MODEL, 0.7).filled(),
    )))?;
    chart.draw_series(LineSeries::new(
        days.iter().map(|d| (d.0 + 0.5, d.2)),
        MODEL.stroke_width(px.u(2.0)),
    ))?;
    chart.draw_series(LineSeries::new(
        days.iter().map(|d| (d.0 + 0.5, d.1)),
        LOG.stroke_width(px.u(2.0)),
    ))?;
    Ok(())
}

/// Draws every fidelity chart the fit folder `dir` has data for into it,
/// as SVG and PNG; returns the files written.
pub fn render_fit(dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    let data = FitData::load(dir)?;
    let mut written = Vec::new();
    for chart in FitChart::plan(&data) {
        written.extend(write_both(
            dir,
            chart.stem(),
            &FitFigure { chart, data: &data },
        )?);
    }
    Ok(written)
}
