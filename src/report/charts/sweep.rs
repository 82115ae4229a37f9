//! Sweep charts: a headline metric against the varied path (one line per
//! topology, shaded 95% CI band, crossovers marked), and for a two-path grid
//! a heat map of the paired difference against the baseline.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::numbers::{self, Better, Unit};
use super::style::HouseMesh;
use super::style::{self, Entry, Px, Swatch, anchored, size};
use super::{ChartError, SweepChart, SweepData, padded_range};

/// A topology's line: (x, mean, ci95 low, ci95 high) per sweep value.
type Line = Vec<(f64, f64, f64, f64)>;

/// Scale of a metric on an axis: shares are shown in percent.
fn scale(metric: &str) -> f64 {
    if numbers::unit(metric) == Unit::Share {
        100.0
    } else {
        1.0
    }
}

/// The line of `topology`: (x, mean, low, high) at each value of the single
/// varied path where the metric is defined.
fn line(data: &SweepData, topology: &str, metric: &str) -> Line {
    data.values
        .first()
        .map(|xs| {
            xs.iter()
                .filter_map(|&x| {
                    if data.withheld(&[x], topology, metric).is_some() {
                        return None;
                    }
                    let s = data.stat(&[x], topology, metric)?;
                    Some((x, s.mean, s.low, s.high))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A point where a topology and the baseline change order, established by
/// their paired difference: significant (95% CI excluding 0) with one sign
/// at `from` and with the other at `to`, and not significant in between.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Crossover {
    /// Value of the varied path where the mean difference changes sign
    /// (interpolated between `from` and `to`).
    pub x: f64,
    /// Value of the metric there (the baseline's mean, interpolated).
    pub y: f64,
    /// The last sweep value before the change where the difference is
    /// significant.
    pub from: f64,
    /// The first sweep value after the change where the difference is
    /// significant (with the other sign).
    pub to: f64,
    /// The two topologies: the baseline, then the other.
    pub pair: (String, String),
    /// Which of the two is lower after the crossover.
    pub lower_after: String,
}

impl Crossover {
    /// Whether no sweep value lies between `from` and `to` (the change is
    /// then located as well as the grid allows).
    pub(crate) fn adjacent(&self, data: &SweepData) -> bool {
        data.values
            .first()
            .is_none_or(|xs| !xs.iter().any(|&x| x > self.from && x < self.to))
    }
}

/// The sign of a paired difference: +1 or −1 where its 95% CI excludes 0,
/// 0 where it does not.
fn significance(d: &super::data::Diff) -> i8 {
    if d.includes_zero() {
        0
    } else if d.mean > 0.0 {
        1
    } else {
        -1
    }
}

/// Where a topology and the baseline change order significantly (docs/model.md,
/// "Statistics you can sign"): a change is marked only between two sweep
/// values where the paired difference is significant with opposite signs
/// and none in between is significant; pairs of two non-baseline topologies
/// have no paired difference in the files and are not marked. Sorted by x.
pub(crate) fn crossovers(data: &SweepData, metric: &str) -> Vec<Crossover> {
    // Categories have no order to cross along.
    if data.is_categorical(0) {
        return Vec::new();
    }
    let base = data.baseline();
    let xs = data.values.first().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for t in data.topologies.iter().skip(1) {
        let diffs: Vec<(f64, super::data::Diff)> = xs
            .iter()
            .filter_map(|&x| Some((x, data.diff(&[x], t, metric)?)))
            .collect();
        let mut last: Option<(usize, i8)> = None;
        for (i, (_, d)) in diffs.iter().enumerate() {
            let sign = significance(d);
            if sign == 0 {
                continue;
            }
            if let Some((j, prev)) = last
                && prev != sign
            {
                // Where the mean difference changes sign between j and i.
                let segment = (j..i)
                    .find(|&k| diffs[k].1.mean.signum() != diffs[k + 1].1.mean.signum())
                    .unwrap_or(j);
                let ((x0, d0), (x1, d1)) = (diffs[segment], diffs[segment + 1]);
                let f = if d0.mean == d1.mean {
                    0.5
                } else {
                    (d0.mean / (d0.mean - d1.mean)).clamp(0.0, 1.0)
                };
                let cx = x0 + f * (x1 - x0);
                let y = match (
                    data.stat(&[x0], base, metric),
                    data.stat(&[x1], base, metric),
                ) {
                    (Some(a), Some(b)) => a.mean + f * (b.mean - a.mean),
                    _ => f64::NAN,
                };
                out.push(Crossover {
                    x: cx,
                    y,
                    from: diffs[j].0,
                    to: diffs[i].0,
                    pair: (base.to_string(), t.clone()),
                    // The difference is t − baseline: negative after means
                    // t is the lower.
                    lower_after: if sign < 0 {
                        t.clone()
                    } else {
                        base.to_string()
                    },
                });
            }
            last = Some((i, sign));
        }
    }
    out.retain(|c| c.y.is_finite());
    out.sort_by(|p, q| p.x.total_cmp(&q.x));
    out
}

/// Whether the means of any two topologies change order somewhere (by
/// linear interpolation), significant or not.
fn means_cross(data: &SweepData, metric: &str) -> bool {
    let lines: Vec<Line> = data
        .topologies
        .iter()
        .map(|t| line(data, t, metric))
        .collect();
    for (i, la) in lines.iter().enumerate() {
        for lb in &lines[i + 1..] {
            let signs: Vec<f64> = la
                .iter()
                .filter_map(|p| lb.iter().find(|q| q.0 == p.0).map(|q| p.1 - q.1))
                .filter(|d| *d != 0.0)
                .map(f64::signum)
                .collect();
            if signs.windows(2).any(|w| w[0] != w[1]) {
                return true;
            }
        }
    }
    false
}

pub(super) fn draw_line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &SweepData,
    metric: &str,
) -> Result<(), ChartError> {
    if data.is_categorical(0) {
        return draw_categories(root, px, data, metric);
    }
    let param = data.params.first().map_or("", String::as_str);
    let k = scale(metric);
    let lines: Vec<(usize, &String, Line)> = data
        .topologies
        .iter()
        .enumerate()
        .map(|(i, t)| (i, t, line(data, t, metric)))
        .filter(|(_, _, l)| !l.is_empty())
        .collect();
    let cross = crossovers(data, metric);
    let withheld = withheld_points(data, metric);
    let area = style::header(
        root,
        px,
        &format!(
            "{} against {param}",
            super::upper_first(&numbers::label(metric))
        ),
        &format!(
            "mean per topology; bands: 95% confidence interval{}{}",
            if cross.is_empty() {
                ""
            } else {
                "; circles: where a topology and the baseline change order (paired difference significant on both sides)"
            },
            if withheld.is_empty() {
                ""
            } else {
                "; crosses at the top: unstable or saturated, no value"
            }
        ),
    )?;
    let entries: Vec<Entry> = lines
        .iter()
        .map(|(i, t, _)| Entry::new(t.as_str(), style::topology_color(*i), Swatch::Line))
        .collect();
    let area = style::legend_rows(&area, px, 108.0, &entries)?;

    let xs = data.values.first().cloned().unwrap_or_default();
    let (x_lo, x_hi) = match (xs.first(), xs.last()) {
        (Some(a), Some(b)) if b > a => {
            let pad = (b - a) * 0.03;
            (a - pad, b + pad)
        }
        (Some(a), _) => (a - 0.5, a + 0.5),
        _ => (0.0, 1.0),
    };
    let from_zero = matches!(
        numbers::unit(metric),
        Unit::PerDay | Unit::Share | Unit::Days
    );
    let (y_lo, y_hi) = padded_range(
        lines
            .iter()
            .flat_map(|(_, _, l)| l.iter().flat_map(|p| [p.1 * k, p.2 * k, p.3 * k])),
        from_zero,
    );
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(36.0))
        .margin_top(px.u(8.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
    let y_desc = numbers::axis_label(metric);
    chart
        .configure_mesh()
        .x_labels(10)
        .y_labels(8)
        .x_label_formatter(&|v| numbers::tick(*v))
        .y_label_formatter(&|v| numbers::tick(*v))
        .x_desc(param)
        .y_desc(y_desc.as_str())
        .house(px)
        .draw()?;

    for (i, _, l) in &lines {
        let color = style::topology_color(*i);
        let band: Vec<(f64, f64)> = l
            .iter()
            .filter(|p| p.2.is_finite() && p.3.is_finite())
            .map(|p| (p.0, p.3 * k))
            .chain(
                l.iter()
                    .rev()
                    .filter(|p| p.2.is_finite() && p.3.is_finite())
                    .map(|p| (p.0, p.2 * k)),
            )
            .collect();
        if band.len() >= 4 {
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                color.mix(0.18).filled(),
            )))?;
        }
    }
    for (i, _, l) in &lines {
        let color = style::topology_color(*i);
        chart.draw_series(LineSeries::new(
            l.iter().map(|p| (p.0, p.1 * k)),
            px.stroke(color, 3.0),
        ))?;
        chart.draw_series(
            l.iter()
                .map(|p| Circle::new((p.0, p.1 * k), px.u(4.0), color.filled())),
        )?;
    }
    // Points without a value (unstable or saturated): a cross in the
    // topology's colour along the top, one row per topology.
    for (i, x, _) in &withheld {
        let (cx, top) = chart.backend_coord(&(*x, y_hi));
        let cy = top + px.i(10.0 + 14.0 * *i as f64);
        root.draw(&Cross::new(
            (cx, cy),
            px.u(6.0),
            px.stroke(style::topology_color(*i), 2.5),
        ))?;
    }
    for c in &cross {
        let (cx, cy) = chart.backend_coord(&(c.x, c.y * k));
        let (_, bottom) = chart.backend_coord(&(c.x, y_lo));
        root.draw(&DashedPathElement::new(
            vec![(cx, cy + px.i(9.0)), (cx, bottom)],
            px.u(4.0),
            px.u(4.0),
            px.stroke(style::TEXT, 1.0),
        ))?;
        root.draw(&Circle::new(
            (cx, cy),
            px.u(9.0),
            px.stroke(style::TEXT, 2.0),
        ))?;
        let label = if c.adjacent(data) {
            format!("{} ≈ {}", short_param(param), numbers::compact(c.x))
        } else {
            format!(
                "{} {}–{}",
                short_param(param),
                numbers::compact(c.from),
                numbers::compact(c.to)
            )
        };
        let font = px.bold(size::NOTE);
        let (tw, th) = root.estimate_text_size(&label, &font)?;
        let (lx, ly) = (cx + px.i(12.0), cy - px.i(12.0));
        root.draw(&Rectangle::new(
            [
                (lx - px.i(4.0), ly - th as i32 - px.i(4.0)),
                (lx + tw as i32 + px.i(4.0), ly + px.i(3.0)),
            ],
            WHITE.mix(0.85).filled(),
        ))?;
        root.draw_text(&label, &anchored(font, HPos::Left, VPos::Bottom), (lx, ly))?;
    }
    Ok(())
}

/// A category name short enough for an axis (an inline table of a
/// distribution can be long).
fn short_label(label: &str) -> String {
    const MAX: usize = 30;
    // `{ dist = "lognormal", mean = 2 }` → `lognormal, mean=2`.
    let label = if label.starts_with('{') {
        label
            .trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace())
            .replace("dist = ", "")
            .replace(" = ", "=")
            .replace(['"', '\''], "")
    } else {
        label.to_string()
    };
    if label.chars().count() <= MAX {
        label
    } else {
        let cut: String = label.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// One varied path of categories: per category, each topology's mean as a
/// dot with its 95% CI as a bar, the topologies side by side; no line joins
/// the categories (they have no order).
fn draw_categories<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &SweepData,
    metric: &str,
) -> Result<(), ChartError> {
    let param = data.params.first().map_or("", String::as_str);
    let k = scale(metric);
    let xs = data.values.first().cloned().unwrap_or_default();
    let lines: Vec<(usize, &String, Line)> = data
        .topologies
        .iter()
        .enumerate()
        .map(|(i, t)| (i, t, line(data, t, metric)))
        .filter(|(_, _, l)| !l.is_empty())
        .collect();
    let area = style::header(
        root,
        px,
        &format!(
            "{} per {param}",
            super::upper_first(&numbers::label(metric))
        ),
        "mean per topology; bars: 95% confidence interval",
    )?;
    let entries: Vec<Entry> = lines
        .iter()
        .map(|(i, t, _)| Entry::new(t.as_str(), style::topology_color(*i), Swatch::Box))
        .collect();
    let area = style::legend_rows(&area, px, 108.0, &entries)?;
    let n = xs.len().max(1) as f64;
    let from_zero = matches!(
        numbers::unit(metric),
        Unit::PerDay | Unit::Share | Unit::Days
    );
    let (y_lo, y_hi) = padded_range(
        lines
            .iter()
            .flat_map(|(_, _, l)| l.iter().flat_map(|p| [p.1 * k, p.2 * k, p.3 * k])),
        from_zero,
    );
    let mut chart = ChartBuilder::on(&area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(36.0))
        .margin_top(px.u(8.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(-0.5..n - 0.5, y_lo..y_hi)?;
    let y_desc = numbers::axis_label(metric);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(8)
        .y_label_formatter(&|v| numbers::tick(*v))
        .x_desc(param)
        .y_desc(y_desc.as_str())
        .house(px)
        .draw()?;
    // The topologies side by side within a category's slot.
    let width = 0.6 / lines.len().max(1) as f64;
    for (slot, (i, _, l)) in lines.iter().enumerate() {
        let color = style::topology_color(*i);
        let offset = (slot as f64 - (lines.len() as f64 - 1.0) / 2.0) * width;
        for p in l {
            let x = p.0 + offset;
            if p.2.is_finite() && p.3.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, p.2 * k), (x, p.3 * k)],
                    px.stroke(color, 2.0),
                )))?;
                for y in [p.2, p.3] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x - width * 0.2, y * k), (x + width * 0.2, y * k)],
                        px.stroke(color, 2.0),
                    )))?;
                }
            }
            chart.draw_series(std::iter::once(Circle::new(
                (x, p.1 * k),
                px.u(5.0),
                color.filled(),
            )))?;
        }
    }
    for x in &xs {
        let (cx, by) = chart.backend_coord(&(*x, y_lo));
        root.draw_text(
            &short_label(&data.label(0, *x)),
            &anchored(px.font(size::LABEL), HPos::Center, VPos::Top),
            (cx, by + px.i(6.0)),
        )?;
    }
    Ok(())
}

