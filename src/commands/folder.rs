//! Preparing an output folder before anything is computed: create it, make
//! sure it can be written, and remove what a killed earlier run left.

use std::fs;
use std::path::Path;

use super::Failure;
use orgsim::util::atomic::{check_writable, remove_stale_temporaries};

/// Creates `dir` (and its parents) and refuses, as bad input (exit code 2),
/// a folder that cannot be created or written; then removes the temporary
/// files of earlier runs that were killed while writing (`kill -9`), saying
/// so unless `quiet`.
pub fn prepare(dir: &Path, quiet: bool) -> Result<(), Failure> {
    fs::create_dir_all(dir).map_err(|e| {
        Failure::BadInput(format!(
            "cannot create output folder {}: {e}",
            dir.display()
        ))
    })?;
    check_writable(dir).map_err(|e| {
        Failure::BadInput(format!(
            "cannot write into the output folder {}: {e}",
            dir.display()
        ))
    })?;
    match remove_stale_temporaries(dir) {
        Ok(removed) if !removed.is_empty() && !quiet => {
            let names: Vec<String> = removed
                .iter()
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            note!(
                "note: removed {} temporary file{} that a killed earlier run left in {}: {}",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                dir.display(),
                names.join(", ")
            );
        }
        Ok(_) => {}
        Err(e) => {
            if !quiet {
                note!(
                    "warning: cannot clear the temporary files of earlier runs in {}: {e}",
                    dir.display()
                );
            }
        }
    }
    Ok(())
}
