//! "What this depends on", the quick tornado of every `run`
//! (docs/model.md, *What this depends on*): `depends.csv`, read back for the
//! charts and `report.html`, and the words that lead with the answer, the
//! same on stdout, in `--json` and in the report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::charts::explore::{ExploreChart, ExploreData, IndexRow, Measure};
use super::charts::{ChartError, file_safe, numbers};
use super::csv_files::number;
use super::html::escape;
use crate::experiment::depends::{METRIC, Row, Setting, Variant, Verdict};
use crate::stats::Summary;

/// The file's name.
pub const FILE: &str = "depends.csv";

/// Its columns.
pub const COLUMNS: [&str; 14] = [
    "setting",
    "variant",
    "factor",
    "value",
    "topology",
    "baseline",
    "metric",
    "difference",
    "ci95_low",
    "ci95_high",
    "n",
    "replications",
    "verdict",
    "verdict_changes",
];

/// The tornado of a run folder, as its files hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct DependsData {
    /// Every row of `depends.csv`.
    pub rows: Vec<Row>,
    /// Replications per case.
    pub replications: u32,
    /// The run's own replications.
    pub of: u32,
}

/// `depends.csv`: one row per (topology but the baseline, case), the
/// settings as given first (`variant` = `nominal`, no setting).
pub fn csv(rows: &[Row], replications: u32) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("writing to memory");
    for r in rows {
        w.write_record([
            r.setting.as_str(),
            &r.variant,
            &number(r.factor),
            &number(r.value),
            &r.topology,
            &r.baseline,
            METRIC.name(),
            &number(r.difference.mean),
            &number(r.difference.ci_low),
            &number(r.difference.ci_high),
            &r.difference.n.to_string(),
            &replications.to_string(),
            r.verdict.name(),
            if r.changes { "true" } else { "false" },
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV is UTF-8")
}

/// Reads `depends.csv` of the run folder `dir` (`None` when the run wrote
/// none: `--depends off`, or a single topology); `of` is the run's own
/// replications.
pub fn read(dir: &Path, of: u32) -> Result<Option<DependsData>, ChartError> {
    let path = dir.join(FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let bad = |why: String| ChartError::format(&path, why);
    let mut r = csv::Reader::from_path(&path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(str::to_owned)
        .collect();
    if header != COLUMNS {
        return Err(bad(format!("expected the columns {}", COLUMNS.join(","))));
    }
    let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    let mut rows = Vec::new();
    let mut replications = 0;
    for (i, rec) in r.records().enumerate() {
        let c = rec.map_err(|e| bad(e.to_string()))?;
        let line = i + 2;
        let verdict = Verdict::from_name(&c[12])
            .ok_or_else(|| bad(format!("line {line}: unknown verdict `{}`", &c[12])))?;
        if !c[0].is_empty() && Setting::from_key(&c[0]).is_none() {
            return Err(bad(format!("line {line}: unknown setting `{}`", &c[0])));
        }
        if Variant::from_name(&c[1]).is_none() {
            return Err(bad(format!("line {line}: unknown variant `{}`", &c[1])));
        }
        replications = c[11].parse().unwrap_or(0);
        rows.push(Row {
            setting: c[0].to_owned(),
            variant: c[1].to_owned(),
            factor: num(&c[2]),
            value: num(&c[3]),
            topology: c[4].to_owned(),
            baseline: c[5].to_owned(),
            difference: Summary {
                mean: num(&c[7]),
                sd: f64::NAN,
                ci_low: num(&c[8]),
                ci_high: num(&c[9]),
                n: c[10].parse().unwrap_or(0),
            },
            verdict,
            changes: &c[13] == "true",
        });
    }
    Ok(Some(DependsData {
        rows,
        replications,
        of,
    }))
}

impl DependsData {
    /// The topologies compared with the baseline, in order.
    pub fn topologies(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !out.contains(&r.topology.as_str()) {
                out.push(&r.topology);
            }
        }
        out
    }

    /// The settings varied, in the file's order.
    pub fn settings(&self) -> Vec<Setting> {
        let mut out = Vec::new();
        for s in self
            .rows
            .iter()
            .filter_map(|r| Setting::from_key(&r.setting))
        {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// The row of `topology` at (`setting`, `variant`); the settings as
    /// given for `None`.
    pub fn row(&self, topology: &str, setting: Option<Setting>, variant: Variant) -> Option<&Row> {
        let key = setting.map_or("", Setting::key);
        self.rows
            .iter()
            .find(|r| r.topology == topology && r.setting == key && r.variant == variant.name())
    }

    /// `topology`'s settings, widest swing of the paired difference from its
    /// value with the settings as given first (unstable cases last).
    pub fn ranked(&self, topology: &str) -> Vec<Setting> {
        let nominal = self
            .row(topology, None, Variant::Nominal)
            .map_or(f64::NAN, |r| r.difference.mean);
        let swing = |s: Setting| {
            [Variant::Halved, Variant::Doubled, Variant::Off]
                .into_iter()
                .filter_map(|v| self.row(topology, Some(s), v))
                .filter(|r| r.verdict.is_meaningful())
                .map(|r| (r.difference.mean - nominal).abs())
                .filter(|x| x.is_finite())
                .fold(-1.0, f64::max)
        };
        let mut settings = self.settings();
        settings.sort_by(|a, b| swing(*b).total_cmp(&swing(*a)));
        settings
    }

    /// The answer first, one paragraph per topology compared: whether the
    /// verdict with the settings as given holds under every case, and
    /// which change it; then how many replications the cases ran.
    pub fn lead(&self) -> Vec<String> {
        let mut out = Vec::new();
        let settings = self.settings();
        for t in self.topologies() {
            let Some(nominal) = self.row(t, None, Variant::Nominal) else {
                continue;
            };
            let b = nominal.baseline.as_str();
            let d = &nominal.difference;
            let as_given = format!(
                "{} [{}, {}] with the settings as given",
                diff(d.mean),
                diff(d.ci_low),
                diff(d.ci_high)
            );
            let subject = match nominal.verdict {
                Verdict::Better => {
                    format!("The {t} advantage over {b} in mean lead time ({t} − {b}: {as_given})")
                }
                Verdict::Worse => {
                    format!("The {b} advantage over {t} in mean lead time ({t} − {b}: {as_given})")
                }
                Verdict::NotSignificant => format!(
                    "No significant difference in mean lead time between {t} and {b} ({t} − {b}: {as_given})"
                ),
                Verdict::Unstable => {
                    out.push(format!(
                        "{t} against {b} cannot be tested: with the settings as given, one of them cannot keep up (unstable), so their lead times only measure the run length and no difference of them means anything."
                    ));
                    continue;
                }
                Verdict::Undefined => {
                    out.push(format!(
                        "{t} against {b} cannot be tested: the paired difference of their lead times has no interval with the settings as given."
                    ));
                    continue;
                }
            };
            if settings.is_empty() {
                out.push(format!(
                    "{subject}: the scenario uses no coordination setting, so there is nothing to halve, double or switch off."
                ));
                continue;
            }
            let verb = if nominal.verdict == Verdict::NotSignificant {
                "stays so"
            } else {
                "holds"
            };
            let what = if settings.iter().all(|s| !s.can_switch_off()) {
                "halving and doubling"
            } else {
                "halving, doubling and switching off"
            };
            let n = settings.len();
            let of_settings = if n == 1 {
                format!(
                    "the one coordination setting the scenario uses ({})",
                    settings[0].label()
                )
            } else {
                format!("each of the {n} coordination settings the scenario uses")
            };
            let cases: Vec<(Setting, Variant, &Row)> = self
                .ranked(t)
                .into_iter()
                .flat_map(|s| {
                    [Variant::Halved, Variant::Doubled, Variant::Off]
                        .into_iter()
                        .filter_map(move |v| self.row(t, Some(s), v).map(|r| (s, v, r)))
                })
                .collect();
            let changed: Vec<String> = cases
                .iter()
                .filter(|(_, _, r)| r.changes)
                .map(|(s, v, r)| format!("{}: {}", case_name(*s, *v), verdict_words(r)))
                .collect();
            let mut text = if changed.is_empty() {
                format!("{subject} {verb} under {what} {of_settings}.")
            } else {
                format!(
                    "{subject} {verb} under {what} {of_settings} except {}.",
                    join(&changed)
                )
            };
            let unknown: Vec<String> = cases
                .iter()
                .filter(|(_, _, r)| !r.verdict.is_meaningful())
                .map(|(s, v, _)| case_name(*s, *v))
                .collect();
            if !unknown.is_empty() {
                let _ = write!(
                    text,
                    " {} nothing: a topology is unstable there (it cannot keep up, or does not settle within the run), so its lead times only measure the run length: {}.",
                    if unknown.len() == 1 {
                        "One case says".to_owned()
                    } else {
                        format!("{} cases say", unknown.len())
                    },
                    join(&unknown)
                );
            }
            out.push(text);
        }
        if self.replications < self.of {
            out.push(format!(
                "Each case ran {} of the run's {} replications, to keep `orgsim run` quick (`--depends full` runs all {}), with the same random streams as the settings as given, so the intervals are wider than the run's own.",
                self.replications, self.of, self.of
            ));
        } else {
            out.push(format!(
                "Each case ran the run's {} replications, with the same random streams as the settings as given.",
                self.of
            ));
        }
        out
    }

    /// The paired difference of a case, or why there is none.
    fn cell(&self, topology: &str, setting: Setting, variant: Variant) -> Option<String> {
        let r = self.row(topology, Some(setting), variant)?;
        Some(match r.verdict {
            Verdict::Unstable => "unstable".into(),
            Verdict::Undefined => "n/a".into(),
            _ => format!(
                "{} [{}, {}]",
                diff(r.difference.mean),
                diff(r.difference.ci_low),
                diff(r.difference.ci_high)
            ),
        })
    }

    /// The section for stdout.
    pub fn text(&self) -> String {
        let mut out = String::from(
            "\nWhat this depends on (each coordination setting halved, doubled, switched off; the others as given):\n",
        );
        for p in self.lead() {
            let _ = writeln!(out, "  {p}");
        }
        for t in self.topologies() {
            let b = self
                .row(t, None, Variant::Nominal)
                .map_or("", |r| r.baseline.as_str());
            let _ = writeln!(
                out,
                "  {t} − {b}, mean lead time, by setting (widest swing first):"
            );
            for s in self.ranked(t) {
                let parts: Vec<String> = [Variant::Halved, Variant::Doubled, Variant::Off]
                    .into_iter()
                    .filter_map(|v| {
                        let cell = self.cell(t, s, v)?;
                        let flag = if self.row(t, Some(s), v).is_some_and(|r| r.changes) {
                            " (verdict changes)"
                        } else {
                            ""
                        };
                        Some(format!("{} {cell}{flag}", v.name()))
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "    {} ({}): {}",
                    s.label(),
                    self.as_given(s),
                    parts.join(", ")
                );
            }
        }
        out
    }

    /// The setting's value as given, from its halved case.
    fn as_given(&self, s: Setting) -> String {
        let v = self
            .rows
            .iter()
            .find(|r| r.setting == s.key() && r.variant == Variant::Halved.name())
            .map_or(f64::NAN, |r| r.value / r.factor);
        if !v.is_finite() {
            return "differs by topology".into();
        }
        match s {
            Setting::EscalationProbability => numbers::sig(v),
            _ => format!("{} days", numbers::sig(v)),
        }
    }

    /// The section as JSON: the paragraphs and the rows.
    pub fn json(&self) -> serde_json::Value {
        let finite = |x: f64| if x.is_finite() { json!(x) } else { json!(null) };
        json!({
            "metric": METRIC.name(),
            "replications": self.replications,
            "of_replications": self.of,
            "answer": self.lead(),
            "cases": self.rows.iter().map(|r| json!({
                "setting": if r.setting.is_empty() { json!(null) } else { json!(r.setting) },
                "variant": r.variant,
                "factor": finite(r.factor),
                "value": finite(r.value),
                "topology": r.topology,
                "baseline": r.baseline,
                "difference": if r.verdict.is_meaningful() { finite(r.difference.mean) } else { json!(null) },
                "ci95_low": if r.verdict.is_meaningful() { finite(r.difference.ci_low) } else { json!(null) },
                "ci95_high": if r.verdict.is_meaningful() { finite(r.difference.ci_high) } else { json!(null) },
                "n": r.difference.n,
                "verdict": r.verdict.name(),
                "verdict_changes": r.changes,
            })).collect::<Vec<_>>(),
        })
    }

    /// The tornado of `topology` (halved and doubled) as an explore
    /// tornado, drawn by the same code.
    fn explore_data(&self, dir: &Path, topology: &str) -> Option<(ExploreData, Measure)> {
        let nominal = self.row(topology, None, Variant::Nominal)?;
        if !nominal.verdict.is_meaningful() {
            return None;
        }
        let baseline = nominal.baseline.clone();
        let settings = self.settings();
        let m = Measure {
            topology: topology.to_owned(),
            metric: METRIC.name().to_owned(),
            difference: true,
        };
        let mut rows = Vec::new();
        for s in &settings {
            for (v, index) in [(Variant::Halved, "low"), (Variant::Doubled, "high")] {
                let r = self.row(topology, Some(*s), v)?;
                let shown = |x: f64| {
                    if r.verdict.is_meaningful() {
                        x
                    } else {
                        f64::NAN
                    }
                };
                rows.push(IndexRow {
                    method: "tornado".into(),
                    assumption: s.label().into(),
                    topology: topology.to_owned(),
                    metric: m.metric.clone(),
                    quantity: "difference".into(),
                    index: index.into(),
                    estimate: shown(r.difference.mean),
                    low: shown(r.difference.ci_low),
                    high: shown(r.difference.ci_high),
                });
            }
        }
        let column = format!("{topology}-{baseline}:{}", m.metric);
        let d = &nominal.difference;
        let data = ExploreData {
            dir: dir.to_path_buf(),
            manifest: json!({
                "replications": self.replications,
                "tornado_ends": ["halved", "doubled"],
                "tornado_note": format!(
                    "each coordination setting alone halved and doubled, the others as given; whiskers: 95% CI over {} replications; dashed: as given",
                    self.replications
                ),
            }),
            method: "tornado".into(),
            baseline,
            topologies: vec![nominal.baseline.clone(), topology.to_owned()],
            assumptions: settings.iter().map(|s| s.label().to_owned()).collect(),
            rows,
            columns: vec![
                "point".into(),
                column.clone(),
                format!("{column}:ci95_low"),
                format!("{column}:ci95_high"),
            ],
            points: vec![vec![
                "0".into(),
                number(d.mean),
                number(d.ci_low),
                number(d.ci_high),
            ]],
        };
        Some((data, m))
    }

    /// The chart file stem of `topology`'s tornado.
    pub fn stem(topology: &str) -> String {
        format!("depends_{}_{}", METRIC.name(), file_safe(topology))
    }

    /// Draws each compared topology's tornado into `dir` (SVG and PNG).
    pub fn render(&self, dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
        let mut written = Vec::new();
        for t in self.topologies() {
            if let Some((data, m)) = self.explore_data(dir, t)
                && data.rows.iter().any(|r| r.estimate.is_finite())
            {
                let chart = ExploreChart::Tornado(m);
                for (ext, bytes) in [
                    ("svg", chart.svg(&data)?.into_bytes()),
                    ("png", chart.png(&data)?),
                ] {
                    let path = dir.join(format!("{}.{ext}", Self::stem(t)));
                    crate::util::atomic::write_atomic(&path, &bytes)
                        .map_err(|e| ChartError::io(&path, e))?;
                    written.push(path);
                }
            }
        }
        Ok(written)
    }

    /// The section of `report.html`: the answer, each topology's tornado
    /// and the table of every case.
    pub fn html(&self, dir: &Path) -> Result<String, ChartError> {
        let mut out = String::from("<h2 id=\"depends\">What this depends on</h2>\n");
        for p in self.lead() {
            let _ = writeln!(out, "<p class=\"lead\">{}</p>", escape(&p));
        }
        for t in self.topologies() {
            if let Some((data, m)) = self.explore_data(dir, t)
                && data.rows.iter().any(|r| r.estimate.is_finite())
            {
                let chart = ExploreChart::Tornado(m);
                super::html::figure(
                    &mut out,
                    &format!("What moves {t} − {}", data.baseline),
                    &chart.svg(&data)?,
                    "Longest bar first: each coordination setting alone halved (blue) and doubled (orange), the others as given; the dashed line is the difference with the settings as given, the solid line zero. A case where a topology is unstable has no bar (such rows come last); switching a setting off is in the table below.",
                    &Self::stem(t),
                );
            }
            let b = self
                .row(t, None, Variant::Nominal)
                .map_or("", |r| r.baseline.as_str());
            let _ = writeln!(
                out,
                "<table>\n<thead><tr><th>{} − {}, mean lead time</th><th>as given</th><th>halved</th><th>doubled</th><th>off</th></tr></thead>\n<tbody>",
                escape(t),
                escape(b)
            );
            for s in self.ranked(t) {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td>",
                    escape(s.label()),
                    escape(&self.as_given(s))
                );
                for v in [Variant::Halved, Variant::Doubled, Variant::Off] {
                    match (self.cell(t, s, v), self.row(t, Some(s), v)) {
                        (Some(cell), Some(r)) if r.changes => {
                            let _ = write!(
                                out,
                                "<td class=\"sig\">{}<br><span class=\"ci\">verdict changes: {}</span></td>",
                                escape(&cell),
                                escape(&verdict_words(r))
                            );
                        }
                        (Some(cell), _) => {
                            let _ = write!(out, "<td>{}</td>", escape(&cell));
                        }
                        _ => out.push_str("<td class=\"ns\">not tried</td>"),
                    }
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Ok(out)
    }
}

fn diff(x: f64) -> String {
    numbers::diff(METRIC.name(), x)
}

/// E.g. "intake cadence halved", "decision time switched off (no decision
/// step)".
fn case_name(s: Setting, v: Variant) -> String {
    match v {
        Variant::Off => format!("{} switched off ({})", s.label(), s.off_label()),
        _ => format!("{} {}", s.label(), v.name()),
    }
}

/// What a case's verdict says, e.g. "single-threaded better", "no
/// significant difference".
fn verdict_words(r: &Row) -> String {
    let interval = format!(
        "{} [{}, {}]",
        diff(r.difference.mean),
        diff(r.difference.ci_low),
        diff(r.difference.ci_high)
    );
    match r.verdict {
        Verdict::Better => format!("{} better, {interval}", r.topology),
        Verdict::Worse => format!("{} better, {interval}", r.baseline),
        Verdict::NotSignificant => format!("no significant difference, {interval}"),
        Verdict::Unstable => "unstable: a topology cannot keep up, no number means anything".into(),
        Verdict::Undefined => "no interval".into(),
    }
}

/// "a", "a; and b", "a; b; and c": the items hold commas of their own.
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}; and {last}", init.join("; ")),
    }
}
