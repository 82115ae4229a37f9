//! `orgsim fit`: logs simulated from known scenarios are fitted back to
//! those scenarios (round trip, docs/model.md "What the fit assumes"), bad
//! logs are refused with every problem and its line, and a real tracker
//! export goes through the reduced fit.

use crate::support::{orgsim, run_with, text};
use orgsim::experiment::{RunOptions, replay};
use orgsim::fit::{self, ReadOptions, fidelity};

/// Two streams of features (spec, then design and build in parallel, then
/// test) and chores, three single-threaded teams, no coordination delay:
/// everything the non-simulated fit claims to recover.
const KNOWN: &str = r#"
name = "known"
[simulation]
warmup = 0
horizon = 400
replications = 1
seed = 11

[[workload.streams]]
name = "web"
interarrival = { dist = "exponential", mean = 1.5 }
items = [ { type = "feature", weight = 3 }, { type = "chore", weight = 1 } ]

[[workload.streams]]
name = "app"
interarrival = { dist = "exponential", mean = 2.0 }
items = [ { type = "feature", weight = 1 } ]

[workload.items.feature]
tasks = [
  { name = "spec",   skill = "pm",  effort = { dist = "exponential", mean = 0.5 } },
  { name = "design", skill = "ux",  effort = { dist = "gamma", mean = 1.0, cv = 0.5 }, after = ["spec"] },
  { name = "build",  skill = "dev", effort = { dist = "gamma", mean = 2.0, cv = 0.7 }, after = ["spec"] },
  { name = "test",   skill = "qa",  effort = { dist = "exponential", mean = 0.5 }, after = ["design", "build"] },
]

[workload.items.chore]
tasks = [ { name = "fix", skill = "dev", effort = { dist = "exponential", mean = 1.0 } } ]

[organization]
people = { pm = 2, ux = 2, dev = 6, qa = 2 }

[[topologies]]
name = "teams"
kind = "custom"
teams = [
  { name = "web-team", people = { pm = 1, ux = 1, dev = 4, qa = 1 }, owns = ["web"] },
  { name = "app-team", people = { pm = 1, ux = 1, dev = 2, qa = 1 }, owns = ["app"] },
]
"#;

/// The event log of replication 0 of `toml`'s first topology, as CSV.
fn simulated_log(toml: &str) -> String {
    let exp = run_with(toml, RunOptions::default());
    let name = exp.topologies[0].name.clone();
    let (org, executions) = replay::first_with_events(&exp, &name).unwrap();
    orgsim::report::event_log::csv(&exp.scenario.model, &org, &executions)
}

fn read(text: &str, options: &ReadOptions) -> Result<fit::EventLog, fit::LogError> {
    fit::read("log.csv", text.as_bytes(), options)
}

#[test]
fn a_simulated_log_is_fitted_back_to_its_scenario() {
    let csv = simulated_log(KNOWN);
    let log = read(&csv, &ReadOptions::default()).unwrap();
    assert!(log.skipped.is_empty());
    let m = fit::fit_structure(&log);
    // Graphs exact.
    let feature = m.types.iter().find(|t| t.name == "feature").unwrap();
    let graph: Vec<(String, Vec<String>)> = feature
        .tasks
        .iter()
        .map(|t| {
            let mut after: Vec<String> = t
                .after
                .iter()
                .map(|&a| feature.tasks[a].name.clone())
                .collect();
            after.sort();
            (t.name.clone(), after)
        })
        .collect();
    let find = |n: &str| graph.iter().find(|(t, _)| t == n).unwrap().1.clone();
    assert_eq!(graph.len(), 4, "{graph:?}");
    assert!(find("spec").is_empty());
    assert_eq!(find("design"), ["spec"]);
    assert_eq!(find("build"), ["spec"]);
    assert_eq!(find("test"), ["build", "design"]);
    assert_eq!(feature.follows, 1.0);
    // Headcounts and owners exact.
    let skill = |s: &str| m.skills.iter().position(|k| k == s).unwrap();
    let team = |n: &str| m.teams.iter().find(|t| t.name == n).unwrap();
    let web = team("web-team");
    let app = team("app-team");
    assert_eq!(
        [skill("pm"), skill("ux"), skill("dev"), skill("qa")].map(|s| web.people[s]),
        [1, 1, 4, 1]
    );
    assert_eq!(
        [skill("pm"), skill("ux"), skill("dev"), skill("qa")].map(|s| app.people[s]),
        [1, 1, 2, 1]
    );
    let stream = |n: &str| m.streams.iter().position(|s| s.name == n).unwrap();
    assert_eq!(web.owns, [stream("web")]);
    assert_eq!(app.owns, [stream("app")]);
    assert_eq!(m.coupling.map(|c| c.0), Some(0.0));
    // Arrival means within their 99.9% intervals: recomputed from the log.
    for (name, mean) in [("web", 1.5), ("app", 2.0)] {
        let s = &m.streams[stream(name)];
        let se = s.interarrival.sd / (s.interarrival.n as f64).sqrt();
        assert!(
            (s.interarrival.mean - mean).abs() < 3.29 * se,
            "{name}: {} against {mean} (se {se})",
            s.interarrival.mean
        );
    }
    // Efforts within theirs.
    for (task, mean) in [
        ("spec", 0.5),
        ("design", 1.0),
        ("build", 2.0),
        ("test", 0.5),
    ] {
        let t = feature.tasks.iter().find(|t| t.name == task).unwrap();
        let se = t.effort.sd / (t.effort.n as f64).sqrt();
        assert!(
            (t.effort.mean - mean).abs() < 3.29 * se,
            "{task}: {} against {mean}",
            t.effort.mean
        );
    }
    // The scenario loads, and its lead times are those of the log within
    // simulation noise.
    let text = m.scenario_toml("known-fit", "log.csv", 8, 3);
    let sc = orgsim::scenario::load_str("scenario.toml", &text, &[])
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(sc.model.topologies.len(), 3);
    let sims = fidelity::simulate(&sc, "as-is", 8, &|| {});
    let rows = fidelity::compare(&fidelity::of_log(&log, sc.run.horizon), &sims);
    for measure in ["lead_time_wasserstein1", "lead_time_ks", "wip_mean"] {
        let r = rows.iter().find(|r| r.measure == measure).unwrap();
        assert!(r.within_noise(), "{r:?}");
        assert!(r.noise > 0.0, "{r:?}");
    }
}

