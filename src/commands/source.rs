//! Finding the scenario a command names: a file, or a bundled scenario.

use std::path::Path;

use super::Failure;
use orgsim::scenario::{self, Override, Scenario, bundled};

/// Loads the scenario at `path`; a path that is not a file but is the name
/// of a bundled scenario (with or without `.toml`) loads that one; no path
/// loads the bundled default.
pub fn load(path: Option<&Path>, overrides: &[Override]) -> Result<Scenario, Failure> {
    let Some(path) = path else {
        let b = bundled::default_scenario();
        return Ok(scenario::load_str(b.file_name, b.text, overrides)?);
    };
    if !path.exists() {
        let name = path.to_string_lossy();
        let name = name.trim_end_matches(".toml");
        if let Some(b) = bundled::find(name) {
            return Ok(scenario::load_str(b.file_name, b.text, overrides)?);
        }
        if let Some(b) = bundled::closest(name) {
            return Err(Failure::BadInput(format!(
                "{}: no such file, nor a bundled scenario; did you mean the bundled `{}`? (`orgsim scenarios` lists them)",
                path.display(),
                b.name
            )));
        }
        if path.symlink_metadata().is_err() {
            return Err(Failure::BadInput(format!(
                "{}: no such file, nor a bundled scenario (`orgsim scenarios` lists them)",
                path.display()
            )));
        }
    }
    Ok(scenario::load_file(path, overrides)?)
}

/// Where `load` takes the scenario from, in words, for the manifest.
pub fn describe(path: Option<&Path>) -> String {
    match path {
        None => format!("bundled:{}", bundled::DEFAULT),
        Some(p) if !p.exists() => {
            let name = p.to_string_lossy();
            match bundled::find(name.trim_end_matches(".toml")) {
                Some(b) => format!("bundled:{}", b.name),
                None => name.into_owned(),
            }
        }
        Some(p) => p.display().to_string(),
    }
}

/// The text of the scenario `path` names, resolved as `load` resolves it,
/// and the name problems give it: (source name, text). Call `load` first:
/// it reports a missing or unreadable file properly.
pub(crate) fn text(path: &Path) -> Result<(String, String), Failure> {
    if !path.exists() {
        let name = path.to_string_lossy();
        if let Some(b) = bundled::find(name.trim_end_matches(".toml")) {
            return Ok((b.file_name.to_string(), b.text.to_string()));
        }
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("{}: cannot read the file: {e}", path.display())))?;
    Ok((path.display().to_string(), text))
}
