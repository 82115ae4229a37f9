//! The files of `orgsim explore`: `sensitivity.csv` (long: one index per
//! row) and `points.csv` (every design point's values and results), and the
//! summary printed on stdout that leads with the answer.

use crate::experiment::explore::{Exploration, Method, SensitivityRow};

use super::csv_files::number;
use crate::experiment::results::grows_with_run_length;

/// `sensitivity.csv`: `method,assumption,topology,metric,quantity,index,estimate,ci95_low,ci95_high`.
pub fn sensitivity_csv(ex: &Exploration) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "method",
        "assumption",
        "topology",
        "metric",
        "quantity",
        "index",
        "estimate",
        "ci95_low",
        "ci95_high",
    ];
    w.write_record(header).expect("writing to memory");
    for r in &ex.rows {
        let q = &ex.quantities[r.quantity];
        w.write_record([
            r.method.name(),
            &r.assumption,
            &q.topology,
            &q.metric,
            q.kind(),
            r.index,
            &number(r.estimate.estimate),
            &number(r.estimate.ci95_low),
            &number(r.estimate.ci95_high),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV is UTF-8")
}

/// `points.csv`: one row per design point (the nominal point first, as
/// point 0), each assumption's value (empty: nominal), then per quantity its
/// mean and interval (`<topology>:<metric>` for values,
/// `<topology>-<baseline>:<metric>` for differences), and last the
/// topologies unstable at the point (space-separated; empty: none).
pub fn points_csv(ex: &Exploration, paths: &[String]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_owned()];
    header.extend(paths.iter().cloned());
    for q in &ex.quantities {
        let name = if q.difference {
            format!("{}-{}:{}", q.topology, ex.baseline, q.metric)
        } else {
            format!("{}:{}", q.topology, q.metric)
        };
        header.push(name.clone());
        header.push(format!("{name}:ci95_low"));
        header.push(format!("{name}:ci95_high"));
    }
    header.push("unstable".to_owned());
    w.write_record(&header).expect("writing to memory");
    for (i, p) in std::iter::once(&ex.nominal).chain(&ex.points).enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(p.values.iter().map(|v| v.map(number).unwrap_or_default()));
        for s in &p.results {
            row.extend([number(s.mean), number(s.ci_low), number(s.ci_high)]);
        }
        row.push(p.unstable.join(" "));
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV is UTF-8")
}

/// The warning that some design points have a topology that cannot keep up
/// (unstable at the point), and whether it is an error in the answer: true
/// when a measured metric of such a topology (or of the baseline, for the
/// paired differences) grows with the run length, so that the printed
/// indices mix in values that only measure the run length. `orgsim explore
/// --quiet` prints it only then (README, *Which assumption decides the
/// answer*).
pub fn unstable_warning(ex: &Exploration) -> Option<(String, bool)> {
    let all = std::iter::once(&ex.nominal).chain(&ex.points);
    let unstable = all.clone().filter(|p| !p.unstable.is_empty()).count();
    if unstable == 0 {
        return None;
    }
    let mut who: Vec<&str> = all
        .flat_map(|p| p.unstable.iter().map(String::as_str))
        .collect();
    who.sort_unstable();
    who.dedup();
    let hit = |t: &str| who.contains(&t);
    let in_answer = ex.quantities.iter().any(|q| {
        grows_with_run_length(&q.metric)
            && (hit(&q.topology) || (q.difference && hit(&ex.baseline)))
    });
    let points = ex.points.len() + 1;
    let who = who.join(" and ");
    let line = if in_answer {
        format!(
            "warning: at {unstable} of {points} points {who} cannot keep up (unstable): their lead times there only measure the run length, and the indices below mix them in; narrow the ranges, or lengthen simulation.warmup where it only fills slowly (points.csv lists the points)"
        )
    } else {
        format!(
            "warning: at {unstable} of {points} points {who} cannot keep up (unstable): work piles up there, although none of the metrics measured grows with the run length (points.csv lists the points)"
        )
    };
    Some((line, in_answer))
}

/// The stdout summary: per paired difference, what decides it, leading with
/// the answer (the warning of [`unstable_warning`] goes to stderr before it).
pub fn summary(ex: &Exploration) -> String {
    let mut out = String::new();
    let fmt = |x: f64| format!("{x:.3}");
    for (qi, q) in ex.quantities.iter().enumerate() {
        if !q.difference {
            continue;
        }
        let rows: Vec<&SensitivityRow> = ex.rows.iter().filter(|r| r.quantity == qi).collect();
        let nominal = ex.nominal.results[qi];
        out.push_str(&format!(
            "{} − {} on {}: {} [{}, {}] with every assumption nominal\n",
            q.topology,
            ex.baseline,
            q.metric,
            fmt(nominal.mean),
            fmt(nominal.ci_low),
            fmt(nominal.ci_high)
        ));
        match ex.method {
            Method::Tornado => {
                let mut swings: Vec<(&str, f64, f64, f64)> = Vec::new();
                for pair in rows.chunks(2) {
                    if let [lo, hi] = pair {
                        let (a, b) = (lo.estimate.estimate, hi.estimate.estimate);
                        swings.push((&lo.assumption, a, b, (b - a).abs()));
                    }
                }
                swings.sort_by(|x, y| y.3.total_cmp(&x.3));
                for (path, a, b, _) in swings {
                    let flips = nominal.mean.is_finite()
                        && (a.signum() != nominal.mean.signum()
                            || b.signum() != nominal.mean.signum());
                    out.push_str(&format!(
                        "  {path}: {} at its low end, {} at its high end{}\n",
                        fmt(a),
                        fmt(b),
                        if flips { "  — the verdict flips" } else { "" }
                    ));
                }
            }
            Method::BreakEven => {
                for r in rows {
                    let e = r.estimate;
                    if e.estimate.is_finite() {
                        out.push_str(&format!(
                            "  the difference crosses zero at {} = {} [{}, {}]\n",
                            r.assumption,
                            fmt(e.estimate),
                            fmt(e.ci95_low),
                            fmt(e.ci95_high)
                        ));
                    } else {
                        out.push_str(&format!("  {}: no crossing in range\n", r.assumption));
                    }
                }
            }
            Method::Propagate => {
                for r in rows {
                    let e = r.estimate;
                    out.push_str(&format!(
                        "  P({} better than {}) = {:.2} [{:.2}, {:.2}] over the assumptions' beliefs\n",
                        q.topology, ex.baseline, e.estimate, e.ci95_low, e.ci95_high
                    ));
                }
            }
            Method::Sobol | Method::Morris => {
                let key = if ex.method == Method::Sobol {
                    "ST"
                } else {
                    "mu_star"
                };
                let mut ranked: Vec<&&SensitivityRow> =
                    rows.iter().filter(|r| r.index == key).collect();
                ranked.sort_by(|a, b| b.estimate.estimate.total_cmp(&a.estimate.estimate));
                for r in ranked {
                    let e = r.estimate;
                    out.push_str(&format!(
                        "  {key} {}: {} [{}, {}]\n",
                        r.assumption,
                        fmt(e.estimate),
                        fmt(e.ci95_low),
                        fmt(e.ci95_high)
                    ));
                }
                let noise = ex.noise_share[qi];
                if noise.is_finite() {
                    out.push_str(&format!(
                        "  the replications' own noise is {:.1}% of the spread between points\n",
                        100.0 * noise
                    ));
                }
            }
        }
    }
    out
}
