//! What the cost metrics of `[economics]` say per year, in plain words
//! (docs/model.md, "Cost of delay and people cost"): one line per topology
//! and one sentence per comparison with the baseline, for stdout (from the
//! results) and the report (from `summary.csv` and `comparison.csv`).

use super::charts::data::RunData;
use super::html::escape;
use crate::experiment::Experiment;
use crate::experiment::results::grows_with_run_length;
use crate::model::Metric;
use crate::model::spec::DEFAULT_DAYS_PER_YEAR;

/// A mean per day with its 95% interval, and the replications it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The mean.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
    /// Replications (or pairs).
    pub n: usize,
}

/// What the cost lines are read from.
pub trait Costs {
    /// The topologies, the first being the baseline.
    fn topologies(&self) -> Vec<String>;
    /// The summary of `metric` in `topology`, if written.
    fn stat(&self, topology: &str, metric: &str) -> Option<Estimate>;
    /// The paired difference (topology − baseline) of `metric`, if written
    /// and meaningful (not a metric that grows with the run length in an
    /// unstable topology).
    fn diff(&self, topology: &str, metric: &str) -> Option<Estimate>;
    /// Whether `topology` is unstable.
    fn unstable(&self, topology: &str) -> bool;
}

impl Costs for Experiment {
    fn topologies(&self) -> Vec<String> {
        self.topologies.iter().map(|t| t.name.clone()).collect()
    }

    fn stat(&self, topology: &str, metric: &str) -> Option<Estimate> {
        let s = self.summary(topology, metric)?;
        Some(Estimate {
            mean: s.mean,
            low: s.ci_low,
            high: s.ci_high,
            n: s.n,
        })
    }

    fn diff(&self, topology: &str, metric: &str) -> Option<Estimate> {
        let d = self.comparison(topology, metric)?.diff;
        (d.n > 0 && self.meaningful(topology, metric)).then_some(Estimate {
            mean: d.mean,
            low: d.ci_low,
            high: d.ci_high,
            n: d.n,
        })
    }

    fn unstable(&self, topology: &str) -> bool {
        self.topology(topology).is_some_and(|t| t.is_unstable())
    }
}

/// An amount of money with 3 significant digits and a k/M/bn suffix
/// (`4.12 M`, `830 k`, `-1.50 bn`).
pub fn money(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let a = x.abs();
    let (scaled, suffix) = if a >= 1e9 {
        (x / 1e9, " bn")
    } else if a >= 1e6 {
        (x / 1e6, " M")
    } else if a >= 1e3 {
        (x / 1e3, " k")
    } else {
        (x, "")
    };
    let s = scaled.abs();
    let digits = if s >= 100.0 {
        0
    } else if s >= 10.0 {
        1
    } else {
        2
    };
    format!("{scaled:.digits$}{suffix}")
}

/// `[low, high]` of money amounts.
fn interval(low: f64, high: f64) -> String {
    format!("[{}, {}]", money(low), money(high))
}

/// An estimate per day, scaled to a year of `year` days.
fn scaled(e: Estimate, year: f64) -> Estimate {
    Estimate {
        mean: e.mean * year,
        low: e.low * year,
        high: e.high * year,
        ..e
    }
}

/// Whether an estimate has an interval of positive width.
fn varies(e: &Estimate) -> bool {
    e.n >= 2 && e.low < e.high
}

/// The cost metrics, in output order.
const COSTS: [Metric; 3] = [Metric::DelayCost, Metric::PeopleCost, Metric::TotalCost];

/// How a cost metric is named in the lines.
fn part(m: Metric) -> &'static str {
    match m {
        Metric::DelayCost => "delay",
        Metric::PeopleCost => "people",
        _ => "total",
    }
}

