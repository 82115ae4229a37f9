//! `orgsim fit`: the organization as it is, from its own work history
//! (docs/model.md, "What the fit assumes"). [`log`] reads and checks an
//! event log; [`structure`] fits streams, arrivals, item types and their
//! task graphs, efforts, teams and headcounts, and writes the scenario;
//! [`fidelity`] simulates the fitted scenario and measures how far its
//! simulated history is from the log, beside the distance that simulation
//! noise alone gives. Nothing here writes a file.

pub mod calendar;
pub mod coordination;
pub mod dist;
pub mod fidelity;
pub mod log;
pub mod structure;

pub use calendar::WorkCalendar;
pub use log::{EventLog, LogError, LogKind, ReadOptions, Role, read};
pub use structure::{FittedModel, fit_structure};

/// A number as the scenario file writes it: up to 6 significant digits,
/// no exponent for ordinary magnitudes.
pub(crate) fn num(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let digits = (5 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "0" || s == "-0" {
        format!("{x:e}")
    } else {
        s
    }
}

/// A number for a comment: 3 significant digits.
pub(crate) fn num3(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = (2 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    format!("{x:.digits$}")
}

/// A TOML string literal of `s`.
pub(crate) fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
