//! Cross-trained people and communication overhead in a scenario file
//! (docs/model.md, "Cross-trained people" and "Communication overhead"):
//! `[organization] cross_training` and `dispatch`, a topology's
//! `dispatch`, a custom team's `cross_trained`, and the checks that need
//! the built teams (a team slowed to nothing by communication).

use toml::Value;

use super::build::Org;
use super::path::TomlPath;
use super::reader::{Bound, Ctx, Tbl, fmt_num};
use super::suggest;
use crate::model::spec::{CrossTraining, Dispatch, ModelSpec};
use crate::model::topology;

/// The keys of one `cross_training` entry.
const ENTRY_KEYS: &[&str] = &["from", "to", "count", "efficiency"];
/// The keys of one entry of a custom team's `cross_trained`.
const TEAM_ENTRY_KEYS: &[&str] = &["from", "to", "count"];
/// The dispatch rules, as written.
const DISPATCH: &[&str] = &["own-skill-first", "oldest-first"];

/// Reads `dispatch` of `t` (the organization or a topology), if set.
pub(crate) fn read_dispatch(ctx: &mut Ctx<'_>, t: &Tbl<'_>) -> Option<Option<Dispatch>> {
    let Some(v) = t.get("dispatch") else {
        return Some(None);
    };
    let path = t.at("dispatch");
    match ctx.string(v, &path)? {
        "own-skill-first" => Some(Some(Dispatch::OwnSkillFirst)),
        "oldest-first" => Some(Some(Dispatch::OldestFirst)),
        other => {
            ctx.report(
                &path,
                format!(
                    "unknown dispatch rule `{other}`{} (expected {})",
                    suggest::did_you_mean(other, DISPATCH.iter().copied()),
                    suggest::list(DISPATCH.iter().copied())
                ),
            );
            None
        }
    }
}

/// `[organization] cross_training` and `dispatch` (none and
/// own-skill-first by default); `None` when they have problems (reported).
pub(crate) fn read_organization(
    ctx: &mut Ctx<'_>,
    root: &Tbl<'_>,
    org: &Org,
) -> Option<(Vec<CrossTraining>, Dispatch)> {
    let Some(Value::Table(table)) = root.get("organization") else {
        return Some((Vec::new(), Dispatch::default()));
    };
    let t = Tbl {
        table,
        path: root.at("organization"),
    };
    let before = ctx.count();
    let dispatch = read_dispatch(ctx, &t);
    let mut entries = Vec::new();
    if let Some(v) = t.get("cross_training") {
        let path = t.at("cross_training");
        if let Some(list) = ctx.array(
            v,
            &path,
            "an array of { from, to, count, efficiency } tables",
        ) {
            for (i, item) in list.iter().enumerate() {
                let Some(e) = ctx.table(item, path.index(i), ENTRY_KEYS) else {
                    continue;
                };
                let pair = skills(ctx, &e, org);
                let count = ctx.int_field(&e, "count", None, 1, i64::from(u32::MAX));
                let efficiency = ctx.num_field(&e, "efficiency", None, Bound::UnitOpenBelow);
                if let (Some((from, to)), Some(count), Some(efficiency)) = (pair, count, efficiency)
                {
                    if let Some(j) = (entries.iter())
                        .position(|(_, c): &(usize, CrossTraining)| c.from == from && c.to == to)
                    {
                        ctx.report(
                            &path.index(i),
                            format!(
                                "the same pair of skills as {}; give each pair one entry",
                                path.index(entries[j].0)
                            ),
                        );
                        continue;
                    }
                    let count = u32::try_from(count).ok()?;
                    entries.push((
                        i,
                        CrossTraining {
                            from,
                            to,
                            count,
                            efficiency,
                        },
                    ));
                }
            }
        }
        // No more cross-trained people of a skill than it has people.
        if let (Some(people), Some(names)) = (&org.people, &org.skills) {
            for (s, p) in people.iter().enumerate() {
                let crossed: u64 = (entries.iter())
                    .filter(|(_, c)| c.from.index() == s)
                    .map(|(_, c)| u64::from(c.count))
                    .sum();
                if crossed > u64::from(p.count) {
                    ctx.report(
                        &path,
                        format!(
                            "cross-trains {crossed} people of `{}`, but [organization] people has {} of them",
                            names[s], p.count
                        ),
                    );
                }
            }
        }
    }
    (ctx.count() == before).then_some(())?;
    let dispatch = dispatch?.unwrap_or_default();
    Some((entries.into_iter().map(|(_, c)| c).collect(), dispatch))
}

/// The `from` and `to` skills of an entry: known, and different.
fn skills(
    ctx: &mut Ctx<'_>,
    e: &Tbl<'_>,
    org: &Org,
) -> Option<(crate::model::SkillId, crate::model::SkillId)> {
    let read = |ctx: &mut Ctx<'_>, key: &str| {
        let name = ctx.str_field(e, key)?;
        org.check_skill(ctx, name, &e.at(key)).then_some(())?;
        Some((name, org.id(name)?))
    };
    let from = read(ctx, "from");
    let to = read(ctx, "to");
    let ((from_name, from), (_, to)) = (from?, to?);
    if from == to {
        ctx.report(
            &e.at("to"),
            format!(
                "is `{from_name}`, the same skill as `from`; cross-training needs a second skill"
            ),
        );
        return None;
    }
    Some((from, to))
}