/// [`KNOWN`] with coordination delays and coupled tasks (so that some
/// tasks are requests to the other team).
fn known_with_coordination() -> String {
    KNOWN
        .replace(
            "[organization]",
            "[architecture]\ncoupling = 0.2\n\n[organization]",
        )
        .replace(
            "[[topologies]]",
            "[coordination]\nhandoff = { dist = \"exponential\", mean = 1.0 }\ninternal_handoff = { dist = \"exponential\", mean = 0.1 }\nintake_cadence = 0\ndecision = { dist = \"exponential\", mean = 0.3 }\n\n[[topologies]]",
        )
}

/// [`KNOWN`] with coupled tasks, a short cross-team handoff, and a planning
/// boundary every 2 days for requests (a wait of 1 day on average, spread
/// evenly where the handoff's is exponential).
fn known_with_cadence() -> String {
    KNOWN
        .replace(
            "[organization]",
            "[architecture]\ncoupling = 0.2\n\n[organization]",
        )
        .replace(
            "[[topologies]]",
            "[coordination]\nhandoff = { dist = \"exponential\", mean = 0.3 }\ninternal_handoff = { dist = \"exponential\", mean = 0.1 }\nintake_cadence = 2\ndecision = { dist = \"exponential\", mean = 0.3 }\n\n[[topologies]]",
        )
}

/// [`KNOWN`] with coupled tasks, short handoffs and decisions, and a share
/// `probability` of the requests escalated to the executive, who takes
/// `decision` days on average: the waits of requests are then a mixture
/// (most short, a few much longer) that no handoff or decision alone can
/// mimic.
fn known_with_escalation(probability: f64, decision: f64) -> String {
    KNOWN
        .replace(
            "[organization]",
            "[architecture]\ncoupling = 0.2\n\n[organization]",
        )
        .replace(
            "[[topologies]]",
            &format!("[coordination]\nhandoff = {{ dist = \"exponential\", mean = 0.2 }}\ninternal_handoff = {{ dist = \"exponential\", mean = 0.1 }}\nintake_cadence = 0\ndecision = {{ dist = \"exponential\", mean = 0.1 }}\nescalation = {{ probability = {probability}, decision = {{ dist = \"exponential\", mean = {decision} }} }}\n\n[[topologies]]"),
        )
}

/// Eight parametric bootstrap refits: the round-trip tests' bootstrap.
const PARAMETRIC_8: fit::coordination::Bootstrap = fit::coordination::Bootstrap {
    kind: fit::coordination::BootstrapKind::Parametric,
    refits: 8,
};