/// E.g. "Mean lead time per queue: with fifo, matrix 52.1 days and
/// single-threaded 28.8; with weighted, 50.3 and 29.0. single-threaded −
/// matrix: −23.3 days with fifo, −21.3 with weighted (both significant)."
fn categories_caption(data: &SweepData, metric: &str) -> String {
    let short = short_param(data.params.first().map_or("", String::as_str));
    let xs = data.values.first().cloned().unwrap_or_default();
    let unit = match numbers::unit(metric) {
        Unit::Days => " days",
        Unit::PerDay => " items per day",
        _ => "",
    };
    let mut parts = Vec::new();
    for (j, &x) in xs.iter().enumerate() {
        let means: Vec<String> = data
            .topologies
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let s = data.stat(&[x], t, metric)?;
                let v = numbers::short(metric, s.mean);
                Some(if j == 0 {
                    format!("{t} {v}{}", if i == 0 { unit } else { "" })
                } else {
                    v
                })
            })
            .collect();
        if !means.is_empty() {
            parts.push(format!(
                "with {}, {}",
                data.label(0, x),
                means.join(" and ")
            ));
        }
    }
    let mut s = format!(
        "{} per {short}: {}",
        super::upper_first(&numbers::label(metric)),
        parts.join("; ")
    );
    let base = data.baseline();
    for t in data.topologies.iter().skip(1) {
        let diffs: Vec<String> = xs
            .iter()
            .filter_map(|&x| {
                let d = data.diff(&[x], t, metric)?;
                Some(format!(
                    "{} with {} ({})",
                    numbers::diff(metric, d.mean),
                    data.label(0, x),
                    if d.includes_zero() {
                        "not significant"
                    } else {
                        "significant"
                    }
                ))
            })
            .collect();
        if !diffs.is_empty() {
            s.push_str(&format!(". {t} − {base}: {}", diffs.join(", ")));
        }
    }
    s.push('.');
    s
}

