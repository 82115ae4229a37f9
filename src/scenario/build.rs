//! Turning a parsed (and overridden) document into a [`Scenario`]: the
//! top-level keys, `[simulation]`, `[organization]`, `[architecture]` and
//! `[quality]`; the workload and the topologies have their own modules.

use toml::{Table, Value};

use super::Scenario;
use super::path::TomlPath;
use super::reader::{self, Bound, Ctx, Tbl};
use super::suggest;
use super::{topologies, workload};
use crate::experiment::spec::{RunSpec, Warmup};
use crate::model::SkillId;
use crate::model::spec::{
    Architecture, Arrivals, Limits, ModelSpec, Quality, SkillCount, Workload,
};

/// The keys allowed at the top level of a scenario file.
const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "simulation",
    "workload",
    "architecture",
    "organization",
    "coordination",
    "quality",
    "topologies",
    "uncertain",
    "economics",
    "transitions",
];
const SIMULATION_KEYS: &[&str] = &[
    "warmup",
    "horizon",
    "replications",
    "seed",
    "max_wip",
    "max_events",
];
const ORGANIZATION_KEYS: &[&str] = &["people", "cross_training", "dispatch"];
const ARCHITECTURE_KEYS: &[&str] = &["coupling", "platform", "platform_skills"];
const QUALITY_KEYS: &[&str] = &[
    "defect_probability",
    "dilution",
    "rework_fraction",
    "escape_delay",
];

/// Every `table.key` of the scenario's fixed tables (`simulation.horizon`,
/// `architecture.coupling`, ...): where a key written in the wrong table
/// (or a `--set` path without its table) probably belongs.
pub(crate) fn section_paths() -> Vec<String> {
    let tables: [(&str, &[&str]); 7] = [
        ("simulation", SIMULATION_KEYS),
        ("workload", workload::WORKLOAD_KEYS),
        ("architecture", ARCHITECTURE_KEYS),
        ("organization", ORGANIZATION_KEYS),
        ("coordination", topologies::COORDINATION_KEYS),
        ("quality", QUALITY_KEYS),
        ("economics", super::economics::ECONOMICS_KEYS),
    ];
    tables
        .iter()
        .flat_map(|(table, keys)| keys.iter().map(move |k| format!("{table}.{k}")))
        .collect()
}

/// Reads the whole document, reporting every problem into `ctx`. Returns the
/// scenario only when every part could be read (the caller still checks
/// that no problem was reported).
pub(crate) fn build(ctx: &mut Ctx<'_>, doc: &Table) -> Option<Scenario> {
    let root = Tbl {
        table: doc,
        path: TomlPath::root(),
    };
    ctx.check_keys(&root, TOP_KEYS);
    let name = ctx.name_field(&root, "name", true);
    let description = match root.get("description") {
        Some(v) => ctx
            .string(v, &root.at("description"))
            .and_then(|d| {
                if d.len() > MAX_DESCRIPTION_BYTES {
                    ctx.report(
                        &root.at("description"),
                        format!(
                            "is {} bytes long, more than the {MAX_DESCRIPTION_BYTES} allowed (it is copied into every manifest and report)",
                            d.len()
                        ),
                    );
                    return None;
                }
                Some(d)
            })
            .map(str::to_owned),
        None => Some(String::new()),
    };
    let mut simulation = simulation(ctx, &root);
    let org = organization(ctx, &root);
    let cross = super::cross::read_organization(ctx, &root, &org);
    let workload = workload::read(ctx, &root, &org);
    if let (Some(sim), Some(w)) = (&mut simulation, &workload.workload)
        && sim.limits.max_wip_derived
    {
        sim.limits.max_wip =
            crate::model::capacity::default_max_wip(w, DEFAULT_MAX_WIP as u64, MAX_WIP as u64);
    }
    if let (Some(sim), Some(w)) = (&simulation, &workload.workload) {
        closed_wip_below_max_wip(ctx, sim, w);
    }
    let architecture = architecture(ctx, &root, &org);
    if let (Some((a, names)), Some(w)) = (&architecture, &workload.workload) {
        platform_has_effect(ctx, &root, a, names, &org, w);
    }
    let base_coordination = topologies::base_coordination(ctx, &root);
    let quality = quality(ctx, &root);
    let topologies = topologies::read(
        ctx,
        &root,
        &topologies::Env {
            org: &org,
            stream_names: &workload.stream_names,
            needs: &workload.needs,
            base: base_coordination.as_ref(),
            cross: cross.as_ref(),
        },
    );
    let transitions = super::transitions::read(ctx, &root, topologies.as_deref());
    let topologies = topologies.zip(transitions).map(|(mut t, tr)| {
        t.extend(tr);
        t
    });
    let economics = super::economics::read(ctx, &root, &org, &workload.stream_names);
    if let (Some(Some(e)), Some(t)) = (&economics, &topologies) {
        super::economics::check_reviewers(ctx, &root, e, t);
    }
    let model = ModelSpec {
        workload: workload.workload?,
        architecture: architecture?.0,
        people: org.people?,
        quality: quality?,
        topologies: topologies?,
        cross_training: cross?.0,
        economics: economics?,
    };
    if ctx.is_clean() {
        super::cross::check_built(ctx, &root, &model);
    }
    Some(Scenario {
        name: name?.to_owned(),
        description: description?,
        provenance: Default::default(),
        run: simulation?,
        model,
    })
}