/// The sample standard deviation of `f` over the bootstrap refits of `c`.
fn refit_sd(c: &fit::coordination::CoordinationFit, f: impl Fn(&[f64]) -> f64) -> f64 {
    let v: Vec<f64> = c.refits.iter().map(|r| f(r)).collect();
    let m = v.iter().sum::<f64>() / v.len() as f64;
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// The log simulated from `toml`, its fitted structure and its history.
fn fitted_log(toml: &str) -> (fit::FittedModel, fidelity::History, Vec<fidelity::History>) {
    let csv = simulated_log(toml);
    let log = read(&csv, &ReadOptions::default()).unwrap();
    let m = fit::fit_structure(&log);
    let text = m.scenario_toml("c", "log.csv", 8, 3);
    let sc = orgsim::scenario::load_str("scenario.toml", &text, &[]).unwrap();
    let observed = fidelity::of_log(&log, sc.run.horizon);
    let items = fidelity::of_log_items(&log, sc.run.horizon);
    (m, observed, items)
}

/// Fits the coordination of the log simulated from `toml`, whose true
/// coordination is `truth` (in `NAMES` order), checks the values of
/// `checked` (indices in `NAMES`) and the escalation's delay per request
/// (told from none if `detected`), each within 3 standard deviations of
/// the parametric bootstrap (8 refits), that the fit is at least as
/// close to the log as the truth is on the fit's own random numbers (the
/// optimizer found the distance's minimum, not a point beside it), and that the fitted model's lead
/// times are the log's within simulation noise.
fn coordination_round_trip(
    toml: &str,
    truth: [f64; fit::coordination::PARAMETERS],
    checked: &[usize],
    detected: bool,
) {
    let (mut m, observed, items) = fitted_log(toml);
    let c = fit::coordination::fit(&m, &observed, &items, 4, 3, PARAMETRIC_8, &|_| {});
    println!("{c:?}");
    assert!(c.distance < c.distance_without, "{c:?}");
    let at_truth = fit::coordination::distance_at(&m, &observed, truth, 4, 3);
    assert!(
        c.distance <= at_truth,
        "the fit's distance {} is above the truth's {at_truth}",
        c.distance
    );
    let (sd, n) = c.bootstrap.unwrap();
    assert_eq!((n, c.refits.len()), (8, 8));
    // The stated tolerance: within 3 bootstrap standard deviations (the
    // parametric bootstrap's, which hold the log's realization of the
    // queues and the simulation noise of each evaluation).
    for &k in checked {
        let (v, truth) = (c.values()[k], truth[k]);
        let tolerance = 3.0 * sd[k];
        assert!(
            (v - truth).abs() <= tolerance,
            "{}: fitted {v}, true {truth}, tolerance {tolerance}",
            fit::coordination::NAMES[k]
        );
    }
    let escalation_delay = truth[4] * truth[5];
    let v = c.escalation_delay();
    let sd = refit_sd(&c, |r| r[4] * r[5]);
    if escalation_delay == 0.0 {
        // None: within 3 bootstrap standard deviations of 0.
        let tolerance = 3.0 * sd;
        assert!(
            v <= tolerance,
            "escalation delay: fitted {v}, true 0, tolerance {tolerance}"
        );
    } else {
        // Some: the delay per request within 3 bootstrap standard
        // deviations of the truth, and, where `detected`, found (more
        // than 3 bootstrap standard deviations from 0; its factors are
        // checked above); and the cross-team handoff, which shares the
        // requests' waits with it, not holding it instead: the handoff
        // within 3 of its bootstrap standard deviations, and the two
        // together likewise.
        let tolerance = 3.0 * sd;
        assert!(
            (v - escalation_delay).abs() <= tolerance,
            "escalation delay: fitted {v}, true {escalation_delay}, tolerance {tolerance}"
        );
        if detected {
            assert!(v > 3.0 * sd, "escalation delay {v} (sd {sd})");
        }
        let tolerance = 3.0 * refit_sd(&c, |r| r[0]);
        assert!(
            (c.handoff - truth[0]).abs() <= tolerance,
            "handoff: fitted {}, true {}, tolerance {tolerance}",
            c.handoff,
            truth[0]
        );
        let truth_sum = truth[0] + escalation_delay;
        let sum = c.handoff + v;
        let tolerance = 3.0 * refit_sd(&c, |r| r[0] + r[4] * r[5]);
        assert!(
            (sum - truth_sum).abs() <= tolerance,
            "handoff + escalation delay: fitted {sum}, true {truth_sum}, tolerance {tolerance}"
        );
    }
    // With the coordination fitted, the lead times are the log's within
    // simulation noise.
    m.coordination = Some(c);
    let text = m.scenario_toml("c", "log.csv", 8, 3);
    let sc = orgsim::scenario::load_str("scenario.toml", &text, &[]).unwrap();
    let sims = fidelity::simulate(&sc, "as-is", 8, &|| {});
    let rows = fidelity::compare(&observed, &sims);
    let r = rows
        .iter()
        .find(|r| r.measure == "lead_time_wasserstein1")
        .unwrap();
    assert!(r.within_noise(), "{r:?}");
}

#[test]
fn coordination_delays_are_fitted_back_by_simulation() {
    coordination_round_trip(
        &known_with_coordination(),
        [1.0, 0.1, 0.0, 0.3, 0.0, 0.0],
        &[0, 1, 2, 3, 4, 5],
        false,
    );
}

/// A planning cadence of 2 days: every value but the escalation
/// probability within 3 sds of the parametric bootstrap. The distance has
/// two basins along the cadence there, near 1.3 (the cross-team handoff
/// and a small escalation holding the rest) and near 2.2, about equally
/// deep; the fit lands at 1.26 and 2 of the 8 refits in the upper one, so
/// the cadence's sd (0.54) says the log cannot tell them apart
/// (docs/model.md, "What the fit assumes"). The escalation probability,
/// 0.07 against none, is 3.5 of its sds off, not checked; the delay it
/// adds per request is, within 3 sds of 0.
#[test]
fn a_log_with_an_intake_cadence_is_fitted_by_simulation() {
    coordination_round_trip(
        &known_with_cadence(),
        [0.3, 0.1, 2.0, 0.3, 0.0, 0.0],
        &[0, 1, 2, 3, 5],
        false,
    );
}

/// One request in three escalated, the executive taking 3 days: the
/// probability and the executive's decision come back each within its
/// tolerance, not only their product. Not told from no escalation at 3
/// sds of the parametric bootstrap: the fitted 0.68 days per request is
/// 2.8 of them from 0 (docs/model.md, "What the fit assumes").
#[test]
fn escalation_is_fitted_back_by_simulation() {
    coordination_round_trip(
        &known_with_escalation(0.3, 3.0),
        [0.2, 0.1, 0.0, 0.1, 0.3, 3.0],
        &[0, 1, 2, 3, 4, 5],
        false,
    );
}

/// One request in ten escalated, the executive taking 5 days: a rarer,
/// longer escalation, told from the one above, and from no escalation:
/// the fitted 0.37 days per request is 4.2 sds of the parametric
/// bootstrap from 0 (docs/model.md, "What the fit assumes").
#[test]
fn a_rare_long_escalation_is_fitted_back_by_simulation() {
    coordination_round_trip(
        &known_with_escalation(0.1, 5.0),
        [0.2, 0.1, 0.0, 0.1, 0.1, 5.0],
        &[0, 1, 2, 3, 4, 5],
        true,
    );
}

/// The evidence for docs/model.md's "jointly identified": on the log of
/// one request in three escalated for 3 days, the distance hardly changes
/// along the curve probability × decision = 0.9 (halving the probability
/// and doubling the decision, or the other way round by half) — less than
/// 3 standard errors of the mean paired difference over 12 seeds, and
/// less than the spread of one evaluation — whereas a third more
/// executive time per request, off that curve, is far worse.
#[test]
fn escalation_probability_and_decision_trade_along_their_product() {
    let (m, observed, _) = fitted_log(&known_with_escalation(0.3, 3.0));
    let at = |p: f64, d: f64, seed: u64| {
        fit::coordination::distance_at(&m, &observed, [0.2, 0.1, 0.0, 0.1, p, d], 4, seed)
    };
    let seeds: Vec<u64> = std::iter::once(3).chain(101..112).collect();
    let truth: Vec<f64> = seeds.iter().map(|&s| at(0.3, 3.0, s)).collect();
    let paired = |p: f64, d: f64| {
        let diff: Vec<f64> = seeds
            .iter()
            .zip(&truth)
            .map(|(&s, t)| at(p, d, s) - t)
            .collect();
        let n = diff.len() as f64;
        let mean = diff.iter().sum::<f64>() / n;
        let sd = (diff.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        (mean, sd, sd / n.sqrt())
    };
    for (p, d) in [(0.15, 6.0), (0.45, 2.0)] {
        let (mean, sd, se) = paired(p, d);
        assert!(
            mean.abs() <= 3.0 * se && mean.abs() < sd,
            "p {p}, d {d}: distance {mean} from the truth's (se {se}, sd {sd})"
        );
    }
    let (mean, _, se) = paired(0.3, 4.0);
    assert!(mean > 3.0 * se, "p 0.3, d 4: {mean} (se {se})");
}

/// Each bootstrap refit simulates on its own seed, so that the refits'
/// spread holds the simulation noise: the seeds differ from the fit's and
/// from each other (and stay a TOML integer), and refits of the full log
/// (a single item, so that every resample is the whole log) differ from
/// each other, where on the fit's own seed each would give the fit back.
/// The fit is the same on 1 and 2 threads.
#[test]
fn each_bootstrap_refit_simulates_on_its_own_seed() {
    use fit::coordination::refit_seed;
    for seed in [0, 3, u64::MAX >> 1] {
        let seeds: Vec<u64> = (0..64).map(|b| refit_seed(seed, b)).collect();
        let distinct: std::collections::BTreeSet<u64> = seeds.iter().copied().collect();
        assert_eq!(distinct.len(), seeds.len(), "seed {seed}");
        assert!(seeds.iter().all(|&s| s != seed && s <= i64::MAX as u64));
    }
    let (m, observed, _) = fitted_log(&known_with_coordination());
    let whole = std::slice::from_ref(&observed);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let items = fit::coordination::Bootstrap {
                    kind: fit::coordination::BootstrapKind::Items,
                    refits: 3,
                };
                fit::coordination::fit(&m, &observed, whole, 2, 3, items, &|_| {})
            })
    };
    let c = on(1);
    assert_eq!(c.refits.len(), 3);
    for (a, i) in c.refits.iter().zip(1..) {
        for b in &c.refits[i..] {
            assert_ne!(a, b, "two refits of the full log are equal");
        }
    }
    assert!(c.bootstrap.unwrap().0.iter().any(|&sd| sd > 0.0), "{c:?}");
    assert_eq!(on(2), c);
}

