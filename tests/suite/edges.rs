//! What a new user trips over at the edges (issue 16): warnings before
//! saturation and grouped by kind, no silent no-ops, one naming rule for the
//! platform team, JSON and CSV that agree, and help for the lost.

use orgsim::model::topology::team_names;
use orgsim::scenario::{Override, load_str};

use crate::support::{orgsim, text};

fn sets(args: &[&str]) -> Vec<Override> {
    args.iter()
        .map(|a| Override::parse(a).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// Two streams, one called `platform`, and a platform team.
const PLATFORM_STREAM: &str = r#"name = "t"
[[workload.streams]]
name = "platform"
interarrival = { dist = "exponential", mean = 2 }
item = "job"
[[workload.streams]]
name = "web"
interarrival = { dist = "exponential", mean = 2 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = 1 } ]
[architecture]
platform = 0.3
[organization]
people = { eng = 6 }
[coordination]
decision = 0.1
[[topologies]]
name = "p"
kind = "single-threaded-with-platform"
leaders = [ { name = "boss", teams = ["platform-team", "web"] } ]
"#;

#[test]
fn the_platform_team_is_named_by_one_rule() {
    // The validator accepts the name the generator gives the platform team
    // beside a stream called `platform`, and the shared leader leads it.
    let sc = load_str("t.toml", PLATFORM_STREAM, &[]).unwrap_or_else(|e| panic!("{e}"));
    let org = orgsim::model::topology::build(&sc.model, &sc.model.topologies[0]);
    let names: Vec<&str> = org.teams.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["platform", "web", "platform-team"]);
    let boss = &org.leaders[0];
    assert_eq!(boss.name, "boss");
    let led: Vec<&str> = boss
        .teams
        .iter()
        .map(|&t| org.teams[t].name.as_str())
        .collect();
    assert_eq!(led, ["platform-team", "web"]);
    assert!(org.teams[boss.teams[0]].owns_platform);
    // `platform` names the stream team, which is not the platform team.
    let stream_team = PLATFORM_STREAM.replace("\"platform-team\", \"web\"", "\"platform\"");
    let sc = load_str("t.toml", &stream_team, &[]).unwrap_or_else(|e| panic!("{e}"));
    let org = orgsim::model::topology::build(&sc.model, &sc.model.topologies[0]);
    assert!(!org.teams[org.leaders[0].teams[0]].owns_platform);
    // Both sides ask the same function: the model's team names are the
    // ones the front end resolved the leader's teams against.
    let kind = &sc.model.topologies[0].kind;
    assert_eq!(
        sc.model.team_names(kind),
        org.teams.iter().map(|t| t.name.clone()).collect::<Vec<_>>()
    );
    let with_platform = |streams: &[&str]| team_names(kind, &["eng"], streams);
    assert_eq!(
        with_platform(&["platform", "platform-team"]),
        ["platform", "platform-team", "platform-team-team"]
    );
    assert_eq!(with_platform(&["web"]), ["web", "platform"]);
    // A team the rule does not give is refused, naming the ones it does.
    let wrong = PLATFORM_STREAM.replace("\"platform-team\", \"web\"", "\"platform-teams\"");
    let err = load_str("t.toml", &wrong, &[]).unwrap_err().to_string();
    assert!(
        err.contains("no team named `platform-teams`")
            && err.contains("did you mean `platform-team`?"),
        "{err}"
    );
}

/// One stream whose tasks are product and qa work (no `eng`).
const NO_ENG: &str = r#"name = "t"
[[workload.streams]]
name = "web"
interarrival = { dist = "exponential", mean = 2 }
item = "job"
[workload.items.job]
tasks = [ { name = "spec", skill = "product", effort = 1 }, { name = "test", skill = "qa", effort = 1, after = ["spec"] } ]
[architecture]
platform = 0.3
[organization]
people = { product = 2, qa = 2 }
[[topologies]]
name = "m"
kind = "matrix"
"#;

