//! `orgsim run`: simulate, print the comparison, write the output files.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{Failure, interrupt, output, source, stdio};
use crate::cli::{DependsArg, RunArgs};
use orgsim::experiment::{self, RunOptions, depends, over_time};
use orgsim::model::capacity;
use orgsim::model::warning::{self, Warning};
use orgsim::report::charts::data::RunDataBuilder;
use orgsim::report::depends::{self as report_depends, DependsData};
use orgsim::report::manifest::Manifest;
use orgsim::report::over_time as report_over_time;
use orgsim::report::{csv_files, flow_csv, json, layout, table};
use orgsim::util::atomic::write_atomic;

/// Runs the scenario as `args` say.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let scenario = source::load(args.scenario.as_deref(), &args.common.overrides)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    let started = SystemTime::now();
    let warnings: Vec<Warning> = capacity::analyse(&scenario.model)
        .into_iter()
        .filter(|r| {
            args.common.topologies.is_empty()
                || args.common.topologies.contains(&r.organization.name)
        })
        .flat_map(|r| r.warnings)
        .collect();
    if !args.common.quiet {
        for line in warning::grouped(&warnings, 3) {
            note!("warning: {line}");
        }
    }
    let options = RunOptions {
        replications: args.common.replications,
        seed: args.common.seed,
        threads: args.common.threads,
        topologies: args.common.topologies.clone(),
        baseline: args.common.baseline.clone(),
        keep_items: args.items,
        flow_charts: !args.common.no_plots,
        over_time: args.over_time.is_some() || scenario_has_transitions(&scenario, args),
        precision: args.precision,
        precision_metric: args.precision_metric.clone(),
        max_replications: args.max_replications,
        stop: Some(&interrupt::STOP),
    };
    // Refuse bad options before the output folder is touched.
    options.validate(&scenario)?;
    let over_time_pairs = match args.over_time.as_deref() {
        Some(text) => Some(over_time_pairs(text, &scenario, &options)?),
        // A transition is always shown against staying put.
        None if options.over_time => Some(None),
        None => None,
    };
    let events = args
        .events
        .as_deref()
        .map(|path| events_targets(path, &scenario, &options))
        .transpose()?;
    super::folder::prepare(&out_dir, args.common.quiet)?;
    // One process per folder: the lock is held until the files are moved in.
    let _lock = output::lock(&out_dir)?;
    interrupt::install("no result is written");
    let pool = experiment::thread_pool(options.threads)?;
    let threads = pool.current_num_threads();
    let (exp, depends) = {
        let bar = super::progress::bar(!args.common.quiet);
        let exp =
            pool.install(|| experiment::runner::run_in_current_pool(&scenario, &options, &bar))?;
        let mode = match args.depends {
            DependsArg::Auto => depends::Mode::Auto,
            DependsArg::Full => depends::Mode::Full,
            DependsArg::Off => depends::Mode::Off,
        };
        // An interrupt during the tornado keeps the run's complete results
        // (and says so below); only the section is missing.
        let depends = match pool.install(|| depends::run(&exp, &options, mode, &bar)) {
            Ok(d) => d,
            Err(_) if interrupt::requested() => None,
            Err(e) => return Err(e.into()),
        };
        (exp, depends)
    };
    let depends = depends.map(|d| DependsData {
        rows: d.rows(),
        replications: d.replications,
        of: d.of,
    });
    let manifest = Manifest::new(
        &exp,
        &source::describe(args.scenario.as_deref()),
        args.common
            .overrides
            .iter()
            .map(|o| o.text.clone())
            .collect(),
        threads,
        warnings,
        started,
    );
    // Everything is written into a staging folder and moved in at the end,
    // replacing the previous result's files as a whole.
    let stage = output::stage(&out_dir)?;
    let write_error = |source: std::io::Error| Failure::Io {
        action: "write to",
        path: out_dir.clone(),
        source,
    };
    // What the charts and the report show is gathered as the files are
    // written, exactly as they would read it back: nothing is read again.
    let mut charted = (!args.common.no_plots).then(|| RunDataBuilder::new(stage.path(), None));
    let mut written = match charted.as_mut() {
        Some(data) => csv_files::write_all_charted(&exp, stage.path(), args.items, data),
        None => csv_files::write_all(&exp, stage.path(), args.items),
    }
    .map_err(write_error)?;
    let over_time = match &over_time_pairs {
        Some(pairs) => {
            let pairs = pairs
                .clone()
                .unwrap_or_else(|| default_pairs(&scenario, &options, &exp));
            let o = over_time::compute(&exp, &pairs).map_err(|e| Failure::other(e.to_string()))?;
            written.extend(report_over_time::write_all(&o, stage.path()).map_err(write_error)?);
            Some(o)
        }
        None => None,
    };
    if options.flow_charts {
        written.extend(flow_csv::write_all(&exp, stage.path()).map_err(write_error)?);
        if let Some(data) = charted.as_mut() {
            data.flow(flow_csv::flow_charts(&exp));
        }
    }
    if let Some(d) = &depends {
        let path = stage.path().join(report_depends::FILE);
        write_atomic(
            &path,
            report_depends::csv(&d.rows, d.replications).as_bytes(),
        )
        .map_err(write_error)?;
        written.push(path);
    }
    let mut manifest = manifest;
    let manifest_path = stage.path().join("manifest.json");
    let manifest_json = manifest.to_json();
    write_atomic(&manifest_path, manifest_json.as_bytes()).map_err(write_error)?;
    written.push(manifest_path.clone());
    let interrupted = interrupt::requested();
    if let Some(mut data) = charted.filter(|_| !interrupted) {
        // Charts and report.html are drawn from what the files hold, as
        // `orgsim plot` draws them (byte for byte), on the run's threads.
        let info = serde_json::from_str(&manifest_json)
            .map_err(|e| Failure::other(format!("manifest.json: {e}")))?;
        data.manifest(Some(info));
        let data = data.finish().ok_or_else(|| {
            Failure::BadInput(format!(
                "{}: holds no results",
                out_dir.join(layout::SUMMARY_CSV).display()
            ))
        })?;
        written.extend(pool.install(|| super::render_run(stage.path(), &data))?);
    }
    manifest.files = stage.file_names().map_err(write_error)?;
    write_atomic(&manifest_path, manifest.to_json().as_bytes()).map_err(write_error)?;
    let written = stage.final_paths(&written);
    stage.commit("manifest.json").map_err(write_error)?;
    if interrupted {
        // The results were complete and are written whole; only the charts
        // are missing (and the previous result's are gone with it).
        return Err(Failure::Interrupted(format!(
            "interrupted: kept the complete results in {} ({}); the charts and report were not drawn: `orgsim plot {}` draws them",
            out_dir.display(),
            file_names(&written).join(", "),
            out_dir.display()
        )));
    }
    if interrupt::requested() {
        return Err(Failure::Interrupted(format!(
            "interrupted while writing: the results, charts and report were complete and are all in {}",
            out_dir.display()
        )));
    }
    if let Some(targets) = &events {
        for (name, path) in targets {
            write_events(&exp, name, path)?;
            if !args.common.quiet {
                note!(
                    "wrote the event log of {name} (replication 0) to {}",
                    path.display()
                );
            }
        }
    }
    if args.json {
        outln!(
            "{}",
            json::summary_json_with(
                &exp,
                &manifest.warnings,
                depends.as_ref().map(DependsData::json),
                over_time.as_ref().map(report_over_time::json)
            )
        )?;
    } else {
        stdio::print(&table::results(&exp))?;
        if let Some(d) = &depends {
            stdio::print(&d.text())?;
        }
        if let Some(o) = &over_time {
            for line in report_over_time::lines(o) {
                outln!("{line}")?;
            }
        }
    }
    if !args.common.quiet {
        note!(
            "wrote {} in {}",
            file_names(&written).join(", "),
            out_dir.display()
        );
    }
    Ok(())
}

