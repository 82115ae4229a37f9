//! `--vary PATH=SPEC`: the values one scenario path takes in a sweep, and
//! the grid that several of them make.
//!
//! SPEC is `START:STOP:STEP` (inclusive at both ends) or a list `v1,v2,...`
//! whose items are read exactly like a `--set` VALUE. A range whose three
//! numbers are integers gives integers; otherwise floats, computed as
//! `START + k·STEP` and rounded to the decimals the user wrote, so that
//! `0:0.6:0.1` gives `0, 0.1, ..., 0.6` (7 values, ending exactly at 0.6,
//! never `0.30000000000000004`).

use toml::Value;

use crate::scenario::Override;
use crate::util::fmt::number;

/// Most values one `--vary` may generate.
pub const MAX_VALUES_PER_PATH: usize = 100_000;

/// One value a varied path takes.
#[derive(Debug, Clone, PartialEq)]
pub struct PointValue {
    /// The value, as applied to the scenario document.
    pub value: Value,
    /// The value as written in the output files (floats in shortest
    /// round-trip form, strings as they are).
    pub cell: String,
}

/// One `--vary PATH=SPEC`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// PATH as given (the column name in `sweep.csv`).
    pub path: String,
    /// The values, in the order generated or listed.
    pub values: Vec<PointValue>,
    /// The argument as given, `PATH=SPEC`.
    pub text: String,
}

impl Vary {
    /// Parses `PATH=SPEC`.
    pub fn parse(arg: &str) -> Result<Vary, String> {
        let Some((path, spec)) = arg.split_once('=') else {
            return Err(format!(
                "`--vary {arg}`: expected PATH=SPEC (e.g. architecture.coupling=0:0.6:0.1 or workload.load=0.5,1), found no `=`"
            ));
        };
        let path = path.trim();
        let spec = spec.trim();
        if path.is_empty() {
            return Err(format!(
                "`--vary {arg}`: PATH before `=` is empty (expected e.g. architecture.coupling=0:0.6:0.1)"
            ));
        }
        if path.split('.').any(|s| s.trim().is_empty()) {
            return Err(format!(
                "`--vary {arg}`: PATH `{path}` has an empty segment (two dots in a row, or a dot at an end)"
            ));
        }
        if spec.is_empty() {
            return Err(format!("`--vary {arg}`: SPEC after `=` is empty"));
        }
        let items = split_top_level(spec);
        let values = if items.len() > 1 {
            items
                .iter()
                .map(|item| list_value(arg, path, item))
                .collect::<Result<Vec<_>, _>>()?
        } else if spec.contains(':') && !spec.starts_with(['"', '\'', '[', '{']) {
            range(arg, spec)?
        } else {
            vec![list_value(arg, path, spec)?]
        };
        Ok(Vary {
            path: path.to_owned(),
            values,
            text: arg.to_owned(),
        })
    }

    /// The `--set` override that gives the path its `index`-th value.
    pub fn override_for(&self, index: usize) -> Override {
        let v = &self.values[index];
        let text = format!("{}={}", self.path, v.cell);
        let mut o =
            Override::parse(&format!("{}=0", self.path)).expect("the path was checked when parsed");
        o.value = v.value.clone();
        o.text = text;
        o
    }
}

/// Splits `spec` at the commas that are not inside brackets, braces or
/// quotes, so that a list may hold arrays and inline tables.
fn split_top_level(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in spec.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&spec[start..]);
    parts
}

/// One item of a list, read as a `--set` VALUE.
fn list_value(arg: &str, path: &str, item: &str) -> Result<PointValue, String> {
    let item = item.trim();
    if item.is_empty() {
        return Err(format!(
            "`--vary {arg}`: the list has an empty value (two commas in a row, or a comma at an end)"
        ));
    }
    let o = Override::parse(&format!("{path}={item}")).map_err(|e| e.replace("--set", "--vary"))?;
    let cell = match &o.value {
        Value::Float(x) => number(*x),
        Value::Integer(i) => i.to_string(),
        Value::String(s) => s.clone(),
        _ => item.to_owned(),
    };
    Ok(PointValue {
        value: o.value,
        cell,
    })
}