/// The longest `description` accepted, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 10_000;

/// Refuses a closed stream whose `wip` reaches `simulation.max_wip`: every
/// replication would start saturated, and the items are allocated at time 0.
fn closed_wip_below_max_wip(ctx: &mut Ctx<'_>, run: &RunSpec, w: &Workload) {
    let streams = TomlPath::root().key("workload").key("streams");
    for (i, s) in w.streams.iter().enumerate() {
        if let Arrivals::Closed { wip } = s.arrivals
            && u64::from(wip) >= run.limits.max_wip
        {
            ctx.report(
                &streams.index(i).key("backlog").key("wip"),
                format!(
                    "{wip} items always in flight reach simulation.max_wip = {}, the items in flight at which a replication stops as saturated; lower `wip` or raise `simulation.max_wip` (at most {MAX_WIP})",
                    run.limits.max_wip
                ),
            );
        }
    }
}

/// Items in flight at which a replication is declared saturated and stopped.
const DEFAULT_MAX_WIP: i64 = Limits::DEFAULT.max_wip as i64;
/// The highest `simulation.max_wip`: each item in flight holds a few hundred
/// bytes, so a million of them is a few hundred MB per running replication.
const MAX_WIP: i64 = 1_000_000;
/// Events after which a replication is stopped (about a minute of work).
const DEFAULT_MAX_EVENTS: i64 = Limits::DEFAULT.max_events as i64;

fn simulation(ctx: &mut Ctx<'_>, root: &Tbl<'_>) -> Option<RunSpec> {
    let empty = Table::new();
    let t = match root.get("simulation") {
        Some(v) => ctx.table(v, root.at("simulation"), SIMULATION_KEYS)?,
        None => Tbl {
            table: &empty,
            path: root.at("simulation"),
        },
    };
    let warmup = match t.get("warmup") {
        Some(toml::Value::String(s)) if s == "auto" => Some(Warmup::Auto),
        Some(toml::Value::String(s)) => {
            ctx.report(
                &t.at("warmup"),
                format!("expected a number of days or \"auto\", found the string {s:?}"),
            );
            None
        }
        _ => ctx
            .num_field(&t, "warmup", Some(0.0), Bound::NonNeg)
            .map(Warmup::Fixed),
    };
    let horizon = ctx.num_field(&t, "horizon", Some(500.0), Bound::Pos);
    let replications = ctx.int_field(&t, "replications", Some(30), 1, i64::from(u32::MAX));
    let seed = ctx.int_field(&t, "seed", Some(1), 0, i64::MAX);
    let max_wip = ctx.int_field(&t, "max_wip", Some(DEFAULT_MAX_WIP), 1, MAX_WIP);
    let max_events = ctx.int_field(&t, "max_events", Some(DEFAULT_MAX_EVENTS), 1, i64::MAX);
    Some(RunSpec {
        warmup: warmup?,
        horizon: horizon?,
        replications: u32::try_from(replications?).ok()?,
        seed: u64::try_from(seed?).ok()?,
        limits: Limits {
            max_wip: u64::try_from(max_wip?).ok()?,
            max_events: u64::try_from(max_events?).ok()?,
            max_wip_derived: t.get("max_wip").is_none(),
        },
    })
}

