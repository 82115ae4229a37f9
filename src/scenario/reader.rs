//! Typed reading of a parsed scenario document: every check that fails is
//! recorded as a [`Problem`] (with the file, the TOML path, the line and any
//! `--set` that brought the value) and reading goes on, so that all problems
//! are reported at once.

use toml::{Table, Value};

use super::error::Problem;
use super::overrides::Applied;
use super::path::TomlPath;
use super::source_map::SourceMap;
use super::suggest;

/// The collector of problems of one scenario.
pub(crate) struct Ctx<'a> {
    file: &'a str,
    map: &'a SourceMap<'a>,
    applied: &'a [Applied],
    problems: Vec<Problem>,
    /// Keys that an unknown key was taken for a misspelling of ("did you
    /// mean"): their absence is not reported again.
    suggested: Vec<TomlPath>,
}

/// A table of the document together with its path.
#[derive(Clone)]
pub(crate) struct Tbl<'v> {
    /// The table.
    pub(crate) table: &'v Table,
    /// Where it is.
    pub(crate) path: TomlPath,
}

impl<'v> Tbl<'v> {
    /// The value of `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<&'v Value> {
        self.table.get(key)
    }

    /// Whether `key` is present.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// The path of `key` in this table.
    pub(crate) fn at(&self, key: &str) -> TomlPath {
        self.path.key(key)
    }
}

/// A numeric range a value must lie in (finiteness is always required).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bound {
    /// `>= 0`.
    NonNeg,
    /// `> 0`.
    Pos,
    /// A probability, in `[0, 1]`.
    Prob,
    /// In `(0, 1]`.
    UnitOpenBelow,
}

impl Bound {
    fn check(self, x: f64) -> Result<f64, String> {
        let ok = match self {
            Bound::NonNeg => x >= 0.0,
            Bound::Pos => x > 0.0,
            Bound::Prob => (0.0..=1.0).contains(&x),
            Bound::UnitOpenBelow => x > 0.0 && x <= 1.0,
        };
        if ok {
            return Ok(x);
        }
        let x = fmt_num(x);
        Err(match self {
            Bound::NonNeg => format!("must be >= 0, got {x}"),
            Bound::Pos => format!("must be > 0, got {x}"),
            Bound::Prob => format!("must be a probability in [0, 1], got {x}"),
            Bound::UnitOpenBelow => format!("must be in (0, 1], got {x}"),
        })
    }
}

/// A number as a user writes it in TOML (`nan`, `inf`, `-inf`, `2`, `0.5`).
pub(crate) fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        "nan".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else {
        x.to_string()
    }
}

/// The kind of a TOML value with its article: "a string", "an integer", ...
pub(crate) fn a_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a datetime",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// A short description of a value found where another kind was expected:
/// `the string "abc"`, `the boolean true`, `an array`, ...
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string {s:?}"),
        Value::Integer(i) => format!("the integer {i}"),
        Value::Float(x) => format!("the float {}", fmt_num(*x)),
        Value::Boolean(b) => format!("the boolean {b}"),
        Value::Datetime(d) => format!("the datetime {d}"),
        Value::Array(_) | Value::Table(_) => a_type(v).to_owned(),
    }
}

/// The `table.key` where `key`, unknown in the table at `here`, probably
/// belongs: the one whose key is `key`, or (at the top level, where a
/// `--set` path may lack its table) whose key is closest to it.
fn elsewhere(key: &str, here: &TomlPath) -> Option<String> {
    let paths = super::build::section_paths();
    let last = |p: &str| p.rsplit('.').next().unwrap_or(p).to_owned();
    let here = here.to_string();
    if let Some(p) = paths
        .iter()
        .find(|p| last(p) == key && !p.starts_with(&format!("{here}.")))
    {
        return Some(p.clone());
    }
    if !here.is_empty() {
        return None;
    }
    let lasts: Vec<String> = paths.iter().map(|p| last(p)).collect();
    let near = suggest::closest(key, lasts.iter().map(String::as_str))?;
    paths.iter().find(|p| last(p) == near).cloned()
}

impl<'a> Ctx<'a> {
    /// A collector for the document of `file`, whose lines are in `map`,
    /// after the overrides `applied`.
    pub(crate) fn new(file: &'a str, map: &'a SourceMap<'a>, applied: &'a [Applied]) -> Self {
        Self {
            file,
            map,
            applied,
            problems: Vec::new(),
            suggested: Vec::new(),
        }
    }

    /// The problems found so far, in order.
    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// Whether no problem has been found.
    pub(crate) fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// How many problems have been found (to tell whether a step added any).
    pub(crate) fn count(&self) -> usize {
        self.problems.len()
    }

