//! The non-simulated part of the fit (docs/model.md, "What the fit
//! assumes"): streams and their arrivals, item types and their task graphs
//! (the 95% precedence rule), efforts from active time, teams, headcounts
//! and the streams they own, as a scenario with an `as-is` topology and the
//! generated `matrix` and `single-threaded` ones for the same people.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::dist::{self, Fit};
use super::log::{EventLog, LogKind, Role};
use super::{num, num3, quoted};

/// Share of a type's items in which B must start after A ends for B to
/// come after A in the fitted graph.
pub const PRECEDENCE_SHARE: f64 = 0.95;

/// Share of a type's items a task must appear in to be one of its tasks.
pub const TASK_PRESENCE: f64 = 0.5;

/// Share a team needs both of a stream's task executions and of its own
/// executions being of that stream to be taken as the stream's owner.
pub const OWNER_SHARE: f64 = 0.5;

/// A fitted stream.
#[derive(Debug, Clone)]
pub struct StreamFit {
    /// Its name.
    pub name: String,
    /// Its items.
    pub items: usize,
    /// Their interarrival times.
    pub interarrival: Fit,
    /// Items per type (type index into [`FittedModel::types`]).
    pub mix: Vec<(usize, usize)>,
    /// The team owning it, if one does.
    pub owner: Option<usize>,
}

/// A fitted task of an item type.
#[derive(Debug, Clone)]
pub struct TaskFit {
    /// Its name.
    pub name: String,
    /// The skill it needs (the one most of its executions had).
    pub skill: usize,
    /// The tasks it comes after (indices into the type's tasks).
    pub after: Vec<usize>,
    /// The share of items of the type holding each edge of `after`.
    pub after_share: Vec<f64>,
    /// Its effort (active time, or elapsed time without start times).
    pub effort: Fit,
    /// The share of the type's items it appears in.
    pub presence: f64,
}

/// A fitted item type.
#[derive(Debug, Clone)]
pub struct TypeFit {
    /// Its name.
    pub name: String,
    /// Its items.
    pub items: usize,
    /// Its tasks, in order of their mean start.
    pub tasks: Vec<TaskFit>,
    /// Share of its items (with every task) that follow the whole graph.
    pub follows: f64,
    /// Tasks seen in too few of its items to be one of its tasks.
    pub dropped: Vec<(String, f64)>,
}

/// A fitted team.
#[derive(Debug, Clone)]
pub struct TeamFit {
    /// Its name.
    pub name: String,
    /// People per skill (index into [`FittedModel::skills`]).
    pub people: Vec<u32>,
    /// Streams it owns.
    pub owns: Vec<usize>,
}

/// Everything the non-simulated fit found.
#[derive(Debug, Clone)]
pub struct FittedModel {
    /// Full or reduced.
    pub kind: LogKind,
    /// Skill names.
    pub skills: Vec<String>,
    /// The streams.
    pub streams: Vec<StreamFit>,
    /// The item types.
    pub types: Vec<TypeFit>,
    /// The teams.
    pub teams: Vec<TeamFit>,
    /// Architecture coupling: the share of tasks done by another stream's
    /// team although their own stream's owner has the skill.
    pub coupling: Option<(f64, usize)>,
    /// Days from the first arrival to the last end.
    pub span: f64,
    /// How the headcount was counted.
    pub headcount_from: &'static str,
    /// What the log cannot tell, and anything left out.
    pub notes: Vec<String>,
    /// The lead times of the log's items (days).
    pub lead_times: Vec<f64>,
    /// Per stream, the lead times of its items.
    pub stream_lead_times: Vec<Vec<f64>>,
    /// Per stream, the most of its items open at once.
    pub open_at_once: Vec<u32>,
    /// The coordination parameters, once fitted by simulation.
    pub coordination: Option<super::coordination::CoordinationFit>,
}

