//! Scenario validation (README, *Writing a scenario*): every rule gives a problem naming the
//! TOML path, the line and what is wrong; `--set` overrides; file-level
//! errors; and the valid examples load with the right values.

use orgsim::experiment::Warmup;
use orgsim::model::StreamId;
use orgsim::model::spec::{Arrivals, TopologyKind};
use orgsim::scenario::{Override, Problem, Scenario, ScenarioError, load_file, load_str};

/// A small valid scenario; line numbers below refer to it.
const BASE: &str = r#"name = "t"

[[workload.streams]]
name = "web"
interarrival = { dist = "exponential", mean = 2 }
item = "feature"

[workload.items.feature]
tasks = [
  { name = "build", skill = "eng", effort = 3 },
  { name = "test", skill = "qa", effort = 1, after = ["build"] },
]

[organization]
people = { eng = 4, qa = 1 }

[[topologies]]
name = "matrix"
kind = "matrix"
"#;

/// The full example scenario of the original design, verbatim.
const DESIGN_EXAMPLE: &str = r#"name = "prime-video"                 # output folder name; [a-z0-9-_]
description = "Three device lines..."

[simulation]
warmup = 60                          # days discarded before statistics start
horizon = 500                        # days measured after the warm-up
replications = 30
seed = 1

[workload]
load = 1.0                           # multiplies every arrival rate (sweep handle)

[[workload.streams]]
name = "tv-apps"
interarrival = { dist = "exponential", mean = 4.0 }   # open stream, OR:
# backlog = { wip = 6 }              # closed stream: always `wip` items in flight
item = "feature"                     # an item type, or a mix:
# items = [ { type = "feature", weight = 3 }, { type = "bug", weight = 1 } ]
weight = 1.0                         # business priority (used by weighted queues)

[workload.items.feature]
tasks = [
  { name = "spec",   skill = "product",   effort = { dist = "lognormal", mean = 2, sd = 1 } },
  { name = "design", skill = "design",    effort = { dist = "triangular", min = 1, mode = 2, max = 6 }, after = ["spec"] },
  { name = "build",  skill = "eng",       effort = { dist = "gamma", mean = 10, cv = 0.7 },   after = ["design"] },
  { name = "test",   skill = "qa",        effort = 3,                                          after = ["build"] },
  { name = "launch", skill = "marketing", effort = { dist = "exponential", mean = 2 },         after = ["test"] },
]

[architecture]
coupling = 0.1          # P(a task must change a component owned by another stream)

[organization]
people = { product = 3, design = 3, eng = 15, qa = 3, marketing = 3 }

[coordination]          # defaults for every topology; a topology may override any key
handoff = { dist = "triangular", min = 0.5, mode = 1, max = 3 }   # between teams
internal_handoff = 0.1                                            # inside a team
intake_cadence = 10     # requests enter another team's plan at the next boundary; 0 = any time
decision = { dist = "exponential", mean = 0.5 }                   # leader's time per request
escalation = { probability = 0.2, decision = { dist = "exponential", mean = 2 } }

[[topologies]]
name = "matrix"
kind = "matrix"

[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#;

// ---------------------------------------------------------------- helpers

fn sets(args: &[&str]) -> Vec<Override> {
    args.iter()
        .map(|a| Override::parse(a).unwrap_or_else(|e| panic!("bad test override {a}: {e}")))
        .collect()
}

fn load(toml: &str) -> Scenario {
    load_str("t.toml", toml, &[]).unwrap_or_else(|e| panic!("should load:\n{e}"))
}

fn load_set(toml: &str, args: &[&str]) -> Scenario {
    load_str("t.toml", toml, &sets(args)).unwrap_or_else(|e| panic!("should load:\n{e}"))
}

fn errors_set(toml: &str, args: &[&str]) -> Vec<Problem> {
    match load_str("t.toml", toml, &sets(args)) {
        Ok(_) => panic!("should fail:\n{toml}\nwith {args:?}"),
        Err(e) => {
            assert!(!e.problems.is_empty());
            e.problems
        }
    }
}

fn errors(toml: &str) -> Vec<Problem> {
    errors_set(toml, &[])
}

/// The problems as displayed, one string each.
fn problems(toml: &str) -> Vec<String> {
    errors(toml).iter().map(ToString::to_string).collect()
}

/// The single problem of `toml`.
fn only(toml: &str) -> Problem {
    let ps = errors(toml);
    assert_eq!(ps.len(), 1, "expected one problem, got:\n{}", show(&ps));
    ps.into_iter().next().unwrap_or_else(|| unreachable!())
}

fn show(ps: &[Problem]) -> String {
    ps.iter().map(|p| format!("  {p}\n")).collect()
}

/// Asserts that `p` is at `path`, on `line`, and its message contains `phrase`.
#[track_caller]
fn check(p: &Problem, path: &str, line: Option<usize>, phrase: &str) {
    assert_eq!(p.path, path, "path of: {p}");
    assert_eq!(p.line, line, "line of: {p}");
    assert!(
        p.message.contains(phrase),
        "message of `{p}` lacks `{phrase}`"
    );
    assert_eq!(p.file, "t.toml");
}

/// Asserts that some problem of `ps` matches (path, line, phrase).
#[track_caller]
fn has(ps: &[Problem], path: &str, line: Option<usize>, phrase: &str) {
    assert!(
        ps.iter()
            .any(|p| p.path == path && p.line == line && p.message.contains(phrase)),
        "no problem at {path} (line {line:?}) containing `{phrase}` in:\n{}",
        show(ps)
    );
}

/// BASE with the first occurrence of `from` replaced by `to`.
fn base_with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "BASE lacks {from:?}");
    BASE.replacen(from, to, 1)
}

/// BASE followed by more tables (starting at line 20).
fn base_plus(extra: &str) -> String {
    format!("{BASE}{extra}")
}

/// BASE with its tasks (lines 9-12) replaced by `tasks`.
fn with_tasks(tasks: &str) -> String {
    base_with(
        "tasks = [\n  { name = \"build\", skill = \"eng\", effort = 3 },\n  { name = \"test\", skill = \"qa\", effort = 1, after = [\"build\"] },\n]",
        tasks,
    )
}

/// BASE with the effort of task `build` (line 10) replaced by `effort`.
fn with_effort(effort: &str) -> String {
    base_with(
        "skill = \"eng\", effort = 3",
        &format!("skill = \"eng\", effort = {effort}"),
    )
}

/// BASE whose topology (lines 17-19) is replaced by `topology`.
fn with_topology(topology: &str) -> String {
    base_with(
        "[[topologies]]\nname = \"matrix\"\nkind = \"matrix\"\n",
        topology,
    )
}

const EFFORT: &str = "workload.items.feature.tasks[0].effort";

// ---------------------------------------------------------------- valid files

#[test]
fn base_loads_with_defaults() {
    let s = load(BASE);
    assert_eq!(s.name, "t");
    assert_eq!(s.description, "");
    assert_eq!(s.run.warmup, Warmup::Fixed(0.0));
    assert_eq!(s.run.horizon, 500.0);
    assert_eq!(s.run.replications, 30);
    assert_eq!(s.run.seed, 1);
    assert_eq!(s.model.workload.load, 1.0);
    assert_eq!(s.model.architecture.coupling, 0.0);
    assert_eq!(s.model.quality.defect_probability, 0.0);
    assert_eq!(s.model.quality.dilution, 1.5);
    assert_eq!(s.model.quality.rework_fraction, 0.5);
    assert_eq!(s.model.quality.escape_delay, 20.0);
    let stream = &s.model.workload.streams[0];
    assert_eq!(stream.weight, 1.0);
    assert_eq!(stream.mix.len(), 1);
    assert_eq!((stream.mix[0].item_type, stream.mix[0].weight), (0, 1.0));
    let c = &s.model.topologies[0].coordination;
    assert!(c.handoff.is_zero() && c.internal_handoff.is_zero() && c.decision.is_zero());
    assert!(c.escalation_decision.is_zero());
    assert_eq!(c.intake_cadence, 0.0);
    assert_eq!(c.escalation_probability, 0.0);
    assert!(c.context_switch.is_constant());
    assert_eq!(c.context_switch.mean(), 0.5);
    assert_eq!(s.model.workload.item_types[0].tasks[1].after, vec![0]);
}