/// `[organization] people`: the skills (for the checks of tasks and teams,
/// even when some counts are wrong) and the headcounts (when all are right).
pub(crate) struct Org {
    /// The skills listed in `people`, in file order; `None` when `people`
    /// could not be read at all (skill checks are then skipped: the problem
    /// is already reported).
    pub(crate) skills: Option<Vec<String>>,
    /// Headcount per skill, when every count is valid.
    pub(crate) people: Option<Vec<SkillCount>>,
}

impl Org {
    /// The id of `skill`, a skill of the organization already checked (with
    /// [`Org::check_skill`]); `None` when `people` is unreadable.
    pub(crate) fn id(&self, skill: &str) -> Option<SkillId> {
        let skills = self.skills.as_ref()?;
        skills.iter().position(|s| s == skill).map(SkillId::new)
    }

    /// Whether `skill` is a skill of the organization; reports at `path`
    /// when it is not. Unknown skills pass when `people` is unreadable.
    pub(crate) fn check_skill(&self, ctx: &mut Ctx<'_>, skill: &str, path: &TomlPath) -> bool {
        let Some(skills) = &self.skills else {
            return true;
        };
        if skills.iter().any(|s| s == skill) {
            return true;
        }
        let names = || skills.iter().map(String::as_str);
        ctx.report(
            path,
            format!(
                "unknown skill `{skill}`{} ([organization] people has: {})",
                suggest::did_you_mean(skill, names()),
                suggest::list(names())
            ),
        );
        false
    }
}

fn organization(ctx: &mut Ctx<'_>, root: &Tbl<'_>) -> Org {
    let none = Org {
        skills: None,
        people: None,
    };
    let Some(org) = ctx.req_table(root, "organization", ORGANIZATION_KEYS) else {
        return none;
    };
    let Some(v) = org.get("people") else {
        ctx.report_missing(
            &org.at("people"),
            "missing required key `people`: the headcount per skill, e.g. people = { eng = 5, qa = 2 }",
        );
        return none;
    };
    let Some(people) = ctx.any_table(v, org.at("people")) else {
        return none;
    };
    if people.table.is_empty() {
        ctx.report(
            &people.path,
            "must list at least one skill with its headcount, e.g. { eng = 5 }",
        );
        return none;
    }
    let skills: Vec<String> = people.table.keys().cloned().collect();
    let counts: Vec<Option<SkillCount>> = people
        .table
        .iter()
        .map(|(skill, v)| headcount(ctx, v, &people.at(skill), skill))
        .collect();
    Org {
        skills: Some(skills),
        people: counts.into_iter().collect(),
    }
}

fn headcount(ctx: &mut Ctx<'_>, v: &Value, path: &TomlPath, skill: &str) -> Option<SkillCount> {
    if let Value::Integer(n) = v
        && *n < 1
    {
        ctx.report(
            path,
            format!("must be an integer >= 1, got {n} (leave out a skill nobody has)"),
        );
        return None;
    }
    let n = ctx.integer(v, path, 1, i64::from(u32::MAX))?;
    Some(SkillCount {
        skill: skill.to_owned(),
        count: u32::try_from(n).ok()?,
    })
}

