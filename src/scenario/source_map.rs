//! Where each value of a scenario file is written: a map from TOML path to
//! 1-based line number, built from the parser's spans.

use std::collections::BTreeMap;

use toml::de::{DeTable, DeValue};

use super::path::TomlPath;

/// Line numbers of the keys and array elements of one document, found
/// the first time a line is asked for: a scenario without problems never
/// needs them, and a 3,000-stream file has tens of thousands of keys.
#[derive(Debug)]
pub(crate) struct SourceMap<'t> {
    text: &'t str,
    lines: std::cell::OnceCell<Lines>,
}

#[derive(Debug, Default)]
struct Lines {
    lines: BTreeMap<TomlPath, usize>,
}

impl<'t> SourceMap<'t> {
    /// The map of every key and array element of `text` to the line where
    /// it is written (a key's own line; for a table, the line of its
    /// header). An unparsable text gives an empty map.
    pub(crate) fn build(text: &'t str) -> Self {
        Self {
            text,
            lines: std::cell::OnceCell::new(),
        }
    }

    /// The line of the deepest prefix of `path` (itself included) that is
    /// written in the file: a key missing from a table points at the table.
    pub(crate) fn line(&self, path: &TomlPath) -> Option<usize> {
        let lines = &self.lines.get_or_init(|| Lines::of(self.text)).lines;
        (1..=path.segments().len())
            .rev()
            .find_map(|len| lines.get(&path.truncated(len)).copied())
    }
}

impl Lines {
    fn of(text: &str) -> Self {
        let mut map = Self::default();
        if let Ok(doc) = DeTable::parse(text) {
            let lines = LineIndex::new(text);
            map.walk_table(doc.get_ref(), &TomlPath::root(), &lines);
        }
        map
    }

    fn walk_table(&mut self, table: &DeTable<'_>, path: &TomlPath, lines: &LineIndex) {
        for (key, value) in table.iter() {
            let child = path.key(key.get_ref());
            // A table has one key span per definition; the first one seen (the
            // key's first appearance) is the one kept.
            self.lines
                .entry(child.clone())
                .or_insert_with(|| lines.line_of(key.span().start));
            self.walk_value(value.get_ref(), &child, lines);
        }
    }

    fn walk_value(&mut self, value: &DeValue<'_>, path: &TomlPath, lines: &LineIndex) {
        match value {
            DeValue::Table(table) => self.walk_table(table, path, lines),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let child = path.index(i);
                    self.lines
                        .insert(child.clone(), lines.line_of(item.span().start));
                    self.walk_value(item.get_ref(), &child, lines);
                }
            }
            _ => {}
        }
    }
}

/// Byte offset to line number conversion for one text.
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line breaks of `text`.
    pub(crate) fn new(text: &str) -> Self {
        Self {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name = \"x\"\n\n[simulation]\nhorizon = 5\n\n[[workload.streams]]\nname = \"a\"\n\n[[workload.streams]]\nname = \"b\"\nbacklog.wip = 3\n\n[workload.items.feature]\ntasks = [\n  { name = \"spec\" },\n  { name = \"b\",\n    effort = 2 },\n]\n";

    fn p(keys: &[&str]) -> TomlPath {
        let mut path = TomlPath::root();
        for k in keys {
            path = match k.parse::<usize>() {
                Ok(i) => path.index(i),
                Err(_) => path.key(k),
            };
        }
        path
    }

    #[test]
    fn lines_of_keys_headers_and_elements() {
        let map = SourceMap::build(DOC);
        assert_eq!(map.line(&p(&["name"])), Some(1));
        assert_eq!(map.line(&p(&["simulation"])), Some(3));
        assert_eq!(map.line(&p(&["simulation", "horizon"])), Some(4));
        assert_eq!(map.line(&p(&["workload", "streams", "1"])), Some(9));
        assert_eq!(
            map.line(&p(&["workload", "streams", "1", "backlog", "wip"])),
            Some(11)
        );
        assert_eq!(map.line(&p(&["workload", "items", "feature"])), Some(13));
        assert_eq!(
            map.line(&p(&["workload", "items", "feature", "tasks", "1"])),
            Some(16)
        );
        assert_eq!(
            map.line(&p(&[
                "workload", "items", "feature", "tasks", "1", "effort"
            ])),
            Some(17)
        );
    }

    #[test]
    fn missing_keys_fall_back_to_the_deepest_written_prefix() {
        let map = SourceMap::build(DOC);
        assert_eq!(map.line(&p(&["simulation", "seed"])), Some(3));
        assert_eq!(map.line(&p(&["workload", "streams", "0", "item"])), Some(6));
        assert_eq!(map.line(&p(&["organization", "people"])), None);
        assert_eq!(map.line(&TomlPath::root()), None);
    }

    #[test]
    fn line_index() {
        let idx = LineIndex::new("a\nb\n\nc");
        assert_eq!(idx.line_of(0), 1);
        assert_eq!(idx.line_of(1), 1);
        assert_eq!(idx.line_of(2), 2);
        assert_eq!(idx.line_of(4), 3);
        assert_eq!(idx.line_of(5), 4);
    }
}