#[test]
fn a_platform_share_without_a_platform_skill_is_refused() {
    let e = load_str("t.toml", NO_ENG, &[]).expect_err("a silent no-op");
    assert_eq!(e.problems.len(), 1, "{e}");
    let p = &e.problems[0];
    assert_eq!(p.path, "architecture.platform");
    assert_eq!(p.line, Some(9));
    assert!(
        p.message
            .contains("no skill of architecture.platform_skills (`eng` (the default))"),
        "{p}"
    );
    // A platform skill of the organization that no task has is no better.
    let e = load_str(
        "t.toml",
        &NO_ENG.replace(
            "people = { product = 2, qa = 2 }",
            "people = { product = 2, qa = 2, eng = 1 }",
        ),
        &[],
    )
    .expect_err("a silent no-op");
    assert!(
        e.problems[0].message.contains("no task of any item type"),
        "{e}"
    );
    // Naming a skill the tasks have makes it valid; so does platform = 0.
    load_str(
        "t.toml",
        &NO_ENG.replace(
            "platform = 0.3",
            "platform = 0.3\nplatform_skills = [\"qa\"]",
        ),
        &[],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    load_str("t.toml", NO_ENG, &sets(&["architecture.platform=0"]))
        .unwrap_or_else(|e| panic!("{e}"));
    // From the command line: exit 2, the file, the path and the line.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), NO_ENG).unwrap();
    let out = orgsim(&["check", "s.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("error: s.toml:9: architecture.platform: is 0.3 but"),
        "{}",
        text(&out.stderr)
    );
}

/// One team of one person, a leader deciding every request, an executive
/// deciding every one escalated, and one bar raiser: each at the
/// utilization `u` (arrivals at rate 1, every mean time `u`).
fn four_queues(u: f64) -> String {
    format!(
        r#"name = "q"
[[workload.streams]]
name = "s"
interarrival = {{ dist = "exponential", mean = 1 }}
item = "job"
[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = {{ dist = "exponential", mean = {u} }} }} ]
[organization]
people = {{ eng = 1 }}
[coordination]
decision = {{ dist = "exponential", mean = {u} }}
escalation = {{ probability = 1, decision = {{ dist = "exponential", mean = {u} }} }}
[[topologies]]
name = "m"
kind = "matrix"
bar_raiser = {{ reviewers = 1, review = {{ dist = "exponential", mean = {u} }}, catch = 0.5 }}
"#
    )
}

#[test]
fn check_warns_from_utilization_0_9_for_every_kind_of_queue() {
    use orgsim::model::WarningKind;
    let kinds = |u: f64| -> Vec<(WarningKind, String)> {
        let sc = load_str("q.toml", &four_queues(u), &[]).unwrap_or_else(|e| panic!("{e}"));
        orgsim::model::capacity::analyse(&sc.model)
            .remove(0)
            .warnings
            .into_iter()
            .map(|w| (w.kind, w.place))
            .collect()
    };
    for (u, kind) in [
        (0.93, Some(WarningKind::NearSaturation)),
        (1.05, Some(WarningKind::Overloaded)),
        (0.85, None),
    ] {
        let got = kinds(u);
        let places: Vec<&str> = got.iter().map(|(_, p)| p.as_str()).collect();
        match kind {
            None => assert!(got.is_empty(), "{u}: {places:?}"),
            Some(kind) => {
                assert!(got.iter().all(|(k, _)| *k == kind), "{u}: {got:?}");
                // The team, its leader, the executive and the bar raisers.
                let expected = if kind == WarningKind::Overloaded {
                    format!("{u:.2} >= 1")
                } else {
                    format!("{u:.2} >= 0.9")
                };
                assert_eq!(
                    places,
                    [
                        format!("m: team `eng` eng {expected}"),
                        format!("m: leader `eng` {expected}"),
                        format!("m: the executive {expected}"),
                        format!("m: bar raisers {expected}"),
                    ],
                    "{u}"
                );
            }
        }
    }
    // The case of the issue: at coupling 0.3 game-consoles' eng is at 0.98.
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &["check", "prime-video", "--set", "architecture.coupling=0.3"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "game-consoles         eng       3              2.94         0.98  <-- near saturation"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning: single-threaded: team `game-consoles` is offered 2.94 person-days/day of eng work but has 3 people (utilization 0.98 >= 0.9): near saturation"),
        "{stdout}"
    );
}

