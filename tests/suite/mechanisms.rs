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

fn quality_scenario(bar_raiser: &str) -> String {
    format!(
        r#"
name = "quality"
[simulation]
warmup = 500
horizon = 10000
replications = 30
seed = 61
[[workload.streams]]
name = "s"
interarrival = {{ dist = "exponential", mean = 2 }}
item = "job"
[workload.items.job]
tasks = [
  {{ name = "a", skill = "x", effort = {{ dist = "exponential", mean = 1 }} }},
  {{ name = "b", skill = "y", effort = {{ dist = "exponential", mean = 1 }}, after = ["a"] }},
  {{ name = "c", skill = "z", effort = {{ dist = "exponential", mean = 1 }}, after = ["b"] }},
]
[organization]
people = {{ x = 2, y = 2, z = 2 }}
[quality]
defect_probability = 0.2
dilution = 1.5
rework_fraction = 0.5
escape_delay = 10
[[topologies]]
name = "matrix"
kind = "matrix"
{bar_raiser}
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
{bar_raiser}
"#
    )
}

#[test]
fn escaped_defects_per_item_are_p_times_one_minus_catch_per_task() {
    let exp = run(&quality_scenario(
        "bar_raiser = { reviewers = 3, review = { dist = \"exponential\", mean = 0.2 }, catch = 0.75 }",
    ));
    // Matrix departments hold one skill each: p = 0.2 per task. The
    // single-threaded team holds three skills: p = 0.2 × 1.5 = 0.3.
    for (topology, p) in [("matrix", 0.2), ("single-threaded", 0.3)] {
        assert_theory(
            &format!("{topology} defects per item"),
            values(&exp, topology, "defects_per_item"),
            3.0 * p,
            0.03,
        );
        assert_theory(
            &format!("{topology} escaped defects per item"),
            values(&exp, topology, "escaped_defects_per_item"),
            3.0 * p * 0.25,
            0.06,
        );
        // Each escaped defect comes back as a fix item: at 0.5 items/day.
        assert_theory(
            &format!("{topology} fixes per day"),
            values(&exp, topology, "fix_throughput"),
            0.5 * 3.0 * p * 0.25,
            0.08,
        );
        assert!(Summary::of(values(&exp, topology, "rework_mean")).mean > 0.0);
    }
    // In the matrix, items leave a Jackson tandem (Burke: a Poisson stream)
    // and meet 3 reviewers with exponential reviews: an M/M/3 sojourn.
    assert_theory(
        "review as M/M/3",
        values(&exp, "matrix", "review_mean"),
        crate::theory::mmc_sojourn(0.5, 5.0, 3),
        0.03,
    );
    // Reviewers are extra headcount: their load is 0.5 × 0.2 / 3.
    assert_theory(
        "reviewer utilization",
        values(&exp, "matrix", "reviewer_utilization"),
        0.5 * 0.2 / 3.0,
        0.02,
    );
}

#[test]
fn without_bar_raisers_every_defect_escapes() {
    let exp = run(&quality_scenario(""));
    for (topology, p) in [("matrix", 0.2), ("single-threaded", 0.3)] {
        assert_theory(
            &format!("{topology} escaped without review"),
            values(&exp, topology, "escaped_defects_per_item"),
            3.0 * p,
            0.03,
        );
        for m in ["review_mean", "rework_mean"] {
            assert!(values(&exp, topology, m).iter().all(|&x| x == 0.0), "{m}");
        }
    }
}

#[test]
fn platform_team_takes_the_platform_share_of_the_work() {
    let toml = r#"
name = "platform"
[simulation]
warmup = 200
horizon = 10000
replications = 20
seed = 71
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[[workload.streams]]
name = "b"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = { dist = "exponential", mean = 2 } } ]
[architecture]
platform = 0.4
[organization]
people = { eng = 10 }
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
[[topologies]]
name = "with-platform"
kind = "single-threaded-with-platform"
"#;
    let sc = crate::support::scenario(toml);
    let org = orgsim::model::topology::build(&sc.model, &sc.model.topologies[1]);
    // Demand 2 per stream; the platform takes 0.4 of it: 1.2, 1.2, 1.6 → 3, 3, 4.
    let eng: Vec<(String, u32)> = org
        .teams
        .iter()
        .map(|t| (t.name.clone(), t.people[0]))
        .collect();
    assert_eq!(
        eng,
        vec![("a".into(), 3), ("b".into(), 3), ("platform".into(), 4)]
    );
    let exp = run(toml);
    // Without a platform team nobody owns the platform: no handoff at all.
    assert!(
        values(&exp, "single-threaded", "handoffs_per_item")
            .iter()
            .all(|&x| x == 0.0)
    );
    // With one, a platform task is handed from the stream team to it.
    assert_theory(
        "platform handoffs per item",
        values(&exp, "with-platform", "handoffs_per_item"),
        0.4,
        0.02,
    );
    assert_theory(
        "platform team utilization",
        values(&exp, "with-platform", "team:platform:utilization"),
        0.8 * 2.0 / 4.0,
        0.02,
    );
}

#[test]
fn a_task_paused_by_a_swarm_restarts_at_once_when_a_person_of_its_pool_is_free() {
    // One item in flight at a time (a closed stream of one), a pool of two
    // people, a swarm every 10 days that takes one of them for 1 day. The
    // other person is always free when the worker is pulled away, so the
    // paused task restarts at once: its interrupted time is exactly the
    // context switch (0.25), never the swarm's duration on top of it. At
    // most one swarm falls within an item's 3 to 3.25 days.
    let toml = r#"
name = "paused"
[simulation]
warmup = 0
horizon = 2000
replications = 4
seed = 7
[[workload.streams]]
name = "a"
backlog = { wip = 1 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = 3 } ]
[organization]
people = { eng = 2 }
[coordination]
context_switch = 0.25
[[topologies]]
name = "department"
kind = "matrix"
swarm = { interval = 10, duration = 1, fraction = 0.5 }
"#;
    let exp = crate::support::run_with(
        toml,
        orgsim::experiment::RunOptions {
            keep_items: true,
            ..Default::default()
        },
    );
    let t = exp.topology("department").unwrap();
    let (mut interrupted, mut total) = (0, 0);
    for items in &t.items {
        for it in items {
            total += 1;
            let x = it.breakdown.get(Category::Interrupted);
            if x > 0.0 {
                interrupted += 1;
                assert!(
                    (x - 0.25).abs() < 1e-9,
                    "item {} waited {x} days after its pause, not the context switch",
                    it.index
                );
                assert!((it.lead_time() - 3.25).abs() < 1e-9);
            } else {
                assert!((it.lead_time() - 3.0).abs() < 1e-9);
            }
        }
    }
    // 200 swarms a replication, 800 in all, each pulling the busy person
    // with probability 1/2 (someone is always at work): binomial(800, 1/2),
    // 400 ± 14; the range is ±4 standard deviations.
    assert!(total > 2000, "only {total} items");
    assert!(
        (344..=456).contains(&interrupted),
        "{interrupted} of {total} items interrupted"
    );
}
