//! Why a command failed, and the exit code that says so.

use std::fmt;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The user's input (scenario, flags, paths) is wrong: exit code 2.
    BadInput(String),
    /// Anything else (e.g. a disk error): exit code 1.
    Other(String),
    /// Stopped by SIGINT or SIGTERM, having kept what was finished (a
    /// sweep's checkpoint): exit code 130, whichever the signal.
    Interrupted(String),
    /// Standard output is a closed pipe (`orgsim ... | head`): the reader
    /// wanted no more, so the command stops quietly with exit code 0.
    ClosedPipe,
}

impl Failure {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::BadInput(_) => 2,
            Failure::Other(_) => 1,
            Failure::Interrupted(_) => 130,
            Failure::ClosedPipe => 0,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Interrupted(m) => f.write_str(m),
            Failure::ClosedPipe => Ok(()),
            Failure::BadInput(m) | Failure::Other(m) => {
                for (i, line) in m.lines().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "error: {line}")?;
                }
                Ok(())
            }
        }
    }
}

impl From<crate::scenario::ScenarioError> for Failure {
    fn from(e: crate::scenario::ScenarioError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

impl From<crate::experiment::OptionsError> for Failure {
    fn from(e: crate::experiment::OptionsError) -> Self {
        match e {
            crate::experiment::OptionsError::Interrupted { .. } => Failure::Interrupted(format!(
                "{e}: no result was written (the files of earlier runs are untouched)"
            )),
            _ => Failure::BadInput(e.to_string()),
        }
    }
}
