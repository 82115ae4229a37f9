//! `[coordination]` and `[[topologies]]`: the coordination parameters (with
//! each topology's own overrides) and the teams of custom topologies.

use super::build::Org;
use super::dist_spec;
use super::flow;
use super::path::TomlPath;
use super::reader::{Bound, Ctx, Tbl, fmt_num};
use super::suggest;
use super::workload::Need;
use crate::engine::Dist;
use crate::model::spec::Headcount;
use crate::model::spec::{
    BarRaiser, Coordination, CrossTraining, Dispatch, QueueDiscipline, SharedLeader, SkillCount,
    Swarm, TeamSpec, TopologyKind, TopologySpec,
};
use crate::model::topology::team_names;
use crate::model::{StreamId, TeamId};

pub(crate) const COORDINATION_KEYS: &[&str] = &[
    "handoff",
    "internal_handoff",
    "intake_cadence",
    "decision",
    "escalation",
    "context_switch",
    "swarm",
    "communication",
];
const SWARM_KEYS: &[&str] = &["interval", "duration", "fraction"];
const LEADER_KEYS: &[&str] = &["name", "teams", "attention"];
const QUEUES: &[&str] = &["fifo", "weighted"];
const ESCALATION_KEYS: &[&str] = &["probability", "decision"];
const TOPOLOGY_KEYS: &[&str] = &[
    "name",
    "kind",
    "coordination",
    "teams",
    "headcount",
    "queue",
    "leader_attention",
    "leaders",
    "swarm",
    "bar_raiser",
    "wip_limit",
    "dispatch",
];
const BAR_RAISER_KEYS: &[&str] = &["reviewers", "review", "catch"];
const TEAM_KEYS: &[&str] = &[
    "name",
    "people",
    "owns",
    "leader_attention",
    "owns_platform",
    "wip_limit",
    "cross_trained",
];
const KINDS: &[&str] = &[
    "matrix",
    "single-threaded",
    "single-threaded-with-platform",
    "custom",
];

const HEADCOUNT_RULES: &[&str] = &["exact", "free"];

/// The coordination keys one table sets (`None` = not set there).
#[derive(Debug, Clone, Default)]
pub(crate) struct PartialCoordination {
    handoff: Option<Dist>,
    internal_handoff: Option<Dist>,
    intake_cadence: Option<f64>,
    decision: Option<Dist>,
    escalation_probability: Option<f64>,
    escalation_decision: Option<Dist>,
    context_switch: Option<Dist>,
    swarm: Option<Swarm>,
    communication: Option<f64>,
}

/// Reads a coordination table (the scenario's or a topology's); `None` when
/// any of its values is invalid (reported).
fn partial_coordination(ctx: &mut Ctx<'_>, t: &Tbl<'_>) -> Option<PartialCoordination> {
    let before = ctx.count();
    let dist = |ctx: &mut Ctx<'_>, key: &str| match t.get(key) {
        Some(v) => dist_spec::dist(ctx, v, &t.at(key)),
        None => None,
    };
    let handoff = dist(ctx, "handoff");
    let internal_handoff = dist(ctx, "internal_handoff");
    let intake_cadence = match t.get("intake_cadence") {
        Some(v) => ctx.number(v, &t.at("intake_cadence"), Bound::NonNeg),
        None => None,
    };
    let decision = dist(ctx, "decision");
    let (mut escalation_probability, mut escalation_decision) = (None, None);
    if let Some(v) = t.get("escalation")
        && let Some(e) = ctx.table(v, t.at("escalation"), ESCALATION_KEYS)
    {
        if let Some(p) = e.get("probability") {
            escalation_probability = ctx.number(p, &e.at("probability"), Bound::Prob);
        }
        if let Some(d) = e.get("decision") {
            escalation_decision = dist_spec::dist(ctx, d, &e.at("decision"));
        }
    }
    let context_switch = dist(ctx, "context_switch");
    let swarm = t
        .get("swarm")
        .and_then(|v| read_swarm(ctx, v, t.at("swarm")));
    let communication = match t.get("communication") {
        Some(v) => ctx.number(v, &t.at("communication"), Bound::Prob),
        None => None,
    };
    (ctx.count() == before).then_some(PartialCoordination {
        handoff,
        internal_handoff,
        intake_cadence,
        decision,
        escalation_probability,
        escalation_decision,
        context_switch,
        swarm,
        communication,
    })
}

