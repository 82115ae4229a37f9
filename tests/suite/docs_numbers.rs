//! The documentation tells the truth: every number README.md and the
//! bundled scenarios' headers quote from a run must appear in what that run
//! prints with the current code.
//!
//! Two kinds of quotes:
//! - the [`CLAIMS`] table: (document, command, quotes); a quote is a phrase
//!   of the document with the numbers taken from the output in braces,
//!   `lead time {57.9} → {29.6} days`: the phrase (without the braces) must
//!   appear in the document, and each braced number in the command's output;
//! - output blocks in README.md: a fenced block right after a line
//!   `<!-- docs-numbers: ARGS -->` must consist of lines of the output of
//!   `orgsim ARGS`.
//!
//! Matching ignores runs of whitespace, the `#` of TOML comment lines and
//! the difference between `−` (U+2212) and `-`; a number must match whole
//! (`1.1` does not match inside `1.13`). A braced number ending in `…`
//! stands for a full-precision number of the output (`--json`) cut there:
//! `{0.121…}` is `0.121` in the document and the start of a number in the
//! output.
//!
//! After a change that moves numbers:
//! - `ORGSIM_DOCS_PRINT=1 cargo test --test suite docs_numbers -- --nocapture`
//!   prints every command's output, to update the quoted strings (in the
//!   documents and in [`CLAIMS`]) from;
//! - `ORGSIM_DOCS_WRITE=1 cargo test --test suite docs_numbers` rewrites the
//!   marked output blocks of README.md with the current output.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Quoted strings of one document, from one command.
struct Claim {
    /// Path from the repository root.
    doc: &'static str,
    /// Arguments of `orgsim` (`--out`, `--quiet` and, unless `file` is
    /// set, `--no-plots` are added to `run`, `sweep`, `explore` and `fit`).
    args: &'static [&'static str],
    /// A file the command writes (e.g. `report.html`) whose text is the
    /// output checked, in place of what it prints.
    file: Option<&'static str>,
    /// Phrases of the document, with the numbers of the output in braces.
    quotes: &'static [&'static str],
}

/// `wip-limits` with two tasks per person, as its header gives it.
const TIGHT_WIP: &[&str] = &[
    "run",
    "wip-limits",
    "--set",
    "topologies.matrix-wip.teams.product.wip_limit=6",
    "--set",
    "topologies.matrix-wip.teams.design.wip_limit=8",
    "--set",
    "topologies.matrix-wip.teams.eng.wip_limit=30",
    "--set",
    "topologies.matrix-wip.teams.qa.wip_limit=8",
    "--set",
    "topologies.matrix-wip.teams.marketing.wip_limit=6",
];

/// prime-video with the rates of the README's `[economics]` example.
const PRICED: &[&str] = &[
    "run",
    "prime-video",
    "--set",
    "economics.delay_cost.tv-apps=4000",
    "--set",
    "economics.delay_cost.game-consoles=2500",
    "--set",
    "economics.delay_cost.mobile=1500",
    "--set",
    "economics.person_cost.product=900",
    "--set",
    "economics.person_cost.design=800",
    "--set",
    "economics.person_cost.eng=900",
    "--set",
    "economics.person_cost.qa=700",
    "--set",
    "economics.person_cost.marketing=700",
    "--set",
    "economics.leader_cost=1200",
    "--set",
    "economics.reviewer_cost=900",
];

/// The README's fit walk-through, its structure only (the coordination
/// fit by simulation is left out: it does not change the structure).
const WALKTHROUGH_FIT: &[&str] = &[
    "fit",
    "docs/examples/prime-video-matrix-log.csv",
    "--no-coordination",
    "--reps",
    "2",
];

