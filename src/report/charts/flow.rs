//! The flow charts practitioners read every week, of replication 0 of one
//! topology (as the cumulative flow diagram; docs/model.md, "Flow charts"):
//! `cycle_time_<topology>`, a scatter of each completed item's lead time
//! against its completion day with the 50th/85th/95th percentile lines;
//! `throughput_weekly_<topology>`, a run chart of the items completed per
//! week of 5 working days with their mean and 5th–95th percentile band;
//! `wip_<topology>`, the items in the system and the age of the oldest of
//! them, in two panels over the whole run.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::flow_data::{CyclePoint, WeekCount, WipAge};
use super::numbers;
use super::style::HouseMesh;
use super::style::{self, Entry, Px, Swatch, anchored, size};
use super::{ChartError, RunData, padded_range};
use crate::stats::percentile;

/// The percentile lines of the scatter.
pub const MARKS: [(f64, &str); 3] = [(0.5, "p50"), (0.85, "p85"), (0.95, "p95")];

/// The band of the throughput run chart: these percentiles of the weekly
/// counts.
pub const BAND: (f64, f64) = (0.05, 0.95);

/// The type-7 percentile `p` of `values` (NaN when empty).
fn pct_of(values: impl Iterator<Item = f64>, p: f64) -> f64 {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    percentile(&v, p)
}

fn cycle<'a>(data: &'a RunData, topology: &str) -> &'a [CyclePoint] {
    data.flow.cycle.get(topology).map_or(&[], Vec::as_slice)
}

fn weeks<'a>(data: &'a RunData, topology: &str) -> &'a [WeekCount] {
    data.flow.weeks.get(topology).map_or(&[], Vec::as_slice)
}

fn wip<'a>(data: &'a RunData, topology: &str) -> &'a [WipAge] {
    data.flow.wip.get(topology).map_or(&[], Vec::as_slice)
}

/// At most this many dots in a cycle-time scatter, so that its SVG stays
/// under 175 kB whatever the horizon (95 bytes a dot, 30 kB the rest); the
/// percentiles and `cycle_time.csv` keep every item.
pub const MAX_DOTS: usize = 1500;

/// Every how many items, in completion order, the scatter draws one: 1 up
/// to [`MAX_DOTS`] items, else ⌈n / MAX_DOTS⌉ (a systematic sample, the
/// first item and every k-th after it, so the density over time and over
/// lead times is kept).
pub fn dot_stride(n: usize) -> usize {
    n.div_ceil(MAX_DOTS).max(1)
}

/// The lead-time percentiles of the scatter's points: (p, name, days).
pub fn cycle_percentiles(data: &RunData, topology: &str) -> Vec<(f64, &'static str, f64)> {
    // Worked out once per topology when the data was made.
    let days = data.flow.marks(topology);
    MARKS
        .iter()
        .zip(days)
        .map(|(&(p, name), d)| (p, name, d))
        .collect()
}

/// The mean and the band of the weekly counts.
pub fn week_band(data: &RunData, topology: &str) -> (f64, f64, f64) {
    let w = weeks(data, topology);
    let counts = || w.iter().map(|w| w.completed);
    let mean = counts().sum::<f64>() / w.len() as f64;
    (mean, pct_of(counts(), BAND.0), pct_of(counts(), BAND.1))
}

/// A dashed horizontal guide at `y` across `[x0, x1]`.
fn guide(
    x0: f64,
    x1: f64,
    y: f64,
    px: Px,
    color: RGBColor,
) -> DashedPathElement<std::vec::IntoIter<(f64, f64)>, u32> {
    DashedPathElement::new(
        vec![(x0, y), (x1, y)],
        px.u(6.0),
        px.u(4.0),
        px.stroke(color, 1.5),
    )
}

/// Shades the warm-up `[0, warmup]` of a chart whose y axis ends at `y_max`.
fn shade_warmup<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    warmup: f64,
    t_max: f64,
    y_max: f64,
) -> Result<(), ChartError> {
    if warmup > 0.0 && warmup < t_max {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (warmup, y_max)],
            BLACK.mix(0.08).filled(),
        )))?;
    }
    Ok(())
}

