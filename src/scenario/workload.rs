//! `[workload]`: the streams (`[[workload.streams]]`) and the item types
//! (`[workload.items.<type>]`) with their task DAGs.

use std::collections::BTreeMap;

use toml::Value;

use super::build::Org;
use super::dist_spec;
use super::flow;
use super::path::TomlPath;
use super::reader::{Bound, Ctx, Tbl, fmt_num};
use super::suggest;
use crate::engine::Dist;
use crate::model::spec::{
    Arrivals, InitialBacklog, ItemType, MixEntry, RateProfile, StreamSpec, TaskSpec, Workload,
};

pub(crate) const WORKLOAD_KEYS: &[&str] = &["load", "streams", "items"];
const STREAM_KEYS: &[&str] = &[
    "name",
    "interarrival",
    "backlog",
    "item",
    "items",
    "weight",
    "wip_limit",
    "class",
    "rate_profile",
];
const RATE_PROFILE_KEYS: &[&str] = &["period", "multipliers"];
const BACKLOG_KEYS: &[&str] = &["wip"];
const MIX_KEYS: &[&str] = &["type", "weight"];
const ITEM_KEYS: &[&str] = &["tasks", "class"];
const TASK_KEYS: &[&str] = &["name", "skill", "effort", "after"];

/// A skill some task needs (for the topology checks).
pub(crate) struct Need {
    /// The skill (a known skill of the organization).
    pub(crate) skill: String,
    /// The item type of the task.
    pub(crate) item: String,
    /// The task.
    pub(crate) task: String,
}

/// What reading `[workload]` gives the rest of the validation.
#[derive(Default)]
pub(crate) struct WorkloadOut {
    /// The workload, when every part of it is valid.
    pub(crate) workload: Option<Workload>,
    /// The stream names by position in `workload.streams` (`None` where a
    /// stream has no valid name), to resolve `owns`.
    pub(crate) stream_names: Vec<Option<String>>,
    /// Every (valid) skill a task needs, in file order.
    pub(crate) needs: Vec<Need>,
}

/// Reads `[workload]`.
pub(crate) fn read(ctx: &mut Ctx<'_>, root: &Tbl<'_>, org: &Org) -> WorkloadOut {
    let Some(w) = ctx.req_table(root, "workload", WORKLOAD_KEYS) else {
        return WorkloadOut::default();
    };
    let load = ctx.num_field(&w, "load", Some(1.0), Bound::Pos);
    // The item type names are the keys of `workload.items`; streams refer to
    // them by position. `None` (no readable, non-empty table) skips the
    // references: that problem is reported once, below.
    let item_names: Option<Vec<&str>> = w
        .get("items")
        .and_then(Value::as_table)
        .filter(|t| !t.is_empty())
        .map(|t| t.keys().map(String::as_str).collect());
    let (streams, stream_names) = streams(ctx, &w, item_names.as_deref());
    let mut needs = Vec::new();
    let item_types = items(ctx, &w, org, &mut needs);
    let workload = (|| {
        Some(Workload {
            load: load?,
            streams: streams?,
            item_types: item_types?,
            start: InitialBacklog::default(),
        })
    })();
    WorkloadOut {
        workload,
        stream_names,
        needs,
    }
}

