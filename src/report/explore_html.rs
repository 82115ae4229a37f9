//! `report.html` of an `explore` folder: the answer first (which assumption
//! decides the paired difference, where it breaks even, how likely the
//! verdict holds), then what was explored, the indices with their
//! intervals, and every chart with a caption in this exploration's numbers.
//! Made from the folder's files alone, like the other reports.

use std::fmt::Write;

use super::charts::explore::{
    ExploreChart, ExploreData, IndexRow, Measure, p_better, subject, tornado_bars,
};
use super::charts::{ChartError, numbers};
use super::html::{escape, figure, page};

/// The one sentence that answers the question the method asks about `m`.
pub fn answer(data: &ExploreData, m: &Measure) -> String {
    let what = subject(data, m);
    let v = |x: f64| {
        if m.difference {
            numbers::diff(&m.metric, x)
        } else {
            numbers::value(&m.metric, x)
        }
    };
    let top = |index: &str| -> Option<&IndexRow> {
        data.rows_of(m)
            .filter(|r| r.index == index && r.estimate.is_finite())
            .max_by(|a, b| a.estimate.total_cmp(&b.estimate))
    };
    match data.method.as_str() {
        "tornado" => match tornado_bars(data, m).first() {
            Some((path, lo, hi)) => {
                let nominal = data.nominal(m).map_or(f64::NAN, |n| n.0);
                let flips = m.difference
                    && nominal.is_finite()
                    && [lo.estimate, hi.estimate]
                        .iter()
                        .any(|x| x.is_finite() && x.signum() != nominal.signum());
                format!(
                    "{path} decides {what}: {} at its low end, {} at its high end, against {} with every assumption nominal{}.",
                    v(lo.estimate),
                    v(hi.estimate),
                    v(nominal),
                    if flips {
                        " — within its range the verdict flips"
                    } else {
                        ""
                    }
                )
            }
            None => format!("No assumption has a finite effect on {what}."),
        },
        "sobol" => match top("ST") {
            Some(r) => format!(
                "{} decides {what}: it has the largest total Sobol' index, ST = {} (95% CI {} to {}; alone, S1 = {}), the share of the variance over your beliefs it explains with its interactions{}.",
                r.assumption,
                numbers::sig(r.estimate),
                numbers::sig(r.low),
                numbers::sig(r.high),
                data.row(m, &r.assumption, "S1")
                    .map_or("n/a".into(), |s| numbers::sig(s.estimate)),
                overlap(data, m, "ST", r)
            ),
            None => format!("No assumption has a finite index for {what}."),
        },
        "morris" => match top("mu_star") {
            Some(r) => format!(
                "{} matters most for {what}: its mean absolute effect over the range is μ* = {} (95% CI {} to {}){}.",
                r.assumption,
                numbers::sig(r.estimate),
                numbers::sig(r.low),
                numbers::sig(r.high),
                overlap(data, m, "mu_star", r)
            ),
            None => format!("No assumption has a finite effect on {what}."),
        },
        "propagate" => match p_better(data, m) {
            Some(p) => format!(
                "P({} better than {}) = {:.2} [{:.2}, {:.2}] in {} over your assumptions.",
                m.topology,
                data.baseline,
                p.estimate,
                p.low,
                p.high,
                numbers::label(&m.metric)
            ),
            None => format!(
                "{} over your beliefs: see its distribution below.",
                super::charts::upper_first(&what)
            ),
        },
        "break-even" => {
            let crossings: Vec<String> = data
                .rows_of(m)
                .filter(|r| r.index == "break_even" && r.estimate.is_finite())
                .map(|r| {
                    format!(
                        "{} crosses {} [{}, {}]",
                        r.assumption,
                        numbers::compact(r.estimate),
                        numbers::compact(r.low),
                        numbers::compact(r.high)
                    )
                })
                .collect();
            if crossings.is_empty() {
                format!(
                    "No assumption alone flips {what} within its range: the verdict holds at every value tried."
                )
            } else {
                format!(
                    "The verdict on {what} flips if {}.",
                    crossings.join(", or if ")
                )
            }
        }
        _ => String::new(),
    }
}

