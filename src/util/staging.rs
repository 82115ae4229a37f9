//! Writing a result folder as a whole: a run's (or a finished sweep's) files
//! are written into a staging folder inside the output folder, then moved
//! in at the end, and the files of the previous result that the new one
//! does not write are removed. A write that fails (a full disk) or is
//! abandoned leaves the previous result as it was.
//!
//! What orgsim wrote is recorded in the result's manifest (`files` of
//! `manifest.json` or `sweep.json`): only those files are ever removed, so
//! files of the user's in the folder stay untouched. The caller holds the
//! folder's lock ([`super::lock`]), so any other staging folder found there
//! was left by a process that died, and is removed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The name prefix of staging folders.
const PREFIX: &str = ".orgsim-staging-";

/// A staging folder for a result folder, removed (with whatever is in it)
/// when dropped uncommitted.
#[derive(Debug)]
pub struct Staging {
    folder: PathBuf,
    dir: PathBuf,
}

impl Staging {
    /// Starts staging the files of `folder` (which must exist and be locked).
    pub fn begin(folder: &Path) -> io::Result<Staging> {
        remove_stale(folder)?;
        let dir = folder.join(format!("{PREFIX}{}", std::process::id()));
        fs::create_dir(&dir)?;
        Ok(Staging {
            folder: folder.to_path_buf(),
            dir,
        })
    }

    /// Where to write the files.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The result folder.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The names of the files staged so far, sorted (for the manifest's
    /// `files`).
    pub fn file_names(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        Ok(names)
    }

    /// `paths` (of staged files) as they will be in the result folder.
    pub fn final_paths(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        paths
            .iter()
            .map(|p| match p.file_name() {
                Some(name) if p.parent() == Some(self.dir.as_path()) => self.folder.join(name),
                _ => p.clone(),
            })
            .collect()
    }

    /// Moves every staged file into the result folder, the manifest named
    /// `manifest` last, then removes the files the folder's previous record
    /// lists that neither were staged nor are in the new record (a sweep's
    /// checkpoint stays where it is, recorded).
    pub fn commit(self, manifest: &str) -> io::Result<()> {
        let previous = recorded_files(&self.folder);
        let mut keep = recorded_files(&self.dir);
        let mut names = self.file_names()?;
        names.sort_by_key(|n| n == manifest);
        // A file that cannot be replaced (a folder in its place) is found
        // before anything is moved.
        for name in &names {
            if fs::symlink_metadata(self.folder.join(name)).is_ok_and(|m| m.is_dir()) {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{name} is a folder there; nothing was replaced"),
                ));
            }
        }
        for name in &names {
            fs::rename(self.dir.join(name), self.folder.join(name))?;
        }
        keep.extend(names);
        for name in previous {
            if !keep.contains(&name) {
                remove_file(&self.folder.join(&name))?;
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The files the manifests in `folder` (`manifest.json`, `sweep.json`) say
/// orgsim wrote there; names that are not plain file names are ignored.
pub fn recorded_files(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for manifest in ["manifest.json", "sweep.json"] {
        let Ok(bytes) = fs::read(folder.join(manifest)) else {
            continue;
        };
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        let Some(files) = value.get("files").and_then(|f| f.as_array()) else {
            continue;
        };
        for name in files.iter().filter_map(|f| f.as_str()) {
            if is_plain_name(name) && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// Removes the files the folder's record lists except `keep` (a result that
/// starts over in the folder).
pub fn discard_recorded(folder: &Path, keep: &[&str]) -> io::Result<()> {
    for name in recorded_files(folder) {
        if !keep.contains(&name.as_str()) {
            remove_file(&folder.join(&name))?;
        }
    }
    Ok(())
}

/// A name of a file directly in the folder, not orgsim's own bookkeeping.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && name != super::lock::LOCK_FILE
}

/// Removes the file at `path`, if it is one (never a folder; a link is
/// removed, not what it points at).
fn remove_file(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if !m.is_dir() => fs::remove_file(path),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes the staging folders processes that died left in `folder`.
fn remove_stale(folder: &Path) -> io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(PREFIX) && entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_replaces_the_recorded_files_and_keeps_the_others() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("old.csv"), "old").unwrap();
        fs::write(dir.join("kept.csv"), "old").unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        fs::write(
            dir.join("manifest.json"),
            r#"{"files": ["old.csv", "kept.csv", "manifest.json", "../escape", "gone.csv"]}"#,
        )
        .unwrap();
        let stage = Staging::begin(dir).unwrap();
        fs::write(stage.path().join("kept.csv"), "new").unwrap();
        fs::write(
            stage.path().join("manifest.json"),
            r#"{"files": ["kept.csv", "manifest.json"]}"#,
        )
        .unwrap();
        let staged = stage.path().to_path_buf();
        stage.commit("manifest.json").unwrap();
        assert!(!staged.exists());
        assert!(!dir.join("old.csv").exists());
        assert_eq!(fs::read_to_string(dir.join("kept.csv")).unwrap(), "new");
        assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
        assert_eq!(recorded_files(dir), vec!["kept.csv", "manifest.json"]);
    }

    #[test]
    fn an_abandoned_stage_leaves_the_folder_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("a.csv"), "old").unwrap();
        // A staging folder a dead process left is removed.
        fs::create_dir(dir.join(".orgsim-staging-1")).unwrap();
        let stage = Staging::begin(dir).unwrap();
        assert!(!dir.join(".orgsim-staging-1").exists());
        fs::write(stage.path().join("a.csv"), "new").unwrap();
        drop(stage);
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        let left: Vec<_> = fs::read_dir(dir).unwrap().collect();
        assert_eq!(left.len(), 1);
    }
}
