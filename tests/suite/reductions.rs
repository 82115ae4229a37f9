//! DESIGN.md §9: with coordination off the engine must reproduce queueing
//! theory exactly (within the confidence interval of the simulation).

use crate::support::{assert_theory, run, single_station, values};
use crate::theory;

fn mmc_case(label: &str, lambda: f64, mu: f64, c: u32, horizon: f64, reps: u32, seed: u64) {
    let exp = run(&single_station(lambda, mu, c, horizon, reps, seed, ""));
    let exact = theory::mmc_sojourn(lambda, mu, c);
    assert_theory(label, values(&exp, "matrix", "lead_time_mean"), exact, 0.03);
    assert_theory(
        &format!("{label} throughput"),
        values(&exp, "matrix", "throughput"),
        lambda,
        0.01,
    );
    assert_theory(
        &format!("{label} utilization"),
        values(&exp, "matrix", "utilization"),
        lambda / (c as f64 * mu),
        0.01,
    );
}

#[test]
fn mm1_matches_erlang_c() {
    mmc_case("M/M/1 rho=0.8", 0.8, 1.0, 1, 20_000.0, 60, 101);
}

#[test]
fn mm4_matches_erlang_c() {
    mmc_case("M/M/4 rho=0.8", 3.2, 1.0, 4, 10_000.0, 40, 102);
}

#[test]
fn mm16_matches_erlang_c() {
    mmc_case("M/M/16 rho=0.9", 14.4, 1.0, 16, 4_000.0, 40, 103);
}

#[test]
fn three_station_matrix_chain_is_a_jackson_tandem() {
    // Three skills in a chain; a matrix routes each to its department:
    // stations (mu per server, servers) = (1, 2), (2/3, 3), (2, 1) at lambda 1.5.
    let toml = r#"
name = "tandem"
[simulation]
warmup = 500
horizon = 10000
replications = 40
seed = 7
[[workload.streams]]
name = "s"
interarrival = { dist = "exponential", mean = 0.6666666666666666 }
item = "job"
[workload.items.job]
tasks = [
  { name = "a", skill = "x", effort = { dist = "exponential", mean = 1.0 } },
  { name = "b", skill = "y", effort = { dist = "exponential", mean = 1.5 }, after = ["a"] },
  { name = "c", skill = "z", effort = { dist = "exponential", mean = 0.5 }, after = ["b"] },
]
[organization]
people = { x = 2, y = 3, z = 1 }
[[topologies]]
name = "matrix"
kind = "matrix"
"#;
    let exp = run(toml);
    let exact = theory::jackson_tandem_sojourn(1.5, &[(1.0, 2), (2.0 / 3.0, 3), (2.0, 1)]);
    assert_theory(
        "Jackson tandem",
        values(&exp, "matrix", "lead_time_mean"),
        exact,
        0.03,
    );
    // Critical path of a chain: the queue category is the sum of the waits.
    let exact_wait = theory::mmc_wait(1.5, 1.0, 2)
        + theory::mmc_wait(1.5, 2.0 / 3.0, 3)
        + theory::mmc_wait(1.5, 2.0, 1);
    assert_theory(
        "Jackson tandem queue",
        values(&exp, "matrix", "queue_mean"),
        exact_wait,
        0.04,
    );
    assert_theory(
        "Jackson tandem work",
        values(&exp, "matrix", "work_mean"),
        3.0,
        0.01,
    );
}

