//! The over-time charts (docs/model.md, "Over time"): `over_time`, each
//! topology's throughput and lead time per day with their 95% bands, and
//! `jcurve_<topology>_vs_<reference>`, the cumulative gain against the
//! reference with its band and the break-even day marked.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::numbers;
use super::style::{self, Entry, HouseMesh, Px, Swatch, anchored, size};
use super::{ChartError, Figure, file_safe, padded_range, write_both};
use crate::experiment::over_time::{
    Band, CumulativeQuantity, DailyQuantity, OverTime, PairOverTime,
};
use crate::report::over_time::SMOOTHING_DAYS;

/// The stem of the daily-series chart's files.
pub const DAILY_STEM: &str = "over_time";

/// The stem of the J-curve chart of `p`.
pub fn jcurve_stem(p: &PairOverTime) -> String {
    format!(
        "jcurve_{}_vs_{}",
        file_safe(&p.topology),
        file_safe(&p.reference)
    )
}

/// The centred moving average of `v` over `w` days (fewer near the ends;
/// missing days left out, a window with none is missing).
pub fn smooth(v: &[f64], w: usize) -> Vec<f64> {
    let h = w / 2;
    (0..v.len())
        .map(|i| {
            let window = &v[i.saturating_sub(h)..(i + h + 1).min(v.len())];
            let (sum, n) = window
                .iter()
                .filter(|x| x.is_finite())
                .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
            if n == 0 { f64::NAN } else { sum / n as f64 }
        })
        .collect()
}

/// The mean, low and high columns of `band`, smoothed over `w` days; a day
/// without an interval of its own (too few items to say) keeps none, so
/// the band has a gap there rather than its neighbours' width.
fn columns(band: &Band, w: usize) -> [Vec<f64>; 3] {
    let col = |f: fn(&crate::stats::Summary) -> f64| {
        smooth(&band.days.iter().map(f).collect::<Vec<_>>(), w)
    };
    let has = |d: usize| band.days[d].ci_low.is_finite() && band.days[d].ci_high.is_finite();
    let masked = |mut v: Vec<f64>| {
        for (d, x) in v.iter_mut().enumerate() {
            if !has(d) {
                *x = f64::NAN;
            }
        }
        v
    };
    [
        col(|s| s.mean),
        masked(col(|s| s.ci_low)),
        masked(col(|s| s.ci_high)),
    ]
}

/// Draws a band (filled between low and high where both are finite) and its
/// mean line on `chart`.
fn draw_band<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    px: Px,
    [mean, lo, hi]: &[Vec<f64>; 3],
    color: RGBColor,
) -> Result<(), ChartError> {
    // One polygon per run of days with a finite band.
    let mut start = 0;
    while start < mean.len() {
        while start < mean.len() && !(lo[start].is_finite() && hi[start].is_finite()) {
            start += 1;
        }
        let mut end = start;
        while end < mean.len() && lo[end].is_finite() && hi[end].is_finite() {
            end += 1;
        }
        if end > start + 1 {
            let mut points: Vec<(f64, f64)> = (start..end).map(|d| (d as f64, hi[d])).collect();
            points.extend((start..end).rev().map(|d| (d as f64, lo[d])));
            chart.draw_series(std::iter::once(Polygon::new(
                points,
                color.mix(0.2).filled(),
            )))?;
        }
        start = end.max(start + 1);
    }
    chart.draw_series(LineSeries::new(
        mean.iter()
            .enumerate()
            .filter(|(_, y)| y.is_finite())
            .map(|(d, &y)| (d as f64, y)),
        px.stroke(color, 2.5),
    ))?;
    Ok(())
}

/// The daily series of every topology: throughput above, lead time below.
#[derive(Debug)]
pub struct Daily<'a>(pub &'a OverTime);

