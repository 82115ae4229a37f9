//! `report.html` of a forecast folder (docs/model.md, "Forecasts"): the
//! question in plain words, the answer per topology, the forecast table with
//! its intervals, the burn-up fan and the completion-day histogram, and what
//! the forecast assumes. Made from the forecast itself, in the style of the
//! other reports.

use std::fmt::Write;

use super::charts::numbers;
use super::charts::style;
use super::html::{escape, figure, page};
use crate::experiment::forecast::{Estimate, Forecast, TopologyForecast};
use crate::model::spec::{TopologyKind, TopologySpec};
use crate::scenario::Scenario;

/// A day in words: `day 103` or `later than day 250` (not done by the
/// horizon), `n/a` where the replications back no number.
fn day(x: f64, horizon: f64) -> String {
    if x == f64::INFINITY {
        format!("later than day {}", numbers::compact(horizon))
    } else if x.is_finite() {
        format!("day {}", numbers::sig(x))
    } else {
        "n/a".into()
    }
}

/// A table cell: the estimate, its interval below.
fn cell(e: Estimate, show: impl Fn(f64) -> String) -> String {
    format!(
        "{}<br><span class=\"ci\">{} to {}</span>",
        escape(&show(e.estimate)),
        escape(&show(e.low)),
        escape(&show(e.high))
    )
}

/// A day for a table cell: `> 250` beyond the horizon.
fn day_cell(x: f64, horizon: f64) -> String {
    if x == f64::INFINITY {
        format!("> {}", numbers::compact(horizon))
    } else {
        numbers::sig(x)
    }
}

fn swatch(i: usize) -> String {
    let c = style::topology_color(i);
    format!(
        "<span class=\"sw\" style=\"background:#{:02x}{:02x}{:02x}\"></span>",
        c.0, c.1, c.2
    )
}

/// Replications of `t` whose backlog was not done by the horizon.
fn not_done(f: &Forecast, t: &TopologyForecast) -> usize {
    t.done_days(f.items)
        .iter()
        .filter(|d| d.is_infinite())
        .count()
}

/// The answer for one topology in a sentence.
fn answer(f: &Forecast, t: &TopologyForecast) -> String {
    let o = &f.options;
    let h = o.horizon;
    let est = f.estimates(t);
    let q = |k: usize| est[k].1;
    let interval =
        |e: Estimate| format!("(95% CI {} to {})", day_cell(e.low, h), day_cell(e.high, h));
    let share = |k: usize, words: &str| {
        let e = q(k);
        if e.estimate == f64::INFINITY {
            format!(
                "fewer than {words} by day {}, the horizon",
                numbers::compact(h)
            )
        } else {
            format!("{words} by {} {}", day(e.estimate, h), interval(e))
        }
    };
    let mut s = format!(
        "{}: the backlog was done in {}; in {}; in {}.",
        t.name,
        share(0, "half of the replications"),
        share(1, "85%"),
        share(2, "95%"),
    );
    let p = q(4);
    let items = q(5);
    let _ = write!(
        s,
        " The chance of being done by day {} is {} (95% CI {} to {}); by then {} of the {} items are done on average (95% CI {} to {}).",
        numbers::compact(o.by),
        numbers::pct(p.estimate, 0),
        numbers::pct(p.low, 0),
        numbers::pct(p.high, 0),
        numbers::sig(items.estimate),
        f.items,
        numbers::sig(items.low),
        numbers::sig(items.high),
    );
    let late = not_done(f, t);
    if late > 0 {
        let _ = write!(
            s,
            " In {late} of {} replications the backlog was not done by day {}, the end of what was simulated: for them no completion day is known, only that it is later.",
            o.replications,
            numbers::compact(h)
        );
    }
    s
}

