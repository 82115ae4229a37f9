//! One orgsim process per output folder at a time: `run`, `sweep`, `merge`,
//! `plot` and `check --warmup` hold an exclusive lock on the folder they
//! write while they write it, so that two processes never mix their files.
//!
//! The lock is the file `.orgsim.lock` in the folder, holding the holder's
//! process id, host, command line and start time, and locked with `flock`
//! where the file system supports it (the kernel releases that lock when
//! the process dies, however it dies). A lock file left by a process that
//! died (`kill -9`) is taken over, with a note naming the process. On a
//! file system without `flock` (some cluster file systems), a lock file
//! naming a live process of this host refuses; one naming a process of
//! another host cannot be checked and is taken over with a warning (a
//! requeued cluster job must be able to go on). Each shard of a sweep
//! writes, and locks, its own `shard-K-of-N` subfolder, so the shards of
//! one sweep share the sweep's folder; `merge` locks the folder it writes
//! and each shard folder it reads.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The lock file's name.
pub const LOCK_FILE: &str = ".orgsim.lock";

/// Why a folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live process holds the folder.
    #[error(
        "{} is in use by another orgsim: {holder}; wait until it ends, or write into another folder (--out)",
        .dir.display()
    )]
    Busy {
        /// The folder.
        dir: PathBuf,
        /// Who holds it, in words.
        holder: String,
    },
    /// The lock file could not be created or written.
    #[error("cannot lock {}: {source}", .path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

/// An exclusive lock on an output folder, released (and its file removed)
/// when dropped.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
    path: PathBuf,
    /// What the lock file said when it was taken over from a process that
    /// is gone (a note to print), if it was.
    pub taken_over: Option<String>,
}

impl FolderLock {
    /// Locks the existing folder `dir`.
    pub fn acquire(dir: &Path) -> Result<FolderLock, LockError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            let before = read_all(&mut file).map_err(io)?;
            let mut taken_over = None;
            match sys::try_lock(&file) {
                Ok(true) => {
                    // Removed by its last holder between our open and our
                    // lock: lock the file now at that path instead.
                    if !sys::same_file(&file, &path) {
                        continue;
                    }
                    // Re-read: the previous holder may have written since.
                    let previous = read_all(&mut file).map_err(io)?;
                    if !previous.trim().is_empty() {
                        taken_over = Some(format!(
                            "took over the lock of {} from {} (no longer running)",
                            dir.display(),
                            describe(&previous)
                        ));
                    }
                }
                Ok(false) => {
                    return Err(LockError::Busy {
                        dir: dir.to_path_buf(),
                        holder: describe(&before),
                    });
                }
                Err(_) => {
                    // No `flock` on this file system: trust the file's pid.
                    let holder = Holder::parse(&before);
                    match holder.as_ref().map(Holder::alive) {
                        Some(Liveness::Alive) => {
                            return Err(LockError::Busy {
                                dir: dir.to_path_buf(),
                                holder: describe(&before),
                            });
                        }
                        Some(Liveness::Dead) => {
                            taken_over = Some(format!(
                                "took over the lock of {} from {} (no longer running)",
                                dir.display(),
                                describe(&before)
                            ));
                        }
                        Some(Liveness::Unknown) => {
                            taken_over = Some(format!(
                                "warning: the file system of {} cannot lock files, and {} cannot be checked from this host: taking its lock over; make sure no two orgsim processes write into this folder at once",
                                dir.display(),
                                describe(&before)
                            ));
                        }
                        None => {}
                    }
                }
            }
            file.set_len(0).map_err(io)?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            file.write_all(Holder::mine().to_text().as_bytes())
                .map_err(io)?;
            file.flush().map_err(io)?;
            return Ok(FolderLock {
                file,
                path,
                taken_over,
            });
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Removed while still locked: a process that opened it meanwhile
        // finds, once it holds the lock, that the path is no longer its file
        // (`same_file`) and starts again.
        let _ = self.file.set_len(0);
        let _ = fs::remove_file(&self.path);
    }
}

fn read_all(file: &mut File) -> io::Result<String> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0))?;
    // A lock file that is not text is someone's leftover: treat it as empty.
    if file.read_to_string(&mut text).is_err() {
        text.clear();
    }
    Ok(text)
}

/// The holder of a lock, as written in the lock file.
#[derive(Debug, Clone, PartialEq)]
struct Holder {
    pid: u32,
    host: String,
    command: String,
    started: String,
}

enum Liveness {
    Alive,
    Dead,
    Unknown,
}