/// The (topology index, x, what) of every point of a one-path sweep where a
/// topology's value of `metric` is withheld (unstable or saturated).
fn withheld_points(data: &SweepData, metric: &str) -> Vec<(usize, f64, &'static str)> {
    let xs = data.values.first().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (i, t) in data.topologies.iter().enumerate() {
        for &x in &xs {
            if let Some(w) = data.withheld(&[x], t, metric) {
                out.push((i, x, w));
            }
        }
    }
    out
}

/// The last segment of a dotted path (`architecture.coupling` → `coupling`).
fn short_param(param: &str) -> &str {
    param.rsplit('.').next().unwrap_or(param)
}

/// E.g. "From coupling 0 to 0.5, single-threaded's mean lead time goes from
/// 28.3 to 49.0 days and matrix's from 51.4 to 51.6; the order changes at
/// coupling ≈ 0.42, where matrix becomes the lower."
pub(super) fn line_caption(data: &SweepData, metric: &str) -> String {
    if data.is_categorical(0) {
        return categories_caption(data, metric);
    }
    let param = data.params.first().map_or("", String::as_str);
    let short = short_param(param);
    let lines: Vec<(String, Line)> = data
        .topologies
        .iter()
        .map(|t| (t.clone(), line(data, t, metric)))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let (Some(first), Some(last)) = (
        data.values.first().and_then(|v| v.first()),
        data.values.first().and_then(|v| v.last()),
    ) else {
        return String::new();
    };
    let unit = match numbers::unit(metric) {
        Unit::Days => " days",
        Unit::PerDay => " items per day",
        _ => "",
    };
    let parts: Vec<String> = lines
        .iter()
        .enumerate()
        .filter_map(|(k, (t, l))| {
            let (a, b) = (l.first()?, l.last()?);
            let what = if k == 0 {
                format!("{t}'s {}", numbers::label(metric))
            } else {
                format!("{t}'s")
            };
            let (a, b) = (numbers::short(metric, a.1), numbers::short(metric, b.1));
            Some(if a == b {
                format!("{what} stays at {a}{}", if k == 0 { unit } else { "" })
            } else {
                format!(
                    "{what} goes from {a} to {b}{}",
                    if k == 0 { unit } else { "" }
                )
            })
        })
        .collect();
    let mut s = format!(
        "As {short} goes from {} to {}, {}",
        numbers::compact(*first),
        numbers::compact(*last),
        parts.join(" and ")
    );
    let cross = crossovers(data, metric);
    if cross.is_empty() {
        if lines.len() > 1 && means_cross(data, metric) {
            s.push_str(
                "; where the means cross, the paired differences are not significant on both sides, so no change of order is established",
            );
        } else if lines.len() > 1 {
            s.push_str("; the topologies never change order");
        }
    } else {
        let (low, high) = match numbers::better(metric) {
            Better::Higher => ("lower (worse)", "higher (better)"),
            Better::Lower => ("lower (better)", "higher (worse)"),
            Better::Neither => ("lower", "higher"),
        };
        let text: Vec<String> = cross
            .iter()
            .map(|c| {
                let higher = if c.lower_after == c.pair.0 {
                    &c.pair.1
                } else {
                    &c.pair.0
                };
                let from = if c.adjacent(data) {
                    format!("from {short} ≈ {} on", numbers::compact(c.x))
                } else {
                    format!(
                        "from somewhere between {short} {} and {} on (not significant in between)",
                        numbers::compact(c.from),
                        numbers::compact(c.to)
                    )
                };
                if numbers::better(metric) == Better::Higher {
                    format!("{from}, {higher} has the {high} {}", numbers::label(metric))
                } else {
                    format!(
                        "{from}, {} has the {low} {}",
                        c.lower_after,
                        numbers::label(metric)
                    )
                }
            })
            .collect();
        s.push_str(&format!("; the order changes: {}", text.join("; ")));
    }
    s.push('.');
    for (i, t) in data.topologies.iter().enumerate() {
        for what in ["unstable", "saturated"] {
            let at: Vec<String> = withheld_points(data, metric)
                .iter()
                .filter(|(j, _, w)| *j == i && *w == what)
                .map(|(_, x, _)| numbers::compact(*x))
                .collect();
            if !at.is_empty() {
                let why = if what == "unstable" {
                    "unstable (work piles up faster than it is done; lead times grow with the run length)"
                } else {
                    "saturated (some replications reached simulation.max_wip)"
                };
                s.push_str(&format!(
                    " {} is {why} at {short} = {}: no value is drawn there.",
                    super::upper_first(t),
                    at.join(", ")
                ));
            }
        }
    }
    s
}

