//! `orgsim fit`: read the log, fit the scenario, simulate it, write
//! scenario.toml, fidelity.csv and its data files, the fidelity charts,
//! fit-report.md and fit-report.html.

use std::path::PathBuf;

use super::Failure;
use crate::cli::FitArgs;
use orgsim::experiment::Progress;
use orgsim::fit::{self, LogKind, ReadOptions, WorkCalendar, fidelity};
use orgsim::report::charts::fit as charts;
use orgsim::util::atomic::write_atomic;

/// Fits the log as `args` say.
pub fn fit(args: &FitArgs) -> Result<(), Failure> {
    let mut options = ReadOptions {
        calendar: WorkCalendar::parse(&args.calendar).map_err(Failure::BadInput)?,
        lenient: args.lenient,
        ..ReadOptions::default()
    };
    for c in &args.columns {
        options
            .columns
            .push(ReadOptions::parse_column(c).map_err(Failure::BadInput)?);
    }
    let file_name = args.log.display().to_string();
    let file = std::fs::File::open(&args.log)
        .map_err(|e| Failure::BadInput(format!("cannot read the log {file_name}: {e}")))?;
    let log = fit::read(&file_name, std::io::BufReader::new(file), &options)
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    if log.item_data.is_empty() {
        return Err(Failure::BadInput(format!(
            "{file_name}: no item left to fit ({} rows read)",
            log.rows_read
        )));
    }
    let stem = args
        .log
        .file_stem()
        .map_or("log".to_string(), |s| s.to_string_lossy().into_owned());
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{stem}-fit")));
    let mut fitted = fit::fit_structure(&log);
    let name = format!("{stem}-fit");
    let pool = orgsim::experiment::thread_pool(args.threads)?;
    let can_fit = log.kind == LogKind::Tasks && log.has.contains_key(&fit::Role::Start);
    if can_fit && !args.no_coordination {
        let text = fitted.scenario_toml(&name, &file_name, args.replications, args.seed);
        let scenario = orgsim::scenario::load_str("scenario.toml", &text, &[]).map_err(|e| {
            Failure::other(format!(
                "the fitted scenario does not load (a bug of orgsim fit):\n{e}"
            ))
        })?;
        let observed = fidelity::of_log(&log, scenario.run.horizon);
        let items = fidelity::of_log_items(&log, scenario.run.horizon);
        let quiet = args.quiet;
        let progress = move |n: usize| {
            if !quiet && n % 50 == 0 {
                note!("coordination fit: {n} simulations so far");
            }
        };
        let bootstrap = fit::coordination::Bootstrap {
            kind: match args.bootstrap_kind {
                crate::cli::BootstrapKindArg::Parametric => {
                    fit::coordination::BootstrapKind::Parametric
                }
                crate::cli::BootstrapKindArg::Items => fit::coordination::BootstrapKind::Items,
            },
            refits: args.bootstrap,
        };
        if !quiet {
            note!(
                "fitting the coordination by simulation ({} replications per simulation, {} bootstrap refits of {})",
                args.fit_reps,
                args.bootstrap,
                bootstrap.kind.what()
            );
        }
        let c = pool.install(|| {
            fit::coordination::fit(
                &fitted,
                &observed,
                &items,
                args.fit_reps,
                args.seed,
                bootstrap,
                &progress,
            )
        });
        if !quiet {
            note!(
                "coordination fit: {} simulations, distance {:.4} (without coordination {:.4})",
                c.evaluations,
                c.distance,
                c.distance_without
            );
        }
        fitted.coordination = Some(c);
    }
    let text = fitted.scenario_toml(&name, &file_name, args.replications, args.seed);
    let scenario =
        orgsim::scenario::load_str(&format!("{}/scenario.toml", out_dir.display()), &text, &[])
            .map_err(|e| {
                Failure::other(format!(
                    "the fitted scenario does not load (a bug of orgsim fit):\n{e}"
                ))
            })?;
    if !args.quiet {
        note!(
            "read {} rows: {} items, {} streams{}; simulating {} replications of the fitted as-is organization",
            log.rows_read,
            log.item_data.len(),
            log.streams.len(),
            if log.skipped.is_empty() {
                String::new()
            } else {
                format!(", {} rows skipped", log.skipped.values().sum::<u64>())
            },
            args.replications
        );
    }
    let bar = super::progress::bar(!args.quiet);
    bar.add_jobs(u64::from(args.replications));
    let sims = pool
        .install(|| fidelity::simulate(&scenario, "as-is", args.replications, &|| bar.job_done()));
    drop(bar);
    let observed = fidelity::of_log(&log, scenario.run.horizon);
    let rows = fidelity::compare(&observed, &sims);
    std::fs::create_dir_all(&out_dir).map_err(|source| Failure::Io {
        action: "create",
        path: out_dir.clone(),
        source,
    })?;
    let write = |file: &str, text: &str| -> Result<PathBuf, Failure> {
        let path = out_dir.join(file);
        write_atomic(&path, text.as_bytes()).map_err(|source| Failure::Io {
            action: "write",
            path: path.clone(),
            source,
        })?;
        Ok(path)
    };
    let report = report(&fitted, &log, &rows, args.replications);
    let mut written = vec![
        write("scenario.toml", &text)?,
        write("fidelity.csv", &fidelity::csv(&rows))?,
        write(
            charts::LEAD_TIME_CSV,
            &fidelity::lead_time_csv(&observed, &sims),
        )?,
    ];
    if log.has.contains_key(&fit::Role::Start) {
        written.push(write(
            charts::WAITS_CSV,
            &fidelity::waits_csv(&observed, &sims),
        )?);
    }
    written.push(write(
        charts::WIP_CSV,
        &fidelity::wip_csv(&fidelity::wip_series(&observed, &sims)),
    )?);
    written.push(write("fit-report.md", &report)?);
    let chart_failure = |e: orgsim::report::charts::ChartError| {
        Failure::other(format!("cannot draw the fidelity charts: {e}"))
    };
    if !args.no_plots {
        written.extend(charts::render_fit(&out_dir).map_err(chart_failure)?);
    }
    written.push(
        orgsim::report::fit_html::write(&out_dir, &report, !args.no_plots)
            .map_err(chart_failure)?,
    );
    super::stdio::print(&report)?;
    if !args.quiet {
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        note!("wrote {} in {}", names.join(", "), out_dir.display());
    }
    Ok(())
}

