//! `throughput`: items completed per day per topology, 95% CI error bars,
//! the paired change against the baseline under each bar.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::numbers::{self, change};
use super::style::HouseMesh;
use super::style::{self, Px, anchored, size};
use super::{ChartError, RunData, padded_range};
use crate::model::Metric;

/// The metric charted.
const METRIC: &str = Metric::Throughput.name();

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &RunData,
) -> Result<(), ChartError> {
    let topologies: Vec<(usize, &String)> = data
        .topologies
        .iter()
        .enumerate()
        .filter(|(_, t)| data.stat(t, METRIC).is_some())
        .collect();
    let area = style::header(
        root,
        px,
        "Throughput: items completed per day",
        &format!(
            "mean of {} replications per topology; error bars: 95% confidence interval",
            data.replications()
        ),
    )?;
    let stats: Vec<_> = topologies
        .iter()
        .filter_map(|(_, t)| data.stat(t, METRIC))
        .collect();
    let (_, top) = padded_range(stats.iter().flat_map(|s| [s.mean, s.high]), true);
    let top = top * 1.08;
    let n = topologies.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(32.0))
        .margin_top(px.u(8.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(80.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(-0.5..n - 0.5, 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(8)
        .y_label_formatter(&|v| numbers::tick(*v))
        .y_desc("items completed per day")
        .house(px)
        .draw()?;

    let half = 0.22_f64.min(0.35 / n.sqrt());
    for (slot, (i, t)) in topologies.iter().enumerate() {
        let Some(s) = data.stat(t, METRIC) else {
            continue;
        };
        let x = slot as f64;
        let color = style::topology_color(*i);
        if s.mean.is_finite() {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - half, 0.0), (x + half, s.mean)],
                color.filled(),
            )))?;
        }
        if s.low.is_finite() && s.high.is_finite() {
            style::error_bar(
                root,
                px,
                chart.backend_coord(&(x, s.low)),
                chart.backend_coord(&(x, s.high)),
                18.0,
            )?;
        }
        let label_y = if s.high.is_finite() { s.high } else { s.mean };
        let (lx, ly) = chart.backend_coord(&(x, label_y));
        root.draw_text(
            &numbers::value(METRIC, s.mean),
            &anchored(px.bold(size::LABEL), HPos::Center, VPos::Bottom),
            (lx, ly - px.i(6.0)),
        )?;
        let (bx, by) = chart.backend_coord(&(x, 0.0));
        // Names and notes shrink to fit their slot.
        let slot = ((chart.backend_coord(&(1.0, 0.0)).0 - chart.backend_coord(&(0.0, 0.0)).0)
            as f64
            * 0.95) as i32;
        let name_font = style::fitting(root, t, slot, size::LABEL, |s| px.bold(s))?;
        root.draw_text(
            t,
            &anchored(name_font, HPos::Center, VPos::Top),
            (bx, by + px.i(10.0)),
        )?;
        let notes: Vec<String> = if *i == 0 {
            vec!["baseline".to_string()]
        } else {
            data.diff(t, METRIC).map_or_else(Vec::new, |d| {
                let mut v = vec![format!(
                    "{} vs {}",
                    numbers::rel(d.relative),
                    data.baseline()
                )];
                if d.includes_zero() {
                    v.push("not significant".to_string());
                }
                v
            })
        };
        for (k, note) in notes.iter().enumerate() {
            let font = style::fitting(root, note, slot, size::NOTE, |s| {
                px.font(s).color(&style::MUTED)
            })?;
            root.draw_text(
                note,
                &anchored(font, HPos::Center, VPos::Top),
                (bx, by + px.i(34.0 + 19.0 * k as f64)),
            )?;
        }
    }
    Ok(())
}

/// E.g. "single-threaded completes 1.14 items per day against 1.14 for
/// matrix: no significant difference (…)."
pub(super) fn caption(data: &RunData) -> String {
    let base = data.baseline();
    let Some(b) = data.mean(base, METRIC) else {
        return "Throughput is undefined: no items were completed.".into();
    };
    if data.topologies.len() < 2 {
        let s = data.stat(base, METRIC);
        return format!(
            "{base} completes {} items per day (95% CI {}–{}).",
            numbers::sig(b),
            s.map_or("n/a".into(), |s| numbers::sig(s.low)),
            s.map_or("n/a".into(), |s| numbers::sig(s.high)),
        );
    }
    let parts: Vec<String> = data
        .topologies
        .iter()
        .skip(1)
        .filter_map(|t| {
            let m = data.mean(t, METRIC)?;
            let d = data.diff(t, METRIC)?;
            Some(format!(
                "{t} completes {} items per day against {} for {base}: {}",
                numbers::sig(m),
                numbers::sig(b),
                change(&d, b, "more", "fewer")
            ))
        })
        .collect();
    if parts.is_empty() {
        return format!("{base} completes {} items per day.", numbers::sig(b));
    }
    format!("{}.", parts.join("; "))
}