impl Holder {
    fn mine() -> Holder {
        Holder {
            pid: std::process::id(),
            host: sys::host_name(),
            command: std::env::args().collect::<Vec<_>>().join(" "),
            started: crate::util::time::rfc3339(SystemTime::now()),
        }
    }

    fn to_text(&self) -> String {
        format!(
            "pid={}\nhost={}\ncommand={}\nstarted={}\n",
            self.pid,
            self.host,
            self.command.replace('\n', " "),
            self.started
        )
    }

    fn parse(text: &str) -> Option<Holder> {
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .map(str::to_string)
        };
        Some(Holder {
            pid: field("pid")?.trim().parse().ok()?,
            host: field("host").unwrap_or_default(),
            command: field("command").unwrap_or_default(),
            started: field("started").unwrap_or_default(),
        })
    }

    fn alive(&self) -> Liveness {
        if self.host != sys::host_name() {
            return Liveness::Unknown;
        }
        if self.pid == std::process::id() {
            return Liveness::Alive;
        }
        sys::alive(self.pid)
    }
}

/// A lock file's holder in words.
fn describe(text: &str) -> String {
    match Holder::parse(text) {
        Some(h) => {
            let mut s = format!("process {}", h.pid);
            if !h.host.is_empty() {
                s.push_str(&format!(" on {}", h.host));
            }
            if !h.command.is_empty() {
                s.push_str(&format!(" (`{}`", h.command));
                if !h.started.is_empty() {
                    s.push_str(&format!(", started {}", h.started));
                }
                s.push(')');
            }
            s
        }
        None => "a process that left no name in the lock file".to_string(),
    }
}

#[cfg(unix)]
mod sys {
    use super::Liveness;
    use std::fs::File;
    use std::io;
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::io::AsRawFd;
    use std::path::Path;

    /// Ok(true) locked, Ok(false) held by another, Err: no `flock` here.
    pub(super) fn try_lock(file: &File) -> io::Result<bool> {
        // SAFETY: flock on a file descriptor this File owns.
        let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if r == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::WouldBlock {
            Ok(false)
        } else {
            Err(e)
        }
    }

    /// Whether `path` still names the open `file`.
    pub(super) fn same_file(file: &File, path: &Path) -> bool {
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }

    pub(super) fn alive(pid: u32) -> Liveness {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return Liveness::Dead;
        };
        // SAFETY: signal 0 only checks that the process exists.
        if unsafe { libc::kill(pid, 0) } == 0 {
            return Liveness::Alive;
        }
        match io::Error::last_os_error().raw_os_error() {
            Some(libc::ESRCH) => Liveness::Dead,
            _ => Liveness::Alive, // EPERM: it exists, as another user's
        }
    }

    pub(super) fn host_name() -> String {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is writable for its whole length.
        let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if r != 0 {
            return String::new();
        }
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    }
}

#[cfg(not(unix))]
mod sys {
    use super::Liveness;
    use std::fs::File;
    use std::io;
    use std::path::Path;

    pub fn try_lock(_: &File) -> io::Result<bool> {
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }

    pub fn same_file(_: &File, path: &Path) -> bool {
        path.exists()
    }

    pub fn alive(_: u32) -> Liveness {
        Liveness::Unknown
    }

    pub fn host_name() -> String {
        std::env::var("COMPUTERNAME").unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_the_first_is_released_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let first = FolderLock::acquire(tmp.path()).unwrap();
        assert!(first.taken_over.is_none());
        let text = fs::read_to_string(first.path()).unwrap();
        assert!(text.contains(&format!("pid={}", std::process::id())));
        match FolderLock::acquire(tmp.path()) {
            Err(LockError::Busy { holder, .. }) => {
                assert!(holder.contains(&std::process::id().to_string()), "{holder}");
            }
            other => panic!("a second lock was not refused: {other:?}"),
        }
        drop(first);
        assert!(!tmp.path().join(LOCK_FILE).exists());
        let again = FolderLock::acquire(tmp.path()).unwrap();
        assert!(again.taken_over.is_none());
    }

    #[test]
    fn a_lock_file_left_by_a_dead_process_is_taken_over_with_a_note() {
        let tmp = tempfile::tempdir().unwrap();
        let stale = "pid=4000000\nhost=nowhere\ncommand=orgsim run\nstarted=2026-01-01T00:00:00Z\n";
        fs::write(tmp.path().join(LOCK_FILE), stale).unwrap();
        let lock = FolderLock::acquire(tmp.path()).unwrap();
        let note = lock.taken_over.clone().expect("a note");
        assert!(note.contains("process 4000000 on nowhere"), "{note}");
        assert!(note.contains("orgsim run"), "{note}");
    }
}
