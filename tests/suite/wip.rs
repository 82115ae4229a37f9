//! WIP limits and classes of service (docs/model.md, "WIP limits" and
//! "Classes of service"): against queueing theory on one station, limits
//! never exceeded in `--items` runs, expedite work served first, and the
//! validation of the new keys.

use std::collections::BTreeMap;
use std::path::Path;

use orgsim::scenario::{Override, load_str};

use crate::support::{assert_theory, orgsim, run, text, values};

/// One M/M/1 station (mu = 1) fed by streams `streams` (TOML of the
/// `[[workload.streams]]` tables), `reps` replications of `horizon` days.
fn station(streams: &str, topology_extra: &str, horizon: u32, reps: u32, seed: u64) -> String {
    format!(
        r#"
name = "wip-station"
[simulation]
warmup = 1000
horizon = {horizon}
replications = {reps}
seed = {seed}
{streams}
[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = {{ dist = "exponential", mean = 1 }} }} ]
[organization]
people = {{ eng = 1 }}
[[topologies]]
name = "team"
kind = "matrix"
{topology_extra}
"#
    )
}

#[test]
fn a_stream_limit_on_mm1_keeps_the_lead_time_and_blocks_the_predicted_share() {
    // FIFO M/M/1 at lambda = 0.7, mu = 1 with a stream limit N = 2. The
    // station serves whenever work is there, so the number in the system
    // Q is geometric, P(Q = n) = (1 - rho) rho^n, whatever N: the lead time
    // stays W = 1 / (mu - lambda). Started and not done are min(Q, N)
    // items, E[min(Q, N)] = sum_{k=1..N} P(Q >= k) = rho (1 - rho^N) / (1 - rho);
    // by Little's law they stay E[min(Q, N)] / lambda days, and the rest of
    // W is `blocked`.
    let (lambda, n) = (0.7f64, 2);
    let rho = lambda;
    let toml = station(
        &format!(
            r#"[[workload.streams]]
name = "s"
interarrival = {{ dist = "exponential", mean = {} }}
item = "job"
wip_limit = {n}"#,
            1.0 / lambda
        ),
        "",
        20_000,
        40,
        61,
    );
    let exp = run(&toml);
    let w = 1.0 / (1.0 - lambda);
    let started = rho * (1.0 - rho.powi(n)) / (1.0 - rho);
    assert_theory(
        "limited M/M/1 lead time",
        values(&exp, "team", "lead_time_mean"),
        w,
        0.05,
    );
    assert_theory(
        "limited M/M/1 blocked",
        values(&exp, "team", "blocked_mean"),
        w - started / lambda,
        0.07,
    );
    // Little's law on the limited part: throughput x days from start to
    // done = the mean number started and not done.
    let thr = values(&exp, "team", "throughput");
    let lead = values(&exp, "team", "lead_time_mean");
    let blocked = values(&exp, "team", "blocked_mean");
    let little: Vec<f64> = (0..thr.len())
        .map(|r| thr[r] * (lead[r] - blocked[r]))
        .collect();
    assert_theory("limited part, Little's law", &little, started, 0.03);
    // Without the limit nothing is blocked.
    let free = run(&toml.replace(&format!("wip_limit = {n}"), ""));
    assert!(
        values(&free, "team", "blocked_mean")
            .iter()
            .all(|&b| b == 0.0)
    );
}

#[test]
fn expedite_work_matches_the_non_preemptive_priority_formula() {
    // Two streams (lambda 0.35 each) into one M/M/1 (mu = 1), FIFO except
    // that `urgent` is expedite. Cobham: W0 = sum lambda_i E[S^2] / 2 = 0.7,
    // Wq_urgent = W0 / (1 - rho_urgent), Wq_normal = W0 / ((1 - rho_urgent)(1 - rho)).
    let streams = r#"[[workload.streams]]
name = "urgent"
class = "expedite"
interarrival = { dist = "exponential", mean = 2.857142857142857 }
item = "job"
[[workload.streams]]
name = "normal"
interarrival = { dist = "exponential", mean = 2.857142857142857 }
item = "job""#;
    let exp = run(&station(streams, "", 20_000, 40, 67));
    let (l1, rho) = (0.35, 0.7);
    let w0 = 0.7;
    assert_theory(
        "expedite queue",
        values(&exp, "team", "urgent:queue_mean"),
        w0 / (1.0 - l1),
        0.04,
    );
    assert_theory(
        "standard queue behind expedite",
        values(&exp, "team", "normal:queue_mean"),
        w0 / ((1.0 - l1) * (1.0 - rho)),
        0.05,
    );
}

