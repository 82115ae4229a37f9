//! Validation of cross-training and communication overhead (docs/model.md,
//! "Cross-trained people" and "Communication overhead"): each mistake is a
//! problem naming the file, the TOML path and the line; `--set` reaches
//! the new keys; `check` shows where the cross-trained people went.

use orgsim::model::routing::Routing;
use orgsim::model::spec::Dispatch;
use orgsim::model::{SkillId, topology};
use orgsim::scenario::{Override, Problem, Scenario, load_str};

use crate::support::{orgsim, text};

/// Two skills, one stream, a matrix and a single-threaded topology;
/// `org` goes on line 15, after `people`.
fn scenario(org: &str, rest: &str) -> String {
    format!(
        r#"name = "t"

[[workload.streams]]
name = "web"
interarrival = {{ dist = "exponential", mean = 2 }}
item = "feature"

[workload.items.feature]
tasks = [
  {{ name = "build", skill = "eng", effort = 3 }},
  {{ name = "test", skill = "qa", effort = 1, after = ["build"] }},
]

[organization]
people = {{ eng = 4, qa = 1 }}
{org}

[[topologies]]
name = "matrix"
kind = "matrix"
{rest}"#
    )
}

fn sets(args: &[&str]) -> Vec<Override> {
    args.iter()
        .map(|a| Override::parse(a).unwrap_or_else(|e| panic!("bad override {a}: {e}")))
        .collect()
}

fn load(toml: &str, args: &[&str]) -> Scenario {
    load_str("t.toml", toml, &sets(args)).unwrap_or_else(|e| panic!("should load:\n{e}"))
}

fn errors(toml: &str, args: &[&str]) -> Vec<Problem> {
    match load_str("t.toml", toml, &sets(args)) {
        Ok(_) => panic!("should fail:\n{toml}"),
        Err(e) => e.problems,
    }
}

/// Asserts that some problem is at `path` on `line` and says `phrase`.
#[track_caller]
fn has(ps: &[Problem], path: &str, line: Option<usize>, phrase: &str) {
    assert!(
        ps.iter().any(|p| p.file == "t.toml"
            && p.path == path
            && p.line == line
            && p.message.contains(phrase)),
        "no problem at {path} (line {line:?}) saying `{phrase}` in:\n{}",
        ps.iter().map(|p| format!("  {p}\n")).collect::<String>()
    );
}

const CROSS: &str =
    r#"cross_training = [ { from = "eng", to = "qa", count = 1, efficiency = 0.7 } ]"#;

#[test]
fn cross_training_loads_with_its_values() {
    let sc = load(
        &scenario(&format!("{CROSS}\ndispatch = \"oldest-first\""), ""),
        &[],
    );
    let c = &sc.model.cross_training[0];
    let (eng, qa) = (SkillId::new(0), SkillId::new(1));
    assert_eq!((c.from, c.to, c.count, c.efficiency), (eng, qa, 1, 0.7));
    assert_eq!(sc.model.topologies[0].dispatch, Dispatch::OldestFirst);
    // The matrix keeps the cross-trained engineer in engineering.
    let org = topology::build(&sc.model, &sc.model.topologies[0]);
    assert_eq!(org.teams[0].cross.len(), 1);
    assert!(org.teams[1].cross.is_empty());
    // QA tasks still go to the QA department, even when the engineering
    // department's cross-trained capacity in QA equals it.
    let full = CROSS.replace("efficiency = 0.7", "efficiency = 1");
    let sc = load(&scenario(&full, ""), &[]);
    let org = topology::build(&sc.model, &sc.model.topologies[0]);
    let routing = Routing::new(&org, 1, 2);
    assert_eq!(routing.route(0, 1, None, false), 1, "the qa department");
    assert_eq!(routing.route(0, 0, None, false), 0, "the eng department");
}

