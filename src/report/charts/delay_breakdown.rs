//! `delay_breakdown`: one horizontal bar per topology, the mean lead time
//! split into its critical-path categories; the coordination categories
//! (warm colours) are bracketed so the coordination tax is visible at once.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::numbers;
use super::style::HouseMesh;
use super::style::{self, Entry, Px, STACK, Swatch, anchored, size};
use super::{ChartError, RunData};
use crate::model::{Category, Metric, metric::Unit};

/// `<category>_mean`.
fn metric(category: Category) -> &'static str {
    Metric::Mean(category).name()
}

/// The categories with a nonzero mean in some topology, in stacking order,
/// and those that are zero everywhere.
fn active(data: &RunData) -> (Vec<(Category, RGBColor)>, Vec<&'static str>) {
    let mut on = Vec::new();
    let mut off = Vec::new();
    for c in STACK {
        let used = data
            .topologies
            .iter()
            .any(|t| data.mean(t, metric(c)).is_some_and(|v| v > 0.0));
        if used {
            on.push((c, style::category_color(c)));
        } else {
            off.push(c.label());
        }
    }
    (on, off)
}

/// The coordination categories, joined by `sep`.
fn coordination(sep: &str) -> String {
    Category::ALL
        .into_iter()
        .filter(|c| c.is_coordination())
        .map(Category::label)
        .collect::<Vec<_>>()
        .join(sep)
}

/// Relative luminance, to pick black or white text on a colour.
fn is_dark(c: RGBColor) -> bool {
    let l = 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
    l < 140.0
}

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &RunData,
) -> Result<(), ChartError> {
    let (on, off) = active(data);
    let topologies: Vec<(usize, &String)> = data
        .topologies
        .iter()
        .enumerate()
        .filter(|(_, t)| data.mean(t, metric(Category::Work)).is_some())
        .collect();
    let subtitle = if off.is_empty() {
        format!(
            "mean days per item along its critical path; bracket: coordination ({})",
            coordination(" + ")
        )
    } else {
        format!(
            "mean days per item along its critical path; bracket: coordination; zero in this run: {}",
            off.join(", ")
        )
    };
    let area = style::header(
        root,
        px,
        "Where the lead time goes: critical-path days per item",
        &subtitle,
    )?;
    let label_font = px.bold(size::LABEL);
    let name_w = topologies
        .iter()
        .map(|(_, t)| style::text_width(root, t, &label_font))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .max()
        .unwrap_or(0);
    let left = name_w as f64 / px.0 + 40.0;
    let entries: Vec<Entry> = on
        .iter()
        .map(|(c, color)| Entry::new(c.label(), *color, Swatch::Box))
        .collect();
    let area = style::legend_rows(&area, px, 24.0, &entries)?;

    let totals: Vec<f64> = topologies
        .iter()
        .map(|(_, t)| {
            on.iter()
                .filter_map(|(c, _)| data.mean(t, metric(*c)))
                .sum()
        })
        .collect();
    let x_max = totals.iter().copied().fold(0.0_f64, f64::max).max(1e-9) * 1.2;
    let n = topologies.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(30.0))
        .margin_top(px.u(6.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(left - 16.0))
        .build_cartesian_2d(0.0..x_max, -0.5..n - 0.5)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_label_formatter(&|v| numbers::tick(*v))
        .x_desc("days per item (mean over replications)")
        .house(px)
        .draw()?;

    let half = 0.2;
    let note = px.font(size::NOTE);
    for (row, ((_, t), total)) in topologies.iter().zip(&totals).enumerate() {
        let yc = n - 1.0 - row as f64;
        let (lx, ly) = chart.backend_coord(&(0.0, yc));
        root.draw_text(
            t,
            &anchored(label_font.clone(), HPos::Right, VPos::Center),
            (lx - px.i(12.0), ly),
        )?;
        let mut x0 = 0.0;
        let (mut coord_start, mut coord_end) = (f64::NAN, f64::NAN);
        for (c, color) in &on {
            let v = data.mean(t, metric(*c)).unwrap_or(0.0).max(0.0);
            if v <= 0.0 {
                continue;
            }
            let x1 = x0 + v;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, yc - half), (x1, yc + half)],
                color.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, yc - half), (x1, yc + half)],
                px.stroke(WHITE, 1.0),
            )))?;
            if c.is_coordination() {
                if coord_start.is_nan() {
                    coord_start = x0;
                }
                coord_end = x1;
            }
            let text = numbers::sig(v);
            let (ax, ay) = chart.backend_coord(&(x0, yc));
            let (bx, _) = chart.backend_coord(&(x1, yc));
            let tw = style::text_width(root, &text, &note)? as i32;
            if bx - ax >= tw + px.i(8.0) {
                let ink = if is_dark(*color) { WHITE } else { style::TEXT };
                root.draw_text(
                    &text,
                    &anchored(note.clone().color(&ink), HPos::Center, VPos::Center),
                    ((ax + bx) / 2, ay),
                )?;
            }
            x0 = x1;
        }
        // Total at the end of the bar.
        let (ex, ey) = chart.backend_coord(&(*total, yc));
        root.draw_text(
            &format!("{} days", numbers::sig(*total)),
            &anchored(px.bold(size::LABEL), HPos::Left, VPos::Center),
            (ex + px.i(8.0), ey),
        )?;
        // The coordination bracket under the warm segments.
        if coord_start.is_finite() && coord_end > coord_start {
            let (sx, sy) = chart.backend_coord(&(coord_start, yc - half));
            let (fx, _) = chart.backend_coord(&(coord_end, yc - half));
            let (y1, y2) = (sy + px.i(5.0), sy + px.i(10.0));
            let ink = px.stroke(style::TEXT, 1.5);
            root.draw(&PathElement::new(
                vec![(sx, y1), (sx, y2), (fx, y2), (fx, y1)],
                ink,
            ))?;
            let days = coord_end - coord_start;
            let share = if *total > 0.0 { days / total } else { f64::NAN };
            let text = format!(
                "coordination {} days ({} of lead time)",
                numbers::sig(days),
                numbers::pct(share, 0)
            );
            let tw = style::text_width(root, &text, &note)? as i32;
            let plot_left = chart.backend_coord(&(0.0, yc)).0;
            let plot_right = chart.backend_coord(&(x_max, yc)).0;
            let cx = ((sx + fx) / 2)
                .min(plot_right - tw / 2)
                .max(plot_left + tw / 2);
            root.draw_text(
                &text,
                &anchored(note.clone(), HPos::Center, VPos::Top),
                (cx, y2 + px.i(7.0)),
            )?;
        }
    }
    Ok(())
}

