//! A sweep's folder (README, "Sweeps"): its checkpoint, appended as points
//! finish, and its manifest; `--resume` goes on from what an earlier run
//! left there. The points themselves are run by
//! [`SweepPlan::run_points`](crate::experiment::sweep::SweepPlan::run_points);
//! this module is where they are kept.
//!
//! A checkpoint line survives the death of the process at once (it is in
//! the operating system's cache); it is synced to disk at most a second
//! later (and at the end of the run), so a crash of the whole machine loses
//! at most the last second of points, and whatever torn tail it leaves is
//! ignored like a partial line (see `experiment::sweep::checkpoint`).

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::experiment::Progress;
use crate::experiment::runner::thread_pool;
use crate::experiment::sweep::checkpoint::LineAt;
use crate::experiment::sweep::{
    PointRecord, RecordSource, StoredRecords, SweepError, SweepManifest, SweepPlan, checkpoint,
    manifest, stored,
};
use crate::util::atomic::write_atomic;
use crate::util::staging;
use crate::util::time::rfc3339;

/// Longest time a finished point waits to be synced to disk.
const SYNC_INTERVAL: Duration = Duration::from_secs(1);

/// Options of `orgsim sweep` that do not change any number.
#[derive(Debug, Clone, Copy, Default)]
pub struct SweepRun<'a> {
    /// Worker threads (default: every core).
    pub threads: Option<usize>,
    /// Keep the points a checkpoint of the same sweep already holds.
    pub resume: bool,
    /// Set (e.g. by a signal handler) to stop: the points finished so far
    /// stay in the checkpoint, a replication under way gives up.
    pub stop: Option<&'a AtomicBool>,
}

/// The results of a finished sweep (or shard), for the caller to write
/// (`report::sweep_files::write_all`).
#[derive(Debug, Clone)]
pub struct SweepResults {
    /// Where they are.
    pub folder: PathBuf,
    /// The folder's manifest, complete and finished.
    pub manifest: SweepManifest,
    /// Every point of the folder, in grid order, read back from the
    /// checkpoint as they are written out.
    pub records: StoredRecords,
    /// Points kept from an earlier run (`--resume`).
    pub resumed: usize,
    /// Points of an earlier sweep in the folder discarded (no `--resume`).
    pub discarded: usize,
}

/// How a sweep ended.
#[derive(Debug, Clone)]
pub enum SweepOutcome {
    /// Every point is done (in the checkpoint); the results are to be
    /// written.
    Complete(Box<SweepResults>),
    /// Stopped (`SweepRun::stop`) before every point was done: the finished
    /// points are in the checkpoint, and `--resume` goes on from there.
    Interrupted {
        /// Points in the checkpoint.
        done: usize,
        /// Points planned for the folder.
        planned: usize,
        /// The checkpoint.
        checkpoint: PathBuf,
    },
}

/// Runs `plan` with its checkpoint and manifest in `folder` (see
/// [`SweepPlan::folder`]).
pub fn execute(
    plan: &SweepPlan,
    folder: &Path,
    run: &SweepRun<'_>,
) -> Result<SweepOutcome, SweepError> {
    execute_with_progress(plan, folder, run, &())
}