const CLAIMS: &[Claim] = &[
    // README.md: the fit walk-through's headcounts.
    Claim {
        doc: "README.md",
        args: WALKTHROUGH_FIT,
        file: None,
        quotes: &["exact headcounts ({15} eng, {4} qa, {3} product, {4} design, {3} marketing)"],
    },
    // The cost of delay and people cost (README's example, docs/model.md).
    Claim {
        doc: "README.md",
        args: PRICED,
        file: None,
        quotes: &["so they cost {150} k a year less in people"],
    },
    Claim {
        doc: "docs/model.md",
        args: PRICED,
        file: None,
        quotes: &[
            "single-threaded teams save {19.4} M a year of delay (95% CI {17.8} to {21.0} M) against the matrix, and cost {150} k a year less in people",
        ],
    },
    // README.md: the flow charts' example (captions of report.html).
    Claim {
        doc: "README.md",
        args: &["run", "pooling", "--depends", "off"],
        file: Some("report.html"),
        quotes: &[
            "{11934} items were done in the measured window: half within {2.18} days, 85% within {5.15} and 95% within {7.52}",
            "{11.9} items were completed per week of 5 working days on average over {1000} full weeks",
        ],
    },
    // README.md: the prose around "What a run prints" and the report caption.
    Claim {
        doc: "README.md",
        args: &["run"],
        file: None,
        quotes: &[
            "deliver the same throughput ({−0.5%}, no significant difference) with {46.6%} shorter lead times",
        ],
    },
    Claim {
        doc: "README.md",
        args: &["run", "prime-video"],
        file: Some("report.html"),
        quotes: &[
            "mean lead time is {31.6} days against {59.2} for matrix: {46.6%} shorter (95% CI {43.1}–{50.0}%)",
        ],
    },
    // README.md: the seed's claims table.
    Claim {
        doc: "README.md",
        args: &["run", "prime-video"],
        file: None,
        quotes: &[
            "lead time {59.2} → {31.6} days ({-46.6%}, 95% CI {-29.6} to {-25.5} days), same throughput ({−0.5%}), fewer escaped defects ({0.077} vs {0.248} per item)",
        ],
    },
    Claim {
        doc: "README.md",
        args: &["run", "swarming"],
        file: None,
        quotes: &["lead time {+5.92} days ({+11.7%}, CI {+5.11} to {+6.73})"],
    },
    Claim {
        doc: "README.md",
        args: &["run", "swarming", "--json"],
        file: None,
        quotes: &["{0.117…} of person-time lost (`capacity_lost`)"],
    },
    Claim {
        doc: "README.md",
        args: &["run", "coupled-architecture"],
        file: None,
        quotes: &["lead time {+6.70} days vs the matrix ({+13.0%}, CI {+5.68} to {+7.73})"],
    },
    Claim {
        doc: "README.md",
        args: &["run", "no-bar-raiser"],
        file: None,
        quotes: &[
            "escaped defects/item {0.596} vs {0.398} in the matrix; bar raisers bring it to {0.122}",
        ],
    },
    Claim {
        doc: "README.md",
        args: &[
            "run",
            "no-bar-raiser",
            "--topology",
            "single-threaded",
            "--topology",
            "single-threaded-bar-raisers",
        ],
        file: None,
        quotes: &[
            "bring it to 0.122 for {+2.72} days",
            "e.g. bar raisers' {+2.72} days",
        ],
    },
    Claim {
        doc: "README.md",
        args: &["run", "part-time-leader"],
        file: None,
        quotes: &["three teams: {+6.51} days ({+18.0%}), decision wait {+7.39} days"],
    },
    Claim {
        doc: "README.md",
        args: &[
            "run",
            "platform",
            "--topology",
            "single-threaded",
            "--topology",
            "ticketed-platform",
            "--topology",
            "self-service-platform",
        ],
        file: None,
        quotes: &[
            "ticketed platform team {+5.97} days over changing it in place; self-service {+1.53} days",
        ],
    },
    Claim {
        doc: "README.md",
        args: &["run", "pooling"],
        file: None,
        quotes: &["M/M/6 {2.86} days vs 3 × M/M/2 {5.61} days"],
    },
    Claim {
        doc: "README.md",
        args: &["run", "mmc"],
        file: None,
        quotes: &["{1.72 ± 0.037} days (theory"],
    },
    // README.md: the `explore` walk-through's prose (its outputs are
    // marked blocks).
    Claim {
        doc: "README.md",
        args: &[
            "explore",
            "prime-video",
            "--method",
            "tornado",
            "--reps",
            "10",
            "--metric",
            "lead_time_mean",
        ],
        file: None,
        quotes: &[
            "the advantage of {−28.170} days shrinks to {−0.373}; at a 4-week cadence it grows to {−63.289}",
        ],
    },
    Claim {
        doc: "README.md",
        args: &[
            "explore",
            "prime-video",
            "--method",
            "sobol",
            "--samples",
            "32",
            "--reps",
            "5",
            "--metric",
            "lead_time_mean",
        ],
        file: None,
        quotes: &[
            "(ST {1.012}, 95% CI {0.689} to {1.374}:",
            "the swarm size {0.042} and the department heads' decision time {0.026}",
        ],
    },
    Claim {
        doc: "README.md",
        args: &[
            "explore",
            "prime-video",
            "--method",
            "break-even",
            "--reps",
            "10",
            "--metric",
            "lead_time_mean",
            "--set",
            "coordination.intake_cadence=0",
        ],
        file: None,
        quotes: &["the difference is {−0.373} days [{−2.390}, {1.644}]"],
    },
    Claim {
        doc: "README.md",
        args: &[
            "explore",
            "prime-video",
            "--method",
            "propagate",
            "--samples",
            "64",
            "--reps",
            "10",
            "--metric",
            "lead_time_mean",
        ],
        file: None,
        quotes: &["P(single-threaded better) = {0.95} [{0.87}, {0.98}]"],
    },
    // README.md: the sweep examples' prose (their tables are marked blocks).
    // The scenarios' headers.
    Claim {
        doc: "scenarios/prime-video.toml",
        args: &["run", "prime-video"],
        file: None,
        quotes: &[
            "from {59.2} to {31.6} days ({-46.6%}, 95% CI {-29.6} to {-25.5} days) at the same throughput ({−0.5%})",
            "(cadence {20.3} days, decisions {8.74}, handoffs {5.57} per item)",
            "rework {1.22} and review {0.848} days per item",
            "matrix ({0.077} against {0.248} per item)",
        ],
    },
    Claim {
        doc: "scenarios/prime-video.toml",
        args: &["check", "prime-video"],
        file: None,
        quotes: &["puts the same {29} people and the same demand"],
    },
    Claim {
        doc: "scenarios/wip-limits.toml",
        args: &["check", "wip-limits"],
        file: None,
        quotes: &["prime-video (the same {29} people, demand"],
    },
    Claim {
        doc: "scenarios/prime-video.toml",
        args: &["check", "prime-video"],
        file: None,
        quotes: &[
            "(up to {0.89}: see",
            "({0.43} to {0.73} in `orgsim check prime-video`)",
        ],
    },
    Claim {
        doc: "README.md",
        args: &["run", "reorg", "--depends", "off"],
        file: None,
        quotes: &[
            "pays for its dip after day {574} (CI {522} to {655}) and saves {9.17} M a year in all",
            "half the {18.3} M of teams that were always there; lead time {44.0} days against the matrix's {59.8}",
            "and crosses zero for good on day {574},",
            "({9.03} against {18.1} M a year of delay)",
        ],
    },
    Claim {
        doc: "scenarios/reorg.toml",
        args: &["check", "reorg"],
        file: None,
        quotes: &["The same {29} people and the same demand"],
    },
    Claim {
        doc: "README.md",
        args: &["check", "reorg"],
        file: None,
        quotes: &["prime-video's move: the same {29} people and"],
    },
    Claim {
        doc: "scenarios/reorg.toml",
        args: &["run", "reorg", "--depends", "off"],
        file: None,
        quotes: &[
            "pays for its dip after day {574} (95% CI {522} to {655})",
            "it saves {9.17} M a year in all",
            "{18.3} M the single-threaded teams",
            "lead time over the window is {44.0} days against the matrix's {59.8}",
            "and the teams' {33.5}.",
        ],
    },
    Claim {
        doc: "scenarios/wip-limits.toml",
        args: &["run", "wip-limits"],
        file: None,
        quotes: &[
            "({57.8} → {59.8} days, {+2.02} days, 95% CI {+0.617} to {+3.43})",
            "(blocked {2.14} days per item), against {29.6} days",
            "cadence {20.2}, decisions {8.40} and handoffs {5.53} days per item",
        ],
    },
    Claim {
        doc: "scenarios/wip-limits.toml",
        args: TIGHT_WIP,
        file: None,
        quotes: &["throughput falls from {1.13} to {0.760} items a day ({-32.5%})"],
    },
    Claim {
        doc: "README.md",
        args: &["run", "wip-limits"],
        file: None,
        quotes: &["keep the matrix at {59.8} days ({+2.02} vs {57.8}; single-threaded {29.6})"],
    },
    Claim {
        doc: "README.md",
        args: TIGHT_WIP,
        file: None,
        quotes: &["two per person starve it (throughput {1.13} → {0.760} items/day)"],
    },
    Claim {
        doc: "scenarios/swarming.toml",
        args: &["run", "swarming"],
        file: None,
        quotes: &[
            "lead time grows by {+5.92} days ({+11.7%}, 95% CI {+5.11} to {+6.73} days) — mostly as queueing ({+5.39} days)",
            "themselves ({+0.347} days)",
            "throughput changes by {-1.1%}",
            "keep {26.4} days ({-47.9%} against",
        ],
    },
    Claim {
        doc: "scenarios/swarming.toml",
        args: &["run", "swarming", "--json"],
        file: None,
        quotes: &["swarming takes {0.117…} of the matrix's person-time"],
    },
    Claim {
        doc: "scenarios/coupled-architecture.toml",
        args: &["run", "coupled-architecture"],
        file: None,
        quotes: &[
            "is {+6.70} days longer",
            "matrix's ({+13.0%}, 95% CI {+5.68} to {+7.73}), their p85 {+13.1} days longer",
        ],
    },
    Claim {
        doc: "scenarios/coupled-architecture.toml",
        args: &[
            "run",
            "coupled-architecture",
            "--set",
            "simulation.horizon=2000",
        ],
        file: None,
        quotes: &["the run length ({+7.05} days, CI {+6.56} to {+7.54}, at"],
    },
    Claim {
        doc: "scenarios/no-bar-raiser.toml",
        args: &["run", "no-bar-raiser"],
        file: None,
        quotes: &[
            "ship {0.596} escaped defects per item against {0.398} in the matrix ({+49.8%})",
            "they ship {0.122} ({-69.4%} against the matrix)",
            "(review {0.847} + rework {1.81} days per item) — still {-20.4} days ({-39.6%}) against the matrix",
        ],
    },
    Claim {
        doc: "scenarios/no-bar-raiser.toml",
        args: &["run", "no-bar-raiser", "--json"],
        file: None,
        quotes: &["i.e. {0.6658…} fix items per day against {0.4332…}"],
    },
    Claim {
        doc: "scenarios/no-bar-raiser.toml",
        args: &[
            "run",
            "no-bar-raiser",
            "--topology",
            "single-threaded",
            "--topology",
            "single-threaded-bar-raisers",
        ],
        file: None,
        quotes: &["for {+2.72} days of lead time"],
    },
    Claim {
        doc: "scenarios/part-time-leader.toml",
        args: &["run", "part-time-leader"],
        file: None,
        quotes: &[
            "decision waits grow by {+7.39} days per item, and lead time by {+6.51} days ({+18.0%}, 95% CI {+5.98} to {+7.03})",
            "matrix ({+14.5} days here)",
        ],
    },
    Claim {
        doc: "scenarios/part-time-leader.toml",
        args: &["check", "part-time-leader"],
        file: None,
        quotes: &["the one leader at utilization {0.86} at 0.5 already"],
    },
    Claim {
        doc: "scenarios/part-time-leader.toml",
        args: &["run", "part-time-leader", "--json"],
        file: None,
        quotes: &["share is {0.8479…} against {0.1677…} for the busiest"],
    },
    Claim {
        doc: "scenarios/platform.toml",
        args: &["run", "platform"],
        file: None,
        quotes: &[
            "themselves ({30.0} vs {24.0} days)",
            "days ({25.5}); all beat the matrix ({50.7})",
        ],
    },
    Claim {
        doc: "scenarios/platform.toml",
        args: &[
            "run",
            "platform",
            "--topology",
            "single-threaded",
            "--topology",
            "ticketed-platform",
            "--topology",
            "self-service-platform",
        ],
        file: None,
        quotes: &["costs {+5.97} days of lead time", "costs {+1.53} days"],
    },
    Claim {
        doc: "scenarios/cross-training.toml",
        args: &[
            "run",
            "cross-training",
            "--topology",
            "no-cross-training",
            "--topology",
            "single-threaded",
        ],
        file: None,
        quotes: &[
            "lead time {8.78} → {5.28} days (without cross-training {+3.50} days, 95% CI {+3.40} to {+3.61}), coordination share {50.2%} → {3.8%}, same throughput",
            "queue {0.887} → {1.49} days per item",
        ],
    },
    Claim {
        doc: "scenarios/cross-training.toml",
        args: &["run", "cross-training"],
        file: None,
        quotes: &["the matrix takes {26.3} days"],
    },
    Claim {
        doc: "scenarios/cross-training.toml",
        args: &["run", "cross-training", "--json"],
        file: None,
        quotes: &["A share {0.0986…} of the people's busy time"],
    },
    Claim {
        doc: "scenarios/communication.toml",
        args: &["run", "communication"],
        file: None,
        quotes: &[
            "teams of 6 are fastest, {1.21} days against {1.98} for the department of 24 ({−38.7%}), {1.28} for two of 12 and {1.38} for eight of 3",
        ],
    },
    Claim {
        doc: "README.md",
        args: &[
            "run",
            "cross-training",
            "--topology",
            "no-cross-training",
            "--topology",
            "single-threaded",
        ],
        file: None,
        quotes: &["lead time {8.78} → {5.28} days (CI of the difference {+3.40} to {+3.61})"],
    },
    Claim {
        doc: "README.md",
        args: &["run", "communication"],
        file: None,
        quotes: &[
            "teams of 6 take {1.21} days, the department of 24 {1.98}, two of 12 {1.28}, eight of 3 {1.38}",
        ],
    },
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `text` with `−` as `-` and every run of whitespace as one space.
fn normalize(text: &str) -> String {
    text.replace('\u{2212}', "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A document's text as it reads: a TOML file's comments only.
fn doc_text(doc: &str) -> String {
    let text = std::fs::read_to_string(root().join(doc))
        .unwrap_or_else(|e| panic!("cannot read {doc}: {e}"));
    if doc.ends_with(".toml") {
        let comments: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix('#'))
            .collect();
        normalize(&comments.join("\n"))
    } else {
        normalize(&text)
    }
}

/// Whether `needle` occurs in `hay` as a whole: no digit (or decimal point
/// followed by a digit) glued to either end.
fn contains_whole(hay: &str, needle: &str) -> bool {
    let digitish = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let mut after = hay[i + needle.len()..].chars();
        let (a1, a2) = (after.next(), after.next());
        let glued_before = digitish(before)
            || (before == Some('.') && needle.starts_with(|c: char| c.is_ascii_digit()));
        let glued_after = digitish(a1) || (a1 == Some('.') && digitish(a2));
        !glued_before && !glued_after
    })
}

