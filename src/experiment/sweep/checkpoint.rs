//! The checkpoint of a sweep: one JSON line per finished point, appended as
//! points finish, each with a single `write_all` (by
//! `report::sweep_folder`, which writes the folder; this module is the
//! format, and reads it).
//!
//! It is the source of truth of a sweep: `--resume` skips the points it
//! holds, and `sweep.csv` is written from it in grid order at the end (so the
//! file never depends on the order in which points finished). A line is
//! complete or absent: a process killed in the middle of a write leaves at
//! most a trailing partial line, which reading ignores and resuming cuts off.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, Read, Seek};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::experiment::Experiment;
use crate::util::fmt::number;

/// The results of one finished point, as the cells of its output rows.
///
/// The fields after `comparison` are left out of the JSON when empty, so
/// that an exploration's points (which have none) are written as before.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PointRecord {
    /// The point's index in grid order, from 0.
    pub point: usize,
    /// The point's value of each varied path, as written in `sweep.csv`.
    pub values: Vec<String>,
    /// Rows `topology,metric,mean,sd,ci95_low,ci95_high,n` (those of
    /// `summary.csv` for this point).
    pub summary: Vec<Vec<String>>,
    /// Rows `topology,baseline,metric,diff_mean,ci95_low,ci95_high,relative,n,meaningful`
    /// (those of `comparison.csv` for this point).
    pub comparison: Vec<Vec<String>>,
    /// Replications run per topology at this point (more than the sweep's
    /// `replications` when `--precision` asked for more).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub replications: u32,
    /// How the precision target went at this point (`--precision`), if
    /// there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<PointPrecision>,
    /// Every replication's value of every metric: the values of summary
    /// row `i` (its topology and metric) in replications 0, 1, ... are
    /// `per_replication[i * replications..(i + 1) * replications]` (NaN
    /// where undefined); the rows of `sweep_replications.csv` for this
    /// point. Kept as numbers, 8 bytes each (a sweep holds every point's),
    /// and written in the checkpoint as the CSV files write numbers, so
    /// that they read back bit for bit.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "numbers::serialize",
        deserialize_with = "numbers::deserialize"
    )]
    pub per_replication: Vec<f64>,
}

/// Numbers as the texts the CSV files write (`NaN`, `inf` included, which
/// JSON numbers cannot be), read back exactly.
mod numbers {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::util::fmt::number;

