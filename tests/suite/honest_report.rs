//! What the charts and the report claim, checked against the files they
//! are drawn from (issue 16): the cumulative flow counts demand as demand,
//! a change of order is marked only where it is significant, a sweep over
//! non-numeric values is charted on a categorical axis, and the report
//! says what the table says and what the model assumed.

use std::fs;

use orgsim::experiment::RunOptions;
use orgsim::report::charts::{self, RunChart, RunData, SweepChart, SweepData};
use orgsim::scenario::{Override, bundled};

use super::charts::{check_png, check_svg, run_folder};
use crate::support::{orgsim, text};

fn prime_video(overrides: &[&str]) -> orgsim::scenario::Scenario {
    let b = bundled::find("prime-video").unwrap();
    let o: Vec<Override> = overrides
        .iter()
        .map(|s| Override::parse(s).unwrap())
        .collect();
    orgsim::scenario::load_str(b.file_name, b.text, &o).unwrap()
}

/// Point 10: every topology faces the same demand (common random numbers),
/// so its cumulative arrivals are the same whatever the topology; the fix
/// items of escaped defects, which differ, are counted apart; and the items
/// open at the end are those `open_at_end` counts.
#[test]
fn cumulative_flow_counts_demand_as_demand() {
    let sc = prime_video(&["simulation.replications=1"]);
    let exp = orgsim::experiment::run(&sc, &RunOptions::default()).unwrap();
    let mut arrivals = Vec::new();
    let mut fixes = Vec::new();
    for t in &exp.topologies {
        let last = t.flow.last().unwrap();
        assert_eq!(
            last.arrived - last.done,
            t.metric("open_at_end").unwrap()[0] as u64,
            "{}: open items of the flow diagram vs open_at_end",
            t.name
        );
        for f in &t.flow {
            assert_eq!(f.arrived, f.done + f.intake + f.backlog + f.in_progress);
            assert!(f.fix_done <= f.fix_arrived);
        }
        arrivals.push(last.arrived);
        fixes.push(last.fix_arrived);
    }
    assert!(
        arrivals.windows(2).all(|w| w[0] == w[1]),
        "demand differs between topologies: {arrivals:?}"
    );
    // The scenario has escaped defects, and they differ by topology.
    assert!(fixes.iter().all(|&f| f > 0), "{fixes:?}");
    assert!(fixes.windows(2).any(|w| w[0] != w[1]), "{fixes:?}");
}

/// Point 10: the caption's "open" is replication 0's `open_at_end` from
/// replications.csv, and the fix items are named apart.
#[test]
fn cfd_caption_open_agrees_with_open_at_end() {
    let dir = run_folder();
    let data = RunData::load(dir).unwrap();
    let reps = fs::read_to_string(dir.join("replications.csv")).unwrap();
    let mut lines = reps.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (ct, cr, co) = (col("topology"), col("replication"), col("open_at_end"));
    let mut checked = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[cr] != "0" {
            continue;
        }
        let caption = RunChart::Cfd(cells[ct].to_string()).caption(&data);
        assert!(
            caption.contains(&format!("leaving {} open at the end", cells[co])),
            "{}: open_at_end {} but: {caption}",
            cells[ct],
            cells[co]
        );
        assert!(
            caption.contains("fix items of escaped defects"),
            "{caption}"
        );
        checked += 1;
    }
    assert_eq!(checked, data.topologies.len());
}

/// One point of a synthetic two-topology sweep (matrix the baseline,
/// single-threaded the other): the point's cell, the metric, both means,
/// and the paired difference with its 95% CI.
struct Row<'a> {
    cell: &'a str,
    metric: &'a str,
    base: f64,
    other: f64,
    diff: (f64, f64, f64),
}

/// Writes `sweep.csv` and `sweep_comparison.csv` of `rows` into `dir`.
fn write_sweep(dir: &std::path::Path, path: &str, rows: &[Row]) {
    let mut sweep = format!("{path},topology,metric,mean,sd,ci95_low,ci95_high,n\n");
    let mut comp =
        format!("{path},topology,baseline,metric,diff_mean,ci95_low,ci95_high,relative\n");
    for r in rows {
        for (t, m) in [("matrix", r.base), ("single-threaded", r.other)] {
            let hw = 0.1 * m.abs().max(0.01);
            sweep.push_str(&format!(
                "{},{t},{},{m},1,{},{},10\n",
                r.cell,
                r.metric,
                m - hw,
                m + hw
            ));
        }
        let (d, lo, hi) = r.diff;
        comp.push_str(&format!(
            "{},single-threaded,matrix,{},{d},{lo},{hi},{}\n",
            r.cell,
            r.metric,
            d / r.base
        ));
    }
    fs::write(dir.join("sweep.csv"), sweep).unwrap();
    fs::write(dir.join("sweep_comparison.csv"), comp).unwrap();
}

