//! The reorganization as a transition (docs/model.md, "The reorganization
//! as a transition"): a switch at day 0 without a ramp is the target
//! topology exactly, a switch after the horizon the source exactly; the
//! ramp's efficiency on one station, exactly; no item lost or duplicated
//! across the switch; the validation of `[[transitions]]`; `check` lists
//! each transition.

use std::collections::BTreeSet;

use orgsim::experiment::{Experiment, RunOptions};
use orgsim::scenario::{Override, Problem, load_str};

use crate::support::{orgsim, run_with, text};

/// The small reorganization of `tests/cases/reorg-small.toml`.
fn small() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cases/reorg-small.toml"
    ))
    .unwrap()
}

/// `small()` with its transition at day `at` and without a ramp.
fn small_at(at: &str) -> String {
    small()
        .replace("at = 60\n", &format!("at = {at}\n"))
        .replace("ramp = { days = 40, start = 0.5 }\n", "")
}

/// Runs `toml` keeping the items, on 2 threads.
fn run_items(toml: &str) -> Experiment {
    run_with(
        toml,
        RunOptions {
            keep_items: true,
            threads: Some(2),
            ..RunOptions::default()
        },
    )
}

/// Asserts that topologies `a` and `b` of `exp` have the same metrics
/// (names and every replication's value, NaN equal to NaN) and the same
/// completed items.
fn assert_same(exp: &Experiment, a: &str, b: &str) {
    let (ta, tb) = (exp.topology(a).unwrap(), exp.topology(b).unwrap());
    assert_eq!(ta.metric_names, tb.metric_names, "{a} vs {b}: metric names");
    for (m, name) in ta.metric_names.iter().enumerate() {
        let (va, vb) = (&ta.values[m], &tb.values[m]);
        let same = va
            .iter()
            .zip(vb)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()));
        assert!(same, "{a} vs {b}: {name}: {va:?} vs {vb:?}");
    }
    assert!(!ta.items.is_empty() && ta.items[0].len() > 100);
    assert_eq!(ta.items, tb.items, "{a} vs {b}: the items");
}

#[test]
fn a_switch_at_day_0_without_a_ramp_is_the_target_topology_exactly() {
    let exp = run_items(&small_at("0"));
    assert_same(&exp, "reorg", "single-threaded");
}

#[test]
fn a_switch_after_the_horizon_is_the_source_topology_exactly() {
    // The window ends at day 220; a switch at its very end or later never happens.
    for at in ["220", "5000"] {
        let exp = run_items(&small_at(at));
        assert_same(&exp, "reorg", "matrix");
    }
}

#[test]
fn a_switch_inside_the_window_differs_from_both() {
    let exp = run_items(&small());
    let lead = |t: &str| {
        exp.topology(t)
            .unwrap()
            .metric("lead_time_mean")
            .unwrap()
            .to_vec()
    };
    assert_ne!(lead("reorg"), lead("matrix"));
    assert_ne!(lead("reorg"), lead("single-threaded"));
}

/// Items arrive every 3 days, each one task of 1 person-day for a team of
/// one; nothing else takes time. The team is replaced at day `at` by a new
/// team of one (who moved) with `ramp`.
fn station(at: &str, ramp: &str) -> String {
    format!(
        r#"name = "ramp"
[simulation]
warmup = 0
horizon = 150
replications = 1
seed = 3

[[workload.streams]]
name = "s"
interarrival = 3
item = "job"

[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = 1 }} ]

[organization]
people = {{ eng = 1 }}

[coordination]
context_switch = 0

[[topologies]]
name = "old"
kind = "matrix"

[[topologies]]
name = "new"
kind = "custom"
teams = [ {{ name = "newcomers", people = {{ eng = 1 }}, owns = ["s"] }} ]

[[transitions]]
name = "move"
from = "old"
to = "new"
at = {at}
{ramp}
"#
    )
}

#[test]
fn a_task_started_after_the_switch_takes_its_effort_over_the_ramped_efficiency() {
    let exp = run_items(&station("60", "ramp = { days = 40, start = 0.5 }"));
    let items = &exp.topology("move").unwrap().items[0];
    assert_eq!(
        items.len(),
        49,
        "one item every 3 days from day 3, the last done by day 148"
    );
    assert_eq!(items[0].arrival, 3.0);
    for it in items {
        // No queue (a task takes at most 2 days) and no coordination: the
        // lead time is the service time.
        let expected = if it.arrival < 60.0 {
            1.0
        } else {
            1.0 / (0.5 + 0.5 * ((it.arrival - 60.0) / 40.0).min(1.0))
        };
        assert!(
            (it.lead_time() - expected).abs() < 1e-12,
            "item arriving at {}: lead time {} expected {expected}",
            it.arrival,
            it.lead_time()
        );
    }
    // Items arriving on days 60 to 99 are slower; from day 100 at full speed.
    assert!(
        items
            .iter()
            .any(|i| i.arrival == 60.0 && i.lead_time() == 2.0)
    );
}