/// The yearly cost of each topology (`year` working days), one line each:
/// `matrix  delay 42.1 M [40.3 M, 43.9 M]   people 7.88 M   total ...`.
/// Empty when no topology has a cost metric.
pub fn topology_lines(c: &dyn Costs, year: f64) -> Vec<String> {
    let names = c.topologies();
    let metrics: Vec<Metric> = COSTS
        .into_iter()
        .filter(|m| names.iter().any(|t| c.stat(t, m.name()).is_some()))
        .collect();
    if metrics.is_empty() {
        return Vec::new();
    }
    let width = names.iter().map(String::len).max().unwrap_or(8);
    names
        .iter()
        .map(|t| {
            let cells: Vec<String> = metrics
                .iter()
                .map(|m| {
                    let what = part(*m);
                    match c.stat(t, m.name()) {
                        _ if c.unstable(t) && m.info().grows_with_run_length => {
                            format!("{what} unstable")
                        }
                        Some(s) if s.mean.is_finite() => {
                            let s = scaled(s, year);
                            if varies(&s) {
                                format!("{what} {} {}", money(s.mean), interval(s.low, s.high))
                            } else {
                                format!("{what} {}", money(s.mean))
                            }
                        }
                        _ => format!("{what} n/a"),
                    }
                })
                .collect();
            format!("{t:width$}  {}", cells.join("   "))
        })
        .collect()
}

/// What `topology` saves or costs per year (`year` working days) against
/// the baseline: "single-threaded saves 18.5 M per year [14.1 M, 22.9 M] of
/// delay for 150 k less per year in people; in all it saves ...". `None`
/// when it has no cost metric.
pub fn sentence(c: &dyn Costs, topology: &str, year: f64) -> Option<String> {
    let has = |m: Metric| c.stat(topology, m.name()).is_some();
    let diff = |m: Metric| c.diff(topology, m.name()).map(|d| scaled(d, year));
    let mut parts = Vec::new();
    if has(Metric::DelayCost) {
        parts.push(match diff(Metric::DelayCost) {
            None => {
                "has no meaningful cost of delay to compare (a topology is unstable)".to_owned()
            }
            Some(d) => change(&d, " of delay", "saves", "loses"),
        });
    }
    if has(Metric::PeopleCost) {
        let alone = parts.is_empty();
        parts.push(match diff(Metric::PeopleCost) {
            None => "people cost n/a".to_owned(),
            Some(d) if alone => format!("costs {}", people(&d)),
            Some(d) => people(&d),
        });
    }
    if parts.is_empty() {
        return None;
    }
    let mut s = format!("{topology} {}", parts.join(" for "));
    if has(Metric::TotalCost)
        && let Some(d) = diff(Metric::TotalCost)
    {
        s.push_str("; in all it ");
        s.push_str(&change(&d, "", "saves", "costs"));
    }
    s.push('.');
    Some(s)
}

/// "saves 4.12 M per year [3.80 M, 4.40 M] of delay", or "makes no
/// significant difference of delay (...)" when the interval holds 0.
fn change(d: &Estimate, what: &str, less: &str, more: &str) -> String {
    if varies(d) && d.low <= 0.0 && d.high >= 0.0 {
        return format!(
            "makes no significant difference{what} ({} per year {})",
            money(d.mean),
            interval(d.low, d.high)
        );
    }
    let ci = if varies(d) {
        let (a, b) = (d.low.abs(), d.high.abs());
        format!(" {}", interval(a.min(b), a.max(b)))
    } else {
        String::new()
    };
    let verb = if d.mean < 0.0 { less } else { more };
    format!("{verb} {} per year{ci}{what}", money(d.mean.abs()))
}

/// "300 k more per year in people", "the same in people": the people cost
/// does not vary between replications, so it has no interval.
fn people(d: &Estimate) -> String {
    if d.mean == 0.0 {
        "the same in people".to_owned()
    } else if d.mean > 0.0 {
        format!("{} more per year in people", money(d.mean))
    } else {
        format!("{} less per year in people", money(-d.mean))
    }
}

impl Costs for RunData {
    fn topologies(&self) -> Vec<String> {
        self.topologies.clone()
    }

    fn stat(&self, topology: &str, metric: &str) -> Option<Estimate> {
        let s = RunData::stat(self, topology, metric)?;
        Some(Estimate {
            mean: s.mean,
            low: s.low,
            high: s.high,
            n: s.n as usize,
        })
    }

