//! `orgsim check`: validate, then print offered load against capacity (and,
//! with `--warmup`, the warm-up MSER-5 picks).

use std::path::{Path, PathBuf};

use super::{Failure, source, stdio};
use crate::cli::CheckArgs;
use orgsim::experiment::runner::analyse_warmup;
use orgsim::model::warning::{self, Warning};
use orgsim::model::{capacity, season, topology};
use orgsim::report::charts::welch::{self, Welch};
use orgsim::report::table;
use orgsim::scenario::Scenario;
use orgsim::util::atomic::write_atomic;
use orgsim::util::fmt::number;

/// How many places a grouped warning line names (the table shows them all).
const SHOWN: usize = 3;

/// Validates the scenario and prints the load report and its warnings.
pub fn check(args: &CheckArgs) -> Result<(), Failure> {
    let scenario = source::load(Some(&args.scenario), &args.overrides)?;
    let reports = capacity::analyse(&scenario.model);
    stdio::print(&table::load_reports(&scenario, &reports))?;
    stdio::print(&seasons(&scenario, &reports))?;
    stdio::print(&transitions(&scenario))?;
    let warnings: Vec<Warning> = reports.iter().flat_map(|r| r.warnings.clone()).collect();
    if !warnings.is_empty() {
        outln!()?;
        for line in warning::grouped(&warnings, SHOWN) {
            outln!("warning: {line}")?;
        }
    }
    if args.warmup {
        let dir = args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-warmup", scenario.name)));
        warmup(&scenario, &dir)?;
    }
    Ok(())
}

/// Each transition of the scenario: from, to, when, its ramp and how many
/// people change team (empty without transitions).
fn transitions(scenario: &Scenario) -> String {
    let model = &scenario.model;
    let horizon_end = scenario.run.nominal_window().end();
    let mut out = String::new();
    for spec in &model.topologies {
        let Some(t) = &spec.transition else {
            continue;
        };
        if out.is_empty() {
            out.push_str("\nTransitions (their rows above are their source topology's, before the switch):\n");
        }
        let org = topology::build(model, spec);
        let switch = org
            .transition
            .as_deref()
            .expect("a transition's organization");
        let (moved, people) = moved_people(switch);
        let ramp = match &t.ramp {
            Some(r) => format!(
                "moved people start at {} efficiency and reach full efficiency after {} days",
                number(r.start),
                number(r.days)
            ),
            None => "no ramp: everyone at full efficiency at once".to_owned(),
        };
        let when = if t.at >= horizon_end {
            format!(
                "day {} (after the run's end at day {}: it never switches)",
                number(t.at),
                number(horizon_end)
            )
        } else {
            format!("day {}", number(t.at))
        };
        out.push_str(&format!(
            "  {}: {} -> {} at {when}; {moved} of {people} people change team; {ramp}\n",
            spec.name, t.from, t.to.name
        ));
    }
    out
}

/// People of the target organization who changed team, and all its people.
fn moved_people(t: &orgsim::model::transition::Transition) -> (u32, u32) {
    let mut moved = 0.0;
    let mut people = 0;
    for (team, shares) in t.to.teams.iter().zip(&t.moved) {
        for (&n, &m) in team.people.iter().zip(shares) {
            moved += f64::from(n) * m;
            people += n;
        }
    }
    (moved.round() as u32, people)
}

/// The rate profiles of the scenario's streams and, per topology, the load
/// in the busiest part of the period beside the average (empty without a
/// profile).
fn seasons(scenario: &Scenario, reports: &[capacity::LoadReport]) -> String {
    let model = &scenario.model;
    let peaks = season::peak_loads(model);
    if peaks.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\nSeasonal demand (rate_profile; the table above is the average over a period):\n",
    );
    for s in &model.workload.streams {
        if let Some(p) = &s.rate_profile {
            let parts: Vec<String> = p
                .multipliers()
                .iter()
                .map(|c| format!("x{}", number(*c)))
                .collect();
            out.push_str(&format!(
                "  stream `{}`: {} over {} parts of {} days of each {}-day period (mean x{}, peak x{})\n",
                s.name,
                parts.join(", "),
                p.multipliers().len(),
                number(p.part_length()),
                number(p.period()),
                number(p.mean()),
                number(p.peak())
            ));
        }
    }
    for (peak, average) in peaks.iter().zip(reports) {
        let when = if peak.bound {
            "with every stream at its peak at once (their periods differ, so this is a bound)"
                .to_string()
        } else {
            format!(
                "in days {}-{} of each period",
                number(peak.phase.from),
                number(peak.phase.to)
            )
        };
        let org = &peak.report.organization;
        let busiest = peak
            .report
            .pools
            .iter()
            .find(|p| p.utilization() == peak.utilization)
            .map_or_else(
                || " (a leader or the bar raisers)".to_string(),
                |p| {
                    format!(
                        " (team `{}` {})",
                        org.teams[p.team].name, model.people[p.skill].skill
                    )
                },
            );
        let average_u = season::highest(average);
        let verdict = if peak.utilization >= 1.0 && average_u < 1.0 {
            ": overloaded at the peak though stable on average; queues grow through that part and drain after it"
        } else if peak.utilization >= 1.0 {
            ": overloaded"
        } else {
            ""
        };
        out.push_str(&format!(
            "  [{}] busiest {when}: highest utilization {:.2}{busiest}, against {average_u:.2} on average{verdict}\n",
            peak.topology, peak.utilization
        ));
    }
    out
}

/// Runs the MSER-5 pilot of every topology, prints the truncation and writes
/// Welch's charts and `welch.csv` into `dir`.
fn warmup(scenario: &Scenario, dir: &Path) -> Result<(), Failure> {
    super::folder::prepare(dir, false)?;
    let _lock = super::output::lock(dir)?;
    let write_error = |e: String| Failure::other(format!("cannot write to {}: {e}", dir.display()));
    outln!(
        "\nWarm-up by MSER-5 (pilot: {} replications of {} days without warm-up):",
        scenario.run.replications,
        scenario.run.horizon
    )?;
    let mut csv = String::from("topology,item,mean_lead_time\n");
    let mut written = Vec::new();
    for (i, spec) in scenario.model.topologies.iter().enumerate() {
        let org = topology::build(&scenario.model, spec);
        let a = analyse_warmup(scenario, &org);
        outln!(
            "  {}: truncate {} of {} completed items (averaged over replications) = the first {:.1} days",
            spec.name,
            a.truncated_items,
            a.mean_series.len(),
            a.warmup
        )?;
        for (k, x) in a.mean_series.iter().enumerate() {
            csv.push_str(&format!("{},{},{}\n", spec.name, k + 1, number(*x)));
        }
        let chart = Welch {
            topology: spec.name.clone(),
            index: i,
            replications: scenario.run.replications,
            series: a.mean_series,
            truncated_items: a.truncated_items,
            warmup: a.warmup,
        };
        written.extend(welch::write(dir, &chart).map_err(|e| write_error(e.to_string()))?);
    }
    let csv_path = dir.join("welch.csv");
    write_atomic(&csv_path, csv.as_bytes()).map_err(|source| Failure::Io {
        action: "write to",
        path: dir.to_path_buf(),
        source,
    })?;
    outln!(
        "Set `warmup = \"auto\"` in [simulation] to use these per topology, or a number of days.\nWelch's charts and welch.csv are in {}",
        dir.display()
    )?;
    Ok(())
}
