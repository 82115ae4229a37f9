//! `orgsim run`: simulate, print the comparison, write the output files.

use std::fs;
use std::path::PathBuf;

use super::{Failure, source};
use crate::cli::RunArgs;
use crate::experiment::{self, RunOptions};
use crate::model::capacity;
use crate::report::{csv_files, json, table};

/// Runs the scenario as `args` say.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let scenario = source::load(args.scenario.as_deref(), &args.overrides)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    if !args.quiet {
        for r in capacity::analyse(&scenario) {
            if args.topologies.is_empty() || args.topologies.contains(&r.organization.name) {
                for w in r.warnings {
                    eprintln!("warning: {w}");
                }
            }
        }
    }
    let options = RunOptions {
        replications: args.replications,
        seed: args.seed,
        threads: args.threads,
        topologies: args.topologies.clone(),
        keep_items: args.items,
        progress: !args.quiet,
    };
    // Refuse bad options before the output folder is touched.
    options.validate(&scenario)?;
    fs::create_dir_all(&out_dir).map_err(|e| {
        Failure::BadInput(format!(
            "cannot create output folder {}: {e}",
            out_dir.display()
        ))
    })?;
    let exp = experiment::run(&scenario, &options)?;
    let written = csv_files::write_all(&exp, &out_dir, args.items)
        .map_err(|e| Failure::Other(format!("cannot write to {}: {e}", out_dir.display())))?;
    if args.json {
        println!("{}", json::summary_json(&exp));
    } else {
        print!("{}", table::results(&exp));
    }
    if !args.quiet {
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        eprintln!("wrote {} in {}", names.join(", "), out_dir.display());
    }
    Ok(())
}
