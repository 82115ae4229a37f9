//! The flow charts of replication 0 (issue 26): `cycle_time.csv`,
//! `throughput_weekly.csv` and `wip_age.csv` say exactly what the items of
//! replication 0 (`--items`) and the cumulative flow diagram say; their
//! charts are valid SVG with the percentile lines where the labels say,
//! the report embeds them, and `--no-plots` records and writes none of it.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::charts::{check_png, check_svg, run_folder};
use crate::support::{orgsim, text};
use orgsim::report::charts::numbers;
use orgsim::stats::percentile;

/// A CSV file as rows of (column → cell).
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column}: {}", row[column]))
}

/// Runs `scenario` with `--items` (2 replications, 200 days) into a new
/// folder.
fn run_with_items(scenario: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "run",
            scenario,
            "--reps",
            "2",
            "--set",
            "simulation.horizon=200",
            "--items",
            "--depends",
            "off",
            "--quiet",
            "--out",
            "res",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    dir
}

/// Checks the three files of `dir` against its `items.csv` and `cfd.csv`;
/// returns how many WIP samples could be recomputed from the items.
fn check_against_items(dir: &Path) -> usize {
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let topologies: Vec<String> = manifest["topologies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let horizon = manifest["horizon"].as_f64().unwrap();
    let items = rows(&dir.join("items.csv"));
    let cycle = rows(&dir.join("cycle_time.csv"));
    let weekly = rows(&dir.join("throughput_weekly.csv"));
    let wip = rows(&dir.join("wip_age.csv"));
    let cfd = rows(&dir.join("cfd.csv"));
    let mut recomputed = 0;
    for (k, t) in topologies.iter().enumerate() {
        let of = |rs: &[BTreeMap<String, String>]| -> Vec<BTreeMap<String, String>> {
            rs.iter()
                .filter(|r| r["topology"] == *t && r["replication"] == "0")
                .cloned()
                .collect()
        };
        let (items, cycle, weekly, wip, cfd) =
            (of(&items), of(&cycle), of(&weekly), of(&wip), of(&cfd));
        assert!(items.len() > 100, "{t}: {} items", items.len());

        // The scatter's points are replication 0's items, in the same order.
        assert_eq!(cycle.len(), items.len(), "{t}");
        for (c, i) in cycle.iter().zip(&items) {
            for column in ["item", "stream", "arrival", "done", "lead_time"] {
                assert_eq!(c[column], i[column], "{t}: {column}");
            }
        }

        // Weeks of 5 working days from the window's start, full weeks only.
        let start = manifest["warmups"][k].as_f64().unwrap();
        let full = (horizon / 5.0).floor() as usize;
        assert_eq!(weekly.len(), full, "{t}: weeks");
        let mut counts = vec![0u64; full];
        for i in &items {
            let week = ((num(i, "done") - start) / 5.0).floor() as usize;
            if week < full {
                counts[week] += 1;
            }
        }
        for (w, row) in weekly.iter().enumerate() {
            assert_eq!(row["week"], w.to_string());
            assert_eq!(num(row, "start"), start + 5.0 * w as f64);
            assert_eq!(num(row, "end"), start + 5.0 * (w + 1) as f64);
            assert_eq!(num(row, "completed") as u64, counts[w], "{t}: week {w}");
        }
        assert_eq!(counts.iter().sum::<u64>(), items.len() as u64);

        // WIP at every sample is the CFD's arrived − done.
        assert_eq!(wip.len(), cfd.len(), "{t}");
        for (w, c) in wip.iter().zip(&cfd) {
            assert_eq!(w["time"], c["time"]);
            assert_eq!(num(w, "wip"), num(c, "arrived") - num(c, "done"));
        }
        // Items still in the system at the end arrived at the earliest at
        // `end − oldest age at the end`: before that, every item in the
        // system was done in the window and is in items.csv, so the WIP and
        // the oldest age are recomputed exactly from the items' timestamps;
        // after it, items.csv can only miss some.
        let last = wip.last().unwrap();
        let end = num(last, "time");
        assert_eq!(end, start + horizon, "{t}: the last sample is at the end");
        let age_end = num(last, "oldest_age");
        let first_open = if age_end.is_nan() { end } else { end - age_end };
        for w in &wip {
            let time = num(w, "time");
            if time < start {
                continue;
            }
            let open: Vec<f64> = items
                .iter()
                .filter(|i| num(i, "arrival") <= time && time < num(i, "done"))
                .map(|i| num(i, "arrival"))
                .collect();
            let (wip_now, age) = (num(w, "wip"), num(w, "oldest_age"));
            if time < first_open {
                assert_eq!(open.len() as f64, wip_now, "{t}: WIP at {time}");
                let oldest = open.iter().copied().fold(f64::INFINITY, f64::min);
                if open.is_empty() {
                    assert!(age.is_nan(), "{t}: no item at {time}, age {age}");
                } else {
                    assert_eq!(age, time - oldest, "{t}: oldest age at {time}");
                }
                recomputed += 1;
            } else {
                assert!(open.len() as f64 <= wip_now, "{t}: WIP at {time}");
            }
        }
    }
    recomputed
}

#[test]
fn the_flow_files_are_exactly_what_the_items_of_replication_0_say() {
    // A stable scenario (two M/M/c organizations at ρ = 0.8) and the
    // bundled default (several streams, cadences, fix items of escaped
    // defects, a matrix that does not settle).
    for scenario in ["pooling", "prime-video"] {
        let dir = run_with_items(scenario);
        let recomputed = check_against_items(&dir.path().join("res"));
        assert!(recomputed > 200, "{scenario}: only {recomputed} samples");
    }
}

/// The y coordinate of the SVG text `label` and how many dashed segments
/// (short horizontal polylines of the text's colour) lie at that height.
fn guide_at(svg: &str, label: &str) -> (i64, usize) {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let node = doc
        .descendants()
        .find(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.trim() == label))
        .unwrap_or_else(|| panic!("no text `{label}`"));
    let y: i64 = node.attribute("y").unwrap().parse().unwrap();
    let segments = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == node.attribute("fill"))
        .filter(|n| {
            let ys: Vec<i64> = n
                .attribute("points")
                .unwrap()
                .split_whitespace()
                .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
                .collect();
            ys.len() == 2 && ys.iter().all(|&v| v == y)
        })
        .count();
    (y, segments)
}

