//! Paths into a scenario document (`workload.streams[1].interarrival.mean`):
//! how problems name the place they are about, and how the source map and
//! `--set` overrides are keyed.

use std::fmt;

/// One step of a [`TomlPath`]: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Seg {
    /// A key of a table.
    Key(String),
    /// A position in an array (0-based).
    Index(usize),
}

/// A path from the document root to a value, displayed the dotted TOML way
/// with array positions in brackets.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TomlPath(Vec<Seg>);

impl TomlPath {
    /// The document root (displayed as the empty string).
    pub(crate) fn root() -> Self {
        Self(Vec::new())
    }

    /// The path of `key` inside the table at this path.
    pub(crate) fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        Self(segs)
    }

    /// The path of element `index` of the array at this path.
    pub(crate) fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        Self(segs)
    }

    /// The steps from the root.
    pub(crate) fn segments(&self) -> &[Seg] {
        &self.0
    }

    /// Whether `prefix` is this path or one of its ancestors.
    pub(crate) fn starts_with(&self, prefix: &TomlPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// The path made of the first `len` steps of this one.
    pub(crate) fn truncated(&self, len: usize) -> Self {
        Self(self.0[..len.min(self.0.len())].to_vec())
    }
}

/// Whether `key` can be written bare in a dotted TOML path.
fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for TomlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if is_bare_key(key) {
                        f.write_str(key)?;
                    } else {
                        write!(f, "\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))?;
                    }
                }
                Seg::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_dotted_with_indices_and_quotes() {
        let p = TomlPath::root()
            .key("workload")
            .key("streams")
            .index(1)
            .key("interarrival")
            .key("mean");
        assert_eq!(p.to_string(), "workload.streams[1].interarrival.mean");
        assert_eq!(TomlPath::root().to_string(), "");
        assert_eq!(
            TomlPath::root().key("a.b").key("c").to_string(),
            "\"a.b\".c"
        );
    }

    #[test]
    fn prefixes() {
        let p = TomlPath::root().key("a").index(0).key("b");
        assert!(p.starts_with(&TomlPath::root().key("a")));
        assert!(p.starts_with(&p));
        assert!(!p.starts_with(&TomlPath::root().key("b")));
        assert_eq!(p.truncated(2), TomlPath::root().key("a").index(0));
    }
}