/// Fits what can be fitted without simulating.
// Streams, teams and skills are numbered alike in several tables at once.
#[allow(clippy::needless_range_loop)]
pub fn fit_structure(log: &EventLog) -> FittedModel {
    let mut notes = Vec::new();
    for (reason, n) in &log.skipped {
        notes.push(format!("{n} row(s) skipped (--lenient): {reason}"));
    }
    let lead_times: Vec<f64> = log
        .item_data
        .iter()
        .map(|i| i.done(log) - i.created)
        .collect();
    let first = log
        .item_data
        .iter()
        .map(|i| i.created)
        .fold(f64::INFINITY, f64::min);
    let last = log
        .rows
        .iter()
        .map(|r| r.end)
        .fold(f64::NEG_INFINITY, f64::max);
    let span = (last - first).max(1.0);
    let has_start = log.has.contains_key(&Role::Start);
    if log.kind == LogKind::Tasks && !has_start {
        notes.push("the log has no start times: efforts are elapsed times (from when the task could start to its end) and include waiting, which cannot be told apart from work".into());
    }
    let types = if log.kind == LogKind::Tasks {
        fit_types(log, has_start, &mut notes)
    } else {
        Vec::new()
    };
    // Teams and skills.
    let (teams, skills, headcount_from, owners, coupling) = if log.kind == LogKind::Tasks {
        fit_teams(log, &mut notes)
    } else {
        (
            Vec::new(),
            Vec::new(),
            "",
            vec![None; log.streams.len()],
            None,
        )
    };
    let mut streams = Vec::new();
    for s in 0..log.streams.len() {
        let mut created: Vec<f64> = log
            .item_data
            .iter()
            .filter(|i| i.stream as usize == s)
            .map(|i| i.created)
            .collect();
        created.sort_by(f64::total_cmp);
        let gaps: Vec<f64> = created.windows(2).map(|w| w[1] - w[0]).collect();
        let interarrival = if gaps.is_empty() {
            dist::fit(&[span])
        } else {
            dist::fit(&gaps)
        };
        let mut mix: BTreeMap<usize, usize> = BTreeMap::new();
        for i in log.item_data.iter().filter(|i| i.stream as usize == s) {
            if let Some(t) = types
                .iter()
                .position(|t| t.name == log.types.name(i.item_type))
            {
                *mix.entry(t).or_default() += 1;
            }
        }
        streams.push(StreamFit {
            name: log.streams.name(s as u32).to_string(),
            items: created.len(),
            interarrival,
            mix: mix.into_iter().collect(),
            owner: owners[s],
        });
    }
    if log.kind == LogKind::Items {
        notes.push("a log of one row per item (a tracker export): tasks, teams, people, efforts and the coordination delays cannot be seen; they are unknown, and the scenario takes the whole lead time as one task's work, done by as many workers per stream as items were ever open at once in it (no queue)".into());
    }
    let mut stream_lead_times = vec![Vec::new(); log.streams.len()];
    let mut spans: Vec<Vec<(f64, i32)>> = vec![Vec::new(); log.streams.len()];
    for (i, lt) in log.item_data.iter().zip(&lead_times) {
        stream_lead_times[i.stream as usize].push(*lt);
        spans[i.stream as usize].push((i.created, 1));
        spans[i.stream as usize].push((i.created + lt, -1));
    }
    let open_at_once = spans
        .iter_mut()
        .map(|e| {
            e.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let (mut now, mut max) = (0i32, 1i32);
            for &(_, d) in e.iter() {
                now += d;
                max = max.max(now);
            }
            max as u32
        })
        .collect();
    FittedModel {
        coordination: None,
        stream_lead_times,
        open_at_once,
        kind: log.kind,
        skills,
        streams,
        types,
        teams,
        coupling,
        span,
        headcount_from,
        notes,
        lead_times,
    }
}

