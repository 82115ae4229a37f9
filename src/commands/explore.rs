//! `orgsim explore`: which uncertain assumption decides the answer; the work
//! is done by `experiment::explore`. Like a sweep, an exploration keeps its
//! finished points in a checkpoint (`--resume` goes on from it), can run as
//! `--shard K/N` slices of its design, and `orgsim merge` puts the slices
//! back together into the files one run writes.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Failure, interrupt, output, source, stdio};
use crate::cli::{CommonArgs, ExploreArgs, ExploreMethod};
use orgsim::experiment::explore::checkpoint::{self as ckpt, CHECKPOINT};
use orgsim::experiment::explore::{
    self, Assumption, Belief, Control, Direction, Exploration, Method, Outcome, Plan, Point, Shard,
    Study,
};
use orgsim::experiment::options::check_baseline;
use orgsim::experiment::sweep::checkpoint as sweep_ckpt;
use orgsim::experiment::sweep::manifest::fingerprint;
use orgsim::model::Metric;
use orgsim::report::charts::numbers::{Better, better};
use orgsim::report::sweep_folder::CheckpointWriter;
use orgsim::report::{explore_csv, write_atomic};
use orgsim::scenario::Override;
use orgsim::scenario::Scenario;

/// The metrics measured when `--metric` is not given.
const DEFAULT_METRICS: [Metric; 3] = [
    Metric::LeadTimeMean,
    Metric::Throughput,
    Metric::CoordinationShare,
];

/// The manifest's file name.
pub const MANIFEST: &str = "explore.json";

