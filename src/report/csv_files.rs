//! The CSV files of a run (README, "Output files").

use std::io;
use std::path::{Path, PathBuf};

use super::charts::data::{CfdSample, Diff, RunDataBuilder, Stat};
use super::layout;
use crate::experiment::Experiment;
use crate::model::Category;
use crate::util::atomic::write_atomic;

pub use crate::util::fmt::number;
use crate::util::fmt::push_number;

pub(crate) fn to_bytes(
    header: &[String],
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The rows of `summary.csv` (without the header), as written.
pub fn summary_records(exp: &Experiment) -> Vec<Vec<String>> {
    exp.summary_records()
}

/// The rows of `comparison.csv` (without the header), as written.
pub fn comparison_records(exp: &Experiment) -> Vec<Vec<String>> {
    exp.comparison_records()
}

/// `summary.csv`: one row per (topology, metric), written as the rows are
/// made (none held).
pub fn summary_csv(exp: &Experiment) -> io::Result<Vec<u8>> {
    summary_csv_into(exp, None)
}

/// [`summary_csv`], each row also given to `data`.
fn summary_csv_into(
    exp: &Experiment,
    mut data: Option<&mut RunDataBuilder>,
) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(layout::SUMMARY_COLUMNS)?;
    // One cell's text at a time, in one buffer: tens of thousands of rows
    // in big organizations.
    let mut cell = String::new();
    for r in exp.summary_rows_borrowed() {
        let s = r.summary;
        if let Some(data) = data.as_deref_mut() {
            let stat = Stat {
                mean: s.mean,
                sd: s.sd,
                low: s.ci_low,
                high: s.ci_high,
                n: s.n as u32,
            };
            data.summary(r.topology, r.metric, stat);
        }
        w.write_field(r.topology)?;
        w.write_field(r.metric)?;
        for x in [s.mean, s.sd, s.ci_low, s.ci_high] {
            write_number(&mut w, &mut cell, x)?;
        }
        write_count(&mut w, &mut cell, s.n as u64)?;
        w.write_record(None::<&[u8]>)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Writes [`number`]`(x)` as the next field of `w`, through `cell`.
fn write_number(w: &mut csv::Writer<Vec<u8>>, cell: &mut String, x: f64) -> csv::Result<()> {
    cell.clear();
    push_number(cell, x);
    w.write_field(cell.as_bytes())
}

/// Writes the count `n` as the next field of `w`, through `cell`.
fn write_count(w: &mut csv::Writer<Vec<u8>>, cell: &mut String, n: u64) -> csv::Result<()> {
    use std::fmt::Write as _;
    cell.clear();
    write!(cell, "{n}").expect("writing to a String cannot fail");
    w.write_field(cell.as_bytes())
}

/// `comparison.csv`: one row per (topology after the first, metric), with
/// the pairs the difference rests on (`n`) and whether it means anything
/// (`meaningful`: false where an unstable topology's lead times are compared).
pub fn comparison_csv(exp: &Experiment) -> io::Result<Vec<u8>> {
    comparison_csv_into(exp, None)
}

/// [`comparison_csv`], each row also given to `data`.
fn comparison_csv_into(
    exp: &Experiment,
    mut data: Option<&mut RunDataBuilder>,
) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(layout::COMPARISON_COLUMNS)?;
    let mut cell = String::new();
    for r in exp.comparison_rows_borrowed() {
        let d = r.difference;
        if let Some(data) = data.as_deref_mut() {
            let diff = Diff {
                mean: d.diff.mean,
                low: d.diff.ci_low,
                high: d.diff.ci_high,
                relative: d.relative,
            };
            data.comparison(r.topology, r.metric, diff);
        }
        w.write_field(r.topology)?;
        w.write_field(r.baseline)?;
        w.write_field(r.metric)?;
        for x in [d.diff.mean, d.diff.ci_low, d.diff.ci_high, d.relative] {
            write_number(&mut w, &mut cell, x)?;
        }
        write_count(&mut w, &mut cell, d.diff.n as u64)?;
        w.write_field(if r.meaningful { "true" } else { "false" })?;
        w.write_record(None::<&[u8]>)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// `replications.csv`: one row per (topology, replication), one column per metric.
pub fn replications_csv(exp: &Experiment) -> io::Result<Vec<u8>> {
    use std::fmt::Write as _;
    let names = exp.all_metric_names();
    let mut header = strings(&["topology", "replication"]);
    header.extend(names.iter().cloned());
    let reps = exp.scenario.run.replications as usize;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header)?;
    // One cell's text at a time, in one buffer: a row is every metric of a
    // replication, and a run may have thousands of replications.
    let mut cell = String::new();
    // The column of each of a topology's metrics: its own position when
    // the header has its name there (the usual case, every topology
    // having the same metrics in the same order), else found by name;
    // the first of a name fills its column, as a look-up by name would.
    let mut column_of: Option<std::collections::BTreeMap<&str, usize>> = None;
    for t in &exp.topologies {
        let mut columns: Vec<Option<&[f64]>> = vec![None; names.len()];
        for (i, (m, values)) in t.metric_names.iter().zip(&t.values).enumerate() {
            let k = if names.get(i) == Some(m) {
                i
            } else {
                let column_of = column_of.get_or_insert_with(|| {
                    names
                        .iter()
                        .enumerate()
                        .map(|(k, n)| (n.as_str(), k))
                        .collect()
                });
                column_of[m.as_str()]
            };
            columns[k].get_or_insert(values.as_slice());
        }
        for r in 0..reps {
            w.write_field(&t.name)?;
            cell.clear();
            write!(cell, "{r}").expect("writing to a String cannot fail");
            w.write_field(&cell)?;
            for column in &columns {
                cell.clear();
                if let Some(values) = column {
                    push_number(&mut cell, values[r]);
                }
                w.write_field(&cell)?;
            }
            w.write_record(None::<&[u8]>)?;
        }
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// `items.csv`: one row per completed item of every replication.
pub fn items_csv(exp: &Experiment) -> io::Result<Vec<u8>> {
    let mut header = strings(&[
        "topology",
        "replication",
        "item",
        "stream",
        "type",
        "arrival",
        "done",
        "lead_time",
    ]);
    header.extend(Category::ALL.iter().map(|c| c.name().to_string()));
    header.extend(strings(&[
        "teams",
        "handoffs",
        "escalations",
        "defects",
        "escaped_defects",
    ]));
    let streams = &exp.scenario.model.workload.streams;
    let types = &exp.scenario.model.workload.item_types;
    let rows = exp.topologies.iter().flat_map(|t| {
        t.items.iter().enumerate().flat_map(move |(r, items)| {
            items.iter().map(move |it| {
                let mut row = vec![
                    t.name.clone(),
                    r.to_string(),
                    it.index.to_string(),
                    streams[it.stream].name.clone(),
                    types[it.item_type].name.clone(),
                    number(it.arrival),
                    number(it.done),
                    number(it.lead_time()),
                ];
                row.extend(Category::ALL.iter().map(|&c| number(it.breakdown.get(c))));
                row.extend([
                    it.teams.to_string(),
                    it.handoffs.to_string(),
                    it.escalations.to_string(),
                    it.defects.to_string(),
                    it.escaped_defects.to_string(),
                ]);
                row
            })
        })
    });
    to_bytes(&header, rows)
}

/// `distribution.csv`: the pooled lead-time distribution of each topology,
/// as quantiles at evenly spaced probabilities (an empirical CDF).
pub fn distribution_csv(exp: &Experiment) -> io::Result<Vec<u8>> {
    to_bytes(
        &strings(&layout::DISTRIBUTION_COLUMNS),
        exp.topologies.iter().flat_map(|t| {
            t.lead_time_distribution
                .iter()
                .map(|&(p, q)| vec![t.name.clone(), number(p), number(q)])
        }),
    )
}

/// `cfd.csv`: the cumulative flow diagram of replication 0 of each
/// topology: items of the streams arrived and done so far and in each
/// state, then the fix items of escaped defects arrived and done so far.
pub fn cfd_csv(exp: &Experiment) -> io::Result<Vec<u8>> {
    to_bytes(
        &strings(&layout::CFD_COLUMNS),
        exp.topologies.iter().flat_map(|t| {
            t.flow.iter().map(|f| {
                vec![
                    t.name.clone(),
                    "0".to_string(),
                    number(f.time),
                    f.arrived.to_string(),
                    f.intake.to_string(),
                    f.backlog.to_string(),
                    f.in_progress.to_string(),
                    f.done.to_string(),
                    f.fix_arrived.to_string(),
                    f.fix_done.to_string(),
                ]
            })
        }),
    )
}

/// [`write_all`], handing `data` what the charts and the report read of
/// these files, as they would read it back (`summary.csv`,
/// `comparison.csv`, `distribution.csv`, `cfd.csv`): `orgsim run` draws
/// them without reading its files again.
pub fn write_all_charted(
    exp: &Experiment,
    dir: &Path,
    items: bool,
    data: &mut RunDataBuilder,
) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut write = |name: &str, bytes: Vec<u8>| -> io::Result<()> {
        let path = dir.join(name);
        write_atomic(&path, &bytes)?;
        written.push(path);
        Ok(())
    };
    write(
        layout::SUMMARY_CSV,
        summary_csv_into(exp, Some(&mut *data))?,
    )?;
    write(
        layout::COMPARISON_CSV,
        comparison_csv_into(exp, Some(&mut *data))?,
    )?;
    write(layout::REPLICATIONS_CSV, replications_csv(exp)?)?;
    write(layout::DISTRIBUTION_CSV, distribution_csv(exp)?)?;
    write(layout::CFD_CSV, cfd_csv(exp)?)?;
    if items {
        write(layout::ITEMS_CSV, items_csv(exp)?)?;
    }
    for t in &exp.topologies {
        for &(p, q) in &t.lead_time_distribution {
            data.quantile(&t.name, p, q);
        }
        for f in &t.flow {
            data.cfd(
                &t.name,
                "0",
                CfdSample {
                    time: f.time,
                    arrived: f.arrived as f64,
                    intake: f.intake as f64,
                    backlog: f.backlog as f64,
                    in_progress: f.in_progress as f64,
                    done: f.done as f64,
                    fix_arrived: f.fix_arrived as f64,
                    fix_done: f.fix_done as f64,
                },
            );
        }
    }
    Ok(written)
}

/// Writes the CSV files of `exp` into `dir` (items only if `items`), each
/// atomically; returns the paths written.
pub fn write_all(exp: &Experiment, dir: &Path, items: bool) -> io::Result<Vec<PathBuf>> {
    type Table = fn(&Experiment) -> io::Result<Vec<u8>>;
    let mut files: Vec<(&str, Table)> = vec![
        (layout::SUMMARY_CSV, summary_csv),
        (layout::COMPARISON_CSV, comparison_csv),
        (layout::REPLICATIONS_CSV, replications_csv),
        (layout::DISTRIBUTION_CSV, distribution_csv),
        (layout::CFD_CSV, cfd_csv),
    ];
    if items {
        files.push((layout::ITEMS_CSV, items_csv));
    }
    // One file's bytes at a time: with thousands of streams each table is
    // megabytes.
    let mut written = Vec::new();
    for (name, table) in files {
        let path = dir.join(name);
        write_atomic(&path, &table(exp)?)?;
        written.push(path);
    }
    Ok(written)
}