/// E.g. "Coordination (handoff, cadence, decision, escalation) takes 34.0 of
/// matrix's 51.4 days per item (66%) against 4.13 of single-threaded's 28.3
/// (15%); the largest change is in cadence: −17.6 days (95% CI …)."
pub(super) fn caption(data: &RunData) -> String {
    let coord = |t: &str| -> Option<(f64, f64)> {
        let total = data.mean(t, Metric::LeadTimeMean.name())?;
        let c: f64 = Category::ALL
            .into_iter()
            .filter(|c| c.is_coordination())
            .filter_map(|c| data.mean(t, metric(c)))
            .sum();
        Some((c, total))
    };
    let parts: Vec<String> = data
        .topologies
        .iter()
        .filter_map(|t| {
            let (c, total) = coord(t)?;
            Some(format!(
                "{} of {t}'s {} days per item ({})",
                numbers::sig(c),
                numbers::sig(total),
                numbers::pct(c / total, 0)
            ))
        })
        .collect();
    if parts.is_empty() {
        return "No item was completed in the measured window: there is no lead time to split."
            .into();
    }
    let mut s = format!(
        "Coordination ({}) takes {}",
        coordination(", "),
        match parts.len() {
            1 => parts[0].clone(),
            _ => format!("{} against {}", parts[0], parts[1..].join(" and ")),
        }
    );
    // The category whose paired difference is largest, for the first
    // topology after the baseline.
    if let Some(t) = data.topologies.get(1) {
        let biggest = STACK
            .into_iter()
            .filter_map(|c| data.diff(t, metric(c)).map(|d| (c.label(), d)))
            .filter(|(_, d)| d.mean.is_finite())
            .max_by(|a, b| a.1.mean.abs().total_cmp(&b.1.mean.abs()));
        if let Some((c, d)) = biggest.filter(|(_, d)| d.mean != 0.0) {
            s.push_str(&format!(
                "; the largest change is in {c}: {} per item for {t} (95% CI {} to {})",
                numbers::diff_in(Unit::Days, d.mean),
                numbers::diff_in(Unit::Days, d.low),
                numbers::diff_in(Unit::Days, d.high),
            ));
        }
    }
    s.push('.');
    s
}