#[test]
fn a_task_in_service_at_the_switch_keeps_its_remaining_effort() {
    // The item of day 60 has worked half a day at the switch (60.5); its
    // remaining 0.5 person-day, by a moved person at efficiency 0.5 right
    // after the switch, takes one day: done at 61.5.
    let exp = run_items(&station("60.5", "ramp = { days = 40, start = 0.5 }"));
    let items = &exp.topology("move").unwrap().items[0];
    let it = items.iter().find(|i| i.arrival == 60.0).unwrap();
    assert!((it.done - 61.5).abs() < 1e-12, "done at {}", it.done);
    // Without a ramp it simply finishes on time.
    let exp = run_items(&station("60.5", ""));
    let items = &exp.topology("move").unwrap().items[0];
    let it = items.iter().find(|i| i.arrival == 60.0).unwrap();
    assert!((it.done - 61.0).abs() < 1e-12, "done at {}", it.done);
}

#[test]
fn no_item_is_lost_or_duplicated_across_the_switch() {
    // Long waits in the matrix's intake (cadence, decisions) put much work
    // in flight at the switch: every arrival is either done once or still
    // in flight, at every sample of the flow, as in the plain topologies.
    let exp = run_with(
        &small().replace("warmup = 20", "warmup = 0"),
        RunOptions {
            keep_items: true,
            flow_charts: true,
            threads: Some(1),
            replications: Some(2),
            ..RunOptions::default()
        },
    );
    let reorg = exp.topology("reorg").unwrap();
    let matrix = exp.topology("matrix").unwrap();
    assert!(!reorg.flow.is_empty());
    for (s, m) in reorg.flow.iter().zip(&matrix.flow) {
        assert_eq!(s.time, m.time);
        // The arrivals are the same draws whatever the organization.
        assert_eq!(s.arrived, m.arrived, "day {}", s.time);
        assert_eq!(
            s.arrived,
            s.intake + s.backlog + s.in_progress + s.done,
            "day {}",
            s.time
        );
    }
    let at_switch = reorg.flow.iter().find(|s| s.time >= 60.0).unwrap();
    assert!(
        at_switch.intake + at_switch.backlog + at_switch.in_progress > 5,
        "work in flight at the switch"
    );
    for (r, items) in reorg.items.iter().enumerate() {
        let mut seen = BTreeSet::new();
        for it in items {
            assert!(seen.insert((it.stream, it.index)), "item done twice");
            assert!(it.done >= it.arrival);
        }
        // Every stream's items are done up to a few still in flight at the
        // end: nothing stuck at the switch.
        for k in 0..2 {
            let done: Vec<u64> = seen
                .iter()
                .filter(|(s, _)| *s == k)
                .map(|(_, i)| *i)
                .collect();
            let last = *done.last().unwrap();
            let missing = (0..=last).filter(|i| !done.contains(i)).count();
            assert!(
                missing < 15,
                "replication {r} stream {k}: {missing} missing"
            );
            let stuck = (0..=last)
                .filter(|i| !done.contains(i))
                .any(|i| i + 40 < last);
            assert!(
                !stuck,
                "replication {r} stream {k}: an old item was never done"
            );
        }
    }
}

/// The single problem of `toml` with `sets` applied.
fn only(toml: &str, sets: &[&str]) -> Problem {
    let sets: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    let err = load_str("t.toml", toml, &sets).expect_err("should not load");
    assert_eq!(err.problems.len(), 1, "{err}");
    err.problems.into_iter().next().unwrap()
}