impl Figure for Daily<'_> {
    fn height(&self) -> u32 {
        style::HEIGHT * 3 / 2
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError> {
        let o = self.0;
        let area = style::header(
            root,
            px,
            "Throughput and lead time per day, from day 0 (warm-up included)",
            &format!(
                "mean of {} replications, bands: 95% CI per day (lead time: none where fewer than {} items were done); both smoothed over {SMOOTHING_DAYS} days (centred)",
                o.replications,
                crate::experiment::over_time::MIN_COMPLETIONS
            ),
        )?;
        let entries: Vec<Entry> = (o.topologies.iter().enumerate())
            .map(|(i, t)| Entry::new(t.name.clone(), style::topology_color(i), Swatch::Line))
            .collect();
        let area = style::legend_rows(&area, px, 80.0, &entries)?;
        let panels = area.split_evenly((2, 1));
        let days = o.days.max(1) as f64;
        for (panel, (q, label)) in panels.iter().zip([
            (DailyQuantity::Throughput, "items done per day"),
            (
                DailyQuantity::LeadTime,
                "lead time of the items done (days)",
            ),
        ]) {
            let cols: Vec<(usize, [Vec<f64>; 3])> = (o.topologies.iter().enumerate())
                .filter_map(|(i, t)| {
                    let band = t.bands.iter().find(|(k, _)| *k == q)?;
                    Some((i, columns(&band.1, SMOOTHING_DAYS)))
                })
                .collect();
            let (lo, hi) = padded_range(
                cols.iter()
                    .flat_map(|(_, c)| c[1].iter().chain(&c[2]).chain(&c[0]).copied()),
                true,
            );
            let mut chart = ChartBuilder::on(panel)
                .margin_left(px.u(16.0))
                .margin_right(px.u(32.0))
                .margin_top(px.u(8.0))
                .margin_bottom(px.u(8.0))
                .x_label_area_size(px.u(56.0))
                .y_label_area_size(px.u(84.0))
                .build_cartesian_2d(0.0..days, lo..hi)?;
            chart
                .configure_mesh()
                .x_desc("day since the start")
                .y_desc(label)
                .x_label_formatter(&|v| numbers::tick(*v))
                .y_label_formatter(&|v| numbers::tick(*v))
                .house(px)
                .draw()?;
            for (i, c) in &cols {
                draw_band(&mut chart, px, c, style::topology_color(*i))?;
            }
        }
        Ok(())
    }
}

/// The caption of the daily-series chart.
pub fn daily_caption(o: &OverTime) -> String {
    format!(
        "Items done per day and their mean lead time, from day 0 of the run: the warm-up is included, because the dip of a move is its warm-up. Lines: the mean of {} replications; bands: the 95% t interval of each day, the lead time's cut at 0 (a lead time is never negative) and left out on days with fewer than {} items done across the replications (too few to say: the gaps); both smoothed over {SMOOTHING_DAYS} days for the chart (over_time.csv keeps the raw days).",
        o.replications,
        crate::experiment::over_time::MIN_COMPLETIONS
    )
}

/// The J-curve of one pair: the cumulative gain the break-even is read from.
#[derive(Debug)]
pub struct JCurve<'a>(pub &'a PairOverTime);

fn basis_label(q: CumulativeQuantity) -> &'static str {
    match q {
        CumulativeQuantity::ItemsDone => "cumulative items done, difference",
        CumulativeQuantity::DelayCostSaved => "cumulative cost of delay saved",
        CumulativeQuantity::PeopleCostSaved => "cumulative people cost saved",
        CumulativeQuantity::NetSaved => "cumulative net money saved",
    }
}

