//! The completion-day chart and the report page of `orgsim forecast`
//! (docs/model.md, "Forecasts"), recomputed from `forecast_done.csv` and
//! `forecast.csv`.

use std::collections::BTreeMap;
use std::path::Path;

use orgsim::experiment::validation;
use orgsim::report::charts::numbers;

use super::support::{orgsim, text};

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn rect(n: &roxmltree::Node) -> (i64, i64) {
    let v = |a: &str| n.attribute(a).unwrap().parse::<i64>().unwrap();
    (v("x"), v("height"))
}

#[test]
fn the_completion_day_chart_counts_and_marks_what_the_files_say() {
    // Erlang(10, 1) is above 12 days about 24% of the time: some
    // replications are not done by the horizon.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("station.toml");
    std::fs::write(&file, validation::station(0.5, 1.0, 1, 12.0, 60, 5, "")).unwrap();
    let out = orgsim(
        &[
            "forecast",
            file.to_str().unwrap(),
            "--backlog",
            "10",
            "--no-arrivals",
            "--by",
            "9",
            "-q",
            "--out",
            "fc",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let fc = dir.path().join("fc");
    let done = read_csv(&fc.join("forecast_done.csv"));
    assert_eq!(done.len(), 60);
    let days: Vec<Option<f64>> = done
        .iter()
        .map(|r| (!r["done_day"].is_empty()).then(|| r["done_day"].parse().unwrap()))
        .collect();
    for (r, d) in done.iter().zip(&days) {
        let items: u32 = r["items_done"].parse().unwrap();
        assert_eq!(d.is_some(), items == 10, "{r:?}");
    }
    let late = days.iter().filter(|d| d.is_none()).count();
    assert!(late > 3 && late < 30, "{late} not done");

    // The quantiles of forecast.csv are the ⌈p·n⌉-th completion days, a
    // replication not done counting as later than any.
    let forecast = read_csv(&fc.join("forecast.csv"));
    let mut sorted: Vec<f64> = days.iter().map(|d| d.unwrap_or(f64::INFINITY)).collect();
    sorted.sort_by(f64::total_cmp);
    let svg = std::fs::read_to_string(fc.join("forecast_done.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for (p, q) in [(0.5, "done_p50"), (0.85, "done_p85"), (0.95, "done_p95")] {
        let expected = sorted[(p * 60.0_f64).ceil() as usize - 1];
        let row = forecast.iter().find(|r| r["quantity"] == q).unwrap();
        let name = q.trim_start_matches("done_");
        if expected.is_finite() {
            assert_eq!(row["estimate"].parse::<f64>().unwrap(), expected, "{q}");
            let label = format!("{name} {} d", numbers::sig(expected));
            assert!(texts.contains(&label.as_str()), "no `{label}` in {texts:?}");
        } else {
            assert_eq!(row["estimate"], ">12", "{q}");
            assert!(
                texts
                    .iter()
                    .any(|t| t.ends_with("> 12") && t.contains(name)),
                "{q} not marked beyond the horizon: {texts:?}"
            );
        }
    }
    let p_row = forecast
        .iter()
        .find(|r| r["quantity"] == "p_done_by")
        .unwrap();
    let p: f64 = p_row["estimate"].parse().unwrap();
    let share = days.iter().filter(|d| d.is_some_and(|d| d <= 9.0)).count() as f64 / 60.0;
    assert!((p - share).abs() < 1e-12, "{p} vs {share}");
    let by_label = format!("P(done by 9) {}", numbers::pct(p, 0));
    assert!(
        texts.iter().any(|t| t.starts_with(&by_label)),
        "no `{by_label}` in {texts:?}"
    );
    assert!(
        texts.contains(&format!("{late} not done").as_str()),
        "{texts:?}"
    );

    // The bars: one per non-empty bin of the stated width, heights in
    // proportion to the replications counted from the CSV; the grey bar
    // the ones not done.
    let subtitle = texts
        .iter()
        .find(|t| t.contains("-day bin"))
        .expect("the bin width is stated");
    let width: f64 = subtitle
        .split("each ")
        .nth(1)
        .and_then(|s| s.split("-day").next())
        .unwrap()
        .parse()
        .unwrap();
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for d in days.iter().flatten() {
        *counts.entry((d / width).floor() as i64).or_default() += 1;
    }
    let bars = |fill: &str| -> Vec<(i64, i64)> {
        let mut v: Vec<(i64, i64)> = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("rect")
                    && n.attribute("fill")
                        .is_some_and(|f| f.eq_ignore_ascii_case(fill))
            })
            .map(|n| rect(&n))
            .collect();
        v.sort_unstable();
        v
    };
    let blue = bars("#0072B2");
    assert_eq!(blue.len(), counts.len(), "{blue:?} vs {counts:?}");
    let unit = blue.iter().map(|b| b.1).sum::<i64>() as f64 / (60 - late) as f64;
    for ((_, h), (k, n)) in blue.iter().zip(&counts) {
        assert!(
            (*h as f64 - *n as f64 * unit).abs() <= 1.5,
            "bin {k}: height {h} for {n} replications ({unit} px each)"
        );
    }
    let grey = bars("#5F5F5F");
    assert_eq!(grey.len(), 1, "{grey:?}");
    assert!(
        (grey[0].1 as f64 - late as f64 * unit).abs() <= 1.5,
        "{grey:?}"
    );
    assert!(
        grey[0].0 > blue.last().unwrap().0,
        "the late bar is right of the days"
    );

    // The page says it in words.
    let page = std::fs::read_to_string(fc.join("report.html")).unwrap();
    for needle in [
        "when will the 10 backlog items be done?",
        "done p50",
        "done p85",
        "done p95",
        "done mean",
        "P(done by day 9)",
        "items done by day 9",
        "not done by day 12",
        &format!("{late} of 60 replications not done by day 12"),
        "no other work arrives",
        "What this forecast assumes",
        "id=\"burnup\"",
        "id=\"forecast_done\"",
    ] {
        assert!(page.contains(needle), "report.html lacks `{needle}`");
    }
}

#[test]
fn the_page_names_every_topology_and_every_file_is_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut folders = Vec::new();
    for threads in ["1", "2"] {
        let out_dir = format!("fc{threads}");
        let out = orgsim(
            &[
                "forecast",
                "prime-video",
                "--backlog",
                "30",
                "--reps",
                "6",
                "--threads",
                threads,
                "--by",
                "60",
                "--horizon",
                "90",
                "-q",
                "--out",
                &out_dir,
            ],
            dir.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let files: Vec<(String, Vec<u8>)> = [
            "forecast.csv",
            "forecast_done.csv",
            "burnup.csv",
            "forecast_done.svg",
            "forecast_done.png",
            "report.html",
        ]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read(dir.path().join(&out_dir).join(f)).unwrap(),
            )
        })
        .collect();
        folders.push(files);
    }
    assert_eq!(folders[0], folders[1]);
    let page = String::from_utf8(folders[0][5].1.clone()).unwrap();
    for t in ["matrix", "single-threaded"] {
        assert!(
            page.contains(&format!("<li>{t}: the backlog was done")),
            "{t}"
        );
        assert!(
            page.contains(&format!("</span>{t}</td>")),
            "{t} in the table"
        );
    }
    let done = read_csv(&dir.path().join("fc1/forecast_done.csv"));
    assert_eq!(done.len(), 12, "6 replications of 2 topologies");

    // --no-plots: the CSV files, no chart and no page.
    let out = orgsim(
        &[
            "forecast",
            "prime-video",
            "--backlog",
            "5",
            "--reps",
            "2",
            "--horizon",
            "30",
            "--no-plots",
            "-q",
            "--out",
            "np",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let np = dir.path().join("np");
    assert!(np.join("forecast_done.csv").exists());
    assert!(!np.join("forecast_done.svg").exists() && !np.join("report.html").exists());
}
