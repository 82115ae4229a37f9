//! Cost of delay and people cost (docs/model.md, "Cost of delay and people
//! cost"): the cost metrics recomputed exactly from `--items` output and
//! the headcount, the yearly sentence, the validation of `[economics]`, and
//! that a scenario without it reports no cost metric.

use std::collections::BTreeMap;

use orgsim::experiment::RunOptions;
use orgsim::model::Metric;
use orgsim::report::money;
use orgsim::scenario::{Override, Problem, load_str};

use crate::support::{orgsim, priced_prime_video, run_with, text};

/// Reads a CSV file into its header and rows.
fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn cost_metrics_are_recomputed_exactly_from_the_items_and_the_headcount() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pv.toml"), priced_prime_video()).unwrap();
    let out = orgsim(
        &[
            "run",
            "pv.toml",
            "--reps",
            "3",
            "--items",
            "--no-plots",
            "--depends",
            "off",
            "-q",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let folder = dir.path().join("output/prime-video");
    let (ih, items) = read_csv(&folder.join("items.csv"));
    let col = |h: &[String], name: &str| h.iter().position(|c| c == name).unwrap();
    let (it, ir, is, il) = (
        col(&ih, "topology"),
        col(&ih, "replication"),
        col(&ih, "stream"),
        col(&ih, "lead_time"),
    );
    let rate = |s: &str| match s {
        "tv-apps" => 4000.0,
        "game-consoles" => 2500.0,
        "mobile" => 1500.0,
        other => panic!("unknown stream {other}"),
    };
    // Each stream's lead times summed in file order (completion order),
    // then priced stream by stream, as docs/model.md states it.
    let streams = ["tv-apps", "game-consoles", "mobile"];
    let mut sums: BTreeMap<(String, String), [f64; 3]> = BTreeMap::new();
    for row in &items {
        let k = streams.iter().position(|s| *s == row[is]).unwrap();
        let e = sums.entry((row[it].clone(), row[ir].clone())).or_default();
        e[k] += row[il].parse::<f64>().unwrap();
    }
    // 24 300 a day of people in both, plus leaders at 1 200: the matrix's
    // five department heads and the executive; the single-threaded teams'
    // three leads, the executive and the two bar raisers at 900.
    let people: f64 = 3.0 * 900.0 + 4.0 * 800.0 + 15.0 * 900.0 + 4.0 * 700.0 + 3.0 * 700.0;
    let people_cost = |t: &str| match t {
        "matrix" => people + 6.0 * 1200.0,
        "single-threaded" => people + 4.0 * 1200.0 + 2.0 * 900.0,
        other => panic!("unknown topology {other}"),
    };
    let (rh, reps) = read_csv(&folder.join("replications.csv"));
    assert_eq!(reps.len(), 6);
    for row in &reps {
        let (t, r) = (&row[col(&rh, "topology")], &row[col(&rh, "replication")]);
        let get = |m: &str| row[col(&rh, m)].parse::<f64>().unwrap();
        let s = sums[&(t.clone(), r.clone())];
        let delay = streams
            .iter()
            .zip(s)
            .map(|(name, sum)| rate(name) * sum)
            .sum::<f64>()
            / 500.0;
        assert_eq!(get("delay_cost"), delay, "{t} replication {r}");
        assert_eq!(get("people_cost"), people_cost(t), "{t} replication {r}");
        assert_eq!(
            get("total_cost"),
            delay + people_cost(t),
            "{t} replication {r}"
        );
    }
    // They reach summary.csv and comparison.csv.
    for file in ["summary.csv", "comparison.csv"] {
        let body = std::fs::read_to_string(folder.join(file)).unwrap();
        for m in ["delay_cost", "people_cost", "total_cost"] {
            assert!(body.contains(&format!(",{m},")), "{file} lacks {m}");
        }
    }
}

#[test]
fn stdout_and_the_report_state_the_yearly_money_in_a_sentence() {
    let sc = load_str("pv.toml", &priced_prime_video(), &[]).unwrap();
    let options = RunOptions {
        replications: Some(4),
        ..RunOptions::default()
    };
    let exp = orgsim::experiment::run(&sc, &options).unwrap();
    let lines = money::lines(&exp).expect("the scenario has [economics]");
    let d = exp
        .comparison("single-threaded", "delay_cost")
        .unwrap()
        .diff;
    assert!(d.ci_high < 0.0, "single-threaded's delay costs less: {d:?}");
    let p = exp
        .comparison("single-threaded", "people_cost")
        .unwrap()
        .diff;
    let expected = format!(
        "single-threaded vs matrix: single-threaded saves {} per year [{}, {}] of delay for {} less per year in people",
        money::money(-250.0 * d.mean),
        money::money(-250.0 * d.ci_high),
        money::money(-250.0 * d.ci_low),
        money::money(-250.0 * p.mean),
    );
    assert!(lines.contains(&expected), "{expected}\nnot in\n{lines}");
    assert!(orgsim::report::table::results(&exp).contains(&expected));
    let per_year = |t: &str, m: &str| money::money(250.0 * exp.summary(t, m).unwrap().mean);
    assert!(lines.contains(&format!("people {}", per_year("matrix", "people_cost"))));
    assert!(lines.contains(&format!("delay {}", per_year("matrix", "delay_cost"))));
}

#[test]
fn the_report_page_has_the_costs_per_year() {
    let dir = tempfile::tempdir().unwrap();
    let text = priced_prime_video().replacen("[economics]", "[economics]\ndays_per_year = 220", 1);
    std::fs::write(dir.path().join("pv.toml"), text).unwrap();
    let out = orgsim(
        &["run", "pv.toml", "--reps", "3", "--depends", "off", "-q"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
    let html = std::fs::read_to_string(dir.path().join("output/prime-video/report.html")).unwrap();
    assert!(html.contains("<h2>What it costs</h2>"));
    assert!(html.contains("Per year of 220 working days"));
    assert!(html.contains("single-threaded saves"), "no sentence");
}

fn text_of(out: &std::process::Output) -> String {
    text(&out.stderr)
}

/// A one-stream, two-skill scenario with `economics` after its topologies
/// (line 20 on).
fn small(topology_extra: &str, economics: &str) -> String {
    format!(
        r#"name = "t"

[[workload.streams]]
name = "web"
interarrival = {{ dist = "exponential", mean = 2 }}
item = "feature"

[workload.items.feature]
tasks = [
  {{ name = "build", skill = "eng", effort = 1 }},
  {{ name = "test", skill = "qa", effort = 0.5, after = ["build"] }},
]

[organization]
people = {{ eng = 4, qa = 1 }}

[[topologies]]
name = "matrix"
kind = "matrix"
{topology_extra}
{economics}"#
    )
}

fn sets(args: &[&str]) -> Vec<Override> {
    args.iter().map(|a| Override::parse(a).unwrap()).collect()
}

fn errors(toml: &str, args: &[&str]) -> Vec<Problem> {
    match load_str("t.toml", toml, &sets(args)) {
        Ok(_) => panic!("should fail:\n{toml}"),
        Err(e) => e.problems,
    }
}

#[track_caller]
fn has(ps: &[Problem], path: &str, line: Option<usize>, phrase: &str) {
    assert!(
        ps.iter()
            .any(|p| p.path == path && p.line == line && p.message.contains(phrase)),
        "no problem at {path} (line {line:?}) saying `{phrase}` in:\n{}",
        ps.iter().map(|p| format!("  {p}\n")).collect::<String>()
    );
}

#[test]
fn economics_mistakes_name_the_path_and_line() {
    let ps = errors(
        &small(
            "",
            "[economics]\ndelay_cost = { webb = 10 }\nperson_cost = { eng = 5, qa = -1, ops = 2 }\ndays_per_year = 0",
        ),
        &[],
    );
    has(
        &ps,
        "economics.delay_cost.webb",
        Some(22),
        "unknown stream `webb`; did you mean `web`?",
    );
    has(
        &ps,
        "economics.delay_cost",
        Some(22),
        "has no rate for stream `web`",
    );
    has(
        &ps,
        "economics.person_cost.qa",
        Some(23),
        "must be >= 0, got -1",
    );
    has(
        &ps,
        "economics.person_cost.ops",
        Some(23),
        "unknown skill `ops`",
    );
    has(
        &ps,
        "economics.leader_cost",
        Some(21),
        "missing required key `leader_cost`",
    );
    has(&ps, "economics.days_per_year", Some(24), "must be > 0");

    let ps = errors(&small("", "[economics]\ndays_per_year = 200"), &[]);
    has(&ps, "economics", Some(21), "gives no rate");
    let ps = errors(
        &small("", "[economics]\ndelay_cost = { web = 1 }\nleader_cost = 5"),
        &[],
    );
    has(
        &ps,
        "economics.leader_cost",
        Some(23),
        "needs `person_cost`",
    );
    let ps = errors(
        &small("", "[economics]\ndelay_cost = { web = 1 }\nrate = 5"),
        &[],
    );
    has(&ps, "economics.rate", Some(23), "unknown key `rate`");

    let raiser = r#"bar_raiser = { reviewers = 1, review = 0.1, catch = 0.5 }"#;
    let ps = errors(
        &small(
            raiser,
            "[economics]\nperson_cost = { eng = 5, qa = 4 }\nleader_cost = 8",
        ),
        &[],
    );
    has(
        &ps,
        "economics.reviewer_cost",
        Some(21),
        "topology `matrix` has bar raisers",
    );
}

#[test]
fn economics_can_be_set_and_a_bad_set_is_blamed() {
    let base = small("", "[economics]\ndelay_cost = { web = 10 }");
    let sc = load_str("t.toml", &base, &sets(&["economics.delay_cost.web=20"])).unwrap();
    let e = sc.model.economics.as_ref().unwrap();
    assert_eq!(e.delay_cost, Some(vec![20.0]));
    assert_eq!(e.person_cost, None);
    let ps = errors(&base, &["economics.delay_cost.web=-3"]);
    assert!(
        ps.iter().any(|p| p.line.is_none()
            && p.message.contains("must be >= 0")
            && p.message.contains("--set economics.delay_cost.web=-3")),
        "{ps:?}"
    );
    // Doubling the rate doubles the cost of delay, replication by replication.
    let options = || RunOptions {
        replications: Some(3),
        ..RunOptions::default()
    };
    let once = run_with(&base, options());
    let twice = orgsim::experiment::run(&sc, &options()).unwrap();
    let a = once
        .topology("matrix")
        .unwrap()
        .metric("delay_cost")
        .unwrap();
    let b = twice
        .topology("matrix")
        .unwrap()
        .metric("delay_cost")
        .unwrap();
    assert!(a.iter().all(|&x| x > 0.0));
    for (x, y) in a.iter().zip(b) {
        assert_eq!(2.0 * x, *y);
    }
    // Only the parts whose rates are given are reported.
    let t = once.topology("matrix").unwrap();
    assert!(t.metric("people_cost").is_none() && t.metric("total_cost").is_none());
}

#[test]
fn without_economics_no_cost_metric_is_reported_or_accepted() {
    let base = small("", "");
    let exp = run_with(
        &base,
        RunOptions {
            replications: Some(2),
            ..RunOptions::default()
        },
    );
    let t = exp.topology("matrix").unwrap();
    for m in [Metric::DelayCost, Metric::PeopleCost, Metric::TotalCost] {
        assert!(t.metric(m.name()).is_none(), "{m}");
    }
    assert!(money::lines(&exp).is_none());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.toml"), &base).unwrap();
    let out = orgsim(
        &[
            "run",
            "t.toml",
            "--precision",
            "0.1",
            "--precision-metric",
            "delay_cost",
            "--no-plots",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("delay_cost"));
    let out = orgsim(
        &[
            "explore",
            "t.toml",
            "--method",
            "tornado",
            "--uncertain",
            "organization.people.eng=[3, 5]",
            "--metric",
            "delay_cost",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("needs its rates in the scenario's [economics]"));
}

#[test]
fn a_sweep_can_vary_a_rate_and_records_the_cost_metrics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pv.toml"), priced_prime_video()).unwrap();
    let out = orgsim(
        &[
            "sweep",
            "pv.toml",
            "--vary",
            "economics.delay_cost.tv-apps=0:4000:4000",
            "--reps",
            "2",
            "--set",
            "simulation.horizon=100",
            "--no-plots",
            "--quiet",
            "--out",
            "sw",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (h, rows) = read_csv(&dir.path().join("sw/sweep.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let mean = |point: &str, metric: &str| {
        let row = rows
            .iter()
            .find(|r| {
                r[col("economics.delay_cost.tv-apps")] == point
                    && r[col("topology")] == "matrix"
                    && r[col("metric")] == metric
            })
            .unwrap_or_else(|| panic!("no {metric} at {point}"));
        row[col("mean")].parse::<f64>().unwrap()
    };
    // The same items at both points: pricing tv-apps adds to the cost of
    // delay and leaves the people cost alone.
    assert!(mean("4000", "delay_cost") > mean("0", "delay_cost"));
    assert_eq!(mean("4000", "people_cost"), mean("0", "people_cost"));
    assert!(mean("0", "total_cost") > mean("0", "people_cost"));
}