#[test]
fn design_example_loads_with_its_values() {
    let s = load(DESIGN_EXAMPLE);
    assert_eq!(s.name, "prime-video");
    assert_eq!(s.description, "Three device lines...");
    assert_eq!(
        (s.run.warmup, s.run.horizon, s.run.replications, s.run.seed),
        (Warmup::Fixed(60.0), 500.0, 30, 1)
    );
    assert_eq!(s.model.architecture.coupling, 0.1);
    let skills: Vec<(&str, u32)> = s
        .model
        .people
        .iter()
        .map(|p| (p.skill.as_str(), p.count))
        .collect();
    assert_eq!(
        skills,
        [
            ("product", 3),
            ("design", 3),
            ("eng", 15),
            ("qa", 3),
            ("marketing", 3)
        ],
        "people keep the file order"
    );
    let stream = &s.model.workload.streams[0];
    assert_eq!(stream.name, "tv-apps");
    match &stream.arrivals {
        Arrivals::Open(d) => assert_eq!(d.mean(), 4.0),
        other => panic!("expected an open stream, got {other:?}"),
    }
    let feature = &s.model.workload.item_types[0];
    assert_eq!(feature.name, "feature");
    let names: Vec<&str> = feature.tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["spec", "design", "build", "test", "launch"]);
    assert!(
        (feature.tasks[0].effort.mean() - 2.0).abs() < 1e-12,
        "lognormal mean is the variable's mean"
    );
    assert!((feature.tasks[1].effort.mean() - 3.0).abs() < 1e-12);
    assert!((feature.tasks[2].effort.mean() - 10.0).abs() < 1e-12);
    assert!(feature.tasks[3].effort.is_constant());
    assert_eq!(feature.tasks[4].after, vec![3]);
    assert_eq!(s.model.topologies.len(), 2);
    assert_eq!(s.model.topologies[0].kind, TopologyKind::Matrix);
    assert_eq!(s.model.topologies[1].kind, TopologyKind::SingleThreaded);
    for t in &s.model.topologies {
        let c = &t.coordination;
        assert!((c.handoff.mean() - 1.5).abs() < 1e-12);
        assert_eq!(c.internal_handoff.mean(), 0.1);
        assert_eq!(c.intake_cadence, 10.0);
        assert_eq!(c.decision.mean(), 0.5);
        assert_eq!(c.escalation_probability, 0.2);
        assert_eq!(c.escalation_decision.mean(), 2.0);
        assert_eq!(c.context_switch.mean(), 0.5);
    }
}

#[test]
fn mixes_closed_streams_custom_teams_and_coordination_overrides_load() {
    let toml = r#"name = "full_2"

[[workload.streams]]
name = "web"
interarrival = 2
items = [ { type = "bug", weight = 1 }, { type = "feature", weight = 3 } ]
weight = 2

[[workload.streams]]
name = "app"
backlog = { wip = 4 }
item = "bug"

[workload.items.feature]
tasks = [ { name = "build", skill = "eng", effort = { dist = "uniform", min = 1, max = 3 } } ]

[workload.items.bug]
tasks = [ { name = "fix", skill = "eng", effort = { dist = "empirical", values = [1, 2, 6] } } ]

[organization]
people = { eng = 5, qa = 1 }

[coordination]
handoff = 1
decision = { dist = "exponential", mean = 0.5 }
escalation = { probability = 0.1, decision = 2 }

[[topologies]]
name = "teams"
kind = "custom"
coordination = { handoff = 3, escalation = { probability = 0.3 } }
teams = [
  { name = "a", people = { eng = 3, qa = 1 }, owns = ["web"], leader_attention = 0.5 },
  { name = "b", people = { eng = 2 }, owns = ["app"] },
]
"#;
    let s = load(toml);
    let web = &s.model.workload.streams[0];
    assert_eq!(web.weight, 2.0);
    let mix: Vec<(usize, f64)> = web.mix.iter().map(|m| (m.item_type, m.weight)).collect();
    assert_eq!(
        mix,
        [(1, 1.0), (0, 3.0)],
        "types index workload.item_types in file order"
    );
    assert_eq!(s.model.workload.item_types[1].name, "bug");
    assert!(matches!(
        s.model.workload.streams[1].arrivals,
        Arrivals::Closed { wip: 4 }
    ));
    assert_eq!(s.model.workload.item_types[1].tasks[0].effort.mean(), 3.0);
    let topo = &s.model.topologies[0];
    let TopologyKind::Custom(teams) = &topo.kind else {
        panic!("expected custom teams");
    };
    assert_eq!(teams.len(), 2);
    assert_eq!(teams[0].name, "a");
    assert_eq!(teams[0].owns, vec![StreamId::new(0)]);
    assert_eq!(teams[1].owns, vec![StreamId::new(1)]);
    assert_eq!(teams[0].leader_attention, 0.5);
    assert_eq!(teams[1].leader_attention, 1.0);
    assert_eq!(teams[0].people.len(), 2);
    let c = &topo.coordination;
    assert_eq!(c.handoff.mean(), 3.0, "the topology's own handoff wins");
    assert_eq!(
        c.escalation_probability, 0.3,
        "escalation keys override one by one"
    );
    assert_eq!(
        c.escalation_decision.mean(),
        2.0,
        "the scenario's escalation decision stays"
    );
    assert_eq!(c.decision.mean(), 0.5);
    assert!(c.internal_handoff.is_zero());
}

#[test]
fn bundled_scenario_files_load() {
    for file in [
        "scenarios/prime-video.toml",
        "scenarios/mmc.toml",
        "scenarios/pooling.toml",
    ] {
        if let Err(e) = load_file(std::path::Path::new(file), &[]) {
            panic!("{file}:\n{e}");
        }
    }
}

// ---------------------------------------------------------------- top level

#[test]
fn name_is_required_and_a_slug() {
    check(
        &only(&base_with("name = \"t\"\n", "\n")),
        "name",
        None,
        "missing required key `name`",
    );
    check(
        &only(&base_with("\"t\"", "\"Prime Video\"")),
        "name",
        Some(1),
        "[a-z0-9_-]+",
    );
    check(
        &only(&base_with("\"t\"", "\"\"")),
        "name",
        Some(1),
        "must not be empty",
    );
    check(
        &only(&base_with("\"t\"", "3")),
        "name",
        Some(1),
        "expected a string, found the integer 3",
    );
}

#[test]
fn description_must_be_a_string() {
    let p = only(&base_with(
        "name = \"t\"\n",
        "name = \"t\"\ndescription = 5\n",
    ));
    check(&p, "description", Some(2), "expected a string");
}

#[test]
fn unknown_top_level_key_suggests_the_close_one() {
    let p = only(&base_plus("[simulaton]\nhorizon = 5\n"));
    check(
        &p,
        "simulaton",
        Some(20),
        "unknown key `simulaton`; did you mean `simulation`?",
    );
    let p = only(&base_with(
        "name = \"t\"\n",
        "name = \"t\"\ncolour = \"red\"\n",
    ));
    check(&p, "colour", Some(2), "unknown key `colour` (allowed here:");
}

