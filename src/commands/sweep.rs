//! `orgsim sweep`: run a scenario over a grid of parameter values; the work
//! is done by `experiment::sweep`.

use std::io::Write;
use std::path::PathBuf;

use super::{Failure, interrupt, output, source, stdio};
use crate::cli::SweepArgs;
use orgsim::experiment::sweep::{self, BaseScenario, Shard, SweepManifest, SweepSettings, Vary};
use orgsim::model::warning;
use orgsim::report::sweep_folder::{self, SweepOutcome, SweepRun};
use orgsim::report::{sweep_csv, sweep_files, sweep_json};
use orgsim::util::atomic::write_atomic;
use orgsim::util::staging::Staging;

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
        baseline: args.common.baseline.clone(),
        shard,
        precision: args.precision.precision,
        precision_metric: Some(args.precision.precision_metric.clone()),
        max_replications: args.precision.max_replications,
    };
    let plan = sweep::plan(&base, varies, &settings)?;
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
        for line in warning::grouped(&plan.manifest.warnings, 3) {
            note!("warning: {line}");
        }
        if plan.manifest.warnings.len() > 1 {
            note!("(every warning is listed in sweep.json)");
        }
    }
    super::folder::prepare(&folder, args.common.quiet)?;
    // One process per folder; a shard locks its own shard folder, so the
    // shards of a sweep run side by side in the sweep's folder.
    let _lock = output::lock(&folder)?;
    let stage = output::stage(&folder)?;
    interrupt::install("finished points are kept");
    let run = SweepRun {
        threads: args.common.threads,
        resume: args.resume,
        stop: Some(&interrupt::STOP),
    };
    let outcome = {
        let bar = super::progress::bar(!args.common.quiet);
        sweep_folder::execute_with_progress(&plan, &folder, &run, &bar)?
    };
    match outcome {
        SweepOutcome::Complete(mut res) => {
            let mut written =
                sweep_files::write_all(stage.path(), &res.manifest, &res.records, false)?;
            // A shard holds part of the grid: its charts wait for `merge`.
            if !args.common.no_plots && shard.is_none() && !interrupt::requested() {
                written.extend(super::render_folder(stage.path())?);
            }
            finish(stage, &mut res.manifest, true)?;
            let written: Vec<PathBuf> = written
                .iter()
                .map(|p| folder.join(p.file_name().unwrap_or_default()))
                .collect();
            if interrupt::requested() {
                return Err(Failure::Interrupted(format!(
                    "interrupted: the sweep is complete in {}; its charts and report were not drawn: `orgsim plot {}` draws them",
                    folder.display(),
                    folder.display()
                )));
            }
            if args.json {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                sweep_json::write_sweep_json(&mut out, &res.manifest, &res.records)
                    .and_then(|()| out.write_all(b"\n"))
                    .and_then(|()| out.flush())
                    .map_err(stdio::stdout_failure)?;
            } else {
                stdio::print(&sweep_csv::table(&res.manifest, res.records.briefs()))?;
            }
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
                let names: Vec<String> = written
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

/// Records the staged files (and, for a sweep, its checkpoint) in the staged
/// `sweep.json` and moves them into the folder.
pub(super) fn finish(
    stage: Staging,
    manifest: &mut SweepManifest,
    with_checkpoint: bool,
) -> Result<(), Failure> {
    let folder = stage.folder().to_path_buf();
    let write_error = |source: std::io::Error| Failure::Io {
        action: "write to",
        path: folder.clone(),
        source,
    };
    let mut files = stage.file_names().map_err(write_error)?;
    if with_checkpoint && !files.iter().any(|f| f == sweep::manifest::CHECKPOINT) {
        files.push(sweep::manifest::CHECKPOINT.to_string());
        files.sort();
    }
    manifest.files = files;
    write_atomic(
        &stage.path().join(sweep::manifest::MANIFEST),
        manifest.to_json().as_bytes(),
    )
    .map_err(write_error)?;
    stage.commit(sweep::manifest::MANIFEST).map_err(write_error)
}

/// This command line with `--resume`, quoted for a POSIX shell.
pub(super) fn resume_command() -> String {
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
