//! The output folder of a command: its lock, and the staging of its files
//! (see `util::lock` and `util::staging`).

use std::path::Path;

use super::Failure;
use orgsim::util::lock::{FolderLock, LockError};
use orgsim::util::staging::Staging;

/// Locks the existing output folder `dir` for this process, printing a note
/// when a lock left by a process that is gone is taken over.
pub(super) fn lock(dir: &Path) -> Result<FolderLock, Failure> {
    report(dir, FolderLock::acquire(dir))
}

fn report(dir: &Path, acquired: Result<FolderLock, LockError>) -> Result<FolderLock, Failure> {
    match acquired {
        Ok(lock) => {
            if let Some(note) = &lock.taken_over {
                if note.starts_with("warning:") {
                    note!("{note}");
                } else {
                    note!("note: {note}");
                }
            }
            Ok(lock)
        }
        Err(e @ LockError::Busy { .. }) => Err(Failure::BadInput(e.to_string())),
        Err(LockError::Io { path, source }) => Err(Failure::BadInput(format!(
            "cannot write into the output folder {}: {source} (creating {})",
            dir.display(),
            path.display()
        ))),
    }
}

/// Locks the folder `dir` a command only reads, unless it cannot be written
/// (a read-only archive: nobody writes it with our rights either).
pub(super) fn lock_read(dir: &Path) -> Result<Option<FolderLock>, Failure> {
    match FolderLock::acquire(dir) {
        Err(LockError::Io { .. }) => Ok(None),
        acquired => report(dir, acquired).map(Some),
    }
}

/// Starts staging the files of the locked folder `dir`.
pub(super) fn stage(dir: &Path) -> Result<Staging, Failure> {
    Staging::begin(dir).map_err(|e| {
        Failure::BadInput(format!(
            "cannot write into the output folder {}: {e}",
            dir.display()
        ))
    })
}
