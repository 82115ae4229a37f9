//! Writing the final files of a sweep's folder (README, "Sweep files"):
//! `sweep.csv`, `sweep_comparison.csv`, the manifest and, for a merge, the
//! checkpoint, from the records the sweep or the merge returned.

use std::io;
use std::path::{Path, PathBuf};

use super::sweep_csv;
use crate::experiment::sweep::{PointRecord, SweepManifest, checkpoint, manifest};
use crate::util::atomic::write_atomic;

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
    files.push((manifest::MANIFEST, manifest.to_json().into_bytes()));
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = folder.join(name);
        write_atomic(&path, &bytes).map_err(|e| error(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