    fn diff(&self, topology: &str, metric: &str) -> Option<Estimate> {
        let unstable = self.is_unstable(topology) || self.is_unstable(self.baseline());
        if unstable && grows_with_run_length(metric) {
            return None;
        }
        let d = RunData::diff(self, topology, metric)?;
        Some(Estimate {
            mean: d.mean,
            low: d.low,
            high: d.high,
            n: self.replications() as usize,
        })
    }

    fn unstable(&self, topology: &str) -> bool {
        self.is_unstable(topology)
    }
}

/// The working days in a year of the scenario run into `data`'s folder
/// (`economics.days_per_year` of the resolved scenario in its manifest),
/// or `None` when it has no `[economics]`.
fn days_per_year(data: &RunData) -> Option<f64> {
    let resolved = &data.manifest.as_ref()?.scenario_resolved;
    let doc: toml::Table = resolved.parse().ok()?;
    let e = doc.get("economics")?.as_table()?;
    Some(match e.get("days_per_year") {
        Some(toml::Value::Integer(i)) => *i as f64,
        Some(toml::Value::Float(x)) => *x,
        _ => DEFAULT_DAYS_PER_YEAR,
    })
}

/// The report's "What it costs" section, or `None` when the run has no
/// cost metric.
pub fn html_section(data: &RunData) -> Option<String> {
    let year = days_per_year(data)?;
    let lines = topology_lines(data, year);
    if lines.is_empty() {
        return None;
    }
    let mut out = format!(
        "<h2>What it costs</h2>\n<p>Per year of {year} working days, from the rates of the scenario's [economics]: the cost of delay (each item's lead time times its stream's rate) and what the people, leaders, executive and bar raisers cost. Mean over the replications, with its 95% confidence interval.</p>\n<ul>\n"
    );
    for line in lines {
        out.push_str(&format!(
            "<li><code>{}</code></li>\n",
            escape(line.trim_end())
        ));
    }
    out.push_str("</ul>\n");
    for t in data.topologies.iter().skip(1) {
        if let Some(s) = sentence(data, t, year) {
            out.push_str(&format!("<p>{}</p>\n", escape(&s)));
        }
    }
    Some(out)
}

/// The cost lines of a run for stdout, or `None` when the scenario has no
/// `[economics]`.
pub fn lines(exp: &Experiment) -> Option<String> {
    let e = exp.scenario.model.economics.as_ref()?;
    let year = e.days_per_year;
    let mut out = format!("\ncosts per year ({year} working days; mean [95% CI]):\n");
    for line in topology_lines(exp, year) {
        out.push_str(&format!("  {line}\n"));
    }
    let names = Costs::topologies(exp);
    for t in names.iter().skip(1) {
        if let Some(s) = sentence(exp, t, year) {
            out.push_str(&format!("{t} vs {}: {s}\n", names[0]));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_with_three_significant_digits() {
        assert_eq!(money(4_123_000.0), "4.12 M");
        assert_eq!(money(830_400.0), "830 k");
        assert_eq!(money(-1_500_000_000.0), "-1.50 bn");
        assert_eq!(money(12.5), "12.5");
        assert_eq!(money(f64::NAN), "n/a");
    }

    #[test]
    fn a_saving_reads_as_a_saving_with_its_interval_in_order() {
        let d = Estimate {
            mean: -4.1e6,
            low: -4.4e6,
            high: -3.8e6,
            n: 30,
        };
        assert_eq!(
            change(&d, " of delay", "saves", "loses"),
            "saves 4.10 M per year [3.80 M, 4.40 M] of delay"
        );
        let zero = Estimate {
            low: -1.0,
            high: 2.0,
            mean: 0.5,
            n: 30,
        };
        assert!(change(&zero, "", "saves", "costs").starts_with("makes no significant difference"));
        let more = Estimate {
            mean: 3e5,
            low: 3e5,
            high: 3e5,
            n: 30,
        };
        assert_eq!(people(&more), "300 k more per year in people");
    }
}