/// Whether a topology run is a transition (its over-time outputs are then
/// written without `--over-time`).
fn scenario_has_transitions(scenario: &orgsim::scenario::Scenario, args: &RunArgs) -> bool {
    experiment::options::run_order(&scenario.model.topologies, &args.common.topologies, None)
        .iter()
        .any(|t| t.transition.is_some())
}

/// The pairs shown when none are named: each transition against its source
/// (staying put) when that runs too, every other topology against the
/// baseline.
fn default_pairs(
    scenario: &orgsim::scenario::Scenario,
    options: &RunOptions,
    exp: &orgsim::experiment::Experiment,
) -> Vec<(String, String)> {
    let order = experiment::options::run_order(
        &scenario.model.topologies,
        &options.topologies,
        options.baseline.as_deref(),
    );
    let from = |name: &str| {
        order
            .iter()
            .find(|t| t.name == name)
            .and_then(|t| t.transition.as_ref())
            .map(|tr| tr.from.clone())
            .filter(|f| order.iter().any(|t| &t.name == f))
    };
    over_time::against_baseline(exp)
        .into_iter()
        .map(|(t, base)| match from(&t) {
            Some(f) => (t, f),
            None => (t, base),
        })
        .collect()
}

/// The pairs `--over-time[=A:B,...]` asks for: `None` for every topology
/// against the baseline (no value), else each `TOPOLOGY:REFERENCE`, both
/// among the topologies run.
fn over_time_pairs(
    text: &str,
    scenario: &orgsim::scenario::Scenario,
    options: &RunOptions,
) -> Result<Option<Vec<(String, String)>>, Failure> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let names: Vec<String> = experiment::options::run_order(
        &scenario.model.topologies,
        &options.topologies,
        options.baseline.as_deref(),
    )
    .into_iter()
    .map(|t| t.name)
    .collect();
    let mut pairs = Vec::new();
    for part in text.split(',') {
        let Some((t, r)) = part.split_once(':') else {
            return Err(Failure::BadInput(format!(
                "--over-time={text}: `{part}` is not TOPOLOGY:REFERENCE (e.g. --over-time=single-threaded:matrix)"
            )));
        };
        pairs.push((t.trim().to_owned(), r.trim().to_owned()));
    }
    over_time::check_pairs(&pairs, &names).map_err(|e| Failure::BadInput(e.to_string()))?;
    Ok(Some(pairs))
}

