//! Writing the final files of a sweep's folder (README, "Sweep files"):
//! `sweep.csv`, `sweep_comparison.csv`, `sweep_replications.csv`,
//! `sweep_points.csv`, the manifest and, for a merge, the checkpoint, from
//! the records the sweep or the merge returned.

use std::fs;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use super::sweep_csv;
use crate::experiment::sweep::{PointRecord, SweepManifest, checkpoint, manifest};
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
/// `sweep_replications.csv` (streamed: the largest by far), `sweep_points.csv`,
/// the manifest and, `with_checkpoint` (a merge), the checkpoint. Returns
/// the paths written.
pub fn write_all(
    folder: &Path,
    manifest: &SweepManifest,
    records: &[PointRecord],
    with_checkpoint: bool,
) -> Result<Vec<PathBuf>, WriteError> {
    let error = |path: &Path, source: io::Error| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    let csv_error = |e| error(folder, e);
    if with_checkpoint {
        files.push((
            manifest::CHECKPOINT,
            checkpoint::to_bytes(records, &manifest.identity()).map_err(csv_error)?,
        ));
    }
    files.push((
        manifest::SWEEP_CSV,
        sweep_csv::sweep_csv(&manifest.paths, records).map_err(csv_error)?,
    ));
    files.push((
        manifest::COMPARISON_CSV,
        sweep_csv::comparison_csv(&manifest.paths, records).map_err(csv_error)?,
    ));
    files.push((
        manifest::POINTS_CSV,
        sweep_csv::points_csv(&manifest.paths, manifest.precision.as_ref(), records)
            .map_err(csv_error)?,
    ));
    files.push((manifest::MANIFEST, manifest.to_json().into_bytes()));
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = folder.join(name);
        write_atomic(&path, &bytes).map_err(|e| error(&path, e))?;
        written.push(path);
    }
    let path = folder.join(manifest::REPLICATIONS_CSV);
    write_streamed(&path, |out| {
        sweep_csv::write_replications_csv(out, &manifest.paths, records).map(|_| ())
    })
    .map_err(|e| error(&path, e))?;
    written.push(path);
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
