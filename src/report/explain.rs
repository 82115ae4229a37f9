//! The words of `report.html` that a reader who has not read docs/model.md
//! needs: each topology's coordination assumptions in plain words, read
//! from the scenario the run recorded, and the definitions of the model's
//! terms, given where a term first appears.

use crate::model::spec::{QueueDiscipline, TopologyKind, TopologySpec};
use crate::model::{Category, Metric, topology};
use crate::scenario::{self, Scenario};

/// The model's terms and their definitions in plain words (docs/model.md,
/// "Mechanisms: where time goes" and "Metrics"), each term as the report
/// names the metric or category.
pub const GLOSSARY: [(&str, &str); 7] = [
    (
        Metric::CoordinationShare.info().label,
        "the part of the lead time spent in handoff, cadence, decision and escalation rather than in work or in a queue",
    ),
    (
        Metric::FlowEfficiency.info().label,
        "the part of the lead time in which someone works on the item",
    ),
    (
        Metric::CoordinationDelayMean.info().label,
        "days of an item's lead time spent in handoff, cadence, decision and escalation",
    ),
    (
        Category::Cadence.label(),
        "waiting for the receiving team's next planning boundary before a request enters its backlog",
    ),
    (
        Category::Decision.label(),
        "waiting for, and getting, the receiving team's leader's decision on a request",
    ),
    (
        Category::Escalation.label(),
        "waiting for, and getting, the executive's decision on a request the leader passed up",
    ),
    (
        Category::Handoff.label(),
        "the delay when finished work is passed on to the next task, longer across teams",
    ),
];

/// Days in short form (`0.5`, `10`, `2.25`).
fn days(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "1" {
        "1 day".to_string()
    } else {
        format!("{s} days")
    }
}

