//! The checkpoint of a sweep: one JSON line per finished point, appended as
//! points finish, each with a single `write_all`.
//!
//! It is the source of truth of a sweep: `--resume` skips the points it
//! holds, and `sweep.csv` is written from it in grid order at the end (so the
//! file never depends on the order in which points finished). A line is
//! complete or absent: a process killed in the middle of a write leaves at
//! most a trailing partial line, which reading ignores and resuming cuts off.
//!
//! A written line survives the death of the process at once (it is in the
//! operating system's cache); it is synced to disk at most a second later
//! (and at the end of the run), so a crash of the whole machine loses at
//! most the last second of points, and whatever torn tail it leaves is
//! ignored like a partial line.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::experiment::Experiment;
use crate::report::csv_files;

/// Longest time a finished point waits to be synced to disk.
const SYNC_INTERVAL: Duration = Duration::from_secs(1);

/// The results of one finished point, as the cells of its output rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

impl PointRecord {
    /// The record of point `point` whose results are `exp`.
    pub fn new(point: usize, values: Vec<String>, exp: &Experiment) -> PointRecord {
        let summary = csv_files::summary_records(exp);
        let comparison = csv_files::comparison_records(exp);
        PointRecord {
            point,
            values,
            summary,
            comparison,
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
            .find(|r| r.len() >= 7 && r[0] == topology && r[2] == metric)
            .map(Vec::as_slice)
    }
}

/// What a checkpoint file holds.
#[derive(Debug, Clone, Default)]
pub struct CheckpointContents {
    /// The complete lines, in file order.
    pub records: Vec<PointRecord>,
    /// Bytes of the complete lines (where a trailing partial line starts).
    pub complete_len: u64,
    /// Whether a partial last line follows them.
    pub partial_tail: bool,
}

/// Reads the checkpoint at `path` (none: empty). Lines that are not point
/// records are a torn tail, ignored, when no record follows them, and make
/// the file damaged (an error) otherwise.
pub fn read(path: &Path) -> Result<CheckpointContents, String> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(CheckpointContents::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut records = Vec::new();
    // End of the last good line, and the first bad line after it.
    let mut good_len = 0;
    let mut bad: Option<(usize, String)> = None;
    let mut start = 0;
    for (n, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        start += line.len();
        let Some(body) = line.strip_suffix(b"\n") else {
            break; // the unterminated last line
        };
        if body.is_empty() {
            continue;
        }
        match serde_json::from_slice::<PointRecord>(body) {
            Ok(record) => {
                if let Some((line, e)) = bad {
                    return Err(format!(
                        "{}: line {line} is not a finished point ({e}); the file is damaged",
                        path.display()
                    ));
                }
                records.push(record);
                good_len = start;
            }
            Err(e) => {
                bad.get_or_insert((n + 1, e.to_string()));
            }
        }
    }
    Ok(CheckpointContents {
        records,
        complete_len: good_len as u64,
        partial_tail: good_len < bytes.len(),
    })
}

/// A checkpoint open for appending.
#[derive(Debug)]
pub struct CheckpointWriter {
    file: File,
    path: PathBuf,
    synced: Instant,
}

impl CheckpointWriter {
    /// Starts an empty checkpoint at `path` (replacing any).
    pub fn create(path: &Path) -> io::Result<CheckpointWriter> {
        let file = File::create(path)?;
        file.sync_all()?;
        Ok(CheckpointWriter {
            file: OpenOptions::new().append(true).open(path)?,
            path: path.to_path_buf(),
            synced: Instant::now(),
        })
    }

    /// Opens the checkpoint at `path` to add to it, first cutting it to
    /// `complete_len` bytes (dropping a partial last line).
    pub fn resume(path: &Path, complete_len: u64) -> io::Result<CheckpointWriter> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        if file.metadata()?.len() != complete_len {
            file.set_len(complete_len)?;
            file.sync_all()?;
        }
        Ok(CheckpointWriter {
            file,
            path: path.to_path_buf(),
            synced: Instant::now(),
        })
    }

    /// Appends `record` as one line, in one write; syncs the file to disk
    /// if it was last synced more than a second ago.
    pub fn append(&mut self, record: &PointRecord) -> io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        if self.synced.elapsed() >= SYNC_INTERVAL {
            self.sync()?;
        }
        Ok(())
    }

    /// Syncs what was appended to disk.
    pub fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()?;
        self.synced = Instant::now();
        Ok(())
    }

    /// Where the checkpoint is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The bytes of a checkpoint holding `records` in the order given.
pub fn to_bytes(records: &[PointRecord]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for r in records {
        serde_json::to_writer(&mut out, r).map_err(io::Error::other)?;
        out.push(b'\n');
    }
    Ok(out)
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
        }
    }

    #[test]
    fn a_partial_last_line_is_ignored_and_cut_on_resume() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("c.jsonl");
        let mut w = CheckpointWriter::create(&path).unwrap();
        w.append(&record(0)).unwrap();
        w.append(&record(1)).unwrap();
        drop(w);
        let mut bytes = fs::read(&path).unwrap();
        let whole = bytes.len() as u64;
        bytes.extend_from_slice(b"{\"point\":2,\"val");
        fs::write(&path, &bytes).unwrap();
        let c = read(&path).unwrap();
        assert_eq!(c.records, vec![record(0), record(1)]);
        assert!(c.partial_tail);
        assert_eq!(c.complete_len, whole);
        let mut w = CheckpointWriter::resume(&path, c.complete_len).unwrap();
        w.append(&record(2)).unwrap();
        let c = read(&path).unwrap();
        assert_eq!(c.records, vec![record(0), record(1), record(2)]);
        assert!(!c.partial_tail);
        // A damaged line in the middle is an error, not silently skipped.
        let good = to_bytes(&[record(0)]).unwrap();
        fs::write(&path, [&b"{}\n"[..], &good].concat()).unwrap();
        assert!(read(&path).is_err());
        // A torn tail (a crash can leave zeros) is ignored, and cut on resume.
        fs::write(&path, [&good[..], b"\0\0\0\n\0\0"].concat()).unwrap();
        let c = read(&path).unwrap();
        assert_eq!((c.records.len(), c.complete_len), (1, good.len() as u64));
        assert!(c.partial_tail);
        assert!(read(&dir.join("none.jsonl")).unwrap().records.is_empty());
    }
}
