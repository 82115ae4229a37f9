//! The charts of `orgsim forecast` (docs/model.md, "Forecasts"): the
//! burn-up fan (per topology, the backlog items done by each day, the
//! middle 50% and 90% of the replications as bands around the median) and
//! the completion-day histogram (per topology, the day each replication's
//! backlog was done, the replications not done by the horizon as a bar of
//! their own, the quantiles and the `--by` day marked).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::numbers;
use super::style::{self, HouseMesh, Px};
use super::{ChartError, Figure, to_svg, write_both};
use crate::experiment::forecast::Forecast;

/// The stem of the burn-up chart's files.
pub const BURNUP_STEM: &str = "burnup";

struct Burnup<'a>(&'a Forecast);

impl Figure for Burnup<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError> {
        let f = self.0;
        let area = style::header(
            root,
            px,
            &format!("Burn-up: the {} backlog items done by each day", f.items),
            &format!(
                "{} replications per topology; line: median, bands: middle 50% and 90%",
                f.options.replications
            ),
        )?;
        let top = (f.items as f64).max(1.0) * 1.05;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(px.u(16.0))
            .margin_right(px.u(32.0))
            .margin_top(px.u(8.0))
            .margin_bottom(px.u(8.0))
            .x_label_area_size(px.u(60.0))
            .y_label_area_size(px.u(84.0))
            .build_cartesian_2d(0.0..f.options.horizon, 0.0..top)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|v| numbers::tick(*v))
            .y_label_formatter(&|v| numbers::tick(*v))
            .x_desc("day")
            .y_desc("backlog items done")
            .house(px)
            .draw()?;
        for (i, t) in f.topologies.iter().enumerate() {
            let color = style::topology_color(i);
            let bands = f.burnup(t);
            for (lo, hi, alpha) in [(0, 4, 0.15), (1, 3, 0.3)] {
                let mut points: Vec<(f64, f64)> =
                    bands.iter().map(|(d, b)| (f64::from(*d), b[hi])).collect();
                points.extend(bands.iter().rev().map(|(d, b)| (f64::from(*d), b[lo])));
                chart.draw_series(std::iter::once(Polygon::new(
                    points,
                    color.mix(alpha).filled(),
                )))?;
            }
            chart
                .draw_series(LineSeries::new(
                    bands.iter().map(|(d, b)| (f64::from(*d), b[2])),
                    color.stroke_width(px.u(3.0)),
                ))?
                .label(t.name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(style::MUTED)
            .label_font(px.font(style::size::LABEL))
            .draw()?;
        Ok(())
    }
}

/// Writes the forecast's charts into `dir`: `burnup.svg`/`.png` and
/// `forecast_done.svg`/`.png`.
pub fn write_charts(dir: &Path, forecast: &Forecast) -> Result<Vec<PathBuf>, ChartError> {
    let mut written = write_both(dir, BURNUP_STEM, &Burnup(forecast))?;
    written.extend(write_done_chart(dir, forecast)?);
    Ok(written)
}

/// The stem of the completion-day chart's files.
pub const DONE_STEM: &str = "forecast_done";

/// How many bins the completion-day histogram aims at for `n` replications:
/// twice √n, from 8 to 40.
fn target_bins(n: usize) -> f64 {
    (2.0 * (n as f64).sqrt()).clamp(8.0, 40.0)
}

/// The width of the completion-day histogram's bins: the smallest of 1, 2
/// or 5 times a power of ten that spans `lo..hi` in at most the target
/// number of bins for `n` replications (1 day when the span is 0). Bin `k`
/// holds the days in `[k·w, (k + 1)·w)`.
pub fn bin_width(lo: f64, hi: f64, n: usize) -> f64 {
    let span = hi - lo;
    if span.is_nan() || span <= 0.0 {
        return 1.0;
    }
    let raw = span / target_bins(n);
    let power = 10_f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&w| w >= raw)
        .unwrap_or(10.0 * power)
}

/// One topology's completion-day histogram: (bin index `k`, replications
/// done in it) for the non-empty bins in increasing order, and the number of
/// replications not done by the horizon.
pub type DoneBins = (Vec<(i64, usize)>, usize);