/// The parametric bootstrap: refit `b` is the whole fit (every stage
/// from its own starting points, not from the fit's values) of the log
/// simulated from the fitted model on [`fit::coordination::log_seed`],
/// on its own random numbers ([`fit::coordination::refit_seed`]); those
/// seeds differ from the fit's and from each other (and stay a TOML
/// integer), so the simulated logs differ from the log and from each
/// other, and so do the refits. The fit is the same on 1 and 2 threads.
#[test]
fn each_parametric_refit_is_a_whole_fit_of_its_own_simulated_log() {
    use fit::coordination::{Bootstrap, BootstrapKind, log_seed, refit_seed};
    for seed in [0, 3, u64::MAX >> 1] {
        let seeds: Vec<u64> = (0..64)
            .map(|b| refit_seed(seed, b))
            .chain((0..64).map(|b| log_seed(seed, b)))
            .collect();
        let distinct: std::collections::BTreeSet<u64> = seeds.iter().copied().collect();
        assert_eq!(distinct.len(), seeds.len(), "seed {seed}");
        assert!(seeds.iter().all(|&s| s != seed && s <= i64::MAX as u64));
    }
    // A shorter log than the round trips', to keep the test quick.
    let toml = known_with_coordination().replace("horizon = 400", "horizon = 120");
    let (m, observed, items) = fitted_log(&toml);
    let parametric = Bootstrap {
        kind: BootstrapKind::Parametric,
        refits: 3,
    };
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| fit::coordination::fit(&m, &observed, &items, 1, 3, parametric, &|_| {}))
    };
    let c = on(1);
    assert_eq!(c.refits.len(), 3);
    assert_eq!(c.bootstrap_kind, BootstrapKind::Parametric);
    let mut fitted = m.clone();
    fitted.coordination = Some(c.clone());
    let none = Bootstrap {
        kind: BootstrapKind::Parametric,
        refits: 0,
    };
    let logs: Vec<fidelity::History> = (0..3)
        .map(|b| fit::coordination::simulated_log(&fitted, observed.span, log_seed(3, b)))
        .collect();
    for (b, log) in logs.iter().enumerate() {
        assert!(!log.lead_times.is_empty() && !log.waits.is_empty());
        assert_ne!(log.lead_times, observed.lead_times, "log {b} is the log");
        assert_ne!(log.waits, observed.waits, "log {b} is the log");
        for other in &logs[b + 1..] {
            assert_ne!(
                log.lead_times, other.lead_times,
                "two simulated logs are equal"
            );
        }
        let whole = fit::coordination::fit(&m, log, &[], 1, refit_seed(3, b), none, &|_| {});
        assert_eq!(whole.values(), c.refits[b], "refit {b}");
        assert!(whole.bootstrap.is_none() && whole.refits.is_empty());
    }
    for (a, i) in c.refits.iter().zip(1..) {
        assert_ne!(*a, c.values(), "a refit is the fit");
        for b in &c.refits[i..] {
            assert_ne!(a, b, "two refits are equal");
        }
    }
    assert!(c.bootstrap.unwrap().0.iter().any(|&sd| sd > 0.0), "{c:?}");
    assert_eq!(on(2), c);
}

