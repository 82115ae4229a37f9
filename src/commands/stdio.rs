//! Writing to standard output and standard error without ever panicking.
//!
//! A closed pipe (`orgsim scenarios | head -1`) is not an error: the command
//! stops writing and exits 0, as `head` asked. Any other error writing to
//! stdout (a full disk, `>/dev/full`) fails the command with exit code 1 and
//! a message on stderr. A failed write to stderr cannot be reported; it is
//! remembered, the command goes on (its files are still worth writing), and
//! the exit code is 1 at the end.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU8, Ordering};

use super::Failure;

/// The worst thing that happened writing to stderr: 0 nothing, 1 a closed
/// pipe, 2 another error.
static STDERR_STATE: AtomicU8 = AtomicU8::new(0);

/// Whether `e`, or any error it wraps, is a closed pipe.
pub fn is_closed_pipe(e: &io::Error) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            if io.kind() == io::ErrorKind::BrokenPipe {
                return true;
            }
            // An `io::Error` wrapping another error skips it in `source()`.
            if let Some(inner) = io.get_ref() {
                current = Some(inner);
                continue;
            }
        }
        current = err.source();
    }
    false
}

/// The failure a write error on stdout means: a quiet success for a closed
/// pipe, exit code 1 otherwise.
pub fn stdout_failure(e: io::Error) -> Failure {
    if is_closed_pipe(&e) {
        Failure::ClosedPipe
    } else {
        Failure::Stdout(e)
    }
}

/// Writes `bytes` to stdout and flushes them.
pub fn print_bytes(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(stdout_failure)
}

/// Writes `text` to stdout and flushes it.
pub fn print(text: &str) -> Result<(), Failure> {
    print_bytes(text.as_bytes())
}

/// Writes `text` and a newline to stderr; a failure is remembered for the
/// exit code (see [`stderr_failed`]), never a panic.
pub fn note(text: &str) {
    let mut err = io::stderr().lock();
    let written = err
        .write_all(text.as_bytes())
        .and_then(|()| err.write_all(b"\n"))
        .and_then(|()| err.flush());
    if let Err(e) = written {
        let state = if is_closed_pipe(&e) { 1 } else { 2 };
        STDERR_STATE.fetch_max(state, Ordering::SeqCst);
    }
}

/// Whether a write to stderr failed for another reason than a closed pipe.
pub fn stderr_failed() -> bool {
    STDERR_STATE.load(Ordering::SeqCst) == 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pipe_is_found_inside_a_wrapping_error() {
        let pipe = io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(is_closed_pipe(&pipe));
        let wrapped = io::Error::other(pipe);
        assert!(is_closed_pipe(&wrapped));
        let full = io::Error::from(io::ErrorKind::StorageFull);
        assert!(!is_closed_pipe(&full));
        assert!(!is_closed_pipe(&io::Error::other(full)));
    }
}
