//! The over-time files of a run (docs/model.md, "Over time: daily series
//! and the break-even day"): `over_time.csv` (each topology's daily series
//! with 95% bands), `over_time_difference.csv` (the cumulative differences
//! against a reference) and `break_even.csv`; read back from the folder for
//! the charts and the report's section, and the break-even in plain words.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::charts::ChartError;
use super::html::escape;
use super::money::money;
use crate::experiment::over_time::{
    Band, BreakEven, CumulativeQuantity, DailyQuantity, OverTime, PairOverTime, TopologyOverTime,
};
use crate::stats::Summary;
use crate::util::atomic::write_atomic;
use crate::util::fmt::number;

/// Each topology's daily series.
pub const OVER_TIME_CSV: &str = "over_time.csv";
/// The cumulative differences against a reference.
pub const DIFFERENCE_CSV: &str = "over_time_difference.csv";
/// The break-even day of each pair.
pub const BREAK_EVEN_CSV: &str = "break_even.csv";

/// The columns of [`OVER_TIME_CSV`].
pub const OVER_TIME_COLUMNS: [&str; 7] = [
    "topology",
    "day",
    "quantity",
    "estimate",
    "ci95_low",
    "ci95_high",
    "n",
];
/// The columns of [`DIFFERENCE_CSV`].
pub const DIFFERENCE_COLUMNS: [&str; 8] = [
    "topology",
    "reference",
    "day",
    "quantity",
    "estimate",
    "ci95_low",
    "ci95_high",
    "n",
];
/// The columns of [`BREAK_EVEN_CSV`].
pub const BREAK_EVEN_COLUMNS: [&str; 11] = [
    "topology",
    "reference",
    "basis",
    "break_even_day",
    "ci95_low",
    "ci95_high",
    "last_day",
    "gain_estimate",
    "gain_ci95_low",
    "gain_ci95_high",
    "n",
];

/// The days of the moving average the charts smooth the daily series with
/// (centred; the CSV keeps the raw days): four working weeks, two of the
/// usual sprints, so that a team's planning rhythm (an intake cadence of
/// 10 days makes a matrix's completions come in waves) does not hide the
/// trend.
pub const SMOOTHING_DAYS: usize = 20;