fn streams(
    ctx: &mut Ctx<'_>,
    w: &Tbl<'_>,
    item_names: Option<&[&str]>,
) -> (Option<Vec<StreamSpec>>, Vec<Option<String>>) {
    let path = w.at("streams");
    let Some(v) = w.get("streams") else {
        ctx.report_missing(
            &path,
            "missing required key `streams`: add at least one [[workload.streams]] table",
        );
        return (None, Vec::new());
    };
    let Some(entries) = ctx.array(v, &path, "an array of stream tables ([[workload.streams]])")
    else {
        return (None, Vec::new());
    };
    if entries.is_empty() {
        ctx.report(&path, "must hold at least one stream");
        return (None, Vec::new());
    }
    let mut names: Vec<Option<String>> = Vec::new();
    // The first stream of each name (a map, not a search: a thousand
    // streams are read in linear time).
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    let mut specs = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(st) = ctx.table(entry, path.index(i), STREAM_KEYS) else {
            names.push(None);
            specs.push(None);
            continue;
        };
        let mut name = ctx.name_field(&st, "name", true);
        if let Some(n) = name
            && let Some(&j) = first.get(n)
        {
            ctx.report(
                &st.at("name"),
                format!(
                    "duplicate stream name `{n}` (already used by {})",
                    path.index(j)
                ),
            );
            name = None;
        }
        if let Some(n) = name {
            first.insert(n.to_owned(), i);
        }
        names.push(name.map(str::to_owned));
        let arrivals = arrivals(ctx, &st);
        let mix = mix(ctx, &st, item_names);
        let weight = ctx.num_field(&st, "weight", Some(1.0), Bound::Pos);
        let wip_limit = flow::wip_limit(ctx, &st);
        let class = flow::class(ctx, &st);
        let rate_profile = rate_profile(ctx, &st);
        specs.push((|| {
            Some(StreamSpec {
                name: name?.to_owned(),
                arrivals: arrivals?,
                mix: mix?,
                weight: weight?,
                wip_limit: wip_limit?,
                class: class?,
                rate_profile: rate_profile?,
            })
        })());
    }
    (specs.into_iter().collect(), names)
}

fn arrivals(ctx: &mut Ctx<'_>, st: &Tbl<'_>) -> Option<Arrivals> {
    match (st.get("interarrival"), st.get("backlog")) {
        (Some(_), Some(_)) => {
            ctx.report(
                &st.path,
                "has both `interarrival` (an open stream) and `backlog` (a closed stream); keep one",
            );
            None
        }
        (None, None) => {
            if ctx.was_suggested(&st.at("interarrival")) || ctx.was_suggested(&st.at("backlog")) {
                return None;
            }
            ctx.report(
                &st.path,
                "needs `interarrival = <distribution>` (an open stream) or `backlog = { wip = N }` (a closed stream)",
            );
            None
        }
        (Some(v), None) => {
            let path = st.at("interarrival");
            let d = dist_spec::dist(ctx, v, &path)?;
            if d.mean() > 0.0 {
                Some(Arrivals::Open(d))
            } else {
                ctx.report(
                    &path,
                    format!(
                        "the mean interarrival time must be > 0, got {} (items would arrive infinitely fast)",
                        fmt_num(d.mean())
                    ),
                );
                None
            }
        }
        (None, Some(v)) => {
            let b = ctx.table(v, st.at("backlog"), BACKLOG_KEYS)?;
            let wip = ctx.int_field(&b, "wip", None, 1, i64::from(u32::MAX))?;
            Some(Arrivals::Closed {
                wip: u32::try_from(wip).ok()?,
            })
        }
    }
}

/// `rate_profile = { period = P, multipliers = [...] }` of an open stream
/// (docs/model.md, "Seasonal demand"): `Some(None)` when absent, `None`
/// when invalid (reported).
fn rate_profile(ctx: &mut Ctx<'_>, st: &Tbl<'_>) -> Option<Option<RateProfile>> {
    let Some(v) = st.get("rate_profile") else {
        return Some(None);
    };
    let path = st.at("rate_profile");
    let t = ctx.table(v, path.clone(), RATE_PROFILE_KEYS)?;
    if st.has("backlog") {
        ctx.report(
            &path,
            "a closed stream (`backlog`) has no arrival rate to vary: a new item arrives when one is done; use `rate_profile` with `interarrival`",
        );
        return None;
    }
    let period = ctx.num_field(&t, "period", None, Bound::Pos);
    let mpath = t.at("multipliers");
    let multipliers = match t.get("multipliers") {
        None => {
            ctx.missing(&t, "multipliers");
            None
        }
        Some(v) => ctx
            .array(v, &mpath, "an array of numbers >= 0, one per equal part of the period, e.g. [1.0, 1.5, 0.5, 1.0]")
            .and_then(|list| {
                if list.is_empty() {
                    ctx.report(&mpath, "must hold at least one multiplier (one per equal part of the period)");
                    return None;
                }
                let values: Vec<Option<f64>> = list
                    .iter()
                    .enumerate()
                    .map(|(i, x)| ctx.number(x, &mpath.index(i), Bound::NonNeg))
                    .collect();
                let values: Vec<f64> = values.into_iter().collect::<Option<_>>()?;
                if values.iter().all(|c| *c == 0.0) {
                    ctx.report(&mpath, "the multipliers are all zero: the stream would send no items at all");
                    return None;
                }
                Some(values)
            }),
    };
    match RateProfile::new(period?, multipliers?) {
        Ok(profile) => Some(Some(profile)),
        Err(e) => {
            ctx.report(&path, e.to_string());
            None
        }
    }
}

