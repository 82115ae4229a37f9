//! The checkpoint of an exploration: the sweep's checkpoint file
//! ([`crate::experiment::sweep::checkpoint`]: one checksummed JSON line per
//! finished point, appended as points finish), holding explore's points.
//!
//! A point is written as a sweep's point record: `point` is its index (0
//! the nominal point, then design order), `values` each assumption's value
//! (empty: nominal), `summary` one row `mean,sd,ci95_low,ci95_high,n` per
//! quantity, and `comparison` a single row naming the topologies unstable
//! at the point. Numbers are written as the CSV files write them (the
//! shortest text that reads back to the same `f64`), so a point read back
//! is the point that was run, bit for bit, and a resumed or merged
//! exploration writes the same bytes as one run at once.

use crate::experiment::sweep::PointRecord;
use crate::stats::Summary;
use crate::util::fmt::number;

use super::Point;

/// The checkpoint's file name in an explore folder.
pub const CHECKPOINT: &str = "explore.checkpoint.jsonl";

/// The record of point `index`.
pub fn record(index: usize, p: &Point) -> PointRecord {
    PointRecord {
        point: index,
        values: p
            .values
            .iter()
            .map(|v| v.map(number).unwrap_or_default())
            .collect(),
        summary: p
            .results
            .iter()
            .map(|s| {
                vec![
                    number(s.mean),
                    number(s.sd),
                    number(s.ci_low),
                    number(s.ci_high),
                    s.n.to_string(),
                ]
            })
            .collect(),
        comparison: vec![p.unstable.clone()],
        ..PointRecord::default()
    }
}

/// The point a record holds, checked against the shape of the exploration
/// (`assumptions` values, `quantities` rows); the error says what is wrong.
pub fn point(r: &PointRecord, assumptions: usize, quantities: usize) -> Result<Point, String> {
    let num = |c: &str| -> Result<f64, String> {
        c.parse::<f64>()
            .ok()
            .filter(|x| number(*x) == c)
            .ok_or_else(|| format!("holds `{c}` where a number is expected"))
    };
    if r.values.len() != assumptions {
        return Err(format!(
            "has {} values where the exploration has {assumptions} assumptions",
            r.values.len()
        ));
    }
    if r.summary.len() != quantities || r.comparison.len() != 1 {
        return Err(format!(
            "has {} results where the exploration measures {quantities} quantities",
            r.summary.len()
        ));
    }
    let values = r
        .values
        .iter()
        .map(|v| {
            if v.is_empty() {
                Ok(None)
            } else {
                num(v).map(Some)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let results = r
        .summary
        .iter()
        .map(|row| {
            let [mean, sd, lo, hi, n] = row.as_slice() else {
                return Err(format!("has a result of {} cells, not 5", row.len()));
            };
            Ok(Summary {
                mean: num(mean)?,
                sd: num(sd)?,
                ci_low: num(lo)?,
                ci_high: num(hi)?,
                n: n.parse()
                    .map_err(|_| format!("holds `{n}` where a count is expected"))?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Point {
        values,
        results,
        unstable: r.comparison[0].clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_reads_back_bit_for_bit() {
        let p = Point {
            values: vec![Some(0.1 + 0.2), None, Some(-3.0e-17)],
            results: vec![
                Summary {
                    mean: 1.0 / 3.0,
                    sd: f64::NAN,
                    ci_low: f64::NEG_INFINITY,
                    ci_high: 2.5,
                    n: 7,
                },
                Summary::of(&[1.0, 2.0, 4.5]),
            ],
            unstable: vec!["single-threaded".into()],
        };
        let back = point(&record(4, &p), 3, 2).unwrap();
        assert_eq!(back.values, p.values);
        assert_eq!(back.unstable, p.unstable);
        for (a, b) in back.results.iter().zip(&p.results) {
            for (x, y) in [
                (a.mean, b.mean),
                (a.sd, b.sd),
                (a.ci_low, b.ci_low),
                (a.ci_high, b.ci_high),
            ] {
                assert_eq!(x.to_bits(), y.to_bits());
            }
            assert_eq!(a.n, b.n);
        }
        assert!(
            point(&record(4, &p), 2, 2).is_err(),
            "wrong assumption count"
        );
        assert!(point(&record(4, &p), 3, 3).is_err(), "wrong quantity count");
        let mut edited = record(4, &p);
        edited.summary[0][0] = "0.33".into();
        edited.summary[0][0].push('x');
        assert!(point(&edited, 3, 2).is_err());
    }
}
