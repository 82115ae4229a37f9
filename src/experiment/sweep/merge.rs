//! `orgsim merge`: puts the shards of a sweep back together into the folder
//! a single process would have written, with the very same `sweep.csv`.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

use super::SweepError;
use super::checkpoint::{self, PointRecord};
use super::manifest::{self, SweepManifest};
use super::shard::Shard;
use crate::util::time::rfc3339;

/// What a merge produced.
#[derive(Debug, Clone)]
pub struct MergeResults {
    /// The merged folder's manifest.
    pub manifest: SweepManifest,
    /// Every point, in grid order.
    pub records: Vec<PointRecord>,
    /// The manifests merged.
    pub inputs: Vec<PathBuf>,
}

/// Merges the sweep folders (or manifests) `inputs` into the results one
/// folder would hold, for the caller to write
/// (`report::sweep_files::write_all`, with the checkpoint). A folder stands
/// for its own `sweep.json` and those of its `shard-K-of-N` subfolders.
/// Refuses parts of different sweeps (scenario, overrides, seed,
/// replications, topologies, grid) and reports the shards (or points) that
/// are missing.
pub fn merge(inputs: &[PathBuf]) -> Result<MergeResults, SweepError> {
    Ok(gather(inputs)?.merged())
}

/// The parts of a sweep, read and checked, ready to be written as one.
#[derive(Debug, Clone)]
pub struct Gathered {
    paths: Vec<PathBuf>,
    manifests: Vec<SweepManifest>,
    records: Vec<PointRecord>,
}

/// Reads and checks the sweep folders (or manifests) `inputs` as
/// [`merge`] does, writing nothing.
pub fn gather(inputs: &[PathBuf]) -> Result<Gathered, SweepError> {
    let bad = SweepError::BadInput;
    let paths = manifest_paths(inputs)?;
    let manifests: Vec<SweepManifest> = paths
        .iter()
        .map(|p| SweepManifest::read(p).map_err(bad))
        .collect::<Result<_, _>>()?;
    let first = &manifests[0];
    for (m, p) in manifests.iter().zip(&paths).skip(1) {
        if let Some(diff) = first.difference(m) {
            return Err(bad(format!(
                "cannot merge: {} and {} are not parts of the same sweep: {diff}",
                paths[0].display(),
                p.display()
            )));
        }
    }

    let mut found: BTreeMap<usize, (PointRecord, usize)> = BTreeMap::new();
    for (k, (m, p)) in manifests.iter().zip(&paths).enumerate() {
        let cp = p.with_file_name(manifest::CHECKPOINT);
        let contents =
            checkpoint::read(&cp, &m.identity()).map_err(|e| bad(format!("cannot merge: {e}")))?;
        let shard: Option<Shard> = m.shard.as_deref().and_then(|s| s.parse().ok());
        for (r, line) in contents.records.into_iter().zip(contents.lines) {
            if m.points.get(r.point) != Some(&r.values)
                || shard.is_some_and(|s| !s.contains(r.point))
            {
                return Err(bad(format!(
                    "cannot merge: {} holds point {} ({}), which is not a point of its sweep{}; the folder is damaged",
                    cp.display(),
                    r.point + 1,
                    r.values.join(", "),
                    m.shard
                        .as_deref()
                        .map(|s| format!(" shard {s}"))
                        .unwrap_or_default()
                )));
            }
            checkpoint::check_shape(&r, m).map_err(|why| {
                bad(format!(
                    "cannot merge: {}: line {line} {why}; the checkpoint is damaged or was edited",
                    cp.display()
                ))
            })?;
            match found.get(&r.point) {
                Some((other, j)) if *other != r => {
                    return Err(bad(format!(
                        "cannot merge: point {} ({}) has different results in {} and {}",
                        r.point + 1,
                        r.values.join(", "),
                        paths[*j].display(),
                        p.display()
                    )));
                }
                Some(_) => {}
                None => {
                    found.insert(r.point, (r, k));
                }
            }
        }
    }

    let total = first.points.len();
    let missing: Vec<usize> = (0..total).filter(|i| !found.contains_key(i)).collect();
    if !missing.is_empty() {
        return Err(bad(missing_message(&manifests, &missing, total)));
    }

    let records: Vec<PointRecord> = found.into_values().map(|(r, _)| r).collect();
    Ok(Gathered {
        paths,
        manifests,
        records,
    })
}

impl Gathered {
    /// The manifests merged, in the order read.
    pub fn inputs(&self) -> &[PathBuf] {
        &self.paths
    }

