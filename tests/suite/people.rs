//! Cross-trained people and communication overhead against queueing theory
//! (docs/model.md, "Cross-trained people" and "Communication overhead").

use orgsim::stats::queueing::mmc_sojourn;

use crate::support::{assert_theory, run, single_station, values};

/// Two streams of rate 0.8, one of skill-x tasks and one of skill-y tasks
/// (exponential, mean 1), in one team of one x and one y person; `cross`
/// is the team's `cross_trained` and `org` extra `[organization]` keys.
fn two_streams(org: &str, cross: &str, seed: u64) -> String {
    format!(
        r#"
name = "pair"
[simulation]
warmup = 1000
horizon = 20000
replications = 40
seed = {seed}
[[workload.streams]]
name = "sx"
interarrival = {{ dist = "exponential", mean = 1.25 }}
item = "jx"
[[workload.streams]]
name = "sy"
interarrival = {{ dist = "exponential", mean = 1.25 }}
item = "jy"
[workload.items.jx]
tasks = [ {{ name = "work", skill = "x", effort = {{ dist = "exponential", mean = 1 }} }} ]
[workload.items.jy]
tasks = [ {{ name = "work", skill = "y", effort = {{ dist = "exponential", mean = 1 }} }} ]
[organization]
people = {{ x = 1, y = 1 }}
{org}
[[topologies]]
name = "team"
kind = "custom"
teams = [ {{ name = "both", people = {{ x = 1, y = 1 }}, owns = ["sx", "sy"], {cross} }} ]
"#
    )
}

const BOTH_WAYS: &str = r#"cross_training = [
  { from = "x", to = "y", count = 1, efficiency = 1 },
  { from = "y", to = "x", count = 1, efficiency = 1 },
]"#;
const BOTH_TEAM: &str =
    r#"cross_trained = [{ from = "x", to = "y", count = 1 }, { from = "y", to = "x", count = 1 }]"#;

#[test]
fn two_fully_cross_trained_people_oldest_first_are_an_mm2() {
    // lambda = 1.6, mu = 1, c = 2: W = 1 + C(2, 1.6) / (2 - 1.6) = 2.778.
    let exact = mmc_sojourn(1.6, 1.0, 2);
    assert!((exact - 2.7778).abs() < 1e-3, "Erlang C W = {exact}");
    let org = format!("dispatch = \"oldest-first\"\n{BOTH_WAYS}");
    let exp = run(&two_streams(&org, BOTH_TEAM, 201));
    assert_theory(
        "cross-trained pair, oldest-first: M/M/2",
        values(&exp, "team", "lead_time_mean"),
        exact,
        0.04,
    );
    assert_theory(
        "cross-trained pair: utilization",
        values(&exp, "team", "utilization"),
        0.8,
        0.01,
    );
    // By symmetry each does about as much of the other's work as the
    // other does of theirs: some, but well under half.
    let share = values(&exp, "team", "cross_skill_share");
    let mean = share.iter().sum::<f64>() / share.len() as f64;
    assert!(mean > 0.05 && mean < 0.5, "cross-skill share {mean}");
    // Both are fully efficient and never idle while a task they can do
    // waits: the number in the system is that of the M/M/2 whatever the
    // rule, so own-skill-first has the same mean (Little's law).
    let own = run(&two_streams(BOTH_WAYS, BOTH_TEAM, 202));
    assert_theory(
        "cross-trained pair, own-skill-first: M/M/2 mean",
        values(&own, "team", "lead_time_mean"),
        exact,
        0.04,
    );
}

#[test]
fn without_cross_training_the_pair_is_two_mm1() {
    // Each person alone at rho = 0.8: W = 1 / (1 - 0.8) = 5.
    let exp = run(&two_streams("", "", 203));
    assert_theory(
        "no cross-training: two M/M/1",
        values(&exp, "team", "lead_time_mean"),
        5.0,
        0.06,
    );
    let share = values(&exp, "team", "cross_skill_share");
    assert!(share.iter().all(|&v| v == 0.0), "{share:?}");
}

#[test]
fn a_cross_trained_person_works_the_second_skill_at_their_efficiency() {
    // Only y tasks (rate 0.4, mean effort 1), done by the one x person,
    // cross-trained in y at efficiency 0.5: an M/M/1 with mu = 0.5, W = 10.
    // The y specialist sits in another team, which the stream's owner
    // does not need.
    let toml = r#"
name = "half"
[simulation]
warmup = 1000
horizon = 20000
replications = 40
seed = 204
[[workload.streams]]
name = "sy"
interarrival = { dist = "exponential", mean = 2.5 }
item = "jy"
[workload.items.jy]
tasks = [ { name = "work", skill = "y", effort = { dist = "exponential", mean = 1 } } ]
[organization]
people = { x = 1, y = 1 }
cross_training = [ { from = "x", to = "y", count = 1, efficiency = 0.5 } ]
[[topologies]]
name = "team"
kind = "custom"
teams = [
  { name = "xs", people = { x = 1 }, owns = ["sy"], cross_trained = [{ from = "x", to = "y", count = 1 }] },
  { name = "ys", people = { y = 1 } },
]
"#;
    let exp = run(toml);
    assert_theory(
        "efficiency 0.5: M/M/1 at mu = 0.5",
        values(&exp, "team", "lead_time_mean"),
        10.0,
        0.08,
    );
    assert_theory(
        "efficiency 0.5: the x person busy 0.8",
        values(&exp, "team", "team:xs:utilization"),
        0.8,
        0.01,
    );
    // Every task is done in the x person's second skill.
    let share = values(&exp, "team", "cross_skill_share");
    assert!(share.iter().all(|&v| v == 1.0), "{share:?}");
}

#[test]
fn one_team_slowed_by_communication_is_an_mmc_at_the_scaled_rate() {
    // Four people, each spending 0.05 of their time with each of the other
    // three: speed 0.85, so mu = 0.85 and rho = 2.4 / 3.4.
    let toml = single_station(
        2.4,
        1.0,
        4,
        20_000.0,
        40,
        205,
        "[coordination]\ncommunication = 0.05",
    );
    let exp = run(&toml);
    assert_theory(
        "communication: M/M/4 at mu = 0.85",
        values(&exp, "matrix", "lead_time_mean"),
        mmc_sojourn(2.4, 0.85, 4),
        0.03,
    );
    assert_theory(
        "communication: utilization lambda / (c mu')",
        values(&exp, "matrix", "utilization"),
        2.4 / 3.4,
        0.01,
    );
}
