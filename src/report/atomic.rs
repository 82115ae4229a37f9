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
}
