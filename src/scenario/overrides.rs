//! `--set PATH=VALUE`: parsing an override and applying it to the parsed
//! document before validation (README, "Writing a scenario").

use std::fmt;
use std::str::FromStr;

use toml::{Table, Value};

use super::path::TomlPath;
use super::suggest;

/// One `--set PATH=VALUE` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The dotted PATH split at the dots; inside an array a segment is an
    /// element's `name` or a numeric index.
    pub path: Vec<String>,
    /// VALUE parsed as a TOML value (a bare word that is not one is a string).
    pub value: Value,
    /// The argument as given, `PATH=VALUE`, for messages.
    pub text: String,
}

impl Override {
    /// Parses `PATH=VALUE`. PATH is split at every `.`; no segment may be
    /// empty. VALUE is parsed as a TOML value (`3`, `0.5`, `"x"`, `true`,
    /// `[1, 2]`, `{ dist = "exponential", mean = 2 }`); anything that does
    /// not parse is taken as a string.
    pub fn parse(arg: &str) -> Result<Override, String> {
        let Some((path_text, value_text)) = arg.split_once('=') else {
            return Err(format!(
                "`--set {arg}`: expected PATH=VALUE (e.g. architecture.coupling=0.3), found no `=`"
            ));
        };
        let path_text = path_text.trim();
        if path_text.is_empty() {
            return Err(format!(
                "`--set {arg}`: PATH before `=` is empty (expected e.g. architecture.coupling=0.3)"
            ));
        }
        let mut path = Vec::new();
        for segment in path_text.split('.') {
            let segment = segment.trim();
            if segment.is_empty() {
                return Err(format!(
                    "`--set {arg}`: PATH `{path_text}` has an empty segment (two dots in a row, or a dot at an end)"
                ));
            }
            path.push(segment.to_owned());
        }
        let value_text = value_text.trim();
        let value = value_text
            .parse::<Value>()
            .unwrap_or_else(|_| Value::String(value_text.to_owned()));
        Ok(Override {
            path,
            value,
            text: arg.to_owned(),
        })
    }
}

impl FromStr for Override {
    type Err = String;

    /// Same as [`Override::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Override {
    /// The argument as given, `PATH=VALUE`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Where an override put its value: every value at or under `origin` came
/// from it.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    /// The shallowest node the override created or replaced.
    pub(crate) origin: TomlPath,
    /// The override as given, `PATH=VALUE`.
    pub(crate) text: String,
}

/// An override that could not be applied.
#[derive(Debug, Clone)]
pub(crate) struct Failed {
    /// The deepest existing node of the document on the override's path.
    pub(crate) path: TomlPath,
    /// Why, in words (without the `(from --set ...)` suffix).
    pub(crate) message: String,
    /// The override as given.
    pub(crate) text: String,
}

/// Applies the overrides in order (a later one wins over an earlier one on
/// the same path). Returns where each applied override put its value and
/// the overrides that could not be applied.
pub(crate) fn apply(doc: &mut Table, overrides: &[Override]) -> (Vec<Applied>, Vec<Failed>) {
    let mut applied = Vec::new();
    let mut failed = Vec::new();
    for ov in overrides {
        match set_in_table(doc, &ov.path, TomlPath::root(), None, ov.value.clone()) {
            Ok(origin) => applied.push(Applied {
                origin,
                text: ov.text.clone(),
            }),
            Err((path, message)) => failed.push(Failed {
                path,
                message,
                text: ov.text.clone(),
            }),
        }
    }
    (applied, failed)
}

type SetResult = Result<TomlPath, (TomlPath, String)>;

fn set_in_table(
    table: &mut Table,
    segs: &[String],
    path: TomlPath,
    created: Option<TomlPath>,
    value: Value,
) -> SetResult {
    let Some((first, rest)) = segs.split_first() else {
        return Err((path, "empty PATH".to_owned()));
    };
    let here = path.key(first);
    if rest.is_empty() {
        table.insert(first.clone(), value);
        return Ok(created.unwrap_or(here));
    }
    let created = match table.get(first.as_str()) {
        Some(_) => created,
        None => {
            table.insert(first.clone(), Value::Table(Table::new()));
            created.or_else(|| Some(here.clone()))
        }
    };
    match table.get_mut(first.as_str()) {
        Some(child) => set_in_value(child, rest, here, created, value),
        None => Err((here, "internal error: table entry vanished".to_owned())),
    }
}

fn set_in_value(
    node: &mut Value,
    segs: &[String],
    path: TomlPath,
    created: Option<TomlPath>,
    value: Value,
) -> SetResult {
    let Some((first, rest)) = segs.split_first() else {
        return Err((path, "empty PATH".to_owned()));
    };
    match node {
        Value::Table(table) => set_in_table(table, segs, path, created, value),
        Value::Array(items) => {
            let index = find_element(items, first, &path)?;
            let here = path.index(index);
            if rest.is_empty() {
                items[index] = value;
                return Ok(created.unwrap_or(here));
            }
            set_in_value(&mut items[index], rest, here, created, value)
        }
        other => Err((
            path.clone(),
            format!(
                "`{path}` is {}, not a table, so it has no `{first}` to set",
                super::reader::a_type(other)
            ),
        )),
    }
}

