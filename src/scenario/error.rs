//! What is wrong with a scenario: one [`Problem`] per rule broken, collected
//! into a [`ScenarioError`].

use std::fmt;

/// One thing wrong with a scenario, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The scenario file (or source name given to `load_str`).
    pub file: String,
    /// The dotted TOML path the problem is about, e.g.
    /// `workload.streams[1].interarrival.mean`; empty for the whole file.
    pub path: String,
    /// The 1-based line of the path (or of its deepest written ancestor),
    /// when it is written in the file.
    pub line: Option<usize>,
    /// What is wrong, in words (ends with `(from --set PATH=VALUE)` when a
    /// `--set` override brought the faulty value).
    pub message: String,
}

impl fmt::Display for Problem {
    /// `<file>:<line>: <path>: <message>`, leaving out the line when unknown
    /// and the path when it is the whole file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a scenario (never empty when returned by the
/// loaders), in the order they were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The problems, one per rule broken.
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    /// An error made of a single problem about the whole file.
    pub(crate) fn whole_file(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            problems: vec![Problem {
                file: file.to_owned(),
                path: String::new(),
                line,
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for ScenarioError {
    /// One line per problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(path: &str, line: Option<usize>) -> Problem {
        Problem {
            file: "s.toml".into(),
            path: path.into(),
            line,
            message: "bad".into(),
        }
    }

    #[test]
    fn display_forms() {
        assert_eq!(problem("a.b", Some(3)).to_string(), "s.toml:3: a.b: bad");
        assert_eq!(problem("a.b", None).to_string(), "s.toml: a.b: bad");
        assert_eq!(problem("", Some(2)).to_string(), "s.toml:2: bad");
        assert_eq!(problem("", None).to_string(), "s.toml: bad");
        let err = ScenarioError {
            problems: vec![problem("a", Some(1)), problem("b", None)],
        };
        assert_eq!(err.to_string(), "s.toml:1: a: bad\ns.toml: b: bad");
    }
}
