//! The mechanisms beyond the reductions move the numbers by the amount
//! theory says: weighted queues (Cobham's priority formula), part-time and
//! shared leaders (M/M/1 at the scaled rate), swarming (capacity lost = f·r·d).

use orgsim::model::Category;
use orgsim::stats::Summary;

use crate::support::{assert_theory, run, single_station, values};

#[test]
fn weighted_queue_matches_the_non_preemptive_priority_formula() {
    // Two streams into one team of one person (M/M/1, mu = 1), lambda 0.35
    // each. Weighted: stream `hi` (weight 2) is served first. Cobham:
    // W0 = lambda E[S^2] / 2 = 0.7, Wq_hi = W0 / (1 - rho_hi),
    // Wq_lo = W0 / ((1 - rho_hi)(1 - rho)).
    let toml = |queue: &str| {
        format!(
            r#"
name = "priority"
[simulation]
warmup = 1000
horizon = 20000
replications = 40
seed = 31
[[workload.streams]]
name = "hi"
weight = 2
interarrival = {{ dist = "exponential", mean = 2.857142857142857 }}
item = "job"
[[workload.streams]]
name = "lo"
interarrival = {{ dist = "exponential", mean = 2.857142857142857 }}
item = "job"
[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = {{ dist = "exponential", mean = 1 }} }} ]
[organization]
people = {{ eng = 1 }}
[[topologies]]
name = "team"
kind = "matrix"
queue = "{queue}"
"#
        )
    };
    let (l1, rho) = (0.35, 0.7);
    let w0 = rho * 1.0;
    let exp = run(&toml("weighted"));
    assert_theory(
        "priority hi queue",
        values(&exp, "team", "hi:queue_mean"),
        w0 / (1.0 - l1),
        0.04,
    );
    assert_theory(
        "priority lo queue",
        values(&exp, "team", "lo:queue_mean"),
        w0 / ((1.0 - l1) * (1.0 - rho)),
        0.04,
    );
    // FIFO: both streams see the M/M/1 wait rho / (mu - lambda).
    let fifo = run(&toml("fifo"));
    for s in ["hi", "lo"] {
        assert_theory(
            &format!("fifo {s} queue"),
            values(&fifo, "team", &format!("{s}:queue_mean")),
            rho / (1.0 - rho),
            0.05,
        );
    }
}

#[test]
fn part_time_leader_decides_at_the_scaled_rate() {
    // Decisions of mean 0.25 days by a leader at attention 0.5: an M/M/1
    // with mu = 0.5 / 0.25 = 2 per day at lambda = 1.2.
    let toml = single_station(
        1.2,
        1.0,
        4,
        20_000.0,
        40,
        107,
        "[coordination]\ndecision = { dist = \"exponential\", mean = 0.25 }",
    )
    .replace(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nleader_attention = 0.5",
    );
    let exp = run(&toml);
    assert_theory(
        "part-time leader M/M/1",
        values(&exp, "matrix", "decision_mean"),
        1.25,
        0.03,
    );
    assert_theory(
        "part-time leader busy",
        values(&exp, "matrix", "leader_utilization_max"),
        0.6,
        0.01,
    );
}

#[test]
fn a_leader_shared_by_two_teams_is_one_queue_for_both() {
    // Two departments (x, y) each get one task of every item; one leader
    // decides for both.
    let toml = r#"
name = "shared-leader"
[simulation]
warmup = 500
horizon = 20000
replications = 40
seed = 41
[[workload.streams]]
name = "s"
interarrival = { dist = "exponential", mean = 2.5 }
item = "job"
[workload.items.job]
tasks = [
  { name = "a", skill = "x", effort = { dist = "exponential", mean = 1 } },
  { name = "b", skill = "y", effort = { dist = "exponential", mean = 1 } },
]
[organization]
people = { x = 2, y = 2 }
[coordination]
decision = { dist = "exponential", mean = 0.5 }
[[topologies]]
name = "matrix"
kind = "matrix"
leaders = [ { name = "pat", teams = ["x", "y"] } ]
[[topologies]]
name = "separate"
kind = "matrix"
"#;
    let exp = run(toml);
    let t = exp.topology("matrix").unwrap();
    let util = Summary::of(t.metric("team:x:leader_utilization").unwrap()).mean;
    let util_y = Summary::of(t.metric("team:y:leader_utilization").unwrap()).mean;
    assert_eq!(util, util_y, "both teams report their one shared leader");
    // Requests arrive in pairs (both branches at once), so the queue is not
    // an M/M/1; its load is exact: 0.8 requests/day × 0.5 days.
    assert_theory(
        "shared leader busy",
        values(&exp, "matrix", "leader_utilization_max"),
        0.4,
        0.01,
    );
    // Against one leader per department (each at 0.2 load), sharing makes
    // every item wait longer for decisions.
    let d = exp.comparison("separate", "decision_mean").unwrap();
    assert!(
        d.diff.ci_high < 0.0,
        "separate leaders must decide faster: {d:?}"
    );
}