/// A warning when the interval of the runner-up's `index` reaches the
/// leader's: the ranking is then not established.
fn overlap(data: &ExploreData, m: &Measure, index: &str, leader: &IndexRow) -> String {
    let second = data
        .rows_of(m)
        .filter(|r| r.index == index && r.assumption != leader.assumption && r.estimate.is_finite())
        .max_by(|a, b| a.estimate.total_cmp(&b.estimate));
    match second {
        Some(s) if s.high >= leader.low => format!(
            "; but the interval of {} ({}) reaches it: raise --samples to tell them apart",
            s.assumption,
            numbers::sig(s.estimate)
        ),
        _ => String::new(),
    }
}

/// The page.
pub fn report(data: &ExploreData) -> Result<String, ChartError> {
    let mut body = String::new();
    let name = data.scenario_name();
    let measures = data.measures();
    let _ = write!(
        body,
        "<p class=\"kicker\">orgsim explore · {}</p>\n<h1>{}</h1>\n",
        escape(&data.method),
        escape(&name)
    );
    if let Some(first) = measures.first() {
        let _ = writeln!(
            body,
            "<p class=\"lead\"><strong>{}</strong></p>",
            escape(&answer(data, first))
        );
    }
    if measures.len() > 1 {
        body.push_str("<div class=\"findings\"><ul>\n");
        for m in &measures[1..] {
            let _ = writeln!(body, "<li>{}</li>", escape(&answer(data, m)));
        }
        body.push_str("</ul></div>\n");
    }
    // Points where a topology could not keep up.
    if let Some(c) = data.columns.iter().position(|c| c == "unstable") {
        let unstable = data
            .points
            .iter()
            .filter(|r| r.get(c).is_some_and(|s| !s.is_empty()))
            .count();
        if unstable > 0 {
            let _ = writeln!(
                body,
                "<div class=\"warnings\"><ul><li>At {unstable} of {} points a topology cannot keep up (unstable): its lead times there only measure the run length, and the indices mix them in. points.csv names them; narrow the ranges.</li></ul></div>",
                data.points.len()
            );
        }
    }
    body.push_str("<h2>What was explored</h2>\n<dl class=\"params\">\n");
    let m = &data.manifest;
    let mut param = |k: &str, v: String| {
        let _ = writeln!(body, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&v));
    };
    param("method", data.method.clone());
    param(
        "points",
        format!(
            "{} (each {} replications per topology, the same random streams at every point)",
            m["points"].as_u64().unwrap_or(0),
            m["replications"].as_u64().unwrap_or(0)
        ),
    );
    param(
        "topologies",
        format!(
            "{} (baseline {})",
            data.topologies.join(", "),
            data.baseline
        ),
    );
    if let Some(list) = m["assumptions"].as_array() {
        for a in list {
            param(
                a["path"].as_str().unwrap_or_default(),
                a["belief"].as_str().unwrap_or_default().to_owned(),
            );
        }
    }
    body.push_str("</dl>\n");
    for measure in &measures {
        let rows: Vec<&IndexRow> = data.rows_of(measure).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            body,
            "<h2>{}</h2>\n<table>\n<thead><tr><th>assumption</th><th>index</th><th>estimate</th><th>95% CI</th></tr></thead>\n<tbody>",
            escape(&super::charts::upper_first(&subject(data, measure)))
        );
        for r in rows {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"ci\">{} to {}</td></tr>",
                escape(if r.assumption.is_empty() {
                    "all, over the beliefs"
                } else {
                    &r.assumption
                }),
                escape(&r.index),
                escape(&numbers::sig(r.estimate)),
                escape(&numbers::sig(r.low)),
                escape(&numbers::sig(r.high))
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }
    let charts = ExploreChart::plan(data);
    if !charts.is_empty() {
        body.push_str("<h2>Charts</h2>\n");
    }
    for chart in &charts {
        let heading = chart.heading(data);
        let _ = writeln!(body, "<h3>{}</h3>", escape(&heading));
        figure(
            &mut body,
            &heading,
            &chart.svg(data)?,
            &chart.caption(data),
            &chart.stem(),
        );
    }
    let _ = writeln!(
        body,
        "<footer>orgsim {} · sensitivity.csv holds every index, points.csv every point, explore.json how to run it again (docs/model.md, Sensitivity).</footer>",
        escape(m["orgsim"].as_str().unwrap_or_default())
    );
    Ok(page(&format!("{name}: which assumption decides"), &body))
}
