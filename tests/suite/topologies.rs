//! Topology generators and routing (docs/model.md, *Topologies*).

use orgsim::model::topology::{self, largest_remainder};
use orgsim::scenario::bundled;
use orgsim::stats::Summary;

use crate::support::{assert_theory, run, values};

fn team_people(org: &orgsim::model::Organization, team: &str) -> Vec<u32> {
    org.teams
        .iter()
        .find(|t| t.name == team)
        .unwrap()
        .people
        .clone()
}

#[test]
fn single_threaded_split_follows_expected_demand_by_largest_remainder() {
    let b = bundled::find("prime-video").unwrap();
    let sc = orgsim::scenario::load_str(b.file_name, b.text, &[]).unwrap();
    let st = sc
        .model
        .topologies
        .iter()
        .find(|t| t.name == "single-threaded")
        .unwrap();
    let org = topology::build(&sc.model, st);
    // Skills in file order: product, design, eng, qa, marketing. Demand
    // shares are the streams' arrival rates 0.4 : 0.25 : 0.5 (same mix), so
    // e.g. eng 15 → quotas 5.22, 3.26, 6.52 → 5, 3, 6 + the remainder to mobile.
    assert_eq!(team_people(&org, "tv-apps"), vec![1, 1, 5, 1, 1]);
    assert_eq!(team_people(&org, "game-consoles"), vec![1, 1, 3, 1, 1]);
    assert_eq!(team_people(&org, "mobile"), vec![1, 2, 7, 2, 1]);
    let total: Vec<u32> = (0..5)
        .map(|s| org.teams.iter().map(|t| t.people[s]).sum())
        .collect();
    assert_eq!(total, vec![3, 4, 15, 4, 3], "headcount is preserved");
    for (k, t) in org.teams.iter().enumerate() {
        assert_eq!(t.owns, vec![k]);
    }
    // The matrix: one department per skill, owning nothing.
    let m = topology::build(&sc.model, &sc.model.topologies[0]);
    assert_eq!(m.teams.len(), 5);
    assert!(m.teams.iter().all(|t| t.owns.is_empty()
        && t.size()
            == sc.model.people[m.teams.iter().position(|x| x.name == t.name).unwrap()].count));
    assert_eq!(largest_remainder(15, &[0.4, 0.25, 0.5]), vec![5, 3, 7]);
}

#[test]
fn tasks_without_a_skill_in_their_team_go_to_the_largest_team_with_it() {
    // Team `a` owns stream a but has no QA: its QA tasks go to the team with
    // the most QA people (`shared-qa`, 3 > 1), a cross-team handoff.
    let exp = run(r#"
name = "routing"
[simulation]
horizon = 1000
replications = 3
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 2 }
item = "job"
[[workload.streams]]
name = "b"
interarrival = { dist = "exponential", mean = 2 }
item = "job"
[workload.items.job]
tasks = [
  { name = "build", skill = "eng", effort = { dist = "exponential", mean = 1 } },
  { name = "test", skill = "qa", effort = { dist = "exponential", mean = 0.5 }, after = ["build"] },
]
[organization]
people = { eng = 4, qa = 4 }
[[topologies]]
name = "custom"
kind = "custom"
teams = [
  { name = "team-a", people = { eng = 2 }, owns = ["a"] },
  { name = "team-b", people = { eng = 2, qa = 1 }, owns = ["b"] },
  { name = "shared-qa", people = { qa = 3 } },
]
"#);
    for r in 0..3 {
        assert_eq!(values(&exp, "custom", "a:handoffs_per_item")[r], 1.0);
        assert_eq!(values(&exp, "custom", "a:teams_per_item")[r], 2.0);
        assert_eq!(values(&exp, "custom", "b:handoffs_per_item")[r], 0.0);
        assert_eq!(values(&exp, "custom", "b:teams_per_item")[r], 1.0);
        assert!(values(&exp, "custom", "team:shared-qa:utilization")[r] > 0.0);
    }
}

#[test]
fn coupling_sends_tasks_to_the_other_streams_team() {
    // Two streams, a two-task chain of one skill, single-threaded teams.
    // Each task is coupled with probability c (to the only other stream), so
    // cross-team handoffs per item = c (root leaves its owner) + 2c(1 − c)
    // (the two tasks in different teams), and teams per item = 1 + 2c(1 − c).
    let toml = |c: f64| {
        format!(
            r#"
name = "coupling"
[simulation]
warmup = 100
horizon = 4000
replications = 20
seed = 21
[[workload.streams]]
name = "a"
interarrival = {{ dist = "exponential", mean = 1 }}
item = "job"
[[workload.streams]]
name = "b"
interarrival = {{ dist = "exponential", mean = 1 }}
item = "job"
[workload.items.job]
tasks = [
  {{ name = "one", skill = "eng", effort = {{ dist = "exponential", mean = 1 }} }},
  {{ name = "two", skill = "eng", effort = {{ dist = "exponential", mean = 1 }}, after = ["one"] }},
]
[architecture]
coupling = {c}
[organization]
people = {{ eng = 8 }}
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#
        )
    };
    let none = run(&toml(0.0));
    for r in 0..20 {
        assert_eq!(
            values(&none, "single-threaded", "handoffs_per_item")[r],
            0.0
        );
        assert_eq!(values(&none, "single-threaded", "teams_per_item")[r], 1.0);
    }
    let c = 0.5;
    let half = run(&toml(c));
    assert_theory(
        "handoffs per item at coupling 0.5",
        values(&half, "single-threaded", "handoffs_per_item"),
        c + 2.0 * c * (1.0 - c),
        0.02,
    );
    assert_theory(
        "teams per item at coupling 0.5",
        values(&half, "single-threaded", "teams_per_item"),
        1.0 + 2.0 * c * (1.0 - c),
        0.02,
    );
}

#[test]
fn a_matrix_hands_every_task_across_a_boundary_and_every_task_is_a_request() {
    // A three-task chain over three skills: 3 cross-team handoffs (the root
    // from the business, then two between departments), 3 teams, and every
    // task waits for a planning boundary.
    let exp = run(r#"
name = "chain"
[simulation]
horizon = 2000
replications = 4
[[workload.streams]]
name = "s"
interarrival = { dist = "exponential", mean = 3 }
item = "job"
[workload.items.job]
tasks = [
  { name = "a", skill = "x", effort = 1 },
  { name = "b", skill = "y", effort = 1, after = ["a"] },
  { name = "c", skill = "z", effort = 1, after = ["b"] },
]
[organization]
people = { x = 2, y = 2, z = 2 }
[coordination]
intake_cadence = 1
[[topologies]]
name = "matrix"
kind = "matrix"
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#);
    for r in 0..4 {
        assert_eq!(values(&exp, "matrix", "handoffs_per_item")[r], 3.0);
        assert_eq!(values(&exp, "matrix", "teams_per_item")[r], 3.0);
        assert_eq!(values(&exp, "single-threaded", "handoffs_per_item")[r], 0.0);
        assert_eq!(values(&exp, "single-threaded", "cadence_mean")[r], 0.0);
    }
    // Constant efforts of 1 day and a cadence of 1 day: after the first
    // boundary every later task finishes on a boundary, so only the root waits
    // (a uniform wait, mean 1/2).
    let cadence = Summary::of(values(&exp, "matrix", "cadence_mean"));
    assert!((cadence.mean - 0.5).abs() < 0.05, "{cadence:?}");
}