/// Runs `toml` with `--items` in a temporary folder; the rows of items.csv
/// as maps from column to value.
fn items_of(toml: &str) -> Vec<BTreeMap<String, String>> {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(tmp.path().join("s.toml"), toml).expect("writable");
    let done = orgsim(
        &[
            "run",
            "s.toml",
            "--items",
            "--no-plots",
            "-q",
            "--out",
            "out",
        ],
        tmp.path(),
    );
    assert!(done.status.success(), "{}", text(&done.stderr));
    read_items(&tmp.path().join("out/items.csv"))
}

fn read_items(path: &Path) -> Vec<BTreeMap<String, String>> {
    let body = std::fs::read_to_string(path).expect("items.csv");
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| ((*h).to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column].parse().expect("a number")
}

/// The most intervals `[start, end)` open at once.
fn most_at_once(intervals: &[(f64, f64)]) -> usize {
    let mut points: Vec<(f64, i32)> = intervals
        .iter()
        .flat_map(|&(s, e)| [(s, 1), (e, -1)])
        .collect();
    // At equal times an end goes first: a place freed is taken at once.
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut open, mut most) = (0i32, 0i32);
    for (_, d) in points {
        open += d;
        most = most.max(open);
    }
    usize::try_from(most).expect("not negative")
}

#[test]
fn no_stream_ever_has_more_items_started_than_its_limit() {
    // Two streams of two-task items through a matrix; only the streams are
    // limited. An item starts when it leaves its stream's backlog
    // (arrival + blocked) and is counted until it is done.
    let toml = r#"
name = "streams"
[simulation]
warmup = 50
horizon = 400
replications = 3
seed = 9
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 1.5 }
item = "job"
wip_limit = 2
[[workload.streams]]
name = "b"
interarrival = { dist = "exponential", mean = 2 }
item = "job"
wip_limit = 3
[workload.items.job]
tasks = [
  { name = "x", skill = "dev", effort = { dist = "exponential", mean = 1 } },
  { name = "y", skill = "qa", effort = { dist = "exponential", mean = 0.5 }, after = ["x"] },
]
[organization]
people = { dev = 2, qa = 1 }
[coordination]
handoff = { dist = "exponential", mean = 0.3 }
[[topologies]]
name = "matrix"
kind = "matrix"
"#;
    let rows = items_of(toml);
    for (stream, limit) in [("a", 2), ("b", 3)] {
        for rep in ["0", "1", "2"] {
            let spans: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r["stream"] == stream && r["replication"] == rep)
                .map(|r| (num(r, "arrival") + num(r, "blocked"), num(r, "done")))
                .collect();
            assert!(spans.len() > 100, "{stream}: {} items", spans.len());
            let most = most_at_once(&spans);
            assert!(most <= limit, "{stream} rep {rep}: {most} started at once");
            assert_eq!(most, limit, "{stream} rep {rep}: the limit binds");
        }
    }
}