    /// The merged sweep: one manifest, complete, over every point.
    pub fn merged(self) -> MergeResults {
        let Gathered {
            paths,
            manifests,
            records,
        } = self;
        let first = &manifests[0];
        let total = first.points.len();
        let now = rfc3339(SystemTime::now());
        let manifest = SweepManifest {
            orgsim_version: env!("CARGO_PKG_VERSION").to_string(),
            command_line: std::env::args().collect(),
            shard: None,
            points_planned: total,
            points_done: total,
            complete: true,
            threads: 0,
            started: now.clone(),
            finished: Some(now),
            merged_from: paths.iter().map(|p| p.display().to_string()).collect(),
            warnings: {
                let mut all: Vec<crate::model::Warning> = Vec::new();
                for m in &manifests {
                    for w in &m.warnings {
                        if !all.contains(w) {
                            all.push(w.clone());
                        }
                    }
                }
                all
            },
            files: Vec::new(),
            ..first.clone()
        };
        MergeResults {
            manifest,
            records,
            inputs: paths,
        }
    }
}

/// The manifests `inputs` stand for, each once.
pub fn manifest_paths(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, SweepError> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut push = |p: PathBuf| {
        let key = fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if !out
            .iter()
            .any(|q| fs::canonicalize(q).unwrap_or_else(|_| q.clone()) == key)
        {
            out.push(p);
        }
    };
    for input in inputs {
        if input.is_file() {
            push(input.clone());
        } else if input.is_dir() {
            let mut here = Vec::new();
            let own = input.join(manifest::MANIFEST);
            if own.is_file() {
                here.push(own);
            }
            let entries = fs::read_dir(input).map_err(|e| {
                SweepError::BadInput(format!("cannot read {}: {e}", input.display()))
            })?;
            let mut shards: Vec<(Shard, PathBuf)> = entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let shard = shard_of_folder(&name)?;
                    let m = e.path().join(manifest::MANIFEST);
                    m.is_file().then_some((shard, m))
                })
                .collect();
            shards.sort_by_key(|(s, _)| (s.count, s.index));
            here.extend(shards.into_iter().map(|(_, p)| p));
            if here.is_empty() {
                return Err(SweepError::BadInput(format!(
                    "cannot merge: {} holds no sweep results (expected {}, or shard-K-of-N folders holding one)",
                    input.display(),
                    manifest::MANIFEST
                )));
            }
            for p in here {
                push(p);
            }
        } else {
            return Err(SweepError::BadInput(format!(
                "cannot merge: {}: no such file or folder",
                input.display()
            )));
        }
    }
    if out.is_empty() {
        return Err(SweepError::BadInput(
            "cannot merge: no input given".to_string(),
        ));
    }
    Ok(out)
}

/// `shard-K-of-N` as a shard.
fn shard_of_folder(name: &str) -> Option<Shard> {
    let rest = name.strip_prefix("shard-")?;
    let (k, n) = rest.split_once("-of-")?;
    format!("{k}/{n}").parse().ok()
}

/// Which shards (or points) are missing, one line each.
fn missing_message(manifests: &[SweepManifest], missing: &[usize], total: usize) -> String {
    let shards: Vec<Shard> = manifests
        .iter()
        .filter_map(|m| m.shard.as_deref()?.parse().ok())
        .collect();
    let counts: Vec<usize> = {
        let mut c: Vec<usize> = shards.iter().map(|s| s.count).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let mut lines = vec![format!(
        "cannot merge: {} of the sweep's {total} points are missing; nothing was written",
        missing.len()
    )];
    if let [n] = counts.as_slice() {
        for k in 1..=*n {
            let s = Shard {
                index: k,
                count: *n,
            };
            let lacking = missing.iter().filter(|&&i| s.contains(i)).count();
            if lacking == 0 {
                continue;
            }
            let want = s.points(total).len();
            if shards.contains(&s) {
                lines.push(format!(
                    "shard {s} is incomplete: {} of {want} points done (finish it with `orgsim sweep ... --shard {s} --resume`)",
                    want - lacking
                ));
            } else {
                lines.push(format!(
                    "shard {s} is missing ({want} points; no {} folder among the inputs)",
                    s.folder_name()
                ));
            }
        }
    } else {
        let shown: Vec<String> = missing
            .iter()
            .take(20)
            .map(|i| (i + 1).to_string())
            .collect();
        lines.push(format!(
            "missing points (grid order, from 1): {}{}",
            shown.join(", "),
            if missing.len() > 20 { ", ..." } else { "" }
        ));
    }
    lines.join("\n")
}
