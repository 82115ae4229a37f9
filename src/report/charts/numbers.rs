//! How numbers read in charts, captions and the report: three significant
//! digits, percentages for shares, proper minus signs.

use crate::model::metric::{self, MetricId, Scope};
pub use crate::model::metric::{Better, Unit};

/// The unit of `metric` (any scope; plain for a name outside the
/// catalogue).
pub fn unit(metric: &str) -> Unit {
    metric::info(metric).map_or(Unit::Plain, |i| i.unit)
}

/// Which way is better for `metric` (any scope; neither for a name outside
/// the catalogue).
pub fn better(metric: &str) -> Better {
    metric::info(metric).map_or(Better::Neither, |i| i.better)
}

/// A human name for `metric`: the catalogue's label for an
/// organization-wide metric, the name itself (underscores as spaces)
/// otherwise.
pub fn label(metric: &str) -> String {
    match MetricId::parse(metric) {
        Some(MetricId {
            scope: Scope::All,
            metric,
        }) => metric.info().label.into(),
        _ => metric.replace('_', " "),
    }
}

/// The axis description of `metric`, with its unit.
pub fn axis_label(metric: &str) -> String {
    match unit(metric) {
        Unit::Days => format!("{} (days)", label(metric)),
        Unit::PerDay => format!("{} (items completed per day)", label(metric)),
        Unit::Share => format!("{} (%)", label(metric)),
        Unit::Plain => label(metric),
    }
}

/// `x` with three significant digits (no unit); `n/a` when not finite.
pub fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    let s = if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else if a >= 0.01 {
        format!("{x:.3}")
    } else if a >= 0.0001 {
        format!("{x:.4}")
    } else {
        format!("{x:.1e}")
    };
    minus(&s)
}

