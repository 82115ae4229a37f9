//! `report.html`: one self-contained page (inline CSS and SVG, no script, no
//! network) that tells the story of a result folder to someone who has not
//! read the manual: what was run, the headline findings in numbers, the
//! tables with confidence intervals, every chart with a caption in this
//! run's numbers, and the warnings of `check`.
//!
//! Like the charts, it is made from the folder's files alone, so `orgsim
//! plot DIR` rewrites it byte for byte.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::charts::data::{RunInfo, Stat};
use super::charts::numbers;
use super::charts::{
    self, ChartError, FolderKind, RunChart, RunData, SweepChart, SweepData, style,
};
use super::explain;
use crate::experiment::results::{UNSTABLE_MESSAGE, grows_with_run_length};
use crate::model::{Metric, MetricId, Scope};
use crate::util::atomic::write_atomic;

/// The report's file name.
pub const FILE: &str = "report.html";

/// Writes `report.html` into the result folder `dir` (a `run` or a `sweep`
/// folder); returns its path.
pub fn write_report(dir: &Path) -> Result<PathBuf, ChartError> {
    let html = match charts::folder_kind(dir)? {
        FolderKind::Run => run_report(&RunData::load(dir)?, None)?,
        FolderKind::Sweep => sweep_report(&SweepData::load(dir)?)?,
        FolderKind::Explore => {
            super::explore_html::report(&charts::explore::ExploreData::load(dir)?)?
        }
    };
    write_page(dir, &html)
}

/// Writes `report.html` into the `run` result folder `dir` from `data`,
/// already read from it ([`RunData::load`]); returns its path.
pub fn write_run_report(dir: &Path, data: &RunData) -> Result<PathBuf, ChartError> {
    write_page(dir, &run_report(data, None)?)
}

/// [`write_run_report`] embedding the charts' SVG documents `svgs`, as
/// [`charts::render_run_charts`] drew and wrote them (a chart not among
/// them is drawn again).
pub fn write_run_report_with(
    dir: &Path,
    data: &RunData,
    svgs: &[(RunChart, String)],
) -> Result<PathBuf, ChartError> {
    write_page(dir, &run_report(data, Some(svgs))?)
}

fn write_page(dir: &Path, html: &str) -> Result<PathBuf, ChartError> {
    let path = dir.join(FILE);
    write_atomic(&path, html.as_bytes()).map_err(|e| ChartError::Io {
        path: path.clone(),
        source: e,
    })?;
    Ok(path)
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --text: #222; --muted: #5f5f5f; --rule: #e3e3e3; --bg-soft: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--text); background: #fff;
  font: 16px/1.5 "DejaVu Sans", Verdana, Arial, sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 32px 24px 64px; }
