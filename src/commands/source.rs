//! Finding the scenario a command names: a file, or a bundled scenario.

use std::path::Path;

use super::Failure;
use crate::scenario::{self, Override, Scenario, bundled};

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
        if let Some(b) = bundled::find(name.trim_end_matches(".toml")) {
            return Ok(scenario::load_str(b.file_name, b.text, overrides)?);
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