/// Point 6, as found: means that cross where neither paired difference is
/// significant are no change of order, in the caption or the chart.
#[test]
fn a_crossing_of_non_significant_differences_is_no_crossover() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = [
        ("0.2", 0.003, -0.010, 0.016),
        ("0.3", 0.0005, -0.011, 0.012),
        ("0.4", -0.0056, -0.019, 0.0077),
    ]
    .iter()
    .map(|&(cell, d, lo, hi)| Row {
        cell,
        metric: "throughput",
        base: 1.0,
        other: 1.0 + d,
        diff: (d, lo, hi),
    })
    .collect();
    write_sweep(dir.path(), "architecture.coupling", &rows);
    let data = SweepData::load(dir.path()).unwrap();
    let caption = SweepChart::Line("throughput".into()).caption(&data);
    assert!(!caption.contains("order changes"), "{caption}");
    assert!(
        caption.contains("not significant on both sides"),
        "{caption}"
    );
    charts::render_sweep(dir.path()).unwrap();
    let texts = check_svg(&dir.path().join("sweep_throughput.svg"));
    assert!(!texts.contains('≈'), "a crossover is marked: {texts}");
}

/// Point 6: a change of order that is significant on both sides is
/// marked, and where non-significant values lie between, it is located
/// only as well as they allow.
#[test]
fn a_significant_change_of_order_is_marked_between_its_significant_ends() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = [
        ("0", -10.0, -12.0, -8.0),
        ("0.2", -2.0, -5.0, 1.0),
        ("0.4", 3.0, -1.0, 7.0),
        ("0.6", 9.0, 7.0, 11.0),
    ]
    .iter()
    .map(|&(cell, d, lo, hi)| Row {
        cell,
        metric: "lead_time_mean",
        base: 40.0,
        other: 40.0 + d,
        diff: (d, lo, hi),
    })
    .collect();
    write_sweep(dir.path(), "architecture.coupling", &rows);
    let data = SweepData::load(dir.path()).unwrap();
    let caption = SweepChart::Line("lead_time_mean".into()).caption(&data);
    assert!(
        caption.contains(
            "from somewhere between coupling 0 and 0.6 on (not significant in between), matrix has the lower (better) mean lead time"
        ),
        "{caption}"
    );
    charts::render_sweep(dir.path()).unwrap();
    let texts = check_svg(&dir.path().join("sweep_lead_time_mean.svg"));
    assert!(texts.contains("coupling 0–0.6"), "not marked: {texts}");
}

/// `orgsim sweep prime-video` over `varies` (short runs) into `out` of `dir`.
fn sweep_prime_video(dir: &std::path::Path, out: &str, varies: &[&str]) -> std::process::Output {
    let mut args = vec![
        "sweep",
        "prime-video",
        "--reps",
        "2",
        "--set",
        "simulation.horizon=100",
        "--quiet",
        "--out",
        out,
    ];
    for v in varies {
        args.extend(["--vary", v]);
    }
    orgsim(&args, dir)
}