/// Item types, their tasks, graphs and efforts.
fn fit_types(log: &EventLog, has_start: bool, notes: &mut Vec<String>) -> Vec<TypeFit> {
    let mut out = Vec::new();
    let mut repeated = 0usize;
    for ty in 0..log.types.len() as u32 {
        let items: Vec<&super::log::Item> =
            log.item_data.iter().filter(|i| i.item_type == ty).collect();
        if items.is_empty() {
            continue;
        }
        // Per item: task → (first start, end), its first execution only.
        let per_item: Vec<BTreeMap<u32, (f64, f64, usize)>> = items
            .iter()
            .map(|it| {
                let mut m = BTreeMap::new();
                for &r in &it.rows {
                    let row = &log.rows[r];
                    let start = row.start.unwrap_or(row.end);
                    match m.entry(row.task) {
                        std::collections::btree_map::Entry::Occupied(_) => repeated += 1,
                        std::collections::btree_map::Entry::Vacant(v) => {
                            v.insert((start, row.end, r));
                        }
                    }
                }
                m
            })
            .collect();
        let mut count: BTreeMap<u32, usize> = BTreeMap::new();
        let mut offset: BTreeMap<u32, f64> = BTreeMap::new();
        for (it, m) in items.iter().zip(&per_item) {
            for (&t, &(s, _, _)) in m {
                *count.entry(t).or_default() += 1;
                *offset.entry(t).or_default() += s - it.created;
            }
        }
        let n = items.len();
        let mut dropped = Vec::new();
        let mut tasks: Vec<u32> = Vec::new();
        for (&t, &c) in &count {
            let share = c as f64 / n as f64;
            if share >= TASK_PRESENCE {
                tasks.push(t);
            } else {
                dropped.push((log.tasks.name(t).to_string(), share));
            }
        }
        tasks.sort_by(|a, b| {
            (offset[a] / count[a] as f64)
                .total_cmp(&(offset[b] / count[b] as f64))
                .then(a.cmp(b))
        });
        let k = tasks.len();
        // share[a][b]: among items with both, the share where b starts after a ends.
        let mut edge = vec![vec![false; k]; k];
        let mut share = vec![vec![0.0; k]; k];
        for a in 0..k {
            for b in a + 1..k {
                let (mut both, mut after) = (0usize, 0usize);
                for m in &per_item {
                    if let (Some(x), Some(y)) = (m.get(&tasks[a]), m.get(&tasks[b])) {
                        both += 1;
                        let ok = if has_start { y.0 >= x.1 } else { y.1 >= x.1 };
                        after += usize::from(ok);
                    }
                }
                if both > 0 {
                    share[a][b] = after as f64 / both as f64;
                    edge[a][b] = share[a][b] >= PRECEDENCE_SHARE;
                }
            }
        }
        // Transitive reduction: a → c goes when a → b → c.
        let mut reach = edge.clone();
        for m in 0..k {
            for a in 0..k {
                for c in 0..k {
                    if reach[a][m] && reach[m][c] {
                        reach[a][c] = true;
                    }
                }
            }
        }
        let mut reduced = edge.clone();
        for a in 0..k {
            for c in 0..k {
                if edge[a][c] && (0..k).any(|b| reach[a][b] && reach[b][c]) {
                    reduced[a][c] = false;
                }
            }
        }
        // Items following the whole graph (all its precedences, transitive included).
        let complete: Vec<&BTreeMap<u32, (f64, f64, usize)>> = per_item
            .iter()
            .filter(|m| tasks.iter().all(|t| m.contains_key(t)))
            .collect();
        let follows = if complete.is_empty() {
            f64::NAN
        } else {
            complete
                .iter()
                .filter(|m| {
                    (0..k).all(|a| {
                        (0..k).all(|b| {
                            !reach[a][b] || {
                                let (x, y) = (m[&tasks[a]], m[&tasks[b]]);
                                if has_start { y.0 >= x.1 } else { y.1 >= x.1 }
                            }
                        })
                    })
                })
                .count() as f64
                / complete.len() as f64
        };
        let mut fitted = Vec::new();
        for (ti, &t) in tasks.iter().enumerate() {
            let mut skills: BTreeMap<u32, usize> = BTreeMap::new();
            let mut efforts = Vec::new();
            for (it, m) in items.iter().zip(&per_item) {
                let Some(&(s, e, r)) = m.get(&t) else {
                    continue;
                };
                *skills.entry(log.rows[r].skill).or_default() += 1;
                if has_start {
                    efforts.push(e - s);
                } else {
                    // From when its predecessors were done (or the item arrived).
                    let ready = (0..ti)
                        .filter(|&a| reduced[a][ti])
                        .filter_map(|a| m.get(&tasks[a]).map(|x| x.1))
                        .fold(it.created, f64::max);
                    efforts.push((e - ready).max(0.0));
                }
            }
            let skill = skills
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map_or(0, |(&s, _)| s as usize);
            let after: Vec<usize> = (0..ti).filter(|&a| reduced[a][ti]).collect();
            let after_share = after.iter().map(|&a| share[a][ti]).collect();
            fitted.push(TaskFit {
                name: log.tasks.name(t).to_string(),
                skill,
                after,
                after_share,
                effort: dist::fit(&efforts),
                presence: count[&t] as f64 / n as f64,
            });
        }
        out.push(TypeFit {
            name: log.types.name(ty).to_string(),
            items: n,
            tasks: fitted,
            follows,
            dropped,
        });
    }
    if repeated > 0 {
        notes.push(format!("{repeated} repeated execution(s) of a task within an item (rework?) are left out of the graphs and efforts: only each task's first execution is fitted"));
    }
    out
}