/// Reads `swarm = { interval, duration, fraction }`.
fn read_swarm(ctx: &mut Ctx<'_>, v: &toml::Value, path: TomlPath) -> Option<Swarm> {
    let t = ctx.table(v, path, SWARM_KEYS)?;
    let interval = dist_spec::dist_field(ctx, &t, "interval", None);
    let duration = dist_spec::dist_field(ctx, &t, "duration", None);
    let fraction = ctx.num_field(&t, "fraction", None, Bound::UnitOpenBelow);
    let interval = interval?;
    if interval.mean() <= 0.0 {
        ctx.report(
            &t.at("interval"),
            "the mean interval between swarms must be > 0",
        );
        return None;
    }
    let duration = duration?;
    // Little's law: swarms start every `interval` and last `duration` on
    // average, so duration / interval of them are under way at once; each
    // holds its absence and a pending return, without bound.
    let overlapping = duration.mean() / interval.mean();
    if overlapping.is_nan() || overlapping > MAX_OVERLAPPING_SWARMS {
        ctx.report(
            &t.at("interval"),
            format!(
                "a swarm every {} days on average that lasts {} days means {} swarms under way at once; at most {MAX_OVERLAPPING_SWARMS} are allowed (raise `interval` or shorten `duration`)",
                short_num(interval.mean()),
                short_num(duration.mean()),
                short_num(overlapping)
            ),
        );
        return None;
    }
    Some(Swarm {
        interval,
        duration,
        fraction: fraction?,
    })
}

/// `x` in a few digits, in scientific notation when far from 1.
fn short_num(x: f64) -> String {
    if x != 0.0 && !(1e-3..1e6).contains(&x.abs()) {
        format!("{x:.3e}")
    } else {
        fmt_num(x)
    }
}

/// The most swarms under way at once on average (mean duration / mean
/// interval) a scenario may ask for.
const MAX_OVERLAPPING_SWARMS: f64 = 1000.0;

/// Reads the scenario-wide `[coordination]` (all defaults when absent);
/// `None` when it has problems (reported).
pub(crate) fn base_coordination(ctx: &mut Ctx<'_>, root: &Tbl<'_>) -> Option<PartialCoordination> {
    match root.get("coordination") {
        Some(v) => {
            let t = ctx.table(v, root.at("coordination"), COORDINATION_KEYS)?;
            partial_coordination(ctx, &t)
        }
        None => Some(PartialCoordination::default()),
    }
}

/// A topology's coordination: its own keys, else the scenario's, else the defaults.
fn resolve(own: &PartialCoordination, base: &PartialCoordination) -> Option<Coordination> {
    let pick = |a: &Option<Dist>, b: &Option<Dist>, default: f64| {
        a.clone()
            .or_else(|| b.clone())
            .or_else(|| Dist::constant(default).ok())
    };
    Some(Coordination {
        handoff: pick(&own.handoff, &base.handoff, 0.0)?,
        internal_handoff: pick(&own.internal_handoff, &base.internal_handoff, 0.0)?,
        intake_cadence: own.intake_cadence.or(base.intake_cadence).unwrap_or(0.0),
        decision: pick(&own.decision, &base.decision, 0.0)?,
        escalation_probability: own
            .escalation_probability
            .or(base.escalation_probability)
            .unwrap_or(0.0),
        escalation_decision: pick(&own.escalation_decision, &base.escalation_decision, 0.0)?,
        context_switch: pick(&own.context_switch, &base.context_switch, 0.5)?,
        swarm: own.swarm.clone().or_else(|| base.swarm.clone()),
        communication: own.communication.or(base.communication).unwrap_or(0.0),
    })
}

/// What the topologies are checked against.
pub(crate) struct Env<'a> {
    /// The organization's skills and headcounts.
    pub(crate) org: &'a Org,
    /// The stream names by position (`None` where invalid).
    pub(crate) stream_names: &'a [Option<String>],
    /// The skills tasks need.
    pub(crate) needs: &'a [Need],
    /// The scenario-wide coordination (`None` when it has problems).
    pub(crate) base: Option<&'a PartialCoordination>,
    /// `[organization] cross_training` and `dispatch` (`None` when they
    /// have problems).
    pub(crate) cross: Option<&'a (Vec<CrossTraining>, Dispatch)>,
}

