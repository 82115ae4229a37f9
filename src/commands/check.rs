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
            out.push_str("\nTransitions (their rows above are their source topology's, before the switch; after it, their target's):\n");
        }
        let org = topology::build(model, spec);
        let switch = org
            .transition
            .as_deref()
            .expect("a transition's organization");
        let (moved, people) = switch.moved_people();
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
        if t.at < horizon_end {
            let after = capacity::analyse_org(model, switch.to.clone());
            let title = format!(
                "{} after the switch at day {}: as {}",
                spec.name,
                number(t.at),
                t.to.name
            );
            let table = table::load_table(scenario, &after, &title);
            out.push_str(table.strip_prefix('\n').unwrap_or(&table));
            out.push_str(&ramp_lines(model, switch, &after));
        }
    }
    out
}

/// During a transition's ramp: each pool of the target whose utilization,
/// with its moved people at the ramp's efficiency, reaches 1 at the switch,
/// and the day it falls below 1 again (docs/model.md, "The reorganization
/// as a transition": a pool's efficiency is `1 - m (1 - e(t))`).
fn ramp_lines(
    model: &orgsim::model::spec::ModelSpec,
    t: &orgsim::model::transition::Transition,
    after: &capacity::LoadReport,
) -> String {
    let Some(ramp) = t.ramp else {
        return String::new();
    };
    let org = &after.organization;
    let mut over = Vec::new();
    for p in &after.pools {
        let u = p.utilization();
        let at_switch = u / t.efficiency(p.team, p.skill, t.at);
        if at_switch.is_nan() || at_switch < 1.0 || u >= 1.0 {
            continue;
        }
        // The first whole day of the ramp at which the pool keeps up again.
        let days = ramp.days.ceil() as u64;
        let back = (0..=days)
            .find(|&d| u / t.efficiency(p.team, p.skill, t.at + d as f64) < 1.0)
            .unwrap_or(days);
        over.push(format!(
            "{} {} {at_switch:.2} until day {}",
            org.teams[p.team].name,
            model.people[p.skill].skill,
            number(t.at + back as f64)
        ));
    }
    if over.is_empty() {
        format!(
            "  during the ramp: every team keeps up (utilization < 1) even at the switch, with moved people at {} efficiency\n",
            number(ramp.start)
        )
    } else {
        format!(
            "  during the ramp: overloaded (utilization >= 1) at the switch, with moved people at {} efficiency: {}\n",
            number(ramp.start),
            over.join(", ")
        )
    }
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
