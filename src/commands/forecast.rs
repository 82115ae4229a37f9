//! `orgsim forecast`: when will a backlog be done (docs/model.md,
//! "Forecasts")? Writes forecast.csv, forecast_done.csv and burnup.csv,
//! the charts and report.html (not with `--no-plots`), and prints the table.

use std::path::PathBuf;

use super::{Failure, output, source, stdio};
use crate::cli::ForecastArgs;
use orgsim::experiment::forecast::{self, ForecastOptions};
use orgsim::experiment::{self, RunOptions};
use orgsim::report::forecast as report;
use orgsim::util::atomic::write_atomic;

/// Runs the forecast `args` ask for.
pub fn forecast(args: &ForecastArgs) -> Result<(), Failure> {
    let scenario = source::load(Some(&args.scenario), &args.common.overrides)?;
    let run = RunOptions {
        replications: args.common.replications,
        seed: args.common.seed,
        threads: args.common.threads,
        topologies: args.common.topologies.clone(),
        baseline: args.common.baseline.clone(),
        ..RunOptions::default()
    };
    run.validate(&scenario)?;
    let backlog =
        forecast::parse_backlog(&args.backlog, &scenario.model).map_err(Failure::BadInput)?;
    let horizon = args.horizon.unwrap_or(scenario.run.horizon);
    if !(horizon.is_finite() && horizon > 0.0) {
        return Err(Failure::BadInput(format!(
            "--horizon {horizon}: the days simulated must be a positive number"
        )));
    }
    let by = args.by.unwrap_or(horizon);
    if !(by.is_finite() && by >= 0.0) {
        return Err(Failure::BadInput(format!(
            "--by {by}: the day must be 0 or later (days since day 0)"
        )));
    }
    if by > horizon {
        return Err(Failure::BadInput(format!(
            "--by {by}: after the horizon of {horizon} days, where nothing is simulated (raise --horizon)"
        )));
    }
    let options = ForecastOptions {
        backlog,
        no_arrivals: args.no_arrivals,
        horizon,
        by,
        replications: args
            .common
            .replications
            .unwrap_or(scenario.run.replications),
        seed: args.common.seed.unwrap_or(scenario.run.seed),
    };
    let specs = experiment::options::run_order(
        &scenario.model.topologies,
        &args.common.topologies,
        args.common.baseline.as_deref(),
    );
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-forecast", scenario.name)));
    super::folder::prepare(&out_dir, args.common.quiet)?;
    let _lock = output::lock(&out_dir)?;
    let pool = experiment::thread_pool(args.common.threads)?;
    let result = pool.install(|| forecast::run(&scenario, &specs, &options));
    let write_error = |source: std::io::Error| Failure::Io {
        action: "write to",
        path: out_dir.clone(),
        source,
    };
    let stage = output::stage(&out_dir)?;
    let mut written = Vec::new();
    for (name, bytes) in [
        ("forecast.csv", report::forecast_csv(&result)),
        ("burnup.csv", report::burnup_csv(&result)),
        ("forecast_done.csv", report::done_csv(&result)),
    ] {
        let path = stage.path().join(name);
        write_atomic(&path, &bytes.map_err(write_error)?).map_err(write_error)?;
        written.push(path);
    }
    if !args.common.no_plots {
        let chart_error = |e: orgsim::report::charts::ChartError| Failure::other(e.to_string());
        let charts = orgsim::report::charts::forecast::write_charts(stage.path(), &result)
            .map_err(chart_error)?;
        written.extend(charts);
        let svgs = orgsim::report::charts::forecast::svgs(&result).map_err(chart_error)?;
        let html = orgsim::report::forecast_html::report(&result, &scenario, &specs, &svgs);
        let path = stage.path().join(orgsim::report::html::FILE);
        write_atomic(&path, html.as_bytes()).map_err(write_error)?;
        written.push(path);
    }
    let written = stage.final_paths(&written);
    stage.commit("forecast.csv").map_err(write_error)?;
    stdio::print(&report::table(&result))?;
    if !args.common.quiet {
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        note!("wrote {} in {}", names.join(", "), out_dir.display());
    }
    Ok(())
}