/// A quote's phrase (normalized, braces and `…` removed) and its braced
/// numbers, each with whether it is cut (`…`).
fn parse_quote(quote: &str) -> (String, Vec<(String, bool)>) {
    let mut phrase = String::new();
    let mut numbers = Vec::new();
    let mut rest = quote;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').expect("a `{` closed by `}`");
        phrase.push_str(&rest[..open]);
        let inner = &rest[open + 1..close];
        let (n, cut) = match inner.strip_suffix('…') {
            Some(n) => (n, true),
            None => (inner, false),
        };
        phrase.push_str(n);
        numbers.push((normalize(n), cut));
        rest = &rest[close + 1..];
    }
    phrase.push_str(rest);
    (normalize(&phrase), numbers)
}

/// Whether `needle` occurs in `hay` with no digit glued before it.
fn contains_start(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        !hay[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
    })
}

/// An output block of README.md: its command and its lines.
struct Block {
    args: Vec<String>,
    /// Byte range of the block's content (between the fences).
    range: std::ops::Range<usize>,
    lines: Vec<String>,
}

const MARKER: &str = "<!-- docs-numbers:";

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(MARKER) {
        let start = from + i + MARKER.len();
        let end = start + text[start..].find("-->").expect("marker closed by -->");
        let args = text[start..end]
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let open = end
            + text[end..]
                .find("```\n")
                .expect("a fenced block after the marker")
            + 4;
        let close = open + text[open..].find("```").expect("the block closed");
        let lines = text[open..close]
            .lines()
            .map(normalize)
            .filter(|l| !l.is_empty())
            .collect();
        out.push(Block {
            args,
            range: open..close,
            lines,
        });
        from = close;
    }
    out
}