/// The grid of a heat map: x values, y values and the difference at each
/// cell (row-major by y).
fn grid(
    data: &SweepData,
    metric: &str,
    topology: &str,
) -> (Vec<f64>, Vec<f64>, Vec<Vec<Option<super::data::Diff>>>) {
    let xs = data.values.first().cloned().unwrap_or_default();
    let ys = data.values.get(1).cloned().unwrap_or_default();
    let cells = ys
        .iter()
        .map(|&y| {
            xs.iter()
                .map(|&x| data.diff(&[x, y], topology, metric))
                .collect()
        })
        .collect();
    (xs, ys, cells)
}

pub(super) fn heat_has_data(data: &SweepData, chart: &SweepChart) -> bool {
    match chart {
        SweepChart::Heat { metric, topology } => grid(data, metric, topology)
            .2
            .iter()
            .flatten()
            .any(Option::is_some),
        SweepChart::Line(_) => true,
    }
}

/// Diverging colour for an improvement of `t` in [−1, 1]: blue for better
/// (or higher, for a metric with no better side), vermillion for worse,
/// white for none.
fn diverging(t: f64) -> RGBColor {
    let t = t.clamp(-1.0, 1.0);
    let (end, amount) = if t >= 0.0 {
        (RGBColor(0x00, 0x5A, 0x9C), t)
    } else {
        (RGBColor(0xC4, 0x4E, 0x00), -t)
    };
    style::lighten(end, 1.0 - amount * 0.9)
}