/// Reads `[[topologies]]`.
pub(crate) fn read(ctx: &mut Ctx<'_>, root: &Tbl<'_>, env: &Env<'_>) -> Option<Vec<TopologySpec>> {
    let path = root.at("topologies");
    let Some(v) = root.get("topologies") else {
        ctx.report_missing(
            &path,
            "missing required key `topologies`: add at least one [[topologies]] table with kind = \"matrix\", \"single-threaded\" or \"custom\"",
        );
        return None;
    };
    let entries = ctx.array(v, &path, "an array of topology tables ([[topologies]])")?;
    if entries.is_empty() {
        ctx.report(&path, "must hold at least one topology");
        return None;
    }
    let mut names: Vec<Option<&str>> = Vec::new();
    let mut specs = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(t) = ctx.table(entry, path.index(i), TOPOLOGY_KEYS) else {
            names.push(None);
            specs.push(None);
            continue;
        };
        let mut name = ctx.name_field(&t, "name", false);
        if let Some(n) = name
            && let Some(j) = names.iter().position(|m| *m == Some(n))
        {
            ctx.report(
                &t.at("name"),
                format!(
                    "duplicate topology name `{n}` (already used by {})",
                    path.index(j)
                ),
            );
            name = None;
        }
        names.push(name);
        specs.push(topology(ctx, &t, name, env));
    }
    specs.into_iter().collect()
}

fn topology(
    ctx: &mut Ctx<'_>,
    t: &Tbl<'_>,
    name: Option<&str>,
    env: &Env<'_>,
) -> Option<TopologySpec> {
    let kind_name = ctx.str_field(t, "kind");
    let known_kind = kind_name.filter(|k| KINDS.contains(k));
    if let Some(k) = kind_name
        && known_kind.is_none()
    {
        let near = suggest::did_you_mean(k, KINDS.iter().copied());
        let known = if near.is_empty() {
            format!(" (expected {})", suggest::list(KINDS.iter().copied()))
        } else {
            String::new()
        };
        ctx.report(
            &t.at("kind"),
            format!("unknown topology kind `{k}`{near}{known}"),
        );
    }

    let mut own = match t.get("coordination") {
        Some(v) => ctx
            .table(v, t.at("coordination"), COORDINATION_KEYS)
            .and_then(|c| partial_coordination(ctx, &c)),
        None => Some(PartialCoordination::default()),
    };
    // `swarm` may sit on the topology itself, as shorthand for its coordination table.
    if let Some(v) = t.get("swarm") {
        let swarm = read_swarm(ctx, v, t.at("swarm"));
        if let Some(o) = own.as_mut() {
            if o.swarm.is_some() {
                ctx.report(
                    &t.at("swarm"),
                    "`swarm` is set both here and in this topology's `coordination`; keep one",
                );
            }
            o.swarm = swarm;
        }
    }
    let queue = match t.get("queue") {
        None => Some(QueueDiscipline::Fifo),
        Some(v) => ctx.string(v, &t.at("queue")).and_then(|q| match q {
            "fifo" => Some(QueueDiscipline::Fifo),
            "weighted" => Some(QueueDiscipline::Weighted),
            other => {
                ctx.report(
                    &t.at("queue"),
                    format!(
                        "unknown queue discipline `{other}`{} (expected {})",
                        suggest::did_you_mean(other, QUEUES.iter().copied()),
                        suggest::list(QUEUES.iter().copied())
                    ),
                );
                None
            }
        }),
    };
    let leader_attention = ctx.num_field(t, "leader_attention", Some(1.0), Bound::UnitOpenBelow);
    let wip_limit = flow::wip_limit(ctx, t);
    let dispatch = super::cross::read_dispatch(ctx, t);

    let kind = match known_kind {
        Some("custom") => custom_teams(ctx, t, env).map(TopologyKind::Custom),
        Some(k) => {
            for key in ["teams", "headcount"] {
                if t.has(key) {
                    ctx.report(
                        &t.at(key),
                        format!("`{key}` is only for kind = \"custom\" (this topology is kind = \"{k}\")"),
                    );
                }
            }
            match k {
                "matrix" => Some(TopologyKind::Matrix),
                "single-threaded" => Some(TopologyKind::SingleThreaded),
                _ => Some(TopologyKind::SingleThreadedWithPlatform),
            }
        }
        // Unknown kind: still check the teams a custom topology would have.
        None => {
            if t.has("teams") {
                custom_teams(ctx, t, env);
            }
            None
        }
    };
    let kind = kind?;
    // The names the model will give the teams (its one naming rule); with
    // a stream or a skill unreadable the scenario is refused anyway.
    let skills: Vec<&str> = env
        .org
        .skills
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let streams: Vec<&str> = env
        .stream_names
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let team_names = team_names(&kind, &skills, &streams);
    let shared_leaders = match t.get("leaders") {
        None => Some(Vec::new()),
        Some(v) => read_leaders(ctx, v, t.at("leaders"), &team_names),
    };
    let bar_raiser = match t.get("bar_raiser") {
        None => Some(None),
        Some(v) => read_bar_raiser(ctx, v, t.at("bar_raiser")).map(Some),
    };
    let coordination = resolve(&own?, env.base?)?;
    Some(TopologySpec {
        name: name?.to_owned(),
        kind,
        coordination,
        queue: queue?,
        leader_attention: leader_attention?,
        shared_leaders: shared_leaders?,
        bar_raiser: bar_raiser?,
        wip_limit: wip_limit?,
        dispatch: dispatch?.or(env.cross.map(|c| c.1)).unwrap_or_default(),
        transition: None,
    })
}