/// `START:STOP:STEP`, inclusive.
fn range(arg: &str, spec: &str) -> Result<Vec<PointValue>, String> {
    let parts: Vec<&str> = spec.split(':').map(str::trim).collect();
    if parts.len() != 3 {
        return Err(format!(
            "`--vary {arg}`: a range is START:STOP:STEP (three numbers, e.g. 0:0.6:0.1), found {} part{}",
            parts.len(),
            if parts.len() == 1 { "" } else { "s" }
        ));
    }
    let too_many = |n: f64| {
        format!(
            "`--vary {arg}`: the range has {n:.0} values, more than the {MAX_VALUES_PER_PATH} allowed"
        )
    };
    if let (Ok(start), Ok(stop), Ok(step)) = (
        parts[0].parse::<i64>(),
        parts[1].parse::<i64>(),
        parts[2].parse::<i64>(),
    ) {
        check_direction(arg, start as f64, stop as f64, step as f64)?;
        let count = (i128::from(stop) - i128::from(start)) / i128::from(step) + 1;
        if count > MAX_VALUES_PER_PATH as i128 {
            return Err(too_many(count as f64));
        }
        return Ok((0..count as i64)
            .map(|k| {
                let v = start + k * step;
                PointValue {
                    value: Value::Integer(v),
                    cell: v.to_string(),
                }
            })
            .collect());
    }
    let mut nums = [0.0; 3];
    for (slot, (text, name)) in nums
        .iter_mut()
        .zip(parts.iter().zip(["START", "STOP", "STEP"]))
    {
        *slot = match text.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                return Err(format!(
                    "`--vary {arg}`: {name} `{text}` is not a finite number (a range is START:STOP:STEP, e.g. 0:0.6:0.1)"
                ));
            }
        };
    }
    let [start, stop, step] = nums;
    check_direction(arg, start, stop, step)?;
    let q = (stop - start) / step;
    // A step that almost divides the span (0.6 / 0.1 = 5.999999999999999)
    // still reaches STOP.
    let steps = (q + 1e-9 * q.abs().max(1.0)).floor();
    if steps + 1.0 > MAX_VALUES_PER_PATH as f64 {
        return Err(too_many(steps + 1.0));
    }
    let decimals = parts
        .iter()
        .map(|t| decimals(t))
        .collect::<Option<Vec<_>>>();
    let round = |x: f64| -> f64 {
        let r: f64 = match &decimals {
            Some(d) => {
                let d = d.iter().copied().max().unwrap_or(0);
                format!("{x:.d$}").parse().unwrap_or(x)
            }
            None => format!("{x:.11e}").parse().unwrap_or(x),
        };
        if r == 0.0 { 0.0 } else { r }
    };
    Ok((0..=steps as usize)
        .map(|k| {
            let v = round(start + k as f64 * step);
            PointValue {
                value: Value::Float(v),
                cell: number(v),
            }
        })
        .collect())
}

/// The decimals written after the point in `text`, or None in exponent form.
fn decimals(text: &str) -> Option<usize> {
    if text.contains(['e', 'E']) {
        return None;
    }
    Some(text.split_once('.').map_or(0, |(_, frac)| frac.len()))
}

fn check_direction(arg: &str, start: f64, stop: f64, step: f64) -> Result<(), String> {
    if step == 0.0 {
        return Err(format!("`--vary {arg}`: STEP must not be 0"));
    }
    if (stop - start) * step < 0.0 {
        return Err(format!(
            "`--vary {arg}`: STEP {step} goes away from STOP (START {start}, STOP {stop}); use a {} step",
            if step > 0.0 { "negative" } else { "positive" }
        ));
    }
    Ok(())
}

/// The points of a sweep: every combination of the varied values, the last
/// `--vary` varying fastest.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// The varied paths, in the order given.
    pub axes: Vec<Vary>,
}

impl Grid {
    /// The grid of `axes`; refuses a path given twice.
    pub fn new(axes: Vec<Vary>) -> Result<Grid, String> {
        for (i, a) in axes.iter().enumerate() {
            if axes[..i].iter().any(|b| b.path == a.path) {
                return Err(format!("`--vary {}`: the path is varied twice", a.path));
            }
            // Two values written alike (`1,1.0`) would be one point twice in
            // sweep.csv, which no chart could tell apart.
            let mut seen = std::collections::BTreeSet::new();
            for v in &a.values {
                if !seen.insert(v.cell.as_str()) {
                    return Err(format!(
                        "`--vary {}`: the value `{}` is listed twice (each value is a column value of sweep.csv and must be distinct)",
                        a.text, v.cell
                    ));
                }
            }
        }
        Ok(Grid { axes })
    }

    /// Number of points (the product of the axes' lengths), or `usize::MAX`
    /// when the product does not fit (see [`Grid::size`]).
    pub fn len(&self) -> usize {
        self.axes
            .iter()
            .try_fold(1usize, |n, a| n.checked_mul(a.values.len()))
            .unwrap_or(usize::MAX)
    }

