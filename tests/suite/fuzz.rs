//! Fuzzing scenario loading, validation and a short simulation with
//! generated scenario documents: mutated bundled scenarios (random `--set`
//! overrides of any type at real and made-up paths, and raw text edits).
//! Nothing a user writes may panic or hang.
//!
//! The suite runs a quick batch; a long campaign is
//! `ORGSIM_FUZZ_CASES=200000 cargo test --release --test suite fuzz -- --nocapture`
//! (see README.md). A campaign of 10^6 generated scenarios (18 minutes)
//! found no panic; an input that ever does belongs in a test of its own in
//! this module, next to the fix.

use orgsim::experiment::{self, RunOptions};
use orgsim::report::csv_files;
use orgsim::scenario::{self, Override, bundled};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Generated scenarios that validated, and that ran to the end.
static VALID: AtomicUsize = AtomicUsize::new(0);

/// Paths that exist in the bundled scenarios, and some that do not.
const PATHS: &[&str] = &[
    "name",
    "simulation.warmup",
    "simulation.seed",
    "workload.load",
    "workload.streams.0.interarrival",
    "workload.streams.0.interarrival.mean",
    "workload.streams.0.interarrival.dist",
    "workload.streams.0.backlog",
    "workload.streams.0.backlog.wip",
    "workload.streams.0.item",
    "workload.streams.0.items",
    "workload.streams.0.weight",
    "workload.streams.1.name",
    "workload.items.feature.tasks.0.effort",
    "workload.items.feature.tasks.1.after",
    "workload.items.feature.tasks.2.skill",
    "workload.items.job.tasks.0.effort",
    "architecture.coupling",
    "architecture.platform",
    "architecture.platform_skills",
    "organization.people.eng",
    "organization.people",
    "coordination.handoff",
    "coordination.intake_cadence",
    "coordination.decision",
    "coordination.escalation.probability",
    "coordination.swarm",
    "quality.defect_probability",
    "quality.dilution",
    "topologies.0.kind",
    "topologies.0.swarm",
    "topologies.0.bar_raiser",
    "topologies.0.leaders",
    "topologies.0.queue",
    "topologies.0.leader_attention",
    "topologies.1.kind",
    "topologies.1.teams",
    "topologies.1.coordination.decision",
    "no.such.path",
    "topologies.7.name",
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1e-300".to_string()),
        Just("1e300".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("true".to_string()),
        Just("\"\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("custom".to_string()),
        Just("single-threaded-with-platform".to_string()),
        Just("{ dist = \"exponential\", mean = 0.001 }".to_string()),
        Just("{ dist = \"gamma\", mean = 5, cv = 30 }".to_string()),
        Just("{ dist = \"weibull\", shape = 0.01, scale = 1 }".to_string()),
        Just("{ dist = \"empirical\", values = [0, 0, 1e9] }".to_string()),
        Just("{ interval = 0.001, duration = 1e6, fraction = 1 }".to_string()),
        Just("{ reviewers = 1, review = 100, catch = 1 }".to_string()),
        Just("[{ name = \"x\", people = { eng = 1 }, owns = [\"tv-apps\"] }]".to_string()),
        Just("[{ name = \"l\", teams = [\"eng\", \"qa\"], attention = 0.01 }]".to_string()),
        (-1e6f64..1e6).prop_map(|x| format!("{x}")),
        (0u32..5000).prop_map(|x| x.to_string()),
        "[a-z ]{0,8}".prop_map(|s| s),
    ]
}

fn overrides() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop::sample::select(PATHS).prop_map(str::to_string),
            value(),
        ),
        0..4,
    )
}

/// A raw edit of the text: cut a slice, or insert a string.
fn text_edit() -> impl Strategy<Value = Option<(usize, usize, String)>> {
    prop_oneof![
        3 => Just(None),
        1 => (0usize..4000, 0usize..40, "[\\[\\]{}=\"., a-z0-9\n]{0,6}")
            .prop_map(|(at, cut, insert)| Some((at, cut, insert))),
    ]
}

/// Loads, validates and (if valid) runs one generated scenario with small,
/// bounded run parameters. Panics are the only failure.
fn exercise(base: &str, sets: &[(String, String)], edit: &Option<(usize, usize, String)>) {
    let mut text = base.to_string();
    if let Some((at, cut, insert)) = edit {
        let mut at = (*at).min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.replace_range(at..end, insert);
    }
    let mut parsed: Vec<Override> = sets
        .iter()
        .filter_map(|(p, v)| Override::parse(&format!("{p}={v}")).ok())
        .collect();
    // Keep every run short, whatever was generated.
    for bound in [
        "simulation.horizon=30",
        "simulation.replications=1",
        "simulation.max_wip=300",
        "simulation.max_events=200000",
    ] {
        parsed.push(Override::parse(bound).unwrap());
    }
    let Ok(sc) = scenario::load_str("fuzz.toml", &text, &parsed) else {
        return;
    };
    VALID.fetch_add(1, Ordering::Relaxed);
    let Ok(exp) = experiment::run(
        &sc,
        &RunOptions {
            threads: Some(1),
            keep_items: true,
            ..Default::default()
        },
    ) else {
        return;
    };
    csv_files::summary_csv(&exp).unwrap();
    csv_files::comparison_csv(&exp).unwrap();
    csv_files::items_csv(&exp).unwrap();
    orgsim::report::table::results(&exp);
    orgsim::model::capacity::analyse(&sc.model);
}

fn cases() -> u32 {
    std::env::var("ORGSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

#[test]
fn generated_scenarios_never_panic() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let bases: Vec<&'static str> = bundled::ALL.iter().map(|b| b.text).collect();
    let strategy = (prop::sample::select(bases), overrides(), text_edit());
    let started = std::time::Instant::now();
    runner
        .run(&strategy, |(base, sets, edit)| {
            exercise(base, &sets, &edit);
            Ok(())
        })
        .unwrap();
    let valid = VALID.load(Ordering::Relaxed);
    println!(
        "{} generated scenarios in {:.1} s, {valid} of them valid and simulated",
        cases(),
        started.elapsed().as_secs_f64()
    );
    // The generator must reach the simulation, not only the validator.
    assert!(
        valid * 10 >= cases() as usize,
        "only {valid} valid scenarios"
    );
}
