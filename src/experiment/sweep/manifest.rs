//! `sweep.json`: what a sweep folder holds. `--resume` and `merge` compare
//! it before they use a folder's checkpoint, so that results of different
//! scenarios, seeds or grids are never mixed.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The name of a sweep folder's manifest.
pub const MANIFEST: &str = "sweep.json";
/// The name of a sweep folder's checkpoint.
pub const CHECKPOINT: &str = "sweep.checkpoint.jsonl";
/// The name of the long-form results.
pub const SWEEP_CSV: &str = "sweep.csv";
/// The name of the per-point paired comparisons.
pub const COMPARISON_CSV: &str = "sweep_comparison.csv";
/// The name of every replication's metrics at every point.
pub const REPLICATIONS_CSV: &str = "sweep_replications.csv";
/// The name of the per-point replication counts (and precision outcomes).
pub const POINTS_CSV: &str = "sweep_points.csv";

/// The precision target of a sweep (`--precision`), applied at every point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPrecision {
    /// The target relative 95% CI half-width.
    pub target: f64,
    /// The metric it applies to.
    pub metric: String,
    /// The most replications a point may run (`--max-reps`, or its default).
    pub max_replications: u32,
}

/// The description of a sweep (or of one shard of it), written next to its
/// results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepManifest {
    /// Version of orgsim that wrote the folder.
    pub orgsim_version: String,
    /// The command line, one argument per element.
    pub command_line: Vec<String>,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's description.
    pub description: String,
    /// Where the scenario came from (a path, or a bundled scenario).
    pub source: String,
    /// FNV-1a 64 of the scenario text and the `--set` overrides, in hex:
    /// two sweeps with the same hash ran the same base scenario.
    pub source_hash: String,
    /// The `--set` overrides, as given.
    pub overrides: Vec<String>,
    /// Master seed (every point uses the same replication streams).
    pub seed: u64,
    /// Replications per topology and point (with `precision`, the first
    /// batch: a point may run more).
    pub replications: u32,
    /// The precision target every point ran to (`--precision`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<SweepPrecision>,
    /// Warm-up days of the base scenario.
    pub warmup: f64,
    /// Days measured in the base scenario.
    pub horizon: f64,
    /// Topologies run, the first being the baseline.
    pub topologies: Vec<String>,
    /// The `--vary` arguments, as given.
    pub vary: Vec<String>,
    /// The varied paths (the leading columns of `sweep.csv`).
    pub paths: Vec<String>,
    /// Every point of the grid, in grid order: one value per path.
    pub points: Vec<Vec<String>>,
    /// `K/N` when this folder holds one shard; absent for a whole sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Points this folder is responsible for (the shard's, or all).
    pub points_planned: usize,
    /// Points finished so far (in the checkpoint).
    pub points_done: usize,
    /// Whether every planned point is finished and the CSV files written.
    pub complete: bool,
    /// Worker threads of the last run (results do not depend on it).
    pub threads: usize,
    /// When the last run started (UTC, RFC 3339).
    pub started: String,
    /// When the last run finished (UTC), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
    /// For a merged folder: the manifests it was merged from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// `orgsim check`'s warnings at every point, each prefixed by its point.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::model::Warning>,
    /// The files orgsim wrote into the folder, this one included: a later
    /// result in the folder removes those it does not write again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

impl SweepManifest {
    /// How `other` differs from this sweep in what decides its numbers
    /// (scenario, overrides, seed, replications, topologies, grid), in words;
    /// None when it is the same sweep.
    pub fn difference(&self, other: &SweepManifest) -> Option<String> {
        if self.scenario != other.scenario {
            return Some(format!(
                "scenario `{}` vs `{}`",
                self.scenario, other.scenario
            ));
        }
        if self.source_hash != other.source_hash {
            return Some(format!(
                "scenario text or --set overrides differ (hash {} vs {}; overrides [{}] vs [{}])",
                self.source_hash,
                other.source_hash,
                self.overrides.join(" "),
                other.overrides.join(" ")
            ));
        }
        if self.seed != other.seed {
            return Some(format!("seed {} vs {}", self.seed, other.seed));
        }
        if self.replications != other.replications {
            return Some(format!(
                "replications {} vs {}",
                self.replications, other.replications
            ));
        }
        if self.precision != other.precision {
            let describe = |p: &Option<SweepPrecision>| match p {
                Some(p) => format!(
                    "--precision {} on {} with --max-reps {}",
                    p.target, p.metric, p.max_replications
                ),
                None => "no --precision".to_string(),
            };
            return Some(format!(
                "{} vs {}",
                describe(&self.precision),
                describe(&other.precision)
            ));
        }
        if self.topologies != other.topologies {
            return Some(format!(
                "topologies [{}] vs [{}]",
                self.topologies.join(", "),
                other.topologies.join(", ")
            ));
        }
        if self.paths != other.paths {
            return Some(format!(
                "varied paths [{}] vs [{}]",
                self.paths.join(", "),
                other.paths.join(", ")
            ));
        }
        if self.points != other.points {
            if self.points.len() != other.points.len() {
                return Some(format!(
                    "grid of {} points vs {} points",
                    self.points.len(),
                    other.points.len()
                ));
            }
            let i = self
                .points
                .iter()
                .zip(&other.points)
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            return Some(format!(
                "grid point {} is ({}) vs ({})",
                i + 1,
                self.points[i].join(", "),
                other.points[i].join(", ")
            ));
        }
        None
    }

