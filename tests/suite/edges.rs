//! What a new user trips over at the edges (issue 16): warnings before
//! saturation and grouped by kind, no silent no-ops, one naming rule for the
//! platform team, JSON and CSV that agree, and help for the lost.

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
    let org = orgsim::model::topology::build(&sc, &sc.topologies[0]);
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
    let org = orgsim::model::topology::build(&sc, &sc.topologies[0]);
    assert!(!org.teams[org.leaders[0].teams[0]].owns_platform);
    // Both sides ask the same function.
    assert_eq!(
        orgsim::scenario::platform_team_name(["platform", "platform-team"]),
        "platform-team-team"
    );
    assert_eq!(orgsim::scenario::platform_team_name(["web"]), "platform");
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
