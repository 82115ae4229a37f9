//! `lead_time`: the pooled lead-time distribution of each topology as an
//! ECDF (share of items done within x days), with the 50th, 85th and 95th
//! percentiles marked on each curve.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::numbers::{self, change};
use super::style::HouseMesh;
use super::style::{self, Entry, Px, Swatch, anchored, size};
use super::{ChartError, RunData};
use crate::model::Metric;

/// A topology's curve: its colour index, name and (probability, lead time) table.
type Curve<'a> = (usize, &'a String, &'a Vec<(f64, f64)>);

/// The marked percentiles.
const MARKS: [(f64, &str); 3] = [(0.5, "p50"), (0.85, "p85"), (0.95, "p95")];

/// The lead time at probability `p` of a sorted (probability, lead time)
/// table, interpolating linearly.
pub(crate) fn quantile(table: &[(f64, f64)], p: f64) -> Option<f64> {
    let first = table.first()?;
    if p <= first.0 {
        return Some(first.1);
    }
    for w in table.windows(2) {
        let ((p0, x0), (p1, x1)) = (w[0], w[1]);
        if p <= p1 {
            let t = if p1 > p0 { (p - p0) / (p1 - p0) } else { 1.0 };
            return Some(x0 + t * (x1 - x0));
        }
    }
    table.last().map(|l| l.1)
}

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &RunData,
) -> Result<(), ChartError> {
    let curves: Vec<Curve> = data
        .topologies
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            data.distribution
                .get(t)
                .filter(|d| d.len() >= 2)
                .map(|d| (i, t, d))
        })
        .collect();
    // The x axis ends at the largest lead time, unless a long tail would
    // squash the curves: then at the 99.5th percentile.
    let max_all = curves
        .iter()
        .filter_map(|(_, _, d)| quantile(d, 1.0))
        .fold(0.0_f64, f64::max);
    let max_995 = curves
        .iter()
        .filter_map(|(_, _, d)| quantile(d, 0.995))
        .fold(0.0_f64, f64::max);
    let cut = max_all > 1.4 * max_995;
    let x_max = if cut { max_995 * 1.05 } else { max_all * 1.03 }.max(1e-9);
    let subtitle = format!(
        "items completed in {} replications (quantiles averaged over replications); dots: 50th, 85th and 95th percentiles{}",
        data.replications(),
        if cut {
            "; x axis cut at the 99.5th percentile"
        } else {
            ""
        }
    );
    let area = style::header(
        root,
        px,
        "Lead time: share of items finished within x days",
        &subtitle,
    )?;
    let entries: Vec<Entry> = curves
        .iter()
        .map(|(i, t, _)| Entry::new(t.as_str(), style::topology_color(*i), Swatch::Line))
        .collect();
    let area = style::legend_rows(&area, px, 108.0, &entries)?;
    // With more than two topologies the values would collide on the
    // curves: they go into a table beside the plot instead.
    let inline = curves.len() <= 2;
    let area = if inline {
        area
    } else {
        let (w, _) = area.dim_in_pixel();
        let table_w = table_width(root, px, &curves)?;
        let (plot, table) = area.split_horizontally(w.saturating_sub(table_w));
        draw_table(&table, px, &curves)?;
        plot
    };

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
        .x_labels(10)
        .y_labels(6)
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
        .x_desc("lead time (days from arrival to done)")
        .y_desc("items finished (%)")
        .house(px)
        .draw()?;

    // Guides at the marked percentiles, labelled on the right.
    for (p, name) in MARKS {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, p), (x_max, p)],
            px.u(5.0),
            px.u(4.0),
            px.stroke(RGBColor(0xb0, 0xb0, 0xb0), 1.0),
        )))?;
        let (rx, ry) = chart.backend_coord(&(x_max, p));
        root.draw_text(
            name,
            &anchored(
                px.font(size::NOTE).color(&style::MUTED),
                HPos::Left,
                VPos::Center,
            ),
            (rx + px.i(4.0), ry),
        )?;
    }

    for (i, _, d) in &curves {
        let color = style::topology_color(*i);
        let points = d
            .iter()
            .map(|&(p, x)| (x.min(x_max), p))
            .collect::<Vec<_>>();
        chart.draw_series(LineSeries::new(points, px.stroke(color, 3.0)))?;
    }

    // Percentile dots and their values: the leftmost curve is labelled on
    // its left (the empty side above it), the others on their right (the
    // empty side below them).
    let mut order: Vec<&Curve> = curves.iter().collect();
    order.sort_by(|a, b| {
        let qa = quantile(a.2, 0.5).unwrap_or(0.0);
        let qb = quantile(b.2, 0.5).unwrap_or(0.0);
        qa.total_cmp(&qb)
    });
    for (rank, (i, _, d)) in order.iter().enumerate() {
        let color = style::topology_color(*i);
        for (p, _) in MARKS {
            let Some(x) = quantile(d, p) else {
                continue;
            };
            if x > x_max {
                continue;
            }
            chart.draw_series(std::iter::once(Circle::new(
                (x, p),
                px.u(7.0),
                color.filled(),
            )))?;
            chart.draw_series(std::iter::once(Circle::new(
                (x, p),
                px.u(7.0),
                px.stroke(WHITE, 2.0),
            )))?;
            if !inline {
                continue;
            }
            let (cx, cy) = chart.backend_coord(&(x, p));
            let text = format!("{} d", numbers::sig(x));
            let style = px.bold(size::NOTE).color(&color);
            if rank == 0 && order.len() > 1 {
                root.draw_text(
                    &text,
                    &anchored(style, HPos::Right, VPos::Bottom),
                    (cx - px.i(8.0), cy - px.i(3.0)),
                )?;
            } else {
                root.draw_text(
                    &text,
                    &anchored(style, HPos::Left, VPos::Top),
                    (cx + px.i(8.0), cy + px.i(3.0)),
                )?;
            }
        }
    }
    Ok(())
}