type Teams = (
    Vec<TeamFit>,
    Vec<String>,
    &'static str,
    Vec<Option<usize>>,
    Option<(f64, usize)>,
);

/// Teams, their people per skill, the streams they own, and the coupling.
// Teams, skills and streams are numbered alike in several tables at once.
#[allow(clippy::needless_range_loop)]
fn fit_teams(log: &EventLog, notes: &mut Vec<String>) -> Teams {
    let skills: Vec<String> = log.skills.names.clone();
    let (nt, ns) = (log.teams.len(), skills.len());
    let has_person = log.has.contains_key(&Role::Person);
    let mut people = vec![vec![0u32; ns]; nt];
    let headcount_from;
    if has_person {
        headcount_from = "distinct people active in the log";
        let mut seen: Vec<Vec<std::collections::BTreeSet<u32>>> =
            vec![vec![Default::default(); ns]; nt];
        let mut teams_of: BTreeMap<u32, std::collections::BTreeSet<(u32, u32)>> = BTreeMap::new();
        for r in &log.rows {
            if let Some(p) = r.person {
                seen[r.team as usize][r.skill as usize].insert(p);
                teams_of.entry(p).or_default().insert((r.team, r.skill));
            }
        }
        for t in 0..nt {
            for s in 0..ns {
                people[t][s] = seen[t][s].len() as u32;
            }
        }
        let shared = teams_of.values().filter(|v| v.len() > 1).count();
        if shared > 0 {
            notes.push(format!("{shared} person(s) worked in more than one team or skill: each is counted in every one (the model has one skill and one team per person)"));
        }
    } else {
        headcount_from = "the most tasks in progress at once (the log names no people)";
        let mut events: Vec<Vec<Vec<(f64, i32)>>> = vec![vec![Vec::new(); ns]; nt];
        for r in &log.rows {
            if let Some(s) = r.start {
                events[r.team as usize][r.skill as usize].push((s, 1));
                events[r.team as usize][r.skill as usize].push((r.end, -1));
            }
        }
        for t in 0..nt {
            for s in 0..ns {
                let e = &mut events[t][s];
                // Ends before starts at the same time: a person moving on.
                e.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let (mut now, mut max) = (0i32, 0i32);
                for &(_, d) in e.iter() {
                    now += d;
                    max = max.max(now);
                }
                people[t][s] = max as u32;
            }
        }
        if !log.has.contains_key(&Role::Start) {
            notes.push("the log has neither people nor start times: headcounts cannot be told, and every team gets one person per skill it used".into());
            for t in 0..nt {
                for s in 0..ns {
                    people[t][s] = u32::from(
                        log.rows
                            .iter()
                            .any(|r| r.team as usize == t && r.skill as usize == s),
                    );
                }
            }
        }
    }
    // Ownership: team t owns stream k when it does most of k's executions and
    // most of its own executions are of k.
    let nk = log.streams.len();
    let mut work = vec![vec![0usize; nk]; nt];
    for r in &log.rows {
        let k = log.item_data_of(r.item).stream as usize;
        work[r.team as usize][k] += 1;
    }
    let mut owners = vec![None; nk];
    for k in 0..nk {
        let of_k: usize = (0..nt).map(|t| work[t][k]).sum();
        for t in 0..nt {
            let of_t: usize = work[t].iter().sum();
            if of_k > 0
                && of_t > 0
                && work[t][k] as f64 / of_k as f64 >= OWNER_SHARE
                && work[t][k] as f64 / of_t as f64 >= OWNER_SHARE
            {
                owners[k] = Some(t);
            }
        }
    }
    let teams = (0..nt)
        .map(|t| TeamFit {
            name: log.teams.name(t as u32).to_string(),
            people: people[t].clone(),
            owns: (0..nk).filter(|&k| owners[k] == Some(t)).collect(),
        })
        .collect::<Vec<_>>();
    // Coupling: executions of a stream with an owner having the skill, done
    // by a team that owns another stream.
    let (mut eligible, mut moved) = (0usize, 0usize);
    for r in &log.rows {
        let k = log.item_data_of(r.item).stream as usize;
        let Some(o) = owners[k] else { continue };
        if people[o][r.skill as usize] == 0 {
            continue;
        }
        eligible += 1;
        let t = r.team as usize;
        if t != o && owners.contains(&Some(t)) {
            moved += 1;
        }
    }
    let coupling = (eligible > 0).then(|| (moved as f64 / eligible as f64, eligible));
    (teams, skills, headcount_from, owners, coupling)
}