#[test]
fn cross_training_mistakes_name_the_path_and_line() {
    let bad = |entry: &str| errors(&scenario(&format!("cross_training = [ {entry} ]"), ""), &[]);
    let path = "organization.cross_training[0]";
    let ps = bad(r#"{ from = "eng", to = "ux", count = 1, efficiency = 0.7 }"#);
    has(&ps, &format!("{path}.to"), Some(16), "unknown skill `ux`");
    let ps = bad(r#"{ from = "eng", to = "qa", count = 1, efficiency = 0 }"#);
    has(
        &ps,
        &format!("{path}.efficiency"),
        Some(16),
        "must be in (0, 1]",
    );
    let ps = bad(r#"{ from = "eng", to = "qa", count = 1, efficiency = 1.5 }"#);
    has(
        &ps,
        &format!("{path}.efficiency"),
        Some(16),
        "must be in (0, 1]",
    );
    let ps = bad(r#"{ from = "eng", to = "eng", count = 1, efficiency = 1 }"#);
    has(
        &ps,
        &format!("{path}.to"),
        Some(16),
        "the same skill as `from`",
    );
    let ps = bad(r#"{ from = "eng", to = "qa", count = 5, efficiency = 1 }"#);
    has(
        &ps,
        "organization.cross_training",
        Some(16),
        "cross-trains 5 people of `eng`, but [organization] people has 4",
    );
    let ps = bad(r#"{ from = "eng", to = "qa", count = 0, efficiency = 1 }"#);
    has(&ps, &format!("{path}.count"), Some(16), ">= 1");
    let ps = bad(r#"{ from = "eng", to = "qa", efficiency = 1, speed = 2 }"#);
    has(
        &ps,
        &format!("{path}.speed"),
        Some(16),
        "unknown key `speed`",
    );
    let ps = errors(
        &scenario(&format!("{CROSS}\ndispatch = \"oldest\""), ""),
        &[],
    );
    has(
        &ps,
        "organization.dispatch",
        Some(17),
        "did you mean `oldest-first`?",
    );
}

#[test]
fn custom_teams_list_only_declared_cross_training_within_their_people() {
    let custom = |team_cross: &str, headcount: &str| {
        scenario(
            CROSS,
            &format!(
                r#"
[[topologies]]
name = "custom"
kind = "custom"
{headcount}
teams = [ {{ name = "web", people = {{ eng = 4, qa = 1 }}, owns = ["web"], {team_cross} }} ]
"#
            ),
        )
    };
    let team = "topologies[1].teams[0].cross_trained";
    let ps = errors(
        &custom(
            r#"cross_trained = [{ from = "qa", to = "eng", count = 1 }]"#,
            "",
        ),
        &[],
    );
    has(
        &ps,
        &format!("{team}[0]"),
        Some(26),
        "no entry of [organization] cross_training",
    );
    let ps = errors(
        &custom(
            r#"cross_trained = [{ from = "eng", to = "qa", count = 5 }]"#,
            "",
        ),
        &[],
    );
    has(
        &ps,
        team,
        Some(26),
        "cross-trains 5 people of `eng`, but the team has 4",
    );
    // With the exact headcount, the teams cross-train the organization's people.
    let ps = errors(&custom("owns_platform = false", ""), &[]);
    has(
        &ps,
        "topologies[1].teams",
        Some(26),
        "teams cross-train 0 `eng` people in `qa`",
    );
    let ok = custom(
        r#"cross_trained = [{ from = "eng", to = "qa", count = 1 }]"#,
        "",
    );
    let sc = load(&ok, &[]);
    let org = topology::build(&sc.model, &sc.model.topologies[1]);
    assert_eq!(org.teams[0].cross[0].efficiency, 0.7);
    load(
        &custom("owns_platform = false", "headcount = \"free\""),
        &[],
    );
}

#[test]
fn swarms_and_cross_training_are_refused_together() {
    let ps = errors(
        &scenario(
            CROSS,
            "swarm = { interval = 10, duration = 2, fraction = 0.5 }\n",
        ),
        &[],
    );
    has(&ps, "topologies[0].swarm", Some(21), "cannot be combined");
}

#[test]
fn a_team_that_communication_leaves_no_time_is_refused_by_name() {
    // The engineering department of 4 at 0.4: 1 − 0.4 × 3 < 0.
    let ps = errors(
        &scenario("", "coordination = { communication = 0.4 }\n"),
        &[],
    );
    has(
        &ps,
        "topologies[0].coordination.communication",
        Some(21),
        "leaves team `eng` of topology `matrix` (4 people) no time to work",
    );
    let ps = errors(
        &format!(
            "{}\n[coordination]\ncommunication = 0.5\n",
            scenario("", "")
        ),
        &[],
    );
    has(&ps, "coordination.communication", Some(23), "team `eng`");
    // One person alone has nobody to talk to; the QA department of one is fine.
    let ps = errors(
        &scenario("", "coordination = { communication = 1.5 }\n"),
        &[],
    );
    has(
        &ps,
        "topologies[0].coordination.communication",
        Some(21),
        "[0, 1]",
    );
}

#[test]
fn the_new_keys_can_be_set_and_bad_values_blame_the_set() {
    let sc = load(
        &scenario(CROSS, ""),
        &[
            "organization.cross_training.0.efficiency=0.5",
            "coordination.communication=0.1",
            "topologies.matrix.dispatch=oldest-first",
        ],
    );
    assert_eq!(sc.model.cross_training[0].efficiency, 0.5);
    assert_eq!(sc.model.topologies[0].coordination.communication, 0.1);
    assert_eq!(sc.model.topologies[0].dispatch, Dispatch::OldestFirst);
    let ps = errors(
        &scenario(CROSS, ""),
        &["organization.cross_training.0.efficiency=2"],
    );
    assert!(
        ps.iter().any(|p| p.line.is_none()
            && p.message.contains("(0, 1]")
            && p.message
                .contains("--set organization.cross_training.0.efficiency=2")),
        "{ps:?}"
    );
}

#[test]
fn check_exits_2_on_a_bad_efficiency_and_shows_the_cross_trained_people() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bad = scenario(
        r#"cross_training = [ { from = "eng", to = "qa", count = 1, efficiency = 0 } ]"#,
        "",
    );
    std::fs::write(dir.path().join("bad.toml"), bad).expect("written");
    let out = orgsim(&["check", "bad.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("bad.toml:16") && err.contains("organization.cross_training[0].efficiency"),
        "{err}"
    );
    let out = orgsim(&["check", "cross-training"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let shown = text(&out.stdout);
    for team in ["android", "tv"] {
        assert!(
            shown.contains(&format!(
                "cross-trained in {team}: 1 of its 3 eng also do qa at efficiency 0.7"
            )),
            "{shown}"
        );
    }
    assert!(shown.contains("capacity (pd/day)"), "{shown}");
}