/// Reads `bar_raiser = { reviewers, review, catch }`.
fn read_bar_raiser(ctx: &mut Ctx<'_>, v: &toml::Value, path: TomlPath) -> Option<BarRaiser> {
    let t = ctx.table(v, path, BAR_RAISER_KEYS)?;
    let reviewers = ctx.int_field(&t, "reviewers", None, 1, i64::from(u32::MAX));
    let review = dist_spec::dist_field(ctx, &t, "review", None);
    let catch = ctx.num_field(&t, "catch", None, Bound::Prob);
    Some(BarRaiser {
        reviewers: u32::try_from(reviewers?).ok()?,
        review: review?,
        catch: catch?,
    })
}

/// Reads `leaders = [{ name, teams = [...], attention }]`: leaders shared by
/// several teams of the topology, whose generated team names are `team_names`.
fn read_leaders(
    ctx: &mut Ctx<'_>,
    v: &toml::Value,
    path: TomlPath,
    team_names: &[String],
) -> Option<Vec<SharedLeader>> {
    let entries = ctx.array(v, &path, "an array of leader tables")?;
    let before = ctx.count();
    let mut leaders = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(l) = ctx.table(entry, path.index(i), LEADER_KEYS) else {
            continue;
        };
        let name = ctx.name_field(&l, "name", false);
        let attention = ctx.num_field(&l, "attention", Some(1.0), Bound::UnitOpenBelow);
        let mut teams = Vec::new();
        if let Some(list) = l.get("teams")
            && let Some(items) = ctx.array(list, &l.at("teams"), "an array of team names")
        {
            for (j, item) in items.iter().enumerate() {
                let item_path = l.at("teams").index(j);
                let Some(team) = ctx.string(item, &item_path) else {
                    continue;
                };
                let Some(id) = team_names.iter().position(|n| n == team) else {
                    let known = || team_names.iter().map(String::as_str);
                    ctx.report(
                        &item_path,
                        format!(
                            "no team named `{team}` in this topology{} (its teams: {})",
                            suggest::did_you_mean(team, known()),
                            suggest::list(known())
                        ),
                    );
                    continue;
                };
                if taken.iter().any(|n| n == team) {
                    ctx.report(
                        &item_path,
                        format!("team `{team}` already has a leader in `leaders`"),
                    );
                } else {
                    taken.push(team.to_owned());
                    teams.push(TeamId::new(id));
                }
            }
        } else if !l.has("teams") {
            ctx.missing(&l, "teams");
        }
        if let (Some(name), Some(attention)) = (name, attention) {
            leaders.push(SharedLeader {
                name: name.to_owned(),
                teams,
                attention,
            });
        }
    }
    (ctx.count() == before).then_some(leaders)
}