/// `text` without its inline SVG charts (whose lines are drawing commands).
fn without_svg(text: &str) -> String {
    let mut out = String::new();
    let mut in_svg = false;
    for line in text.lines() {
        in_svg |= line.contains("<svg");
        if !in_svg {
            out.push_str(line);
            out.push('\n');
        }
        in_svg &= !line.contains("</svg>");
    }
    out
}

/// A command: `orgsim` arguments and the file whose text is its output
/// (`None`: stdout followed by stderr).
type Cmd = (Vec<String>, Option<&'static str>);

/// Runs `orgsim args` and returns its output (see [`Cmd`]).
fn orgsim((args, file): &Cmd, out: &Path) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orgsim"));
    cmd.args(args);
    if matches!(
        args.first().map(String::as_str),
        Some("run" | "sweep" | "explore" | "fit")
    ) {
        cmd.args(["--quiet", "--out"]).arg(out);
        if file.is_none() {
            cmd.arg("--no-plots");
        }
    }
    let o = cmd.output().expect("orgsim runs");
    assert!(
        o.status.success(),
        "orgsim {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    match file {
        Some(f) => std::fs::read_to_string(out.join(f))
            .unwrap_or_else(|e| panic!("orgsim {} wrote no {f}: {e}", args.join(" "))),
        None => {
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
        }
    }
}