#[test]
fn no_team_ever_holds_more_tasks_than_its_limit() {
    // Single-task items of two skills, each a request to the team that
    // does not own its stream; every team limited (the testers to 1 by
    // their own limit). A task is accepted at arrival + handoff + blocked
    // and counted through the leader's decision until it is done.
    let toml = r#"
name = "teams"
[simulation]
warmup = 50
horizon = 400
replications = 3
seed = 10
[[workload.streams]]
name = "build"
interarrival = { dist = "exponential", mean = 0.6 }
item = "b"
[[workload.streams]]
name = "check"
interarrival = { dist = "exponential", mean = 1.5 }
item = "c"
[workload.items.b]
tasks = [ { name = "x", skill = "dev", effort = { dist = "exponential", mean = 1 } } ]
[workload.items.c]
tasks = [ { name = "y", skill = "qa", effort = { dist = "exponential", mean = 0.5 } } ]
[organization]
people = { dev = 3, qa = 1 }
[coordination]
handoff = { dist = "exponential", mean = 0.2 }
decision = { dist = "exponential", mean = 0.1 }
[[topologies]]
name = "limited"
kind = "custom"
wip_limit = 2
teams = [
  { name = "devs", people = { dev = 3 }, owns = ["check"] },
  { name = "testers", people = { qa = 1 }, owns = ["build"], wip_limit = 1 },
]
"#;
    let rows = items_of(toml);
    for (stream, limit) in [("build", 2), ("check", 1)] {
        for rep in ["0", "1", "2"] {
            let spans: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r["stream"] == stream && r["replication"] == rep)
                .map(|r| {
                    let accepted = num(r, "arrival") + num(r, "handoff") + num(r, "blocked");
                    (accepted, num(r, "done"))
                })
                .collect();
            assert!(spans.len() > 100, "{stream}: {} items", spans.len());
            let most = most_at_once(&spans);
            assert!(most <= limit, "{stream} rep {rep}: {most} tasks at once");
            assert_eq!(most, limit, "{stream} rep {rep}: the limit binds");
        }
    }
    assert!(
        rows.iter().any(|r| num(r, "blocked") > 0.0),
        "some task waited"
    );
}

#[test]
fn expedite_items_are_never_blocked_and_go_first() {
    // A limited team of one person: expedite items pass the limit, the
    // others wait for it.
    let toml = station(
        r#"[[workload.streams]]
name = "urgent"
class = "expedite"
interarrival = { dist = "exponential", mean = 5 }
item = "job"
[[workload.streams]]
name = "normal"
interarrival = { dist = "exponential", mean = 2 }
item = "job""#,
        "wip_limit = 1",
        2000,
        2,
        71,
    );
    let rows = items_of(&toml);
    let (urgent, normal): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r["stream"] == "urgent");
    assert!(urgent.len() > 100 && normal.len() > 300);
    assert!(urgent.iter().all(|r| num(r, "blocked") == 0.0));
    let mean = |rs: &[&BTreeMap<String, String>], c: &str| {
        rs.iter().map(|r| num(r, c)).sum::<f64>() / rs.len() as f64
    };
    assert!(
        normal.iter().any(|r| num(r, "blocked") > 0.0),
        "standard items wait"
    );
    // Cobham's means are 0.875 days for the expedite items and 2.9 for the
    // others (blocked, as the limit of one holds them before the backlog).
    let waited = |rs: &[&BTreeMap<String, String>]| mean(rs, "queue") + mean(rs, "blocked");
    assert!(waited(&urgent) < waited(&normal) / 2.0);
}