fn write_csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for r in rows {
        w.write_record(&r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

fn cells(s: &Summary) -> [String; 4] {
    [
        number(s.mean),
        number(s.ci_low),
        number(s.ci_high),
        s.n.to_string(),
    ]
}

fn day_cell(d: Option<usize>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The text of `over_time.csv`.
pub fn over_time_csv(o: &OverTime) -> Vec<u8> {
    let rows = o.topologies.iter().flat_map(|t| {
        t.bands.iter().flat_map(move |(q, band)| {
            band.days.iter().enumerate().map(move |(d, s)| {
                let mut r = vec![t.name.clone(), d.to_string(), q.name().to_owned()];
                r.extend(cells(s));
                r
            })
        })
    });
    write_csv(&OVER_TIME_COLUMNS, rows)
}

/// The text of `over_time_difference.csv`.
pub fn difference_csv(o: &OverTime) -> Vec<u8> {
    let rows = o.pairs.iter().flat_map(|p| {
        p.bands.iter().flat_map(move |(q, band)| {
            band.days.iter().enumerate().map(move |(d, s)| {
                let mut r = vec![
                    p.topology.clone(),
                    p.reference.clone(),
                    d.to_string(),
                    q.name().to_owned(),
                ];
                r.extend(cells(s));
                r
            })
        })
    });
    write_csv(&DIFFERENCE_COLUMNS, rows)
}

/// The quantities a pair's break-even is given for: the items done always,
/// the net money saved when the scenario prices delay.
pub fn break_even_bases(p: &PairOverTime) -> Vec<CumulativeQuantity> {
    [CumulativeQuantity::ItemsDone, CumulativeQuantity::NetSaved]
        .into_iter()
        .filter(|q| p.band(*q).is_some())
        .collect()
}

/// A row of `break_even.csv`: one pair and basis.
struct BreakEvenRow<'a> {
    pair: &'a PairOverTime,
    basis: CumulativeQuantity,
    break_even: BreakEven,
    last_day: usize,
    gain: Summary,
}

/// Per pair and basis, its break-even and the gain on the last day.
fn break_even_rows(o: &OverTime) -> Vec<BreakEvenRow<'_>> {
    o.pairs
        .iter()
        .flat_map(|p| {
            break_even_bases(p).into_iter().filter_map(move |q| {
                let band = p.band(q)?;
                let last_day = band.days.len().checked_sub(1)?;
                Some(BreakEvenRow {
                    pair: p,
                    basis: q,
                    break_even: band.break_even(),
                    last_day,
                    gain: band.days[last_day],
                })
            })
        })
        .collect()
}

/// The text of `break_even.csv`: per pair and basis, the break-even day and
/// its interval (empty cells: none within the horizon), and the gain on the
/// last day.
pub fn break_even_csv(o: &OverTime) -> Vec<u8> {
    let rows = break_even_rows(o).into_iter().map(|r| {
        vec![
            r.pair.topology.clone(),
            r.pair.reference.clone(),
            r.basis.name().to_owned(),
            day_cell(r.break_even.day),
            day_cell(r.break_even.earliest),
            day_cell(r.break_even.latest),
            r.last_day.to_string(),
            number(r.gain.mean),
            number(r.gain.ci_low),
            number(r.gain.ci_high),
            r.gain.n.to_string(),
        ]
    });
    write_csv(&BREAK_EVEN_COLUMNS, rows)
}

/// A band as the JSON columns of its CSV rows, one array element per day
/// (`null` where the file has `NaN`).
fn band_json(band: &Band) -> serde_json::Map<String, serde_json::Value> {
    let col = |f: fn(&Summary) -> f64| {
        serde_json::Value::from(band.days.iter().map(f).collect::<Vec<f64>>())
    };
    let mut m = serde_json::Map::new();
    m.insert("estimate".into(), col(|s| s.mean));
    m.insert("ci95_low".into(), col(|s| s.ci_low));
    m.insert("ci95_high".into(), col(|s| s.ci_high));
    m.insert(
        "n".into(),
        serde_json::Value::from(band.days.iter().map(|s| s.n).collect::<Vec<usize>>()),
    );
    m
}

/// The over-time outputs as `run --json`'s `over_time` (docs/model.md,
/// "Over time"): `break_even` (the rows of `break_even.csv`, `null` for an
/// empty cell), `jcurve` (per pair and quantity, the columns of
/// `over_time_difference.csv` as arrays over the days from 0), `daily`
/// (the same of `over_time.csv`) and `sentences` (what the run prints).
pub fn json(o: &OverTime) -> serde_json::Value {
    use serde_json::{Value, json};
    let break_even: Vec<Value> = break_even_rows(o)
        .into_iter()
        .map(|r| {
            json!({
                "topology": r.pair.topology,
                "reference": r.pair.reference,
                "basis": r.basis.name(),
                "break_even_day": r.break_even.day,
                "ci95_low": r.break_even.earliest,
                "ci95_high": r.break_even.latest,
                "last_day": r.last_day,
                "gain_estimate": r.gain.mean,
                "gain_ci95_low": r.gain.ci_low,
                "gain_ci95_high": r.gain.ci_high,
                "n": r.gain.n,
            })
        })
        .collect();
    let jcurve: Vec<Value> = (o.pairs.iter())
        .flat_map(|p| {
            p.bands.iter().map(move |(q, band)| {
                let mut m = serde_json::Map::new();
                m.insert("topology".into(), p.topology.clone().into());
                m.insert("reference".into(), p.reference.clone().into());
                m.insert("quantity".into(), q.name().into());
                m.extend(band_json(band));
                Value::Object(m)
            })
        })
        .collect();
    let daily: Vec<Value> = (o.topologies.iter())
        .flat_map(|t| {
            t.bands.iter().map(move |(q, band)| {
                let mut m = serde_json::Map::new();
                m.insert("topology".into(), t.name.clone().into());
                m.insert("quantity".into(), q.name().into());
                m.extend(band_json(band));
                Value::Object(m)
            })
        })
        .collect();
    json!({
        "days": o.days,
        "replications": o.replications,
        "break_even": break_even,
        "jcurve": jcurve,
        "daily": daily,
        "sentences": lines(o),
    })
}

/// Writes the three files of `o` into `dir`; returns their paths.
pub fn write_all(o: &OverTime, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (name, bytes) in [
        (OVER_TIME_CSV, over_time_csv(o)),
        (DIFFERENCE_CSV, difference_csv(o)),
        (BREAK_EVEN_CSV, break_even_csv(o)),
    ] {
        let path = dir.join(name);
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Reads the over-time files of the run folder `dir` back (`None` when the
/// run wrote none). The break-even is recomputed from the bands, exactly as
/// written (numbers are written to round-trip).
pub fn read(dir: &Path) -> Result<Option<OverTime>, ChartError> {
    let path = dir.join(OVER_TIME_CSV);
    if !path.is_file() {
        return Ok(None);
    }
    let mut topologies: Vec<TopologyOverTime> = Vec::new();
    for (line, c) in records(&path, &OVER_TIME_COLUMNS)? {
        let bad = |why: String| ChartError::format(&path, format!("line {line}: {why}"));
        let q = DailyQuantity::from_name(&c[2])
            .ok_or_else(|| bad(format!("unknown quantity `{}`", c[2])))?;
        let day = parse_day(&c[1]).ok_or_else(|| bad(format!("bad day `{}`", c[1])))?;
        let s = summary(&c[3..7]);
        if topologies.last().is_none_or(|t| t.name != c[0]) {
            topologies.push(TopologyOverTime {
                name: c[0].clone(),
                bands: Vec::new(),
            });
        }
        let t = topologies.last_mut().expect("pushed above");
        push_day(&mut t.bands, q, day, s).map_err(bad)?;
    }
    let mut pairs: Vec<PairOverTime> = Vec::new();
    let path = dir.join(DIFFERENCE_CSV);
    if path.is_file() {
        for (line, c) in records(&path, &DIFFERENCE_COLUMNS)? {
            let bad = |why: String| ChartError::format(&path, format!("line {line}: {why}"));
            let q = CumulativeQuantity::from_name(&c[3])
                .ok_or_else(|| bad(format!("unknown quantity `{}`", c[3])))?;
            let day = parse_day(&c[2]).ok_or_else(|| bad(format!("bad day `{}`", c[2])))?;
            let s = summary(&c[4..8]);
            if pairs
                .last()
                .is_none_or(|p| p.topology != c[0] || p.reference != c[1])
            {
                pairs.push(PairOverTime {
                    topology: c[0].clone(),
                    reference: c[1].clone(),
                    bands: Vec::new(),
                });
            }
            let p = pairs.last_mut().expect("pushed above");
            push_day(&mut p.bands, q, day, s).map_err(bad)?;
        }
    }
    let days = (topologies.iter().flat_map(|t| &t.bands))
        .map(|(_, b)| b.days.len())
        .max()
        .unwrap_or(0);
    let replications = (topologies.iter().flat_map(|t| &t.bands))
        .flat_map(|(_, b)| b.days.iter().map(|s| s.n))
        .max()
        .unwrap_or(0);
    Ok(Some(OverTime {
        days,
        replications,
        topologies,
        pairs,
    }))
}

/// The records of the CSV file `path` with their line numbers, checked to
/// have the columns `columns`.
fn records(path: &Path, columns: &[&str]) -> Result<Vec<(usize, Vec<String>)>, ChartError> {
    let bad = |why: String| ChartError::format(path, why);
    let mut r = csv::Reader::from_path(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let header: Vec<String> = (r.headers().map_err(|e| bad(e.to_string()))?)
        .iter()
        .map(str::to_owned)
        .collect();
    if header != columns {
        return Err(bad(format!("expected the columns {}", columns.join(","))));
    }
    r.records()
        .enumerate()
        .map(|(i, rec)| {
            let rec = rec.map_err(|e| bad(format!("line {}: {e}", i + 2)))?;
            Ok((i + 2, rec.iter().map(str::to_owned).collect()))
        })
        .collect()
}

fn parse_day(s: &str) -> Option<usize> {
    s.parse().ok()
}

fn summary(c: &[String]) -> Summary {
    let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    Summary {
        mean: num(&c[0]),
        sd: f64::NAN,
        ci_low: num(&c[1]),
        ci_high: num(&c[2]),
        n: c[3].parse().unwrap_or(0),
    }
}

/// Appends day `day` of `q` to `bands`, refusing days out of order.
fn push_day<Q: PartialEq + Copy>(
    bands: &mut Vec<(Q, Band)>,
    q: Q,
    day: usize,
    s: Summary,
) -> Result<(), String> {
    if bands.last().is_none_or(|(k, _)| *k != q) {
        bands.push((q, Band { days: Vec::new() }));
    }
    let band = &mut bands.last_mut().expect("pushed above").1;
    if day != band.days.len() {
        return Err(format!(
            "day {day} where day {} was expected (days run from 0, one row each)",
            band.days.len()
        ));
    }
    band.days.push(s);
    Ok(())
}

/// A day or "beyond the horizon".
fn day_words(d: Option<usize>) -> String {
    d.map_or_else(|| "beyond the horizon".to_owned(), |d| d.to_string())
}

/// The value of a cumulative quantity in words: items with the report's
/// three significant digits (an estimate and its interval alike, `34.0`
/// never `34`), money as money.
fn amount(q: CumulativeQuantity, x: f64) -> String {
    match q {
        CumulativeQuantity::ItemsDone => super::charts::numbers::sig(x),
        _ => money(x),
    }
}

/// The break-even of one pair in plain words, e.g. "single-threaded pays
/// for its dip against matrix after day 212 [180, 250] (net money); by day
/// 500 it has done 310 [280, 340] more items and saved 2.10 M [1.8 M, 2.4
/// M] of delay (20 replications, paired)."
pub fn sentence(p: &PairOverTime) -> Option<String> {
    let basis = p.basis();
    let band = p.band(basis)?;
    let last = band.days.len().checked_sub(1)?;
    let b: BreakEven = band.break_even();
    let what = match basis {
        CumulativeQuantity::NetSaved => "the net money saved (cost of delay and people cost)",
        _ => "the items done",
    };
    let head = match b.day {
        None => format!(
            "{} against {}: no break-even within the horizon (day {last}) on {what}",
            p.topology, p.reference
        ),
        Some(0) => format!(
            "{} is never behind {} on {what}: its mean cumulative gain is ≥ 0 every day, the lower band from day {}",
            p.topology,
            p.reference,
            day_words(b.latest)
        ),
        Some(d) => format!(
            "{} pays for its dip against {} after day {d} [{}, {}] on {what}",
            p.topology,
            p.reference,
            day_words(b.earliest),
            day_words(b.latest)
        ),
    };
    let n = band.days[last].n;
    let mut parts = Vec::new();
    for (q, gain, loss) in [
        (
            CumulativeQuantity::ItemsDone,
            "done {} more items",
            "done {} fewer items",
        ),
        (
            CumulativeQuantity::DelayCostSaved,
            "saved {} of delay",
            "spent {} more on delay",
        ),
        (
            CumulativeQuantity::PeopleCostSaved,
            "saved {} of people cost",
            "spent {} more on people",
        ),
    ] {
        let Some(s) = p.band(q).and_then(|b| b.days.last()) else {
            continue;
        };
        let (words, mean, lo, hi) = if s.mean >= 0.0 {
            (gain, s.mean, s.ci_low, s.ci_high)
        } else {
            (loss, -s.mean, -s.ci_high, -s.ci_low)
        };
        let value = format!("{} [{}, {}]", amount(q, mean), amount(q, lo), amount(q, hi));
        parts.push(words.replace("{}", &value));
    }
    Some(format!(
        "{head}; by day {last} it has {} ({n} replications, paired by replication).",
        parts.join(" and ")
    ))
}

/// The break-even sentences of every pair, for stdout.
pub fn lines(o: &OverTime) -> Vec<String> {
    o.pairs.iter().filter_map(sentence).collect()
}

/// The section of `report.html`: the break-even sentences, the daily
/// series chart and each pair's J-curve.
pub fn html(o: &OverTime) -> Result<String, ChartError> {
    let mut out = String::from("<h2 id=\"over-time\">Over time: the dip and the break-even</h2>\n");
    for line in lines(o) {
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", escape(&line));
    }
    let chart = super::charts::over_time::Daily(o);
    super::html::figure(
        &mut out,
        "Throughput and lead time over time",
        &super::charts::to_svg(&chart)?,
        &super::charts::over_time::daily_caption(o),
        super::charts::over_time::DAILY_STEM,
    );
    for p in &o.pairs {
        let chart = super::charts::over_time::JCurve(p);
        super::html::figure(
            &mut out,
            &format!("J-curve: {} against {}", p.topology, p.reference),
            &super::charts::to_svg(&chart)?,
            &super::charts::over_time::jcurve_caption(p, o.replications),
            &super::charts::over_time::jcurve_stem(p),
        );
    }
    Ok(out)
}
