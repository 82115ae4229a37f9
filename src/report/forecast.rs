//! The files and table of `orgsim forecast` (docs/model.md, "Forecasts"):
//! `forecast.csv`, `burnup.csv`, `forecast_done.csv` and the stdout table.

use std::io;

use crate::experiment::forecast::{BURNUP_BANDS, Forecast};
use crate::util::fmt::number;

/// The columns of `forecast.csv`.
pub const FORECAST_COLUMNS: [&str; 5] =
    ["topology", "quantity", "estimate", "ci95_low", "ci95_high"];

/// A day for a file or the table: `>H` beyond the horizon `H` (the backlog
/// was not done within the simulated days, so no day can be claimed),
/// `NaN` where the replications back no number.
pub fn day(x: f64, horizon: f64) -> String {
    if x == f64::INFINITY {
        format!(">{}", number(horizon))
    } else {
        number(x)
    }
}

/// `forecast.csv`: per topology, `done_p50`, `done_p85`, `done_p95`,
/// `done_mean`, `p_done_by` and `items_by` with their 95% intervals.
pub fn forecast_csv(f: &Forecast) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(FORECAST_COLUMNS)?;
    let h = f.options.horizon;
    for t in &f.topologies {
        for (quantity, e) in f.estimates(t) {
            w.write_record([
                t.name.clone(),
                quantity.to_string(),
                day(e.estimate, h),
                day(e.low, h),
                day(e.high, h),
            ])?;
        }
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// `burnup.csv`: per topology and day from 0 to the horizon, the 5%, 25%,
/// 50%, 75% and 95% quantiles over the replications of the backlog items
/// done by the end of that day.
pub fn burnup_csv(f: &Forecast) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["topology".to_string(), "day".to_string()];
    header.extend(
        BURNUP_BANDS
            .iter()
            .map(|p| format!("p{}", (p * 100.0).round())),
    );
    w.write_record(&header)?;
    for t in &f.topologies {
        for (d, bands) in f.burnup(t) {
            let mut row = vec![t.name.clone(), d.to_string()];
            row.extend(bands.iter().map(|&b| number(b)));
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// The columns of `forecast_done.csv`.
pub const DONE_COLUMNS: [&str; 4] = ["topology", "replication", "done_day", "items_done"];

/// `forecast_done.csv`: per topology and replication, the day its whole
/// backlog was done (empty when it was not done by the horizon: no day can
/// be claimed) and the backlog items done by the horizon. The completion-day
/// chart and the `done_*` quantiles of `forecast.csv` are recomputable from it.
pub fn done_csv(f: &Forecast) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(DONE_COLUMNS)?;
    for t in &f.topologies {
        for (r, (d, items)) in t.done_days(f.items).iter().zip(&t.done).enumerate() {
            let day = if d.is_finite() {
                number(*d)
            } else {
                String::new()
            };
            w.write_record([t.name.clone(), r.to_string(), day, items.len().to_string()])?;
        }
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// The stdout table: per topology, the completion day's p50/p85/p95 and
/// mean with their intervals, the chance of being done by `--by` and the
/// items done by then.
pub fn table(f: &Forecast) -> String {
    let o = &f.options;
    let h = o.horizon;
    let mut out = format!(
        "Forecast: {} backlog item{} at day 0, {}, {} replications, horizon {} days\n",
        f.items,
        if f.items == 1 { "" } else { "s" },
        if o.no_arrivals {
            "no other arrivals"
        } else {
            "arrivals continue"
        },
        o.replications,
        number(h)
    );
    let cell = |x: f64| -> String {
        if x == f64::INFINITY {
            format!("> {}", number(h))
        } else if x.is_nan() {
            "n/a".to_string()
        } else {
            format!("{x:.1}")
        }
    };
    let with_ci = |e: crate::experiment::forecast::Estimate| {
        format!("{} [{}, {}]", cell(e.estimate), cell(e.low), cell(e.high))
    };
    let rows: Vec<(String, Vec<String>, usize)> = f
        .topologies
        .iter()
        .map(|t| {
            let est = f.estimates(t);
            let mut cells: Vec<String> = est[..4].iter().map(|(_, e)| with_ci(*e)).collect();
            let p = est[4].1;
            cells.push(format!(
                "{:.0}% [{:.0}, {:.0}]",
                p.estimate * 100.0,
                p.low * 100.0,
                p.high * 100.0
            ));
            cells.push(with_ci(est[5].1));
            let not_done = t
                .done_days(f.items)
                .iter()
                .filter(|d| d.is_infinite())
                .count();
            (t.name.clone(), cells, not_done)
        })
        .collect();
    let by = number(o.by);
    let headers = [
        "topology".to_string(),
        "done p50".to_string(),
        "done p85".to_string(),
        "done p95".to_string(),
        "done mean".to_string(),
        format!("P(done by {by})"),
        format!("items by {by}"),
    ];
    let mut widths: Vec<usize> = headers.iter().map(|s| s.chars().count()).collect();
    for (name, cells, _) in &rows {
        widths[0] = widths[0].max(name.chars().count());
        for (w, c) in widths[1..].iter_mut().zip(cells) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, (c, w)) in cols.iter().zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(&format!("{c:<w$}"));
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(headers.iter().map(String::as_str).collect()));
    for (name, cells, _) in &rows {
        let mut cols = vec![name.as_str()];
        cols.extend(cells.iter().map(String::as_str));
        out.push_str(&line(cols));
    }
    out.push_str("Days since day 0 with 95% intervals (distribution-free for the quantiles, t for the mean, Wilson for the chance).\n");
    for (name, _, not_done) in &rows {
        if *not_done > 0 {
            out.push_str(&format!(
                "{name}: the backlog was not done by day {} in {not_done} of {} replications; quantiles above that share are \"> {}\" and the mean is unknown.\n",
                number(h),
                o.replications,
                number(h)
            ));
        }
    }
    out
}
