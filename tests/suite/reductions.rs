//! With coordination off the engine must reproduce queueing
//! theory exactly (within the confidence interval of the simulation). The
//! cases are the ones `orgsim validate` runs (`experiment::validation`).

use orgsim::experiment::validation::{self, cases, run_case};

/// Runs the built-in case `name` and asserts every one of its checks.
fn assert_case(name: &str) {
    let case = cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"));
    for r in run_case(&case, None) {
        let s = r.simulated;
        println!(
            "{name} / {}: exact {:.5}, simulated {:.5} ± {:.5} ({}% CI, n={}), relative error {:+.3}%",
            r.check.label,
            r.check.exact,
            s.mean,
            s.half_width(),
            100.0 * validation::LEVEL,
            s.n,
            100.0 * r.relative_error()
        );
        assert!(
            s.contains(r.check.exact),
            "{name} / {}: exact {} outside the CI [{}, {}]",
            r.check.label,
            r.check.exact,
            s.ci_low,
            s.ci_high
        );
        assert!(
            r.precise(),
            "{name} / {}: CI too wide to test anything",
            r.check.label
        );
        assert!(r.passed());
    }
}

#[test]
fn mm1_matches_erlang_c() {
    assert_case("mm1");
}

#[test]
fn mm4_matches_erlang_c() {
    assert_case("mm4");
}

#[test]
fn mm16_matches_erlang_c() {
    assert_case("mm16");
}

#[test]
fn three_station_matrix_chain_is_a_jackson_tandem() {
    assert_case("tandem");
}

#[test]
fn pooled_matrix_beats_dedicated_teams_as_theory_says() {
    assert_case("pooling");
}

#[test]
fn closed_two_station_network_matches_mean_value_analysis() {
    assert_case("closed");
}

#[test]
fn cadence_wait_is_half_the_cadence_under_poisson_arrivals() {
    assert_case("cadence");
}

#[test]
fn leader_decision_queue_is_an_mm1() {
    assert_case("decision");
}

#[test]
fn executive_queue_is_an_mm1_on_the_escalated_fraction() {
    assert_case("escalation");
}

#[test]
fn every_case_is_tested_here() {
    let names: Vec<&str> = cases().iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "mm1",
            "mm4",
            "mm16",
            "tandem",
            "pooling",
            "closed",
            "cadence",
            "decision",
            "escalation"
        ]
    );
}

#[test]
fn pooling_difference_is_significant_in_the_right_direction() {
    // The paired comparison carries the theory's verdict with its own CI.
    let case = cases().into_iter().find(|c| c.name == "pooling").unwrap();
    let sc = orgsim::scenario::load_str("pooling", &case.toml, &[]).unwrap();
    let exp = orgsim::experiment::run(&sc, &Default::default()).unwrap();
    let d = exp.comparison("single-threaded", "lead_time_mean").unwrap();
    let exact = orgsim::stats::queueing::mmc_sojourn(0.8, 0.5, 2)
        - orgsim::stats::queueing::mmc_sojourn(2.4, 0.5, 6);
    println!(
        "pooling difference: exact {exact:.4}, simulated {:?}",
        d.diff
    );
    assert!(
        d.diff.ci_low > 0.0,
        "dedicated teams must be significantly slower"
    );
    let diffs: Vec<f64> = exp
        .topology("single-threaded")
        .unwrap()
        .metric("lead_time_mean")
        .unwrap()
        .iter()
        .zip(
            exp.topology("matrix")
                .unwrap()
                .metric("lead_time_mean")
                .unwrap(),
        )
        .map(|(a, b)| a - b)
        .collect();
    let s = orgsim::stats::Summary::with_confidence(&diffs, validation::LEVEL);
    assert!(s.contains(exact), "difference {s:?} vs exact {exact}");
}