/// `--bootstrap-kind` from the command line: the report and the
/// scenario's comments say which bootstrap made the sds, the items' one
/// with its warning that they are too small; an unknown kind is refused
/// with exit 2.
#[test]
fn the_bootstrap_kind_is_chosen_on_the_command_line_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let toml = known_with_coordination().replace("horizon = 400", "horizon = 60");
    std::fs::write(dir.path().join("log.csv"), simulated_log(&toml)).unwrap();
    let bad = orgsim(
        &["fit", "log.csv", "--bootstrap-kind", "jackknife", "-q"],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("jackknife"),
        "{}",
        text(&bad.stderr)
    );
    for (kind, said, warning) in [
        (
            "items",
            "2 refits of resamples of the log's items",
            "too small",
        ),
        (
            "parametric",
            "2 refits of logs simulated from the fit",
            "whole refits",
        ),
    ] {
        let out = orgsim(
            &[
                "fit",
                "log.csv",
                "--out",
                kind,
                "--reps",
                "2",
                "--fit-reps",
                "1",
                "--bootstrap",
                "2",
                "--bootstrap-kind",
                kind,
                "--no-plots",
                "-q",
            ],
            dir.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let report = std::fs::read_to_string(dir.path().join(kind).join("fit-report.md")).unwrap();
        let scenario =
            std::fs::read_to_string(dir.path().join(kind).join("scenario.toml")).unwrap();
        assert!(
            report.contains(said) && scenario.contains(said),
            "{report}\n{scenario}"
        );
        let uncertainty = report
            .lines()
            .find(|l| l.starts_with("- uncertainty:"))
            .unwrap();
        assert!(uncertainty.contains(warning), "{uncertainty}");
    }
}