.kicker { color: var(--muted); text-transform: uppercase; letter-spacing: .08em; font-size: 13px; margin: 0; }
h1 { font-size: 32px; margin: 4px 0 8px; }
h2 { font-size: 22px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 18px; margin: 28px 0 8px; }
.lead { font-size: 18px; color: #333; margin: 0 0 8px; }
.findings { background: var(--bg-soft); border-left: 4px solid #0072B2; padding: 12px 20px; margin: 20px 0; }
.findings li { margin: 6px 0; }
dl.params { display: grid; grid-template-columns: max-content 1fr; gap: 4px 20px; margin: 0; }
dl.params dt { color: var(--muted); }
dl.params dd { margin: 0; }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; font-size: 15px; margin: 8px 0; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; }
thead th { border-bottom: 2px solid #bbb; vertical-align: bottom; }
tr.group td { font-weight: bold; text-align: left; padding-top: 14px; color: var(--muted); }
.ci { color: var(--muted); font-size: 13px; }
.ns { color: var(--muted); font-style: italic; }
.sig { font-weight: bold; }
figure { margin: 28px 0 36px; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); border-radius: 4px; }
figcaption { margin-top: 8px; font-size: 15px; }
figcaption .files { color: var(--muted); font-size: 13px; }
.warnings { background: #fff4e5; border-left: 4px solid #D55E00; padding: 12px 20px; margin: 20px 0; }
.warnings li { color: #7a3300; margin: 4px 0; }
.context { color: var(--muted); margin: 0 0 8px; }
.ok { color: #00704f; }
.def { color: var(--muted); font-size: 14px; }
ul.assume li { margin: 3px 0; }
footer { margin-top: 48px; color: var(--muted); font-size: 14px; }
"#;

/// The whole page around `body`, with the shared style sheet.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// A colour as `#rrggbb`.
fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn swatch(i: usize) -> String {
    format!(
        "<span class=\"sw\" style=\"background:{}\"></span>",
        hex(style::topology_color(i))
    )
}

/// The SVG document ready to sit inside HTML: no XML prolog, labelled.
fn inline_svg(svg: &str, label: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..].replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(label)),
        1,
    )
}

/// A chart inline, with its caption and the names of its files.
pub(crate) fn figure(out: &mut String, heading: &str, svg: &str, caption: &str, stem: &str) {
    let _ = write!(
        out,
        "<figure id=\"{stem}\">\n{}\n<figcaption>{} <span class=\"files\">({stem}.svg, {stem}.png)</span></figcaption>\n</figure>\n",
        inline_svg(svg, heading),
        escape(caption),
    );
}

/// One line under the title: replications, simulated time, seed, version.
fn context_line(out: &mut String, info: Option<&RunInfo>, replications: u32) {
    let mut parts = vec![format!("{replications} replications per topology")];
    if let Some(m) = info {
        if let (Some(w), Some(h)) = (m.warmup, m.horizon) {
            parts.push(format!(
                "{} days measured after {} days of warm-up",
                numbers::compact(h),
                numbers::compact(w)
            ));
        }
        if let Some(seed) = m.seed {
            parts.push(format!("seed {seed}"));
        }
        if !m.orgsim_version.is_empty() {
            parts.push(format!("orgsim {}", m.orgsim_version));
        }
    }
    let _ = writeln!(
        out,
        "<p class=\"context\">{}</p>",
        escape(&parts.join(" · "))
    );
}

/// The block "What was run" from the manifest (or what the folder tells).
fn parameters(out: &mut String, info: Option<&RunInfo>, extra: &[(String, String)]) {
    out.push_str("<h2>What was run</h2>\n<dl class=\"params\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(out, "<dt>{}</dt><dd>{v}</dd>", escape(k));
    };
    for (k, v) in extra {
        row(k, v.clone());
    }
    let Some(m) = info else {
        row(
            "run details",
            "not recorded (the folder has no manifest)".into(),
        );
        out.push_str("</dl>\n");
        return;
    };
    let known = |x: Option<String>| x.unwrap_or_else(|| "not recorded".into());
    if !m.source.is_empty() {
        row("scenario source", escape(&m.source));
    }
    row("replications", known(m.replications.map(|r| r.to_string())));
    row(
        "warm-up (discarded)",
        known(m.warmup.map(|w| format!("{} days", numbers::compact(w)))),
    );
    row(
        "measured",
        known(m.horizon.map(|h| format!("{} days", numbers::compact(h)))),
    );
    row("seed", known(m.seed.map(|s| s.to_string())));
    row(
        "overrides",
        if m.overrides.is_empty() {
            "none".into()
        } else {
            m.overrides
                .iter()
                .map(|o| format!("<code>--set {}</code>", escape(o)))
                .collect::<Vec<_>>()
                .join(", ")
        },
    );
    if !m.orgsim_version.is_empty() {
        row("orgsim version", escape(&m.orgsim_version));
    }
    if !m.started.is_empty() {
        row("started", escape(&m.started));
    }
    out.push_str("</dl>\n");
}

/// The warnings of `check`: a highlighted block near the top when there are
/// some, else a line that says there are none.
fn warnings(out: &mut String, info: Option<&RunInfo>) {
    match info.and_then(|m| m.warnings.as_ref()) {
        Some(w) if !w.is_empty() => {
            out.push_str(
                "<section class=\"warnings\">\n<strong>Warnings from <code>orgsim check</code></strong>: read the results with these in mind.\n<ul>\n",
            );
            for line in crate::model::warning::grouped(w, 5) {
                let _ = writeln!(out, "<li>{}</li>", escape(&line));
            }
            out.push_str("</ul>\n</section>\n");
        }
        Some(_) => out.push_str(
            "<p class=\"ok\">Warnings from <code>orgsim check</code>: none. No team, leader, executive or bar raiser is near or past saturation (utilization 0.9 or more).</p>\n",
        ),
        // Not recorded (a sweep, or an old folder): nothing to say.
        None => {}
    }
}

/// Metrics counted per item, shown only when some topology has any (as in
/// the stdout table).
const COUNT_METRICS: [Metric; 3] = [
    Metric::HandoffsPerItem,
    Metric::EscalationsPerItem,
    Metric::EscapedDefectsPerItem,
];

/// Whether `metric` has a row for `topologies`: it has a value, and a count
/// per item is not 0 in all of them.
fn shown(data: &RunData, topologies: &[&str], metric: &str) -> bool {
    let values: Vec<f64> = topologies
        .iter()
        .filter_map(|t| data.stat(t, metric).map(|s| s.mean))
        .collect();
    let counted = MetricId::parse(metric).is_some_and(|id| COUNT_METRICS.contains(&id.metric));
    !values.is_empty() && (!counted || values.iter().any(|&v| v != 0.0))
}

/// The unstable topologies of a run: a highlighted block saying that their
/// lead times only measure the run length, and why.
fn stability(out: &mut String, data: &RunData) {
    let unstable: Vec<&String> = data
        .topologies
        .iter()
        .filter(|t| data.is_unstable(t))
        .collect();
    if unstable.is_empty() {
        return;
    }
    out.push_str("<section class=\"warnings\">\n<strong>Unstable</strong>: work piles up faster than it is done, so lead times grow with the run length; they are not shown, and differences involving them are not meaningful.\n<ul>\n");
    let notes = data
        .manifest
        .as_ref()
        .map(|m| m.stability.clone())
        .unwrap_or_default();
    for t in unstable {
        let prefix = format!("{t}: ");
        let line = notes
            .iter()
            .find(|n| n.starts_with(&prefix))
            .cloned()
            .unwrap_or_else(|| format!("{t}: {UNSTABLE_MESSAGE}."));
        let _ = writeln!(out, "<li>{}</li>", escape(&line));
    }
    out.push_str("</ul>\n</section>\n");
}

/// The metrics of the summary table, each under its catalogue heading.
const TABLE_METRICS: [Metric; 14] = [
    Metric::Throughput,
    Metric::LeadTimeMean,
    Metric::LeadTimeP50,
    Metric::LeadTimeP85,
    Metric::LeadTimeP95,
    Metric::CoordinationDelayMean,
    Metric::CoordinationShare,
    Metric::FlowEfficiency,
    Metric::WipMean,
    Metric::HandoffsPerItem,
    Metric::EscalationsPerItem,
    Metric::EscapedDefectsPerItem,
    Metric::Utilization,
    Metric::LeaderUtilizationMax,
];

fn cell(metric: &str, s: Option<Stat>) -> String {
    match s {
        Some(s) if s.mean.is_finite() => {
            let ci = if s.low.is_finite() && s.high.is_finite() {
                format!(
                    "<br><span class=\"ci\">{}–{}</span>",
                    escape(&numbers::short(metric, s.low)),
                    escape(&numbers::short(metric, s.high))
                )
            } else {
                String::new()
            };
            format!("{}{ci}", escape(&numbers::short(metric, s.mean)))
        }
        _ => "<span class=\"ns\">n/a</span>".into(),
    }
}

fn summary_table(out: &mut String, data: &RunData) {
    out.push_str("<h2>Results per topology</h2>\n");
    let _ = writeln!(
        out,
        "<p>Mean over {} replications; below each, its 95% confidence interval.</p>",
        data.replications()
    );
    out.push_str("<table>\n<thead><tr><th>metric</th>");
    for (i, t) in data.topologies.iter().enumerate() {
        let _ = write!(out, "<th>{}{}</th>", swatch(i), escape(t));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let all: Vec<&str> = data.topologies.iter().map(String::as_str).collect();
    for metric in TABLE_METRICS {
        let (m, label) = (metric.name(), metric.info().heading);
        if !shown(data, &all, m) {
            continue;
        }
        let _ = write!(out, "<tr><td>{}</td>", escape(label));
        for t in &data.topologies {
            if data.is_unstable(t) && grows_with_run_length(m) {
                out.push_str("<td><span class=\"ns\">unstable</span></td>");
            } else {
                let _ = write!(out, "<td>{}</td>", cell(m, data.stat(t, m)));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn comparison_tables(out: &mut String, data: &RunData) {
    let base = data.baseline();
    for (i, t) in data.topologies.iter().enumerate().skip(1) {
        let _ = writeln!(
            out,
            "<h2>{}{} compared with {}{}</h2>\n<p>Paired differences ({} − {}) over the same items in every replication, with their 95% confidence intervals. A difference whose interval contains 0 is not significant.</p>",
            swatch(i),
            escape(t),
            swatch(0),
            escape(base),
            escape(t),
            escape(base)
        );
        let _ = writeln!(
            out,
            "<table>\n<thead><tr><th>metric</th><th>{}</th><th>{}</th><th>difference</th><th>95% CI</th><th>change</th></tr></thead>\n<tbody>",
            escape(base),
            escape(t)
        );
        let mut rows: Vec<(String, String)> = TABLE_METRICS
            .iter()
            .map(|m| (m.name().to_string(), m.info().heading.to_string()))
            .collect();
        rows.push((
            String::new(),
            "where the lead time goes (days per item)".into(),
        ));
        for c in style::STACK {
            let m = Metric::Mean(c).name();
            let active = [base, t.as_str()]
                .iter()
                .any(|x| data.mean(x, m).is_some_and(|v| v != 0.0));
            if active {
                rows.push((m.to_string(), c.label().to_string()));
            }
        }
        for (m, label) in rows {
            if m.is_empty() {
                let _ = writeln!(
                    out,
                    "<tr class=\"group\"><td colspan=\"6\">{}</td></tr>",
                    escape(&label)
                );
                continue;
            }
            let (Some(b), Some(v), Some(d)) =
                (data.stat(base, &m), data.stat(t, &m), data.diff(t, &m))
            else {
                continue;
            };
            if !shown(data, &[base, t.as_str()], &m) {
                continue;
            }
            let meaningful =
                !(grows_with_run_length(&m) && (data.is_unstable(base) || data.is_unstable(t)));
            let class = if d.includes_zero() || !meaningful {
                "ns"
            } else {
                "sig"
            };
            let change = if !meaningful {
                "not meaningful (unstable)".to_string()
            } else if d.includes_zero() {
                "not significant".to_string()
            } else if d.relative.is_finite() {
                numbers::rel(d.relative)
            } else {
                // The baseline is 0: a relative change is undefined.
                "from 0".to_string()
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{}</td><td class=\"ci\">{} to {}</td><td class=\"{class}\">{}</td></tr>",
                escape(&label),
                escape(&numbers::short(&m, b.mean)),
                escape(&numbers::short(&m, v.mean)),
                escape(&numbers::diff(&m, d.mean)),
                escape(&numbers::diff(&m, d.low)),
                escape(&numbers::diff(&m, d.high)),
                escape(&change)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
}

fn run_report(data: &RunData, svgs: Option<&[(RunChart, String)]>) -> Result<String, ChartError> {
    let name = data.scenario_name();
    let info = data.manifest.as_ref();
    let charts = RunChart::plan(data);
    let mut body = String::new();
    title_block(&mut body, "orgsim report", &name, info);
    context_line(&mut body, info, data.replications());

    // The findings: the captions of the headline charts.
    body.push_str("<section class=\"findings\">\n<strong>In short</strong>\n<ul>\n");
    for c in [
        RunChart::LeadTime,
        RunChart::Throughput,
        RunChart::DelayBreakdown,
    ] {
        if charts.contains(&c) {
            let _ = writeln!(body, "<li>{}</li>", escape(&c.caption(data)));
        }
        if c == RunChart::Throughput
            && let Some(demand) = keeps_up(data)
        {
            let _ = writeln!(
                body,
                "<li>Every topology keeps up with the demand: about {} items arrive per day, and an organization that keeps up completes as many, so its throughput equals the demand by construction. The same throughput is no finding here; the topologies differ in how long the items take.</li>",
                escape(&numbers::sig(demand))
            );
        }
    }
    if let Some(line) = defects_finding(data) {
        let _ = writeln!(body, "<li>{}</li>", escape(&line));
    }
    let depends = super::depends::read(&data.dir, data.replications())?;
    if let Some(answer) = depends.as_ref().and_then(|d| d.lead().into_iter().next()) {
        let _ = writeln!(
            body,
            "<li>{} (<a href=\"#depends\">What this depends on</a>)</li>",
            escape(&answer)
        );
    }
    body.push_str("</ul>\n</section>\n");
    stability(&mut body, data);
    warnings(&mut body, info);
    assumptions(&mut body, data);
    if let Some(depends) = &depends {
        body.push_str(&depends.html(&data.dir)?);
    }
    if let Some(o) = super::over_time::read(&data.dir)? {
        body.push_str(&super::over_time::html(&o)?);
    }

    body.push_str("<h2>Charts</h2>\n");
    for c in &charts {
        let drawn = svgs.and_then(|s| s.iter().find(|(k, _)| k == c));
        let svg = match drawn {
            Some((_, svg)) => std::borrow::Cow::Borrowed(svg.as_str()),
            None => std::borrow::Cow::Owned(c.svg(data)?),
        };
        figure(&mut body, &c.heading(), &svg, &c.caption(data), &c.stem());
    }
    summary_table(&mut body, data);
    if let Some(costs) = super::money::html_section(data) {
        body.push_str(&costs);
    }
    stream_table(&mut body, data);
    comparison_tables(&mut body, data);
    let topologies = topology_list(&data.topologies);
    parameters(&mut body, info, &[("topologies".to_string(), topologies)]);
    body.push_str(FOOTER);
    Ok(page(
        &format!("orgsim report: {name}"),
        &define_terms(&body),
    ))
}

/// The kicker, the scenario's name and its description.
fn title_block(out: &mut String, kicker: &str, name: &str, info: Option<&RunInfo>) {
    let _ = writeln!(
        out,
        "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>",
        escape(kicker),
        escape(name)
    );
    if let Some(m) = info.filter(|m| !m.description.is_empty()) {
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", escape(&m.description));
    }
    out.push_str("</header>\n");
}

/// The topologies with their colours, the first marked as the baseline.
fn topology_list(topologies: &[String]) -> String {
    topologies
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "{}{}{}",
                swatch(i),
                escape(t),
                if i == 0 { " (baseline)" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

const FOOTER: &str = "<footer>\n<p>How to read this: every topology is simulated on the very same items (common random numbers), so differences are paired and their confidence intervals are narrow. Times are in working days. The critical-path categories of an item add up to its lead time; coordination = handoff + cadence + decision + escalation. Definitions: docs/model.md of orgsim. The numbers come from the CSV files next to this report; <code>orgsim plot</code> on this folder redraws the charts and this page from them.</p>\n</footer>\n";

fn sweep_report(data: &SweepData) -> Result<String, ChartError> {
    let name = data.scenario_name();
    let info = data.manifest.as_ref();
    let charts = SweepChart::plan(data);
    let mut body = String::new();
    title_block(&mut body, "orgsim sweep report", &name, info);
    let replications = info.and_then(|m| m.replications).unwrap_or_default();
    context_line(&mut body, info, replications);

    let headline: Vec<&SweepChart> = charts
        .iter()
        .filter(|c| match c {
            SweepChart::Line(m) | SweepChart::Heat { metric: m, .. } => {
                m == Metric::LeadTimeMean.name() || m == Metric::Throughput.name()
            }
        })
        .collect();
    if !headline.is_empty() {
        body.push_str("<section class=\"findings\">\n<strong>In short</strong>\n<ul>\n");
        for c in headline {
            let _ = writeln!(body, "<li>{}</li>", escape(&c.caption(data)));
        }
        body.push_str("</ul>\n</section>\n");
    }
    warnings(&mut body, info);

    body.push_str("<h2>Charts</h2>\n");
    if charts.is_empty() {
        let _ = writeln!(
            body,
            "<p>No chart: a sweep over {} paths has no faithful flat picture. Every number is in sweep.csv and sweep_comparison.csv.</p>",
            data.params.len()
        );
    }
    for c in &charts {
        figure(
            &mut body,
            &c.heading(data),
            &c.svg(data)?,
            &c.caption(data),
            &c.stem(),
        );
    }
    let mut extra = vec![("topologies".to_string(), topology_list(&data.topologies))];
    for (axis, (p, values)) in data.params.iter().zip(&data.values).enumerate() {
        extra.push((
            format!("varied: {p}"),
            escape(
                &values
                    .iter()
                    .map(|v| data.label(axis, *v))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ));
    }
    parameters(&mut body, info, &extra);
    body.push_str(FOOTER);
    Ok(page(
        &format!("orgsim sweep report: {name}"),
        &define_terms(&body),
    ))
}

/// The demand rate (items per day) when every topology keeps up with it:
/// none saturated or flagged unstable, and each one's throughput interval
/// overlaps the interval of its arrival rate in the window.
fn keeps_up(data: &RunData) -> Option<f64> {
    let horizon = data.manifest.as_ref()?.horizon.filter(|h| *h > 0.0)?;
    let mut demand = None;
    for t in &data.topologies {
        // A topology reported unstable (or with a saturated replication)
        // does not keep up; a replication or two flagged only by the trend
        // test are left to the throughput check below.
        if data.is_unstable(t)
            || data
                .mean(t, Metric::Saturated.name())
                .is_some_and(|m| m > 0.0)
        {
            return None;
        }
        let (thr, arrived) = (
            data.stat(t, Metric::Throughput.name())?,
            data.stat(t, Metric::Arrived.name())?,
        );
        let (lo, hi) = (arrived.low / horizon, arrived.high / horizon);
        let finite = |a: f64, b: f64| a.is_finite() && b.is_finite();
        if !(finite(thr.low, thr.high) && finite(lo, hi) && thr.low <= hi && lo <= thr.high) {
            return None;
        }
        demand.get_or_insert(arrived.mean / horizon);
    }
    demand
}

/// "What each topology assumes": the coordination assumptions of each
/// topology in plain words, from the scenario the manifest recorded.
fn assumptions(out: &mut String, data: &RunData) {
    let Some(sc) = data
        .manifest
        .as_ref()
        .and_then(|m| explain::recorded_scenario(&m.scenario_resolved))
    else {
        return;
    };
    out.push_str("<h2>What each topology assumes</h2>\n<p>The coordination rules of the model, as this scenario sets them. Every number below is an input, not a result.</p>\n");
    let common = explain::common_assumptions(&sc);
    if !common.is_empty() {
        out.push_str("<p>For every topology:</p>\n<ul class=\"assume\">\n");
        for line in common {
            let _ = writeln!(out, "<li>{}</li>", escape(&line));
        }
        out.push_str("</ul>\n");
    }
    for spec in sc.model.topologies.iter() {
        let Some(i) = data.topologies.iter().position(|t| *t == spec.name) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<h3>{}{}</h3>\n<ul class=\"assume\">",
            swatch(i),
            escape(&spec.name)
        );
        let list = |lines: Vec<String>| {
            lines
                .iter()
                .map(|l| format!("<li>{}</li>\n", escape(l)))
                .collect::<String>()
        };
        match &spec.transition {
            Some(t) => {
                out.push_str(&list(explain::transition_assumptions(&sc, spec)));
                for (when, name, topology) in
                    [("before", &t.from, spec), ("after", &t.to.name, &t.to)]
                {
                    let _ = write!(
                        out,
                        "<li>{when} the switch, as {}:\n<ul class=\"assume\">\n{}</ul></li>\n",
                        escape(name),
                        list(explain::topology_assumptions(&sc, topology))
                    );
                }
            }
            None => out.push_str(&list(explain::topology_assumptions(&sc, spec))),
        }
        out.push_str("</ul>\n");
    }
}

/// The metrics of the per-stream table.
const STREAM_METRICS: [Metric; 6] = [
    Metric::Throughput,
    Metric::LeadTimeMean,
    Metric::LeadTimeP85,
    Metric::CoordinationShare,
    Metric::FlowEfficiency,
    Metric::EscapedDefectsPerItem,
];

/// The streams of the folder (the `<stream>:` prefixes of its metrics), in
/// file order.
fn streams(data: &RunData) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out: Vec<String> = Vec::new();
    for (_, id) in data.metric_ids() {
        if let Some(MetricId {
            scope: Scope::Stream(s),
            ..
        }) = id
            && seen.insert(s)
        {
            out.push(s.to_string());
        }
    }
    out
}

/// Streams shown one by one in "Results per stream"; a run with more
/// shows how each metric spreads over its streams and the
/// [`WORST_STREAMS`] with the longest mean lead time (every stream stays in
/// summary.csv): three thousand groups of rows are a table nobody reads.
const MAX_STREAMS: usize = 30;
/// Streams shown one by one, longest mean lead time first, above
/// [`MAX_STREAMS`].
const WORST_STREAMS: usize = 20;

/// The name of `stream`'s `metric`.
fn stream_metric(stream: &str, metric: Metric) -> String {
    MetricId {
        scope: Scope::Stream(stream),
        metric,
    }
    .name()
}

/// The head of a table with a column per topology.
fn topology_head(out: &mut String, data: &RunData) {
    out.push_str("<table>\n<thead><tr><th>metric</th>");
    for (i, t) in data.topologies.iter().enumerate() {
        let _ = write!(out, "<th>{}{}</th>", swatch(i), escape(t));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

/// "Results per stream": the headline metrics of each stream, per topology;
/// above [`MAX_STREAMS`] streams, their spread and the worst of them.
fn stream_table(out: &mut String, data: &RunData) {
    let streams = streams(data);
    if streams.len() < 2 {
        return;
    }
    if streams.len() > MAX_STREAMS {
        many_streams(out, data, &streams);
        return;
    }
    out.push_str("<h2>Results per stream</h2>\n<p>The same metrics for the items of each stream alone; below each mean, its 95% confidence interval.</p>\n");
    topology_head(out, data);
    for s in &streams {
        stream_rows(out, data, s);
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The group of rows of stream `s` in the per-stream table.
fn stream_rows(out: &mut String, data: &RunData, s: &str) {
    let all: Vec<&str> = data.topologies.iter().map(String::as_str).collect();
    let columns = data.topologies.len() + 1;
    let _ = writeln!(
        out,
        "<tr class=\"group\"><td colspan=\"{columns}\">{}</td></tr>",
        escape(s)
    );
    for id in STREAM_METRICS {
        let m = id.name();
        let metric = stream_metric(s, id);
        let nonzero = all
            .iter()
            .any(|t| data.mean(t, &metric).is_some_and(|v| v != 0.0));
        if !shown(data, &all, &metric) || (id == Metric::EscapedDefectsPerItem && !nonzero) {
            continue;
        }
        let _ = write!(out, "<tr><td>{}</td>", escape(stream_label(id)));
        for t in &data.topologies {
            let _ = write!(out, "<td>{}</td>", cell(m, data.stat(t, &metric)));
        }
        out.push_str("</tr>\n");
    }
}

/// The summary table's heading less its note on fix items, which that
/// table has already given.
fn stream_label(id: Metric) -> &'static str {
    match id {
        Metric::EscapedDefectsPerItem => "escaped defects per item",
        _ => id.info().heading,
    }
}

/// The minimum, quartiles and maximum of `values` (finite, not empty),
/// interpolated between order statistics as `stats::percentile` does.
fn five_numbers(values: &mut [f64]) -> [f64; 5] {
    values.sort_by(f64::total_cmp);
    [0.0, 0.25, 0.5, 0.75, 1.0].map(|p| crate::stats::percentile(values, p))
}

/// "Results per stream" of a run with more than [`MAX_STREAMS`] streams:
/// per metric and topology, the spread of the streams' means, then the
/// [`WORST_STREAMS`] streams with the longest mean lead time in any
/// topology, longest first (between equals, file order).
fn many_streams(out: &mut String, data: &RunData, streams: &[String]) {
    let worst = WORST_STREAMS.min(streams.len());
    let _ = writeln!(
        out,
        "<h2>Results per stream</h2>\n<p>{} streams, too many for a row each: first how each metric spreads over the streams (the minimum, quartiles and maximum of the streams' means), then the {worst} streams with the longest mean lead time in any topology, longest first, with their 95% confidence intervals. Every stream's numbers are in summary.csv and comparison.csv (metrics <code>&lt;stream&gt;:&lt;metric&gt;</code>).</p>",
        streams.len()
    );
    out.push_str("<table>\n<thead><tr><th>metric</th><th>topology</th><th>streams</th><th>minimum</th><th>lower quartile</th><th>median</th><th>upper quartile</th><th>maximum</th></tr></thead>\n<tbody>\n");
    for id in STREAM_METRICS {
        let m = id.name();
        let names: Vec<String> = streams.iter().map(|s| stream_metric(s, id)).collect();
        for (i, t) in data.topologies.iter().enumerate() {
            let mut means: Vec<f64> = (names.iter()).filter_map(|n| data.mean(t, n)).collect();
            let nonzero = means.iter().any(|&v| v != 0.0);
            if means.is_empty() || (id == Metric::EscapedDefectsPerItem && !nonzero) {
                continue;
            }
            let q = five_numbers(&mut means);
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}{}</td><td>{}</td>",
                escape(stream_label(id)),
                swatch(i),
                escape(t),
                means.len()
            );
            for v in q {
                let _ = write!(out, "<td>{}</td>", escape(&numbers::short(m, v)));
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</tbody>\n</table>\n");
    // Each stream's key is looked up once, not at every comparison.
    let mut keyed: Vec<(f64, &String)> = (streams.iter())
        .map(|s| {
            let name = stream_metric(s, Metric::LeadTimeMean);
            let longest = (data.topologies.iter())
                .filter_map(|t| data.mean(t, &name))
                .fold(f64::NEG_INFINITY, f64::max);
            (longest, s)
        })
        .collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0));
    let _ = writeln!(
        out,
        "<h3>The {worst} streams with the longest mean lead time</h3>"
    );
    topology_head(out, data);
    for (_, s) in keyed.into_iter().take(worst) {
        stream_rows(out, data, s);
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The body with each term of the model defined where it first appears.
fn define_terms(body: &str) -> String {
    explain::define_first_use(body, |terms, placement| {
        let text = terms
            .iter()
            .map(|(term, meaning)| format!("<em>{}</em>: {}", escape(term), escape(meaning)))
            .collect::<Vec<_>>()
            .join("; ");
        match placement {
            explain::Placement::Inside => format!("<br><span class=\"def\">{text}.</span>"),
            explain::Placement::After => format!("\n<p class=\"def\">{text}.</p>"),
        }
    })
}

/// E.g. "Escaped defects per completed item (each comes back later as a fix
/// item): matrix 0.395; single-threaded 0.600 (+0.205, 95% CI +0.19 to
/// +0.22); ..." when some topology lets defects escape.
fn defects_finding(data: &RunData) -> Option<String> {
    let m = Metric::EscapedDefectsPerItem.name();
    if !data
        .topologies
        .iter()
        .any(|t| data.mean(t, m).is_some_and(|v| v != 0.0))
    {
        return None;
    }
    let base = data.baseline();
    let parts: Vec<String> = data
        .topologies
        .iter()
        .filter_map(|t| {
            let v = numbers::short(m, data.mean(t, m)?);
            if t == base {
                return Some(format!("{t} {v}"));
            }
            Some(match data.diff(t, m) {
                Some(d) if d.includes_zero() => format!("{t} {v} (no significant difference)"),
                Some(d) => format!(
                    "{t} {v} ({}, 95% CI {} to {})",
                    numbers::diff(m, d.mean),
                    numbers::diff(m, d.low),
                    numbers::diff(m, d.high)
                ),
                None => format!("{t} {v}"),
            })
        })
        .collect();
    Some(format!(
        "Escaped defects per completed item (each comes back later as a fix item, work that takes capacity): {}.",
        parts.join("; ")
    ))
}