/// [`execute`], telling `progress` of every replication planned and done
/// and of the points done.
pub fn execute_with_progress(
    plan: &SweepPlan,
    folder: &Path,
    run: &SweepRun<'_>,
    progress: &dyn Progress,
) -> Result<SweepOutcome, SweepError> {
    let io = |action: &'static str, path: &Path, source: std::io::Error| SweepError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let pool = thread_pool(run.threads)?;
    let threads = pool.current_num_threads();
    fs::create_dir_all(folder).map_err(|e| {
        SweepError::BadInput(format!(
            "cannot create output folder {}: {e}",
            folder.display()
        ))
    })?;
    let manifest_path = folder.join(manifest::MANIFEST);
    let checkpoint_path = folder.join(manifest::CHECKPOINT);
    let planned: BTreeSet<usize> = plan.point_indices().into_iter().collect();

    // What an earlier run left in the folder.
    let earlier = if manifest_path.exists() {
        Some(SweepManifest::read(&manifest_path))
    } else {
        None
    };
    let identity = plan.manifest.identity();
    let mut done = BTreeSet::new();
    let (mut resumed, mut discarded) = (0, 0);
    let mut files = vec![
        manifest::CHECKPOINT.to_string(),
        manifest::MANIFEST.to_string(),
    ];
    if run.resume && earlier.is_none() && fs::symlink_metadata(&checkpoint_path).is_ok() {
        return Err(SweepError::BadInput(format!(
            "cannot resume in {}: it holds a checkpoint ({}) but no {}, so nothing says which sweep its points belong to; nothing was run (drop --resume to start over, discarding them)",
            folder.display(),
            manifest::CHECKPOINT,
            manifest::MANIFEST
        )));
    }
    let writer = if let (true, Some(earlier)) = (run.resume, &earlier) {
        let earlier = earlier.clone().map_err(SweepError::BadInput)?;
        let refuse = |why: String| {
            SweepError::BadInput(format!(
                "cannot resume in {}: it holds a different sweep (the folder's vs this command's: {why}); use another --out, or drop --resume to start over",
                folder.display()
            ))
        };
        if let Some(diff) = earlier.difference(&plan.manifest) {
            return Err(refuse(diff));
        }
        if earlier.shard != plan.manifest.shard {
            return Err(refuse(format!(
                "shard {} vs {}",
                earlier.shard.as_deref().unwrap_or("none"),
                plan.manifest.shard.as_deref().unwrap_or("none")
            )));
        }
        for f in &earlier.files {
            if !files.contains(f) {
                files.push(f.clone());
            }
        }
        let contents =
            checkpoint::read(&checkpoint_path, &identity).map_err(SweepError::BadInput)?;
        for (r, line) in contents.records.iter().zip(&contents.lines) {
            check_record(r, plan, &planned, &checkpoint_path, *line)?;
            done.insert(r.point);
        }
        resumed = done.len();
        CheckpointWriter::resume(&checkpoint_path, contents.complete_len, &identity).map_err(
            |e| {
                SweepError::BadInput(format!(
                    "cannot resume from {}: {e}",
                    checkpoint_path.display()
                ))
            },
        )?
    } else {
        if let Some(Ok(m)) = &earlier {
            discarded = m.points_done;
        }
        // Starting over replaces the earlier result in the folder as a whole.
        staging::discard_recorded(folder, &[manifest::CHECKPOINT, manifest::MANIFEST])
            .map_err(|e| io("clear", folder, e))?;
        for stale in [
            manifest::SWEEP_CSV,
            manifest::COMPARISON_CSV,
            manifest::REPLICATIONS_CSV,
            manifest::POINTS_CSV,
        ] {
            let p = folder.join(stale);
            if p.exists() {
                fs::remove_file(&p).map_err(|e| io("remove", &p, e))?;
            }
        }
        // The checkpoint is emptied before the new manifest is written, so a
        // manifest never describes another sweep's points.
        CheckpointWriter::create(&checkpoint_path, &identity)
            .map_err(|e| io("write", &checkpoint_path, e))?
    };
    let mut manifest = plan.manifest.clone();
    manifest.threads = threads;
    manifest.points_done = done.len();
    manifest.files = files;
    write_atomic(&manifest_path, manifest.to_json().as_bytes())
        .map_err(|e| io("write", &manifest_path, e))?;

    let finished = AtomicUsize::new(done.len());
    let set_message = |n: usize| progress.note(&format!("{n}/{} points", planned.len()));
    set_message(done.len());
    let stopped = || run.stop.is_some_and(|s| s.load(Ordering::SeqCst));
    let writer = Mutex::new(writer);
    let append = |record: PointRecord| {
        let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
        w.append(&record)
            .map_err(|e| io("append to", &checkpoint_path, e))?;
        drop(w);
        set_message(finished.fetch_add(1, Ordering::SeqCst) + 1);
        Ok(())
    };
    let result = pool.install(|| plan.run_points(&done, run.stop, progress, &append));
    let synced = writer
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .sync()
        .map_err(|e| io("sync", &checkpoint_path, e));
    result?;
    synced?;

    // Each point's rows stay in the checkpoint: only where its line is and
    // what the stdout table shows are kept (see `experiment::sweep::stored`).
    let mut kept: Vec<(LineAt, PointRecord)> = Vec::new();
    let mut invalid = None;
    checkpoint::scan(&checkpoint_path, &identity, |r, at| {
        if let Err(e) = check_record(&r, plan, &planned, &checkpoint_path, at.number) {
            invalid = Some(e);
            return Err(String::new());
        }
        kept.push((at, stored::brief(&r)));
        Ok(())
    })
    .map_err(|e| invalid.take().unwrap_or(SweepError::Damaged(e)))?;
    kept.sort_by_key(|(_, r)| r.point);
    let (lines, briefs): (Vec<LineAt>, Vec<PointRecord>) = kept.into_iter().unzip();
    let records = StoredRecords::new(&checkpoint_path, &identity, lines, briefs);
    manifest.points_done = records.len();
    if records.len() < planned.len() {
        write_atomic(&manifest_path, manifest.to_json().as_bytes())
            .map_err(|e| io("write", &manifest_path, e))?;
        if stopped() {
            return Ok(SweepOutcome::Interrupted {
                done: records.len(),
                planned: planned.len(),
                checkpoint: checkpoint_path,
            });
        }
        return Err(SweepError::Damaged(format!(
            "{} holds {} of {} points after the run",
            checkpoint_path.display(),
            records.len(),
            planned.len()
        )));
    }
    manifest.complete = true;
    manifest.finished = Some(rfc3339(SystemTime::now()));
    Ok(SweepOutcome::Complete(Box::new(SweepResults {
        folder: folder.to_path_buf(),
        manifest,
        records,
        resumed,
        discarded,
    })))
}