/// `x` with at most three significant digits and no trailing zeros
/// (`0.5`, `0.652`, `12.5`, `300`): for parameter values.
pub fn compact(x: f64) -> String {
    let s = sig(x);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Replaces ASCII hyphen-minus signs by the typographic minus.
pub fn minus(s: &str) -> String {
    s.replace('-', "\u{2212}")
}

/// A percentage of a share `x` with `decimals` decimals.
pub fn pct(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    minus(&format!("{:.*}%", decimals, 100.0 * x))
}

/// A value of `metric` with its unit, e.g. `28.3 days`, `1.14/day`, `64.9%`.
pub fn value(metric: &str, x: f64) -> String {
    value_in(unit(metric), x)
}

/// A value in `unit`, e.g. `28.3 days`, `1.14/day`, `64.9%`.
pub fn value_in(unit: Unit, x: f64) -> String {
    match unit {
        Unit::Days => format!("{} days", sig(x)),
        Unit::PerDay => format!("{}/day", sig(x)),
        Unit::Share => pct(x, 1),
        Unit::Plain => sig(x),
    }
}

/// A value of `metric` without the unit word (days), for dense labels.
pub fn short(metric: &str, x: f64) -> String {
    match unit(metric) {
        Unit::Share => pct(x, 1),
        _ => sig(x),
    }
}

/// A signed difference of `metric`: days, items/day, or percentage points.
pub fn diff(metric: &str, x: f64) -> String {
    diff_in(unit(metric), x)
}

/// A signed difference in `unit`: days, items/day, or percentage points.
pub fn diff_in(unit: Unit, x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let sign = if x > 0.0 { "+" } else { "" };
    match unit {
        Unit::Share => minus(&format!("{sign}{:.1} pp", 100.0 * x)),
        Unit::Days => format!("{}{} d", sign, sig(x)),
        _ => format!("{sign}{}", sig(x)),
    }
}

/// A signed relative change, e.g. `+4.2%`, `−44.9%`.
pub fn rel(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let sign = if x > 0.0 { "+" } else { "" };
    minus(&format!("{sign}{:.1}%", 100.0 * x))
}

/// A number for an axis tick: as few digits as read well.
pub fn tick(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    let s = if a >= 1000.0 || (a >= 1.0 && (x - x.round()).abs() < 1e-9) {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 0.1 {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').to_string()
    } else {
        format!("{x:.3}")
    };
    minus(&s)
}

/// How a paired difference `d` against a baseline mean `base` reads, e.g.
/// `44.9% shorter (95% CI 42.9–46.9%)`, or `no significant difference
/// (−0.1%, 95% CI −2.9% to +2.7%)` when the interval contains 0. `up` and
/// `down` are the words for an increase and a decrease. The relative
/// interval is the difference's interval divided by the baseline mean.
pub fn change(d: &super::data::Diff, base: f64, up: &str, down: &str) -> String {
    let usable = base.is_finite() && base.abs() > 1e-12;
    if !usable || !d.mean.is_finite() {
        return "no comparison possible (undefined in one of them)".into();
    }
    let (r, lo, hi) = (d.mean / base, d.low / base, d.high / base);
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if !(d.low > 0.0 || d.high < 0.0) {
        let ci = if lo.is_finite() && hi.is_finite() {
            format!(", 95% CI {} to {}", rel(lo), rel(hi))
        } else {
            String::new()
        };
        return format!("no significant difference ({}{ci})", rel(r));
    }
    let p = |x: f64| format!("{:.1}", 100.0 * x);
    if r < 0.0 {
        format!("{}% {down} (95% CI {}–{}%)", p(-r), p(-hi), p(-lo))
    } else {
        format!("{}% {up} (95% CI {}–{}%)", p(r), p(lo), p(hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_values_with_units() {
        assert_eq!(value("lead_time_mean", 28.345), "28.3 days");
        assert_eq!(value("throughput", 1.1426), "1.14/day");
        assert_eq!(value("coordination_share", 0.6623), "66.2%");
        assert_eq!(diff("lead_time_mean", -23.1), "\u{2212}23.1 d");
        assert_eq!(diff("coordination_share", 0.215), "+21.5 pp");
        assert_eq!(rel(-0.449), "\u{2212}44.9%");
        assert_eq!(sig(f64::NAN), "n/a");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(40.0), "40");
        assert_eq!(compact(0.5), "0.5");
        assert_eq!(compact(0.652), "0.652");
        assert_eq!(compact(300.0), "300");
    }

    #[test]
    fn phrases_changes_with_relative_intervals() {
        use super::super::data::Diff;
        let d = Diff {
            mean: -23.1,
            low: -24.1,
            high: -22.1,
            relative: -0.449,
        };
        assert_eq!(
            change(&d, 51.4, "longer", "shorter"),
            "44.9% shorter (95% CI 43.0–46.9%)"
        );
        let z = Diff {
            mean: -0.002,
            low: -0.009,
            high: 0.005,
            relative: -0.002,
        };
        assert_eq!(
            change(&z, 1.0, "more", "fewer"),
            "no significant difference (\u{2212}0.2%, 95% CI \u{2212}0.9% to +0.5%)"
        );
    }

    #[test]
    fn knows_units_and_directions() {
        assert_eq!(unit("tv-apps:lead_time_p85"), Unit::Days);
        assert_eq!(unit("queue_mean"), Unit::Days);
        assert_eq!(unit("wip_mean"), Unit::Plain);
        assert_eq!(unit("team:eng:utilization"), Unit::Share);
        assert_eq!(better("lead_time_p85"), Better::Lower);
        assert_eq!(better("flow_efficiency"), Better::Higher);
        assert_eq!(better("utilization"), Better::Neither);
        assert_eq!(unit("fix_throughput"), Unit::PerDay);
        assert_eq!(unit("warmup"), Unit::Days);
        assert_eq!(unit("no_such_mean"), Unit::Plain);
        assert_eq!(label("lead_time_p85"), "85th-percentile lead time");
        assert_eq!(label("tv-apps:lead_time_p85"), "tv-apps:lead time p85");
        assert_eq!(
            axis_label("fix_throughput"),
            "fix throughput (items completed per day)"
        );
        assert_eq!(
            axis_label("throughput"),
            "throughput (items completed per day)"
        );
    }
}