#[test]
fn a_misspelt_required_key_is_reported_once() {
    let p = only(&base_with("interarrival =", "interarival ="));
    check(
        &p,
        "workload.streams[0].interarival",
        Some(5),
        "did you mean `interarrival`?",
    );
    let p = only(&base_with("name = \"web\"", "nmae = \"web\""));
    check(
        &p,
        "workload.streams[0].nmae",
        Some(4),
        "did you mean `name`?",
    );
}

#[test]
fn invalid_toml_is_one_problem_with_its_line() {
    let ps = errors(&base_with("item = \"feature\"", "item = feature"));
    assert_eq!(ps.len(), 1, "{}", show(&ps));
    assert_eq!(ps[0].path, "");
    assert_eq!(ps[0].line, Some(6));
    assert!(ps[0].message.starts_with("invalid TOML"), "{}", ps[0]);
    let ps = errors(&base_plus("[organization]\nx = 1\n"));
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].line, Some(20), "a table defined twice: {}", ps[0]);
    assert_eq!(ps[0].to_string(), format!("t.toml:20: {}", ps[0].message));
}

// ---------------------------------------------------------------- [simulation]

#[test]
fn simulation_values_are_checked() {
    let ps = errors(&base_plus(
        "[simulation]\nwarmup = -1\nhorizon = 0\nreplications = 0\nseed = -3\n",
    ));
    assert_eq!(ps.len(), 4, "{}", show(&ps));
    check(
        &ps[0],
        "simulation.warmup",
        Some(21),
        "must be >= 0, got -1",
    );
    check(&ps[1], "simulation.horizon", Some(22), "must be > 0, got 0");
    check(
        &ps[2],
        "simulation.replications",
        Some(23),
        "must be an integer >= 1, got 0",
    );
    check(
        &ps[3],
        "simulation.seed",
        Some(24),
        "must be an integer >= 0, got -3",
    );
}

#[test]
fn simulation_integers_must_be_integers_and_defaults_apply() {
    let p = only(&base_plus("[simulation]\nreplications = 2.5\n"));
    check(
        &p,
        "simulation.replications",
        Some(21),
        "expected an integer, found the float 2.5",
    );
    let s = load(&base_plus("[simulation]\nhorizon = 100\n"));
    assert_eq!(
        (s.run.horizon, s.run.warmup, s.run.replications),
        (100.0, Warmup::Fixed(0.0), 30)
    );
}

#[test]
fn non_finite_numbers_are_rejected_everywhere() {
    let p = only(&base_plus("[simulation]\nhorizon = inf\n"));
    check(
        &p,
        "simulation.horizon",
        Some(21),
        "must be a finite number, got inf",
    );
    let p = only(&base_plus("[simulation]\nwarmup = nan\n"));
    check(
        &p,
        "simulation.warmup",
        Some(21),
        "must be a finite number, got nan",
    );
    let p = only(&base_plus("[architecture]\ncoupling = nan\n"));
    check(&p, "architecture.coupling", Some(21), "finite");
    let p = only(&with_effort("nan"));
    check(&p, EFFORT, Some(10), "finite");
    let p = only(&with_effort("{ dist = \"exponential\", mean = inf }"));
    check(&p, &format!("{EFFORT}.mean"), Some(10), "finite");
    let p = only(&base_plus("[coordination]\nintake_cadence = -inf\n"));
    check(
        &p,
        "coordination.intake_cadence",
        Some(21),
        "must be a finite number, got -inf",
    );
    let p = only(&base_with("mean = 2 }", "mean = 2 }\nweight = nan"));
    check(&p, "workload.streams[0].weight", Some(6), "finite");
}

// ---------------------------------------------------------------- [workload]

#[test]
fn workload_is_required() {
    let toml = "name = \"t\"\n[organization]\npeople = { eng = 1 }\n[[topologies]]\nname = \"m\"\nkind = \"matrix\"\n";
    let p = only(toml);
    check(&p, "workload", None, "missing required key `workload`");
}

#[test]
fn load_must_be_positive() {
    let p = only(&base_with(
        "[[workload.streams]]",
        "[workload]\nload = 0\n\n[[workload.streams]]",
    ));
    check(&p, "workload.load", Some(4), "must be > 0, got 0");
    let s = load_set(BASE, &["workload.load=1.5"]);
    assert_eq!(s.model.workload.load, 1.5);
}

#[test]
fn streams_are_required_and_non_empty() {
    let no_streams = "name = \"t\"\n[workload.items.feature]\ntasks = [ { name = \"a\", skill = \"eng\", effort = 1 } ]\n[organization]\npeople = { eng = 1 }\n[[topologies]]\nname = \"m\"\nkind = \"matrix\"\n";
    check(
        &only(no_streams),
        "workload.streams",
        Some(2),
        "missing required key `streams`",
    );
    let empty = no_streams.replace(
        "[workload.items.feature]",
        "[workload]\nstreams = []\n[workload.items.feature]",
    );
    check(
        &only(&empty),
        "workload.streams",
        Some(3),
        "at least one stream",
    );
    let table = no_streams.replace(
        "[workload.items.feature]",
        "[workload.streams]\nname = \"x\"\n[workload.items.feature]",
    );
    check(
        &only(&table),
        "workload.streams",
        Some(2),
        "expected an array of stream tables",
    );
}

#[test]
fn stream_names_are_required_slugs_and_unique() {
    check(
        &only(&base_with("name = \"web\"\n", "")),
        "workload.streams[0].name",
        Some(3),
        "missing required key `name`",
    );
    check(
        &only(&base_with("\"web\"", "\"Web Apps\"")),
        "workload.streams[0].name",
        Some(4),
        "[a-z0-9_-]+",
    );
    let dup =
        base_plus("[[workload.streams]]\nname = \"web\"\ninterarrival = 3\nitem = \"feature\"\n");
    check(
        &only(&dup),
        "workload.streams[1].name",
        Some(21),
        "duplicate stream name `web` (already used by workload.streams[0])",
    );
}

#[test]
fn stream_is_open_or_closed_never_both() {
    let both = base_with(
        "item = \"feature\"",
        "item = \"feature\"\nbacklog = { wip = 2 }",
    );
    check(
        &only(&both),
        "workload.streams[0]",
        Some(3),
        "has both `interarrival`",
    );
    let neither = base_with("interarrival = { dist = \"exponential\", mean = 2 }\n", "");
    check(
        &only(&neither),
        "workload.streams[0]",
        Some(3),
        "needs `interarrival",
    );
    let closed = base_with(
        "interarrival = { dist = \"exponential\", mean = 2 }",
        "backlog = { wip = 3 }",
    );
    assert!(matches!(
        load(&closed).model.workload.streams[0].arrivals,
        Arrivals::Closed { wip: 3 }
    ));
}

#[test]
fn backlog_wip_is_a_positive_integer() {
    let zero = base_with(
        "interarrival = { dist = \"exponential\", mean = 2 }",
        "backlog = { wip = 0 }",
    );
    check(
        &only(&zero),
        "workload.streams[0].backlog.wip",
        Some(5),
        "must be an integer >= 1, got 0",
    );
    let missing = base_with(
        "interarrival = { dist = \"exponential\", mean = 2 }",
        "backlog = { wp = 3 }",
    );
    check(
        &only(&missing),
        "workload.streams[0].backlog.wp",
        Some(5),
        "did you mean `wip`?",
    );
    let missing = base_with(
        "interarrival = { dist = \"exponential\", mean = 2 }",
        "backlog = {}",
    );
    check(
        &only(&missing),
        "workload.streams[0].backlog.wip",
        Some(5),
        "missing required key `wip`",
    );
}

