//! What `check` and the run report say about a transition (docs/model.md,
//! "The reorganization as a transition"): its source and target, the
//! switch day, the ramp, and for `check` the offered load per team before
//! and after the switch and the pools the ramp overloads.

use crate::support::{orgsim, priced_prime_video, text};

/// Prime-video with a move to single-threaded teams at `at`, the ramp
/// starting at `start` and lasting 90 days.
fn with_move(at: f64, start: f64) -> String {
    format!(
        "{}\n[[transitions]]\nname = \"move\"\nfrom = \"matrix\"\nto = \"single-threaded\"\nat = {at}\nramp = {{ days = 90, start = {start} }}\n",
        priced_prime_video()
    )
}

/// The lines of the block of `check`'s output headed `[title]`, up to the
/// next blank line or heading.
fn block<'a>(out: &'a str, title: &str) -> Vec<&'a str> {
    let head = format!("[{title}]");
    let mut lines = out.lines().skip_while(|l| *l != head);
    assert!(lines.next().is_some(), "no block {head} in\n{out}");
    lines
        .take_while(|l| !l.is_empty() && !l.starts_with('['))
        .filter(|l| !l.starts_with("Transitions"))
        .collect()
}

/// (team, skill, people, utilization) of a block's pool rows.
fn pools(block: &[&str]) -> Vec<(String, String, u32, f64)> {
    block
        .iter()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let people = f.get(2)?.parse().ok()?;
            let u = f.last()?.parse().ok()?;
            Some((f[0].to_owned(), f[1].to_owned(), people, u))
        })
        .collect()
}

#[test]
fn check_shows_a_transitions_load_before_and_after_and_its_ramp() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pv.toml"), with_move(60.0, 0.5)).unwrap();
    let out = orgsim(&["check", "pv.toml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = text(&out.stdout);
    assert!(
        out.contains("move: matrix -> single-threaded at day 60; 29 of 29 people change team; moved people start at 0.5 efficiency and reach full efficiency after 90 days"),
        "{out}"
    );
    // Before the switch the transition's rows are its source's, after it
    // its target's, team by team.
    assert_eq!(block(&out, "move"), block(&out, "matrix"));
    let after = block(&out, "move after the switch at day 60: as single-threaded");
    let target = block(&out, "single-threaded");
    assert_eq!(
        after[..target.len()],
        target[..],
        "the load after the switch is the target's"
    );
    // Each block's headcount is the sum of its people column.
    for title in [
        "matrix",
        "single-threaded",
        "move",
        "move after the switch at day 60: as single-threaded",
    ] {
        let b = block(&out, title);
        let people: u32 = pools(&b).iter().map(|p| p.2).sum();
        assert_eq!(people, 29, "{title}");
        assert!(
            b.iter().any(|l| l
                .trim_start()
                .starts_with(&format!("headcount: {people} people"))),
            "{title}: {b:?}"
        );
    }
    // The ramp: every person moved, so a pool at utilization u works at
    // u / e(t) with e = 0.5 + 0.5 t/90; it is overloaded at the switch when
    // u / 0.5 >= 1, until the first whole day with e(t) > u.
    let ramp = after
        .iter()
        .find(|l| l.contains("during the ramp"))
        .unwrap_or_else(|| panic!("no ramp line: {after:?}"));
    let mut listed = 0;
    for (team, skill, _, u) in pools(&after) {
        let name = format!("{team} {skill} ");
        let at_switch = u / 0.5;
        match ramp.find(&name) {
            Some(i) => {
                listed += 1;
                let rest: Vec<&str> = ramp[i + name.len()..].split_whitespace().collect();
                let shown: f64 = rest[0].parse().unwrap();
                // u is printed to 2 decimals: at_switch within 0.005 / 0.5.
                assert!((shown - at_switch).abs() <= 0.011, "{name}: {shown}");
                let day: f64 = rest[3].trim_end_matches(',').parse().unwrap();
                // The printed u is within 0.005, which moves the day by up
                // to 0.9; the first whole day past it by up to 1 more.
                let back = 60.0 + 90.0 * (u - 0.5) / 0.5;
                assert!(
                    (day - back).abs() <= 1.9,
                    "{name}: day {day}, theory {back}"
                );
            }
            None => assert!(
                at_switch < 1.0 + 0.011,
                "{name} at {at_switch} is not listed"
            ),
        }
    }
    assert!(listed >= 5, "{ramp}");
}

#[test]
fn check_says_when_a_ramp_overloads_no_team_and_when_a_switch_never_comes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gentle.toml"), with_move(60.0, 0.95)).unwrap();
    let out = text(&orgsim(&["check", "gentle.toml"], dir.path()).stdout);
    assert!(
        out.contains("during the ramp: every team keeps up (utilization < 1) even at the switch, with moved people at 0.95 efficiency"),
        "{out}"
    );
    std::fs::write(dir.path().join("never.toml"), with_move(1e6, 0.5)).unwrap();
    let out = text(&orgsim(&["check", "never.toml"], dir.path()).stdout);
    assert!(out.contains("it never switches"), "{out}");
    assert!(!out.contains("after the switch"), "{out}");
}

#[test]
fn the_report_says_what_a_transition_assumes_before_and_after_its_switch() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pv.toml"), with_move(60.0, 0.5)).unwrap();
    let out = orgsim(
        &[
            "run",
            "pv.toml",
            "--reps",
            "2",
            "--set",
            "simulation.warmup=0",
            "--set",
            "simulation.horizon=90",
            "--set",
            "transitions.move.ramp.days=40",
            "--depends",
            "off",
            "-q",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(dir.path().join("o").join("report.html")).unwrap();
    let start = html
        .find("move</h3>")
        .expect("a section for the transition");
    let section = &html[start..start + html[start..].find("</ul></li>\n</ul>\n").expect("its end")];
    for says in [
        "a transition: it runs as matrix until day 60 (the warm-up included), then as single-threaded to the end of the run",
        "29 of its 29 people change team at the switch; a moved person works at 50% of full speed on the day of the switch, climbing in a straight line to full speed 40 days later",
        "a task being worked keeps the effort it has left and pays the context switch",
        "<li>before the switch, as matrix:",
        "<li>after the switch, as single-threaded:",
        "5 functional departments, one per skill",
        "3 teams, one per stream",
    ] {
        assert!(section.contains(says), "`{says}` not in\n{section}");
    }
    // The source's rules come before the switch, the target's after it.
    assert!(
        section.find("5 functional departments") < section.find("<li>after the switch"),
        "{section}"
    );
}
