//! `sweep --json`: the sweep's summary as one JSON document on stdout, its
//! rows carrying the columns of `sweep.csv`, `sweep_comparison.csv` and
//! `sweep_points.csv` under the same names (the varied paths as given, then
//! the columns of `summary.csv`, `comparison.csv` or `sweep_points.csv`).

use std::io;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};

use super::layout::{COMPARISON_COLUMNS, SUMMARY_COLUMNS};
use super::sweep_csv::POINT_COLUMNS;
use crate::experiment::sweep::{PointRecord, RecordSource, SweepManifest};

/// A cell as JSON: empty is `null` (a value withheld, as in the CSV),
/// `true`/`false` booleans, a number a number, anything else a string.
fn cell(text: &str) -> Value {
    match text {
        "" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => match text.parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => match text.parse::<f64>() {
                Ok(x) if x.is_finite() => Value::from(x),
                _ => Value::String(text.to_string()),
            },
        },
    }
}

/// The rows `rows` picks from record `r`, as objects keyed by the path
/// columns and `columns`, each handed to `out`.
fn rows_of<'a, E>(
    paths: &[String],
    columns: &[&str],
    r: &'a PointRecord,
    rows: impl Fn(&'a PointRecord) -> &'a [Vec<String>],
    out: &mut impl FnMut(Value) -> Result<(), E>,
) -> Result<(), E> {
    for row in rows(r) {
        let mut object = Map::new();
        for (name, text) in paths.iter().zip(&r.values) {
            object.insert(name.clone(), cell(text));
        }
        for (name, text) in columns.iter().zip(row) {
            object.insert((*name).to_string(), cell(text));
        }
        out(Value::Object(object))?;
    }
    Ok(())
}

/// The row of `sweep_points.csv` of record `r`, as an object keyed by its
/// columns.
fn point_row(manifest: &SweepManifest, r: &PointRecord) -> Value {
    let mut object = Map::new();
    for (name, text) in manifest.paths.iter().zip(&r.values) {
        object.insert(name.clone(), cell(text));
    }
    let precision = manifest.precision.as_ref().zip(r.precision.as_ref());
    let cells = [
        Value::from(r.replications),
        precision.map_or(Value::Null, |(t, _)| Value::from(t.metric.clone())),
        precision.map_or(Value::Null, |(t, _)| Value::from(t.target)),
        precision.map_or(Value::Null, |(_, p)| cell(&p.achieved)),
        precision.map_or(Value::Null, |(_, p)| Value::Bool(p.met)),
    ];
    for (name, value) in POINT_COLUMNS.iter().zip(cells) {
        object.insert((*name).to_string(), value);
    }
    Value::Object(object)
}

/// Which rows of every record a list of the document holds.
#[derive(Clone, Copy)]
enum Rows {
    Summary,
    Comparison,
    PerPoint,
}

impl Rows {
    const ALL: [(&'static str, Rows); 3] = [
        ("summary", Rows::Summary),
        ("comparison", Rows::Comparison),
        ("per_point", Rows::PerPoint),
    ];

    /// Hands every object of this list in record `r` to `out`.
    fn each<E>(
        self,
        manifest: &SweepManifest,
        r: &PointRecord,
        out: &mut impl FnMut(Value) -> Result<(), E>,
    ) -> Result<(), E> {
        let paths = &manifest.paths;
        match self {
            Rows::Summary => rows_of(paths, &SUMMARY_COLUMNS, r, |r| &r.summary, out),
            Rows::Comparison => rows_of(paths, &COMPARISON_COLUMNS, r, |r| &r.comparison, out),
            Rows::PerPoint => out(point_row(manifest, r)),
        }
    }
}

/// The small fields of the document, the lists as placeholders (`null`)
/// in their places.
fn head(manifest: &SweepManifest) -> Value {
    json!({
        "scenario": manifest.scenario,
        "seed": manifest.seed,
        "replications": manifest.replications,
        "precision": manifest.precision,
        "warmup": manifest.warmup,
        "horizon": manifest.horizon,
        "topologies": manifest.topologies,
        "paths": manifest.paths,
        "points": manifest.points.len(),
        "warnings": manifest.warnings,
        "summary": Value::Null,
        "comparison": Value::Null,
        "per_point": Value::Null,
    })
}

/// The JSON document of a finished sweep: its identity (scenario, seed,
/// replications, the precision target if any, topologies with the baseline
/// first, the varied paths), its warnings, and every row of `sweep.csv`
/// (`summary`), `sweep_comparison.csv` (`comparison`) and
/// `sweep_points.csv` (`per_point`), in grid order.
pub fn sweep_json(manifest: &SweepManifest, records: &[PointRecord]) -> String {
    let mut report = head(manifest);
    if let Some(object) = report.as_object_mut() {
        for (key, rows) in Rows::ALL {
            let mut list = Vec::new();
            for r in records {
                let _ = rows.each::<()>(manifest, r, &mut |v| {
                    list.push(v);
                    Ok(())
                });
            }
            object.insert(key.to_string(), Value::Array(list));
        }
    }
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// Writes [`sweep_json`]'s document of `records` to `out`, byte for byte,
/// but a point at a time: the rows are never all in memory (each list
/// reads the records once more).
pub fn write_sweep_json<W: io::Write>(
    out: W,
    manifest: &SweepManifest,
    records: &dyn RecordSource,
) -> io::Result<()> {
    let document = Document {
        head: head(manifest),
        manifest,
        records,
    };
    serde_json::to_writer_pretty(out, &document).map_err(io::Error::from)
}

/// The document, its lists serialized as they are read.
struct Document<'a> {
    head: Value,
    manifest: &'a SweepManifest,
    records: &'a dyn RecordSource,
}

/// One list of the document.
struct List<'a> {
    rows: Rows,
    manifest: &'a SweepManifest,
    records: &'a dyn RecordSource,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(fields) = self.head.as_object() else {
            return self.head.serialize(serializer);
        };
        // In the order of the map of the head, whatever order it keeps.
        let mut map = serializer.serialize_map(Some(fields.len()))?;
        for (key, value) in fields {
            match Rows::ALL.iter().find(|(k, _)| k == key) {
                Some(&(_, rows)) => map.serialize_entry(
                    key,
                    &List {
                        rows,
                        manifest: self.manifest,
                        records: self.records,
                    },
                )?,
                None => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

impl Serialize for List<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut seq = serializer.serialize_seq(None)?;
        let mut failed = None;
        let read = self.records.for_each(&mut |r| {
            self.rows
                .each(self.manifest, r, &mut |v| seq.serialize_element(&v))
                .map_err(|e| {
                    failed = Some(e);
                    io::Error::other("stopped")
                })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        read.map_err(S::Error::custom)?;
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::cell;
    use serde_json::Value;

    #[test]
    fn cells_keep_their_type() {
        assert_eq!(cell(""), Value::Null);
        assert_eq!(cell("true"), Value::Bool(true));
        assert_eq!(cell("30"), Value::from(30));
        assert_eq!(cell("0.1"), Value::from(0.1));
        assert_eq!(cell("-2.5e-3"), Value::from(-0.0025));
        assert_eq!(cell("matrix"), Value::from("matrix"));
        assert_eq!(cell("NaN"), Value::from("NaN"));
    }
}