    /// Number of points as a real number, computed without overflow (six
    /// axes of 100,000 values make 10^30 points), for limits and messages.
    pub fn size(&self) -> f64 {
        self.axes.iter().map(|a| a.values.len() as f64).product()
    }

    /// True when the grid has no point (only if it has no axis).
    pub fn is_empty(&self) -> bool {
        self.axes.is_empty()
    }

    /// The varied paths (the leading columns of `sweep.csv`).
    pub fn paths(&self) -> Vec<String> {
        self.axes.iter().map(|a| a.path.clone()).collect()
    }

    /// The value index on each axis of point `i`.
    pub fn coordinates(&self, mut i: usize) -> Vec<usize> {
        let mut c = vec![0; self.axes.len()];
        for (slot, axis) in c.iter_mut().zip(&self.axes).rev() {
            let n = axis.values.len();
            *slot = i % n;
            i /= n;
        }
        c
    }

    /// The cells of point `i` (one per axis).
    pub fn cells(&self, i: usize) -> Vec<String> {
        self.coordinates(i)
            .iter()
            .zip(&self.axes)
            .map(|(&k, a)| a.values[k].cell.clone())
            .collect()
    }

    /// The overrides that make point `i`, one per axis.
    pub fn overrides(&self, i: usize) -> Vec<Override> {
        self.coordinates(i)
            .iter()
            .zip(&self.axes)
            .map(|(&k, a)| a.override_for(k))
            .collect()
    }

    /// Point `i` in words: `path=value, path=value`.
    pub fn describe(&self, i: usize) -> String {
        self.paths()
            .iter()
            .zip(self.cells(i))
            .map(|(p, c)| format!("{p}={c}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(arg: &str) -> Vec<String> {
        Vary::parse(arg)
            .unwrap()
            .values
            .into_iter()
            .map(|v| v.cell)
            .collect()
    }

    #[test]
    fn float_ranges_end_exactly_at_stop() {
        assert_eq!(
            cells("a.b=0:0.6:0.1"),
            ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"]
        );
        assert_eq!(cells("a.b=0.5:1.2:0.1").len(), 8);
        assert_eq!(cells("a.b=1:0:-0.25"), ["1", "0.75", "0.5", "0.25", "0"]);
        assert_eq!(cells("a.b=0:1:0.3"), ["0", "0.3", "0.6", "0.9"]);
        assert_eq!(cells("a.b=1e-3:3e-3:1e-3"), ["0.001", "0.002", "0.003"]);
        assert_eq!(cells("a.b=0.2:0.2:0.1"), ["0.2"]);
    }

    #[test]
    fn integer_ranges_give_integers() {
        let v = Vary::parse("organization.people.eng=2:8:3").unwrap();
        assert_eq!(
            v.values.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
            [Value::Integer(2), Value::Integer(5), Value::Integer(8)]
        );
    }

    #[test]
    fn lists_are_read_like_set_values() {
        assert_eq!(cells("a=0.5, 1 ,2.0"), ["0.5", "1", "2"]);
        assert_eq!(cells("a=x,y"), ["x", "y"]);
        assert_eq!(
            cells(r#"a={ dist = "exponential", mean = 2 },3"#),
            [r#"{ dist = "exponential", mean = 2 }"#, "3"]
        );
        assert_eq!(cells("a=7"), ["7"]);
    }

    #[test]
    fn bad_specs_are_refused() {
        for bad in [
            "a",
            "=1,2",
            "a..b=1",
            "a=",
            "a=0:1",
            "a=0:1:0",
            "a=0:1:-0.1",
            "a=x:1:0.1",
            "a=1,,2",
            "a=0:1e9:1e-9",
            "a=0:inf:1",
        ] {
            assert!(Vary::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn last_axis_varies_fastest() {
        let g = Grid::new(vec![
            Vary::parse("a=1,2").unwrap(),
            Vary::parse("b=x,y,z").unwrap(),
        ])
        .unwrap();
        assert_eq!(g.len(), 6);
        let all: Vec<Vec<String>> = (0..6).map(|i| g.cells(i)).collect();
        assert_eq!(all[0], ["1", "x"]);
        assert_eq!(all[1], ["1", "y"]);
        assert_eq!(all[3], ["2", "x"]);
        assert_eq!(all[5], ["2", "z"]);
        assert_eq!(g.overrides(4)[1].text, "b=y");
        assert!(
            Grid::new(vec![
                Vary::parse("a=1").unwrap(),
                Vary::parse("a=2").unwrap()
            ])
            .is_err()
        );
        assert!(Grid::new(vec![Vary::parse("a=1,1.0").unwrap()]).is_err());
        assert!(Grid::new(vec![Vary::parse("a=x,y,x").unwrap()]).is_err());
    }
}