/// A custom team's `cross_trained = [{ from, to, count }]`: which of its
/// people are cross-trained, each pair one of the organization's
/// `cross_training` (whose efficiency it takes), at most the team's people
/// of `from`. `people` is the team's headcount per skill, when readable.
pub(crate) fn read_team(
    ctx: &mut Ctx<'_>,
    team: &Tbl<'_>,
    org: &Org,
    training: &[CrossTraining],
    people: Option<&[(String, u32)]>,
) -> Option<Vec<CrossTraining>> {
    let Some(v) = team.get("cross_trained") else {
        return Some(Vec::new());
    };
    let path = team.at("cross_trained");
    let list = ctx.array(v, &path, "an array of { from, to, count } tables")?;
    let before = ctx.count();
    let mut out: Vec<CrossTraining> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let Some(e) = ctx.table(item, path.index(i), TEAM_ENTRY_KEYS) else {
            continue;
        };
        let pair = skills(ctx, &e, org);
        let count = ctx.int_field(&e, "count", None, 1, i64::from(u32::MAX));
        let (Some((from, to)), Some(count)) = (pair, count) else {
            continue;
        };
        let Some(entry) = training.iter().find(|c| c.from == from && c.to == to) else {
            ctx.report(
                &path.index(i),
                "no entry of [organization] cross_training has this `from` and `to`; declare it there (with its efficiency) first",
            );
            continue;
        };
        if out.iter().any(|c| c.from == from && c.to == to) {
            ctx.report(
                &path.index(i),
                "this pair of skills is listed twice in this team",
            );
            continue;
        }
        out.push(CrossTraining {
            count: u32::try_from(count).ok()?,
            ..*entry
        });
    }
    if let (Some(people), Some(names)) = (people, &org.skills) {
        for (s, name) in names.iter().enumerate() {
            let crossed: u64 = (out.iter())
                .filter(|c| c.from.index() == s)
                .map(|c| u64::from(c.count))
                .sum();
            let has = (people.iter())
                .find(|(n, _)| n == name)
                .map_or(0, |(_, c)| u64::from(*c));
            if crossed > has {
                ctx.report(
                    &path,
                    format!(
                        "cross-trains {crossed} people of `{name}`, but the team has {has} of them"
                    ),
                );
            }
        }
    }
    (ctx.count() == before).then_some(out)
}

/// With the `exact` headcount rule, the custom teams of a topology (at
/// `path`) cross-train exactly the organization's people of each pair.
pub(crate) fn check_team_totals(
    ctx: &mut Ctx<'_>,
    path: &TomlPath,
    teams: &[Vec<CrossTraining>],
    training: &[CrossTraining],
    org: &Org,
) {
    let Some(names) = &org.skills else {
        return;
    };
    for entry in training {
        let held: u64 = (teams.iter().flatten())
            .filter(|c| c.from == entry.from && c.to == entry.to)
            .map(|c| u64::from(c.count))
            .sum();
        if held != u64::from(entry.count) {
            ctx.report(
                path,
                format!(
                    "teams cross-train {held} `{}` people in `{}` but [organization] cross_training has {} (list them with `cross_trained` on the teams, or set headcount = \"free\")",
                    names[entry.from.index()],
                    names[entry.to.index()],
                    entry.count
                ),
            );
        }
    }
}

/// Checks that need the built teams of each topology of `model`: no team so
/// big that communication leaves its people no time (1 − c(n − 1) ≤ 0),
/// and no swarm where people are cross-trained (not modelled together).
pub(crate) fn check_built(ctx: &mut Ctx<'_>, root: &Tbl<'_>, model: &ModelSpec) {
    let topologies = root.at("topologies");
    for (i, spec) in model.topologies.iter().enumerate() {
        let at = topologies.index(i);
        let own = |key: &str| {
            let set = (root.get("topologies").and_then(|v| v.get(i)))
                .and_then(|t| t.get("coordination"))
                .is_some_and(|c| c.get(key).is_some());
            if set {
                at.key("coordination").key(key)
            } else {
                root.at("coordination").key(key)
            }
        };
        if spec.coordination.swarm.is_some() && !model.cross_training.is_empty() {
            let swarm_on_topology = (root.get("topologies").and_then(|v| v.get(i)))
                .is_some_and(|t| t.get("swarm").is_some());
            let path = if swarm_on_topology {
                at.key("swarm")
            } else {
                own("swarm")
            };
            ctx.report(
                &path,
                "swarms and [organization] cross_training cannot be combined yet (a swarm would have to pull cross-trained people too); remove one of them",
            );
        }
        let c = spec.coordination.communication;
        if c <= 0.0 {
            continue;
        }
        let org = topology::build(model, spec);
        for team in &org.teams {
            let speed = team.speed(c);
            if speed <= 0.0 {
                ctx.report(
                    &own("communication"),
                    format!(
                        "leaves team `{}` of topology `{}` ({} people) no time to work: 1 − {} × {} = {:.3} of full speed; lower `communication` or split the team",
                        team.name,
                        spec.name,
                        team.size(),
                        fmt_num(c),
                        team.size() - 1,
                        speed
                    ),
                );
            }
        }
    }
}