fn swarm_scenario(fraction: f64, interval: f64, duration: f64, seed: u64) -> String {
    format!(
        r#"
name = "swarm"
[simulation]
warmup = 200
horizon = 20000
replications = 30
seed = {seed}
[[workload.streams]]
name = "a"
interarrival = {{ dist = "exponential", mean = 0.5 }}
item = "job"
[[workload.streams]]
name = "b"
interarrival = {{ dist = "exponential", mean = 0.5 }}
item = "job"
[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = {{ dist = "exponential", mean = 2 }} }} ]
[organization]
people = {{ eng = 10 }}
[coordination]
context_switch = 0.5
[[topologies]]
name = "matrix"
kind = "matrix"
swarm = {{ interval = {{ dist = "exponential", mean = {interval} }}, duration = {duration}, fraction = {fraction} }}
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#
    )
}

#[test]
fn swarming_takes_capacity_f_times_r_times_d() {
    // One department of 10 serving two streams; swarms at rate r = 1/20 per
    // day take round(0.3 × 10) = 3 people for d = 5 days: the fraction of
    // person-time lost is f·r·d = 0.3 × 0.05 × 5 = 0.075.
    let exp = run(&swarm_scenario(0.3, 20.0, 5.0, 51));
    assert_theory(
        "capacity lost",
        values(&exp, "matrix", "capacity_lost"),
        0.075,
        0.03,
    );
    // Dedicated teams are not swarmed when a shared team exists (here the
    // single-threaded topology has no swarm at all).
    for &x in values(&exp, "single-threaded", "capacity_lost") {
        assert_eq!(x, 0.0);
    }
    // Interrupted time appears on the critical path, work stays the effort.
    let interrupted = Summary::of(values(&exp, "matrix", "interrupted_mean")).mean;
    assert!(interrupted > 0.0, "no interruption recorded");
    assert_theory(
        "work under swarming",
        values(&exp, "matrix", "work_mean"),
        2.0,
        0.01,
    );
    // Useful work is unchanged, so utilization (busy / all person-time) is the
    // offered load 4 × 2 / 10 = 0.8 plus the context-switch overhead.
    let util = Summary::of(values(&exp, "matrix", "utilization")).mean;
    assert!((0.8..0.85).contains(&util), "utilization {util}");
}

#[test]
fn interrupted_items_still_add_up_and_are_conserved() {
    let toml = swarm_scenario(0.5, 10.0, 8.0, 52)
        .replace("horizon = 20000", "horizon = 2000")
        .replace("replications = 30", "replications = 3")
        .replace("warmup = 200", "warmup = 0");
    let sc = crate::support::scenario(&toml);
    let exp = orgsim::experiment::run(
        &sc,
        &orgsim::experiment::RunOptions {
            keep_items: true,
            ..Default::default()
        },
    )
    .unwrap();
    let t = exp.topology("matrix").unwrap();
    let mut interrupted = 0;
    for items in &t.items {
        for it in items {
            let total = it.breakdown.total();
            assert!((total - it.lead_time()).abs() < 1e-9 * it.lead_time().max(1.0));
            assert!(it.breakdown.get(Category::Work) > 0.0);
            if it.breakdown.get(Category::Interrupted) > 0.0 {
                interrupted += 1;
            }
        }
    }
    assert!(interrupted > 10, "only {interrupted} interrupted items");
    for r in 0..3 {
        let v = |m: &str| t.metric(m).unwrap()[r];
        assert_eq!(v("arrived"), v("completed") + v("open_at_end"));
    }
}
