//! Warnings about a scenario, each of a kind, and their grouping: one line
//! per kind with its count and the first few places, so that a few real
//! overloads are not lost among many lines of a milder kind.

use serde::{Deserialize, Serialize};

/// What a warning is about. The order is the order of severity in which
/// grouped warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A team's people of one skill, a leader, the executive or the bar
    /// raisers are offered at least their capacity (utilization ≥ 1): the
    /// queue grows without bound.
    Overloaded,
    /// Below capacity on average, but offered at least its capacity in the
    /// busiest part of a rate profile: the queue grows through that part
    /// and drains after it.
    PeakOverloaded,
    /// Utilization from [`NEAR_SATURATION`] up to 1: the queue is long, slow
    /// to settle, and its mean depends on the run length.
    NearSaturation,
    /// A stream team has nobody of a skill its stream needs: those tasks go
    /// to another team.
    MissingSkill,
    /// A warning read from a file written before warnings had a kind.
    Other,
}

/// The utilization from which `check` warns of a queue near saturation.
pub const NEAR_SATURATION: f64 = 0.9;

impl WarningKind {
    /// What the warnings of this kind have in common, for a grouped line.
    pub fn heading(self) -> &'static str {
        match self {
            WarningKind::Overloaded => {
                "overloaded (utilization >= 1): the queue grows without bound, so no lead time settles"
            }
            WarningKind::PeakOverloaded => {
                "overloaded at the peak of a rate profile (utilization >= 1 there, below 1 on average): queues grow through the peak and drain after it"
            }
            WarningKind::NearSaturation => {
                "near saturation (utilization from 0.9 to 1): queues are long and slow to settle, so lead times depend on the run length"
            }
            WarningKind::MissingSkill => {
                "stream teams without a skill their stream needs: those tasks go to another team (a real dependency)"
            }
            WarningKind::Other => "other warnings",
        }
    }
}

/// One warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "Stored")]
pub struct Warning {
    /// Its kind.
    pub kind: WarningKind,
    /// Where, in a few words (topology, team or leader, and the number that
    /// matters), for a grouped line.
    pub place: String,
    /// The whole sentence.
    pub message: String,
}

impl std::fmt::Display for Warning {
    /// The whole sentence.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A warning as stored in `manifest.json` or `sweep.json`: an object, or
/// the plain sentence older files hold.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Full {
        kind: WarningKind,
        place: String,
        message: String,
    },
    Text(String),
}

impl From<Stored> for Warning {
    fn from(s: Stored) -> Self {
        match s {
            Stored::Full {
                kind,
                place,
                message,
            } => Warning {
                kind,
                place,
                message,
            },
            Stored::Text(message) => Warning {
                kind: WarningKind::Other,
                place: message.clone(),
                message,
            },
        }
    }
}

impl Warning {
    /// This warning with `prefix` (e.g. a sweep's point) before its place
    /// and its message.
    pub fn prefixed(&self, prefix: &str) -> Warning {
        Warning {
            kind: self.kind,
            place: format!("{prefix}: {}", self.place),
            message: format!("{prefix}: {}", self.message),
        }
    }
}

/// One line per kind of warning, most severe first: a kind with one
/// warning gives its whole sentence; a kind with several gives their count,
/// what they have in common and the first `shown` places (then how many
/// more there are).
pub fn grouped(warnings: &[Warning], shown: usize) -> Vec<String> {
    let mut kinds: Vec<WarningKind> = warnings.iter().map(|w| w.kind).collect();
    kinds.sort();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|kind| {
            let of_kind: Vec<&Warning> = warnings.iter().filter(|w| w.kind == kind).collect();
            if let [only] = of_kind[..] {
                return only.message.clone();
            }
            let places: Vec<&str> = of_kind
                .iter()
                .take(shown)
                .map(|w| w.place.as_str())
                .collect();
            let more = of_kind.len().saturating_sub(shown);
            format!(
                "{} {}: {}{}",
                of_kind.len(),
                kind.heading(),
                places.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(kind: WarningKind, place: &str) -> Warning {
        Warning {
            kind,
            place: place.into(),
            message: format!("the whole {place}"),
        }
    }

    #[test]
    fn groups_by_kind_most_severe_first() {
        let ws = [
            w(WarningKind::MissingSkill, "a"),
            w(WarningKind::MissingSkill, "b"),
            w(WarningKind::Overloaded, "c"),
            w(WarningKind::MissingSkill, "d"),
            w(WarningKind::MissingSkill, "e"),
        ];
        let lines = grouped(&ws, 3);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "the whole c");
        assert_eq!(
            lines[1],
            format!(
                "4 {}: a; b; d; and 1 more",
                WarningKind::MissingSkill.heading()
            )
        );
        assert!(grouped(&[], 3).is_empty());
    }

    #[test]
    fn reads_objects_and_old_plain_sentences() {
        let ws: Vec<Warning> = serde_json::from_str(
            r#"[{"kind": "near_saturation", "place": "p", "message": "m"}, "an old warning"]"#,
        )
        .unwrap();
        assert_eq!(ws[0].kind, WarningKind::NearSaturation);
        assert_eq!(
            (ws[1].kind, ws[1].message.as_str()),
            (WarningKind::Other, "an old warning")
        );
        let again: Vec<Warning> =
            serde_json::from_str(&serde_json::to_string(&ws).unwrap()).unwrap();
        assert_eq!(again, ws);
    }
}