fn mix(ctx: &mut Ctx<'_>, st: &Tbl<'_>, item_names: Option<&[&str]>) -> Option<Vec<MixEntry>> {
    match (st.get("item"), st.get("items")) {
        (Some(_), Some(_)) => {
            ctx.report(
                &st.path,
                "has both `item` and `items`; keep one (`items` for a mix of types)",
            );
            None
        }
        (None, None) => {
            if ctx.was_suggested(&st.at("item")) || ctx.was_suggested(&st.at("items")) {
                return None;
            }
            ctx.report(
                &st.path,
                "needs `item = \"<type>\"` or a mix `items = [{ type = \"<type>\", weight = 1 }, ...]`",
            );
            None
        }
        (Some(v), None) => {
            let path = st.at("item");
            let name = ctx.string(v, &path)?;
            let item_type = item_type_index(ctx, name, &path, item_names)?;
            Some(vec![MixEntry {
                item_type,
                weight: 1.0,
            }])
        }
        (None, Some(v)) => {
            let path = st.at("items");
            let entries = ctx.array(
                v,
                &path,
                "an array of tables like { type = \"feature\", weight = 3 }",
            )?;
            if entries.is_empty() {
                ctx.report(&path, "must hold at least one item type");
                return None;
            }
            let mut seen: Vec<Option<usize>> = Vec::new();
            let mut mix = Vec::new();
            for (i, entry) in entries.iter().enumerate() {
                let Some(e) = ctx.table(entry, path.index(i), MIX_KEYS) else {
                    mix.push(None);
                    continue;
                };
                let mut item_type = ctx
                    .str_field(&e, "type")
                    .and_then(|name| item_type_index(ctx, name, &e.at("type"), item_names));
                if let Some(t) = item_type
                    && let Some(j) = seen.iter().position(|&s| s == Some(t))
                {
                    ctx.report(
                        &e.at("type"),
                        format!(
                            "item type `{}` is already in this mix (at {}); give it one entry",
                            item_names.and_then(|n| n.get(t)).unwrap_or(&"?"),
                            path.index(j)
                        ),
                    );
                    item_type = None;
                }
                seen.push(item_type);
                let weight = ctx.num_field(&e, "weight", Some(1.0), Bound::Pos);
                mix.push((|| {
                    Some(MixEntry {
                        item_type: item_type?,
                        weight: weight?,
                    })
                })());
            }
            mix.into_iter().collect()
        }
    }
}

/// The index of the item type `name`; reported when unknown. `None` without
/// a report when the item types themselves are unreadable.
fn item_type_index(
    ctx: &mut Ctx<'_>,
    name: &str,
    path: &TomlPath,
    item_names: Option<&[&str]>,
) -> Option<usize> {
    let names = item_names?;
    if let Some(i) = names.iter().position(|n| *n == name) {
        return Some(i);
    }
    ctx.report(
        path,
        format!(
            "unknown item type `{name}`{} (workload.items defines: {})",
            suggest::did_you_mean(name, names.iter().copied()),
            suggest::list(names.iter().copied())
        ),
    );
    None
}

fn items(
    ctx: &mut Ctx<'_>,
    w: &Tbl<'_>,
    org: &Org,
    needs: &mut Vec<Need>,
) -> Option<Vec<ItemType>> {
    let Some(v) = w.get("items") else {
        ctx.report_missing(
            &w.at("items"),
            "missing required key `items`: define at least one item type, e.g. [workload.items.feature]",
        );
        return None;
    };
    let items = ctx.any_table(v, w.at("items"))?;
    if items.table.is_empty() {
        ctx.report(
            &items.path,
            "must define at least one item type, e.g. [workload.items.feature]",
        );
        return None;
    }
    let types: Vec<Option<ItemType>> = items
        .table
        .iter()
        .map(|(name, v)| {
            let t = ctx.table(v, items.at(name), ITEM_KEYS)?;
            item_type(ctx, &t, name, org, needs)
        })
        .collect();
    types.into_iter().collect()
}