pub(super) fn draw_cycle<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &RunData,
    topology: &str,
) -> Result<(), ChartError> {
    let points = cycle(data, topology);
    let color = style::topology_color(data.index(topology));
    let stride = dot_stride(points.len());
    let drawn = || points.iter().step_by(stride);
    let what = if stride == 1 {
        format!(
            "each item done in the measured window of replication 0 ({} items)",
            points.len()
        )
    } else {
        format!(
            "one in every {stride} items done in the measured window of replication 0, in completion order ({} of {})",
            drawn().count(),
            points.len()
        )
    };
    let area = style::header(
        root,
        px,
        &format!("Cycle-time scatter: {topology}"),
        &format!("{what}; dashed: 50th, 85th and 95th percentiles of all these items"),
    )?;
    let (x0, x1) = padded_range(points.iter().map(|c| c.done), false);
    let (_, y1) = padded_range(points.iter().map(|c| c.lead_time), true);
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(128.0))
        .margin_top(px.u(10.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(x0..x1, 0.0..y1)?;
    chart
        .configure_mesh()
        .x_labels(10)
        .y_labels(8)
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| numbers::tick(*v))
        .x_desc("completion day (working days since the start; measured window)")
        .y_desc("lead time (days from arrival to done)")
        .house(px)
        .draw()?;
    let dot = style::lighten(color, 0.15).mix(0.55).filled();
    chart.draw_series(drawn().map(|c| Circle::new((c.done, c.lead_time), px.u(3.0), dot)))?;
    for (_, name, days) in cycle_percentiles(data, topology) {
        if !days.is_finite() {
            continue;
        }
        chart.draw_series(std::iter::once(guide(x0, x1, days, px, style::TEXT)))?;
        let (rx, ry) = chart.backend_coord(&(x1, days));
        root.draw_text(
            &format!("{name} {} d", numbers::sig(days)),
            &anchored(px.bold(size::NOTE), HPos::Left, VPos::Center),
            (rx + px.i(6.0), ry),
        )?;
    }
    Ok(())
}

pub(super) fn draw_weeks<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &RunData,
    topology: &str,
) -> Result<(), ChartError> {
    let w = weeks(data, topology);
    let color = style::topology_color(data.index(topology));
    let (mean, lo, hi) = week_band(data, topology);
    let area = style::header(
        root,
        px,
        &format!("Throughput run chart: {topology}"),
        &format!(
            "items completed per week (5 working days) of the measured window of replication 0, {} full weeks",
            w.len()
        ),
    )?;
    let band = style::lighten(color, 0.75);
    let entries = [
        Entry::new("items completed in the week", color, Swatch::Line),
        Entry::new(
            format!("mean {}", numbers::sig(mean)),
            style::TEXT,
            Swatch::Line,
        ),
        Entry::new(
            format!(
                "5th–95th percentile of the weeks ({} to {})",
                numbers::sig(lo),
                numbers::sig(hi)
            ),
            band,
            Swatch::Box,
        ),
    ];
    let area = style::legend_rows(&area, px, 108.0, &entries)?;
    let n = w.len() as f64;
    let (_, y1) = padded_range(w.iter().map(|w| w.completed), true);
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(36.0))
        .margin_top(px.u(8.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(0.5..n + 0.5, 0.0..y1)?;
    chart
        .configure_mesh()
        .x_labels(12)
        .y_labels(8)
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| numbers::tick(*v))
        .x_desc("week of the measured window (1 week = 5 working days)")
        .y_desc("items completed per week (5 working days)")
        .house(px)
        .draw()?;
    if lo.is_finite() && hi.is_finite() {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.5, lo), (n + 0.5, hi)],
            band.filled(),
        )))?;
    }
    if mean.is_finite() {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.5, mean), (n + 0.5, mean)],
            px.stroke(style::TEXT, 2.0),
        )))?;
    }
    let xy = || {
        w.iter()
            .enumerate()
            .map(|(k, w)| (k as f64 + 1.0, w.completed))
    };
    chart.draw_series(LineSeries::new(xy(), px.stroke(color, 2.0)))?;
    chart.draw_series(xy().map(|p| Circle::new(p, px.u(3.5), color.filled())))?;
    Ok(())
}

pub(super) fn draw_wip<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &RunData,
    topology: &str,
) -> Result<(), ChartError> {
    let samples = wip(data, topology);
    let color = style::topology_color(data.index(topology));
    let warmup = data.warmup(topology);
    let area = style::header(
        root,
        px,
        &format!("Work in progress and aging: {topology}"),
        &format!(
            "items in the system (arrived, not done) and the age of the oldest of them, replication 0; dashed: 85th percentile of its lead times{}",
            if warmup > 0.0 {
                "; shaded: warm-up, not measured"
            } else {
                ""
            }
        ),
    )?;
    let p85 = cycle_percentiles(data, topology)
        .into_iter()
        .find(|(p, _, _)| *p == 0.85)
        .map(|(_, _, d)| d)
        .filter(|d| d.is_finite());
    let t_max = samples
        .iter()
        .map(|s| s.time)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);
    let panel = |a: &DrawingArea<DB, Shift>, y1: f64, x_labels: f64| {
        ChartBuilder::on(a)
            .margin_left(px.u(16.0))
            .margin_right(px.u(128.0))
            .margin_top(px.u(8.0))
            .margin_bottom(px.u(4.0))
            .x_label_area_size(px.u(x_labels))
            .y_label_area_size(px.u(84.0))
            .build_cartesian_2d(0.0..t_max, 0.0..y1)
    };

    let (_, w1) = padded_range(samples.iter().map(|s| s.wip), true);
    let mut chart = panel(&top, w1, 28.0)?;
    chart
        .configure_mesh()
        .x_labels(10)
        .y_labels(5)
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| numbers::tick(*v))
        .y_desc("items in the system")
        .house(px)
        .draw()?;
    shade_warmup(&mut chart, warmup, t_max, w1)?;
    chart.draw_series(LineSeries::new(
        samples.iter().map(|s| (s.time, s.wip)),
        px.stroke(color, 2.0),
    ))?;

    let (_, a1) = padded_range(samples.iter().map(|s| s.oldest_age).chain(p85), true);
    let mut chart = panel(&bottom, a1, 54.0)?;
    chart
        .configure_mesh()
        .x_labels(10)
        .y_labels(5)
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| numbers::tick(*v))
        .x_desc("time (working days since the start, warm-up included)")
        .y_desc("oldest item's age (days)")
        .house(px)
        .draw()?;
    shade_warmup(&mut chart, warmup, t_max, a1)?;
    // The age is undefined while the system is empty: the line breaks there.
    for run in samples.split(|s| !s.oldest_age.is_finite()) {
        chart.draw_series(LineSeries::new(
            run.iter().map(|s| (s.time, s.oldest_age)),
            px.stroke(style::TEXT, 2.0),
        ))?;
    }
    if let Some(d) = p85 {
        chart.draw_series(std::iter::once(guide(0.0, t_max, d, px, color)))?;
        let (rx, ry) = chart.backend_coord(&(t_max, d));
        root.draw_text(
            &format!("p85 {} d", numbers::sig(d)),
            &anchored(px.bold(size::NOTE).color(&color), HPos::Left, VPos::Center),
            (rx + px.i(6.0), ry),
        )?;
    }
    Ok(())
}

