//! `orgsim sweep`: run a scenario over a grid of parameter values; the work
//! is done by `experiment::sweep`.

use std::path::PathBuf;

use super::{Failure, interrupt, source, stdio};
use crate::cli::SweepArgs;
use crate::experiment::sweep::{
    self, BaseScenario, Shard, SweepError, SweepOutcome, SweepRun, SweepSettings, Vary,
};
use crate::report::sweep_csv;

/// Runs the sweep `args` describe.
pub fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let varies = args
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::BadInput)?;
    let shard = args
        .shard
        .as_deref()
        .map(str::parse::<Shard>)
        .transpose()
        .map_err(Failure::BadInput)?;
    if args.common.threads == Some(0) {
        return Err(Failure::BadInput("--threads must be at least 1".into()));
    }
    // Loading the base scenario first reports a missing file or a bad
    // `--set` without mentioning any point.
    source::load(Some(&args.scenario), &args.common.overrides)?;
    let (source_name, text) = source::text(&args.scenario)?;
    let base = BaseScenario {
        source_name,
        source: source::describe(Some(&args.scenario)),
        text,
        overrides: args.common.overrides.clone(),
    };
    let settings = SweepSettings {
        replications: args.common.replications,
        seed: args.common.seed,
        topologies: args.common.topologies.clone(),
        shard,
    };
    let plan = sweep::plan(&base, varies, &settings).map_err(failure)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!("{}-sweep", plan.manifest.scenario))
    });
    let folder = plan.folder(&out);
    if let Some(s) = shard {
        if plan.point_indices().is_empty() && !args.common.quiet {
            note!(
                "warning: shard {s} has no point (the grid has only {} points)",
                plan.manifest.points.len()
            );
        }
    }
    if !args.common.quiet && !plan.manifest.warnings.is_empty() {
        const SHOWN: usize = 8;
        for w in plan.manifest.warnings.iter().take(SHOWN) {
            note!("warning: {w}");
        }
        if plan.manifest.warnings.len() > SHOWN {
            note!(
                "warning: and {} more overloaded points (all listed in sweep.json): their means may never settle",
                plan.manifest.warnings.len() - SHOWN
            );
        }
    }
    super::folder::prepare(&folder, args.common.quiet)?;
    interrupt::install("finished points are kept");
    let run = SweepRun {
        threads: args.common.threads,
        progress: !args.common.quiet,
        resume: args.resume,
        stop: Some(&interrupt::STOP),
    };
    match sweep::execute(&plan, &folder, &run).map_err(failure)? {
        SweepOutcome::Complete(mut res) => {
            // A shard holds part of the grid: its charts wait for `merge`.
            if !args.common.no_plots && shard.is_none() {
                res.written.extend(super::render_folder(&folder)?);
            }
            stdio::print(&sweep_csv::table(&res.manifest, &res.records))?;
            if !args.common.quiet {
                if res.resumed > 0 {
                    note!(
                        "resumed: {} of {} points were already done",
                        res.resumed,
                        res.manifest.points_planned
                    );
                }
                if res.discarded > 0 {
                    note!(
                        "note: started over, discarding the {} points of an earlier sweep in {} (--resume keeps them)",
                        res.discarded,
                        folder.display()
                    );
                }
                let names: Vec<String> = res
                    .written
                    .iter()
                    .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .collect();
                note!("wrote {} in {}", names.join(", "), folder.display());
                if let Some(s) = shard {
                    note!(
                        "shard {s} done; when all {} are: orgsim merge {} --out {}",
                        s.count,
                        out.display(),
                        out.display()
                    );
                }
            }
            Ok(())
        }
        SweepOutcome::Interrupted {
            done,
            planned,
            checkpoint,
        } => Err(Failure::Interrupted(format!(
            "interrupted: kept {done} of {planned} points in {}; go on with:\n  {}",
            checkpoint.display(),
            resume_command()
        ))),
    }
}

/// A sweep error as a command failure.
pub(super) fn failure(e: SweepError) -> Failure {
    match e {
        SweepError::BadInput(m) => Failure::BadInput(m),
        SweepError::Io(m) => Failure::Other(m),
    }
}

/// This command line with `--resume`, quoted for a POSIX shell.
fn resume_command() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(first) = args.first_mut() {
        if first.ends_with("/orgsim") || first.ends_with("\\orgsim.exe") {
            *first = "orgsim".to_string();
        }
    }
    if !args.iter().any(|a| a == "--resume") {
        args.push("--resume".to_string());
    }
    args.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=,+@%".contains(c));
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