#[test]
fn interarrival_mean_must_be_positive() {
    let p = only(&base_with("{ dist = \"exponential\", mean = 2 }", "0"));
    check(
        &p,
        "workload.streams[0].interarrival",
        Some(5),
        "mean interarrival time must be > 0",
    );
    let p = only(&base_with(
        "{ dist = \"exponential\", mean = 2 }",
        "{ dist = \"empirical\", values = [0, 0] }",
    ));
    check(
        &p,
        "workload.streams[0].interarrival",
        Some(5),
        "must be > 0",
    );
}

#[test]
fn stream_needs_item_or_items() {
    let both = base_with(
        "item = \"feature\"",
        "item = \"feature\"\nitems = [ { type = \"feature\" } ]",
    );
    check(
        &only(&both),
        "workload.streams[0]",
        Some(3),
        "has both `item` and `items`",
    );
    let neither = base_with("item = \"feature\"\n", "");
    check(
        &only(&neither),
        "workload.streams[0]",
        Some(3),
        "needs `item = ",
    );
}

#[test]
fn item_type_must_exist() {
    let p = only(&base_with("item = \"feature\"", "item = \"featur\""));
    check(
        &p,
        "workload.streams[0].item",
        Some(6),
        "unknown item type `featur`; did you mean `feature`?",
    );
    assert!(
        p.message.contains("workload.items defines: `feature`"),
        "{p}"
    );
}

#[test]
fn item_mix_is_checked() {
    let mix = |m: &str| base_with("item = \"feature\"", &format!("items = {m}"));
    check(
        &only(&mix("[]")),
        "workload.streams[0].items",
        Some(6),
        "at least one item type",
    );
    check(
        &only(&mix("[ { type = \"feature\", weight = 0 } ]")),
        "workload.streams[0].items[0].weight",
        Some(6),
        "must be > 0, got 0",
    );
    check(
        &only(&mix("[ { type = \"feature\", weight = -1 } ]")),
        "workload.streams[0].items[0].weight",
        Some(6),
        "must be > 0",
    );
    check(
        &only(&mix(
            "[ { type = \"feature\" }, { type = \"feature\", weight = 2 } ]",
        )),
        "workload.streams[0].items[1].type",
        Some(6),
        "already in this mix",
    );
    check(
        &only(&mix("[ { type = \"bug\" } ]")),
        "workload.streams[0].items[0].type",
        Some(6),
        "unknown item type `bug`",
    );
    check(
        &only(&mix("[ { weight = 2 } ]")),
        "workload.streams[0].items[0].type",
        Some(6),
        "missing required key `type`",
    );
    check(
        &only(&mix("[ { type = \"feature\", wieght = 2 } ]")),
        "workload.streams[0].items[0].wieght",
        Some(6),
        "did you mean `weight`?",
    );
    let s = load(&mix("[ { type = \"feature\" } ]"));
    assert_eq!(
        s.model.workload.streams[0].mix[0].weight, 1.0,
        "default mix weight"
    );
}

#[test]
fn stream_weight_must_be_positive() {
    let p = only(&base_with(
        "item = \"feature\"",
        "item = \"feature\"\nweight = 0",
    ));
    check(
        &p,
        "workload.streams[0].weight",
        Some(7),
        "must be > 0, got 0",
    );
}

#[test]
fn item_types_are_required_and_non_empty() {
    let no_items = base_with(
        "[workload.items.feature]\ntasks = [\n  { name = \"build\", skill = \"eng\", effort = 3 },\n  { name = \"test\", skill = \"qa\", effort = 1, after = [\"build\"] },\n]\n",
        "",
    );
    let p = only(&no_items);
    check(
        &p,
        "workload.items",
        Some(3),
        "missing required key `items`",
    );
    let empty = base_with(
        "[workload.items.feature]\ntasks = [\n  { name = \"build\", skill = \"eng\", effort = 3 },\n  { name = \"test\", skill = \"qa\", effort = 1, after = [\"build\"] },\n]\n",
        "[workload.items]\n",
    );
    check(
        &only(&empty),
        "workload.items",
        Some(8),
        "at least one item type",
    );
}

#[test]
fn tasks_are_required_and_non_empty() {
    check(
        &only(&with_tasks("tasks = []")),
        "workload.items.feature.tasks",
        Some(9),
        "at least one task",
    );
    check(
        &only(&with_tasks("taks = []")),
        "workload.items.feature.taks",
        Some(9),
        "did you mean `tasks`?",
    );
}

#[test]
fn task_names_are_unique_within_an_item() {
    let p = only(&with_tasks(
        "tasks = [\n  { name = \"build\", skill = \"eng\", effort = 3 },\n  { name = \"build\", skill = \"qa\", effort = 1 },\n]",
    ));
    check(
        &p,
        "workload.items.feature.tasks[1].name",
        Some(11),
        "duplicate task name `build` in item type `feature`",
    );
}

#[test]
fn task_keys_are_required() {
    let ps = errors(&with_tasks("tasks = [ { name = \"build\" } ]"));
    assert_eq!(ps.len(), 2, "{}", show(&ps));
    check(
        &ps[0],
        "workload.items.feature.tasks[0].skill",
        Some(9),
        "missing required key `skill`",
    );
    check(
        &ps[1],
        "workload.items.feature.tasks[0].effort",
        Some(9),
        "missing required key `effort`",
    );
}

#[test]
fn after_names_must_exist_in_the_same_item() {
    let p = only(&base_with("after = [\"build\"]", "after = [\"biuld\"]"));
    check(
        &p,
        "workload.items.feature.tasks[1].after[0]",
        Some(11),
        "no task named `biuld` in item type `feature`; did you mean `build`?",
    );
    let p = only(&base_with("after = [\"build\"]", "after = \"build\""));
    check(
        &p,
        "workload.items.feature.tasks[1].after",
        Some(11),
        "expected an array of task names",
    );
}

#[test]
fn a_task_cannot_come_after_itself() {
    let p = only(&base_with("after = [\"build\"]", "after = [\"test\"]"));
    check(
        &p,
        "workload.items.feature.tasks[1].after[0]",
        Some(11),
        "task `test` cannot come after itself",
    );
}

#[test]
fn task_cycles_are_named() {
    let p = only(&with_tasks(
        "tasks = [\n  { name = \"a\", skill = \"eng\", effort = 1, after = [\"c\"] },\n  { name = \"b\", skill = \"eng\", effort = 1, after = [\"a\"] },\n  { name = \"c\", skill = \"qa\", effort = 1, after = [\"b\"] },\n  { name = \"d\", skill = \"qa\", effort = 1, after = [\"c\"] },\n]",
    ));
    check(
        &p,
        "workload.items.feature.tasks",
        Some(9),
        "tasks form a cycle: a -> b -> c -> a",
    );
    let p = only(&with_tasks(
        "tasks = [\n  { name = \"a\", skill = \"eng\", effort = 1, after = [\"b\"] },\n  { name = \"b\", skill = \"eng\", effort = 1, after = [\"a\"] },\n]",
    ));
    check(
        &p,
        "workload.items.feature.tasks",
        Some(9),
        "tasks form a cycle: a -> b -> a",
    );
}

#[test]
fn task_skill_must_be_in_the_organization() {
    let p = only(&base_with("skill = \"qa\"", "skill = \"QA\""));
    check(
        &p,
        "workload.items.feature.tasks[1].skill",
        Some(11),
        "unknown skill `QA`; did you mean `qa`?",
    );
    let p = only(&base_with("skill = \"qa\"", "skill = \"marketing\""));
    check(
        &p,
        "workload.items.feature.tasks[1].skill",
        Some(11),
        "([organization] people has: `eng`, `qa`)",
    );
}

// ---------------------------------------------------------------- distributions