/// The completion-day histogram of `f`: the bin width and, per topology,
/// its bins.
pub fn done_histogram(f: &Forecast) -> (f64, Vec<DoneBins>) {
    let days: Vec<Vec<f64>> = f.topologies.iter().map(|t| t.done_days(f.items)).collect();
    let finite = || days.iter().flatten().copied().filter(|d| d.is_finite());
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    let w = bin_width(lo, hi, f.options.replications as usize);
    let per = days
        .iter()
        .map(|d| {
            let mut bins: Vec<(i64, usize)> = Vec::new();
            let mut keys: Vec<i64> = d
                .iter()
                .filter(|x| x.is_finite())
                .map(|x| (x / w).floor() as i64)
                .collect();
            keys.sort_unstable();
            for k in keys {
                match bins.last_mut() {
                    Some((last, n)) if *last == k => *n += 1,
                    _ => bins.push((k, 1)),
                }
            }
            (bins, d.iter().filter(|x| x.is_infinite()).count())
        })
        .collect();
    (w, per)
}

/// The text of a day on the chart: `> H` beyond the horizon.
fn day_text(x: f64, horizon: f64) -> String {
    if x.is_infinite() {
        format!("> {}", numbers::compact(horizon))
    } else {
        numbers::sig(x)
    }
}

struct DoneDays<'a>(&'a Forecast);