/// Refuses a checkpoint record (on line `line`) that is not one of the
/// plan's points, or not shaped as one.
fn check_record(
    r: &PointRecord,
    plan: &SweepPlan,
    planned: &BTreeSet<usize>,
    path: &Path,
    line: usize,
) -> Result<(), SweepError> {
    if !planned.contains(&r.point) || plan.manifest.points.get(r.point) != Some(&r.values) {
        return Err(SweepError::BadInput(format!(
            "{} holds point {} ({}), which is not a point of this sweep{}; remove the folder or use another --out",
            path.display(),
            r.point + 1,
            r.values.join(", "),
            plan.shard
                .map(|s| format!(" shard {s}"))
                .unwrap_or_default()
        )));
    }
    checkpoint::check_shape(r, &plan.manifest).map_err(|why| {
        SweepError::BadInput(format!(
            "{}: line {line} {why}; the checkpoint is damaged or was edited: nothing was run (remove the folder, or use another --out, to start over)",
            path.display()
        ))
    })
}

/// Refuses to write through a symbolic link at `path`: a checkpoint is
/// rewritten in place, and must not overwrite what a link points at.
fn refuse_link(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is a symbolic link; orgsim writes its checkpoint only as a plain file",
        )),
        _ => Ok(()),
    }
}

/// A checkpoint open for appending.
#[derive(Debug)]
pub struct CheckpointWriter {
    file: File,
    path: PathBuf,
    identity: String,
    synced: Instant,
}

impl CheckpointWriter {
    /// Starts an empty checkpoint of the sweep `identity` at `path`
    /// (replacing any; a symbolic link there is removed, not followed).
    pub fn create(path: &Path, identity: &str) -> io::Result<CheckpointWriter> {
        if refuse_link(path).is_err() {
            fs::remove_file(path)?;
        }
        let file = File::create(path)?;
        file.sync_all()?;
        Ok(CheckpointWriter {
            file: OpenOptions::new().append(true).open(path)?,
            path: path.to_path_buf(),
            identity: identity.to_string(),
            synced: Instant::now(),
        })
    }

    /// Opens the checkpoint of the sweep `identity` at `path` to add to it,
    /// first cutting it to `complete_len` bytes (dropping a torn tail).
    /// Refuses a symbolic link.
    pub fn resume(path: &Path, complete_len: u64, identity: &str) -> io::Result<CheckpointWriter> {
        refuse_link(path)?;
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        if file.metadata()?.len() != complete_len {
            file.set_len(complete_len)?;
            file.sync_all()?;
        }
        Ok(CheckpointWriter {
            file,
            path: path.to_path_buf(),
            identity: identity.to_string(),
            synced: Instant::now(),
        })
    }

    /// Appends `record` as one line, in one write; syncs the file to disk
    /// if it was last synced more than a second ago.
    pub fn append(&mut self, record: &PointRecord) -> io::Result<()> {
        self.file
            .write_all(&checkpoint::line(&self.identity, record)?)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::sweep::checkpoint::{read, to_bytes};

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
    fn a_partial_last_line_is_ignored_and_cut_on_resume() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("c.jsonl");
        let mut w = CheckpointWriter::create(&path, ID).unwrap();
        w.append(&record(0)).unwrap();
        w.append(&record(1)).unwrap();
        drop(w);
        let mut bytes = fs::read(&path).unwrap();
        let whole = bytes.len() as u64;
        bytes.extend_from_slice(b"{\"point\":2,\"val");
        fs::write(&path, &bytes).unwrap();
        let c = read(&path, ID).unwrap();
        assert_eq!(c.records, vec![record(0), record(1)]);
        assert_eq!(c.lines, vec![1, 2]);
        assert!(c.partial_tail);
        assert_eq!(c.complete_len, whole);
        let mut w = CheckpointWriter::resume(&path, c.complete_len, ID).unwrap();
        w.append(&record(2)).unwrap();
        let c = read(&path, ID).unwrap();
        assert_eq!(c.records, vec![record(0), record(1), record(2)]);
        assert!(!c.partial_tail);
        // A torn tail of zeros (what a machine crash can leave) is ignored.
        let good = to_bytes(&[record(0)], ID).unwrap();
        fs::write(&path, [&good[..], b"\0\0\0\n\0\0"].concat()).unwrap();
        let c = read(&path, ID).unwrap();
        assert_eq!((c.records.len(), c.complete_len), (1, good.len() as u64));
        assert!(c.partial_tail);
        assert!(
            read(&dir.join("none.jsonl"), ID)
                .unwrap()
                .records
                .is_empty()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_checkpoint_is_never_written_through_a_symbolic_link() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("precious.txt");
        fs::write(&target, "keep me").unwrap();
        let link = tmp.path().join("c.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = CheckpointWriter::resume(&link, 0, ID).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
        // Starting over replaces the link by a file of its own.
        let mut w = CheckpointWriter::create(&link, ID).unwrap();
        w.append(&record(0)).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
        assert!(
            !fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}