#[test]
fn every_distribution_kind_loads_with_its_mean() {
    let cases = [
        ("{ dist = \"constant\", value = 2 }", 2.0),
        ("{ dist = \"exponential\", mean = 2.5 }", 2.5),
        ("{ dist = \"uniform\", min = 1, max = 3 }", 2.0),
        ("{ dist = \"triangular\", min = 1, mode = 2, max = 6 }", 3.0),
        ("{ dist = \"pert\", min = 1, mode = 2, max = 9 }", 3.0),
        ("{ dist = \"lognormal\", mean = 2, sd = 1 }", 2.0),
        ("{ dist = \"gamma\", mean = 10, cv = 0.7 }", 10.0),
        ("{ dist = \"weibull\", shape = 1, scale = 2 }", 2.0),
        (
            "{ dist = \"empirical\", values = [1, 2.5, 6] }",
            3.166_666_666_666_667,
        ),
        ("{ dist = \"normal\", mean = 5, sd = 0 }", 5.0),
        ("4", 4.0),
        ("4.5", 4.5),
    ];
    for (effort, mean) in cases {
        let s = load(&with_effort(effort));
        let got = s.model.workload.item_types[0].tasks[0].effort.mean();
        assert!(
            (got - mean).abs() < 1e-9,
            "{effort}: mean {got}, expected {mean}"
        );
    }
    let s = load(&with_effort("{ dist = \"normal\", mean = 5, sd = 1 }"));
    assert!((s.model.workload.item_types[0].tasks[0].effort.mean() - 5.0).abs() < 1e-3);
}

#[test]
fn unknown_distribution_suggests_the_close_one() {
    let p = only(&with_effort("{ dist = \"exponentail\", mean = 2 }"));
    check(
        &p,
        &format!("{EFFORT}.dist"),
        Some(10),
        "unknown distribution `exponentail`; did you mean `exponential`?",
    );
    let p = only(&with_effort("{ dist = \"zipf\", s = 2 }"));
    check(
        &p,
        &format!("{EFFORT}.dist"),
        Some(10),
        "(known: `constant`, `exponential`",
    );
    let p = only(&with_effort("{ mean = 2 }"));
    check(
        &p,
        &format!("{EFFORT}.dist"),
        Some(10),
        "missing required key `dist`",
    );
}

#[test]
fn distribution_parameters_are_checked_by_name() {
    let ps = errors(&with_effort("{ dist = \"triangular\", min = 1, max = 3 }"));
    assert_eq!(ps.len(), 1, "{}", show(&ps));
    check(
        &ps[0],
        &format!("{EFFORT}.mode"),
        Some(10),
        "missing parameter `mode` of the triangular distribution",
    );
    let ps = errors(&with_effort("{ dist = \"gamma\", mean = 2, sd = 1 }"));
    has(&ps, &format!("{EFFORT}.sd"), Some(10), "unknown key `sd`");
    has(
        &ps,
        &format!("{EFFORT}.cv"),
        Some(10),
        "missing parameter `cv`",
    );
    let p = only(&with_effort("{ dist = \"exponential\", mean = \"2\" }"));
    check(
        &p,
        &format!("{EFFORT}.mean"),
        Some(10),
        "expected a number, found the string \"2\"",
    );
    let p = only(&with_effort(
        "{ dist = \"exponential\", mean = 2, mena = 3 }",
    ));
    check(
        &p,
        &format!("{EFFORT}.mena"),
        Some(10),
        "did you mean `mean`?",
    );
}

#[test]
fn distribution_errors_point_at_the_parameter() {
    let p = only(&with_effort(
        "{ dist = \"triangular\", min = 5, mode = 2, max = 1 }",
    ));
    check(
        &p,
        &format!("{EFFORT}.min"),
        Some(10),
        "`min` (5) must be <= `max` (1)",
    );
    let p = only(&with_effort("{ dist = \"exponential\", mean = 0 }"));
    check(&p, &format!("{EFFORT}.mean"), Some(10), "must be > 0");
    let p = only(&with_effort("{ dist = \"uniform\", min = 3, max = 1 }"));
    check(
        &p,
        &format!("{EFFORT}.max"),
        Some(10),
        "`max` (1) must be >= `min` (3)",
    );
    let p = only(&with_effort("{ dist = \"empirical\", values = [] }"));
    check(
        &p,
        &format!("{EFFORT}.values"),
        Some(10),
        "at least one number",
    );
    let p = only(&with_effort(
        "{ dist = \"empirical\", values = [1, \"x\"] }",
    ));
    check(
        &p,
        &format!("{EFFORT}.values[1]"),
        Some(10),
        "expected a number",
    );
    let p = only(&with_effort("{ dist = \"empirical\", values = [1, -2] }"));
    check(
        &p,
        &format!("{EFFORT}.values[1]"),
        Some(10),
        "must be >= 0, got -2",
    );
}

#[test]
fn bare_numbers_are_non_negative_constants() {
    let p = only(&with_effort("-1"));
    check(&p, EFFORT, Some(10), "must be >= 0, got -1");
    let p = only(&with_effort("\"3 days\""));
    check(
        &p,
        EFFORT,
        Some(10),
        "expected a distribution (a number, or a table like",
    );
    let effort_on_next_line =
        with_tasks("tasks = [\n  { name = \"build\", skill = \"eng\",\n    effort = true },\n]");
    check(
        &only(&effort_on_next_line),
        EFFORT,
        Some(11),
        "found the boolean true",
    );
}

// ---------------------------------------------------------------- [architecture], [organization]

#[test]
fn coupling_is_a_probability() {
    let p = only(&base_plus("[architecture]\ncoupling = 1.5\n"));
    check(
        &p,
        "architecture.coupling",
        Some(21),
        "must be a probability in [0, 1], got 1.5",
    );
    let p = only(&base_plus("[architecture]\ncoupling = -0.1\n"));
    check(&p, "architecture.coupling", Some(21), "probability");
    assert_eq!(
        load(&base_plus("[architecture]\ncoupling = 1\n"))
            .model
            .architecture
            .coupling,
        1.0
    );
}

#[test]
fn organization_is_required() {
    let p = only(&base_with(
        "[organization]\npeople = { eng = 4, qa = 1 }\n",
        "",
    ));
    check(
        &p,
        "organization",
        None,
        "missing required key `organization`",
    );
    let p = only(&base_with(
        "people = { eng = 4, qa = 1 }",
        "peeple = { eng = 4, qa = 1 }",
    ));
    check(
        &p,
        "organization.peeple",
        Some(15),
        "did you mean `people`?",
    );
    let ps = errors(&base_with("people = { eng = 4, qa = 1 }", "people = {}"));
    has(&ps, "organization.people", Some(15), "at least one skill");
}

#[test]
fn headcounts_are_positive_integers() {
    let ps = errors(&base_with(
        "people = { eng = 4, qa = 1 }",
        "people = { eng = 0, qa = -2 }",
    ));
    assert_eq!(ps.len(), 2, "{}", show(&ps));
    check(
        &ps[0],
        "organization.people.eng",
        Some(15),
        "must be an integer >= 1, got 0",
    );
    check(&ps[1], "organization.people.qa", Some(15), "got -2");
    let p = only(&base_with(
        "people = { eng = 4, qa = 1 }",
        "people = { eng = 4, qa = 1.5 }",
    ));
    check(
        &p,
        "organization.people.qa",
        Some(15),
        "expected an integer",
    );
}

// ---------------------------------------------------------------- [coordination], [quality]

#[test]
fn coordination_values_are_checked() {
    let ps = errors(&base_plus(
        "[coordination]\nhandoff = -1\nintake_cadence = -2\nescalation = { probability = 1.2, decison = 1 }\nswitch = 1\n",
    ));
    assert_eq!(ps.len(), 5, "{}", show(&ps));
    has(&ps, "coordination.switch", Some(24), "unknown key `switch`");
    has(&ps, "coordination.handoff", Some(21), "must be >= 0");
    has(
        &ps,
        "coordination.intake_cadence",
        Some(22),
        "must be >= 0, got -2",
    );
    has(
        &ps,
        "coordination.escalation.decison",
        Some(23),
        "did you mean `decision`?",
    );
    has(
        &ps,
        "coordination.escalation.probability",
        Some(23),
        "must be a probability in [0, 1]",
    );
}

