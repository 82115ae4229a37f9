//! `orgsim explore`: which uncertain assumption decides the answer; the work
//! is done by `experiment::explore`.

use std::path::PathBuf;

use serde_json::json;

use super::{Failure, source, stdio};
use crate::cli::{ExploreArgs, ExploreMethod};
use orgsim::experiment::explore::{self, Assumption, Belief, Direction, Method, Study};
use orgsim::model::Metric;
use orgsim::report::charts::numbers::{Better, better};
use orgsim::report::explore_csv;
use orgsim::util::atomic::write_atomic;

/// The metrics measured when `--metric` is not given.
const DEFAULT_METRICS: [Metric; 3] = [
    Metric::LeadTimeMean,
    Metric::Throughput,
    Metric::CoordinationShare,
];

/// Runs the exploration `args` describe.
pub fn explore(args: &ExploreArgs) -> Result<(), Failure> {
    let scenario = source::load(Some(&args.scenario), &args.common.overrides)?;
    let (source_name, text) = source::text(&args.scenario)?;
    let mut assumptions = declared(&source_name, &text)?;
    for arg in &args.uncertain {
        let a = Assumption::parse(arg).map_err(Failure::BadInput)?;
        match assumptions.iter_mut().find(|b| b.path == a.path) {
            Some(b) => *b = a,
            None => assumptions.push(a),
        }
    }
    let metrics: Vec<String> = if args.metrics.is_empty() {
        DEFAULT_METRICS
            .iter()
            .map(|m| m.name().to_string())
            .collect()
    } else {
        args.metrics.clone()
    };
    let directions = metrics
        .iter()
        .map(|m| match better(m) {
            Better::Lower => Direction::Lower,
            Better::Higher => Direction::Higher,
            Better::Neither => Direction::Neither,
        })
        .collect();
    let method = match args.method {
        ExploreMethod::Tornado => Method::Tornado,
        ExploreMethod::Morris => Method::Morris,
        ExploreMethod::Sobol => Method::Sobol,
        ExploreMethod::Propagate => Method::Propagate,
        ExploreMethod::BreakEven => Method::BreakEven,
    };
    let paths: Vec<String> = assumptions.iter().map(|a| a.path.clone()).collect();
    let beliefs: Vec<String> = assumptions
        .iter()
        .map(|a| format!("{:?}", a.belief))
        .collect();
    let study = Study {
        source_name,
        text,
        overrides: args.common.overrides.clone(),
        assumptions,
        metrics: metrics.clone(),
        directions,
        replications: args.common.replications,
        seed: args.common.seed,
        topologies: args.common.topologies.clone(),
        threads: args.common.threads,
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-explore", scenario.name)));
    super::folder::prepare(&out, args.common.quiet)?;
    let seed = args.common.seed.unwrap_or(scenario.simulation.seed);
    let ex = {
        let bar = super::progress::bar(!args.common.quiet);
        explore::explore_with_progress(study, method, args.samples, seed, &bar)
    }
    .map_err(|e| match e {
        explore::ExploreError::BadInput(lines) => Failure::BadInput(lines.join("\n")),
    })?;
    let manifest = json!({
        "scenario": scenario.name,
        "method": method.name(),
        "samples": args.samples,
        "points": ex.points.len() + 1,
        "replications": args.common.replications.unwrap_or(scenario.simulation.replications),
        "seed": seed,
        "assumptions": paths.iter().zip(&beliefs).map(|(p, b)| json!({"path": p, "belief": b})).collect::<Vec<_>>(),
        "metrics": metrics,
        "topologies": ex.topologies,
        "baseline": ex.baseline,
        "noise_share": ex.quantities.iter().zip(&ex.noise_share).map(|(q, n)| json!({
            "topology": q.topology, "metric": q.metric, "quantity": q.kind(),
            "noise_share": if n.is_finite() { json!(n) } else { json!(null) },
        })).collect::<Vec<_>>(),
        "orgsim": env!("ORGSIM_VERSION"),
    });
    let files = [
        ("sensitivity.csv", explore_csv::sensitivity_csv(&ex)),
        ("points.csv", explore_csv::points_csv(&ex, &paths)),
        (
            "explore.json",
            serde_json::to_string_pretty(&manifest).expect("JSON of plain values") + "\n",
        ),
    ];
    for (name, body) in &files {
        write_atomic(&out.join(name), body.as_bytes())
            .map_err(|e| Failure::other(format!("{}: {e}", out.join(name).display())))?;
    }
    stdio::print(&explore_csv::summary(&ex))?;
    if !args.common.quiet {
        note!(
            "wrote sensitivity.csv, points.csv, explore.json in {} ({} points)",
            out.display(),
            ex.points.len() + 1
        );
    }
    Ok(())
}

/// The scenario's `[[uncertain]]` tables: `path` and either `dist` (a
/// distribution table) or `range = [min, max]`.
fn declared(source_name: &str, text: &str) -> Result<Vec<Assumption>, Failure> {
    let doc: toml::Table = text
        .parse()
        .map_err(|e| Failure::BadInput(format!("{source_name}: invalid TOML: {e}")))?;
    let Some(list) = doc.get("uncertain") else {
        return Ok(Vec::new());
    };
    let Some(list) = list.as_array() else {
        return Err(Failure::BadInput(format!(
            "{source_name}: uncertain: expected an array of tables ([[uncertain]])"
        )));
    };
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let at = |msg: String| {
            let line = entry
                .get("path")
                .and_then(|p| p.as_str())
                .and_then(|p| text.lines().position(|l| l.contains(&format!("\"{p}\""))))
                .map(|l| format!(":{}", l + 1))
                .unwrap_or_default();
            format!("{source_name}{line}: uncertain[{i}]: {msg}")
        };
        let Some(t) = entry.as_table() else {
            problems.push(at(
                "expected a table with `path` and `dist` or `range`".into()
            ));
            continue;
        };
        for key in t.keys() {
            if !["path", "dist", "range", "note"].contains(&key.as_str()) {
                problems.push(at(format!(
                    "unknown key `{key}` (an uncertain assumption has path, dist or range, note)"
                )));
            }
        }
        let Some(path) = t.get("path").and_then(|p| p.as_str()) else {
            problems.push(at(
                "needs `path = \"...\"`, the --set path of the value".into()
            ));
            continue;
        };
        let belief = match (t.get("dist"), t.get("range")) {
            (Some(d), None) => Belief::from_value(d),
            (None, Some(r)) => match Belief::from_value(r) {
                Ok(Belief::Range { min, max }) => Ok(Belief::Range { min, max }),
                Ok(_) | Err(_) => Err("`range` is two numbers, [min, max]".into()),
            },
            _ => Err("needs exactly one of `dist` and `range`".into()),
        };
        match belief {
            Ok(belief) => out.push(Assumption {
                path: path.to_owned(),
                belief,
                integer: false,
            }),
            Err(e) => problems.push(at(format!("`{path}`: {e}"))),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Failure::BadInput(problems.join("\n")))
    }
}