/// E.g. "In replication 0 of matrix, 240 items were done in the measured
/// window: half within 9.1 days, 85% within 15.2 and 95% within 19.8 (the
/// percentiles of these items; the lead-time chart pools every
/// replication)."
pub(super) fn cycle_caption(data: &RunData, topology: &str) -> String {
    let n = cycle(data, topology).len();
    let p = cycle_percentiles(data, topology);
    let stride = dot_stride(n);
    let thinned = if stride > 1 {
        format!(
            " The chart draws one in every {stride} of them in completion order ({} dots), so that it stays light; cycle_time.csv has them all.",
            n.div_ceil(stride)
        )
    } else {
        String::new()
    };
    format!(
        "In replication 0 of {topology}, {n} items were done in the measured window: half within {} days, 85% within {} and 95% within {} (the percentiles of these items; the lead-time chart pools every replication).{thinned}",
        numbers::sig(p[0].2),
        numbers::sig(p[1].2),
        numbers::sig(p[2].2),
    )
}

/// E.g. "In replication 0 of matrix, 12.4 items were completed per week of
/// 5 working days on average over 30 full weeks, between 7 and 18 in 90%
/// of them (the 5th and 95th percentiles, the band)."
pub(super) fn weeks_caption(data: &RunData, topology: &str) -> String {
    let w = weeks(data, topology);
    let (mean, lo, hi) = week_band(data, topology);
    let min = w.iter().map(|w| w.completed).fold(f64::INFINITY, f64::min);
    let max = w
        .iter()
        .map(|w| w.completed)
        .fold(f64::NEG_INFINITY, f64::max);
    format!(
        "In replication 0 of {topology}, {} items were completed per week of 5 working days on average over {} full weeks of the measured window; the band spans the 5th to the 95th percentile of the weekly counts ({} to {}), the slowest week had {}, the busiest {}.",
        numbers::sig(mean),
        w.len(),
        numbers::sig(lo),
        numbers::sig(hi),
        numbers::tick(min),
        numbers::tick(max),
    )
}

/// E.g. "In replication 0 of matrix, 8 to 31 items were in the system in
/// the measured window (17.2 on average over the samples); its oldest item
/// was at most 41.5 days old, 12.0 at the end (85% of the items done took
/// at most 15.2 days)."
pub(super) fn wip_caption(data: &RunData, topology: &str) -> String {
    let start = data.warmup(topology);
    let measured: Vec<&WipAge> = wip(data, topology)
        .iter()
        .filter(|s| s.time >= start)
        .collect();
    let wips = || measured.iter().map(|s| s.wip);
    let lo = wips().fold(f64::INFINITY, f64::min);
    let hi = wips().fold(f64::NEG_INFINITY, f64::max);
    let mean = wips().sum::<f64>() / measured.len() as f64;
    let oldest = measured
        .iter()
        .map(|s| s.oldest_age)
        .filter(|a| a.is_finite())
        .fold(f64::NAN, f64::max);
    let end = measured.last().map_or(f64::NAN, |s| s.oldest_age);
    let end = if end.is_finite() {
        format!("{} at the end", numbers::sig(end))
    } else {
        "none was left at the end".to_string()
    };
    let p85 = cycle_percentiles(data, topology)[1].2;
    let p85 = if p85.is_finite() {
        format!(
            " (85% of the items done took at most {} days)",
            numbers::sig(p85)
        )
    } else {
        String::new()
    };
    format!(
        "In replication 0 of {topology}, {} to {} items were in the system in the measured window ({} on average over the samples); its oldest item was at most {} days old, {end}{p85}.",
        numbers::tick(lo),
        numbers::tick(hi),
        numbers::sig(mean),
        numbers::sig(oldest),
    )
}
