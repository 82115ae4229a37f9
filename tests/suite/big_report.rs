//! The report of a big organization (issue 23; docs/performance.md, "Big
//! organizations"): above a few dozen streams "Results per stream" shows
//! how each metric spreads over the streams and the streams with the
//! longest lead times, sorted; and `run`, which draws its charts and report
//! from the results in memory, writes the very bytes `plot` draws from the
//! files.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use orgsim::report::charts::numbers;

use crate::big::generator;
use crate::support::{orgsim, text};

/// One run of 60 streams (and 60 teams in the single-threaded topology),
/// two replications on one thread, written into `dir/o`.
fn run_sixty(dir: &Path) {
    fs::write(dir.join("big.toml"), generator::streams(60, 20.0, 60.0)).unwrap();
    let out = orgsim(
        &[
            "run",
            "big.toml",
            "--reps",
            "2",
            "--threads",
            "1",
            "--depends",
            "off",
            "-q",
            "--out",
            "o",
        ],
        dir,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The mean of each (topology, metric) of `summary.csv`, and the streams in
/// file order (the `<stream>:lead_time_mean` rows).
fn summary_means(path: &Path) -> (BTreeMap<(String, String), f64>, Vec<String>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut means = BTreeMap::new();
    let mut streams: Vec<String> = Vec::new();
    for record in reader.records() {
        let r = record.unwrap();
        let (t, m) = (r[0].to_string(), r[1].to_string());
        if let Some(s) = m.strip_suffix(":lead_time_mean")
            && !m.starts_with("team:")
            && !streams.iter().any(|x| x == s)
        {
            streams.push(s.to_string());
        }
        means.insert((t, m), r[2].parse::<f64>().unwrap());
    }
    (means, streams)
}

#[test]
fn sixty_streams_report_their_spread_and_the_twenty_longest_lead_times_sorted() {
    let dir = tempfile::tempdir().unwrap();
    run_sixty(dir.path());
    let o = dir.path().join("o");
    let html = fs::read_to_string(o.join("report.html")).unwrap();
    let (means, streams) = summary_means(&o.join("summary.csv"));
    assert_eq!(streams.len(), 60);
    let topologies = ["matrix", "single-threaded"];

    let section = &html[html
        .find("<h2>Results per stream</h2>")
        .expect("the section")..];
    let section = &section[..section[4..].find("<h2>").map_or(section.len(), |e| e + 4)];
    assert!(
        section.contains("60 streams, too many for a row each"),
        "{section}"
    );
    assert!(section.contains("summary.csv"), "{section}");

    // The spread of the streams' mean lead times, per topology, from the
    // file's numbers.
    for t in topologies {
        let mut v: Vec<f64> = (streams.iter())
            .map(|s| means[&(t.to_string(), format!("{s}:lead_time_mean"))])
            .collect();
        v.sort_by(f64::total_cmp);
        let cells: Vec<String> = [0.0, 0.25, 0.5, 0.75, 1.0]
            .iter()
            .map(|&p| {
                let x = orgsim::stats::percentile(&v, p);
                format!("<td>{}</td>", numbers::short("lead_time_mean", x))
            })
            .collect();
        let row = format!("{t}</td><td>60</td>{}</tr>", cells.join(""));
        assert!(section.contains(&row), "no `{row}` in {section}");
    }

    // The 20 streams with the longest mean lead time in either topology,
    // longest first (between equals, file order), and no other.
    let mut keyed: Vec<(f64, &String)> = (streams.iter())
        .map(|s| {
            let longest = topologies
                .iter()
                .map(|t| means[&(t.to_string(), format!("{s}:lead_time_mean"))])
                .fold(f64::NEG_INFINITY, f64::max);
            (longest, s)
        })
        .collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0));
    let expected: Vec<&str> = keyed.iter().take(20).map(|(_, s)| s.as_str()).collect();
    let shown: Vec<&str> = section
        .split("<tr class=\"group\"><td colspan=\"3\">")
        .skip(1)
        .map(|rest| &rest[..rest.find('<').unwrap()])
        .collect();
    assert_eq!(shown, expected);
    assert!(keyed[0].0 > keyed[19].0, "the streams differ: {keyed:?}");
}

/// `run` draws from the results in memory, on its one thread; `plot` from
/// the files, on every core: the same bytes.
#[test]
fn run_of_sixty_streams_writes_the_charts_and_report_plot_draws_from_its_files() {
    let dir = tempfile::tempdir().unwrap();
    run_sixty(dir.path());
    let o = dir.path().join("o");
    let mut drawn = Vec::new();
    for entry in fs::read_dir(&o).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "svg" | "png" | "html") {
            drawn.push((path.clone(), fs::read(&path).unwrap()));
            fs::remove_file(&path).unwrap();
        }
    }
    assert!(drawn.len() > 10, "{drawn:?}");
    let out = orgsim(&["plot", "o", "-q"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (path, bytes) in &drawn {
        let again = fs::read(path).unwrap_or_else(|_| panic!("{} not redrawn", path.display()));
        assert!(again == *bytes, "{} differs after plot", path.display());
    }
}
