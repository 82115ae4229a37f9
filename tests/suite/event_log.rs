//! `orgsim run --events`: the simulated event log of replication 0 is that
//! replication's items, in the columns `orgsim fit` reads, and asking for
//! it changes nothing else.

use std::collections::BTreeMap;

use crate::support::{orgsim, run_with, text};
use orgsim::experiment::{RunOptions, replay};
use orgsim::model::event_log::ExecutionKind;

#[test]
fn the_replayed_replication_is_replication_0() {
    let sc = orgsim::scenario::bundled::find("prime-video").unwrap().text;
    let options = RunOptions {
        replications: Some(2),
        topologies: vec!["single-threaded".into()],
        ..RunOptions::default()
    };
    let exp = run_with(sc, options);
    let t = exp.topology("single-threaded").unwrap();
    let warmup = t.metric("warmup").unwrap()[0];
    let (_, outcome) = replay::with_events(&exp.scenario, "single-threaded", 0, warmup).unwrap();
    for (m, (name, value)) in outcome.metrics.iter().enumerate() {
        let first = t.values[m][0];
        assert_eq!(&t.metric_names[m], name);
        assert!(
            value.to_bits() == first.to_bits() || (value.is_nan() && first.is_nan()),
            "{name}: {value} against {first}"
        );
    }
    // Every item completed is logged with all its tasks, in task order.
    assert!(!outcome.executions.is_empty());
    let done = t.metric("throughput").unwrap()[0];
    assert!(done > 0.0);
    for e in &outcome.executions {
        assert!(e.arrival <= e.start && e.start <= e.end, "{e:?}");
    }
    assert!(
        outcome
            .executions
            .iter()
            .any(|e| matches!(e.kind, ExecutionKind::Task(n) if n > 0))
    );
}

#[test]
fn the_log_file_respects_precedence_and_no_person_works_twice_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "run",
            "prime-video",
            "--reps",
            "1",
            "--depends",
            "off",
            "--no-plots",
            "-q",
            "--topology",
            "single-threaded",
            "--set",
            "quality.defect_probability=0",
            "--out",
            "res",
            "--events",
            "log.csv",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut r = csv::Reader::from_path(dir.path().join("log.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, orgsim::report::event_log::COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert!(rows.len() > 1000, "{}", rows.len());
    let num = |row: &csv::StringRecord, i: usize| row[i].parse::<f64>().unwrap();
    // Per item, task name → (start, end).
    let mut items: BTreeMap<String, BTreeMap<String, (f64, f64)>> = BTreeMap::new();
    let mut persons: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for row in &rows {
        let (start, end) = (num(row, 8), num(row, 9));
        assert!(num(row, 3) <= start && start <= end, "{row:?}");
        items
            .entry(row[0].to_string())
            .or_default()
            .insert(row[4].to_string(), (start, end));
        persons
            .entry(row[7].to_string())
            .or_default()
            .push((start, end));
    }
    // A feature's client starts after its design and backend both end.
    let mut features = 0;
    for tasks in items.values() {
        if let (Some(c), Some(d), Some(b)) = (
            tasks.get("client"),
            tasks.get("design"),
            tasks.get("backend"),
        ) {
            assert!(c.0 >= d.1 && c.0 >= b.1);
            features += 1;
        }
    }
    assert!(features > 100, "{features}");
    for (p, mut spans) in persons {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in spans.windows(2) {
            assert!(w[1].0 >= w[0].1, "{p} works on two tasks at once: {w:?}");
        }
    }
}

#[test]
fn a_log_file_for_several_topologies_is_refused_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "run",
            "prime-video",
            "--reps",
            "1",
            "-q",
            "--out",
            "res",
            "--events",
            "log.csv",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--topology"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("res").exists());
}