/// The report page: what was fitted, what is unknown, and the fidelity table.
fn report(
    fitted: &fit::FittedModel,
    log: &fit::EventLog,
    rows: &[fidelity::FidelityRow],
    replications: u32,
) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "# Fit of the log\n");
    let _ = writeln!(
        s,
        "{} rows read, {} items in {} streams over {:.1} working days ({}).\n",
        log.rows_read,
        log.item_data.len(),
        log.streams.len(),
        fitted.span,
        match log.kind {
            LogKind::Tasks => "one row per task execution: full fit",
            LogKind::Items => "one row per item: reduced fit",
        }
    );
    if !log.skipped.is_empty() {
        let _ = writeln!(s, "Rows skipped (--lenient):\n");
        for (why, n) in &log.skipped {
            let _ = writeln!(s, "- {n}: {why}");
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "## Fitted\n");
    for st in &fitted.streams {
        let _ = writeln!(
            s,
            "- stream {}: interarrival {}",
            st.name,
            st.interarrival.comment()
        );
    }
    for ty in &fitted.types {
        let tasks: Vec<String> = ty
            .tasks
            .iter()
            .map(|t| {
                if t.after.is_empty() {
                    t.name.clone()
                } else {
                    let after: Vec<&str> =
                        t.after.iter().map(|&a| ty.tasks[a].name.as_str()).collect();
                    format!("{} after {}", t.name, after.join("+"))
                }
            })
            .collect();
        let _ = writeln!(
            s,
            "- type {} ({} items): {}; {:.1}% of the items follow this graph",
            ty.name,
            ty.items,
            tasks.join(", "),
            100.0 * ty.follows
        );
    }
    for t in &fitted.teams {
        let people: Vec<String> = fitted
            .skills
            .iter()
            .zip(&t.people)
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        let owns: Vec<&str> = t
            .owns
            .iter()
            .map(|&k| fitted.streams[k].name.as_str())
            .collect();
        let _ = writeln!(
            s,
            "- team {}: {}{}",
            t.name,
            people.join(", "),
            if owns.is_empty() {
                String::new()
            } else {
                format!("; owns {}", owns.join(", "))
            }
        );
    }
    let _ = writeln!(s, "\n## Coordination, unknown or left out\n");
    match &fitted.coordination {
        None => {
            let _ = writeln!(
                s,
                "- the coordination delays (handoff, intake cadence, leader decision, escalation) are not fitted: they are 0 in scenario.toml"
            );
        }
        Some(c) => {
            let v = c.values();
            for (k, name) in fit::coordination::NAMES.iter().enumerate() {
                let sd = c.bootstrap.map_or(String::new(), |(sd, n)| {
                    format!(
                        " (bootstrap sd {:.3}, {n} refits of {})",
                        sd[k],
                        c.bootstrap_kind.what()
                    )
                });
                let unit = if *name == "escalation_probability" {
                    ""
                } else {
                    " days"
                };
                let _ = writeln!(s, "- fitted by simulation: {name} {:.3}{unit}{sd}", v[k]);
            }
            let joint = |f: &dyn Fn(&[f64]) -> f64| {
                if c.refits.len() < 2 {
                    return String::new();
                }
                let v: Vec<f64> = c.refits.iter().map(|r| f(r)).collect();
                let m = v.iter().sum::<f64>() / v.len() as f64;
                let sd =
                    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt();
                format!(" (bootstrap sd {sd:.3})")
            };
            let honest = match c.bootstrap_kind {
                fit::coordination::BootstrapKind::Parametric => {
                    "the bootstrap sds are the spread of whole refits of logs simulated from the fit, each on its own random numbers; on the round-trip logs the truth is within 2.2 of them from the fit, except on a log with a 2-day planning cadence, fitted to 1.26 days, 5.4 sds below, its handoff 2.9 sds above and an escalation probability 3.6 sds above none"
                }
                fit::coordination::BootstrapKind::Items => {
                    "the bootstrap sds are the spread of refits from the fit on resamples of the items (--bootstrap-kind items): too small, on the round-trip logs the truth is up to 15 of them from the fit (the intake cadence, the executive's decision and the handoff); the default, --bootstrap-kind parametric, gives honest ones"
                }
            };
            let _ = writeln!(
                s,
                "- identified jointly: the escalation's probability and executive decision trade against each other within the simulation noise; what the waits pin down is the executive delay per request, probability × decision = {:.3} days{}, {:.3} days with the cross-team handoff{}",
                c.escalation_delay(),
                joint(&|r| r[4] * r[5]),
                c.handoff + c.escalation_delay(),
                joint(&|r| r[0] + r[4] * r[5])
            );
            if c.bootstrap.is_some() {
                let _ = writeln!(
                    s,
                    "- uncertainty: {honest} (docs/model.md, \"What the fit assumes\")"
                );
            }
            let _ = writeln!(
                s,
                "- coordination distance {:.4} at the fit, {:.4} with no coordination delay ({} simulations of {} replications, {} starts)",
                c.distance, c.distance_without, c.evaluations, c.replications, c.starts
            );
        }
    }
    for n in &fitted.notes {
        let _ = writeln!(s, "- {n}");
    }
    let _ = writeln!(
        s,
        "\n## Fidelity ({replications} simulated replications of `as-is`)\n\nA distance within the noise (the largest distance between two replications) means the log looks like one more replication of the model.\n"
    );
    let _ = writeln!(
        s,
        "| measure | scope | log | model | distance | noise (mean, max) | within noise |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3}, {:.3} | {} |",
            r.measure,
            r.scope,
            r.observed,
            r.simulated,
            r.distance,
            r.noise,
            r.noise_max,
            if r.within_noise() { "yes" } else { "no" }
        );
    }
    s
}