/// A task as read, before its `after` names are resolved.
struct RawTask<'v> {
    name: Option<&'v str>,
    skill: Option<&'v str>,
    effort: Option<Dist>,
    /// The `after` names with their paths; `None` if unreadable.
    after: Option<Vec<(&'v str, TomlPath)>>,
    path: TomlPath,
}

fn item_type(
    ctx: &mut Ctx<'_>,
    t: &Tbl<'_>,
    item: &str,
    org: &Org,
    needs: &mut Vec<Need>,
) -> Option<ItemType> {
    let class = flow::class(ctx, t);
    let path = t.at("tasks");
    let Some(v) = t.get("tasks") else {
        ctx.missing(t, "tasks");
        return None;
    };
    let entries = ctx.array(
        v,
        &path,
        "an array of task tables like { name = \"build\", skill = \"eng\", effort = 3 }",
    )?;
    if entries.is_empty() {
        ctx.report(&path, "must hold at least one task");
        return None;
    }
    let raw: Vec<Option<RawTask<'_>>> = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| raw_task(ctx, entry, path.index(i), item, org, needs))
        .collect();

    // Names, unique within the item type (`names` lines up with `raw`).
    let mut ok = raw.iter().all(Option::is_some);
    // `first[name]`: the first task of that name (a map, not a search, so
    // that an item type of 100,000 tasks reads in linear time).
    let mut names: Vec<Option<&str>> = Vec::with_capacity(raw.len());
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, task) in raw.iter().enumerate() {
        let name = task.as_ref().and_then(|t| t.name);
        if let Some(name) = name {
            first.entry(name).or_insert(i);
        }
        if let (Some(task), Some(name)) = (task, name)
            && let Some(&j) = first.get(name).filter(|&&j| j != i)
        {
            ctx.report(
                &task.path.key("name"),
                format!(
                    "duplicate task name `{name}` in item type `{item}` (already used by {})",
                    path.index(j)
                ),
            );
            ok = false;
        }
        names.push(name);
    }

    // `after`, resolved to indices.
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); raw.len()];
    for (i, task) in raw.iter().enumerate() {
        let Some(task) = task else { continue };
        let Some(list) = &task.after else {
            ok = false;
            continue;
        };
        for (pred, pred_path) in list {
            if task.name == Some(*pred) {
                ctx.report(pred_path, format!("task `{pred}` cannot come after itself"));
                ok = false;
            } else if let Some(&j) = first.get(pred) {
                if !after[i].contains(&j) {
                    after[i].push(j);
                }
            } else {
                let known = || names.iter().flatten().copied();
                ctx.report(
                    pred_path,
                    format!(
                        "no task named `{pred}` in item type `{item}`{} (its tasks: {})",
                        suggest::did_you_mean(pred, known()),
                        suggest::list(known())
                    ),
                );
                ok = false;
            }
        }
    }

    for cycle in find_cycles(&after) {
        let mut shown: Vec<&str> = cycle.iter().map(|&i| names[i].unwrap_or("?")).collect();
        shown.push(shown[0]);
        ctx.report(&path, format!("tasks form a cycle: {}", shown.join(" -> ")));
        ok = false;
    }

    if !ok {
        return None;
    }
    let tasks: Option<Vec<TaskSpec>> = raw
        .into_iter()
        .zip(after)
        .map(|(task, after)| {
            let task = task?;
            Some(TaskSpec {
                name: task.name?.to_owned(),
                skill: org.id(task.skill?)?,
                effort: task.effort?,
                after,
            })
        })
        .collect();
    Some(ItemType {
        name: item.to_owned(),
        tasks: tasks?,
        class: class?,
    })
}