#[test]
fn quality_values_are_checked() {
    let ps = errors(&base_plus(
        "[quality]\ndefect_probability = 2\ndilution = -1\nrework_fraction = -0.5\nescape_delay = nan\n",
    ));
    assert_eq!(ps.len(), 4, "{}", show(&ps));
    check(
        &ps[0],
        "quality.defect_probability",
        Some(21),
        "probability",
    );
    check(&ps[1], "quality.dilution", Some(22), "must be >= 0");
    check(&ps[2], "quality.rework_fraction", Some(23), "must be >= 0");
    check(&ps[3], "quality.escape_delay", Some(24), "finite");
    let s = load(&base_plus(
        "[quality]\ndefect_probability = 0\ndilution = 2\n",
    ));
    assert_eq!(
        (s.model.quality.dilution, s.model.quality.rework_fraction),
        (2.0, 0.5)
    );
}

#[test]
fn defect_probability_is_a_probability_and_can_be_set() {
    let s = load(&base_plus("[quality]\ndefect_probability = 0.1\n"));
    assert_eq!(s.model.quality.defect_probability, 0.1);
    let ps = errors_set(BASE, &["quality.defect_probability=1.2"]);
    assert_eq!(ps.len(), 1);
    assert!(ps[0].message.contains("probability"), "{}", ps[0]);
    assert!(
        ps[0]
            .message
            .ends_with("(from --set quality.defect_probability=1.2)"),
        "{}",
        ps[0]
    );
    let s = load_set(BASE, &["quality.defect_probability=0.3"]);
    assert_eq!(s.model.quality.defect_probability, 0.3);
}

#[test]
fn topologies_are_required_and_non_empty() {
    let p = only(&with_topology(""));
    check(&p, "topologies", None, "missing required key `topologies`");
    let empty = with_topology("").replacen("name = \"t\"\n", "name = \"t\"\ntopologies = []\n", 1);
    check(
        &only(&empty),
        "topologies",
        Some(2),
        "at least one topology",
    );
}

#[test]
fn topology_names_are_required_and_unique() {
    let p = only(&base_plus(
        "[[topologies]]\nname = \"matrix\"\nkind = \"single-threaded\"\n",
    ));
    check(
        &p,
        "topologies[1].name",
        Some(21),
        "duplicate topology name `matrix` (already used by topologies[0])",
    );
    let p = only(&with_topology("[[topologies]]\nkind = \"matrix\"\n"));
    check(
        &p,
        "topologies[0].name",
        Some(17),
        "missing required key `name`",
    );
}

#[test]
fn topology_kind_suggests_the_close_one() {
    let p = only(&base_with(
        "kind = \"matrix\"",
        "kind = \"single_threaded\"",
    ));
    check(
        &p,
        "topologies[0].kind",
        Some(19),
        "unknown topology kind `single_threaded`; did you mean `single-threaded`?",
    );
    let p = only(&base_with("kind = \"matrix\"", "kind = \"holacracy\""));
    check(
        &p,
        "topologies[0].kind",
        Some(19),
        "(expected `matrix`, `single-threaded`, `single-threaded-with-platform`, `custom`)",
    );
    let p = only(&base_with("kind = \"matrix\"\n", ""));
    check(
        &p,
        "topologies[0].kind",
        Some(17),
        "missing required key `kind`",
    );
}

#[test]
fn teams_only_for_custom_topologies() {
    let p = only(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nteams = []",
    ));
    check(
        &p,
        "topologies[0].teams",
        Some(20),
        "`teams` is only for kind = \"custom\"",
    );
    let p = only(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nheadcount = \"free\"",
    ));
    check(
        &p,
        "topologies[0].headcount",
        Some(20),
        "only for kind = \"custom\"",
    );
}

#[test]
fn custom_topology_needs_teams() {
    let p = only(&base_with("kind = \"matrix\"", "kind = \"custom\""));
    check(
        &p,
        "topologies[0].teams",
        Some(17),
        "a custom topology needs `teams`",
    );
    let p = only(&base_with(
        "kind = \"matrix\"",
        "kind = \"custom\"\nteams = []",
    ));
    check(&p, "topologies[0].teams", Some(20), "at least one team");
}

/// BASE with a custom topology whose teams are `teams` (line 20 on).
fn custom(teams: &str) -> String {
    with_topology(&format!(
        "[[topologies]]\nname = \"mine\"\nkind = \"custom\"\n{teams}\n"
    ))
}

#[test]
fn custom_teams_are_checked() {
    let ok =
        custom("teams = [\n  { name = \"a\", people = { eng = 4, qa = 1 }, owns = [\"web\"] },\n]");
    load(&ok);
    let ps = errors(&custom(
        "teams = [\n  { name = \"a\", people = { eng = 4, qa = 1, ops = 1 }, owns = [\"wbe\"], leader_attention = 0 },\n  { name = \"a\", people = { eng = -1 } },\n  { people = { qa = 0 }, lead = 1 },\n]",
    ));
    has(
        &ps,
        "topologies[0].teams[0].people.ops",
        Some(21),
        "unknown skill `ops`",
    );
    has(
        &ps,
        "topologies[0].teams[0].owns[0]",
        Some(21),
        "no stream named `wbe`; did you mean `web`?",
    );
    has(
        &ps,
        "topologies[0].teams[0].leader_attention",
        Some(21),
        "must be in (0, 1], got 0",
    );
    has(
        &ps,
        "topologies[0].teams[1].name",
        Some(22),
        "duplicate team name `a`",
    );
    has(
        &ps,
        "topologies[0].teams[1].people.eng",
        Some(22),
        "must be an integer >= 0, got -1",
    );
    has(
        &ps,
        "topologies[0].teams[2].name",
        Some(23),
        "missing required key `name`",
    );
    has(
        &ps,
        "topologies[0].teams[2].lead",
        Some(23),
        "unknown key `lead`",
    );
    assert_eq!(ps.len(), 7, "{}", show(&ps));
    let p = only(&custom(
        "teams = [ { name = \"a\", people = { eng = 4, qa = 1 }, leader_attention = 1.5 } ]",
    ));
    check(
        &p,
        "topologies[0].teams[0].leader_attention",
        Some(20),
        "must be in (0, 1], got 1.5",
    );
    let p = only(&custom("teams = [ { name = \"a\" } ]"));
    check(
        &p,
        "topologies[0].teams[0].people",
        Some(20),
        "missing required key `people`",
    );
}

#[test]
fn a_stream_has_at_most_one_owner() {
    let p = only(&custom(
        "teams = [\n  { name = \"a\", people = { eng = 2, qa = 1 }, owns = [\"web\"] },\n  { name = \"b\", people = { eng = 2 }, owns = [\"web\"] },\n]",
    ));
    check(
        &p,
        "topologies[0].teams[1].owns[0]",
        Some(22),
        "stream `web` is already owned by team `a`",
    );
}

#[test]
fn exact_headcount_must_match_the_organization() {
    let ps = errors(&custom(
        "teams = [\n  { name = \"a\", people = { eng = 2 } },\n  { name = \"b\", people = { eng = 3, qa = 0 } },\n]",
    ));
    assert_eq!(ps.len(), 2, "{}", show(&ps));
    check(
        &ps[0],
        "topologies[0].teams",
        Some(20),
        "teams hold 5 eng but [organization] has 4",
    );
    check(
        &ps[1],
        "topologies[0].teams",
        Some(20),
        "teams hold 0 qa but [organization] has 1",
    );
}