/// `[architecture]`, with the names of `platform_skills` as written (or
/// the default), for the messages.
fn architecture(
    ctx: &mut Ctx<'_>,
    root: &Tbl<'_>,
    org: &Org,
) -> Option<(Architecture, Vec<String>)> {
    let ids = |names: &[String]| names.iter().filter_map(|n| org.id(n)).collect();
    let default = || vec![DEFAULT_PLATFORM_SKILL.to_owned()];
    let Some(v) = root.get("architecture") else {
        let names = default();
        let architecture = Architecture {
            coupling: 0.0,
            platform: 0.0,
            platform_skills: ids(&names),
        };
        return Some((architecture, names));
    };
    let t = ctx.table(v, root.at("architecture"), ARCHITECTURE_KEYS)?;
    let coupling = ctx.num_field(&t, "coupling", Some(0.0), Bound::Prob);
    let platform = ctx.num_field(&t, "platform", Some(0.0), Bound::Prob);
    let platform_skills = match t.get("platform_skills") {
        None => Some(default()),
        Some(v) => {
            let path = t.at("platform_skills");
            ctx.array(v, &path, "an array of skill names")
                .and_then(|items| {
                    let before = ctx.count();
                    let mut skills = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let item_path = path.index(i);
                        if let Some(skill) = ctx.string(item, &item_path)
                            && org.check_skill(ctx, skill, &item_path)
                        {
                            skills.push(skill.to_owned());
                        }
                    }
                    (ctx.count() == before).then_some(skills)
                })
        }
    };
    let names = platform_skills?;
    let architecture = Architecture {
        coupling: coupling?,
        platform: platform?,
        platform_skills: ids(&names),
    };
    Some((architecture, names))
}

/// The skill whose tasks may touch the platform when `platform_skills` is
/// not given.
const DEFAULT_PLATFORM_SKILL: &str = "eng";

/// `architecture.platform > 0` changes nothing unless some task has a skill
/// of `platform_skills`: that is refused rather than run as a silent no-op.
fn platform_has_effect(
    ctx: &mut Ctx<'_>,
    root: &Tbl<'_>,
    a: &Architecture,
    names: &[String],
    org: &Org,
    w: &Workload,
) {
    let Some(skills) = &org.skills else {
        return;
    };
    if a.platform <= 0.0 {
        return;
    }
    let path = root.at("architecture").key("platform");
    let listed = suggest::list(names.iter().map(String::as_str));
    let default = if root
        .get("architecture")
        .and_then(|t| t.get("platform_skills"))
        .is_none()
    {
        " (the default)"
    } else {
        ""
    };
    if a.platform_skills.is_empty() {
        ctx.report(
            &path,
            format!(
                "is {} but no skill of architecture.platform_skills ({listed}{default}) is in [organization] people ({}), so no task could touch the platform; set architecture.platform_skills to the skills whose tasks change it, or remove architecture.platform",
                reader::fmt_num(a.platform),
                suggest::list(skills.iter().map(String::as_str))
            ),
        );
    } else if !w
        .item_types
        .iter()
        .flat_map(|it| &it.tasks)
        .any(|t| a.platform_skills.contains(&t.skill))
    {
        ctx.report(
            &path,
            format!(
                "is {} but no task of any item type has a skill of architecture.platform_skills ({listed}{default}), so no task could touch the platform; set architecture.platform_skills to the skills whose tasks change it, or remove architecture.platform",
                reader::fmt_num(a.platform)
            ),
        );
    }
}

fn quality(ctx: &mut Ctx<'_>, root: &Tbl<'_>) -> Option<Quality> {
    let empty = Table::new();
    let t = match root.get("quality") {
        Some(v) => ctx.table(v, root.at("quality"), QUALITY_KEYS)?,
        None => Tbl {
            table: &empty,
            path: root.at("quality"),
        },
    };
    let defect_probability = ctx.num_field(&t, "defect_probability", Some(0.0), Bound::Prob);
    let dilution = ctx.num_field(&t, "dilution", Some(1.5), Bound::NonNeg);
    let rework_fraction = ctx.num_field(&t, "rework_fraction", Some(0.5), Bound::NonNeg);
    let escape_delay = ctx.num_field(&t, "escape_delay", Some(20.0), Bound::NonNeg);
    Some(Quality {
        defect_probability: defect_probability?,
        dilution: dilution?,
        rework_fraction: rework_fraction?,
        escape_delay: escape_delay?,
    })
}