#[test]
fn bad_transitions_are_refused_with_path_and_line() {
    let base = small();
    let line = |needle: &str| base.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "to = \"single-threaded\"",
            "to = \"single-threadd\"",
            "transitions[0].to",
            "unknown topology `single-threadd`; did you mean `single-threaded`?",
        ),
        (
            "to = \"single-threaded\"",
            "to = \"matrix\"",
            "transitions[0].to",
            "the same topology as `from`",
        ),
        (
            "name = \"reorg\"",
            "name = \"matrix\"",
            "transitions[0].name",
            "already a topology's name",
        ),
        ("at = 60", "at = -1", "transitions[0].at", "must be >= 0"),
        (
            "ramp = ",
            "ramp = { days = 0, start = 0.5 }\n#",
            "transitions[0].ramp.days",
            "must be > 0",
        ),
        (
            "ramp = ",
            "ramp = { days = 10, start = 0 }\n#",
            "transitions[0].ramp.start",
            "(0, 1]",
        ),
    ];
    for (from, to, path, message) in cases {
        let at = line(from);
        let p = only(&base.replacen(from, to, 1), &[]);
        assert_eq!(p.path, path, "{p}");
        assert_eq!(p.line, Some(at), "{p}");
        assert!(p.message.contains(message), "{p}");
    }
    let p = only(&base, &["transitions.0.at=-3"]);
    assert_eq!(p.path, "transitions[0].at");
    assert!(p.message.contains("--set"), "{p}");
    let p = only(&base.replace("ramp = ", "speed = 1\nramp = "), &[]);
    assert_eq!(p.path, "transitions[0].speed");
}

#[test]
fn a_set_override_moves_the_switch() {
    let sets = [Override::parse("transitions.reorg.at=5000").unwrap()];
    let sc = load_str("t.toml", &small(), &sets).unwrap();
    let t = sc.model.topologies[2].transition.as_ref().unwrap();
    assert_eq!(
        (t.at, t.from.as_str(), t.to.name.as_str()),
        (5000.0, "matrix", "single-threaded")
    );
}

#[test]
fn check_lists_each_transition_and_an_invalid_one_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), small()).unwrap();
    let out = orgsim(&["check", "r.toml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("reorg: matrix -> single-threaded at day 60; 6 of 6 people change team"),
        "{stdout}"
    );
    std::fs::write(
        dir.path().join("bad.toml"),
        small().replace("at = 60", "at = -1"),
    )
    .unwrap();
    let out = orgsim(&["check", "bad.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("bad.toml:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn every_bundled_pair_of_topologies_switches_both_ways_without_losing_an_item() {
    // Swarms, cross-trained people, WIP limits, bar raisers, platforms,
    // coupling, shared leaders: the switch meets every mechanism's work in
    // flight (a debug build also checks that no person idles beside work).
    let mut pairs = 0;
    for b in orgsim::scenario::bundled::ALL {
        let sc = crate::support::scenario(b.text);
        let names: Vec<String> = sc.model.topologies.iter().map(|t| t.name.clone()).collect();
        if names.len() < 2 {
            continue;
        }
        for (from, to) in [(&names[0], &names[1]), (&names[1], &names[0])] {
            let text = format!(
                "{}\n[[transitions]]\nname = \"move\"\nfrom = \"{from}\"\nto = \"{to}\"\nat = 80\nramp = {{ days = 30, start = 0.4 }}\n",
                b.text
            );
            let exp = run_with(
                &text,
                RunOptions {
                    replications: Some(1),
                    topologies: vec![from.clone(), "move".into()],
                    flow_charts: true,
                    threads: Some(1),
                    ..RunOptions::default()
                },
            );
            let (moved, stayed) = (exp.topology("move").unwrap(), exp.topology(from).unwrap());
            for (s, f) in moved.flow.iter().zip(&stayed.flow) {
                let label = format!("{} {from} -> {to}, day {}", b.name, s.time);
                assert_eq!(s.arrived, f.arrived, "{label}");
                assert_eq!(
                    s.arrived,
                    s.intake + s.backlog + s.in_progress + s.done,
                    "{label}"
                );
                assert!(s.fix_arrived >= s.fix_done, "{label}");
            }
            assert!(
                moved.metric("throughput").unwrap()[0] > 0.0,
                "{} {from} -> {to}",
                b.name
            );
            assert!(moved.flow.len() > 10, "{}: the flow is sampled", b.name);
            pairs += 1;
        }
    }
    assert!(pairs >= 16, "{pairs} switches tried");
}

#[test]
fn a_transition_gives_the_same_numbers_on_any_number_of_threads() {
    let on = |threads: usize| {
        run_with(
            &small(),
            RunOptions {
                keep_items: true,
                threads: Some(threads),
                ..RunOptions::default()
            },
        )
    };
    let (one, two) = (on(1), on(2));
    let (a, b) = (
        one.topology("reorg").unwrap(),
        two.topology("reorg").unwrap(),
    );
    assert_eq!(a.metric_names, b.metric_names);
    for (m, name) in a.metric_names.iter().enumerate() {
        let same = (a.values[m].iter().zip(&b.values[m]))
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()));
        assert!(same, "{name}");
    }
    assert_eq!(a.items, b.items);
}
