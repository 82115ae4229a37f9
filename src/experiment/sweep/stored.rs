//! The records of a finished sweep without holding them: every point's rows
//! stay in the checkpoint on disk (where each point went as it finished),
//! and the final files are written by reading them back one point at a
//! time in grid order. What stays in memory per point is its place in the
//! checkpoint and a brief record with only the rows the stdout table shows,
//! so that the memory of a sweep does not grow with the rows of the points
//! it has done (docs/performance.md, "Big organizations").

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::checkpoint::{self, LineAt, PointRecord};
use crate::model::Metric;

/// Records of a sweep, in grid order, to be written out one at a time.
pub trait RecordSource {
    /// How many points there are.
    fn len(&self) -> usize;

    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hands every record to `f`, in grid order; stops at the first error.
    fn for_each(&self, f: &mut dyn FnMut(&PointRecord) -> io::Result<()>) -> io::Result<()>;
}

impl RecordSource for [PointRecord] {
    fn len(&self) -> usize {
        <[PointRecord]>::len(self)
    }

    fn for_each(&self, f: &mut dyn FnMut(&PointRecord) -> io::Result<()>) -> io::Result<()> {
        self.iter().try_for_each(f)
    }
}

impl RecordSource for Vec<PointRecord> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn for_each(&self, f: &mut dyn FnMut(&PointRecord) -> io::Result<()>) -> io::Result<()> {
        self.as_slice().for_each(f)
    }
}

/// The metrics of a point's summary the stdout table reads
/// (`report::sweep_csv::table`).
const TABLE_METRICS: [Metric; 4] = [
    Metric::LeadTimeMean,
    Metric::Throughput,
    Metric::Unstable,
    Metric::Saturated,
];

/// The comparison rows the stdout table reads.
const TABLE_COMPARISONS: [Metric; 1] = [Metric::LeadTimeMean];

/// `record` with only what the stdout table reads: its values, counts and
/// precision, and the summary and comparison rows of the table's metrics
/// (in their order); no per-replication values.
pub fn brief(record: &PointRecord) -> PointRecord {
    let kept = |metric: &str, of: &[Metric]| of.iter().any(|m| m.name() == metric);
    PointRecord {
        point: record.point,
        values: record.values.clone(),
        summary: record
            .summary
            .iter()
            .filter(|r| r.get(1).is_some_and(|m| kept(m, &TABLE_METRICS)))
            .cloned()
            .collect(),
        comparison: record
            .comparison
            .iter()
            .filter(|r| r.get(2).is_some_and(|m| kept(m, &TABLE_COMPARISONS)))
            .cloned()
            .collect(),
        replications: record.replications,
        precision: record.precision.clone(),
        per_replication: Vec::new(),
    }
}

/// The records of a sweep's checkpoint, checked once, read back from it
/// point by point.
#[derive(Debug, Clone)]
pub struct StoredRecords {
    path: PathBuf,
    identity: String,
    /// Where each point's line is, in grid order.
    lines: Vec<LineAt>,
    briefs: Vec<PointRecord>,
}

impl StoredRecords {
    /// The records of the checkpoint `path` of the sweep `identity` whose
    /// lines are `lines` and whose [`brief`]s are `briefs`, both in grid
    /// order.
    pub fn new(
        path: &Path,
        identity: &str,
        lines: Vec<LineAt>,
        briefs: Vec<PointRecord>,
    ) -> StoredRecords {
        StoredRecords {
            path: path.to_path_buf(),
            identity: identity.to_string(),
            lines,
            briefs,
        }
    }

    /// The [`brief`] record of every point, in grid order: what the stdout
    /// table needs.
    pub fn briefs(&self) -> &[PointRecord] {
        &self.briefs
    }

    /// The whole record of the `index`-th point in grid order, read back
    /// from the checkpoint.
    pub fn load(&self, index: usize) -> io::Result<PointRecord> {
        let at = self.lines.get(index).copied().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the sweep has no point at position {index}"),
            )
        })?;
        let mut reader = io::BufReader::new(fs::File::open(&self.path)?);
        checkpoint::read_at(&mut reader, &self.path, &self.identity, at)
    }

    /// The checkpoint.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl RecordSource for StoredRecords {
    fn len(&self) -> usize {
        self.lines.len()
    }

    fn for_each(&self, f: &mut dyn FnMut(&PointRecord) -> io::Result<()>) -> io::Result<()> {
        let mut reader = io::BufReader::new(fs::File::open(&self.path)?);
        for (at, brief) in self.lines.iter().zip(&self.briefs) {
            let record = checkpoint::read_at(&mut reader, &self.path, &self.identity, *at)?;
            if record.point != brief.point {
                return Err(io::Error::other(format!(
                    "{}: line {} changed while the sweep's files were written",
                    self.path.display(),
                    at.number
                )));
            }
            f(&record)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_brief_keeps_only_the_tables_rows() {
        let mut summary = Vec::new();
        for t in ["a", "b"] {
            for m in ["lead_time_mean", "throughput", "unstable", "saturated"] {
                summary.push(row(&[t, m, "1", "0", "1", "1", "2"]));
            }
            for k in 0..50 {
                summary.push(row(&[
                    t,
                    &format!("lead_time_mean:s{k}"),
                    "1",
                    "0",
                    "1",
                    "1",
                    "2",
                ]));
            }
        }
        let comparison = vec![
            row(&[
                "b",
                "a",
                "lead_time_mean",
                "1",
                "0",
                "2",
                "0.1",
                "2",
                "true",
            ]),
            row(&["b", "a", "throughput", "1", "0", "2", "0.1", "2", "true"]),
        ];
        let r = PointRecord {
            point: 3,
            values: vec!["0.5".into()],
            summary,
            comparison,
            replications: 2,
            per_replication: vec![1.0; 108 * 2],
            ..PointRecord::default()
        };
        let b = brief(&r);
        assert_eq!(b.summary.len(), 8);
        assert_eq!(
            b.summary_row("b", "saturated"),
            r.summary_row("b", "saturated")
        );
        assert!(b.summary_row("a", "lead_time_mean:s0").is_none());
        assert_eq!(b.comparison, r.comparison[..1]);
        assert!(b.per_replication.is_empty());
        assert_eq!((b.point, &b.values, b.replications), (3, &r.values, 2));
    }
}