impl Figure for DoneDays<'_> {
    fn height(&self) -> u32 {
        (130 + 290 * self.0.topologies.len() as u32).max(style::HEIGHT)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError> {
        use plotters::element::DashedPathElement;
        use plotters::style::text_anchor::{HPos, VPos};
        use style::{anchored, size};

        let f = self.0;
        let o = &f.options;
        let (w, hist) = done_histogram(f);
        let any_late = hist.iter().any(|(_, late)| *late > 0);
        let ends = hist
            .iter()
            .flat_map(|(bins, _)| bins.iter().map(|(k, _)| *k))
            .fold((i64::MAX, i64::MIN), |(a, b), k| (a.min(k), b.max(k)));
        let (mut x0, mut x1) = if ends.0 <= ends.1 {
            (ends.0 as f64 * w, (ends.1 + 1) as f64 * w)
        } else {
            (0.0, o.horizon)
        };
        x0 = x0.min(o.by);
        x1 = x1.max(o.by);
        if any_late {
            x1 = x1.max(o.horizon);
        }
        let pad = (x1 - x0) * 0.03;
        let (lo, hi) = ((x0 - pad).max(0.0), x1 + pad);
        // Room right of the days for the "not done by the horizon" bar.
        let late_at = hi + 2.0 * pad;
        let late_w = ((hi - lo) * 0.05).max(w);
        let right = if any_late { late_at + late_w + pad } else { hi };
        let top = hist
            .iter()
            .flat_map(|(bins, late)| bins.iter().map(|(_, n)| *n).chain([*late]))
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let by_text = if o.by >= o.horizon {
            format!("the horizon, day {}", numbers::compact(o.horizon))
        } else {
            format!("day {}", numbers::compact(o.by))
        };
        let area = style::header(
            root,
            px,
            &format!(
                "When the {} backlog items are done: the day the last one was, per replication",
                f.items
            ),
            &format!(
                "{} replications per topology; bars: replications done in each {}-day bin; dashed: p50, p85, p95; solid: {by_text}",
                o.replications,
                numbers::compact(w)
            ),
        )?;
        let panels = area.split_evenly((f.topologies.len().max(1), 1));
        for (i, (t, panel)) in f.topologies.iter().zip(&panels).enumerate() {
            let color = style::topology_color(i);
            let (bins, late) = &hist[i];
            let last = i + 1 == f.topologies.len();
            let mut chart = ChartBuilder::on(panel)
                .margin_left(px.u(16.0))
                .margin_right(px.u(32.0))
                .margin_top(px.u(104.0))
                .margin_bottom(px.u(6.0))
                .x_label_area_size(px.u(if last { 60.0 } else { 34.0 }))
                .y_label_area_size(px.u(84.0))
                .build_cartesian_2d(lo..right, 0.0..top * 1.08)?;
            let horizon = o.horizon;
            let x_tick = |v: &f64| {
                if any_late && *v > horizon {
                    String::new()
                } else {
                    numbers::tick(*v)
                }
            };
            let y_tick = |v: &f64| numbers::tick(*v);
            let mut mesh = chart.configure_mesh();
            mesh.x_label_formatter(&x_tick)
                .y_labels(5)
                .y_label_formatter(&y_tick)
                .y_desc("replications")
                .house(px);
            if last {
                mesh.x_desc("day the whole backlog was done (days since day 0)");
            }
            mesh.draw()?;
            let (px0, py0) = chart.backend_coord(&(lo, top * 1.08));
            root.draw_text(
                &format!(
                    "{}: {} of {} replications done by day {}",
                    t.name,
                    o.replications as usize - late,
                    o.replications,
                    numbers::compact(o.horizon)
                ),
                &anchored(px.bold(size::LABEL).color(&color), HPos::Left, VPos::Bottom),
                (px0, py0 - px.i(80.0)),
            )?;
            for &(k, n) in bins {
                let a = k as f64 * w;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(a, 0.0), (a + w, n as f64)],
                    color.filled(),
                )))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(a, 0.0), (a + w, n as f64)],
                    px.stroke(WHITE, 1.0),
                )))?;
            }
            let est = f.estimates(t);
            if any_late {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(horizon, 0.0), (horizon, top * 1.08)],
                    px.stroke(style::MUTED, 1.0),
                )))?;
                let (cx, cy) = chart.backend_coord(&(late_at + late_w / 2.0, 0.0));
                root.draw_text(
                    &format!("> {}", numbers::compact(horizon)),
                    &anchored(px.font(size::LABEL), HPos::Center, VPos::Top),
                    (cx, cy + px.i(6.0)),
                )?;
                if *late > 0 {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(late_at, 0.0), (late_at + late_w, *late as f64)],
                        style::MUTED.filled(),
                    )))?;
                }
                let beyond: Vec<&str> = est[..3]
                    .iter()
                    .filter(|(_, e)| e.estimate.is_infinite())
                    .map(|(q, _)| q.trim_start_matches("done_"))
                    .collect();
                let (tx, ty) = chart.backend_coord(&(late_at + late_w, *late as f64));
                let note = px.font(size::NOTE).color(&style::TEXT);
                root.draw_text(
                    &format!("{late} not done"),
                    &anchored(note.clone(), HPos::Right, VPos::Bottom),
                    (tx, ty - px.i(4.0)),
                )?;
                if !beyond.is_empty() {
                    root.draw_text(
                        &format!("{} > {}", beyond.join(", "), numbers::compact(horizon)),
                        &anchored(note.color(&color), HPos::Right, VPos::Bottom),
                        (tx, ty - px.i(22.0)),
                    )?;
                }
            }
            // The quantile guides, labelled in rows above the bars so that
            // close ones do not collide.
            for (row, (q, e)) in est[..3].iter().enumerate() {
                if !e.estimate.is_finite() {
                    continue;
                }
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    vec![(e.estimate, 0.0), (e.estimate, top * 1.08)],
                    px.u(5.0),
                    px.u(4.0),
                    px.stroke(color, 1.5),
                )))?;
                let (gx, gy) = chart.backend_coord(&(e.estimate, top * 1.08));
                root.draw_text(
                    &format!(
                        "{} {} d",
                        q.trim_start_matches("done_"),
                        day_text(e.estimate, horizon)
                    ),
                    &anchored(
                        px.font(size::NOTE).color(&color),
                        HPos::Center,
                        VPos::Bottom,
                    ),
                    (gx, gy - px.i(2.0 + 18.0 * (2 - row) as f64)),
                )?;
            }
            let p = est[4].1;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(o.by, 0.0), (o.by, top * 1.08)],
                px.stroke(style::TEXT, 2.0),
            )))?;
            let (bx, by) = chart.backend_coord(&(o.by, top * 1.08));
            let by_label = format!(
                "P(done by {}) {} [{}, {}]",
                numbers::compact(o.by),
                numbers::pct(p.estimate, 0),
                numbers::pct(p.low, 0),
                numbers::pct(p.high, 0)
            );
            let left_side = o.by - lo > (right - lo) / 2.0;
            root.draw_text(
                &by_label,
                &anchored(
                    px.bold(size::NOTE),
                    if left_side { HPos::Right } else { HPos::Left },
                    VPos::Bottom,
                ),
                (
                    bx + if left_side { -px.i(4.0) } else { px.i(4.0) },
                    by - px.i(58.0),
                ),
            )?;
            root.draw(&PathElement::new(
                vec![(bx, by), (bx, by - px.i(72.0))],
                px.stroke(style::TEXT, 2.0),
            ))?;
        }
        Ok(())
    }
}

/// Writes `forecast_done.svg` and `forecast_done.png` of `forecast` into `dir`.
pub fn write_done_chart(dir: &Path, forecast: &Forecast) -> Result<Vec<PathBuf>, ChartError> {
    write_both(dir, DONE_STEM, &DoneDays(forecast))
}

/// The SVG documents of the forecast's charts for the report page, as
/// (stem, document): the burn-up fan and the completion-day histogram.
pub fn svgs(forecast: &Forecast) -> Result<Vec<(&'static str, String)>, ChartError> {
    Ok(vec![
        (BURNUP_STEM, to_svg(&Burnup(forecast))?),
        (DONE_STEM, to_svg(&DoneDays(forecast))?),
    ])
}