    /// The identity of the sweep: a fingerprint of what decides its numbers
    /// (what [`difference`](Self::difference) compares), the same for every
    /// shard of it. Every checkpoint line carries it.
    pub fn identity(&self) -> String {
        let mut described = serde_json::json!({
            "scenario": self.scenario,
            "source_hash": self.source_hash,
            "seed": self.seed,
            "replications": self.replications,
            "topologies": self.topologies,
            "paths": self.paths,
            "points": self.points,
        });
        // Only a sweep with a precision target says so: the identity of
        // every other sweep stays what it was.
        if let Some(p) = &self.precision {
            described["precision"] = serde_json::json!(p);
        }
        fingerprint([described.to_string().as_str()])
    }

    /// Checks what a manifest read from a file must hold for its folder to
    /// be used: points, each with one value per varied path, topologies,
    /// and a shard that is one.
    pub fn check(&self) -> Result<(), String> {
        if self.points.is_empty() {
            return Err("it lists no grid point".to_string());
        }
        if self.paths.is_empty() {
            return Err("it lists no varied path".to_string());
        }
        if let Some(i) = self.points.iter().position(|p| p.len() != self.paths.len()) {
            return Err(format!(
                "grid point {} has {} values for the {} varied paths",
                i + 1,
                self.points[i].len(),
                self.paths.len()
            ));
        }
        if self.topologies.is_empty() {
            return Err("it lists no topology".to_string());
        }
        if self.replications == 0 {
            return Err("it says 0 replications".to_string());
        }
        if let Some(p) = &self.precision
            && !(p.target > 0.0 && p.target < 1.0 && p.max_replications > 0)
        {
            return Err(format!(
                "its precision target {} (at most {} replications) is not one --precision accepts",
                p.target, p.max_replications
            ));
        }
        if let Some(s) = &self.shard {
            let shard: super::Shard = s.parse().map_err(|e| format!("shard `{s}`: {e}"))?;
            let planned = shard.points(self.points.len()).len();
            if planned != self.points_planned {
                return Err(format!(
                    "shard {s} of {} points has {planned} points, not {}",
                    self.points.len(),
                    self.points_planned
                ));
            }
        } else if self.points_planned != self.points.len() {
            return Err(format!(
                "it plans {} of its {} points without being a shard",
                self.points_planned,
                self.points.len()
            ));
        }
        Ok(())
    }

    /// The most replications a point of this sweep may have run.
    pub fn most_replications(&self) -> u32 {
        self.precision.as_ref().map_or(self.replications, |p| {
            p.max_replications.max(self.replications)
        })
    }

    /// The manifest as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads the manifest at `path`.
    pub fn read(path: &Path) -> Result<SweepManifest, String> {
        let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let m: SweepManifest = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{} is not a sweep manifest: {e}", path.display()))?;
        m.check()
            .map_err(|e| format!("{} is not a usable sweep manifest: {e}", path.display()))?;
        Ok(m)
    }
}

/// FNV-1a, 64 bits, of `parts` separated by NUL bytes, in hex: a stable
/// fingerprint of a scenario text and its overrides.
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for (i, part) in parts.into_iter().enumerate() {
        let sep: &[u8] = if i == 0 { b"" } else { b"\0" };
        for &b in sep.iter().chain(part.as_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_fnv1a() {
        // Reference values of FNV-1a 64.
        assert_eq!(fingerprint([""]), "cbf29ce484222325");
        assert_eq!(fingerprint(["a"]), "af63dc4c8601ec8c");
        assert_eq!(fingerprint(["foobar"]), "85944171f73967e8");
        assert_ne!(fingerprint(["ab", "c"]), fingerprint(["a", "bc"]));
    }
}
