//! The human-readable tables printed to stdout.

use std::fmt::Write;

use crate::experiment::Experiment;
use crate::experiment::Warmup;
use crate::model::capacity::LoadReport;
use crate::model::metric::Unit;
use crate::model::{Category, Metric, WarningKind};
use crate::scenario::Scenario;
use crate::stats::Summary;

/// The headline metrics of the per-topology table, each under its
/// catalogue header (shares as percentages).
const HEADLINE: [Metric; 7] = [
    Metric::Throughput,
    Metric::LeadTimeMean,
    Metric::LeadTimeP85,
    Metric::CoordinationDelayMean,
    Metric::CoordinationShare,
    Metric::FlowEfficiency,
    Metric::Utilization,
];

/// Whether `m` reads as a percentage.
fn is_share(m: Metric) -> bool {
    m.info().unit == Unit::Share
}

/// Formats a value with 3 significant digits (percent when `pct`).
fn fmt_value(x: f64, pct: bool) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    if pct {
        return format!("{:.1}%", 100.0 * x);
    }
    let a = x.abs();
    if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn fmt_summary(s: &Summary, pct: bool) -> String {
    let hw = s.half_width();
    if hw.is_finite() {
        format!("{} ± {}", fmt_value(s.mean, pct), fmt_value(hw, pct))
    } else {
        fmt_value(s.mean, pct)
    }
}

fn fmt_signed(x: f64, pct: bool) -> String {
    let v = fmt_value(x, pct);
    if x.is_finite() && x >= 0.0 {
        format!("+{v}")
    } else {
        v
    }
}