#[test]
fn free_headcount_still_needs_every_skill_tasks_use() {
    let free =
        custom("headcount = \"free\"\nteams = [ { name = \"a\", people = { eng = 9, qa = 1 } } ]");
    load(&free);
    let p = only(&custom(
        "headcount = \"free\"\nteams = [ { name = \"a\", people = { eng = 9 } } ]",
    ));
    check(
        &p,
        "topologies[0].teams",
        Some(21),
        "no team holds skill `qa`, which task `test` of item type `feature` needs",
    );
    let p = only(&custom(
        "headcount = \"loose\"\nteams = [ { name = \"a\", people = { eng = 4, qa = 1 } } ]",
    ));
    check(
        &p,
        "topologies[0].headcount",
        Some(20),
        "unknown headcount rule `loose`",
    );
}

#[test]
fn bar_raiser_needs_reviewers_review_and_a_catch_probability() {
    let ps = errors(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nbar_raiser = { reviewers = 0, catch = 1.5 }",
    ));
    has(
        &ps,
        "topologies[0].bar_raiser.reviewers",
        Some(20),
        "integer >= 1",
    );
    has(
        &ps,
        "topologies[0].bar_raiser.catch",
        Some(20),
        "probability",
    );
    has(
        &ps,
        "topologies[0].bar_raiser.review",
        Some(20),
        "missing required key `review`",
    );
    let s = load(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nbar_raiser = { reviewers = 2, review = 0.5, catch = 0.8 }",
    ));
    let b = s.model.topologies[0].bar_raiser.as_ref().unwrap();
    assert_eq!((b.reviewers, b.review.mean(), b.catch), (2, 0.5, 0.8));
}

#[test]
fn queue_leaders_and_swarm_are_checked() {
    let p = only(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nqueue = \"wieghted\"",
    ));
    check(
        &p,
        "topologies[0].queue",
        Some(20),
        "did you mean `weighted`",
    );
    let p = only(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nleaders = [ { name = \"pat\", teams = [\"eng\", \"qaa\"] } ]",
    ));
    check(
        &p,
        "topologies[0].leaders[0].teams[1]",
        Some(20),
        "no team named `qaa`",
    );
    let p = only(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nleader_attention = 0",
    ));
    check(&p, "topologies[0].leader_attention", Some(20), "(0, 1]");
    let p = only(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nswarm = { interval = 30, duration = 5, fraction = 0 }",
    ));
    check(&p, "topologies[0].swarm.fraction", Some(20), "(0, 1]");
    let s = load(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\nqueue = \"weighted\"\nleader_attention = 0.5\nswarm = { interval = 30, duration = 5, fraction = 0.5 }",
    ));
    let t = &s.model.topologies[0];
    assert_eq!(t.queue, orgsim::model::spec::QueueDiscipline::Weighted);
    assert_eq!(t.leader_attention, 0.5);
    assert_eq!(t.coordination.swarm.as_ref().unwrap().fraction, 0.5);
}

#[test]
fn platform_keys_are_checked() {
    let p = only(&base_plus(
        "[architecture]\nplatform = 0.3\nplatform_skills = [\"engg\"]\n",
    ));
    check(
        &p,
        "architecture.platform_skills[0]",
        Some(22),
        "unknown skill `engg`",
    );
    let p = only(&base_plus(
        "[[topologies]]\nname = \"c\"\nkind = \"custom\"\nteams = [ { name = \"a\", people = { eng = 2, qa = 1 }, owns = [\"web\"], owns_platform = true }, { name = \"b\", people = { eng = 2 }, owns_platform = true } ]\n",
    ));
    check(
        &p,
        "topologies[1].teams[1].owns_platform",
        Some(23),
        "already owned by team `a`",
    );
    let s = load(&base_plus(
        "[architecture]\nplatform = 0.3\n[[topologies]]\nname = \"p\"\nkind = \"single-threaded-with-platform\"\n",
    ));
    assert_eq!(s.model.architecture.platform, 0.3);
    assert_eq!(
        s.model.architecture.platform_skills,
        vec![s.model.skill("eng").unwrap()]
    );
}

#[test]
fn topology_coordination_overrides_only_that_topology() {
    let toml = base_plus(
        "[coordination]\nhandoff = 1\nintake_cadence = 10\n[[topologies]]\nname = \"st\"\nkind = \"single-threaded\"\ncoordination = { intake_cadence = 0, decision = 2 }\n",
    );
    let s = load(&toml);
    let (m, st) = (
        &s.model.topologies[0].coordination,
        &s.model.topologies[1].coordination,
    );
    assert_eq!((m.intake_cadence, st.intake_cadence), (10.0, 0.0));
    assert_eq!((m.handoff.mean(), st.handoff.mean()), (1.0, 1.0));
    assert_eq!((m.decision.mean(), st.decision.mean()), (0.0, 2.0));
    let p = only(&base_with(
        "kind = \"matrix\"",
        "kind = \"matrix\"\ncoordination = { intake = 3 }",
    ));
    check(
        &p,
        "topologies[0].coordination.intake",
        Some(20),
        "unknown key `intake`",
    );
}

// ---------------------------------------------------------------- overrides

#[test]
fn override_parse_errors_are_clear() {
    assert!(
        Override::parse("architecture.coupling")
            .unwrap_err()
            .contains("expected PATH=VALUE")
    );
    assert!(
        Override::parse("=1")
            .unwrap_err()
            .contains("PATH before `=` is empty")
    );
    assert!(
        Override::parse("a..b=1")
            .unwrap_err()
            .contains("empty segment")
    );
    assert!("x.=1".parse::<Override>().is_err());
}

#[test]
fn override_values_are_toml_or_bare_strings() {
    let o = Override::parse("architecture.coupling=0.3").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.value, toml::Value::Float(0.3));
    assert_eq!(o.path, ["architecture", "coupling"]);
    assert_eq!(o.text, "architecture.coupling=0.3");
    let s = load_set(
        BASE,
        &["topologies.matrix.kind=single-threaded", "name=\"quoted\""],
    );
    assert_eq!(s.model.topologies[0].kind, TopologyKind::SingleThreaded);
    assert_eq!(s.name, "quoted");
    let s = load_set(BASE, &["name=bare-word"]);
    assert_eq!(s.name, "bare-word");
    let s = load_set(
        BASE,
        &["workload.items.feature.tasks.build.effort={ dist = \"exponential\", mean = 7 }"],
    );
    assert_eq!(s.model.workload.item_types[0].tasks[0].effort.mean(), 7.0);
}

#[test]
fn override_replaces_an_existing_value() {
    let s = load_set(BASE, &["workload.streams.web.interarrival.mean=3"]);
    let Arrivals::Open(d) = &s.model.workload.streams[0].arrivals else {
        panic!("open stream expected");
    };
    assert_eq!(d.mean(), 3.0);
    let s = load_set(
        DESIGN_EXAMPLE,
        &[
            "workload.streams.tv-apps.interarrival.mean=3",
            "architecture.coupling=0.3",
        ],
    );
    assert_eq!(s.model.architecture.coupling, 0.3);
    let Arrivals::Open(d) = &s.model.workload.streams[0].arrivals else {
        panic!("open stream expected");
    };
    assert_eq!(d.mean(), 3.0);
}

#[test]
fn override_sets_a_missing_key_creating_tables() {
    let s = load_set(
        BASE,
        &[
            "simulation.horizon=50",
            "coordination.escalation.probability=0.25",
            "topologies.0.coordination.intake_cadence=5",
        ],
    );
    assert_eq!(s.run.horizon, 50.0);
    assert_eq!(
        s.model.topologies[0].coordination.escalation_probability,
        0.25
    );
    assert_eq!(s.model.topologies[0].coordination.intake_cadence, 5.0);
}