fn custom_teams(ctx: &mut Ctx<'_>, t: &Tbl<'_>, env: &Env<'_>) -> Option<Vec<TeamSpec>> {
    let exact = match t.get("headcount") {
        None => Some(true),
        Some(v) => ctx
            .string(v, &t.at("headcount"))
            .and_then(|rule| match rule {
                "exact" => Some(true),
                "free" => Some(false),
                other => {
                    ctx.report(
                        &t.at("headcount"),
                        format!(
                            "unknown headcount rule `{other}`{} (expected `exact` or `free`)",
                            suggest::did_you_mean(other, HEADCOUNT_RULES.iter().copied())
                        ),
                    );
                    None
                }
            }),
    };
    let path = t.at("teams");
    let Some(v) = t.get("teams") else {
        ctx.report_missing(
            &path,
            "a custom topology needs `teams`: an array of tables like { name = \"core\", people = { eng = 4 }, owns = [\"web\"] }",
        );
        return None;
    };
    let entries = ctx.array(v, &path, "an array of team tables")?;
    if entries.is_empty() {
        ctx.report(&path, "must hold at least one team");
        return None;
    }

    let mut people_ok = true;
    let mut all_people: Vec<Vec<SkillCount>> = Vec::new();
    let mut names: Vec<Option<&str>> = Vec::new();
    // The first team of each name (a map: linear in the teams).
    let mut first: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    // The owner team of each stream, by stream position.
    let mut owner: Vec<Option<usize>> = vec![None; env.stream_names.len()];
    let mut teams = Vec::new();
    let mut platform_owner: Option<usize> = None;
    let training = env.cross.map_or(&[][..], |c| &c.0[..]);
    let mut all_cross: Vec<Vec<CrossTraining>> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(team) = ctx.table(entry, path.index(i), TEAM_KEYS) else {
            names.push(None);
            teams.push(None);
            people_ok = false;
            continue;
        };
        let mut name = ctx.name_field(&team, "name", false);
        if let Some(n) = name
            && let Some(&j) = first.get(n)
        {
            ctx.report(
                &team.at("name"),
                format!(
                    "duplicate team name `{n}` in this topology (already used by {})",
                    path.index(j)
                ),
            );
            name = None;
        }
        if let Some(n) = name {
            first.insert(n, i);
        }
        names.push(name);
        let people = team_people(ctx, &team, env.org);
        match &people {
            Some(p) => all_people.push(p.clone()),
            None => people_ok = false,
        }
        let counts: Option<Vec<(String, u32)>> =
            (people.as_ref()).map(|p| p.iter().map(|h| (h.skill.clone(), h.count)).collect());
        let cross_trained =
            super::cross::read_team(ctx, &team, env.org, training, counts.as_deref());
        if let Some(c) = &cross_trained {
            all_cross.push(c.clone());
        }
        let owns = owned_streams(ctx, &team, i, &names, &mut owner, env);
        let attention = ctx.num_field(&team, "leader_attention", Some(1.0), Bound::UnitOpenBelow);
        let owns_platform = match team.get("owns_platform") {
            None => Some(false),
            Some(toml::Value::Boolean(b)) => {
                if *b {
                    if let Some(other) = platform_owner {
                        ctx.report(
                            &team.at("owns_platform"),
                            format!(
                                "the platform is already owned by team `{}`; at most one team owns it",
                                names.get(other).copied().flatten().unwrap_or("?")
                            ),
                        );
                    }
                    platform_owner = Some(i);
                }
                Some(*b)
            }
            Some(other) => {
                ctx.report(
                    &team.at("owns_platform"),
                    format!(
                        "expected true or false, found {}",
                        super::reader::describe(other)
                    ),
                );
                None
            }
        };
        let wip_limit = flow::wip_limit(ctx, &team);
        teams.push((|| {
            Some(TeamSpec {
                name: name?.to_owned(),
                people: (people?.iter())
                    .map(|p| {
                        let skill = env.org.id(&p.skill)?;
                        Some(Headcount {
                            skill,
                            count: p.count,
                        })
                    })
                    .collect::<Option<_>>()?,
                owns: owns?.into_iter().map(StreamId::new).collect(),
                leader_attention: attention?,
                owns_platform: owns_platform?,
                wip_limit: wip_limit?,
                cross_trained: cross_trained?,
            })
        })());
    }
    let teams: Option<Vec<TeamSpec>> = teams.into_iter().collect();

    // The checks across teams need every team's people.
    let before = ctx.count();
    if people_ok {
        let names = env.org.skills.as_deref().unwrap_or_default();
        let cross_into: Vec<&str> = (all_cross.iter().flatten())
            .filter_map(|c| names.get(c.to.index()).map(String::as_str))
            .collect();
        check_headcount(ctx, &path, &all_people, env, exact, &cross_into);
        if exact == Some(true) && all_cross.len() == all_people.len() {
            super::cross::check_team_totals(ctx, &path, &all_cross, training, env.org);
        }
    }
    exact?;
    teams.filter(|_| ctx.count() == before)
}