/// The results table: one row per topology, then the paired comparison of
/// each topology against the first, including where the lead-time
/// difference comes from.
pub fn results(exp: &Experiment) -> String {
    let sc = &exp.scenario;
    let mut out = String::new();
    let sim = &sc.run;
    let _ = writeln!(
        out,
        "{} — {} replications × {} days measured (after {} of warm-up), seed {}",
        sc.name,
        sim.replications,
        sim.horizon,
        match sim.warmup {
            Warmup::Auto => "an automatic amount".to_string(),
            Warmup::Fixed(days) => format!("{days} days"),
        },
        sim.seed
    );
    if sim.warmup.is_auto() {
        let picked: Vec<String> = exp
            .topologies
            .iter()
            .map(|t| {
                let w = t
                    .metric(Metric::Warmup.name())
                    .and_then(|v| v.first().copied())
                    .unwrap_or(0.0);
                format!("{} {w:.1} days", t.name)
            })
            .collect();
        let _ = writeln!(out, "warm-up picked by MSER-5: {}", picked.join(", "));
    }
    if let Some(p) = &exp.precision {
        let verdict = if p.met {
            "met"
        } else {
            "NOT met (--max-reps reached)"
        };
        let _ = writeln!(
            out,
            "precision target ±{:.1}% on {}: {verdict} with {} replications (worst relative half-width {:.2}%)",
            100.0 * p.target,
            p.metric,
            p.replications,
            100.0 * p.achieved
        );
    }
    for t in &exp.topologies {
        let count = |metric: &str| {
            t.metric(metric)
                .map_or(0, |v| v.iter().filter(|&&x| x == 1.0).count())
        };
        let by_events = count(Metric::MaxEventsReached.name());
        let by_wip = count(Metric::Saturated.name()) - by_events;
        if by_wip > 0 {
            let derived = if sim.limits.max_wip_derived {
                format!(
                    ", derived from the scenario: the larger of {} and {} x the {:.0} items being worked on that Little's law gives for the offered load; \
                     set simulation.max_wip to choose it",
                    crate::model::Limits::DEFAULT.max_wip,
                    crate::model::capacity::MAX_WIP_PER_BUSY_PERSON,
                    crate::model::capacity::offered_work(&exp.scenario.model.workload)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "WARNING: {}: {by_wip} of {} replications saturated (work in progress reached simulation.max_wip = {}{derived}): \
                 the organization cannot keep up, and those replications are left out of the statistics",
                t.name, sim.replications, sim.limits.max_wip
            );
        }
        if by_events > 0 {
            let _ = writeln!(
                out,
                "WARNING: {}: {by_events} of {} replications stopped at simulation.max_events = {} events, before the horizon of {} days \
                 (work in progress stayed below simulation.max_wip, so this says nothing about keeping up); \
                 those replications are left out of the statistics: shorten simulation.horizon or raise simulation.max_events",
                t.name, sim.replications, sim.limits.max_events, sim.horizon
            );
        }
    }
    let _ = writeln!(out, "mean ± half-width of the 95% confidence interval\n");

    let name_w = exp
        .topologies
        .iter()
        .map(|t| t.name.len())
        .max()
        .unwrap_or(8)
        .max(8);
    // Each row says how many replications it rests on (saturated ones are
    // left out); an unstable topology's lead-time cells say so instead.
    let cells: Vec<Vec<String>> = exp
        .topologies
        .iter()
        .map(|t| {
            let n = t
                .metric(Metric::Throughput.name())
                .map_or(0, |v| Summary::of(v).n);
            let mut row = vec![n.to_string()];
            row.extend(HEADLINE.iter().map(|&m| {
                if t.is_unstable() && m.info().grows_with_run_length {
                    return "unstable".to_string();
                }
                t.metric(m.name())
                    .map_or("n/a".into(), |v| fmt_summary(&Summary::of(v), is_share(m)))
            }));
            row
        })
        .collect();
    let headers: Vec<&str> = std::iter::once("n")
        .chain(HEADLINE.iter().map(|m| m.info().short))
        .collect();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            cells
                .iter()
                .map(|row| row[i].chars().count())
                .chain([h.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let _ = write!(out, "{:name_w$}", "topology");
    for (i, h) in headers.iter().enumerate() {
        let _ = write!(out, "  {:>w$}", h, w = widths[i]);
    }
    out.push('\n');
    for (t, row) in exp.topologies.iter().zip(&cells) {
        let _ = write!(out, "{:name_w$}", t.name);
        for (i, c) in row.iter().enumerate() {
            let _ = write!(out, "  {:>w$}", c, w = widths[i]);
        }
        out.push('\n');
    }
    for note in exp.stability_notes() {
        let _ = writeln!(out, "{note}");
    }

    let Some(base) = exp.topologies.first() else {
        return out;
    };
    for t in exp.topologies.iter().skip(1) {
        out.push_str(&comparison(exp, &base.name, &t.name));
    }
    if let Some(money) = super::money::lines(exp) {
        out.push_str(&money);
    }
    out
}

/// A formatted difference: percentage points for shares, days or items otherwise.
fn fmt_diff(x: f64, pct: bool) -> String {
    if pct && x.is_finite() {
        format!("{:+.1} pp", 100.0 * x)
    } else {
        fmt_signed(x, false)
    }
}

/// The paired comparison of `topology` against `baseline`.
fn comparison(exp: &Experiment, baseline: &str, topology: &str) -> String {
    let mut out = String::new();
    let pairs = exp
        .comparison(topology, Metric::Throughput.name())
        .map_or(0, |d| d.diff.n);
    let _ = writeln!(
        out,
        "\n{topology} vs {baseline}: paired differences over {pairs} replications ({topology} − {baseline}), 95% CI",
    );
    let unstable: Vec<&str> = [baseline, topology]
        .into_iter()
        .filter(|name| exp.topology(name).is_some_and(|t| t.is_unstable()))
        .collect();
    if !unstable.is_empty() {
        let _ = writeln!(
            out,
            "{} {} unstable: differences of lead times and their parts are not meaningful (they grow with the run length)",
            unstable.join(" and "),
            if unstable.len() == 1 { "is" } else { "are" }
        );
    }
    let mut rows: Vec<(String, String, bool)> = HEADLINE
        .iter()
        .map(|&m| {
            (
                m.name().to_string(),
                m.info().short.to_string(),
                is_share(m),
            )
        })
        .collect();
    // Counts per item, shown when some topology has any.
    for m in [
        Metric::HandoffsPerItem,
        Metric::EscalationsPerItem,
        Metric::EscapedDefectsPerItem,
    ] {
        let active = [baseline, topology].iter().any(|name| {
            exp.topology(name)
                .and_then(|t| t.metric(m.name()))
                .is_some_and(|v| v.iter().any(|&x| x != 0.0))
        });
        if active {
            rows.push((
                m.name().to_string(),
                m.info().short.to_string(),
                is_share(m),
            ));
        }
    }
    let mut inactive = Vec::new();
    rows.push((
        String::new(),
        "where the lead time goes (critical-path days per item):".into(),
        false,
    ));
    for c in Category::ALL {
        let metric = Metric::Mean(c).name();
        let all_zero = [baseline, topology].iter().all(|name| {
            exp.topology(name)
                .and_then(|t| t.metric(metric))
                .is_some_and(|v| v.iter().all(|&x| x == 0.0))
        });
        if all_zero {
            inactive.push(c.label());
        } else {
            rows.push((metric.to_string(), format!("  {}", c.label()), false));
        }
    }
    let label_w = rows
        .iter()
        .filter(|r| !r.0.is_empty())
        .map(|r| r.1.len())
        .max()
        .unwrap_or(10)
        .max(6);
    let (bw, tw) = (baseline.len().max(8), topology.len().max(8));
    let _ = writeln!(
        out,
        "{:label_w$}  {:>bw$}  {:>tw$}  {:>30}  {:>8}",
        "metric", baseline, topology, "difference [95% CI]", "change"
    );
    for (metric, label, pct) in rows {
        if metric.is_empty() {
            let _ = writeln!(out, "{label}");
            continue;
        }
        let (Some(b), Some(v), Some(d)) = (
            exp.summary(baseline, &metric),
            exp.summary(topology, &metric),
            exp.comparison(topology, &metric),
        ) else {
            continue;
        };
        let ci = format!(
            "{} [{}, {}]",
            fmt_diff(d.diff.mean, pct),
            fmt_diff(d.diff.ci_low, pct),
            fmt_diff(d.diff.ci_high, pct)
        );
        let verdict = if !exp.meaningful(topology, &metric) {
            "  not meaningful (unstable)"
        } else if d.diff.n >= 2 && d.diff.contains(0.0) {
            "  no significant difference"
        } else {
            ""
        };
        let change = if d.relative.is_finite() {
            format!("{:+.1}%", 100.0 * d.relative)
        } else {
            "n/a".into()
        };
        let _ = writeln!(
            out,
            "{:label_w$}  {:>bw$}  {:>tw$}  {:>30}  {:>8}{verdict}",
            label,
            fmt_value(b.mean, pct),
            fmt_value(v.mean, pct),
            ci,
            change
        );
    }
    if !inactive.is_empty() {
        let _ = writeln!(
            out,
            "  (zero in both, mechanism not active: {})",
            inactive.join(", ")
        );
    }
    out
}

/// The `check` report: per topology, per team, offered load against capacity.
pub fn load_reports(scenario: &Scenario, reports: &[LoadReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: valid. Offered load vs capacity per topology (expected values, from the scenario alone):",
        scenario.name
    );
    out.push_str(&super::flow_table::scenario_lines(&scenario.model));
    for r in reports {
        out.push_str(&load_table(scenario, r, &r.organization.name));
    }
    out
}

/// One topology's block of the `check` report under the heading
/// `[title]`: per team and skill the offered load against capacity, the
/// leaders, the bar raisers and the headcount.
pub fn load_table(scenario: &Scenario, r: &LoadReport, title: &str) -> String {
    let mut out = String::new();
    let org = &r.organization;
    let _ = writeln!(out, "\n[{title}]");
    let team_w = org
        .teams
        .iter()
        .map(|t| t.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    // A capacity column only where communication or cross-training
    // makes it differ from the people.
    let scaled = r.pools.iter().any(|p| p.capacity != f64::from(p.people));
    let _ = writeln!(
        out,
        "  {:team_w$}  {:>10}  {:>6}  {}{:>16}  {:>11}",
        "team",
        "skill",
        "people",
        if scaled { "capacity (pd/day)  " } else { "" },
        "offered (pd/day)",
        "utilization"
    );
    for p in &r.pools {
        let flag = saturation_flag(p.utilization());
        let closed = if p.closed_streams_too {
            " + closed"
        } else {
            ""
        };
        let capacity = if scaled {
            format!("{:>17}  ", format!("{:.2}", p.capacity))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {:team_w$}  {:>10}  {:>6}  {capacity}{:>16}  {:>11}{flag}",
            org.teams[p.team].name,
            scenario.model.people[p.skill].skill,
            p.people,
            format!("{:.2}{closed}", p.offered),
            format!("{:.2}", p.utilization()),
        );
    }
    out.push_str(&super::flow_table::team_lines(r, saturation_flag));
    let skill = |s: crate::model::SkillId| scenario.model.people[s.index()].skill.as_str();
    for team in org.teams.iter().filter(|t| !t.cross.is_empty()) {
        let groups: Vec<String> = (team.cross.iter())
            .map(|c| {
                format!(
                    "{} of its {} {} also do {} at efficiency {}",
                    c.count,
                    team.people[c.from.index()],
                    skill(c.from),
                    skill(c.to),
                    c.efficiency
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  cross-trained in {}: {}",
            team.name,
            groups.join("; ")
        );
    }
    let c = org.coordination.communication;
    if c > 0.0 {
        let speeds: Vec<String> = (org.teams.iter())
            .map(|t| format!("{} {:.3}", t.name, t.speed(c)))
            .collect();
        let _ = writeln!(
            out,
            "  communication {c}: each person works at 1 − c(n − 1) of full speed: {}",
            speeds.join(", ")
        );
    }
    for l in &r.leaders {
        let who = match l.leader {
            Some(i) => {
                let role = &org.leaders[i];
                let teams: Vec<&str> = role
                    .teams
                    .iter()
                    .map(|&t| org.teams[t].name.as_str())
                    .collect();
                let attention = if role.attention < 1.0 {
                    format!(", attention {}", role.attention)
                } else {
                    String::new()
                };
                if teams == [role.name.as_str()] {
                    format!("leader of {}{attention}", role.name)
                } else {
                    format!("leader {} of {}{attention}", role.name, teams.join(", "))
                }
            }
            None => "executive".to_string(),
        };
        let flag = saturation_flag(l.utilization);
        let _ = writeln!(
            out,
            "  {who}: {:.2} decisions/day, utilization {:.2}{flag}",
            l.requests_per_day, l.utilization
        );
    }
    if let Some(b) = &r.reviewers {
        let _ = writeln!(
            out,
            "  {} bar raisers: {:.2}{} reviews/day, utilization {:.2}{}",
            b.reviewers,
            b.items_per_day,
            if b.closed_streams_too {
                " + closed"
            } else {
                ""
            },
            b.utilization,
            saturation_flag(b.utilization)
        );
    }
    let people: u32 = org.teams.iter().map(|t| t.size()).sum();
    let reviewers = org.bar_raiser.as_ref().map_or(0, |b| b.reviewers);
    let _ = writeln!(
        out,
        "  headcount: {people} people in {} teams, {} leaders and the executive{}",
        org.teams.len(),
        org.leaders.len(),
        if reviewers > 0 {
            format!(", {reviewers} bar raisers")
        } else {
            String::new()
        }
    );
    out
}

/// The mark `check` puts beside a utilization near or past saturation.
fn saturation_flag(utilization: f64) -> &'static str {
    match crate::model::capacity::saturation(utilization) {
        Some(WarningKind::Overloaded) => "  <-- overloaded",
        Some(_) => "  <-- near saturation",
        None => "",
    }
}
