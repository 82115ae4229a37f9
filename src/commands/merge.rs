//! `orgsim merge`: combine the shards of a sweep; the work is done by
//! `experiment::sweep::merge`.

use super::sweep::failure;
use super::{Failure, stdio};
use crate::cli::MergeArgs;
use crate::experiment::sweep;
use crate::report::sweep_csv;

/// Merges the sweep parts `args` names.
pub fn merge(args: &MergeArgs) -> Result<(), Failure> {
    let mut res = sweep::merge(&args.inputs, &args.out).map_err(failure)?;
    if !args.no_plots {
        res.written.extend(super::render_folder(&args.out)?);
    }
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
