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
    let exp = orgsim::experiment::run(&case.scenario, &Default::default()).unwrap();
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

#[test]
fn a_station_built_in_code_simulates_exactly_as_its_scenario_file() {
    // The model's specification needs no file: `ModelSpec::station` gives,
    // draw for draw, what the same station's TOML gives through the front end.
    use orgsim::engine::RngFactory;
    use orgsim::model::{ModelSpec, Recording, simulate, topology};
    let (lambda, mu, c) = (2.4, 1.0, 3);
    let toml = validation::station(lambda, mu, c, 2000.0, 1, 9, "");
    let sc = orgsim::scenario::load_str("station", &toml, &[]).unwrap();
    let built = ModelSpec::station(lambda, mu, c).unwrap();
    let rngs = RngFactory::new(sc.run.seed).replication(0);
    let run = |model: &ModelSpec| {
        let org = topology::build(model, &model.topologies[0]);
        let recording = Recording {
            items: true,
            ..Recording::default()
        };
        let window = sc.run.nominal_window();
        simulate(model, &org, window, sc.run.limits, &rngs, recording)
    };
    let (from_file, from_code) = (run(&sc.model), run(&built));
    assert!(from_file.items.len() > 4000, "{}", from_file.items.len());
    assert_eq!(from_file.items, from_code.items);
    assert_eq!(from_file.metrics.len(), from_code.metrics.len());
    for ((n, x), (m, y)) in from_file.metrics.iter().zip(&from_code.metrics) {
        assert_eq!((n, x.to_bits()), (m, y.to_bits()), "{n}: {x} against {y}");
    }
}

#[test]
fn the_station_cases_built_in_code_are_their_scenario_files() {
    // The cases `orgsim validate` builds in code hold exactly what the same
    // stations written as scenario files give through the front end.
    let file = |lambda: f64, c: u32, horizon: f64, reps: u32, seed: u64, extra: &str| {
        let text = validation::station(lambda, 1.0, c, horizon, reps, seed, extra);
        orgsim::scenario::load_str("station", &text, &[]).unwrap()
    };
    let decision = "[coordination]\ndecision = { dist = \"exponential\", mean = 0.5 }";
    let escalation = "[coordination]\nescalation = { probability = 0.5, decision = { dist = \"exponential\", mean = 1 } }";
    let expected = [
        ("mm1", file(0.8, 1, 20_000.0, 60, 101, "")),
        ("mm4", file(3.2, 4, 10_000.0, 40, 102, "")),
        ("mm16", file(14.4, 16, 4_000.0, 40, 103, "")),
        (
            "cadence",
            file(
                0.5,
                3,
                20_000.0,
                20,
                104,
                "[coordination]\nintake_cadence = 10",
            ),
        ),
        ("decision", file(1.2, 4, 20_000.0, 40, 105, decision)),
        ("escalation", file(0.8, 4, 20_000.0, 40, 106, escalation)),
    ];
    for (name, sc) in expected {
        let case = cases().into_iter().find(|c| c.name == name).unwrap();
        assert_eq!(
            format!("{:?}", case.scenario.model),
            format!("{:?}", sc.model),
            "{name}"
        );
        assert_eq!(
            format!("{:?}", case.scenario.run),
            format!("{:?}", sc.run),
            "{name}"
        );
    }
}