/// Three streams sharing one qa person: two single-threaded teams have no qa.
const THREE_STREAMS: &str = r#"name = "three"
[simulation]
warmup = 10
horizon = 40
replications = 2
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[[workload.streams]]
name = "b"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[[workload.streams]]
name = "c"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = { dist = "exponential", mean = 1 } }, { name = "test", skill = "qa", effort = 0.1, after = ["work"] } ]
[organization]
people = { eng = 6, qa = 1 }
[[topologies]]
name = "matrix"
kind = "matrix"
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#;

/// The lines of `s` that start with `warning:`.
fn warning_lines(s: &str) -> Vec<String> {
    s.lines()
        .filter(|l| l.starts_with("warning:"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn warnings_are_grouped_by_kind_in_check_run_sweep_and_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("three.toml"), THREE_STREAMS).unwrap();
    let missing = orgsim::model::WarningKind::MissingSkill.heading();
    let overloaded = orgsim::model::WarningKind::Overloaded.heading();
    // check: one line for the two teams without qa.
    let out = orgsim(&["check", "three.toml"], dir.path());
    let lines = warning_lines(&text(&out.stdout));
    assert_eq!(
        lines,
        [format!(
            "warning: 2 {missing}: single-threaded: team `b` has no qa people; single-threaded: team `c` has no qa people"
        )]
    );
    // sweep: 3 points × 2 missing skills, and overloads at the last point
    // only: one line per kind, each counting only its own kind.
    let out = orgsim(
        &[
            "sweep",
            "three.toml",
            "--vary",
            "workload.load=0.5,0.7,2.2",
            "--no-plots",
            "--out",
            "s",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines = warning_lines(&text(&out.stderr));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!("warning: 4 {overloaded}: point 3 (workload.load=2.2): matrix: team `eng` eng 1.10 >= 1; ")),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with(&format!("warning: 6 {missing}: point 1 (workload.load=0.5): single-threaded: team `b` has no qa people; ")),
        "{lines:?}"
    );
    assert!(lines[1].ends_with("; and 3 more"), "{lines:?}");
    // sweep.json keeps every warning, with its kind.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("s/sweep.json")).unwrap()).unwrap();
    let kinds: Vec<&str> = manifest["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 10);
    assert_eq!(kinds.iter().filter(|&&k| k == "overloaded").count(), 4);
    // run and its report: grouped the same way.
    let out = orgsim(
        &[
            "run",
            "three.toml",
            "--set",
            "workload.load=2.2",
            "--no-plots",
            "--out",
            "r",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines = warning_lines(&text(&out.stderr));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(&format!("warning: 4 {overloaded}: ")));
    let html =
        std::fs::read_to_string(orgsim::report::html::write_report(&dir.path().join("r")).unwrap())
            .unwrap();
    let section = html
        .split("<section class=\"warnings\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("a warnings section");
    assert_eq!(section.matches("<li>").count(), 2, "{section}");
}

/// A rare escalation in the baseline (about one in 600 items), a frequent
/// one in the other topology: the baseline's escalations per item are not
/// significantly different from 0.
const RARE: &str = r#"name = "rare"
[simulation]
warmup = 20
horizon = 200
replications = 6
seed = 1
[[workload.streams]]
name = "s"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = { dist = "exponential", mean = 1 } } ]
[organization]
people = { eng = 3 }
[[topologies]]
name = "rare"
kind = "matrix"
coordination = { escalation = { probability = 0.001, decision = 0.1 } }
[[topologies]]
name = "often"
kind = "matrix"
coordination = { escalation = { probability = 0.5, decision = 0.1 } }
"#;

#[test]
fn json_csv_and_table_agree_and_relative_changes_need_a_baseline_away_from_0() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rare.toml"), RARE).unwrap();
    let out = orgsim(
        &["run", "rare.toml", "--json", "--no-plots", "--out", "r"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let find = |rows: &str, topology: &str, metric: &str| -> serde_json::Value {
        json[rows]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["topology"] == topology && r["metric"] == metric)
            .cloned()
            .unwrap_or_else(|| panic!("no {rows} row {topology} {metric}"))
    };
    // The names of summary.csv's and comparison.csv's columns, and each row's n.
    let base = find("summary", "rare", "escalations_per_item");
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let mut expected = [
        "topology",
        "metric",
        "mean",
        "sd",
        "ci95_low",
        "ci95_high",
        "n",
    ];
    expected.sort_unstable();
    assert_eq!(keys(&base), expected);
    assert_eq!(base["n"], 6);
    let row = find("comparison", "often", "escalations_per_item");
    let mut expected = [
        "topology",
        "baseline",
        "metric",
        "diff_mean",
        "ci95_low",
        "ci95_high",
        "n",
        "relative",
        "meaningful",
    ];
    expected.sort_unstable();
    assert_eq!(keys(&row), expected);
    assert_eq!(row["n"], 6);
    // The baseline's interval holds 0, so no relative change: null in JSON,
    // NaN in comparison.csv, n/a in the table.
    let low = base["ci95_low"].as_f64().unwrap();
    let mean = base["mean"].as_f64().unwrap();
    assert!(low < 0.0 && mean > 0.0, "baseline {base}");
    assert!(row["relative"].is_null(), "{row}");
    assert!(row["diff_mean"].as_f64().unwrap() > 0.4, "{row}");
    let csv = std::fs::read_to_string(dir.path().join("r/comparison.csv")).unwrap();
    let line = csv
        .lines()
        .find(|l| l.starts_with("often,rare,escalations_per_item,"))
        .unwrap();
    assert_eq!(line.split(',').nth(6), Some("NaN"), "relative: {line}");
    let csv_diff: f64 = line.split(',').nth(3).unwrap().parse().unwrap();
    assert_eq!(csv_diff, row["diff_mean"].as_f64().unwrap());
    let out = orgsim(
        &["run", "rare.toml", "--no-plots", "--quiet", "--out", "r"],
        dir.path(),
    );
    let table = text(&out.stdout);
    let line = table
        .lines()
        .find(|l| l.starts_with("escalations/item"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(line.trim_end().ends_with("n/a"), "{line}");
    // A relative change against a baseline clearly away from 0 is kept.
    let lead = find("comparison", "often", "lead_time_mean");
    assert!(lead["relative"].is_f64(), "{lead}");
    // The warnings travel in the JSON as well.
    let out = orgsim(
        &[
            "run",
            "rare.toml",
            "--json",
            "--no-plots",
            "--out",
            "r",
            "--set",
            "workload.load=2.8",
        ],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let warnings = json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings.iter().all(|w| w["kind"] == "near_saturation"));
}

#[test]
fn precision_takes_a_relative_half_width_below_1_and_a_metric_that_is_not_0() {
    use orgsim::experiment::{RunError, RunOptions};
    let dir = tempfile::tempdir().unwrap();
    for bad in ["5", "1", "0", "-0.1", "nan"] {
        let flag = format!("--precision={bad}");
        let out = orgsim(&["run", "mmc", &flag, "--out", "o"], dir.path());
        assert_eq!(out.status.code(), Some(2), "--precision {bad}");
        assert!(
            text(&out.stderr).contains("strictly between 0 and 1"),
            "{}",
            text(&out.stderr)
        );
        assert!(!dir.path().join("o").exists());
    }
    // No bar raiser, so no rework: refused after the first batch of 4, not
    // after --max-reps.
    let sc = load_str("rare.toml", RARE, &[]).unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        replications: Some(4),
        precision: Some(0.05),
        precision_metric: "rework_mean".into(),
        ..RunOptions::default()
    };
    options.validate(&sc).expect("the options are well-formed");
    match orgsim::experiment::run(&sc, &options) {
        Err(RunError::ZeroMean {
            metric,
            topology,
            replications,
        }) => {
            assert_eq!(
                (metric.as_str(), topology.as_str()),
                ("rework_mean", "rare")
            );
            assert_eq!(replications, 4);
        }
        other => panic!("expected a refusal, got {:?}", other.map(|e| e.precision)),
    }
    std::fs::write(dir.path().join("rare.toml"), RARE).unwrap();
    let out = orgsim(
        &[
            "run",
            "rare.toml",
            "--precision",
            "0.05",
            "--precision-metric",
            "rework_mean",
            "--out",
            "p",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("error: --precision-metric rework_mean: its mean is 0 in topology `rare`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn help_for_the_lost() {
    let dir = tempfile::tempdir().unwrap();
    // A misspelt bundled scenario.
    let out = orgsim(&["check", "prime-vidoe"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean the bundled `prime-video`?"),
        "{}",
        text(&out.stderr)
    );
    let out = orgsim(&["run", "nothing-like-it"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: nothing-like-it: no such file, nor a bundled scenario (`orgsim scenarios` lists them)\n"
    );
    // A key without its table, from --vary and from --set.
    let out = orgsim(
        &[
            "sweep",
            "mmc",
            "--vary",
            "coupling=0,0.1",
            "--reps",
            "2",
            "--out",
            "s",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(
            "unknown key `coupling` here; did you mean `architecture.coupling`? (from --vary coupling=0)"
        ),
        "{}",
        text(&out.stderr)
    );
    let out = orgsim(&["check", "mmc", "--set", "horizon=100"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean `simulation.horizon`? (from --set horizon=100)"),
        "{}",
        text(&out.stderr)
    );
    // A bundled scenario's TOML, to start from: it loads as the bundled one.
    let out = orgsim(&["scenarios", "prime-video"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        orgsim::scenario::bundled::find("prime-video").unwrap().text
    );
    std::fs::write(dir.path().join("mine.toml"), &out.stdout).unwrap();
    let out = orgsim(&["check", "mine.toml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = orgsim(&["scenarios", "mcc"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean `mmc`?"));
    // An error a --set causes elsewhere names the --set, not a line.
    let e = load_str(
        "t.toml",
        NO_ENG.replace("platform = 0.3", "").as_str(),
        &sets(&["organization.people={ qa = 2 }"]),
    )
    .expect_err("the spec task's skill is gone");
    assert_eq!(e.problems.len(), 1, "{e}");
    let p = &e.problems[0];
    assert_eq!(p.path, "workload.items.job.tasks[0].skill");
    assert_eq!(p.line, None, "{p}");
    assert!(
        p.message
            .ends_with("(because of --set organization.people={ qa = 2 })"),
        "{p}"
    );
    // Only the --set that causes it is named; a problem of the file itself
    // keeps its line.
    let e = load_str(
        "t.toml",
        NO_ENG
            .replace("platform = 0.3", "")
            .replace(
                "effort = 1 }, { name = \"test\"",
                "effort = -1 }, { name = \"test\"",
            )
            .as_str(),
        &sets(&["simulation.horizon=50", "organization.people={ qa = 2 }"]),
    )
    .expect_err("two problems");
    assert_eq!(e.problems.len(), 2, "{e}");
    let effort = e
        .problems
        .iter()
        .find(|p| p.path.ends_with("effort"))
        .unwrap();
    assert_eq!(effort.line, Some(7), "{effort}");
    assert!(!effort.message.contains("--set"), "{effort}");
    let skill = e
        .problems
        .iter()
        .find(|p| p.path.ends_with("skill"))
        .unwrap();
    assert!(
        skill
            .message
            .ends_with("(because of --set organization.people={ qa = 2 })"),
        "{skill}"
    );
}