#[test]
fn every_problem_of_a_bad_log_is_reported_with_its_line() {
    let header =
        "case:concept:name,concept:name,org:group,org:resource,start_timestamp,time:timestamp\n";
    let body = "\
a,spec,t,ann,0,1
a,build,t,ann,1,soon
b,spec,t,bob,3,2
c,spec,t,ann,0.5,2
,spec,t,cid,0,1
d,spec,t,cid,0,
";
    let e = read(&format!("{header}{body}"), &ReadOptions::default()).unwrap_err();
    let all = e.problems.join("\n");
    for expected in [
        "log.csv:3: unparsable time",
        "log.csv:4: end before start",
        "log.csv:5: a person on two tasks at once",
        "log.csv:6: no item",
        "log.csv:7: no end time",
    ] {
        assert!(all.contains(expected), "{expected} missing from:\n{all}");
    }
    assert_eq!(e.problems.len(), 5, "{all}");
    let lenient = ReadOptions {
        lenient: true,
        ..ReadOptions::default()
    };
    let log = read(&format!("{header}{body}"), &lenient).unwrap();
    assert_eq!(log.rows.len(), 1);
    assert_eq!(log.skipped.values().sum::<u64>(), 5);
    assert_eq!(log.skipped["a person on two tasks at once"], 1);
    // From the command line: exit 2, the lines named.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.csv"), format!("{header}{body}")).unwrap();
    let out = orgsim(&["fit", "bad.csv", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("bad.csv:4: end before start"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("output").exists());
}

#[test]
fn renamed_columns_and_calendar_dates_are_read() {
    let text = "Key,Step,Begin,Done\nX-1,a,2024-03-04T09:00,2024-03-04T13:00\nX-1,b,2024-03-08T13:00,2024-03-11T11:00\n";
    let mut options = ReadOptions::default();
    for c in ["item=Key", "task=Step", "start=Begin", "end=Done"] {
        options.columns.push(ReadOptions::parse_column(c).unwrap());
    }
    let log = read(text, &options).unwrap();
    assert!(log.calendar_times);
    let r = &log.rows[1];
    // Friday 13:00 to Monday 11:00: half a day plus a quarter.
    assert!((r.end - r.start.unwrap() - 0.75).abs() < 1e-9, "{r:?}");
    assert_eq!(log.rows[0].start, Some(0.0));
    assert!(ReadOptions::parse_column("owner=X").is_err());
    let missing = read("Key,Step\nX,a\n", &options).unwrap_err();
    assert!(missing.problems[0].contains("--column"), "{missing}");
}

#[test]
fn the_jira_export_goes_through_the_reduced_fit_and_its_garbage_is_reported() {
    let data = std::env::var_os("ORGSIM_DATA_DIR").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"),
        std::path::PathBuf::from,
    );
    let file = data.join("jira-agile-projects.csv");
    assert!(
        file.is_file(),
        "{} is missing (set ORGSIM_DATA_DIR)",
        file.display()
    );
    let data_text = std::fs::read_to_string(&file).unwrap();
    // Rows whose own cycle time is negative: the dataset's garbage.
    let garbage = data_text
        .lines()
        .skip(1)
        .filter(|l| {
            l.rsplit(',')
                .next()
                .and_then(|c| c.parse::<f64>().ok())
                .is_some_and(|c| c < 0.0)
        })
        .count();
    assert!(garbage > 0);
    let dir = tempfile::tempdir().unwrap();
    let file = file.to_str().unwrap();
    let columns = [
        "--column",
        "item=id",
        "--column",
        "stream=project",
        "--column",
        "created=created_date",
        "--column",
        "end=finished_date",
    ];
    let mut args = vec!["fit", file, "-q", "--reps", "3", "--out", "jira"];
    args.extend(columns);
    let strict = orgsim(&args, dir.path());
    assert_eq!(strict.status.code(), Some(2));
    assert!(text_of(&strict).contains("end before created"));
    args.push("--lenient");
    let out = orgsim(&args, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = std::fs::read_to_string(dir.path().join("jira/fit-report.md")).unwrap();
    assert!(
        report.contains(&format!("- {garbage}: end before created")),
        "{report}"
    );
    assert!(report.contains("reduced fit"));
    assert!(report.contains("cannot be seen"));
    let fidelity = std::fs::read_to_string(dir.path().join("jira/fidelity.csv")).unwrap();
    assert!(
        fidelity
            .lines()
            .any(|l| l.starts_with("lead_time_wasserstein1,all,")),
        "{fidelity}"
    );
    let scenario = std::fs::read_to_string(dir.path().join("jira/scenario.toml")).unwrap();
    orgsim::scenario::load_str("scenario.toml", &scenario, &[]).unwrap();
}

fn text_of(out: &std::process::Output) -> String {
    text(&out.stderr)
}

#[test]
fn daily_work_in_progress_is_the_time_average_of_open_items() {
    let h = fidelity::History {
        span: 2.5,
        open: vec![(0.5, 2.25), (1.0, 1.5)],
        ..fidelity::History::default()
    };
    // Day 0: half a day of one item; day 1: one item all day and another
    // half of it; the last half-day: one item for half of it.
    let w = h.wip_daily();
    assert_eq!(w.len(), 3);
    for (got, want) in w.iter().zip([0.5, 1.5, 0.5]) {
        assert!((got - want).abs() < 1e-12, "{w:?}");
    }
    assert_eq!(fidelity::wip_gap(&[1.0, 2.0], &[2.0, 2.0]), 0.5);
}

/// The CSV file `path` as a header and rows of cells.
fn table(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(String::from).collect());
    (lines.next().unwrap(), lines.collect())
}

/// The points of the SVG polylines of colour `stroke` with `n` points.
fn polylines(svg: &str, stroke: &str, n: usize) -> Vec<Vec<(f64, f64)>> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|e| e.has_tag_name("polyline") && e.attribute("stroke") == Some(stroke))
        .map(|e| {
            e.attribute("points")
                .unwrap()
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect::<Vec<(f64, f64)>>()
        })
        .filter(|p| p.len() == n)
        .collect()
}