#[test]
fn the_scatter_marks_the_percentiles_of_its_own_items_where_it_labels_them() {
    let dir = run_folder();
    let cycle = rows(&dir.join("cycle_time.csv"));
    for t in ["matrix", "single-threaded"] {
        let mut leads: Vec<f64> = cycle
            .iter()
            .filter(|r| r["topology"] == t)
            .map(|r| num(r, "lead_time"))
            .collect();
        leads.sort_by(f64::total_cmp);
        let stem = format!("cycle_time_{t}");
        check_svg(&dir.join(format!("{stem}.svg")));
        check_png(&dir.join(format!("{stem}.png")));
        let svg = fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap();
        assert!(
            svg.matches("<circle").count() >= leads.len(),
            "{t}: a dot per item"
        );
        let mut heights = Vec::new();
        for (p, name) in [(0.5, "p50"), (0.85, "p85"), (0.95, "p95")] {
            let label = format!("{name} {} d", numbers::sig(percentile(&leads, p)));
            let (y, segments) = guide_at(&svg, &label);
            assert!(segments >= 20, "{t}: {label}: {segments} dashes");
            heights.push(y);
        }
        // Higher percentiles are higher up (smaller y).
        assert!(
            heights[0] > heights[1] && heights[1] > heights[2],
            "{heights:?}"
        );
    }
}

#[test]
fn the_run_charts_say_what_a_week_is_and_show_their_two_series() {
    let dir = run_folder();
    let weekly = rows(&dir.join("throughput_weekly.csv"));
    for t in ["matrix", "single-threaded"] {
        let counts: Vec<f64> = weekly
            .iter()
            .filter(|r| r["topology"] == t)
            .map(|r| num(r, "completed"))
            .collect();
        let mean = counts.iter().sum::<f64>() / counts.len() as f64;
        let texts = check_svg(&dir.join(format!("throughput_weekly_{t}.svg")));
        check_png(&dir.join(format!("throughput_weekly_{t}.png")));
        assert!(texts.contains("per week (5 working days)"), "{texts}");
        assert!(texts.contains("1 week = 5 working days"), "{texts}");
        assert!(
            texts.contains(&format!("mean {}", numbers::sig(mean))),
            "{t}: mean {mean}: {texts}"
        );
        let mut sorted = counts.clone();
        sorted.sort_by(f64::total_cmp);
        let band = format!(
            "({} to {})",
            numbers::sig(percentile(&sorted, 0.05)),
            numbers::sig(percentile(&sorted, 0.95))
        );
        assert!(texts.contains(&band), "{t}: band {band}: {texts}");

        let texts = check_svg(&dir.join(format!("wip_{t}.svg")));
        check_png(&dir.join(format!("wip_{t}.png")));
        assert!(texts.contains("items in the system"), "{texts}");
        assert!(texts.contains("oldest item's age (days)"), "{texts}");
    }
}

#[test]
fn the_report_embeds_the_flow_charts_with_captions_in_this_runs_numbers() {
    let dir = run_folder();
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    let cycle = rows(&dir.join("cycle_time.csv"));
    for t in ["matrix", "single-threaded"] {
        for stem in ["cycle_time", "throughput_weekly", "wip"] {
            let id = format!("<figure id=\"{stem}_{t}\">");
            let at = html
                .find(&id)
                .unwrap_or_else(|| panic!("{id} not in the report"));
            let figure = &html[at..at + html[at..].find("</figure>").unwrap()];
            assert!(figure.contains("<svg"), "{stem}_{t}: not inlined");
            assert!(figure.contains("replication 0 of"), "{stem}_{t}: caption");
        }
        let n = cycle.iter().filter(|r| r["topology"] == t).count();
        assert!(
            html.contains(&format!("In replication 0 of {t}, {n} items were done")),
            "{t}: {n} items"
        );
    }
}

