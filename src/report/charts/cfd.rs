//! `cfd_<topology>`: the cumulative flow diagram of one replication: done,
//! in progress, in backlog and in intake stacked from the bottom, arrivals
//! on top, the warm-up shaded. These count the demand (the items of the
//! streams) alone; the fix items of escaped defects in the system are a
//! band of their own above it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::CfdSample;
use super::numbers;
use super::style::HouseMesh;
use super::style::{self, CFD_STATES, Entry, Px, Swatch, anchored, size};
use super::{ChartError, RunData};
use crate::model::Metric;

/// The stacked levels of a sample, bottom to top: done, + in progress,
/// + backlog, + intake.
fn levels(s: &CfdSample) -> [f64; 4] {
    let a = s.done;
    let b = a + s.in_progress;
    let c = b + s.backlog;
    let d = c + s.intake;
    [a, b, c, d]
}

/// Colour of the band of fix items (escaped defects) in the system.
const FIX_COLOR: RGBColor = RGBColor(0xCC, 0x79, 0xA7);

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &RunData,
    topology: &str,
) -> Result<(), ChartError> {
    let samples: &[CfdSample] = data.cfd.get(topology).map_or(&[], Vec::as_slice);
    let warmup = data.warmup(topology);
    let area = style::header(
        root,
        px,
        &format!("Cumulative flow: {topology}"),
        &format!(
            "items by state over time in one replication (replication 0){}",
            if warmup > 0.0 {
                "; shaded: warm-up, not measured"
            } else {
                ""
            }
        ),
    )?;
    let fixes = samples.iter().any(|s| s.fix_arrived > 0.0);
    let mut entries = vec![Entry::new("arrived (demand)", style::TEXT, Swatch::Line)];
    if fixes {
        entries.push(Entry::new(
            "fix items of escaped defects",
            FIX_COLOR,
            Swatch::Box,
        ));
    }
    entries.extend(
        CFD_STATES
            .iter()
            .rev()
            .map(|(name, color)| Entry::new(*name, *color, Swatch::Box)),
    );
    let area = style::legend_rows(&area, px, 108.0, &entries)?;

    let t_max = samples
        .iter()
        .map(|s| s.time)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let y_max = samples
        .iter()
        .map(|s| s.arrived.max(levels(s)[3]) + s.fix_open().max(0.0))
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.05;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(36.0))
        .margin_top(px.u(8.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(0.0..t_max, 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_labels(10)
        .y_labels(6)
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| numbers::tick(*v))
        .x_desc("time (working days since the start, warm-up included)")
        .y_desc("items (cumulative)")
        .house(px)
        .draw()?;

    // Top band first, each lower band painted over it.
    if fixes {
        let points: Vec<(f64, f64)> = samples
            .iter()
            .map(|s| (s.time, levels(s)[3] + s.fix_open().max(0.0)))
            .collect();
        chart.draw_series(AreaSeries::new(points, 0.0, FIX_COLOR.filled()))?;
    }
    for k in (0..4).rev() {
        let color = CFD_STATES[k].1;
        let points: Vec<(f64, f64)> = samples.iter().map(|s| (s.time, levels(s)[k])).collect();
        chart.draw_series(AreaSeries::new(points, 0.0, color.filled()))?;
    }
    chart.draw_series(LineSeries::new(
        samples.iter().map(|s| (s.time, s.arrived)),
        px.stroke(style::TEXT, 2.0),
    ))?;

    if warmup > 0.0 && warmup < t_max {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (warmup, y_max)],
            BLACK.mix(0.12).filled(),
        )))?;
        let (wx, wy) = chart.backend_coord(&(warmup, y_max));
        root.draw_text(
            "warm-up",
            &anchored(
                px.font(size::NOTE).color(&style::MUTED),
                HPos::Right,
                VPos::Top,
            ),
            (wx - px.i(6.0), wy + px.i(6.0)),
        )?;
    }

    // The numbers in each band at the end, on the right edge.
    if let Some(last) = samples.last() {
        let l = levels(last);
        let (ex, _) = chart.backend_coord(&(last.time, 0.0));
        let (_, ty) = chart.backend_coord(&(last.time, last.arrived));
        root.draw_text(
            &format!("{:.0} arrived", last.arrived),
            &anchored(px.bold(size::NOTE), HPos::Right, VPos::Bottom),
            (ex - px.i(4.0), ty - px.i(4.0)),
        )?;
        let (_, dy) = chart.backend_coord(&(last.time, l[0] / 2.0));
        root.draw_text(
            &format!("{:.0} done", last.done),
            &anchored(px.bold(size::NOTE).color(&WHITE), HPos::Right, VPos::Center),
            (ex - px.i(8.0), dy),
        )?;
    }
    Ok(())
}

/// E.g. "In replication 0 of single-threaded, 612 items arrived in 560
/// days and 560 were done, leaving 52 open at the end (...); besides,
/// 40 fix items of escaped defects arrived, 3 of them open at the end
/// (their own band); over all replications, 41.7 items were in the
/// system on average." The open items are the demand's, as
/// `open_at_end` counts them.
pub(super) fn caption(data: &RunData, topology: &str) -> String {
    let Some(last) = data.cfd.get(topology).and_then(|s| s.last()) else {
        return format!("No cumulative flow was recorded for {topology}.");
    };
    let open = last.open();
    let fixes = if last.fix_arrived > 0.0 {
        format!(
            "; besides, {:.0} fix items of escaped defects arrived, {:.0} of them open at the end (the band above the demand)",
            last.fix_arrived,
            last.fix_open()
        )
    } else {
        String::new()
    };
    let wip = data
        .mean(topology, Metric::WipMean.name())
        .map_or(String::new(), |w| {
            format!(
                "; over all replications, {} items were in the system on average in the measured window",
                numbers::sig(w)
            )
        });
    let n = |x: f64| format!("{x:.0}");
    format!(
        "In replication 0 of {topology}, {} items arrived in {} days and {} were done, leaving {} open at the end ({} in intake, {} in a backlog, {} in progress){fixes}{wip}.",
        n(last.arrived),
        n(last.time),
        n(last.done),
        n(open),
        n(last.intake),
        n(last.backlog),
        n(last.in_progress),
    )
}
