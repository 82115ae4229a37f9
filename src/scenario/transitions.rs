//! `[[transitions]]` (docs/model.md, "The reorganization as a transition"):
//! a run that starts as one topology and switches to another, compared as
//! a topology of its own.

use super::path::TomlPath;
use super::reader::{Bound, Ctx, Tbl};
use super::suggest;
use crate::model::spec::{Ramp, TopologySpec, TransitionSpec};

/// The keys allowed in a `[[transitions]]` table.
pub(crate) const TRANSITION_KEYS: &[&str] = &["name", "from", "to", "at", "ramp"];
/// The keys allowed in a transition's `ramp`.
const RAMP_KEYS: &[&str] = &["days", "start"];

/// Reads `[[transitions]]` against the scenario's `topologies` (`None`
/// when they could not be read: the transitions are then only checked for
/// their own shape). Each transition becomes one more entry of the list of
/// topologies: a copy of its source under its own name, carrying the
/// switch. `None` when a transition has problems (reported).
pub(crate) fn read(
    ctx: &mut Ctx<'_>,
    root: &Tbl<'_>,
    topologies: Option<&[TopologySpec]>,
) -> Option<Vec<TopologySpec>> {
    let path = root.at("transitions");
    let Some(v) = root.get("transitions") else {
        return Some(Vec::new());
    };
    let entries = ctx.array(v, &path, "an array of transition tables ([[transitions]])")?;
    let mut names: Vec<Option<&str>> = Vec::new();
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(t) = ctx.table(entry, path.index(i), TRANSITION_KEYS) else {
            names.push(None);
            out.push(None);
            continue;
        };
        let mut name = ctx.name_field(&t, "name", false);
        if let Some(n) = name {
            if topologies.is_some_and(|ts| ts.iter().any(|s| s.name == n)) {
                ctx.report(
                    &t.at("name"),
                    format!(
                        "transition name `{n}` is already a topology's name; a transition is compared as a topology of its own, so give it another name"
                    ),
                );
                name = None;
            } else if let Some(j) = names.iter().position(|m| *m == Some(n)) {
                ctx.report(
                    &t.at("name"),
                    format!(
                        "duplicate transition name `{n}` (already used by {})",
                        path.index(j)
                    ),
                );
                name = None;
            }
        }
        names.push(name);
        out.push(transition(ctx, &t, name, topologies));
    }
    out.into_iter().collect()
}

/// Reads one transition named `name`.
fn transition(
    ctx: &mut Ctx<'_>,
    t: &Tbl<'_>,
    name: Option<&str>,
    topologies: Option<&[TopologySpec]>,
) -> Option<TopologySpec> {
    let from = topology_field(ctx, t, "from", topologies);
    let to = topology_field(ctx, t, "to", topologies);
    if let (Some(a), Some(b)) = (from, to)
        && a.name == b.name
    {
        ctx.report(
            &t.at("to"),
            format!(
                "`to` is `{}`, the same topology as `from`: a transition moves to another topology",
                b.name
            ),
        );
        return None;
    }
    let at = ctx.num_field(t, "at", None, Bound::NonNeg);
    let ramp = match t.get("ramp") {
        None => Some(None),
        Some(v) => read_ramp(ctx, v, t.at("ramp")).map(Some),
    };
    let (from, to) = (from?, to?);
    let mut entry = from.clone();
    entry.name = name?.to_owned();
    entry.transition = Some(Box::new(TransitionSpec {
        from: from.name.clone(),
        to: to.clone(),
        at: at?,
        ramp: ramp?,
    }));
    Some(entry)
}

/// The topology named by `key` of `t` (reported when missing or unknown,
/// with the nearest name).
fn topology_field<'s>(
    ctx: &mut Ctx<'_>,
    t: &Tbl<'_>,
    key: &str,
    topologies: Option<&'s [TopologySpec]>,
) -> Option<&'s TopologySpec> {
    let name = ctx.str_field(t, key)?;
    let topologies = topologies?;
    let found = topologies.iter().find(|s| s.name == name);
    if found.is_none() {
        let names = topologies.iter().map(|s| s.name.as_str());
        ctx.report(
            &t.at(key),
            format!(
                "unknown topology `{name}`{} (the topologies are {})",
                suggest::did_you_mean(name, names.clone()),
                suggest::list(names)
            ),
        );
    }
    found
}

/// Reads `ramp = { days, start }`.
fn read_ramp(ctx: &mut Ctx<'_>, v: &toml::Value, path: TomlPath) -> Option<Ramp> {
    let t = ctx.table(v, path, RAMP_KEYS)?;
    let days = ctx.num_field(&t, "days", None, Bound::Pos);
    let start = ctx.num_field(&t, "start", None, Bound::UnitOpenBelow);
    Some(Ramp {
        days: days?,
        start: start?,
    })
}
