//! `orgsim merge`: combine the shards of a sweep; the work is done by
//! `experiment::sweep::merge`.

use std::path::{Path, PathBuf};

use super::{Failure, output, stdio};
use crate::cli::MergeArgs;
use orgsim::experiment::sweep;
use orgsim::report::{sweep_csv, sweep_files};

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
    for manifest in sweep::merge::manifest_paths(&args.inputs)? {
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
    let gathered = sweep::merge::gather(&args.inputs)?;
    super::folder::prepare(&args.out, args.quiet)?;
    let key = std::fs::canonicalize(&args.out).unwrap_or_else(|_| args.out.clone());
    if !locked.contains(&key) {
        locks.push(output::lock(&args.out)?);
    }
    let stage = output::stage(&args.out)?;
    let mut res = gathered.merged();
    let mut written = sweep_files::write_all(stage.path(), &res.manifest, &res.records, true)?;
    if !args.no_plots {
        written.extend(super::render_folder(stage.path())?);
    }
    let written = stage.final_paths(&written);
    super::sweep::finish(stage, &mut res.manifest, false)?;
    drop(locks);
    stdio::print(&sweep_csv::table(&res.manifest, &res.records))?;
    if !args.quiet {
        let names: Vec<String> = written
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