/// The problems of loading `toml` with the overrides `sets`.
fn problems(toml: &str, sets: &[&str]) -> Vec<String> {
    let sets: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    match load_str("t.toml", toml, &sets) {
        Ok(_) => panic!("should fail"),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

const ONE: &str = r#"name = "t"
[[workload.streams]]
name = "s"
interarrival = { dist = "exponential", mean = 2 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = 1 } ]
[organization]
people = { eng = 2 }
[[topologies]]
name = "m"
kind = "matrix"
"#;

#[test]
fn a_wip_limit_below_one_or_an_unknown_class_is_refused_with_its_place() {
    let stream = ONE.replace("item = \"job\"\n", "item = \"job\"\nwip_limit = 0\n");
    assert_eq!(
        problems(&stream, &[]),
        [
            "t.toml:6: workload.streams[0].wip_limit: a WIP limit must be at least 1, got 0 (leave `wip_limit` out for no limit)"
        ]
    );
    let topology = format!("{ONE}wip_limit = -2\n");
    assert_eq!(
        problems(&topology, &[]),
        [
            "t.toml:13: topologies[0].wip_limit: a WIP limit must be at least 1, got -2 (leave `wip_limit` out for no limit)"
        ]
    );
    let class = ONE.replace("tasks = [", "class = \"urgnet\"\ntasks = [");
    let p = problems(&class, &[]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("t.toml:7: workload.items.job.class: unknown class of service `urgnet`")
            && p[0].contains("expedite"),
        "{p:?}"
    );
    let set = problems(ONE, &["workload.streams.s.wip_limit=0.5"]);
    assert_eq!(set.len(), 1, "{set:?}");
    assert!(
        set[0].contains("workload.streams[0].wip_limit") && set[0].contains("--set"),
        "{set:?}"
    );
}

#[test]
fn a_custom_team_limit_below_one_exits_with_code_2_naming_it() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let toml = ONE.replace(
        "kind = \"matrix\"\n",
        "kind = \"custom\"\nteams = [\n  { name = \"all\", people = { eng = 2 }, owns = [\"s\"], wip_limit = 0 },\n]\n",
    );
    std::fs::write(tmp.path().join("t.toml"), toml).expect("writable");
    let out = orgsim(&["check", "t.toml"], tmp.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "t.toml:14: topologies[0].teams[0].wip_limit: a WIP limit must be at least 1, got 0"
        ),
        "{stderr}"
    );
}

#[test]
fn wip_limits_and_classes_are_overridable_and_sweepable() {
    let sets = |args: &[&str]| -> Vec<Override> {
        args.iter().map(|a| Override::parse(a).unwrap()).collect()
    };
    let sc = load_str(
        "t.toml",
        ONE,
        &sets(&[
            "workload.streams.s.wip_limit=3",
            "workload.streams.s.class=expedite",
            "topologies.m.wip_limit=4",
        ]),
    )
    .expect("valid");
    let s = &sc.model.workload.streams[0];
    assert_eq!(s.wip_limit, Some(3));
    assert_eq!(s.class, orgsim::model::spec::ServiceClass::Expedite);
    assert_eq!(sc.model.topologies[0].wip_limit, Some(4));
    // A sweep over the team limit: the tighter limit blocks more.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        tmp.path().join("t.toml"),
        station(
            "[[workload.streams]]\nname = \"s\"\ninterarrival = { dist = \"exponential\", mean = 1.25 }\nitem = \"job\"",
            "wip_limit = 2",
            500,
            4,
            3,
        ),
    )
    .expect("writable");
    let out = orgsim(
        &[
            "sweep",
            "t.toml",
            "--vary",
            "topologies.team.wip_limit=1,4",
            "--no-plots",
            "-q",
            "--out",
            "sw",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(tmp.path().join("sw/sweep.csv")).expect("sweep.csv");
    // Long format: point, topology, metric, mean, ...
    let blocked: Vec<f64> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[2] == "blocked_mean")
        .map(|f| f[3].parse().expect("a number"))
        .collect();
    assert_eq!(blocked.len(), 2, "{csv}");
    assert!(
        blocked[0] > blocked[1],
        "limit 1 blocks more than 4: {blocked:?}"
    );
}

#[test]
fn check_shows_the_limits_and_the_load_each_limited_team_is_offered() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let toml = ONE
        .replace(
            "item = \"job\"\n",
            "item = \"job\"\nwip_limit = 3\nclass = \"expedite\"\n",
        )
        .replace("kind = \"matrix\"\n", "kind = \"matrix\"\nwip_limit = 2\n");
    std::fs::write(tmp.path().join("t.toml"), toml).expect("writable");
    let out = orgsim(&["check", "t.toml"], tmp.path());
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("Stream WIP limits (items started and not done): s 3."),
        "{stdout}"
    );
    assert!(stdout.contains("Expedite: stream s"), "{stdout}");
    // One task of 1 person-day every 2 days: 0.50 person-days a day
    // against 2 places.
    assert!(
        stdout.contains(
            "WIP limit of eng: 2 tasks (2 people), offered 0.50 pd/day, places in use >= 0.25"
        ),
        "{stdout}"
    );
}