/// Everything that decides an exploration's numbers, as given: kept in
/// `explore.json` so that `--resume` and `merge` rebuild the very same
/// exploration (and recognise another one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// The name problems give the scenario text.
    pub source_name: String,
    /// The scenario's TOML text.
    pub text: String,
    /// `--set` overrides, as given.
    pub overrides: Vec<String>,
    /// `--uncertain` assumptions, as given.
    pub uncertain: Vec<String>,
    /// The measured metrics.
    pub metrics: Vec<String>,
    /// The method's name.
    pub method: String,
    /// `--samples`.
    pub samples: usize,
    /// `--reps`.
    pub replications: Option<u32>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--topology`.
    pub topologies: Vec<String>,
}

impl Spec {
    /// The identity of the exploration: a fingerprint of the spec.
    pub fn identity(&self) -> String {
        let json = serde_json::to_string(self).expect("JSON of plain values");
        fingerprint(["explore", json.as_str()])
    }

    /// The validated plan (nothing runs), with the design seed.
    fn plan(&self, threads: Option<usize>) -> Result<Plan, Failure> {
        let overrides = self
            .overrides
            .iter()
            .map(|o| Override::parse(o))
            .collect::<Result<Vec<_>, _>>()
            .map_err(Failure::BadInput)?;
        let mut assumptions = declared(&self.source_name, &self.text)?;
        for arg in &self.uncertain {
            let a = Assumption::parse(arg).map_err(Failure::BadInput)?;
            match assumptions.iter_mut().find(|b| b.path == a.path) {
                Some(b) => *b = a,
                None => assumptions.push(a),
            }
        }
        let directions = self
            .metrics
            .iter()
            .map(|m| match better(m) {
                Better::Lower => Direction::Lower,
                Better::Higher => Direction::Higher,
                Better::Neither => Direction::Neither,
            })
            .collect();
        let method = Method::ALL
            .into_iter()
            .find(|m| m.name() == self.method)
            .ok_or_else(|| Failure::BadInput(format!("unknown method `{}`", self.method)))?;
        let study = Study {
            source_name: self.source_name.clone(),
            text: self.text.clone(),
            overrides,
            assumptions,
            metrics: self.metrics.clone(),
            directions,
            replications: self.replications,
            seed: self.seed,
            topologies: self.topologies.clone(),
            threads,
        };
        let design_seed = match self.seed {
            Some(s) => s,
            None => {
                orgsim::scenario::load_str(&study.source_name, &study.text, &study.overrides)
                    .map_err(|e| Failure::BadInput(e.to_string()))?
                    .run
                    .seed
            }
        };
        explore::plan(study, method, self.samples, design_seed).map_err(failure)
    }
}

fn failure(e: explore::ExploreError) -> Failure {
    match e {
        explore::ExploreError::BadInput(lines) => Failure::BadInput(lines.join("\n")),
        explore::ExploreError::Io(lines) => Failure::other(lines.join("\n")),
    }
}

/// The topologies an exploration runs, the first being its baseline:
/// `--topology`'s (or none, for all, in scenario order), with `--baseline`
/// moved first.
fn explore_topologies(scenario: &Scenario, common: &CommonArgs) -> Result<Vec<String>, Failure> {
    let Some(baseline) = &common.baseline else {
        return Ok(common.topologies.clone());
    };
    let all = &scenario.model.topologies;
    check_baseline(all, &common.topologies, Some(baseline))?;
    let mut names: Vec<String> = if common.topologies.is_empty() {
        all.iter().map(|t| t.name.clone()).collect()
    } else {
        common.topologies.clone()
    };
    names.retain(|n| n != baseline);
    names.insert(0, baseline.clone());
    Ok(names)
}

/// Runs the exploration `args` describe.
pub fn explore(args: &ExploreArgs) -> Result<(), Failure> {
    let shard = args
        .shard
        .as_deref()
        .map(str::parse::<Shard>)
        .transpose()
        .map_err(Failure::BadInput)?;
    let scenario = source::load(Some(&args.scenario), &args.common.overrides)?;
    let (source_name, text) = source::text(&args.scenario)?;
    let method = match args.method {
        ExploreMethod::Tornado => Method::Tornado,
        ExploreMethod::Morris => Method::Morris,
        ExploreMethod::Sobol => Method::Sobol,
        ExploreMethod::Propagate => Method::Propagate,
        ExploreMethod::BreakEven => Method::BreakEven,
    };
    let spec = Spec {
        source_name,
        text,
        overrides: args
            .common
            .overrides
            .iter()
            .map(|o| o.text.clone())
            .collect(),
        uncertain: args.uncertain.clone(),
        metrics: if args.metrics.is_empty() {
            DEFAULT_METRICS
                .iter()
                .map(|m| m.name().to_string())
                .collect()
        } else {
            args.metrics.clone()
        },
        method: method.name().to_owned(),
        samples: args.samples,
        replications: args.common.replications,
        seed: args.common.seed,
        topologies: explore_topologies(&scenario, &args.common)?,
    };
    // Everything is checked before the folder is made.
    let plan = spec.plan(args.common.threads)?;
    if shard.is_some() && method == Method::BreakEven {
        return Err(Failure::BadInput(
            "--shard: break-even's points depend on the ones before (bisection), so its design cannot be sliced; run it whole".into(),
        ));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-explore", scenario.name)));
    let folder = match shard {
        Some(s) => out.join(s.folder_name()),
        None => out.clone(),
    };
    super::folder::prepare(&folder, args.common.quiet)?;
    let _lock = output::lock(&folder)?;
    let identity = spec.identity();
    let checkpoint_path = folder.join(CHECKPOINT);
    let manifest_path = folder.join(MANIFEST);
    let nq = plan.quantities.len();
    let d = plan.study.assumptions.len();
    let mut kept = BTreeMap::new();
    if args.resume && !manifest_path.is_file() && fs::symlink_metadata(&checkpoint_path).is_ok() {
        return Err(Failure::BadInput(format!(
            "cannot resume in {}: it holds a checkpoint ({CHECKPOINT}) but no {MANIFEST}, so nothing says which exploration its points belong to; nothing was run (drop --resume to start over, discarding them)",
            folder.display()
        )));
    }
    let writer = if args.resume && manifest_path.is_file() {
        let earlier = read_manifest(&manifest_path)?;
        let (their_id, their_shard) = (
            earlier["identity"].as_str().unwrap_or_default(),
            earlier["shard"].as_str(),
        );
        if their_id != identity || their_shard != shard.map(|s| s.to_string()).as_deref() {
            return Err(Failure::BadInput(format!(
                "cannot resume in {}: it holds a different exploration (another scenario, assumption, method, option or shard); use another --out, or drop --resume to start over",
                folder.display()
            )));
        }
        let contents = sweep_ckpt::read(&checkpoint_path, &identity).map_err(Failure::BadInput)?;
        for (r, line) in contents.records.iter().zip(&contents.lines) {
            let p = ckpt::point(r, d, nq).map_err(|why| {
                Failure::BadInput(format!(
                    "{}: line {line} {why}; the checkpoint is damaged or was edited: nothing was run (remove the folder, or use another --out, to start over)",
                    checkpoint_path.display()
                ))
            })?;
            kept.insert(r.point, p);
        }
        CheckpointWriter::resume(&checkpoint_path, contents.complete_len, &identity).map_err(
            |e| {
                Failure::BadInput(format!(
                    "cannot resume from {}: {e}",
                    checkpoint_path.display()
                ))
            },
        )?
    } else {
        // Starting over: the earlier results go, the manifest last.
        let earlier =
            fs::read(&checkpoint_path).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        if earlier > 0 && !args.common.quiet {
            note!(
                "note: started over, discarding the {earlier} points of an earlier exploration in {} (--resume keeps them)",
                folder.display()
            );
        }
        for f in [MANIFEST, "sensitivity.csv", "points.csv"] {
            let p = folder.join(f);
            if p.is_file() {
                fs::remove_file(&p)
                    .map_err(|e| Failure::other(format!("cannot remove {}: {e}", p.display())))?;
            }
        }
        CheckpointWriter::create(&checkpoint_path, &identity)
            .map_err(|e| Failure::other(format!("{}: {e}", checkpoint_path.display())))?
    };
    let resumed = kept.len();
    write_manifest(&folder, &spec, &plan, None, shard, false)?;
    interrupt::install("finished points are kept");
    let writer = Mutex::new(writer);
    let sink = |index: usize, p: &Point| -> Result<(), String> {
        let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
        w.append(&ckpt::record(index, p))
            .map_err(|e| format!("cannot append to {}: {e}", checkpoint_path.display()))
    };
    let bar = super::progress::bar(!args.common.quiet);
    let control = Control {
        kept,
        sink: Some(&sink),
        shard,
        stop: Some(&interrupt::STOP),
        progress: Some(&bar),
    };
    let outcome = plan.execute(&control);
    drop(bar);
    writer
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .sync()
        .map_err(|e| Failure::other(format!("{}: {e}", checkpoint_path.display())))?;
    match outcome.map_err(failure)? {
        Outcome::Stopped => Err(Failure::Interrupted(format!(
            "interrupted: the finished points are kept in {}; go on with:\n  {}",
            checkpoint_path.display(),
            super::sweep::resume_command()
        ))),
        Outcome::Shard(points) => {
            let records: Vec<_> = points.iter().map(|(i, p)| ckpt::record(*i, p)).collect();
            let bytes = sweep_ckpt::to_bytes(&records, &identity)
                .map_err(|e| Failure::other(e.to_string()))?;
            write_atomic(&checkpoint_path, &bytes)
                .map_err(|e| Failure::other(format!("{}: {e}", checkpoint_path.display())))?;
            write_manifest(&folder, &spec, &plan, None, shard, true)?;
            if !args.common.quiet {
                if resumed > 0 {
                    note!(
                        "resumed: {resumed} of {} points were already done",
                        points.len()
                    );
                }
                let s = shard.expect("a shard's outcome");
                note!(
                    "shard {s} done ({} points in {}); when all {} are: orgsim merge {} --out {}",
                    points.len(),
                    folder.display(),
                    s.count,
                    out.display(),
                    out.display()
                );
            }
            Ok(())
        }
        Outcome::Complete(ex) => {
            if resumed > 0 && !args.common.quiet {
                note!(
                    "resumed: {resumed} of {} points were already done",
                    ex.points.len() + 1
                );
            }
            finish(
                &folder,
                &spec,
                &plan,
                &ex,
                args.common.no_plots,
                args.common.quiet,
            )
        }
    }
}

fn read_manifest(path: &Path) -> Result<serde_json::Value, Failure> {
    let text = fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::BadInput(format!(
            "{}: not an orgsim explore manifest: {e}",
            path.display()
        ))
    })
}

/// Writes `explore.json`: the spec, the identity, the design's size and,
/// once the exploration is complete, what it found.
fn write_manifest(
    folder: &Path,
    spec: &Spec,
    plan: &Plan,
    ex: Option<&Exploration>,
    shard: Option<Shard>,
    complete: bool,
) -> Result<(), Failure> {
    let mut manifest = json!({
        "scenario": orgsim::scenario::load_str(&spec.source_name, &spec.text, &plan.study.overrides)
            .map(|s| s.name).unwrap_or_default(),
        "method": plan.method.name(),
        "samples": plan.samples,
        "points": ex.map_or(plan.max_points(), |ex| ex.points.len() + 1),
        "replications": plan.replications,
        "seed": plan.design_seed,
        "assumptions": plan.study.assumptions.iter().map(|a| json!({"path": a.path, "belief": format!("{:?}", a.belief)})).collect::<Vec<_>>(),
        "metrics": spec.metrics,
        "topologies": plan.topologies,
        "baseline": plan.topologies[0],
        "shard": shard.map(|s| s.to_string()),
        "complete": complete,
        "identity": spec.identity(),
        "spec": spec,
        "orgsim": env!("ORGSIM_VERSION"),
    });
    if let Some(ex) = ex {
        manifest["noise_share"] = json!(
            ex.quantities
                .iter()
                .zip(&ex.noise_share)
                .map(|(q, n)| json!({
                    "topology": q.topology, "metric": q.metric, "quantity": q.kind(),
                    "noise_share": if n.is_finite() { json!(n) } else { json!(null) },
                }))
                .collect::<Vec<_>>()
        );
    }
    let path = folder.join(MANIFEST);
    write_atomic(
        &path,
        (serde_json::to_string_pretty(&manifest).expect("JSON of plain values") + "\n").as_bytes(),
    )
    .map_err(|e| Failure::other(format!("{}: {e}", path.display())))
}

/// Writes the files of a complete exploration into `folder` (the
/// checkpoint in index order, `sensitivity.csv`, `points.csv`,
/// `explore.json`, then the charts and `report.html` unless `no_plots`)
/// and prints the summary.
fn finish(
    folder: &Path,
    spec: &Spec,
    plan: &Plan,
    ex: &Exploration,
    no_plots: bool,
    quiet: bool,
) -> Result<(), Failure> {
    let identity = spec.identity();
    // Line by line: the records' cells are not all held at once.
    let mut checkpoint = Vec::new();
    for (i, p) in std::iter::once(&ex.nominal).chain(&ex.points).enumerate() {
        checkpoint.extend(
            sweep_ckpt::to_bytes(&[ckpt::record(i, p)], &identity)
                .map_err(|e| Failure::other(e.to_string()))?,
        );
    }
    let paths: Vec<String> = plan
        .study
        .assumptions
        .iter()
        .map(|a| a.path.clone())
        .collect();
    let files = [
        (CHECKPOINT, checkpoint),
        (
            "sensitivity.csv",
            explore_csv::sensitivity_csv(ex).into_bytes(),
        ),
        (
            "points.csv",
            explore_csv::points_csv(ex, &paths).into_bytes(),
        ),
    ];
    for (name, body) in &files {
        write_atomic(&folder.join(name), body)
            .map_err(|e| Failure::other(format!("{}: {e}", folder.join(name).display())))?;
    }
    write_manifest(folder, spec, plan, Some(ex), None, true)?;
    let mut written: Vec<String> = vec![
        "sensitivity.csv".into(),
        "points.csv".into(),
        MANIFEST.into(),
    ];
    if !no_plots {
        for p in super::render_folder(folder)? {
            written.extend(p.file_name().map(|n| n.to_string_lossy().into_owned()));
        }
    }
    // Under --quiet, only a warning that the printed numbers are wrong
    // without it is kept.
    if let Some((line, in_answer)) = explore_csv::unstable_warning(ex) {
        if !quiet || in_answer {
            note!("{line}");
        }
    }
    stdio::print(&explore_csv::summary(ex))?;
    if !quiet {
        note!(
            "wrote {} in {} ({} points)",
            written.join(", "),
            folder.display(),
            ex.points.len() + 1
        );
    }
    Ok(())
}

/// Whether `dir` (or one of its `shard-K-of-N` folders) holds an
/// exploration: `orgsim merge` then merges explorations.
pub fn is_exploration(dir: &Path) -> bool {
    if dir.is_file() {
        return dir.file_name().is_some_and(|n| n == MANIFEST);
    }
    dir.join(MANIFEST).is_file()
        || fs::read_dir(dir).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                e.file_name().to_string_lossy().starts_with("shard-")
                    && e.path().join(MANIFEST).is_file()
            })
        })
}

/// `orgsim merge` of explorations: the points of every part (a folder's
/// own, and those of its `shard-K-of-N` folders) put together, checked to be
/// of one exploration and to hold its whole design, analysed and written as
/// one run writes them.
pub fn merge(inputs: &[PathBuf], out: &Path, no_plots: bool, quiet: bool) -> Result<(), Failure> {
    let mut parts: Vec<PathBuf> = Vec::new();
    for input in inputs {
        if input.is_file() {
            parts.push(
                input
                    .parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            );
            continue;
        }
        if input.join(MANIFEST).is_file() {
            parts.push(input.clone());
        }
        let mut shards: Vec<PathBuf> = fs::read_dir(input)
            .map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", input.display())))?
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("shard-"))
            .map(|e| e.path())
            .filter(|p| p.join(MANIFEST).is_file())
            .collect();
        shards.sort();
        parts.extend(shards);
    }
    if parts.is_empty() {
        return Err(Failure::BadInput(
            "cannot merge: no explore.json in the inputs".into(),
        ));
    }
    let mut locks = Vec::new();
    for p in &parts {
        locks.extend(output::lock_read(p)?);
    }
    let mut spec: Option<Spec> = None;
    let mut points: BTreeMap<usize, Point> = BTreeMap::new();
    let mut plan: Option<Plan> = None;
    for part in &parts {
        let manifest = read_manifest(&part.join(MANIFEST))?;
        let this: Spec = serde_json::from_value(manifest["spec"].clone()).map_err(|e| {
            Failure::BadInput(format!(
                "{}: no exploration spec: {e}",
                part.join(MANIFEST).display()
            ))
        })?;
        match &spec {
            None => {
                plan = Some(this.plan(None)?);
                spec = Some(this);
            }
            Some(s) if *s != this => {
                return Err(Failure::BadInput(format!(
                    "cannot merge: {} holds another exploration than {} (another scenario, assumption, method or option)",
                    part.display(),
                    parts[0].display()
                )));
            }
            Some(_) => {}
        }
        let (spec, plan) = (spec.as_ref().expect("set"), plan.as_ref().expect("set"));
        let path = part.join(CHECKPOINT);
        let contents = sweep_ckpt::read(&path, &spec.identity()).map_err(Failure::BadInput)?;
        for (r, line) in contents.records.iter().zip(&contents.lines) {
            let p = ckpt::point(r, plan.study.assumptions.len(), plan.quantities.len()).map_err(
                |why| Failure::BadInput(format!("{}: line {line} {why}", path.display())),
            )?;
            if let Some(q) = points.get(&r.point) {
                if *q != p {
                    return Err(Failure::BadInput(format!(
                        "cannot merge: point {} differs between the parts",
                        r.point
                    )));
                }
            }
            points.insert(r.point, p);
        }
    }
    let (spec, plan) = (spec.expect("a part"), plan.expect("a part"));
    let expected = plan.design().map_or(points.len(), |d| d.len());
    let missing: Vec<usize> = (0..expected).filter(|i| !points.contains_key(i)).collect();
    if !missing.is_empty() || points.keys().any(|&i| i >= expected) {
        return Err(Failure::BadInput(format!(
            "cannot merge: {} of the {expected} points are missing (the first: {}); merge every shard",
            missing.len(),
            missing
                .iter()
                .take(5)
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let ex = plan
        .analyse(points.into_values().collect())
        .map_err(failure)?;
    super::folder::prepare(out, quiet)?;
    let _lock = output::lock(out)?;
    drop(locks);
    finish(out, &spec, &plan, &ex, no_plots, quiet)
}

/// The scenario's `[[uncertain]]` tables: `path` and either `dist` (a
/// distribution table) or `range = [min, max]`.
fn declared(source_name: &str, text: &str) -> Result<Vec<Assumption>, Failure> {
    let doc: toml::Table = text
        .parse()
        .map_err(|e| Failure::BadInput(format!("{source_name}: invalid TOML: {e}")))?;
    let Some(list) = doc.get("uncertain") else {
        return Ok(Vec::new());
    };
    let Some(list) = list.as_array() else {
        return Err(Failure::BadInput(format!(
            "{source_name}: uncertain: expected an array of tables ([[uncertain]])"
        )));
    };
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let at = |msg: String| {
            let line = entry
                .get("path")
                .and_then(|p| p.as_str())
                .and_then(|p| text.lines().position(|l| l.contains(&format!("\"{p}\""))))
                .map(|l| format!(":{}", l + 1))
                .unwrap_or_default();
            format!("{source_name}{line}: uncertain[{i}]: {msg}")
        };
        let Some(t) = entry.as_table() else {
            problems.push(at(
                "expected a table with `path` and `dist` or `range`".into()
            ));
            continue;
        };
        for key in t.keys() {
            if !["path", "dist", "range", "note"].contains(&key.as_str()) {
                problems.push(at(format!(
                    "unknown key `{key}` (an uncertain assumption has path, dist or range, note)"
                )));
            }
        }
        let Some(path) = t.get("path").and_then(|p| p.as_str()) else {
            problems.push(at(
                "needs `path = \"...\"`, the --set path of the value".into()
            ));
            continue;
        };
        let belief = match (t.get("dist"), t.get("range")) {
            (Some(d), None) => Belief::from_value(d),
            (None, Some(r)) => match Belief::from_value(r) {
                Ok(Belief::Range { min, max }) => Ok(Belief::Range { min, max }),
                Ok(_) | Err(_) => Err("`range` is two numbers, [min, max]".into()),
            },
            _ => Err("needs exactly one of `dist` and `range`".into()),
        };
        match belief {
            Ok(belief) => out.push(Assumption {
                path: path.to_owned(),
                belief,
                integer: false,
            }),
            Err(e) => problems.push(at(format!("`{path}`: {e}"))),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Failure::BadInput(problems.join("\n")))
    }
}