/// Whether `pixels` are an increasing affine image of `values` within a
/// pixel and a half (the SVG rounds to whole pixels).
fn affine(values: &[f64], pixels: &[f64], flipped: bool) -> bool {
    let (i, j) = (0..values.len())
        .flat_map(|i| (0..values.len()).map(move |j| (i, j)))
        .max_by(|a, b| {
            (values[a.0] - values[a.1])
                .abs()
                .total_cmp(&(values[b.0] - values[b.1]).abs())
        })
        .unwrap();
    let scale = (pixels[j] - pixels[i]) / (values[j] - values[i]);
    (scale < 0.0) == flipped
        && values
            .iter()
            .zip(pixels)
            .all(|(v, p)| (pixels[i] + scale * (v - values[i]) - p).abs() <= 1.5)
}

#[test]
fn the_fidelity_charts_and_report_page_show_the_numbers_of_the_data_files() {
    let dir = tempfile::tempdir().unwrap();
    let csv = simulated_log(KNOWN);
    std::fs::write(dir.path().join("log.csv"), &csv).unwrap();
    let out = orgsim(
        &[
            "fit",
            "log.csv",
            "--out",
            "f",
            "--reps",
            "4",
            "--no-coordination",
            "-q",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let f = dir.path().join("f");
    // fit_wip.csv's log column is the daily WIP recomputed from the log.
    let log = read(&csv, &ReadOptions::default()).unwrap();
    let first = log
        .item_data
        .iter()
        .map(|i| i.created)
        .fold(f64::INFINITY, f64::min);
    let (head, wip) = table(&f.join("fit_wip.csv"));
    assert_eq!(
        head,
        [
            "day",
            "log",
            "simulated_mean",
            "simulated_min",
            "simulated_max"
        ]
    );
    let n = wip.len();
    let mut daily = vec![0.0; n];
    for item in &log.item_data {
        let (a, b) = (item.created - first, item.done(&log) - first);
        for (d, w) in daily.iter_mut().enumerate() {
            *w += (b.min(d as f64 + 1.0) - a.max(d as f64)).max(0.0);
        }
    }
    let cell = |r: &Vec<String>, i: usize| r[i].parse::<f64>().unwrap();
    for (d, r) in wip.iter().enumerate().take(n - 1) {
        assert!(
            (cell(r, 1) - daily[d]).abs() <= 1e-5 * daily[d].max(1.0),
            "day {d}: {r:?} against {}",
            daily[d]
        );
        assert!(
            cell(r, 3) <= cell(r, 2) && cell(r, 2) <= cell(r, 4),
            "{r:?}"
        );
    }
    // fidelity.csv's WIP-over-time row: the mean of that series.
    let (_, fid) = table(&f.join("fidelity.csv"));
    let row = fid.iter().find(|r| r[0] == "wip_over_time").unwrap();
    let mean_log = wip.iter().map(|r| cell(r, 1)).sum::<f64>() / n as f64;
    assert!((cell(row, 2) - mean_log).abs() < 1e-4 * mean_log, "{row:?}");
    assert!(cell(row, 5) > 0.0, "noise {row:?}");
    // fit_lead_time.csv's log column: the quantiles of the log's lead times.
    let mut lt: Vec<f64> = log
        .item_data
        .iter()
        .map(|i| i.done(&log) - i.created)
        .collect();
    lt.sort_by(f64::total_cmp);
    let (_, lead) = table(&f.join("fit_lead_time.csv"));
    assert_eq!(lead.len(), 101);
    for r in &lead {
        let p = cell(r, 0);
        let h = p * (lt.len() - 1) as f64;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        let q = lt[lo] + (h - lo as f64) * (lt[hi] - lt[lo]);
        assert!(
            (cell(r, 1) - q).abs() <= 1e-5 * q.max(1.0),
            "{r:?} against {q}"
        );
    }
    // The charts parse, and their lines are those numbers.
    let log_colour = "#0072B2";
    let svg = std::fs::read_to_string(f.join("fit_wip.svg")).unwrap();
    let lines = polylines(&svg, log_colour, n);
    assert_eq!(lines.len(), 1, "one log line of {n} days");
    let ys: Vec<f64> = lines[0].iter().map(|p| p.1).collect();
    let values: Vec<f64> = wip.iter().map(|r| cell(r, 1)).collect();
    assert!(affine(&values, &ys, true), "{ys:?}");
    let svg = std::fs::read_to_string(f.join("fit_lead_time.svg")).unwrap();
    let lines = polylines(&svg, log_colour, 101);
    assert_eq!(lines.len(), 1);
    let xs: Vec<f64> = lines[0].iter().map(|p| p.0).collect();
    let values: Vec<f64> = lead.iter().map(|r| cell(r, 1)).collect();
    assert!(affine(&values, &xs, false), "{xs:?}");
    // Throughput bars: heights in the ratio of fidelity.csv's values.
    let svg = std::fs::read_to_string(f.join("fit_throughput.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bars: Vec<f64> = doc
        .descendants()
        .filter(|e| e.has_tag_name("rect") && e.attribute("fill") == Some(log_colour))
        .map(|e| e.attribute("height").unwrap().parse().unwrap())
        .collect();
    let tp: Vec<f64> = fid
        .iter()
        .filter(|r| r[0] == "throughput")
        .map(|r| cell(r, 2))
        .collect();
    // The legend's swatch comes first, then one bar per stream.
    assert!(bars.len() >= tp.len(), "{bars:?}");
    let bars = &bars[bars.len() - tp.len()..];
    assert!(
        (bars[0] / bars[1] - tp[0] / tp[1]).abs() < 0.02 * tp[0] / tp[1],
        "{bars:?} {tp:?}"
    );
    for stem in ["fit_lead_time", "fit_waits", "fit_throughput", "fit_wip"] {
        roxmltree::Document::parse(
            &std::fs::read_to_string(f.join(format!("{stem}.svg"))).unwrap(),
        )
        .unwrap();
        assert!(
            std::fs::metadata(f.join(format!("{stem}.png")))
                .unwrap()
                .len()
                > 1000
        );
    }
    let html = std::fs::read_to_string(f.join("fit-report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("wip_over_time"), "the fidelity table");
    // --no-plots: the data and the page, no chart.
    let out = orgsim(
        &[
            "fit",
            "log.csv",
            "--out",
            "g",
            "--reps",
            "2",
            "--no-coordination",
            "--no-plots",
            "-q",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let g = dir.path().join("g");
    assert!(g.join("fit_wip.csv").is_file() && g.join("fit-report.html").is_file());
    assert!(!g.join("fit_wip.svg").exists() && !g.join("fit_wip.png").exists());
}