/// Point 5: a sweep over words (a queue discipline) writes its table, its
/// files, charts on a categorical axis and the report; `plot` redraws
/// them byte for byte.
#[test]
fn a_sweep_over_words_is_charted_on_a_categorical_axis() {
    let dir = tempfile::tempdir().unwrap();
    let out = sweep_prime_video(dir.path(), "q", &["topologies.matrix.queue=fifo,weighted"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(
        table.contains("fifo") && table.contains("weighted"),
        "{table}"
    );
    let folder = dir.path().join("q");
    let data = SweepData::load(&folder).unwrap();
    assert!(data.is_categorical(0));
    assert_eq!(data.label(0, data.values[0][1]), "weighted");
    let caption = SweepChart::Line("lead_time_mean".into()).caption(&data);
    assert!(
        caption.contains("with fifo, matrix") && caption.contains("with weighted"),
        "{caption}"
    );
    for metric in charts::SWEEP_METRICS {
        let texts = check_svg(&folder.join(format!("sweep_{metric}.svg")));
        assert!(
            texts.contains("fifo") && texts.contains("weighted"),
            "{metric}: no category on the axis: {texts}"
        );
        check_png(&folder.join(format!("sweep_{metric}.png")));
    }
    let html = fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(html.contains("fifo, weighted"), "varied values not listed");
    let before = fs::read(folder.join("sweep_lead_time_mean.png")).unwrap();
    let replot = orgsim(&["plot", "q"], dir.path());
    assert_eq!(replot.status.code(), Some(0), "{}", text(&replot.stderr));
    assert_eq!(
        fs::read(folder.join("sweep_lead_time_mean.png")).unwrap(),
        before
    );
}

/// Point 5: a grid with a list of distributions on one axis gets heat maps
/// whose cells are labelled by distribution.
#[test]
fn a_sweep_over_distributions_gets_labelled_heat_maps() {
    let dir = tempfile::tempdir().unwrap();
    let out = sweep_prime_video(
        dir.path(),
        "d",
        &[
            r#"workload.streams.tv-apps.interarrival={ dist = "exponential", mean = 2.5 },{ dist = "uniform", min = 2, max = 3 }"#,
            "workload.load=0.8,1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let folder = dir.path().join("d");
    let texts = check_svg(&folder.join("heatmap_lead_time_mean_single-threaded.svg"));
    assert!(
        texts.contains("exponential, mean=2.5") && texts.contains("uniform, min=2, max=3"),
        "{texts}"
    );
    let data = SweepData::load(&folder).unwrap();
    let caption = SweepChart::Heat {
        metric: "lead_time_mean".into(),
        topology: "single-threaded".into(),
    }
    .caption(&data);
    assert!(caption.contains("interarrival { dist = "), "{caption}");
}

/// Point 5: what would make the sweep's files unreadable is refused before
/// anything is simulated: two values written alike are one column value.
#[test]
fn values_written_alike_are_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let out = sweep_prime_video(dir.path(), "dup", &["workload.load=1,1.0"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("listed twice"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("dup").exists(), "the folder was written");
}

/// A short run of the bundled `no-bar-raiser` into `out` of `dir`.
fn run_no_bar_raiser(dir: &std::path::Path, out: &str) -> String {
    let run = orgsim(
        &[
            "run",
            "no-bar-raiser",
            "--reps",
            "3",
            "--set",
            "simulation.horizon=200",
            "--quiet",
            "--out",
            out,
        ],
        dir,
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    fs::read_to_string(dir.join(out).join("report.html")).unwrap()
}

/// The HTML without its inline SVGs (whose texts are chart labels).
fn without_svg(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("</svg>").map_or("", |j| &rest[i + j + 6..]);
    }
    out.push_str(rest);
    out
}

/// Point 7: the report says what the table says (escaped defects, per
/// stream) and what the model assumed, in plain words.
#[test]
fn report_shows_defects_streams_and_assumptions() {
    let dir = tempfile::tempdir().unwrap();
    let html = run_no_bar_raiser(dir.path(), "nbr");
    assert!(html.contains("escaped defects per item"), "no defects row");
    assert!(
        html.contains("Escaped defects per completed item"),
        "no defects finding"
    );
    assert!(html.contains("escalations per item"), "no escalations row");
    assert!(html.contains("<h2>Results per stream</h2>"));
    for stream in ["tv-apps", "game-consoles", "mobile"] {
        assert!(
            html.contains(&format!(
                "<tr class=\"group\"><td colspan=\"4\">{stream}</td></tr>"
            )),
            "stream {stream} missing"
        );
    }
    assert!(html.contains("<h2>What each topology assumes</h2>"));
    // Each topology's assumptions, as the scenario sets them.
    assert_eq!(
        html.matches("a request to another team waits for its next 10-day planning boundary")
            .count(),
        3,
        "one cadence line per topology"
    );
    assert!(html.contains("2 bar raisers (extra people) review every item"));
    assert!(html.contains("a finished task leaves a defect with probability 8%"));
}

/// Point 7: cadence, decision, coordination share and flow efficiency are
/// defined once, in the element where they first appear.
#[test]
fn jargon_is_defined_where_it_first_appears() {
    let dir = tempfile::tempdir().unwrap();
    let html = without_svg(&run_no_bar_raiser(dir.path(), "nbr"));
    let body = &html[html.find("<body").unwrap()..];
    for term in [
        "cadence",
        "decision",
        "coordination share",
        "flow efficiency",
    ] {
        let definition = format!("<em>{term}</em>: ");
        assert_eq!(
            body.matches(&definition).count(),
            1,
            "{term} defined not once"
        );
        let defined_at = body.find(&definition).unwrap();
        // The first use in the visible text (outside tags).
        let mut in_tag = false;
        let first = body
            .char_indices()
            .find(|&(i, c)| {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ => {}
                }
                !in_tag && body[i..].to_ascii_lowercase().starts_with(term)
            })
            .map(|(i, _)| i)
            .unwrap();
        assert!(first < defined_at, "{term} defined before its first use");
        let between = &body[first..defined_at];
        for end in ["</li>", "</p>", "</td>", "</figcaption>"] {
            assert!(
                !between.contains(end),
                "{term}: defined in another element than its first use: {between}"
            );
        }
    }
}

/// Point 7: when every topology keeps up with the demand, the summary says
/// that throughput equals the demand by construction; not when one does not.
#[test]
fn same_throughput_is_explained_only_when_every_topology_keeps_up() {
    let dir = tempfile::tempdir().unwrap();
    let html = run_no_bar_raiser(dir.path(), "nbr");
    let sentence = "so its throughput equals the demand by construction";
    assert!(html.contains(sentence), "not explained");
    // One topology with saturated replications does not keep up.
    let folder = dir.path().join("nbr");
    let summary = fs::read_to_string(folder.join("summary.csv")).unwrap();
    let edited: String = summary
        .lines()
        .map(|l| {
            if l.starts_with("matrix,saturated,") {
                "matrix,saturated,0.333,0.577,0,1,3".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(edited.trim(), summary.trim(), "no saturated row to edit");
    fs::write(folder.join("summary.csv"), edited + "\n").unwrap();
    let html = fs::read_to_string(orgsim::report::html::write_report(&folder).unwrap()).unwrap();
    assert!(
        !html.contains(sentence),
        "explained for a saturated topology"
    );
}