fn team_people(ctx: &mut Ctx<'_>, team: &Tbl<'_>, org: &Org) -> Option<Vec<SkillCount>> {
    let Some(v) = team.get("people") else {
        ctx.report_missing(
            &team.at("people"),
            "missing required key `people`: the team's headcount per skill, e.g. people = { eng = 4, qa = 1 }",
        );
        return None;
    };
    let people = ctx.any_table(v, team.at("people"))?;
    let counts: Vec<Option<SkillCount>> = people
        .table
        .iter()
        .map(|(skill, v)| {
            let path = people.at(skill);
            let known = org.check_skill(ctx, skill, &path);
            let n = ctx.integer(v, &path, 0, i64::from(u32::MAX));
            known.then_some(())?;
            Some(SkillCount {
                skill: skill.clone(),
                count: u32::try_from(n?).ok()?,
            })
        })
        .collect();
    counts.into_iter().collect()
}

fn owned_streams(
    ctx: &mut Ctx<'_>,
    team: &Tbl<'_>,
    index: usize,
    names: &[Option<&str>],
    owner: &mut [Option<usize>],
    env: &Env<'_>,
) -> Option<Vec<usize>> {
    let Some(v) = team.get("owns") else {
        return Some(Vec::new());
    };
    let path = team.at("owns");
    let list = ctx.array(v, &path, "an array of stream names")?;
    let mut owns = Vec::new();
    let mut ok = true;
    for (k, item) in list.iter().enumerate() {
        let item_path = path.index(k);
        let Some(stream) = ctx.string(item, &item_path) else {
            ok = false;
            continue;
        };
        let Some(s) = env
            .stream_names
            .iter()
            .position(|n| n.as_deref() == Some(stream))
        else {
            let known = || env.stream_names.iter().flatten().map(String::as_str);
            ctx.report(
                &item_path,
                format!(
                    "no stream named `{stream}`{} (streams: {})",
                    suggest::did_you_mean(stream, known()),
                    suggest::list(known())
                ),
            );
            ok = false;
            continue;
        };
        match owner[s] {
            Some(other) if other == index => {} // listed twice by the same team
            Some(other) => {
                ctx.report(
                    &item_path,
                    format!(
                        "stream `{stream}` is already owned by team `{}`; a stream has at most one owner team",
                        names.get(other).copied().flatten().unwrap_or("?")
                    ),
                );
                ok = false;
            }
            None => {
                owner[s] = Some(index);
                owns.push(s);
            }
        }
    }
    ok.then_some(owns)
}

/// The checks across the teams of one custom topology: with the `exact`
/// rule, the teams hold exactly the organization's people; in any case,
/// every skill a task needs is held by some team (or some team has people
/// cross-trained in it: `cross_into`).
fn check_headcount(
    ctx: &mut Ctx<'_>,
    path: &TomlPath,
    teams: &[Vec<SkillCount>],
    env: &Env<'_>,
    exact: Option<bool>,
    cross_into: &[&str],
) {
    let held = |skill: &str| -> u64 {
        teams
            .iter()
            .flatten()
            .filter(|p| p.skill == skill)
            .map(|p| u64::from(p.count))
            .sum()
    };
    let mut mismatched: Vec<&str> = Vec::new();
    if exact == Some(true)
        && let Some(people) = &env.org.people
    {
        for p in people {
            let h = held(&p.skill);
            if h != u64::from(p.count) {
                ctx.report(
                    path,
                    format!(
                        "teams hold {h} {} but [organization] has {} (or set headcount = \"free\")",
                        p.skill, p.count
                    ),
                );
                mismatched.push(&p.skill);
            }
        }
    }
    let mut checked: Vec<&str> = Vec::new();
    for need in env.needs {
        if checked.contains(&need.skill.as_str()) {
            continue;
        }
        checked.push(&need.skill);
        if held(&need.skill) == 0
            && !mismatched.contains(&need.skill.as_str())
            && !cross_into.contains(&need.skill.as_str())
        {
            ctx.report(
                path,
                format!(
                    "no team holds skill `{}`, which task `{}` of item type `{}` needs",
                    need.skill, need.task, need.item
                ),
            );
        }
    }
}