    /// Records a problem at `path`. When a `--set` override brought the value
    /// at `path` (or an ancestor of it), the message says so and the line is
    /// left out: the faulty value is not in the file.
    pub(crate) fn report(&mut self, path: &TomlPath, message: impl Into<String>) {
        let mut message = message.into();
        let origin = self
            .applied
            .iter()
            .rev()
            .find(|a| path.starts_with(&a.origin));
        let line = match origin {
            Some(applied) => {
                message.push_str(&format!(" (from --set {})", applied.text));
                None
            }
            None => self.map.line(path),
        };
        self.problems.push(Problem {
            file: self.file.to_owned(),
            path: path.to_string(),
            line,
            message,
        });
    }

    /// Records a problem with no line, e.g. about an override that could not be applied.
    pub(crate) fn report_without_line(&mut self, path: &TomlPath, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_owned(),
            path: path.to_string(),
            line: None,
            message: message.into(),
        });
    }

    /// Records that the required `key` is missing from `t`.
    pub(crate) fn missing(&mut self, t: &Tbl<'_>, key: &str) {
        self.report_missing(&t.at(key), format!("missing required key `{key}`"));
    }

    /// Records that the required value at `path` is missing, unless an
    /// unknown key was already reported as a likely misspelling of it.
    pub(crate) fn report_missing(&mut self, path: &TomlPath, message: impl Into<String>) {
        if !self.was_suggested(path) {
            self.report(path, message);
        }
    }

    /// Whether an unknown key was reported as a likely misspelling of `path`.
    pub(crate) fn was_suggested(&self, path: &TomlPath) -> bool {
        self.suggested.contains(path)
    }

    /// Reports every key of `t` not in `allowed`, with a "did you mean" when
    /// one is close. Keys in `not_yet` are known to the design but not
    /// implemented; they get a message saying so.
    pub(crate) fn check_keys_with(&mut self, t: &Tbl<'_>, allowed: &[&str], not_yet: &[&str]) {
        for key in t.table.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let path = t.at(key);
            if not_yet.contains(&key.as_str()) {
                self.report(
                    &path,
                    format!("`{key}` is not supported yet in this version of orgsim; remove it"),
                );
                continue;
            }
            let message = match suggest::closest(key, allowed.iter().copied()) {
                Some(near) => {
                    self.suggested.push(t.at(near));
                    format!("unknown key `{key}`; did you mean `{near}`?")
                }
                None => match elsewhere(key, &t.path) {
                    Some(full) => {
                        format!("unknown key `{key}` here; did you mean `{full}`?")
                    }
                    None => format!(
                        "unknown key `{key}` (allowed here: {})",
                        suggest::list(allowed.iter().copied())
                    ),
                },
            };
            self.report(&path, message);
        }
    }

    /// Reports every key of `t` not in `allowed`.
    pub(crate) fn check_keys(&mut self, t: &Tbl<'_>, allowed: &[&str]) {
        self.check_keys_with(t, allowed, &[]);
    }

    /// `v` as a table with any keys (a map from names to values); reports
    /// otherwise.
    pub(crate) fn any_table<'v>(&mut self, v: &'v Value, path: TomlPath) -> Option<Tbl<'v>> {
        match v {
            Value::Table(table) => Some(Tbl { table, path }),
            other => {
                self.report(
                    &path,
                    format!("expected a table, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// `v` as a table whose keys are all in `allowed` (keys in `not_yet` get
    /// a "not supported yet" problem); reports otherwise.
    pub(crate) fn table_with<'v>(
        &mut self,
        v: &'v Value,
        path: TomlPath,
        allowed: &[&str],
        not_yet: &[&str],
    ) -> Option<Tbl<'v>> {
        let t = self.any_table(v, path)?;
        self.check_keys_with(&t, allowed, not_yet);
        Some(t)
    }

    /// `v` as a table whose keys are all in `allowed`; reports otherwise.
    pub(crate) fn table<'v>(
        &mut self,
        v: &'v Value,
        path: TomlPath,
        allowed: &[&str],
    ) -> Option<Tbl<'v>> {
        self.table_with(v, path, allowed, &[])
    }

    /// The table under `key` of `parent`, if present (reported if not a
    /// table; unknown keys inside it are checked against `allowed`).
    pub(crate) fn opt_table<'v>(
        &mut self,
        parent: &Tbl<'v>,
        key: &str,
        allowed: &[&str],
    ) -> Option<Tbl<'v>> {
        let v = parent.get(key)?;
        self.table(v, parent.at(key), allowed)
    }

    /// The table under `key` of `parent`; reported if missing or not a table.
    pub(crate) fn req_table<'v>(
        &mut self,
        parent: &Tbl<'v>,
        key: &str,
        allowed: &[&str],
    ) -> Option<Tbl<'v>> {
        if !parent.has(key) {
            self.missing(parent, key);
            return None;
        }
        self.opt_table(parent, key, allowed)
    }

    /// `v` as an array; reports otherwise. `hint` tells what was expected,
    /// e.g. "an array of task tables".
    pub(crate) fn array<'v>(
        &mut self,
        v: &'v Value,
        path: &TomlPath,
        hint: &str,
    ) -> Option<&'v [Value]> {
        match v {
            Value::Array(items) => Some(items),
            other => {
                self.report(path, format!("expected {hint}, found {}", describe(other)));
                None
            }
        }
    }

    /// `v` as a finite number in `bound` (integers are accepted).
    pub(crate) fn number(&mut self, v: &Value, path: &TomlPath, bound: Bound) -> Option<f64> {
        let x = match v {
            Value::Integer(i) => *i as f64,
            Value::Float(x) => *x,
            other => {
                self.report(
                    path,
                    format!("expected a number, found {}", describe(other)),
                );
                return None;
            }
        };
        if !x.is_finite() {
            self.report(path, format!("must be a finite number, got {}", fmt_num(x)));
            return None;
        }
        match bound.check(x) {
            Ok(x) => Some(x),
            Err(message) => {
                self.report(path, message);
                None
            }
        }
    }

    /// The number under `key` of `t`, or `default` when absent (reported as
    /// missing when there is no default).
    pub(crate) fn num_field(
        &mut self,
        t: &Tbl<'_>,
        key: &str,
        default: Option<f64>,
        bound: Bound,
    ) -> Option<f64> {
        match t.get(key) {
            Some(v) => self.number(v, &t.at(key), bound),
            None => {
                if default.is_none() {
                    self.missing(t, key);
                }
                default
            }
        }
    }

    /// `v` as an integer in `[min, max]`.
    pub(crate) fn integer(
        &mut self,
        v: &Value,
        path: &TomlPath,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        match v {
            Value::Integer(i) if (min..=max).contains(i) => Some(*i),
            Value::Integer(i) => {
                let message = if *i < min {
                    format!("must be an integer >= {min}, got {i}")
                } else {
                    format!("must be an integer <= {max}, got {i}")
                };
                self.report(path, message);
                None
            }
            other => {
                self.report(
                    path,
                    format!("expected an integer, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// The integer under `key` of `t`, or `default` when absent (reported as
    /// missing when there is no default).
    pub(crate) fn int_field(
        &mut self,
        t: &Tbl<'_>,
        key: &str,
        default: Option<i64>,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        match t.get(key) {
            Some(v) => self.integer(v, &t.at(key), min, max),
            None => {
                if default.is_none() {
                    self.missing(t, key);
                }
                default
            }
        }
    }

    /// `v` as a string.
    pub(crate) fn string<'v>(&mut self, v: &'v Value, path: &TomlPath) -> Option<&'v str> {
        match v {
            Value::String(s) => Some(s),
            other => {
                self.report(
                    path,
                    format!("expected a string, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// The required string under `key` of `t`.
    pub(crate) fn str_field<'v>(&mut self, t: &Tbl<'v>, key: &str) -> Option<&'v str> {
        match t.get(key) {
            Some(v) => self.string(v, &t.at(key)),
            None => {
                self.missing(t, key);
                None
            }
        }
    }

    /// The required, non-empty name under `key` of `t`; with `slug`, it must
    /// also match `[a-z0-9_-]+` (it becomes part of file names).
    pub(crate) fn name_field<'v>(&mut self, t: &Tbl<'v>, key: &str, slug: bool) -> Option<&'v str> {
        let name = self.str_field(t, key)?;
        if name.is_empty() {
            self.report(&t.at(key), "must not be empty");
            return None;
        }
        if slug && !is_slug(name) {
            self.report(
                &t.at(key),
                format!("must use only lowercase letters, digits, `-` and `_` ([a-z0-9_-]+), got {name:?}"),
            );
            return None;
        }
        Some(name)
    }
}

/// Whether `s` matches `[a-z0-9_-]+`.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert!(Bound::Prob.check(1.0).is_ok());
        assert!(Bound::Prob.check(1.5).unwrap_err().contains("[0, 1]"));
        assert!(Bound::Pos.check(0.0).unwrap_err().contains("> 0"));
        assert!(Bound::NonNeg.check(0.0).is_ok());
        assert!(Bound::UnitOpenBelow.check(0.0).is_err());
        assert!(Bound::UnitOpenBelow.check(1.0).is_ok());
    }

    #[test]
    fn slugs() {
        assert!(is_slug("prime-video_2"));
        assert!(!is_slug("Prime"));
        assert!(!is_slug("a b"));
        assert!(!is_slug(""));
    }

    #[test]
    fn formats_numbers_like_toml() {
        assert_eq!(fmt_num(f64::NAN), "nan");
        assert_eq!(fmt_num(f64::NEG_INFINITY), "-inf");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(2.0), "2");
    }
}