#[test]
fn no_plots_writes_no_flow_file_and_a_folder_without_them_draws_no_flow_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "run",
            "mmc",
            "--reps",
            "2",
            "--set",
            "simulation.horizon=50",
            "--no-plots",
            "--quiet",
            "--out",
            "res",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let res = dir.path().join("res");
    for f in ["cycle_time.csv", "throughput_weekly.csv", "wip_age.csv"] {
        assert!(!res.join(f).exists(), "--no-plots wrote {f}");
    }
    assert!(res.join("cfd.csv").is_file());

    // `plot` of such a folder (or of one from before the flow files): the
    // other charts, none of these.
    let old = tempfile::tempdir().unwrap();
    for f in ["summary.csv", "comparison.csv", "cfd.csv"] {
        fs::copy(res.join(f), old.path().join(f)).unwrap();
    }
    let written = orgsim::report::charts::render_run(old.path()).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n.starts_with("cfd_")), "{names:?}");
    for prefix in ["cycle_time_", "throughput_weekly_", "wip_"] {
        assert!(!names.iter().any(|n| n.starts_with(prefix)), "{names:?}");
    }

    // A malformed flow file is bad input naming the file, line and column.
    fs::write(
        old.path().join("wip_age.csv"),
        "topology,replication,time,wip,oldest_age\nteam-of-4,0,1,two,0.5\n",
    )
    .unwrap();
    let e = orgsim::report::charts::render_run(old.path()).unwrap_err();
    assert!(e.is_bad_input(), "{e}");
    let message = e.to_string();
    assert!(
        message.contains("wip_age.csv") && message.contains("line 2") && message.contains("`wip`"),
        "{message}"
    );
}

/// A least-squares line `y = a x + b` through `points` and the largest
/// distance of a point from it.
fn line_fit(points: &[(f64, f64)]) -> (f64, f64, f64) {
    let n = points.len() as f64;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    let a = sxy / sxx;
    let b = my - a * mx;
    let worst = points
        .iter()
        .map(|(x, y)| (y - (a * x + b)).abs())
        .fold(0.0, f64::max);
    (a, b, worst)
}

/// A 5,000-day run (16,000 items) draws a light scatter: at most
/// `MAX_DOTS` dots, a systematic sample of `cycle_time.csv` in completion
/// order whose positions are those items' (done, lead time) on the chart's
/// axes to the pixel; the file keeps every item.
#[test]
fn a_long_runs_scatter_stays_light_and_draws_a_sample_of_its_own_items() {
    use orgsim::report::charts::flow::{MAX_DOTS, dot_stride};
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "run",
            "mmc",
            "--reps",
            "1",
            "--depends",
            "off",
            "-q",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let folder = dir.path().join("o");
    let items = rows(&folder.join("cycle_time.csv"));
    assert!(items.len() > 10 * MAX_DOTS, "{} items", items.len());
    let svg_path = folder.join("cycle_time_team-of-4.svg");
    let size = fs::metadata(&svg_path).unwrap().len();
    assert!(size < 200_000, "{size} bytes");
    let svg = fs::read_to_string(&svg_path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let dots: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|n| {
            let at = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
            (at("cx"), at("cy"))
        })
        .collect();
    let stride = dot_stride(items.len());
    let sample: Vec<(f64, f64)> = items
        .iter()
        .step_by(stride)
        .map(|r| (num(r, "done"), num(r, "lead_time")))
        .collect();
    assert!(sample.len() <= MAX_DOTS);
    assert_eq!(dots.len(), sample.len(), "one dot per sampled item");
    // Pixels are whole: each dot is within a pixel of the line the axes
    // map its item's day and lead time to.
    let xs: Vec<(f64, f64)> = sample.iter().zip(&dots).map(|(s, d)| (s.0, d.0)).collect();
    let ys: Vec<(f64, f64)> = sample.iter().zip(&dots).map(|(s, d)| (s.1, d.1)).collect();
    let (ax, _, worst_x) = line_fit(&xs);
    let (ay, _, worst_y) = line_fit(&ys);
    assert!(ax > 0.0 && ay < 0.0, "later is right, longer is up");
    assert!(worst_x <= 1.0 && worst_y <= 1.0, "{worst_x} {worst_y}");
    assert!(
        svg.contains(&format!("one in every {stride} items done")),
        "the chart says it is a sample"
    );
    // The percentiles are still those of every item.
    let mut leads: Vec<f64> = items.iter().map(|r| num(r, "lead_time")).collect();
    leads.sort_by(f64::total_cmp);
    let label = format!("p85 {} d", numbers::sig(percentile(&leads, 0.85)));
    assert!(svg.contains(&label), "{label}");
}