#[test]
fn override_selects_array_elements_by_name_or_index() {
    let two = base_plus("[[topologies]]\nname = \"st\"\nkind = \"single-threaded\"\n");
    let s = load_set(
        &two,
        &[
            "topologies.st.coordination.intake_cadence=0",
            "topologies.0.coordination.intake_cadence=7",
            "workload.items.feature.tasks.1.effort=9",
            "workload.items.feature.tasks.build.after=[]",
        ],
    );
    assert_eq!(s.model.topologies[0].coordination.intake_cadence, 7.0);
    assert_eq!(s.model.topologies[1].coordination.intake_cadence, 0.0);
    assert_eq!(s.model.workload.item_types[0].tasks[1].effort.mean(), 9.0);
    assert!(s.model.workload.item_types[0].tasks[0].after.is_empty());
}

#[test]
fn override_bad_paths_are_problems() {
    let ps = errors_set(BASE, &["workload.streams.wbe.weight=2"]);
    assert_eq!(ps.len(), 1, "{}", show(&ps));
    let p = &ps[0];
    assert_eq!((p.path.as_str(), p.line), ("workload.streams", None));
    assert!(
        p.message
            .contains("no element named `wbe`; did you mean `web`?"),
        "{p}"
    );
    assert!(
        p.message
            .ends_with("(from --set workload.streams.wbe.weight=2)"),
        "{p}"
    );

    let ps = errors_set(BASE, &["topologies.3.kind=matrix"]);
    assert!(
        ps[0].message.contains("index 3 does not exist"),
        "{}",
        ps[0]
    );

    let ps = errors_set(BASE, &["name.x=1"]);
    assert_eq!(ps[0].path, "name");
    assert!(
        ps[0].message.contains("is a string, not a table"),
        "{}",
        ps[0]
    );
}

#[test]
fn override_introducing_an_unknown_key_is_named() {
    let ps = errors_set(BASE, &["architecture.couplin=0.2"]);
    assert_eq!(ps.len(), 1, "{}", show(&ps));
    let p = &ps[0];
    assert_eq!((p.path.as_str(), p.line), ("architecture.couplin", None));
    assert!(
        p.message.contains(
            "unknown key `couplin`; did you mean `coupling`? (from --set architecture.couplin=0.2)"
        ),
        "{p}"
    );

    let with_arch = base_plus("[architecture]\ncoupling = 0.1\n");
    let ps = errors_set(&with_arch, &["architecture.couplin=0.2"]);
    assert_eq!(ps.len(), 1, "{}", show(&ps));
    assert_eq!(
        (ps[0].path.as_str(), ps[0].line),
        ("architecture.couplin", None)
    );
    assert!(
        ps[0]
            .message
            .contains("did you mean `coupling`? (from --set architecture.couplin=0.2)"),
        "{}",
        ps[0]
    );

    let ps = errors_set(BASE, &["simulaton.horizon=3"]);
    assert_eq!(ps[0].path, "simulaton");
    assert!(
        ps[0]
            .message
            .contains("did you mean `simulation`? (from --set simulaton.horizon=3)"),
        "{}",
        ps[0]
    );
}

#[test]
fn override_with_a_bad_value_names_the_set_and_has_no_line() {
    let ps = errors_set(BASE, &["workload.streams.web.interarrival.mean=-3"]);
    assert_eq!(ps.len(), 1, "{}", show(&ps));
    let p = &ps[0];
    assert_eq!(p.path, "workload.streams[0].interarrival.mean");
    assert_eq!(p.line, None);
    assert!(
        p.message
            .contains("(from --set workload.streams.web.interarrival.mean=-3)"),
        "{p}"
    );
    assert_eq!(
        p.to_string(),
        format!(
            "t.toml: workload.streams[0].interarrival.mean: {}",
            p.message
        )
    );
    let ps = errors_set(BASE, &["simulation.replications=many"]);
    assert!(
        ps[0]
            .message
            .contains("expected an integer, found the string \"many\""),
        "{}",
        ps[0]
    );
    assert!(
        ps[0]
            .message
            .contains("(from --set simulation.replications=many)")
    );
}

#[test]
fn later_overrides_win() {
    let s = load_set(
        BASE,
        &["architecture.coupling=0.9", "architecture.coupling=0.2"],
    );
    assert_eq!(s.model.architecture.coupling, 0.2);
}

// ---------------------------------------------------------------- reporting

#[test]
fn many_problems_are_reported_together_in_order() {
    let toml = r#"name = "Bad Name"
[simulation]
horizon = -5
[[workload.streams]]
name = "web"
interarrival = 2
item = "nope"
[workload.items.feature]
tasks = [ { name = "a", skill = "eng", effort = 1, after = ["zz"] } ]
[organization]
people = { eng = 0 }
[[topologies]]
name = "m"
kind = "matrx"
"#;
    let ps = errors(toml);
    let summary: Vec<(&str, Option<usize>)> =
        ps.iter().map(|p| (p.path.as_str(), p.line)).collect();
    assert_eq!(
        summary,
        [
            ("name", Some(1)),
            ("simulation.horizon", Some(3)),
            ("organization.people.eng", Some(11)),
            ("workload.streams[0].item", Some(7)),
            ("workload.items.feature.tasks[0].after[0]", Some(9)),
            ("topologies[0].kind", Some(14)),
        ],
        "{}",
        show(&ps)
    );
    let e = ScenarioError { problems: ps };
    assert_eq!(e.to_string().lines().count(), 6);
    assert!(e.to_string().starts_with("t.toml:1: name: "));
}

#[test]
fn problems_display_file_line_path_message() {
    let lines = problems(&base_plus("[architecture]\ncoupling = 2\n"));
    assert_eq!(
        lines,
        ["t.toml:21: architecture.coupling: must be a probability in [0, 1], got 2"]
    );
}

// ---------------------------------------------------------------- files

fn file_problem(path: &std::path::Path) -> Problem {
    match load_file(path, &[]) {
        Ok(_) => panic!("{} should not load", path.display()),
        Err(e) => {
            assert_eq!(e.problems.len(), 1, "{e}");
            e.problems
                .into_iter()
                .next()
                .unwrap_or_else(|| unreachable!())
        }
    }
}

#[test]
fn missing_file_is_a_problem() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("nope.toml");
    let p = file_problem(&path);
    assert_eq!(p.file, path.display().to_string());
    assert_eq!((p.path.as_str(), p.line), ("", None));
    assert!(p.message.contains("no such file"), "{p}");
}

#[test]
fn directory_is_a_problem() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = file_problem(dir.path());
    assert!(p.message.contains("is a directory"), "{p}");
}

#[test]
fn non_utf8_file_is_a_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"name = \"t\"\ndescription = \"caf\xe9\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let p = file_problem(&path);
    assert_eq!(p.line, Some(2));
    assert!(p.message.contains("not UTF-8"), "{p}");
}

#[test]
fn empty_file_is_a_problem() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (name, text) in [
        ("empty.toml", ""),
        ("blank.toml", "\n  \n# only a comment\n"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let p = file_problem(&path);
        assert!(p.message.contains("the file is empty"), "{name}: {p}");
    }
}

#[test]
fn a_valid_file_loads_from_disk_with_overrides() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("ok.toml");
    std::fs::write(&path, BASE).unwrap_or_else(|e| panic!("{e}"));
    let s =
        load_file(&path, &sets(&["simulation.replications=3"])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.run.replications, 3);
    let e = load_file(&path, &sets(&["simulation.replications=0"])).err();
    let e = e.unwrap_or_else(|| panic!("replications = 0 must fail"));
    assert_eq!(e.problems[0].file, path.display().to_string());
}
