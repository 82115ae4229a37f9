//! Numbers as the output files write them.

/// Formats a number for a CSV cell: shortest text that reads back to the
/// same `f64` (so files are exact and byte-stable), `NaN` where undefined.
pub fn number(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else {
        format!("{x}")
    }
}

/// Appends [`number`]`(x)` to `out` (without a `String` of its own).
pub fn push_number(out: &mut String, x: f64) {
    use std::fmt::Write as _;
    if x.is_nan() {
        out.push_str("NaN");
    } else {
        write!(out, "{x}").expect("writing to a String cannot fail");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_nan_is_spelled_out() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "inf");
        assert_eq!(number(0.1).parse::<f64>().unwrap(), 0.1);
    }

    #[test]
    fn push_number_appends_what_number_writes() {
        let mut out = String::from("x");
        for v in [0.1, 3.0, -2.5e-300, f64::NAN, f64::NEG_INFINITY, 1e21] {
            let before = out.len();
            push_number(&mut out, v);
            assert_eq!(out[before..], number(v), "{v}");
        }
        assert!(out.starts_with("x0.13"));
    }
}
