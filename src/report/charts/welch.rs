//! `welch_<topology>`: Welch's chart of the warm-up (`orgsim check --warmup`):
//! the lead times of completed items averaged across replications item by
//! item, their moving average, and the truncation MSER-5 picked.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::numbers;
use super::style::HouseMesh;
use super::style::{self, Entry, Px, Swatch, anchored, size};
use super::{ChartError, Figure, padded_range, write_both};

/// The data of one Welch chart.
#[derive(Debug, Clone)]
pub struct Welch {
    /// The topology's name.
    pub topology: String,
    /// Its index (for its colour).
    pub index: usize,
    /// Replications averaged.
    pub replications: u32,
    /// Lead times averaged across replications, item by item.
    pub series: Vec<f64>,
    /// Items MSER-5 truncates.
    pub truncated_items: usize,
    /// The warm-up in days.
    pub warmup: f64,
}

impl Welch {
    /// The centred moving average of the series with half-window `w`
    /// (Welch's smoothing; shorter windows near the start).
    fn moving_average(&self, w: usize) -> Vec<f64> {
        let n = self.series.len();
        let mut prefix = vec![0.0; n + 1];
        for (i, x) in self.series.iter().enumerate() {
            prefix[i + 1] = prefix[i] + x;
        }
        (0..n)
            .map(|i| {
                let h = w.min(i).min(n - 1 - i);
                (prefix[i + h + 1] - prefix[i - h]) / (2 * h + 1) as f64
            })
            .collect()
    }
}

impl Figure for Welch {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: Px,
    ) -> Result<(), ChartError> {
        let area = style::header(
            root,
            px,
            &format!("Warm-up of {}: Welch's chart", self.topology),
            &format!(
                "lead time of the k-th completed item, averaged over {} replications; MSER-5 truncates {} items ({} days)",
                self.replications,
                self.truncated_items,
                numbers::sig(self.warmup)
            ),
        )?;
        let color = style::topology_color(self.index);
        let w = (self.series.len() / 50).max(2);
        let smooth = self.moving_average(w);
        let area = style::legend_rows(
            &area,
            px,
            80.0,
            &[
                Entry::new(
                    "averaged lead time",
                    style::lighten(color, 0.6),
                    Swatch::Line,
                ),
                Entry::new(format!("moving average (±{w} items)"), color, Swatch::Line),
            ],
        )?;
        let n = self.series.len().max(1) as f64;
        let (lo, hi) = padded_range(self.series.iter().copied(), true);
        let mut chart = ChartBuilder::on(&area)
            .margin_left(px.u(16.0))
            .margin_right(px.u(32.0))
            .margin_top(px.u(8.0))
            .margin_bottom(px.u(8.0))
            .x_label_area_size(px.u(60.0))
            .y_label_area_size(px.u(84.0))
            .build_cartesian_2d(0.0..n, lo..hi)?;
        chart
            .configure_mesh()
            .x_desc("completed item (k-th, in completion order)")
            .y_desc("lead time (days)")
            .x_label_formatter(&|v| numbers::tick(*v))
            .y_label_formatter(&|v| numbers::tick(*v))
            .house(px)
            .draw()?;
        chart.draw_series(LineSeries::new(
            self.series.iter().enumerate().map(|(i, &y)| (i as f64, y)),
            px.stroke(style::lighten(color, 0.6), 1.0),
        ))?;
        chart.draw_series(LineSeries::new(
            smooth.iter().enumerate().map(|(i, &y)| (i as f64, y)),
            px.stroke(color, 3.0),
        ))?;
        let cut = self.truncated_items as f64;
        chart.draw_series(LineSeries::new(
            [(cut, lo), (cut, hi)],
            px.stroke(style::TEXT, 2.0),
        ))?;
        let (x, y) = chart.backend_coord(&(cut, hi));
        root.draw_text(
            &format!("truncate here: {} days", numbers::sig(self.warmup)),
            &anchored(px.bold(size::LABEL), HPos::Left, VPos::Top),
            (x + px.i(8.0), y + px.i(4.0)),
        )?;
        Ok(())
    }
}

/// Writes `welch_<topology>.svg` and `.png` into `dir`.
pub fn write(dir: &Path, welch: &Welch) -> Result<Vec<PathBuf>, ChartError> {
    write_both(
        dir,
        &format!("welch_{}", super::file_safe(&welch.topology)),
        welch,
    )
}