/// Where `--events PATH` writes each topology's event log: PATH itself when
/// it ends in `.csv` (refused unless one topology runs), else
/// PATH/events-<topology>.csv.
fn events_targets(
    path: &Path,
    scenario: &orgsim::scenario::Scenario,
    options: &RunOptions,
) -> Result<Vec<(String, PathBuf)>, Failure> {
    let names: Vec<String> = if options.topologies.is_empty() {
        scenario
            .model
            .topologies
            .iter()
            .map(|t| t.name.clone())
            .collect()
    } else {
        options.topologies.clone()
    };
    let is_file = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_file {
        if names.len() != 1 {
            return Err(Failure::BadInput(format!(
                "--events {}: a file holds the log of one topology, and {} run ({}); pick one with --topology NAME, or give a folder",
                path.display(),
                names.len(),
                names.join(", ")
            )));
        }
        return Ok(vec![(names[0].clone(), path.to_path_buf())]);
    }
    Ok(names
        .into_iter()
        .map(|n| {
            let file = path.join(format!("events-{n}.csv"));
            (n, file)
        })
        .collect())
}

/// Simulates replication 0 of topology `name` again with its event log
/// kept, and writes the log to `path`.
fn write_events(exp: &experiment::Experiment, name: &str, path: &Path) -> Result<(), Failure> {
    let (org, executions) = experiment::replay::first_with_events(exp, name)
        .ok_or_else(|| Failure::other(format!("no replication 0 of topology {name}")))?;
    let text = orgsim::report::event_log::csv(&exp.scenario.model, &org, &executions);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| Failure::Io {
            action: "create",
            path: dir.to_path_buf(),
            source,
        })?;
    }
    write_atomic(path, text.as_bytes()).map_err(|source| Failure::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

/// The file names of `paths`.
fn file_names(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect()
}
