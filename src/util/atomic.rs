//! Writing output files so that an interrupted run never leaves a
//! half-written one: write to a temporary name in the same folder, then
//! rename (atomic on the same file system).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The temporary name `path` is written under before it is renamed.
pub fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `bytes` to `path` all at once: either the whole new file is there
/// afterwards, or the old one (or none) is.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temporary_path(path);
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Whether a file can be written into the folder `dir`: writes and removes
/// an empty file under a temporary name (one a kill leaves is removed by
/// [`remove_stale_temporaries`]).
pub fn check_writable(dir: &Path) -> io::Result<()> {
    let probe = temporary_path(&dir.join("orgsim-write-test"));
    fs::write(&probe, b"")?;
    fs::remove_file(&probe)
}

/// Removes the temporary files (`.NAME.tmp-PID`, see [`temporary_path`])
/// that processes no longer running left in `dir`, killed while writing;
/// returns their paths. A process counts as running while `/proc/PID`
/// exists; without `/proc` nothing is removed.
pub fn remove_stale_temporaries(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let proc_fs = Path::new("/proc");
    if !proc_fs.join("self").exists() {
        return Ok(Vec::new());
    }
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Some(pid) = entry.file_name().to_str().and_then(temporary_owner) else {
            continue;
        };
        if pid == std::process::id() || proc_fs.join(pid.to_string()).exists() {
            continue;
        }
        if entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
            removed.push(entry.path());
        }
    }
    removed.sort();
    Ok(removed)
}

/// The PID in a temporary name `.NAME.tmp-PID`, if `name` is one.
fn temporary_owner(name: &str) -> Option<u32> {
    let (stem, pid) = name.strip_prefix('.')?.rsplit_once(".tmp-")?;
    if stem.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("orgsim-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.csv");
        write_atomic(&path, b"x,y\n1,2\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"x,y\n1,2\n");
        assert!(!temporary_path(&path).exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_temporary_names_carry_an_owner() {
        assert_eq!(temporary_owner(".items.csv.tmp-28146"), Some(28146));
        assert_eq!(temporary_owner(".a.tmp-1.tmp-7"), Some(7));
        for name in [
            "items.csv.tmp-1",
            ".tmp-1",
            ".a.tmp-",
            ".a.tmp-x1",
            ".a.tmp-1x",
        ] {
            assert_eq!(temporary_owner(name), None, "{name}");
        }
    }
}