fn raw_task<'v>(
    ctx: &mut Ctx<'_>,
    entry: &'v Value,
    path: TomlPath,
    item: &str,
    org: &Org,
    needs: &mut Vec<Need>,
) -> Option<RawTask<'v>> {
    let t = ctx.table(entry, path.clone(), TASK_KEYS)?;
    let name = ctx.name_field(&t, "name", false);
    let skill = ctx
        .str_field(&t, "skill")
        .filter(|skill| org.check_skill(ctx, skill, &t.at("skill")));
    if let Some(skill) = skill {
        needs.push(Need {
            skill: skill.to_owned(),
            item: item.to_owned(),
            task: name.unwrap_or("?").to_owned(),
        });
    }
    let effort = dist_spec::dist_field(ctx, &t, "effort", None);
    let after = match t.get("after") {
        None => Some(Vec::new()),
        Some(v) => {
            let apath = t.at("after");
            ctx.array(v, &apath, "an array of task names")
                .and_then(|list| {
                    let names: Vec<Option<(&'v str, TomlPath)>> = list
                        .iter()
                        .enumerate()
                        .map(|(k, n)| {
                            let p = apath.index(k);
                            ctx.string(n, &p).map(|s| (s, p))
                        })
                        .collect();
                    names.into_iter().collect()
                })
        }
    };
    Some(RawTask {
        name,
        skill,
        effort,
        after,
        path,
    })
}

/// The cycles of the precedence graph where `after[i]` lists the tasks that
/// must be done before task `i` (no self-loops). Each cycle is given in
/// precedence order starting from its first task in file order; cycles that
/// share a task with one already found are not reported again.
fn find_cycles(after: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = after.len();
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, preds) in after.iter().enumerate() {
        for &p in preds {
            succs[p].push(i);
        }
    }
    let mut pending: Vec<usize> = after.iter().map(Vec::len).collect();
    let mut done = vec![false; n];
    let mut ready: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
    let mut cycles = Vec::new();
    loop {
        // Kahn's algorithm: retire every task whose predecessors are retired.
        while let Some(i) = ready.pop() {
            if done[i] {
                continue;
            }
            done[i] = true;
            for &s in &succs[i] {
                if !done[s] {
                    pending[s] = pending[s].saturating_sub(1);
                    if pending[s] == 0 {
                        ready.push(s);
                    }
                }
            }
        }
        // Whatever is left waits on a cycle: every such task has a waiting
        // predecessor, so walking predecessors must come back to a task.
        let Some(start) = (0..n).find(|&i| !done[i]) else {
            break;
        };
        let mut position = vec![usize::MAX; n];
        let mut walk = Vec::new();
        let mut current = start;
        let mut closed = false;
        loop {
            if position[current] != usize::MAX {
                closed = true;
                break;
            }
            position[current] = walk.len();
            walk.push(current);
            match after[current].iter().copied().find(|&p| !done[p]) {
                Some(p) => current = p,
                None => break,
            }
        }
        if !closed {
            // Cannot happen (see above); retire the start to guarantee progress.
            pending[start] = 0;
            ready.push(start);
            continue;
        }
        let mut cycle: Vec<usize> = walk[position[current]..].to_vec();
        cycle.reverse();
        if let Some(first) = cycle
            .iter()
            .enumerate()
            .min_by_key(|&(_, &t)| t)
            .map(|(k, _)| k)
        {
            cycle.rotate_left(first);
        }
        // Retire the cycle so that what only waits on it is released.
        for &c in &cycle {
            pending[c] = 0;
            ready.push(c);
        }
        cycles.push(cycle);
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::find_cycles;

    #[test]
    fn acyclic_graphs_have_no_cycles() {
        assert!(find_cycles(&[vec![], vec![0], vec![0], vec![1, 2]]).is_empty());
        assert!(find_cycles(&[]).is_empty());
    }

    #[test]
    fn finds_a_cycle_in_precedence_order() {
        // 0 -> 1 -> 2 -> 0 (1 after 0, 2 after 1, 0 after 2), 3 after 2.
        let cycles = find_cycles(&[vec![2], vec![0], vec![1], vec![2]]);
        assert_eq!(cycles, vec![vec![0, 1, 2]]);
    }

    #[test]
    fn finds_disjoint_cycles() {
        // 0 <-> 1, and 2 -> 3 -> 2, 4 free.
        let cycles = find_cycles(&[vec![1], vec![0], vec![3], vec![2], vec![]]);
        assert_eq!(cycles, vec![vec![0, 1], vec![2, 3]]);
    }
}
