//! `[economics]` (docs/model.md, "Cost of delay and people cost"): the rates
//! the cost metrics are read with, each stream and skill named as in the
//! rest of the file.

use super::build::Org;
use super::path::TomlPath;
use super::reader::{Bound, Ctx, Tbl};
use super::suggest;
use crate::model::spec::{DEFAULT_DAYS_PER_YEAR, Economics, TopologySpec};

/// The keys allowed in `[economics]`.
pub(crate) const ECONOMICS_KEYS: &[&str] = &[
    "delay_cost",
    "person_cost",
    "leader_cost",
    "reviewer_cost",
    "days_per_year",
];

/// Reads `[economics]`: `Some(None)` when the scenario has none, `None`
/// when it is there but wrong (the problems are reported).
pub(crate) fn read(
    ctx: &mut Ctx<'_>,
    root: &Tbl<'_>,
    org: &Org,
    stream_names: &[Option<String>],
) -> Option<Option<Economics>> {
    let Some(v) = root.get("economics") else {
        return Some(None);
    };
    let t = ctx.table(v, root.at("economics"), ECONOMICS_KEYS)?;
    let streams: Option<Vec<String>> = stream_names.iter().cloned().collect();
    let delay_cost = rates(ctx, &t, "delay_cost", &Names::streams(streams.as_deref()));
    let person_cost = rates(
        ctx,
        &t,
        "person_cost",
        &Names::skills(org.skills.as_deref()),
    );
    let has_people = t.has("person_cost");
    if !t.has("delay_cost") && !has_people {
        ctx.report(
            &t.path,
            "gives no rate: add `delay_cost` (per stream, per item per day of lead time), `person_cost` (per skill, per person per day), or both",
        );
    }
    for key in ["leader_cost", "reviewer_cost"] {
        if t.has(key) && !has_people {
            ctx.report(
                &t.at(key),
                format!(
                    "counts in the people cost, which needs `person_cost` (per skill, per person per day): add it or remove `{key}`"
                ),
            );
        }
    }
    let leader_cost = if has_people {
        ctx.num_field(&t, "leader_cost", None, Bound::NonNeg)
    } else {
        Some(0.0)
    };
    let reviewer_cost = ctx.num_field(&t, "reviewer_cost", Some(0.0), Bound::NonNeg);
    let days_per_year = ctx.num_field(&t, "days_per_year", Some(DEFAULT_DAYS_PER_YEAR), Bound::Pos);
    Some(Some(Economics {
        delay_cost: delay_cost?,
        person_cost: person_cost?,
        leader_cost: leader_cost?,
        reviewer_cost: reviewer_cost?,
        days_per_year: days_per_year?,
    }))
}

/// The names a rate table must cover, and how messages name them.
struct Names<'a> {
    /// The names in id order; `None` when they could not be read (the
    /// problem is reported elsewhere; name checks are skipped).
    names: Option<Vec<&'a str>>,
    /// "stream" or "skill".
    what: &'static str,
    /// Where the file lists them.
    listed: &'static str,
    /// What a rate of 0 means.
    zero: &'static str,
}

impl<'a> Names<'a> {
    fn streams(names: Option<&'a [String]>) -> Self {
        Names {
            names: names.map(|n| n.iter().map(String::as_str).collect()),
            what: "stream",
            listed: "[[workload.streams]]",
            zero: "0 if its delay costs nothing",
        }
    }

    fn skills(names: Option<&'a [String]>) -> Self {
        Names {
            names: names.map(|n| n.iter().map(String::as_str).collect()),
            what: "skill",
            listed: "[organization] people",
            zero: "0 if its people are paid elsewhere",
        }
    }
}

/// The rate table at `key` of `t`, one number >= 0 per name of `names`,
/// in their order: `Some(None)` when absent, `None` when wrong.
fn rates(ctx: &mut Ctx<'_>, t: &Tbl<'_>, key: &str, names: &Names<'_>) -> Option<Option<Vec<f64>>> {
    let Some(v) = t.get(key) else {
        return Some(None);
    };
    let table = ctx.any_table(v, t.at(key))?;
    let before = ctx.count();
    let mut values = Vec::new();
    for (name, v) in table.table {
        let path = table.at(name);
        let rate = ctx.number(v, &path, Bound::NonNeg);
        if let Some(known) = &names.names
            && !known.contains(&name.as_str())
        {
            ctx.report(
                &path,
                format!(
                    "unknown {} `{name}`{} ({} has: {})",
                    names.what,
                    suggest::did_you_mean(name, known.iter().copied()),
                    names.listed,
                    suggest::list(known.iter().copied())
                ),
            );
            continue;
        }
        values.push((name.as_str(), rate));
    }
    let known = names.names.as_ref()?;
    let missing: Vec<&str> = known
        .iter()
        .copied()
        .filter(|n| !table.table.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        ctx.report(
            &table.path,
            format!(
                "has no rate for {} {}: give every {} a rate ({})",
                if missing.len() == 1 {
                    names.what.to_owned()
                } else {
                    format!("{}s", names.what)
                },
                suggest::list(missing.iter().copied()),
                names.what,
                names.zero
            ),
        );
    }
    if ctx.count() > before {
        return None;
    }
    let by_name = |n: &str| {
        values
            .iter()
            .find(|(name, _)| *name == n)
            .and_then(|(_, r)| *r)
    };
    known
        .iter()
        .map(|n| by_name(n))
        .collect::<Option<Vec<f64>>>()
        .map(Some)
}

/// With `person_cost`, a topology with bar raisers needs `reviewer_cost`:
/// the reviewers are headcount beyond `[organization] people`, and
/// leaving them out would make that topology look cheaper than it is.
pub(crate) fn check_reviewers(
    ctx: &mut Ctx<'_>,
    root: &Tbl<'_>,
    economics: &Economics,
    topologies: &[TopologySpec],
) {
    let Some(t) = root.get("economics").and_then(|v| v.as_table()) else {
        return;
    };
    if economics.person_cost.is_none() || t.contains_key("reviewer_cost") {
        return;
    }
    if let Some(top) = topologies.iter().find(|t| t.bar_raiser.is_some()) {
        ctx.report_missing(
            &TomlPath::root().key("economics").key("reviewer_cost"),
            format!(
                "missing required key `reviewer_cost`: topology `{}` has bar raisers, who count in its people cost",
                top.name
            ),
        );
    }
}