impl Figure for JCurve<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError> {
        let p = self.0;
        let basis = p.basis();
        let Some(band) = p.band(basis) else {
            return Ok(());
        };
        let b = band.break_even();
        let area = style::header(
            root,
            px,
            &format!("J-curve: {} against {}", p.topology, p.reference),
            &format!(
                "{}, paired by replication; band: 95% CI per day; dashed: break-even {}",
                basis_label(basis),
                match b.day {
                    None => "none within the horizon".to_owned(),
                    Some(0) => "none needed, never behind".to_owned(),
                    Some(d) => format!("day {d}"),
                }
            ),
        )?;
        let cols = columns(band, 1);
        let days = band.days.len().max(1) as f64;
        let (lo, hi) = padded_range(cols.iter().flat_map(|c| c.iter().copied()), true);
        let mut chart = ChartBuilder::on(&area)
            .margin_left(px.u(16.0))
            .margin_right(px.u(32.0))
            .margin_top(px.u(8.0))
            .margin_bottom(px.u(8.0))
            .x_label_area_size(px.u(60.0))
            .y_label_area_size(px.u(96.0))
            .build_cartesian_2d(0.0..days, lo..hi)?;
        let money = basis != CumulativeQuantity::ItemsDone;
        let y_format = move |v: &f64| {
            if money {
                crate::report::money::money(*v)
            } else {
                numbers::tick(*v)
            }
        };
        chart
            .configure_mesh()
            .x_desc("day since the start")
            .y_desc(basis_label(basis))
            .x_label_formatter(&|v| numbers::tick(*v))
            .y_label_formatter(&y_format)
            .house(px)
            .draw()?;
        chart.draw_series(LineSeries::new(
            [(0.0, 0.0), (days, 0.0)],
            px.stroke(style::TEXT, 1.5),
        ))?;
        draw_band(&mut chart, px, &cols, style::topology_color(1))?;
        if let Some(d) = b.day.filter(|&d| d > 0) {
            let x = d as f64;
            chart.draw_series(DashedLineSeries::new(
                [(x, lo), (x, hi)],
                px.u(8.0),
                px.u(6.0),
                px.stroke(style::TEXT, 2.0),
            ))?;
            let (sx, sy) = chart.backend_coord(&(x, hi));
            root.draw_text(
                &format!(
                    "break-even: day {d} [{}, {}]",
                    b.earliest.map_or("?".to_owned(), |d| d.to_string()),
                    b.latest.map_or("beyond".to_owned(), |d| d.to_string())
                ),
                &anchored(px.bold(size::LABEL), HPos::Left, VPos::Top),
                (sx + px.i(8.0), sy + px.i(4.0)),
            )?;
        }
        Ok(())
    }
}

/// The caption of the J-curve of `p`.
pub fn jcurve_caption(p: &PairOverTime, replications: usize) -> String {
    let basis = p.basis();
    let what = match basis {
        CumulativeQuantity::NetSaved => {
            "the money saved since day 0 (cost of delay accrued each day by the items in the system, plus the people cost per day), reference − topology"
        }
        _ => "the items done since day 0, topology − reference",
    };
    let b = p.band(basis).map(Band::break_even);
    let be = match b.and_then(|b| b.day) {
        Some(d) => format!(
            "it stays at or above zero from day {d} on (dashed line); its interval runs from where the upper band to where the lower band stays at or above zero"
        ),
        None => {
            "it does not stay at or above zero to the horizon: no break-even within the horizon"
                .to_owned()
        }
    };
    format!(
        "{} against {}: {what}, differences taken replication by replication over {replications} replications (common random numbers); the band is the 95% t interval of each day. The run is shown from day 0, warm-up included, because the dip of a move is its warm-up. {}.",
        p.topology,
        p.reference,
        super::upper_first(&be)
    )
}

/// Draws the daily-series chart and every pair's J-curve of `o` into `dir`.
pub fn write_charts(dir: &Path, o: &OverTime) -> Result<Vec<PathBuf>, ChartError> {
    let mut written = write_both(dir, DAILY_STEM, &Daily(o))?;
    for p in &o.pairs {
        written.extend(write_both(dir, &jcurve_stem(p), &JCurve(p))?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_is_centred_and_skips_missing_days() {
        let s = smooth(&[1.0, 2.0, 3.0, f64::NAN, 5.0], 3);
        assert_eq!(s[0], 1.5);
        assert_eq!(s[1], 2.0);
        assert_eq!(s[2], 2.5);
        assert_eq!(s[3], 4.0);
        assert_eq!(s[4], 5.0);
    }
}
