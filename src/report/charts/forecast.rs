//! The burn-up fan of `orgsim forecast` (docs/model.md, "Forecasts"): per
//! topology, the backlog items done by each day, the middle 50% and 90% of
//! the replications as bands around the median.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::numbers;
use super::style::{self, HouseMesh, Px};
use super::{ChartError, Figure, write_both};
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

/// Writes `burnup.svg` and `burnup.png` of `forecast` into `dir`.
pub fn write_charts(dir: &Path, forecast: &Forecast) -> Result<Vec<PathBuf>, ChartError> {
    write_both(dir, BURNUP_STEM, &Burnup(forecast))
}
