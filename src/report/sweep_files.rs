//! Writing the final files of a sweep's folder (README, "Sweep files"):
//! `sweep.csv`, `sweep_comparison.csv`, `sweep_replications.csv`,
//! `sweep_points.csv`, the manifest and, for a merge, the checkpoint, from
//! the records the sweep or the merge returned.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::sweep_csv;
use crate::experiment::sweep::{RecordSource, SweepManifest, checkpoint, manifest};
use crate::util::atomic::{temporary_path, write_atomic};

/// A file of the folder that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    /// The file (or, for a failure to format, the folder).
    pub path: PathBuf,
    /// The error.
    pub source: io::Error,
}

/// Writes a folder's final files into `folder` (a staging folder the
/// caller moves in), each atomically: `sweep.csv`, `sweep_comparison.csv`,
/// `sweep_points.csv`, the manifest, `sweep_replications.csv` and,
/// `with_checkpoint` (a merge), the checkpoint. The files of rows are
/// streamed in one pass over `records`, one point at a time, so that
/// neither they nor the points' rows are ever all in memory. Returns the
/// paths written.
pub fn write_all(
    folder: &Path,
    manifest: &SweepManifest,
    records: &dyn RecordSource,
    with_checkpoint: bool,
) -> Result<Vec<PathBuf>, WriteError> {
    let error = |path: &Path, source: io::Error| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let mut written = Vec::new();
    if with_checkpoint {
        let path = folder.join(manifest::CHECKPOINT);
        let identity = manifest.identity();
        write_streamed(&path, |out| {
            records.for_each(&mut |r| out.write_all(&checkpoint::line(&identity, r)?))
        })
        .map_err(|e| error(&path, e))?;
        written.push(path);
    }
    let names = [
        manifest::SWEEP_CSV,
        manifest::COMPARISON_CSV,
        manifest::POINTS_CSV,
        manifest::REPLICATIONS_CSV,
    ];
    let paths = names.map(|n| folder.join(n));
    let tmps = paths.clone().map(|p| temporary_path(&p));
    let result = (|| -> Result<(), WriteError> {
        let mut outs = Vec::new();
        for tmp in &tmps {
            outs.push(BufWriter::new(
                fs::File::create(tmp).map_err(|e| error(tmp, e))?,
            ));
        }
        let outs: [BufWriter<fs::File>; 4] = outs.try_into().expect("four files");
        let mut w =
            sweep_csv::SweepWriters::new(outs, &manifest.paths, manifest.precision.as_ref())
                .map_err(|e| error(folder, e))?;
        records
            .for_each(&mut |r| w.push(r))
            .map_err(|e| error(folder, e))?;
        let outs = w.finish().map_err(|e| error(folder, e))?;
        for ((out, tmp), path) in outs.into_iter().zip(&tmps).zip(&paths) {
            let file = out
                .into_inner()
                .map_err(|e| error(tmp, io::IntoInnerError::into_error(e)))?;
            file.sync_all().map_err(|e| error(tmp, e))?;
            fs::rename(tmp, path).map_err(|e| error(path, e))?;
        }
        Ok(())
    })();
    if result.is_err() {
        for tmp in &tmps {
            let _ = fs::remove_file(tmp);
        }
    }
    result?;
    let [sweep, comparison, points, replications] = paths;
    written.extend([sweep, comparison, points]);
    let path = folder.join(manifest::MANIFEST);
    write_atomic(&path, manifest.to_json().as_bytes()).map_err(|e| error(&path, e))?;
    written.push(path);
    written.push(replications);
    Ok(written)
}

/// Writes `path` as [`write_atomic`] does (a temporary name, then renamed),
/// but from `write`, through a buffer, so that the file's bytes are never
/// all in memory at once.
fn write_streamed(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temporary_path(path);
    let result = (|| {
        let mut out = BufWriter::new(fs::File::create(&tmp)?);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
