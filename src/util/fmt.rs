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
}
