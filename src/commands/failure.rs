//! Why a command failed. Which exit code each failure means is decided in
//! one place, `main`.

use std::error::Error;
use std::fmt;
use std::io;
use std::path::PathBuf;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The user's input (scenario, flags, paths) is wrong: exit code 2.
    BadInput(String),
    /// A file or folder could not be written (a full disk, lost rights):
    /// exit code 1.
    Io {
        /// What was being done: `write to`, `write`, ...
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The error of the operating system.
        source: io::Error,
    },
    /// Standard output could not be written, other than as a closed pipe
    /// (`>/dev/full`): exit code 1.
    Stdout(io::Error),
    /// Anything else (a damaged checkpoint, failed checks): exit code 1.
    Other(Box<dyn Error + Send + Sync>),
    /// Stopped by SIGINT or SIGTERM, having kept what was finished (a
    /// sweep's checkpoint): exit code 130, whichever the signal.
    Interrupted(String),
    /// Standard output is a closed pipe (`orgsim ... | head`): the reader
    /// wanted no more, so the command stops quietly with exit code 0.
    ClosedPipe,
}

impl Failure {
    /// A failure for any other reason than bad input, described by `message`.
    pub fn other(message: impl Into<String>) -> Failure {
        Failure::Other(message.into().into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            Failure::Interrupted(m) => return f.write_str(m),
            Failure::ClosedPipe => return Ok(()),
            Failure::BadInput(m) => m.clone(),
            Failure::Io {
                action,
                path,
                source,
            } => format!("cannot {action} {}: {source}", path.display()),
            Failure::Stdout(e) => format!("cannot write to standard output: {e}"),
            Failure::Other(e) => e.to_string(),
        };
        for (i, line) in message.lines().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {line}")?;
        }
        Ok(())
    }
}

impl Error for Failure {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Failure::Io { source, .. } | Failure::Stdout(source) => Some(source),
            Failure::Other(e) => e.source(),
            _ => None,
        }
    }
}

impl From<orgsim::scenario::ScenarioError> for Failure {
    fn from(e: orgsim::scenario::ScenarioError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

impl From<orgsim::experiment::RunError> for Failure {
    fn from(e: orgsim::experiment::RunError) -> Self {
        use orgsim::experiment::RunError;
        match e {
            RunError::Interrupted { .. } => Failure::Interrupted(format!(
                "{e}: no result was written (the files of earlier runs are untouched)"
            )),
            RunError::ThreadPool { .. } => Failure::Other(Box::new(e)),
            _ => Failure::BadInput(e.to_string()),
        }
    }
}

impl From<orgsim::experiment::sweep::SweepError> for Failure {
    fn from(e: orgsim::experiment::sweep::SweepError) -> Self {
        use orgsim::experiment::sweep::SweepError;
        match e {
            SweepError::BadInput(m) => Failure::BadInput(m),
            SweepError::Io {
                action,
                path,
                source,
            } => Failure::Io {
                action,
                path,
                source,
            },
            SweepError::Run(e) => e.into(),
            e @ SweepError::Damaged(_) => Failure::Other(Box::new(e)),
        }
    }
}

impl From<orgsim::report::sweep_files::WriteError> for Failure {
    fn from(e: orgsim::report::sweep_files::WriteError) -> Self {
        Failure::Io {
            action: "write",
            path: e.path,
            source: e.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_a_message_is_an_error_line_and_sources_are_kept() {
        let f = Failure::BadInput("first\nsecond".into());
        assert_eq!(f.to_string(), "error: first\nerror: second");
        let f = Failure::Io {
            action: "write to",
            path: PathBuf::from("out"),
            source: io::Error::from(io::ErrorKind::StorageFull),
        };
        assert!(f.to_string().starts_with("error: cannot write to out: "));
        let source = f.source().and_then(|s| s.downcast_ref::<io::Error>());
        assert_eq!(
            source.map(io::Error::kind),
            Some(io::ErrorKind::StorageFull)
        );
        assert_eq!(Failure::ClosedPipe.to_string(), "");
    }
}