const TABLE_COL: f64 = 64.0;

/// Backend width of the percentile table.
fn table_width<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    curves: &[Curve],
) -> Result<u32, ChartError> {
    let font = px.font(size::NOTE);
    let mut name_w = 0;
    for (_, t, _) in curves {
        name_w = name_w.max(style::text_width(root, t, &font)?);
    }
    let max = px.u(400.0);
    Ok((name_w + px.u(3.0 * TABLE_COL + 30.0)).min(max))
}

/// The 50th, 85th and 95th percentiles of every curve as a small table.
fn draw_table<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    px: Px,
    curves: &[Curve],
) -> Result<(), ChartError> {
    let (w, _) = area.dim_in_pixel();
    let right = w as i32 - px.i(20.0);
    let col_x = |k: usize| right - px.i(TABLE_COL * (2 - k) as f64);
    let top = px.i(16.0);
    let head = px.bold(size::NOTE);
    area.draw_text(
        "lead time (days)",
        &anchored(head.clone(), HPos::Left, VPos::Top),
        (px.i(6.0), top),
    )?;
    for (k, (_, name)) in MARKS.iter().enumerate() {
        area.draw_text(
            name,
            &anchored(head.clone(), HPos::Right, VPos::Top),
            (col_x(k), top + px.i(24.0)),
        )?;
    }
    let name_room = col_x(0) - px.i(TABLE_COL) - px.i(6.0);
    for (row, (i, t, d)) in curves.iter().enumerate() {
        let y = top + px.i(52.0 + 26.0 * row as f64);
        let color = style::topology_color(*i);
        let font = style::fitting(area, t, name_room, size::NOTE, |s| px.bold(s).color(&color))?;
        area.draw_text(t, &anchored(font, HPos::Left, VPos::Top), (px.i(6.0), y))?;
        for (k, (p, _)) in MARKS.iter().enumerate() {
            let v = quantile(d, *p).map_or("n/a".into(), numbers::sig);
            area.draw_text(
                &v,
                &anchored(px.font(size::NOTE), HPos::Right, VPos::Top),
                (col_x(k), y),
            )?;
        }
    }
    Ok(())
}

/// E.g. "single-threaded's mean lead time is 28.3 days against 51.4 for
/// matrix: 44.9% shorter (95% CI 42.9–46.9%); 85% of its items are done
/// within 46.5 days against 67.7."
pub(super) fn caption(data: &RunData) -> String {
    let base = data.baseline();
    let Some(b) = data.mean(base, Metric::LeadTimeMean.name()) else {
        return "No item was completed in the measured window: lead time is undefined.".into();
    };
    let b85 = data.mean(base, Metric::LeadTimeP85.name());
    if data.topologies.len() < 2 {
        return format!(
            "{base}'s mean lead time is {}{}.",
            numbers::value(Metric::LeadTimeMean.name(), b),
            b85.map_or(String::new(), |q| format!(
                "; 85% of items are done within {} days",
                numbers::sig(q)
            ))
        );
    }
    let parts: Vec<String> = data
        .topologies
        .iter()
        .skip(1)
        .filter_map(|t| {
            let m = data.mean(t, Metric::LeadTimeMean.name())?;
            let d = data.diff(t, Metric::LeadTimeMean.name())?;
            let p85 = match (data.mean(t, Metric::LeadTimeP85.name()), b85) {
                (Some(q), Some(bq)) => format!(
                    "; 85% of its items are done within {} days against {}",
                    numbers::sig(q),
                    numbers::sig(bq)
                ),
                _ => String::new(),
            };
            Some(format!(
                "{t}'s mean lead time is {} against {} for {base}: {}{p85}",
                numbers::value(Metric::LeadTimeMean.name(), m),
                numbers::sig(b),
                change(&d, b, "longer", "shorter"),
            ))
        })
        .collect();
    if parts.is_empty() {
        return format!(
            "{base}'s mean lead time is {}.",
            numbers::value(Metric::LeadTimeMean.name(), b)
        );
    }
    format!("{}.", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_quantiles() {
        let t = [(0.0, 1.0), (0.5, 3.0), (1.0, 7.0)];
        assert_eq!(quantile(&t, 0.0), Some(1.0));
        assert_eq!(quantile(&t, 0.25), Some(2.0));
        assert_eq!(quantile(&t, 0.75), Some(5.0));
        assert_eq!(quantile(&t, 1.0), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