impl EventLog {
    /// The item of number `item`.
    pub fn item_data_of(&self, item: u32) -> &super::log::Item {
        &self.item_data[item as usize]
    }
}

impl FittedModel {
    /// The scenario file: runnable as it is, each value commented with what
    /// it was fitted from. `name` names the scenario; `replications` and
    /// `seed` are its simulation settings.
    pub fn scenario_toml(&self, name: &str, source: &str, replications: u32, seed: u64) -> String {
        let mut s = String::new();
        let w = &mut s;
        let _ = writeln!(w, "# {name} — fitted by `orgsim fit` from {source}.");
        let _ = writeln!(w, "#");
        let _ = writeln!(
            w,
            "# Every value below says what it was fitted from: n (how many"
        );
        let _ = writeln!(
            w,
            "# observations), the method and the fit quality. Coordination delays"
        );
        if self.coordination.is_some() {
            let _ = writeln!(
                w,
                "# (handoff, intake cadence, leader decision, escalation) are fitted by"
            );
            let _ = writeln!(
                w,
                "# simulation, [coordination] says how; fidelity.csv shows how close"
            );
            let _ = writeln!(w, "# the fitted model's history is to the log's.");
        } else {
            let _ = writeln!(
                w,
                "# (handoff, intake cadence, leader decision, escalation) are NOT fitted:"
            );
            let _ = writeln!(
                w,
                "# they are 0 here, so the simulated waits are the capacity queue alone;"
            );
            let _ = writeln!(
                w,
                "# fidelity.csv shows how much of the log's waiting that leaves out."
            );
        }
        for n in &self.notes {
            let _ = writeln!(w, "# Note: {n}");
        }
        let _ = writeln!(w, "name = {}", quoted(name));
        let _ = writeln!(
            w,
            "description = {}",
            quoted(&format!("The organization as it is, fitted from {source}."))
        );
        let _ = writeln!(w);
        let _ = writeln!(w, "[simulation]");
        let _ = writeln!(
            w,
            "# From empty, over the log's span ({} working days).",
            num3(self.span)
        );
        let _ = writeln!(w, "warmup = 0");
        let _ = writeln!(w, "horizon = {}", num(self.span));
        let _ = writeln!(w, "replications = {replications}");
        let _ = writeln!(w, "seed = {seed}");
        for st in &self.streams {
            let _ = writeln!(w);
            let _ = writeln!(w, "[[workload.streams]]");
            let _ = writeln!(w, "name = {}", quoted(&st.name));
            let _ = writeln!(
                w,
                "# Interarrival times of its {} items: {}",
                st.items,
                st.interarrival.comment()
            );
            let _ = writeln!(w, "interarrival = {}", st.interarrival.toml());
            match self.kind {
                LogKind::Tasks => {
                    let entries: Vec<String> = st
                        .mix
                        .iter()
                        .map(|&(t, c)| {
                            format!("{{ type = {}, weight = {c} }}", quoted(&self.types[t].name))
                        })
                        .collect();
                    let _ = writeln!(w, "# Item types: items of each type in the log.");
                    let _ = writeln!(w, "items = [ {} ]", entries.join(", "));
                }
                LogKind::Items => {
                    let _ = writeln!(w, "item = {}", quoted(&format!("{}-item", st.name)));
                }
            }
        }
        match self.kind {
            LogKind::Tasks => self.write_types(w),
            LogKind::Items => self.write_reduced(w),
        }
        s
    }