#[test]
fn docs_numbers_match_the_current_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let readme_blocks = blocks(&readme);
    assert!(readme_blocks.len() >= 3, "README's marked output blocks");
    let mut commands: Vec<Cmd> = CLAIMS
        .iter()
        .map(|c| (c.args.iter().map(|a| a.to_string()).collect(), c.file))
        .chain(readme_blocks.iter().map(|b| (b.args.clone(), None)))
        .collect();
    commands.sort();
    commands.dedup();
    let dir = tempfile::tempdir().unwrap();
    let outputs: BTreeMap<Cmd, String> = std::thread::scope(|s| {
        let handles: Vec<_> = commands
            .iter()
            .enumerate()
            .map(|(i, cmd)| {
                let out = dir.path().join(i.to_string());
                s.spawn(move || (cmd.clone(), orgsim(cmd, &out)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    if std::env::var_os("ORGSIM_DOCS_PRINT").is_some() {
        for ((args, file), out) in &outputs {
            let what = file.map_or(String::new(), |f| format!(" (its {f}, charts left out)"));
            println!("$ orgsim {}{what}\n{}", args.join(" "), without_svg(out));
        }
    }
    if std::env::var_os("ORGSIM_DOCS_WRITE").is_some() {
        let mut text = readme.clone();
        for b in readme_blocks.iter().rev() {
            let out = outputs[&(b.args.clone(), None)].trim_end().to_owned() + "\n";
            text.replace_range(b.range.clone(), &out);
        }
        std::fs::write(root().join("README.md"), text).unwrap();
        println!("README.md: {} output blocks rewritten", readme_blocks.len());
        return;
    }

    let mut problems = Vec::new();
    for c in CLAIMS {
        let args: Vec<String> = c.args.iter().map(|a| a.to_string()).collect();
        let out = normalize(&outputs[&(args.clone(), c.file)]);
        let doc = doc_text(c.doc);
        for q in c.quotes {
            let (phrase, numbers) = parse_quote(q);
            assert!(!numbers.is_empty(), "{}: `{q}` quotes no number", c.doc);
            if !doc.contains(&phrase) {
                problems.push(format!("{}: `{phrase}` is not in the document", c.doc));
            }
            for (n, cut) in numbers {
                let found = if cut {
                    contains_start(&out, &n)
                } else {
                    contains_whole(&out, &n)
                };
                if !found {
                    problems.push(format!(
                        "{}: `{n}` (in `{phrase}`) is not in the output of `orgsim {}`",
                        c.doc,
                        args.join(" ")
                    ));
                }
            }
        }
    }
    for b in &readme_blocks {
        let out: Vec<String> = outputs[&(b.args.clone(), None)]
            .lines()
            .map(normalize)
            .collect();
        for line in &b.lines {
            if !out.contains(line) {
                problems.push(format!(
                    "README.md: the block of `orgsim {}` has a line it no longer prints: {line}",
                    b.args.join(" ")
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} stale quotes (ORGSIM_DOCS_PRINT=1 prints the current outputs; ORGSIM_DOCS_WRITE=1 rewrites README's blocks):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn whole_number_matching() {
    assert!(contains_whole("lead 57.9 days", "57.9"));
    assert!(contains_whole("(-48.8%)", "-48.8%"));
    assert!(!contains_whole("1.13", "1.1"));
    assert!(!contains_whole("11.3", "1.3"));
    assert!(contains_whole("was 1.3.", "1.3"));
    assert!(!contains_whole("21.7", "1.7"));
    assert!(contains_start("\"mean\": 0.12113616,", "0.121"));
    assert!(!contains_start("10.121", "0.121"));
    assert_eq!(normalize("a \u{2212}1\n  b"), "a -1 b");
    assert_eq!(
        parse_quote("from {57.9} to  {0.121…} days"),
        (
            "from 57.9 to 0.121 days".to_owned(),
            vec![("57.9".to_owned(), false), ("0.121".to_owned(), true)]
        )
    );
    let text = "x\n<!-- docs-numbers: run mmc -->\n```\nline  one\n\nline two\n```\n";
    assert_eq!(without_svg("a\n<svg x>\n<path/>\n</svg>\nb\n"), "a\nb\n");
    let b = blocks(text);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].args, vec!["run", "mmc"]);
    assert_eq!(b[0].lines, vec!["line one", "line two"]);
    assert_eq!(&text[b[0].range.clone()], "line  one\n\nline two\n");
}