#[test]
fn pooled_matrix_beats_dedicated_teams_as_theory_says() {
    let toml = r#"
name = "pooling"
[simulation]
warmup = 500
horizon = 20000
replications = 60
seed = 3
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 1.25 }
item = "job"
[[workload.streams]]
name = "b"
interarrival = { dist = "exponential", mean = 1.25 }
item = "job"
[[workload.streams]]
name = "c"
interarrival = { dist = "exponential", mean = 1.25 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = { dist = "exponential", mean = 2 } } ]
[organization]
people = { eng = 6 }
[[topologies]]
name = "matrix"
kind = "matrix"
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#;
    let exp = run(toml);
    let pooled = theory::mmc_sojourn(2.4, 0.5, 6);
    let split = theory::mmc_sojourn(0.8, 0.5, 2);
    assert_theory(
        "pooled M/M/6",
        values(&exp, "matrix", "lead_time_mean"),
        pooled,
        0.03,
    );
    assert_theory(
        "3 x M/M/2",
        values(&exp, "single-threaded", "lead_time_mean"),
        split,
        0.03,
    );
    for s in ["a", "b", "c"] {
        assert_theory(
            &format!("M/M/2 stream {s}"),
            values(&exp, "single-threaded", &format!("{s}:lead_time_mean")),
            split,
            0.05,
        );
    }
    // The paired difference carries the same verdict, with its own CI.
    let d = exp.comparison("single-threaded", "lead_time_mean").unwrap();
    println!(
        "pooling difference: exact {}, simulated {:?}",
        split - pooled,
        d.diff
    );
    assert!(
        d.diff.ci_low > 0.0,
        "dedicated teams must be significantly slower"
    );
    let diffs: Vec<f64> = values(&exp, "single-threaded", "lead_time_mean")
        .iter()
        .zip(values(&exp, "matrix", "lead_time_mean"))
        .map(|(a, b)| a - b)
        .collect();
    assert_theory("pooling difference", &diffs, split - pooled, 0.05);
}

#[test]
fn closed_two_station_network_matches_mean_value_analysis() {
    let toml = r#"
name = "closed"
[simulation]
warmup = 500
horizon = 10000
replications = 30
seed = 11
[[workload.streams]]
name = "s"
backlog = { wip = 5 }
item = "job"
[workload.items.job]
tasks = [
  { name = "a", skill = "x", effort = { dist = "exponential", mean = 1.0 } },
  { name = "b", skill = "y", effort = { dist = "exponential", mean = 0.8 }, after = ["a"] },
]
[organization]
people = { x = 1, y = 1 }
[[topologies]]
name = "matrix"
kind = "matrix"
"#;
    let exp = run(toml);
    let mva = theory::mva_closed(5, &[1.0, 0.8]);
    assert_theory(
        "closed MVA response",
        values(&exp, "matrix", "lead_time_mean"),
        mva.response_time,
        0.02,
    );
    assert_theory(
        "closed MVA throughput",
        values(&exp, "matrix", "throughput"),
        mva.throughput,
        0.01,
    );
    assert_theory(
        "closed MVA wip",
        values(&exp, "matrix", "wip_mean"),
        5.0,
        0.001,
    );
}

#[test]
fn cadence_wait_is_half_the_cadence_under_poisson_arrivals() {
    let toml = single_station(
        0.5,
        1.0,
        3,
        20_000.0,
        20,
        104,
        "[coordination]\nintake_cadence = 10",
    );
    let exp = run(&toml);
    assert_theory(
        "cadence wait",
        values(&exp, "matrix", "cadence_mean"),
        5.0,
        0.02,
    );
}

#[test]
fn leader_decision_queue_is_an_mm1() {
    // Decisions exponential with mean 0.5 (mu = 2) at lambda = 1.2:
    // time in the decision category = M/M/1 sojourn = 1 / (2 - 1.2).
    let toml = single_station(
        1.2,
        1.0,
        4,
        20_000.0,
        40,
        105,
        "[coordination]\ndecision = { dist = \"exponential\", mean = 0.5 }",
    );
    let exp = run(&toml);
    let exact = theory::mm1_sojourn(1.2, 2.0);
    assert_theory(
        "leader M/M/1",
        values(&exp, "matrix", "decision_mean"),
        exact,
        0.03,
    );
    assert_theory(
        "leader utilization",
        values(&exp, "matrix", "leader_utilization_max"),
        0.6,
        0.01,
    );
}

#[test]
fn executive_queue_is_an_mm1_on_the_escalated_fraction() {
    // Every request is decided instantly, then escalated with p = 0.5 to an
    // executive with exponential decisions of mean 1: an M/M/1 at 0.4 per day
    // seen by the escalated half, so escalation per item = 0.5 / (1 - 0.4).
    let toml = single_station(
        0.8,
        1.0,
        4,
        20_000.0,
        40,
        106,
        "[coordination]\nescalation = { probability = 0.5, decision = { dist = \"exponential\", mean = 1 } }",
    );
    let exp = run(&toml);
    assert_theory(
        "executive M/M/1",
        values(&exp, "matrix", "escalation_mean"),
        0.5 * theory::mm1_sojourn(0.4, 1.0),
        0.03,
    );
    assert_theory(
        "escalations per item",
        values(&exp, "matrix", "escalations_per_item"),
        0.5,
        0.01,
    );
}