    fn write_types(&self, w: &mut String) {
        for ty in &self.types {
            let _ = writeln!(w);
            let follows = if ty.follows.is_finite() {
                format!("{:.1}%", 100.0 * ty.follows)
            } else {
                "none".to_string()
            };
            let _ = writeln!(
                w,
                "# {} items. B comes after A when B starts after A ends in at least {:.0}% of the items; {follows} of the items with every task follow the whole graph.",
                ty.items,
                100.0 * PRECEDENCE_SHARE
            );
            for (d, share) in &ty.dropped {
                let _ = writeln!(
                    w,
                    "# Left out: task {d:?}, in only {:.1}% of the items (a task must be in {:.0}%).",
                    100.0 * share,
                    100.0 * TASK_PRESENCE
                );
            }
            let _ = writeln!(w, "[workload.items.{}]", quoted(&ty.name));
            let _ = writeln!(w, "tasks = [");
            for t in &ty.tasks {
                let after: Vec<String> =
                    t.after.iter().map(|&a| quoted(&ty.tasks[a].name)).collect();
                let shares: Vec<String> = t
                    .after
                    .iter()
                    .zip(&t.after_share)
                    .map(|(&a, s)| format!("after {} in {:.1}%", ty.tasks[a].name, 100.0 * s))
                    .collect();
                let _ = writeln!(
                    w,
                    "  # {}: in {:.1}% of the items{}; effort {}",
                    t.name,
                    100.0 * t.presence,
                    if shares.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", shares.join(", "))
                    },
                    t.effort.comment()
                );
                let after = if after.is_empty() {
                    String::new()
                } else {
                    format!(", after = [{}]", after.join(", "))
                };
                let _ = writeln!(
                    w,
                    "  {{ name = {}, skill = {}, effort = {}{after} }},",
                    quoted(&t.name),
                    quoted(&self.skills[t.skill]),
                    t.effort.toml()
                );
            }
            let _ = writeln!(w, "]");
        }
        let _ = writeln!(w);
        if let Some((c, n)) = self.coupling {
            let _ = writeln!(w, "[architecture]");
            let _ = writeln!(
                w,
                "# Share of {n} task executions done by another stream's team although their own stream's team has the skill."
            );
            let _ = writeln!(w, "coupling = {}", num(c));
            let _ = writeln!(w);
        }
        let totals: Vec<u32> = (0..self.skills.len())
            .map(|s| self.teams.iter().map(|t| t.people[s]).sum())
            .collect();
        let _ = writeln!(w, "[organization]");
        let _ = writeln!(
            w,
            "# Headcount per skill: {}, summed over the teams.",
            self.headcount_from
        );
        let _ = writeln!(w, "people = {}", people_table(&self.skills, &totals));
        let _ = writeln!(w);
        let _ = writeln!(w, "[coordination]");
        match &self.coordination {
            None => {
                let _ = writeln!(
                    w,
                    "# Not fitted (the log has no start times, or the fit was not asked for): every delay 0."
                );
                let _ = writeln!(w, "handoff = 0");
                let _ = writeln!(w, "internal_handoff = 0");
                let _ = writeln!(w, "intake_cadence = 0");
                let _ = writeln!(w, "decision = 0");
                let _ = writeln!(w, "escalation = {{ probability = 0 }}");
            }
            Some(c) => {
                let _ = writeln!(
                    w,
                    "# Fitted by simulation: Nelder-Mead from {} starts, {} simulations of {} replications on common random numbers, minimizing the distance of docs/model.md (lead times and waits before tasks): {} at the fit, {} with no coordination delay.",
                    c.starts,
                    c.evaluations,
                    c.replications,
                    num3(c.distance),
                    num3(c.distance_without)
                );
                let se = |k: usize| match c.bootstrap {
                    Some((sd, n)) => format!(
                        " (bootstrap sd {} over {n} refits of {})",
                        num3(sd[k]),
                        c.bootstrap_kind.what()
                    ),
                    None => String::new(),
                };
                let exp = |x: f64| {
                    if x <= 1e-6 {
                        "0".to_string()
                    } else {
                        format!("{{ dist = \"exponential\", mean = {} }}", num(x))
                    }
                };
                let _ = writeln!(
                    w,
                    "# Cross-team handoff, mean {} days{}.",
                    num3(c.handoff),
                    se(0)
                );
                let _ = writeln!(w, "handoff = {}", exp(c.handoff));
                let _ = writeln!(
                    w,
                    "# Handoff within a team, mean {} days{}.",
                    num3(c.internal_handoff),
                    se(1)
                );
                let _ = writeln!(w, "internal_handoff = {}", exp(c.internal_handoff));
                let _ = writeln!(
                    w,
                    "# Planning boundary every {} days{}.",
                    num3(c.cadence),
                    se(2)
                );
                let _ = writeln!(
                    w,
                    "intake_cadence = {}",
                    if c.cadence <= 1e-6 {
                        "0".to_string()
                    } else {
                        num(c.cadence)
                    }
                );
                let _ = writeln!(
                    w,
                    "# Leader decision, mean {} days{}.",
                    num3(c.decision),
                    se(3)
                );
                let _ = writeln!(w, "decision = {}", exp(c.decision));
                let _ = writeln!(
                    w,
                    "# Escalation to the executive: probability {}{}, executive decision mean {} days{} (their product, {} days per request, is what the waits pin down best: the two apart are weakly identified, the distance changing along a constant product by less than the simulation noise, docs/model.md).",
                    num3(c.escalation_probability),
                    se(4),
                    num3(c.escalation_decision),
                    se(5),
                    num3(c.escalation_delay())
                );
                if c.escalation_probability <= 1e-6 {
                    let _ = writeln!(w, "escalation = {{ probability = 0 }}");
                } else {
                    let _ = writeln!(
                        w,
                        "escalation = {{ probability = {}, decision = {} }}",
                        num(c.escalation_probability),
                        exp(c.escalation_decision)
                    );
                }
            }
        }
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "# The teams of the log: people per skill ({}); a team owns a stream when it did at least {:.0}% of the stream's tasks and at least {:.0}% of its own tasks were the stream's.",
            self.headcount_from,
            100.0 * OWNER_SHARE,
            100.0 * OWNER_SHARE
        );
        let _ = writeln!(w, "[[topologies]]");
        let _ = writeln!(w, "name = \"as-is\"");
        let _ = writeln!(w, "kind = \"custom\"");
        let _ = writeln!(w, "teams = [");
        for t in &self.teams {
            let owns: Vec<String> = t
                .owns
                .iter()
                .map(|&k| quoted(&self.streams[k].name))
                .collect();
            let _ = writeln!(
                w,
                "  {{ name = {}, people = {}, owns = [{}] }},",
                quoted(&t.name),
                people_table(&self.skills, &t.people),
                owns.join(", ")
            );
        }
        let _ = writeln!(w, "]");
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "# The same people as functional departments, then as one team per stream."
        );
        let _ = writeln!(w, "[[topologies]]");
        let _ = writeln!(w, "name = \"matrix\"");
        let _ = writeln!(w, "kind = \"matrix\"");
        let _ = writeln!(w);
        let _ = writeln!(w, "[[topologies]]");
        let _ = writeln!(w, "name = \"single-threaded\"");
        let _ = writeln!(w, "kind = \"single-threaded\"");
    }

    fn write_reduced(&self, w: &mut String) {
        let skill = "work";
        let mut teams = Vec::new();
        for (k, st) in self.streams.iter().enumerate() {
            let lt = &self.stream_lead_times[k];
            let fit = dist::fit(lt);
            let _ = writeln!(w);
            let _ = writeln!(
                w,
                "# Lead times of the {} items of {}: {}",
                lt.len(),
                st.name,
                fit.comment()
            );
            let _ = writeln!(
                w,
                "[workload.items.{}]",
                quoted(&format!("{}-item", st.name))
            );
            let _ = writeln!(
                w,
                "tasks = [ {{ name = \"work\", skill = \"{skill}\", effort = {} }} ]",
                fit.toml()
            );
            teams.push(st);
        }
        let _ = writeln!(w);
        let per_stream: Vec<u32> = self.open_at_once.clone();
        let total: u32 = per_stream.iter().sum();
        let _ = writeln!(w, "[organization]");
        let _ = writeln!(
            w,
            "# Not people (unknown): as many workers as items were ever open at once, per stream, so that no item queues."
        );
        let _ = writeln!(w, "people = {{ {skill} = {total} }}");
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "# One team per stream. No matrix or single-threaded topology: the log says nothing of skills or people."
        );
        let _ = writeln!(w, "[[topologies]]");
        let _ = writeln!(w, "name = \"as-is\"");
        let _ = writeln!(w, "kind = \"custom\"");
        let _ = writeln!(w, "teams = [");
        for (st, n) in teams.iter().zip(&per_stream) {
            let _ = writeln!(
                w,
                "  {{ name = {}, people = {{ {skill} = {n} }}, owns = [{}] }},",
                quoted(&st.name),
                quoted(&st.name)
            );
        }
        let _ = writeln!(w, "]");
    }
}

/// `{ "a" = 1, "b" = 2 }` of the skills with people.
fn people_table(skills: &[String], counts: &[u32]) -> String {
    let entries: Vec<String> = skills
        .iter()
        .zip(counts)
        .filter(|(_, c)| **c > 0)
        .map(|(s, c)| format!("{} = {c}", quoted(s)))
        .collect();
    format!("{{ {} }}", entries.join(", "))
}