    pub(super) fn serialize<S: Serializer>(
        values: &[f64],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(values.iter().map(|&x| number(x)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<f64>, D::Error> {
        use serde::de::Error;
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|c| {
                c.parse::<f64>()
                    .map_err(|_| D::Error::custom(format!("`{c}` is not a number")))
            })
            .collect()
    }
}

/// How the precision target went at one point of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointPrecision {
    /// The worst relative 95% CI half-width of the precision metric over
    /// every topology and every paired difference, as the CSV files write
    /// numbers (`inf` when undefined).
    pub achieved: String,
    /// Whether it is at most the target (else `--max-reps` was reached).
    pub met: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl PointRecord {
    /// The record of point `point` whose results are `exp`.
    pub fn new(point: usize, values: Vec<String>, exp: &Experiment) -> PointRecord {
        let summary = exp.summary_records();
        let comparison = exp.comparison_records();
        // In the order of the summary rows: topologies, then their metrics.
        let per_replication = exp
            .topologies
            .iter()
            .flat_map(|t| t.values.iter().flatten().copied())
            .collect();
        PointRecord {
            point,
            values,
            summary,
            comparison,
            replications: exp.scenario.run.replications,
            precision: exp.precision.as_ref().map(|p| PointPrecision {
                achieved: number(p.achieved),
                met: p.met,
            }),
            per_replication,
        }
    }

    /// The summary row of `metric` in `topology`, if any.
    pub fn summary_row(&self, topology: &str, metric: &str) -> Option<&[String]> {
        self.summary
            .iter()
            .find(|r| r.len() == 7 && r[0] == topology && r[1] == metric)
            .map(Vec::as_slice)
    }

    /// The comparison row of `metric` for `topology`, if any.
    pub fn comparison_row(&self, topology: &str, metric: &str) -> Option<&[String]> {
        self.comparison
            .iter()
            .find(|r| r.len() == 9 && r[0] == topology && r[2] == metric)
            .map(Vec::as_slice)
    }
}

/// One line of a checkpoint: a record, the identity of its sweep
/// ([`SweepManifest::identity`](super::SweepManifest::identity)) and a
/// checksum of both, so that a line of another sweep, or an edited one, is
/// recognised.
#[derive(Serialize)]
struct LineOut<'a> {
    sweep: &'a str,
    #[serde(flatten)]
    record: &'a PointRecord,
    check: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineIn {
    sweep: String,
    point: usize,
    values: Vec<String>,
    summary: Vec<Vec<String>>,
    comparison: Vec<Vec<String>>,
    #[serde(default)]
    replications: u32,
    #[serde(default)]
    precision: Option<PointPrecision>,
    #[serde(default, deserialize_with = "numbers::deserialize")]
    per_replication: Vec<f64>,
    check: String,
}

/// The checksum of a line: FNV-1a 64 of the sweep's identity and the
/// record's JSON (against accidents, not forgery).
fn checksum(identity: &str, record: &PointRecord) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(record)?;
    Ok(super::manifest::fingerprint([identity, json.as_str()]))
}

/// The line of `record` in the checkpoint of the sweep `identity`, newline
/// included.
pub fn line(identity: &str, record: &PointRecord) -> io::Result<Vec<u8>> {
    let check = checksum(identity, record).map_err(io::Error::other)?;
    let mut bytes = serde_json::to_vec(&LineOut {
        sweep: identity,
        record,
        check,
    })
    .map_err(io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// What a checkpoint file holds.
#[derive(Debug, Clone, Default)]
pub struct CheckpointContents {
    /// The records, in file order (each point once).
    pub records: Vec<PointRecord>,
    /// The line of each record (from 1), for messages.
    pub lines: Vec<usize>,
    /// Bytes of the complete lines (where a torn tail starts).
    pub complete_len: u64,
    /// Whether a torn tail follows them.
    pub partial_tail: bool,
}

/// Reads the checkpoint at `path` (none: empty) of the sweep `identity`.
/// Every complete line must be a record of that sweep whose checksum holds,
/// each point once; only an unterminated last line (or a tail of NUL bytes,
/// what a machine crash can leave) is a torn tail, ignored. Anything else is
/// an error naming the line.
pub fn read(path: &Path, identity: &str) -> Result<CheckpointContents, String> {
    let mut contents = CheckpointContents::default();
    let end = scan(path, identity, |record, line| {
        contents.records.push(record);
        contents.lines.push(line.number);
        Ok(())
    })?;
    contents.complete_len = end.complete_len;
    contents.partial_tail = end.partial_tail;
    Ok(contents)
}

/// Where a record is in its checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineAt {
    /// The line's number, from 1 (for messages).
    pub number: usize,
    /// The byte offset where it starts.
    pub offset: u64,
}

/// How a scanned checkpoint ends.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScanEnd {
    /// Bytes of the complete lines (where a torn tail starts).
    pub complete_len: u64,
    /// Whether a torn tail follows them.
    pub partial_tail: bool,
}

/// Reads the checkpoint at `path` as [`read`] does, but hands each record
/// to `visit` (with where its line is) instead of keeping it, so that a
/// checkpoint of any size is read in the memory of one line; an error of
/// `visit` stops the reading and is returned.
pub fn scan(
    path: &Path,
    identity: &str,
    mut visit: impl FnMut(PointRecord, LineAt) -> Result<(), String>,
) -> Result<ScanEnd, String> {
    // Read a line at a time: a checkpoint holds every replication's values
    // of every point, so the file is not read into memory as a whole.
    let mut reader = match fs::File::open(path) {
        Ok(f) => io::BufReader::new(f),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ScanEnd::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let cannot = |e: io::Error| format!("cannot read {}: {e}", path.display());
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let (mut end, mut total) = (0, 0);
    let mut raw = Vec::new();
    for n in 1.. {
        raw.clear();
        let read = reader.read_until(b'\n', &mut raw).map_err(cannot)?;
        if read == 0 {
            break;
        }
        total += read;
        let blank = |b: &[u8]| b.iter().all(|&c| c == 0 || c == b'\n');
        if blank(&raw) {
            let mut tail = Vec::new();
            total += reader.read_to_end(&mut tail).map_err(cannot)?;
            if blank(&tail) && (raw.contains(&0) || tail.contains(&0)) {
                break; // zeros a crash left
            }
        }
        let Some(body) = raw.strip_suffix(b"\n") else {
            break; // the unterminated last line
        };
        let record = parse_line(path, n, body, identity)?;
        if let Some(first) = seen.insert(record.point, n) {
            return Err(damaged(
                path,
                n,
                format!("repeats point {} of line {first}", record.point + 1),
            ));
        }
        visit(
            record,
            LineAt {
                number: n,
                offset: end as u64,
            },
        )?;
        end += raw.len();
    }
    Ok(ScanEnd {
        complete_len: end as u64,
        partial_tail: end < total,
    })
}

/// Reads again the record of the checkpoint at `path` whose line is `at`
/// (as [`scan`] found it), checking it as [`scan`] does.
pub fn read_at(
    reader: &mut io::BufReader<fs::File>,
    path: &Path,
    identity: &str,
    at: LineAt,
) -> io::Result<PointRecord> {
    reader.seek(io::SeekFrom::Start(at.offset))?;
    let mut raw = Vec::new();
    reader.read_until(b'\n', &mut raw)?;
    let body = raw.strip_suffix(b"\n").unwrap_or(&raw);
    parse_line(path, at.number, body, identity).map_err(io::Error::other)
}

fn damaged(path: &Path, n: usize, why: String) -> String {
    format!(
        "{}: line {n} {why}; the checkpoint is damaged or was edited: nothing was run (remove the folder, or use another --out, to start over)",
        path.display()
    )
}

/// The record of line `n`, `body` (without its newline), of the checkpoint
/// of the sweep `identity` at `path`, its identity and checksum checked.
fn parse_line(path: &Path, n: usize, body: &[u8], identity: &str) -> Result<PointRecord, String> {
    let parsed: LineIn = serde_json::from_slice(body).map_err(|e| {
        damaged(
            path,
            n,
            if serde_json::from_slice::<PointRecord>(body).is_ok() {
                "has no sweep identity (it was written by an older orgsim)".to_string()
            } else {
                format!("is not a finished point ({e})")
            },
        )
    })?;
    let record = PointRecord {
        point: parsed.point,
        values: parsed.values,
        summary: parsed.summary,
        comparison: parsed.comparison,
        replications: parsed.replications,
        precision: parsed.precision,
        per_replication: parsed.per_replication,
    };
    if parsed.sweep != identity {
        return Err(damaged(
            path,
            n,
            format!(
                "belongs to another sweep (identity {} where this sweep's is {identity})",
                parsed.sweep
            ),
        ));
    }
    if checksum(identity, &record).ok().as_deref() != Some(parsed.check.as_str()) {
        return Err(damaged(path, n, "does not match its checksum".to_string()));
    }
    Ok(record)
}

/// The bytes of a checkpoint of the sweep `identity` holding `records` in
/// the order given.
pub fn to_bytes(records: &[PointRecord], identity: &str) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for r in records {
        out.extend(line(identity, r)?);
    }
    Ok(out)
}

/// Checks that `record` has the shape of a point of the sweep `manifest`
/// describes: its values are the grid's, its summary holds every topology
/// (in order), each metric once, each row with finite numbers (or NaN
/// where a value is undefined) written as orgsim writes them, and its
/// comparison pairs each later topology with the first. The error says
/// what is wrong.
pub fn check_shape(record: &PointRecord, manifest: &super::SweepManifest) -> Result<(), String> {
    if manifest.points.get(record.point) != Some(&record.values) {
        return Err(format!(
            "holds point {} ({}), which is not a point of this sweep",
            record.point + 1,
            record.values.join(", ")
        ));
    }
    let canonical = |cell: &str, finite: bool| -> bool {
        cell.parse::<f64>()
            .is_ok_and(|x| number(x) == cell && (x.is_nan() || x.is_finite() || !finite))
    };
    let tops = &manifest.topologies;
    let most = manifest.most_replications();
    if record.replications == 0 || record.per_replication.is_empty() {
        return Err(
            "has no per-replication values (an older orgsim wrote it, before sweep_replications.csv)"
                .to_string(),
        );
    }
    if record.replications > most {
        return Err(format!(
            "says {} replications, more than the {most} this sweep allows",
            record.replications
        ));
    }
    match (&record.precision, &manifest.precision) {
        (None, None) => {}
        (Some(p), Some(target)) => {
            let achieved = p
                .achieved
                .parse::<f64>()
                .ok()
                .filter(|x| number(*x) == p.achieved);
            if achieved.is_none_or(|a| (a <= target.target) != p.met) {
                return Err(format!(
                    "has a precision outcome (`{}`, met {}) that is not one against the target {}",
                    p.achieved, p.met, target.target
                ));
            }
        }
        (None, Some(_)) => return Err("has no precision outcome".to_string()),
        (Some(_), None) => {
            return Err("has a precision outcome where the sweep has no target".to_string());
        }
    }
    let mut metrics: Vec<Vec<&str>> = Vec::new();
    let mut at = 0;
    for topology in tops {
        let rows: Vec<&Vec<String>> = record.summary[at..]
            .iter()
            .take_while(|r| r.first() == Some(topology))
            .collect();
        at += rows.len();
        if rows.is_empty() {
            return Err(format!("has no results for topology `{topology}`"));
        }
        let names: Vec<&str> = rows
            .iter()
            .map(|r| r.get(1).map_or("", String::as_str))
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != names.len() {
            return Err(format!("repeats a metric of topology `{topology}`"));
        }
        metrics.push(names);
        for r in rows {
            let good = r.len() == 7
                && r[2..6].iter().all(|c| canonical(c, true))
                && r[6]
                    .parse::<u32>()
                    .is_ok_and(|n| n.to_string() == r[6] && n <= record.replications);
            if !good {
                return Err(format!(
                    "has a malformed summary row `{}` (7 cells, finite numbers or NaN, n at most {})",
                    r.join(","),
                    record.replications
                ));
            }
        }
    }
    if at != record.summary.len() {
        return Err(format!(
            "has a summary row for `{}`, which is not a topology of this sweep (or out of order)",
            record.summary[at].first().map_or("", String::as_str)
        ));
    }
    let mut expected = Vec::new();
    for (topology, names) in tops.iter().zip(&metrics).skip(1) {
        for m in names.iter().filter(|m| metrics[0].contains(m)) {
            expected.push((topology.as_str(), *m));
        }
    }
    let got: Vec<(&str, &str)> = record
        .comparison
        .iter()
        .map(|r| {
            (
                r.first().map_or("", String::as_str),
                r.get(2).map_or("", String::as_str),
            )
        })
        .collect();
    if got != expected {
        return Err(
            "has comparison rows other than each later topology against the first, metric by metric"
                .to_string(),
        );
    }
    for r in &record.comparison {
        let good = r.len() == 9
            && r[1] == tops[0]
            && r[3..6].iter().all(|c| canonical(c, true))
            && canonical(&r[6], false)
            && r[7]
                .parse::<u32>()
                .is_ok_and(|n| n.to_string() == r[7] && n <= record.replications)
            && (r[8] == "true" || r[8] == "false");
        if !good {
            return Err(format!(
                "has a malformed comparison row `{}` (9 cells, the baseline `{}`, numbers as orgsim writes them, then the pairs and whether it is meaningful)",
                r.join(","),
                tops[0]
            ));
        }
    }
    let expected = record.summary.len() * record.replications as usize;
    if record.per_replication.len() != expected {
        return Err(format!(
            "has {} per-replication values where its {} summary rows and {} replications make {expected}",
            record.per_replication.len(),
            record.summary.len(),
            record.replications
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(point: usize) -> PointRecord {
        PointRecord {
            point,
            values: vec![format!("{point}")],
            summary: vec![vec!["a".into(); 7]],
            comparison: vec![],
            ..PointRecord::default()
        }
    }

    const ID: &str = "0123456789abcdef";

    #[test]
    fn complete_lines_that_are_not_records_of_this_sweep_are_damage() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c.jsonl");
        let good = to_bytes(&[record(0)], ID).unwrap();
        let line_2 = |bytes: &[u8]| {
            fs::write(&path, [&good[..], bytes].concat()).unwrap();
            read(&path, ID).expect_err("damage was accepted")
        };
        // Not a record, even as the last line.
        assert!(line_2(b"{}\n").contains("line 2 is not a finished point"));
        assert!(line_2(b"\n").contains("line 2"));
        // A record of another sweep.
        let other = to_bytes(&[record(1)], "fedcba9876543210").unwrap();
        assert!(line_2(&other).contains("line 2 belongs to another sweep"));
        // An edited record: the checksum no longer holds.
        let edited = String::from_utf8(to_bytes(&[record(1)], ID).unwrap())
            .unwrap()
            .replace("\"a\"", "\"b\"");
        assert!(line_2(edited.as_bytes()).contains("line 2 does not match its checksum"));
        // A record of the old format, without identity.
        let mut old = serde_json::to_vec(&record(1)).unwrap();
        old.push(b'\n');
        assert!(line_2(&old).contains("line 2 has no sweep identity"));
        // The same point twice.
        assert!(line_2(&good).contains("line 2 repeats point 1 of line 1"));
        // A damaged line before a good one.
        fs::write(&path, [&b"{}\n"[..], &good].concat()).unwrap();
        assert!(read(&path, ID).unwrap_err().contains("line 1"));
    }
}