/// The element of `items` whose `name` is `segment`, or else the element at
/// index `segment`.
fn find_element(
    items: &[Value],
    segment: &str,
    path: &TomlPath,
) -> Result<usize, (TomlPath, String)> {
    let name_of = |item: &Value| item.get("name").and_then(Value::as_str).map(str::to_owned);
    if let Some(i) = items
        .iter()
        .position(|item| name_of(item).as_deref() == Some(segment))
    {
        return Ok(i);
    }
    if let Ok(i) = segment.parse::<usize>() {
        if i < items.len() {
            return Ok(i);
        }
        return Err((
            path.clone(),
            format!(
                "`{path}` has {} element(s), so index {i} does not exist (indices start at 0)",
                items.len()
            ),
        ));
    }
    let names: Vec<String> = items.iter().filter_map(name_of).collect();
    let message = if names.is_empty() {
        format!("`{path}` has no element named `{segment}` (select an element by its index)")
    } else {
        format!(
            "`{path}` has no element named `{segment}`{} (names: {})",
            suggest::did_you_mean(segment, names.iter().map(String::as_str)),
            suggest::list(names.iter().map(String::as_str))
        )
    };
    Err((path.clone(), message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ov(arg: &str) -> Override {
        match Override::parse(arg) {
            Ok(o) => o,
            Err(e) => panic!("{arg}: {e}"),
        }
    }

    #[test]
    fn parses_paths_and_values() {
        let o = ov("workload.streams.tv-apps.interarrival.mean=3");
        assert_eq!(
            o.path,
            ["workload", "streams", "tv-apps", "interarrival", "mean"]
        );
        assert_eq!(o.value, Value::Integer(3));
        assert_eq!(o.text, "workload.streams.tv-apps.interarrival.mean=3");
        assert_eq!(ov("a=0.5").value, Value::Float(0.5));
        assert_eq!(ov("a=true").value, Value::Boolean(true));
        assert_eq!(ov("a=\"x y\"").value, Value::String("x y".into()));
        assert_eq!(ov("a=matrix").value, Value::String("matrix".into()));
        assert_eq!(
            ov("a=single-threaded").value,
            Value::String("single-threaded".into())
        );
        assert_eq!(
            ov("a=[1, 2]").value,
            Value::Array(vec![Value::Integer(1), Value::Integer(2)])
        );
        assert!(
            ov("a={ dist = \"exponential\", mean = 2 }")
                .value
                .is_table()
        );
        assert_eq!(ov("a=x=y").value, Value::String("x=y".into()));
        assert_eq!(ov("a=").value, Value::String(String::new()));
        assert_eq!(
            "b.c=1".parse::<Override>().map(|o| o.path),
            Ok(vec!["b".into(), "c".into()])
        );
    }

    #[test]
    fn rejects_malformed_arguments() {
        assert!(Override::parse("abc").unwrap_err().contains("no `=`"));
        assert!(Override::parse("=3").unwrap_err().contains("empty"));
        assert!(
            Override::parse("a..b=3")
                .unwrap_err()
                .contains("empty segment")
        );
        assert!(
            Override::parse(".a=3")
                .unwrap_err()
                .contains("empty segment")
        );
        assert!(
            Override::parse("a.=3")
                .unwrap_err()
                .contains("empty segment")
        );
    }

    fn doc() -> Table {
        match "[a]\nx = 1\n[[s]]\nname = \"p-q\"\nv = 1\n[[s]]\nname = \"r\"\nv = 2\n"
            .parse::<Table>()
        {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn applies_by_name_index_and_creates_tables() {
        let mut d = doc();
        let (applied, failed) = apply(
            &mut d,
            &[ov("a.x=5"), ov("s.p-q.v=10"), ov("s.1.v=20"), ov("b.c.d=1")],
        );
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(d["a"]["x"], Value::Integer(5));
        assert_eq!(d["s"][0]["v"], Value::Integer(10));
        assert_eq!(d["s"][1]["v"], Value::Integer(20));
        assert_eq!(d["b"]["c"]["d"], Value::Integer(1));
        let origins: Vec<String> = applied.iter().map(|a| a.origin.to_string()).collect();
        assert_eq!(origins, ["a.x", "s[0].v", "s[1].v", "b"]);
    }

    #[test]
    fn reports_missing_elements_and_scalars_in_the_way() {
        let mut d = doc();
        let (applied, failed) = apply(&mut d, &[ov("s.pq.v=1"), ov("s.7.v=1"), ov("a.x.y=1")]);
        assert!(applied.is_empty());
        assert_eq!(failed.len(), 3);
        assert_eq!(failed[0].path.to_string(), "s");
        assert!(
            failed[0]
                .message
                .contains("no element named `pq`; did you mean `p-q`?")
        );
        assert!(failed[1].message.contains("index 7 does not exist"));
        assert_eq!(failed[2].path.to_string(), "a.x");
        assert!(failed[2].message.contains("is an integer, not a table"));
    }
}
