//! Loading a scenario: reading the file, parsing the TOML, applying the
//! `--set` overrides and validating, with every problem collected.

use std::io::ErrorKind;
use std::path::Path;

use toml::Table;

use super::build;
use super::error::{Problem, ScenarioError};
use super::overrides::{self, Override};
use super::reader::Ctx;
use super::source_map::{LineIndex, SourceMap};
use super::{Provenance, Scenario, fnv1a_hex};

/// The largest scenario accepted, in bytes (1 MiB; the bundled ones are
/// under 20 KB): parsing keeps every value of the file in memory, hundreds of
/// bytes each, so a bigger file is refused before it is read.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// The refusal of a scenario text of `len` bytes.
fn too_large(len: u64) -> String {
    format!(
        "is {len} bytes, more than the {MAX_SCENARIO_BYTES} a scenario may have (a long `empirical` list belongs in fewer, representative values)"
    )
}

/// Reads, overrides and validates the scenario file at `path`. A file that
/// does not exist, is a directory, is not UTF-8 or is empty is a problem
/// like any other.
pub fn load_file(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let fail =
        |line: Option<usize>, message: String| Err(ScenarioError::whole_file(&file, line, message));
    match std::fs::metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return fail(None, "no such file".to_owned());
        }
        Err(e) => return fail(None, format!("cannot read the file: {e}")),
        Ok(meta) if meta.is_dir() => {
            return fail(None, "is a directory, not a scenario file".to_owned());
        }
        Ok(meta) if meta.len() > MAX_SCENARIO_BYTES as u64 => {
            return fail(None, too_large(meta.len()));
        }
        Ok(_) => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return fail(None, format!("cannot read the file: {e}")),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            return fail(
                Some(line),
                format!(
                    "is not UTF-8 text (invalid byte 0x{:02x} at byte offset {valid})",
                    bytes.get(valid).copied().unwrap_or(0)
                ),
            );
        }
    };
    load_str(&file, &text, overrides)
}

/// Parses, overrides and validates scenario `text`; `source_name` names it
/// in problems (usually the file's path).
pub fn load_str(
    source_name: &str,
    text: &str,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(ScenarioError::whole_file(
            source_name,
            None,
            too_large(text.len() as u64),
        ));
    }
    let mut doc = match text.parse::<Table>() {
        Ok(doc) => doc,
        Err(e) => {
            let line = e
                .span()
                .map(|span| LineIndex::new(text).line_of(span.start));
            let message = e.message().lines().collect::<Vec<_>>().join(" ");
            return Err(ScenarioError::whole_file(
                source_name,
                line,
                format!("invalid TOML: {message}"),
            ));
        }
    };
    if doc.is_empty() {
        return Err(ScenarioError::whole_file(
            source_name,
            None,
            "the file is empty: it sets no keys (a scenario needs at least `name`, [workload], [organization] and [[topologies]])",
        ));
    }
    let map = SourceMap::build(text);
    let original = (!overrides.is_empty()).then(|| doc.clone());
    let (applied, failed) = overrides::apply(&mut doc, overrides);
    let mut ctx = Ctx::new(source_name, &map, &applied);
    for f in &failed {
        ctx.report_without_line(&f.path, format!("{} (from --set {})", f.message, f.text));
    }
    let scenario = build::build(&mut ctx, &doc);
    match scenario {
        Some(mut scenario) if ctx.is_clean() => {
            scenario.provenance = Provenance {
                source_hash: fnv1a_hex(text),
                resolved: toml::to_string(&doc).unwrap_or_default(),
            };
            Ok(scenario)
        }
        _ if !ctx.is_clean() => {
            let mut problems = ctx.into_problems();
            if let Some(original) = &original {
                blame_overrides(source_name, &map, original, overrides, &mut problems);
            }
            Err(ScenarioError { problems })
        }
        _ => Err(ScenarioError::whole_file(
            source_name,
            None,
            "internal error: the scenario could not be built although no problem was found; please report it",
        )),
    }
}

/// The problems of `doc` after `overrides` (without the line of those
/// reported where no override wrote), as (path, message) pairs.
fn problems_with(
    source_name: &str,
    map: &SourceMap<'_>,
    doc: &Table,
    overrides: &[&Override],
) -> Vec<(String, String)> {
    let mut doc = doc.clone();
    let owned: Vec<Override> = overrides.iter().map(|&o| o.clone()).collect();
    let (applied, _) = overrides::apply(&mut doc, &owned);
    let mut ctx = Ctx::new(source_name, map, &applied);
    build::build(&mut ctx, &doc);
    ctx.into_problems()
        .into_iter()
        .map(|p| (p.path, p.message))
        .collect()
}

/// A problem reported at a value of the file that the file alone does not
/// have is caused by the overrides (e.g. `--set organization.people=...`
/// leaves the tasks' skills unknown): it names the `--set` values without
/// which it goes away, and no line (the file is right there).
fn blame_overrides(
    source_name: &str,
    map: &SourceMap<'_>,
    original: &Table,
    overrides: &[Override],
    problems: &mut [Problem],
) {
    let all: Vec<&Override> = overrides.iter().collect();
    let of_file = problems_with(source_name, map, original, &[]);
    let without: Vec<Vec<(String, String)>> = (0..overrides.len())
        .map(|i| {
            let rest: Vec<&Override> = all
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, &o)| o)
                .collect();
            if overrides.len() == 1 {
                of_file.clone()
            } else {
                problems_with(source_name, map, original, &rest)
            }
        })
        .collect();
    for p in problems.iter_mut() {
        if p.message.contains("(from --set ") {
            continue;
        }
        let key = (p.path.clone(), p.message.clone());
        if of_file.contains(&key) {
            continue;
        }
        let mut causes: Vec<&str> = overrides
            .iter()
            .zip(&without)
            .filter(|(_, w)| !w.contains(&key))
            .map(|(o, _)| o.text.as_str())
            .collect();
        if causes.is_empty() {
            causes = overrides.iter().map(|o| o.text.as_str()).collect();
        }
        let named: Vec<String> = causes.iter().map(|c| format!("--set {c}")).collect();
        p.message
            .push_str(&format!(" (because of {})", named.join(", ")));
        p.line = None;
    }
}
