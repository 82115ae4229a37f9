//! The files of a sweep (README, "Sweep files") and its stdout table.
//!
//! - `sweep.csv`: one column per varied path (named as given to `--vary`),
//!   then `topology,metric,mean,sd,ci95_low,ci95_high,n`.
//! - `sweep_comparison.csv`: the path columns, then
//!   `topology,baseline,metric,diff_mean,ci95_low,ci95_high,relative,n,meaningful`.
//! - `sweep_replications.csv`: the path columns, then
//!   `topology,replication,metric,value`: every replication's metrics.
//! - `sweep_points.csv`: the path columns, then
//!   `replications,precision_metric,precision_target,relative_half_width,target_met`
//!   (the last four empty without `--precision`).
//!
//! Rows: points in grid order (the last `--vary` varies fastest), then
//! topologies in scenario order, then (replications) replications from 0,
//! then metrics in each topology's order.

use std::fmt::Write as _;
use std::io;

use crate::experiment::sweep::{PointRecord, SweepManifest, SweepPrecision};
use crate::model::Metric;
use crate::util::fmt::number;

use super::layout::{COMPARISON_COLUMNS, SUMMARY_COLUMNS};

/// The header of a long file: the varied paths, then `columns`.
fn header<'a>(paths: &'a [String], columns: &[&'a str]) -> Vec<&'a str> {
    paths
        .iter()
        .map(String::as_str)
        .chain(columns.iter().copied())
        .collect()
}

/// The writers of the four files of a sweep, fed one point at a time in
/// grid order, so that no file is ever whole in memory.
#[derive(Debug)]
pub struct SweepWriters<W: io::Write> {
    summary: csv::Writer<W>,
    comparison: csv::Writer<W>,
    points: csv::Writer<W>,
    replications: csv::Writer<W>,
    precision: Option<SweepPrecision>,
}

impl<W: io::Write> SweepWriters<W> {
    /// Starts `sweep.csv`, `sweep_comparison.csv`, `sweep_points.csv` and
    /// `sweep_replications.csv` (in that order in `outs`) of a sweep
    /// varying `paths` with the precision target `precision`: writes their
    /// headers.
    pub fn new(
        outs: [W; 4],
        paths: &[String],
        precision: Option<&SweepPrecision>,
    ) -> io::Result<SweepWriters<W>> {
        let [summary, comparison, points, replications] = outs.map(csv::Writer::from_writer);
        let mut w = SweepWriters {
            summary,
            comparison,
            points,
            replications,
            precision: precision.cloned(),
        };
        w.summary.write_record(header(paths, &SUMMARY_COLUMNS))?;
        w.comparison
            .write_record(header(paths, &COMPARISON_COLUMNS))?;
        w.points.write_record(header(paths, &POINT_COLUMNS))?;
        w.replications
            .write_record(header(paths, &REPLICATION_COLUMNS))?;
        Ok(w)
    }

    /// Writes the rows of `r`, the next point in grid order, to each file.
    pub fn push(&mut self, r: &PointRecord) -> io::Result<()> {
        for row in &r.summary {
            self.summary.write_record(r.values.iter().chain(row))?;
        }
        for row in &r.comparison {
            self.comparison.write_record(r.values.iter().chain(row))?;
        }
        point_row(&mut self.points, self.precision.as_ref(), r)?;
        replication_rows(&mut self.replications, r)
    }

    /// Flushes the four files and returns their writers, in the order given
    /// to [`SweepWriters::new`].
    pub fn finish(self) -> io::Result<[W; 4]> {
        let inner = |w: csv::Writer<W>| w.into_inner().map_err(|e| io::Error::other(e.to_string()));
        Ok([
            inner(self.summary)?,
            inner(self.comparison)?,
            inner(self.points)?,
            inner(self.replications)?,
        ])
    }
}

/// The four files of `records` (in the order given: grid order) in memory:
/// `sweep.csv`, `sweep_comparison.csv`, `sweep_points.csv`,
/// `sweep_replications.csv`.
fn in_memory(
    paths: &[String],
    precision: Option<&SweepPrecision>,
    records: &[PointRecord],
) -> io::Result<[Vec<u8>; 4]> {
    let mut w = SweepWriters::new(std::array::from_fn(|_| Vec::new()), paths, precision)?;
    for r in records {
        w.push(r)?;
    }
    w.finish()
}

/// `sweep.csv` of `records` (in the order given: grid order).
pub fn sweep_csv(paths: &[String], records: &[PointRecord]) -> io::Result<Vec<u8>> {
    let [summary, ..] = in_memory(paths, None, records)?;
    Ok(summary)
}

/// `sweep_comparison.csv` of `records` (in the order given: grid order).
pub fn comparison_csv(paths: &[String], records: &[PointRecord]) -> io::Result<Vec<u8>> {
    let [_, comparison, ..] = in_memory(paths, None, records)?;
    Ok(comparison)
}

/// The columns of `sweep_replications.csv` after the varied paths.
pub const REPLICATION_COLUMNS: [&str; 4] = ["topology", "replication", "metric", "value"];

/// The columns of `sweep_points.csv` after the varied paths.
pub const POINT_COLUMNS: [&str; 5] = [
    "replications",
    "precision_metric",
    "precision_target",
    "relative_half_width",
    "target_met",
];

/// Writes `sweep_replications.csv` of `records` (in the order given: grid
/// order) to `out`, a row at a time, and returns `out`.
pub fn write_replications_csv<W: io::Write>(
    out: W,
    paths: &[String],
    records: &[PointRecord],
) -> io::Result<W> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header(paths, &REPLICATION_COLUMNS))?;
    for r in records {
        replication_rows(&mut w, r)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// The rows of `sweep_replications.csv` of point `r`.
fn replication_rows<W: io::Write>(w: &mut csv::Writer<W>, r: &PointRecord) -> io::Result<()> {
    let n = r.replications as usize;
    let rows = &r.summary;
    let mut start = 0;
    while start < rows.len() {
        let topology = &rows[start][0];
        let end = start + rows[start..].partition_point(|row| &row[0] == topology);
        for rep in 0..n {
            let rep_text = rep.to_string();
            for (i, row) in rows.iter().enumerate().take(end).skip(start) {
                let value = r
                    .per_replication
                    .get(i * n + rep)
                    .map_or_else(String::new, |&x| number(x));
                w.write_record(r.values.iter().map(String::as_str).chain([
                    topology.as_str(),
                    &rep_text,
                    &row[1],
                    &value,
                ]))?;
            }
        }
        start = end;
    }
    Ok(())
}

/// `sweep_points.csv` of `records` (in the order given: grid order): how
/// many replications each point ran and, with a precision target, how it
/// went.
pub fn points_csv(
    paths: &[String],
    precision: Option<&SweepPrecision>,
    records: &[PointRecord],
) -> io::Result<Vec<u8>> {
    let [_, _, points, _] = in_memory(paths, precision, records)?;
    Ok(points)
}

/// The row of `sweep_points.csv` of point `r`.
fn point_row<W: io::Write>(
    w: &mut csv::Writer<W>,
    precision: Option<&SweepPrecision>,
    r: &PointRecord,
) -> io::Result<()> {
    let mut row = r.values.clone();
    row.push(r.replications.to_string());
    match (precision, &r.precision) {
        (Some(target), Some(p)) => row.extend([
            target.metric.clone(),
            number(target.target),
            p.achieved.clone(),
            p.met.to_string(),
        ]),
        _ => row.extend(std::iter::repeat_n(String::new(), 4)),
    }
    w.write_record(&row)?;
    Ok(())
}

/// A number with 3 significant digits, `n/a` when undefined.
fn short(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let a = x.abs();
    if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn signed(x: f64) -> String {
    let s = short(x);
    if x.is_finite() && x >= 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

fn cell(row: Option<&[String]>, column: usize) -> f64 {
    row.and_then(|r| r.get(column))
        .and_then(|c| c.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Most points the stdout table lists (the first and last halves of them
/// when there are more).
const MAX_TABLE_POINTS: usize = 60;

/// The compact table printed after a sweep: one line per point with the
/// varied values, each topology's mean lead time and throughput, and the
/// paired lead-time difference of each topology against the first.
pub fn table(manifest: &SweepManifest, records: &[PointRecord]) -> String {
    let topologies = &manifest.topologies;
    let mut out = String::new();
    let replications = match &manifest.precision {
        None => format!("{} replications", manifest.replications),
        Some(_) => {
            let counts = records.iter().map(|r| r.replications);
            let (least, most) = (counts.clone().min(), counts.max());
            let range = match (least, most) {
                (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
                (Some(a), _) => a.to_string(),
                _ => manifest.replications.to_string(),
            };
            format!("{range} replications (--precision)")
        }
    };
    let _ = writeln!(
        out,
        "{} sweep — {} point{} × {} topolog{} × {replications}, seed {}{}",
        manifest.scenario,
        records.len(),
        if records.len() == 1 { "" } else { "s" },
        topologies.len(),
        if topologies.len() == 1 { "y" } else { "ies" },
        manifest.seed,
        manifest
            .shard
            .as_deref()
            .map(|s| format!(" (shard {s} of a {}-point grid)", manifest.points.len()))
            .unwrap_or_default()
    );
    if let Some(p) = &manifest.precision {
        let missed = records
            .iter()
            .filter(|r| r.precision.as_ref().is_some_and(|q| !q.met))
            .count();
        let _ = writeln!(
            out,
            "precision target ±{}% on {} (batches of {}, at most {}): met at {} of {} points{}",
            number(100.0 * p.target),
            p.metric,
            manifest.replications,
            p.max_replications,
            records.len() - missed,
            records.len(),
            if missed == 0 {
                String::new()
            } else {
                format!(
                    "; NOT met at {missed} (--max-reps {} reached: the CIs there are wider than asked)",
                    p.max_replications
                )
            }
        );
    }
    let _ = writeln!(
        out,
        "means of lead time (days) and throughput (items/day){}\n",
        match topologies.first() {
            Some(b) if topologies.len() > 1 =>
                format!("; Δ lead = paired difference against {b}, 95% CI"),
            _ => String::new(),
        }
    );
    let mut header: Vec<String> = manifest.paths.clone();
    if manifest.precision.is_some() {
        header.push("reps".to_string());
    }
    for t in topologies {
        header.push(format!("{t} lead"));
        header.push(format!("{t} thr"));
    }
    for t in topologies.iter().skip(1) {
        header.push(format!("Δ lead {t}"));
    }
    // A topology at least half of whose replications are unstable has no
    // lead time (it only measures the run length); one with saturated
    // replications says how many.
    let share = |r: &PointRecord, t: &str, m: &str| cell(r.summary_row(t, m), 2);
    let unstable = |r: &PointRecord, t: &str| {
        share(r, t, Metric::Unstable.name()) >= crate::experiment::results::UNSTABLE_SHARE
    };
    let mut notes = false;
    let mut rows = vec![header];
    for r in records {
        let mut row = r.values.clone();
        if manifest.precision.is_some() {
            row.push(match &r.precision {
                Some(p) if !p.met => format!("{} NOT met", r.replications),
                _ => r.replications.to_string(),
            });
        }
        for t in topologies {
            let saturated = share(r, t, Metric::Saturated.name());
            let lead = if unstable(r, t) {
                "unstable".to_string()
            } else {
                short(cell(r.summary_row(t, Metric::LeadTimeMean.name()), 2))
            };
            row.push(if saturated > 0.0 {
                notes = true;
                format!("{lead} ({:.0}% sat.)", 100.0 * saturated)
            } else {
                lead
            });
            row.push(short(cell(r.summary_row(t, Metric::Throughput.name()), 2)));
        }
        for t in topologies.iter().skip(1) {
            let c = r.comparison_row(t, Metric::LeadTimeMean.name());
            row.push(
                if unstable(r, t) || topologies.first().is_some_and(|b| unstable(r, b)) {
                    notes = true;
                    "not meaningful".to_string()
                } else {
                    format!(
                        "{} [{}, {}]",
                        signed(cell(c, 3)),
                        signed(cell(c, 4)),
                        signed(cell(c, 5))
                    )
                },
            );
        }
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let paths = manifest.paths.len();
    let points = rows.len() - 1;
    for (i, row) in rows.iter().enumerate() {
        if points > MAX_TABLE_POINTS && i == MAX_TABLE_POINTS / 2 + 1 {
            let _ = writeln!(
                out,
                "... {} more points (every point is in sweep.csv) ...",
                points - MAX_TABLE_POINTS
            );
        }
        if points > MAX_TABLE_POINTS
            && i > MAX_TABLE_POINTS / 2
            && i <= points - MAX_TABLE_POINTS / 2
        {
            continue;
        }
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if c < paths {
                    format!("{s:<w$}", w = widths[c])
                } else {
                    format!("{s:>w$}", w = widths[c])
                }
            })
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    if notes || rows.iter().flatten().any(|c| c == "unstable") {
        let _ = writeln!(
            out,
            "unstable: work piles up faster than it is done; lead times grow with the run length (so no lead time, and no meaningful difference); \
             sat.: share of replications that reached simulation.max_wip and are left out"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(point: usize, value: &str) -> PointRecord {
        let row = |t: &str, m: &str, mean: &str| {
            vec![
                t.to_string(),
                m.to_string(),
                mean.to_string(),
                "1".into(),
                "0".into(),
                "2".into(),
                "3".into(),
            ]
        };
        PointRecord {
            point,
            values: vec![value.to_string()],
            summary: vec![
                row("a", "lead_time_mean", "10"),
                row("a", "throughput", "0.5"),
            ],
            comparison: vec![],
            ..PointRecord::default()
        }
    }

    #[test]
    fn replications_long_form_topology_then_replication_then_metric() {
        let row = |t: &str, m: &str| vec![t.to_string(), m.to_string()];
        let r = PointRecord {
            point: 0,
            values: vec!["0.5".into()],
            summary: vec![row("a", "lead"), row("a", "thr"), row("b", "lead")],
            replications: 2,
            per_replication: vec![1.0, 2.0, 3.0, f64::NAN, 5.0, 6.0],
            ..PointRecord::default()
        };
        let paths = vec!["workload.load".to_string()];
        let bytes = write_replications_csv(Vec::new(), &paths, &[r]).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "workload.load,topology,replication,metric,value\n\
             0.5,a,0,lead,1\n0.5,a,0,thr,3\n0.5,a,1,lead,2\n0.5,a,1,thr,NaN\n\
             0.5,b,0,lead,5\n0.5,b,1,lead,6\n"
        );
    }

    #[test]
    fn long_form_with_path_columns_first() {
        let paths = vec!["architecture.coupling".to_string()];
        let bytes = sweep_csv(&paths, &[record(0, "0"), record(1, "0.1")]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "architecture.coupling,topology,metric,mean,sd,ci95_low,ci95_high,n"
        );
        assert_eq!(lines[1], "0,a,lead_time_mean,10,1,0,2,3");
        assert_eq!(lines[4], "0.1,a,throughput,0.5,1,0,2,3");
        let empty = comparison_csv(&paths, &[record(0, "0")]).unwrap();
        assert_eq!(
            String::from_utf8(empty).unwrap(),
            "architecture.coupling,topology,baseline,metric,diff_mean,ci95_low,ci95_high,relative,n,meaningful\n"
        );
    }
}