pub(super) fn draw_heat<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    px: Px,
    data: &SweepData,
    metric: &str,
    topology: &str,
) -> Result<(), ChartError> {
    let base = data.baseline();
    let (xs, ys, cells) = grid(data, metric, topology);
    let (px_name, py_name) = (
        data.params.first().map_or("", String::as_str),
        data.params.get(1).map_or("", String::as_str),
    );
    let k = scale(metric);
    let better = numbers::better(metric);
    // Improvement direction: blue where the topology is better than the
    // baseline (or, for a metric with no better side, higher).
    let sign = if better == Better::Lower { -1.0 } else { 1.0 };
    let v_max = cells
        .iter()
        .flatten()
        .flatten()
        .map(|d| d.mean.abs())
        .fold(0.0_f64, f64::max)
        .max(1e-12);
    let (good, bad) = match better {
        Better::Neither => ("higher", "lower"),
        _ => ("better", "worse"),
    };
    let area = style::header(
        root,
        px,
        &format!(
            "{}: {topology} − {base}",
            super::upper_first(&numbers::label(metric))
        ),
        &format!(
            "paired difference per cell ({}); blue: {topology} {good}, orange: {bad}; bold: significant, grey: not",
            match numbers::unit(metric) {
                Unit::Share => "percentage points",
                Unit::Days => "days",
                Unit::PerDay => "items per day",
                Unit::Plain => "mean",
            }
        ),
    )?;
    let (w, _) = area.dim_in_pixel();
    let (plot_area, bar_area) = area.split_horizontally(w - px.u(120.0));
    let nx = xs.len().max(1) as f64;
    let ny = ys.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin_left(px.u(16.0))
        .margin_right(px.u(12.0))
        .margin_top(px.u(8.0))
        .margin_bottom(px.u(8.0))
        .x_label_area_size(px.u(58.0))
        .y_label_area_size(px.u(84.0))
        .build_cartesian_2d(-0.5..nx - 0.5, -0.5..ny - 0.5)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .x_desc(px_name)
        .y_desc(py_name)
        .label_style(px.font(size::LABEL))
        .axis_desc_style(px.font(size::AXIS))
        .axis_style(style::AXIS_LINE)
        .draw()?;
    let note = px.font(size::NOTE);
    for (j, row) in cells.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            let (x, y) = (i as f64, j as f64);
            let rect = [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)];
            let Some(d) = cell else {
                chart.draw_series(std::iter::once(Rectangle::new(
                    rect,
                    RGBColor(0xf2, 0xf2, 0xf2).filled(),
                )))?;
                let point = [xs[i], ys[j]];
                let label = data
                    .withheld(&point, topology, metric)
                    .or_else(|| data.withheld(&point, base, metric));
                if let Some(label) = label {
                    let (cx, cy) = chart.backend_coord(&(x, y));
                    root.draw_text(
                        label,
                        &anchored(
                            note.clone().color(&style::MUTED),
                            HPos::Center,
                            VPos::Center,
                        ),
                        (cx, cy),
                    )?;
                }
                continue;
            };
            let t = sign * d.mean / v_max;
            let fill = diverging(t);
            chart.draw_series(std::iter::once(Rectangle::new(rect, fill.filled())))?;
            chart.draw_series(std::iter::once(Rectangle::new(rect, px.stroke(WHITE, 2.0))))?;
            let (cx, cy) = chart.backend_coord(&(x, y));
            let ink = if d.includes_zero() {
                style::MUTED
            } else if t.abs() > 0.6 {
                WHITE
            } else {
                style::TEXT
            };
            let text = if numbers::unit(metric) == Unit::Share {
                numbers::minus(&format!("{:+.1}", d.mean * k))
            } else {
                numbers::diff_in(Unit::Plain, d.mean)
            };
            // Significant differences in bold, the others in grey.
            let font = if d.includes_zero() {
                note.clone()
            } else {
                px.bold(size::NOTE)
            };
            root.draw_text(
                &text,
                &anchored(font.color(&ink), HPos::Center, VPos::Center),
                (cx, cy),
            )?;
        }
    }
    for (i, x) in xs.iter().enumerate() {
        let (cx, by) = chart.backend_coord(&(i as f64, -0.5));
        root.draw_text(
            &short_label(&data.label(0, *x)),
            &anchored(px.font(size::LABEL), HPos::Center, VPos::Top),
            (cx, by + px.i(6.0)),
        )?;
    }
    for (j, y) in ys.iter().enumerate() {
        let (lx, cy) = chart.backend_coord(&(-0.5, j as f64));
        root.draw_text(
            &short_label(&data.label(1, *y)),
            &anchored(px.font(size::LABEL), HPos::Right, VPos::Center),
            (lx - px.i(8.0), cy),
        )?;
    }

    // Colour bar.
    let (_, bh) = bar_area.dim_in_pixel();
    let (top, bottom) = (px.i(36.0), bh as i32 - px.i(96.0));
    let x0 = px.i(20.0);
    let steps = 60;
    for s in 0..steps {
        let f0 = s as f64 / steps as f64;
        let f1 = (s + 1) as f64 / steps as f64;
        let t = 1.0 - 2.0 * (f0 + f1) / 2.0;
        let y0 = top + ((bottom - top) as f64 * f0).round() as i32;
        let y1 = top + ((bottom - top) as f64 * f1).round() as i32;
        bar_area.draw(&Rectangle::new(
            [(x0, y0), (x0 + px.i(22.0), y1)],
            diverging(t).filled(),
        ))?;
    }
    // Values at the ends and the middle: the top is the most "better".
    let top_value = sign * v_max;
    let fmt = |v: f64| {
        if v == 0.0 {
            "0".to_string()
        } else if numbers::unit(metric) == Unit::Share {
            numbers::minus(&format!("{:+.1}", v * k))
        } else {
            numbers::diff_in(Unit::Plain, v)
        }
    };
    for (y, v) in [
        (top, top_value),
        ((top + bottom) / 2, 0.0),
        (bottom, -top_value),
    ] {
        bar_area.draw_text(
            &fmt(v),
            &anchored(px.font(size::NOTE), HPos::Left, VPos::Center),
            (x0 + px.i(28.0), y),
        )?;
    }
    bar_area.draw_text(
        good,
        &anchored(px.bold(size::NOTE), HPos::Left, VPos::Bottom),
        (x0, top - px.i(12.0)),
    )?;
    bar_area.draw_text(
        bad,
        &anchored(px.bold(size::NOTE), HPos::Left, VPos::Top),
        (x0, bottom + px.i(12.0)),
    )?;
    Ok(())
}