fn percent(p: f64) -> String {
    let s = format!("{:.1}", 100.0 * p);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// The scenario a run folder's manifest recorded (`scenario_resolved`), if
/// it still loads.
pub fn recorded_scenario(resolved: &str) -> Option<Scenario> {
    if resolved.trim().is_empty() {
        return None;
    }
    scenario::load_str("manifest.json", resolved, &[]).ok()
}

/// What the scenario assumes for every topology (quality, architecture).
pub fn common_assumptions(sc: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    if sc.model.architecture.coupling > 0.0 {
        out.push(format!(
            "{} of tasks must change a component another stream owns (architecture coupling): in stream teams such a task is a request to that stream's team",
            percent(sc.model.architecture.coupling)
        ));
    }
    if sc.model.architecture.platform > 0.0 {
        out.push(format!(
            "{} of the tasks of {} change the shared platform",
            percent(sc.model.architecture.platform),
            (sc.model.architecture.platform_skills.iter())
                .map(|&s| sc.model.skill_name(s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let q = &sc.model.quality;
    if q.defect_probability > 0.0 {
        out.push(format!(
            "a finished task leaves a defect with probability {} ({} times that in a team with more than one skill); a defect nobody catches escapes, and {} later comes back as a fix item of {} of the task's effort",
            percent(q.defect_probability),
            trim(q.dilution),
            days(q.escape_delay),
            percent(q.rework_fraction)
        ));
    }
    out
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One topology's coordination assumptions, each a plain sentence.
pub fn topology_assumptions(sc: &Scenario, spec: &TopologySpec) -> Vec<String> {
    let org = topology::build(&sc.model, spec);
    let teams = org.teams.len();
    let mut out = Vec::new();
    out.push(match &spec.kind {
        TopologyKind::Matrix => format!(
            "{teams} functional departments, one per skill; no team owns a stream, so every task is a request to a department"
        ),
        TopologyKind::SingleThreaded => format!(
            "{teams} teams, one per stream, each owning its stream, people split by each stream's expected demand; a task for another team is a request"
        ),
        TopologyKind::SingleThreadedWithPlatform => format!(
            "{teams} teams: one per stream and a platform team owning the shared platform; a task for another team is a request"
        ),
        TopologyKind::Custom(_) => format!(
            "{teams} teams as written in the scenario; a task for a team that does not own its stream is a request"
        ),
    });
    let c = &spec.coordination;
    if c.handoff.is_zero() && c.internal_handoff.is_zero() {
        out.push("finished work is passed on at once (no handoff delay)".into());
    } else {
        out.push(format!(
            "finished work passed to another team waits {} on average before it is picked up (handoff), {} inside a team",
            days(c.handoff.mean()),
            days(c.internal_handoff.mean())
        ));
    }
    if c.intake_cadence > 0.0 {
        out.push(format!(
            "a request to another team waits for its next {}-day planning boundary (cadence): {} on average",
            trim(c.intake_cadence),
            days(c.intake_cadence / 2.0)
        ));
    } else {
        out.push(
            "a request enters the receiving team's backlog at once (no planning cadence)".into(),
        );
    }
    if c.decision.is_zero() {
        out.push("no leader decides on requests (no decision step)".into());
    } else {
        let attention = if spec.leader_attention < 1.0 {
            format!(
                "; leaders give {} of their time to it, so a decision takes {}",
                percent(spec.leader_attention),
                days(c.decision.mean() / spec.leader_attention)
            )
        } else {
            String::new()
        };
        out.push(format!(
            "each request then waits for the receiving team's leader, one decision at a time, {} of the leader's time each (decision){attention}",
            days(c.decision.mean())
        ));
    }
    let team_names = sc.model.team_names(&spec.kind);
    for l in &spec.shared_leaders {
        let teams: Vec<&str> = l
            .teams
            .iter()
            .map(|t| team_names[t.index()].as_str())
            .collect();
        out.push(format!(
            "leader {} decides for {} with {} of a full-time leader's attention",
            l.name,
            teams.join(", "),
            percent(l.attention)
        ));
    }
    if c.escalation_probability > 0.0 {
        out.push(format!(
            "{} of requests are passed up to a single executive for the whole organization, {} each (escalation)",
            percent(c.escalation_probability),
            days(c.escalation_decision.mean())
        ));
    }
    if let Some(s) = &c.swarm {
        out.push(format!(
            "every {} on average, {} of a shared team's people leave for a temporary project for {}; resuming an interrupted task costs {}",
            days(s.interval.mean()),
            percent(s.fraction),
            days(s.duration.mean()),
            days(c.context_switch.mean())
        ));
    }
    if spec.queue == QueueDiscipline::Weighted {
        out.push(
            "backlogs serve the streams with the highest weight first, then first in, first out"
                .into(),
        );
    }
    if let Some(b) = &spec.bar_raiser {
        out.push(format!(
            "{} bar raisers (extra people) review every item before it is done, {} per review, catching {} of its defects",
            b.reviewers,
            days(b.review.mean()),
            percent(b.catch)
        ));
    }
    out
}

/// A transition's switch in plain words (docs/model.md, "The
/// reorganization as a transition"): from and to, the day, who moves, the
/// ramp and the rule for the work in flight; empty for a plain topology.
pub fn transition_assumptions(sc: &Scenario, spec: &TopologySpec) -> Vec<String> {
    let Some(t) = &spec.transition else {
        return Vec::new();
    };
    let org = topology::build(&sc.model, spec);
    let Some(switch) = org.transition.as_deref() else {
        return Vec::new();
    };
    let end = sc.run.nominal_window().end();
    let mut out = vec![if t.at >= end {
        format!(
            "a transition from {} to {} at day {}, after the run's end (day {}): it never switches, and runs as {} throughout",
            t.from,
            t.to.name,
            trim(t.at),
            trim(end),
            t.from
        )
    } else {
        format!(
            "a transition: it runs as {} until day {} (the warm-up included), then as {} to the end of the run",
            t.from,
            trim(t.at),
            t.to.name
        )
    }];
    let (moved, people) = switch.moved_people();
    out.push(match &t.ramp {
        Some(r) => format!(
            "{moved} of its {people} people change team at the switch; a moved person works at {} of full speed on the day of the switch, climbing in a straight line to full speed {} later",
            percent(r.start),
            days(r.days)
        ),
        None => format!(
            "{moved} of its {people} people change team at the switch, all at full speed at once (no ramp)"
        ),
    });
    out.push(
        "at the switch every task not done moves to the new team for its stream and skill: a task being worked keeps the effort it has left and pays the context switch, requests still in intake are handed over again under the new rules"
            .into(),
    );
    out
}

/// A term and its definition.
type Term = (&'static str, &'static str);

/// Where definitions are put: inside the element where a term is first
/// used, at its end (a list item, a paragraph, a caption, a table cell), or
/// after a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Before the closing tag of the element.
    Inside,
    /// After the closing tag of a heading.
    After,
}

/// `html` with the definitions of the terms of [`GLOSSARY`], rendered by
/// `render`, at the end of the element where each term is first used in the
/// text a reader sees (never inside a tag, an inline SVG or the head).
pub fn define_first_use(
    html: &str,
    render: impl Fn(&[(&str, &str)], Placement) -> String,
) -> String {
    let mut at: Vec<(usize, Placement, Vec<Term>)> = Vec::new();
    // Lowered once: a report of a big organization holds tens of MB of
    // charts.
    let lower = html.to_ascii_lowercase();
    for (term, meaning) in GLOSSARY {
        let Some(use_at) = first_text_use(&lower, term) else {
            continue;
        };
        let Some((pos, placement)) = element_end(html, use_at) else {
            continue;
        };
        match at.iter_mut().find(|(p, _, _)| *p == pos) {
            Some((_, _, terms)) => terms.push((term, meaning)),
            None => at.push((pos, placement, vec![(term, meaning)])),
        }
    }
    at.sort_by_key(|(p, _, _)| std::cmp::Reverse(*p));
    let mut out = html.to_string();
    for (pos, placement, terms) in at {
        out.insert_str(pos, &render(&terms, placement));
    }
    out
}

/// Where the definitions of a term used at `from` go: the offset of the
/// first closing tag of a block element after it (before it, or after it
/// for a heading).
fn element_end(html: &str, from: usize) -> Option<(usize, Placement)> {
    const INSIDE: [&str; 4] = ["</li>", "</p>", "</figcaption>", "</td>"];
    const AFTER: [&str; 3] = ["</h1>", "</h2>", "</h3>"];
    let rest = &html[from..];
    let mut best: Option<(usize, Placement)> = None;
    for tag in INSIDE {
        if let Some(i) = rest.find(tag) {
            if best.is_none_or(|(b, _)| from + i < b) {
                best = Some((from + i, Placement::Inside));
            }
        }
    }
    for tag in AFTER {
        if let Some(i) = rest.find(tag) {
            if best.is_none_or(|(b, _)| from + i < b) {
                best = Some((from + i + tag.len(), Placement::After));
            }
        }
    }
    best
}

/// The byte offset of the first use of `term` as a whole word (any case;
/// not a part of a dotted path or a name with `-` or `_`) in the visible
/// text of `lower` (the page in lower case).
fn first_text_use(lower: &str, term: &str) -> Option<usize> {
    let bytes = lower.as_bytes();
    // The next `c` at or after `i` (the end if none): tags and the text of
    // charts are skipped whole.
    let next = |i: usize, c: u8| {
        bytes[i..]
            .iter()
            .position(|&b| b == c)
            .map_or(bytes.len(), |k| i + k)
    };
    let start = lower.find("<body").unwrap_or(0);
    let (mut i, mut in_tag, mut svg_depth) = (start, false, 0usize);
    while i < bytes.len() {
        let rest = &bytes[i..];
        if in_tag {
            i = next(i, b'>');
            in_tag = false;
            i += 1;
            continue;
        }
        if svg_depth > 0 && bytes[i] != b'<' {
            i = next(i, b'<');
            continue;
        }
        if bytes[i] == b'<' {
            if rest.starts_with(b"<svg") {
                svg_depth += 1;
            } else if rest.starts_with(b"</svg") {
                svg_depth = svg_depth.saturating_sub(1);
            }
            in_tag = true;
            i += 1;
            continue;
        }
        if svg_depth == 0 && rest.starts_with(term.as_bytes()) {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i + term.len()).copied();
            let word_start =
                before.is_none_or(|b| !b.is_ascii_alphanumeric() && !b"-_.".contains(&b));
            let word_end = after.is_none_or(|b| !b.is_ascii_alphanumeric() && !b"-_".contains(&b));
            if word_start && word_end {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_defined_at_the_end_of_their_first_visible_use() {
        let html = "<body>·<svg><text>cadence</text></svg><p title=\"cadence\">the cadence_mean and cadence of it, handoff</p><h2>decision</h2><p>cadence</p></body>";
        let out = define_first_use(html, |terms, placement| {
            let names: Vec<&str> = terms.iter().map(|t| t.0).collect();
            format!("[{placement:?}: {}]", names.join(", "))
        });
        assert_eq!(
            out,
            "<body>·<svg><text>cadence</text></svg><p title=\"cadence\">the cadence_mean and cadence of it, handoff[Inside: cadence, handoff]</p><h2>decision</h2>[After: decision]<p>cadence</p></body>"
        );
    }

    #[test]
    fn days_and_percent_read_plainly() {
        assert_eq!(days(10.0), "10 days");
        assert_eq!(days(0.25), "0.25 days");
        assert_eq!(days(1.0), "1 day");
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.125), "12.5%");
    }
}