fn kind(spec: &TopologySpec) -> &'static str {
    match spec.kind {
        TopologyKind::Matrix => "matrix: one functional department per skill",
        TopologyKind::SingleThreaded => "single-threaded: one cross-functional team per stream",
        TopologyKind::SingleThreadedWithPlatform => {
            "single-threaded with a platform team: one team per stream and one for the shared platform"
        }
        TopologyKind::Custom(_) => "custom: teams as written in the scenario",
    }
}

/// The page for forecast `f` of `scenario`'s topologies `specs` (in run
/// order); `charts` are the (stem, SVG) of the charts drawn (none with
/// `--no-plots`).
pub fn report(
    f: &Forecast,
    scenario: &Scenario,
    specs: &[TopologySpec],
    charts: &[(&str, String)],
) -> String {
    let o = &f.options;
    let h = o.horizon;
    let streams = &scenario.model.workload.streams;
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header>\n<p class=\"kicker\">orgsim forecast</p>\n<h1>{}: when will the {} backlog item{} be done?</h1>",
        escape(&scenario.name),
        f.items,
        if f.items == 1 { "" } else { "s" }
    );
    let split: Vec<String> = streams
        .iter()
        .zip(&o.backlog)
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} of {}", s.name))
        .collect();
    let _ = writeln!(
        body,
        "<p class=\"lead\">Every topology starts on day 0 with the same {} item{} waiting ({}){}. Each replication simulates the organization from then on; the day its last backlog item is done is that replication's completion day. Over {} replications, the completion days give the forecast below.</p>\n</header>",
        f.items,
        if f.items == 1 { "" } else { "s" },
        escape(&split.join(", ")),
        if o.no_arrivals {
            " and nothing else to do: no other work arrives"
        } else {
            ", while the usual demand keeps arriving beside them and competes for the same people"
        },
        o.replications,
    );
    let _ = writeln!(
        body,
        "<p class=\"context\">{}</p>",
        escape(&format!(
            "{} replications per topology · {} days simulated from day 0 · read on day {} · seed {}",
            o.replications,
            numbers::compact(h),
            numbers::compact(o.by),
            o.seed
        ))
    );

    body.push_str("<section class=\"findings\">\n<strong>In short</strong>\n<ul>\n");
    for t in &f.topologies {
        let _ = writeln!(body, "<li>{}</li>", escape(&answer(f, t)));
    }
    body.push_str("</ul>\n</section>\n");
    let late: Vec<(&str, usize)> = f
        .topologies
        .iter()
        .map(|t| (t.name.as_str(), not_done(f, t)))
        .filter(|(_, n)| *n > 0)
        .collect();
    if !late.is_empty() {
        body.push_str("<section class=\"warnings\">\n<strong>Not done by the horizon</strong>: some replications did not finish the backlog within the simulated days. Their completion day is unknown (only later than the horizon), so a quantile that falls among them reads \"&gt; horizon\" and the mean is not given: a longer <code>--horizon</code> gives them a day.\n<ul>\n");
        for (t, n) in late {
            let _ = writeln!(
                body,
                "<li>{}</li>",
                escape(&format!(
                    "{t}: {n} of {} replications not done by day {}",
                    o.replications,
                    numbers::compact(h)
                ))
            );
        }
        body.push_str("</ul>\n</section>\n");
    }

    body.push_str("<h2>The forecast</h2>\n");
    let _ = writeln!(
        body,
        "<p>Days since day 0. Below each number, its 95% interval: distribution-free for the completion-day quantiles (order statistics), t for the mean, Wilson for the chance. An interval end that {} replications cannot back reads n/a (more <code>--reps</code> give it).</p>",
        o.replications
    );
    let by = numbers::compact(o.by);
    let _ = writeln!(
        body,
        "<table>\n<thead><tr><th>topology</th><th>done p50</th><th>done p85</th><th>done p95</th><th>done mean</th><th>P(done by day {by})</th><th>items done by day {by}</th><th>not done by day {}</th></tr></thead>\n<tbody>",
        numbers::compact(h)
    );
    for (i, t) in f.topologies.iter().enumerate() {
        let est = f.estimates(t);
        let mut row = format!("<tr><td>{}{}</td>", swatch(i), escape(&t.name));
        for (q, e) in &est[..4] {
            let text = if e.estimate == f64::INFINITY {
                format!("&gt; {}", numbers::compact(h))
            } else if *q == "done_mean" && e.estimate.is_nan() {
                "<span class=\"ns\">unknown: not every replication was done</span>".into()
            } else {
                cell(*e, |x| day_cell(x, h))
            };
            let _ = write!(row, "<td>{text}</td>");
        }
        let _ = write!(
            row,
            "<td>{}</td><td>{}</td><td>{} of {}</td></tr>",
            cell(est[4].1, |x| numbers::pct(x, 0)),
            cell(est[5].1, numbers::sig),
            not_done(f, t),
            o.replications
        );
        body.push_str(&row);
        body.push('\n');
    }
    body.push_str("</tbody>\n</table>\n");

    if !charts.is_empty() {
        body.push_str("<h2>Charts</h2>\n");
    }
    for (stem, svg) in charts {
        let (heading, caption) = if *stem == crate::report::charts::forecast::BURNUP_STEM {
            (
                "Burn-up: backlog items done by each day".to_string(),
                format!(
                    "Per topology, the median number of the {} backlog items done by each day over the replications (line) and the middle 50% and 90% of the replications (bands); the data are in burnup.csv.",
                    f.items
                ),
            )
        } else {
            (
                "When the backlog is done: completion day per replication".to_string(),
                format!(
                    "Per topology, how many replications finished the whole backlog in each bin of days; the dashed lines are the p50, p85 and p95 of the table, the solid line day {by} with the chance of being done by then{}; the data are in forecast_done.csv.",
                    if f.topologies.iter().any(|t| not_done(f, t) > 0) {
                        format!(
                            ", and the grey bar \"> {}\" counts the replications not done by the horizon (no day is drawn for them)",
                            numbers::compact(h)
                        )
                    } else {
                        String::new()
                    }
                ),
            )
        };
        figure(&mut body, &heading, svg, &caption, stem);
    }

    body.push_str("<h2>What this forecast assumes</h2>\n<ul class=\"assume\">\n");
    let mut assume = |s: String| {
        let _ = writeln!(body, "<li>{}</li>", escape(&s));
    };
    assume(format!(
        "The backlog is all there on day 0, in an organization with no other work in flight: {}. Each item is drawn like an arrival of its stream (item type, efforts, defects).",
        split.join(", ")
    ));
    assume(if o.no_arrivals {
        "No other work arrives (--no-arrivals): the people work on the backlog alone.".into()
    } else {
        "The streams keep arriving at their usual rates beside the backlog (without --no-arrivals), so the backlog shares the people with the ongoing demand.".into()
    });
    assume(format!(
        "{} days are simulated from day 0, with no warm-up; a replication whose backlog is not done by then has no completion day.",
        numbers::compact(h)
    ));
    for spec in specs {
        assume(format!(
            "{} is the scenario's topology {}, with the scenario's people, coordination costs and limits.",
            spec.name,
            kind(spec)
        ));
    }
    assume("The forecast is as good as the scenario: its efforts, people and coordination costs are taken as given (orgsim explore says which of them the answer hangs on).".into());
    body.push_str("</ul>\n");
    let _ = writeln!(
        body,
        "<footer>orgsim {} · files in this folder: forecast.csv, forecast_done.csv, burnup.csv{} · docs/model.md, \"Forecasts\", says how each number is computed.</footer>",
        escape(env!("CARGO_PKG_VERSION")),
        if charts.is_empty() {
            String::new()
        } else {
            ", burnup.svg/.png, forecast_done.svg/.png".to_string()
        }
    );
    page(&format!("orgsim forecast: {}", scenario.name), &body)
}