/// E.g. "single-threaded − matrix in mean lead time ranges from −23.1 d
/// (coupling 0, load 0.8) to +4.2 d (coupling 0.5, load 1.2); it is
/// significant in 14 of 20 cells."
pub(super) fn heat_caption(data: &SweepData, metric: &str, topology: &str) -> String {
    let base = data.baseline();
    let (xs, ys, cells) = grid(data, metric, topology);
    let (p1, p2) = (
        short_param(data.params.first().map_or("", String::as_str)),
        short_param(data.params.get(1).map_or("", String::as_str)),
    );
    let mut all = Vec::new();
    for (j, row) in cells.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            if let Some(d) = cell {
                all.push((xs[i], ys[j], *d));
            }
        }
    }
    let (Some(lo), Some(hi)) = (
        all.iter().min_by(|a, b| a.2.mean.total_cmp(&b.2.mean)),
        all.iter().max_by(|a, b| a.2.mean.total_cmp(&b.2.mean)),
    ) else {
        return String::new();
    };
    let significant = all.iter().filter(|c| !c.2.includes_zero()).count();
    let fmt = |v: f64| numbers::diff(metric, v);
    let mut withheld = 0;
    for &y in &ys {
        for &x in &xs {
            let point = [x, y];
            if data.withheld(&point, topology, metric).is_some()
                || data.withheld(&point, base, metric).is_some()
            {
                withheld += 1;
            }
        }
    }
    let note = if withheld > 0 {
        format!(
            " {withheld} cells have no value: a side is unstable (work piles up faster than it is done; lead times grow with the run length) or saturated."
        )
    } else {
        String::new()
    };
    format!(
        "{topology} − {base} in {} ranges from {} ({p1} {}, {p2} {}) to {} ({p1} {}, {p2} {}); the difference is significant in {significant} of {} cells.{note}",
        numbers::label(metric),
        fmt(lo.2.mean),
        data.label(0, lo.0),
        data.label(1, lo.1),
        fmt(hi.2.mean),
        data.label(0, hi.0),
        data.label(1, hi.1),
        all.len()
    )
}
