//! `orgsim merge`: combine the shards of a sweep; the work is done by
//! `experiment::sweep::merge`.

use std::path::{Path, PathBuf};

use super::sweep::failure;
use super::{Failure, output, stdio};
use crate::cli::MergeArgs;
use crate::experiment::sweep;
use crate::report::sweep_csv;

/// Merges the sweep parts `args` names.
pub fn merge(args: &MergeArgs) -> Result<(), Failure> {
    if args
        .inputs
        .iter()
        .any(|i| super::explore::is_exploration(i))
    {
        return super::explore::merge(&args.inputs, &args.out, args.no_plots, args.quiet);
    }
    // The shard folders read are locked (no shard may be running), then the
    // folder written.
    let mut locks = Vec::new();
    let mut locked: Vec<PathBuf> = Vec::new();
    for manifest in sweep::merge::manifest_paths(&args.inputs).map_err(failure)? {
        let dir = manifest
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        let key = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if !locked.contains(&key) {
            locks.extend(output::lock_read(&dir)?);
            locked.push(key);
        }
    }
    let gathered = sweep::merge::gather(&args.inputs).map_err(failure)?;
    super::folder::prepare(&args.out, args.quiet)?;
    let key = std::fs::canonicalize(&args.out).unwrap_or_else(|_| args.out.clone());
    if !locked.contains(&key) {
        locks.push(output::lock(&args.out)?);
    }
    let stage = output::stage(&args.out)?;
    let mut res = gathered
        .write(&args.out, Some(stage.path()))
        .map_err(failure)?;
    if !args.no_plots {
        res.written.extend(super::render_folder(stage.path())?);
    }
    res.written = stage.final_paths(&res.written);
    super::sweep::finish(stage, &mut res.manifest, false)?;
    drop(locks);
    stdio::print(&sweep_csv::table(&res.manifest, &res.records))?;
    if !args.quiet {
        let names: Vec<String> = res
            .written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        note!(
            "merged {} part{} ({} points); wrote {} in {}",
            res.inputs.len(),
            if res.inputs.len() == 1 { "" } else { "s" },
            res.records.len(),
            names.join(", "),
            args.out.display()
        );
    }
    Ok(())
}
