//! Charts: `run` draws them next to its CSV files, `plot DIR` redraws the
//! very same bytes from the files alone, every file is a valid SVG or PNG,
//! sweep folders get line charts (crossovers marked) or heat maps, and a
//! folder without results is refused with exit code 2.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::support::{orgsim, text};
use orgsim::report::charts::{self, ChartError, RunChart, RunData, SweepChart, SweepData};

/// The stems of the charts a run of the bundled default draws.
pub const RUN_CHARTS: [&str; 12] = [
    "throughput",
    "lead_time",
    "delay_breakdown",
    "utilization",
    "cfd_matrix",
    "cfd_single-threaded",
    "cycle_time_matrix",
    "cycle_time_single-threaded",
    "throughput_weekly_matrix",
    "throughput_weekly_single-threaded",
    "wip_matrix",
    "wip_single-threaded",
];

/// A small run of the bundled default, made once per test binary; tests
/// that change a folder copy it first.
pub fn run_folder() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Under target/tmp (it must outlive the tests of this process, so
        // not a self-deleting temporary folder).
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("charts-run-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let out = orgsim(
            &[
                "run",
                "--reps",
                "3",
                "--set",
                "simulation.horizon=150",
                "--quiet",
                "--out",
                "res",
            ],
            &dir,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        dir.join("res")
    })
}

/// The "What this depends on" charts in `dir` (one per compared topology
/// whose verdict the section tests), beside the run's [`RUN_CHARTS`].
pub fn depends_charts(dir: &Path) -> usize {
    fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.starts_with("depends_") && name.ends_with(".svg")
        })
        .count()
}

/// A copy of the files of `from` in a new temporary folder.
pub fn copy_folder(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    dir
}

/// Decodes a PNG, checking it is a whole image with real content; returns
/// its size.
pub fn check_png(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let mut reader = decoder
        .read_info()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bytes = &buf[..info.buffer_size()];
    // Not blank: many pixels are neither white nor one single colour.
    let step = info.color_type.samples();
    let non_white = bytes
        .chunks(step)
        .filter(|p| p.iter().take(3).any(|&c| c < 235))
        .count();
    let total = (info.width * info.height) as usize;
    assert!(
        non_white > total / 50,
        "{}: almost blank ({non_white} of {total} pixels drawn)",
        path.display()
    );
    (info.width, info.height)
}

/// Parses an SVG file, checking it is a well-formed SVG document with text;
/// returns its texts joined by newlines.
pub fn check_svg(path: &Path) -> String {
    let content = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&content)
        .unwrap_or_else(|e| panic!("{}: not well-formed XML: {e}", path.display()));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{}", path.display());
    assert_eq!(root.attribute("width"), Some("1000"), "{}", path.display());
    assert!(root.attribute("viewBox").is_some(), "{}", path.display());
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        texts.len() > 5,
        "{}: only {} texts",
        path.display(),
        texts.len()
    );
    assert!(
        !content.contains("font-family=\"sans-serif\""),
        "{}: names a bare sans-serif font",
        path.display()
    );
    texts.join("\n")
}

#[test]
fn run_draws_every_chart_as_valid_svg_and_png() {
    let dir = run_folder();
    for stem in RUN_CHARTS {
        let texts = check_svg(&dir.join(format!("{stem}.svg")));
        let (w, h) = check_png(&dir.join(format!("{stem}.png")));
        assert_eq!(w, 1500, "{stem}.png width");
        assert!(h >= 900, "{stem}.png height {h}");
        // Titles and axis labels with units are there.
        assert!(texts.lines().count() > 8, "{stem}: {texts}");
        match stem {
            "throughput" => assert!(texts.contains("items completed per day"), "{texts}"),
            "lead_time" => {
                assert!(texts.contains("lead time (days"), "{texts}");
                for p in ["p50", "p85", "p95"] {
                    assert!(texts.contains(p), "{p} not marked: {texts}");
                }
            }
            "delay_breakdown" => {
                for c in ["work", "queue", "handoff", "cadence", "decision"] {
                    assert!(texts.contains(c), "{c} missing: {texts}");
                }
                assert!(texts.contains("coordination"), "{texts}");
            }
            "utilization" => {
                assert!(texts.contains("leader"), "{texts}");
                assert!(texts.contains("eng"), "{texts}");
            }
            _ if stem.starts_with("cycle_time_") => {
                for p in ["p50", "p85", "p95"] {
                    assert!(texts.contains(p), "{p} not marked: {texts}");
                }
            }
            _ if stem.starts_with("throughput_weekly_") => {
                assert!(texts.contains("5 working days"), "{texts}")
            }
            _ if stem.starts_with("wip_") => assert!(texts.contains("oldest item"), "{texts}"),
            _ => assert!(
                texts.contains("arrived") && texts.contains("done"),
                "{texts}"
            ),
        }
    }
    assert!(dir.join("report.html").is_file());
}

#[test]
fn plot_reproduces_the_bytes_run_wrote() {
    let dir = copy_folder(run_folder());
    let mut originals = Vec::new();
    for entry in fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "svg" | "png" | "html") {
            originals.push((path.clone(), fs::read(&path).unwrap()));
            fs::remove_file(&path).unwrap();
        }
    }
    // The run's charts and the depends charts, SVG and PNG, and the report.
    let depends = depends_charts(run_folder());
    assert_eq!(originals.len(), 2 * (RUN_CHARTS.len() + depends) + 1);
    let out = orgsim(&["plot", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for (path, bytes) in &originals {
        let again = fs::read(path).unwrap_or_else(|_| panic!("{} not redrawn", path.display()));
        assert!(again == *bytes, "{} differs after plot", path.display());
    }
    // Nothing else was written, nothing temporary left.
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn no_plots_writes_only_the_csv_files_and_manifest() {
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
    for entry in fs::read_dir(dir.path().join("res")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name.ends_with(".csv") || name == "manifest.json",
            "--no-plots wrote {name}"
        );
    }
}

#[test]
fn plot_refuses_a_folder_without_results_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    let out = orgsim(&["plot", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("holds no orgsim results"), "{err}");
    assert!(
        err.contains("summary.csv") && err.contains("sweep.csv"),
        "{err}"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "wrote something"
    );

    let out = orgsim(&["plot", "no-such-folder"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    // A summary.csv that is not orgsim's: exit 2, naming the file and column.
    fs::write(dir.path().join("summary.csv"), "a,b\n1,2\n").unwrap();
    let out = orgsim(&["plot", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("summary.csv") && err.contains("topology"),
        "{err}"
    );
}

#[test]
fn an_old_folder_with_only_summary_and_comparison_still_plots() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["summary.csv", "comparison.csv"] {
        fs::copy(run_folder().join(f), dir.path().join(f)).unwrap();
    }
    let written = charts::render_run(dir.path()).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"throughput.svg".to_string()), "{names:?}");
    assert!(
        names.contains(&"delay_breakdown.png".to_string()),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.starts_with("cfd_")), "{names:?}");
    let report = orgsim::report::html::write_report(dir.path()).unwrap();
    let html = fs::read_to_string(report).unwrap();
    assert!(html.contains("not recorded"), "missing manifest not said");
}

#[test]
fn topologies_keep_their_colour_in_every_chart() {
    let dir = run_folder();
    // Okabe–Ito blue for the first topology, vermillion for the second.
    for stem in ["throughput", "lead_time", "utilization"] {
        let svg = fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap();
        assert!(svg.contains("#0072B2"), "{stem}: first topology colour");
        assert!(svg.contains("#D55E00"), "{stem}: second topology colour");
    }
}

#[test]
fn captions_state_this_runs_numbers() {
    let data = RunData::load(run_folder()).unwrap();
    let lt = RunChart::LeadTime.caption(&data);
    let base = data.mean("matrix", "lead_time_mean").unwrap();
    let st = data.mean("single-threaded", "lead_time_mean").unwrap();
    let d = data.diff("single-threaded", "lead_time_mean").unwrap();
    assert!(
        lt.contains(&format!("{st:.1} days against {base:.1}")),
        "{lt}"
    );
    let expected = if d.includes_zero() {
        "no significant difference".to_string()
    } else {
        format!("{:.1}% shorter (95% CI", -100.0 * d.mean / base)
    };
    assert!(lt.contains(&expected), "{lt} lacks {expected}");
    let tp = RunChart::Throughput.caption(&data);
    assert!(tp.contains("items per day"), "{tp}");
    let db = RunChart::DelayBreakdown.caption(&data);
    assert!(db.contains("Coordination") && db.contains('%'), "{db}");
    let cfd = RunChart::Cfd("matrix".into()).caption(&data);
    assert!(cfd.contains("arrived") && cfd.contains("done"), "{cfd}");
    let u = RunChart::Utilization.caption(&data);
    assert!(u.contains("busiest"), "{u}");
}

/// Writes a synthetic sweep folder: `paths` columns, two topologies, and a
/// `mean(point, topology)` for every headline metric.
fn synthetic_sweep(
    dir: &Path,
    paths: &[&str],
    points: &[Vec<f64>],
    mean: impl Fn(&[f64], usize) -> f64,
) {
    let topologies = ["matrix", "single-threaded"];
    let mut sweep = format!(
        "{},topology,metric,mean,sd,ci95_low,ci95_high,n\n",
        paths.join(",")
    );
    let mut comp = format!(
        "{},topology,baseline,metric,diff_mean,ci95_low,ci95_high,relative\n",
        paths.join(",")
    );
    for p in points {
        let cells: Vec<String> = p.iter().map(|x| x.to_string()).collect();
        let cells = cells.join(",");
        for metric in charts::SWEEP_METRICS {
            for (i, t) in topologies.iter().enumerate() {
                let m = mean(p, i);
                sweep.push_str(&format!(
                    "{cells},{t},{metric},{m},1,{},{},5\n",
                    m - 0.5,
                    m + 0.5
                ));
            }
            let (b, v) = (mean(p, 0), mean(p, 1));
            let d = v - b;
            comp.push_str(&format!(
                "{cells},single-threaded,matrix,{metric},{d},{},{},{}\n",
                d - 0.3,
                d + 0.3,
                d / b
            ));
        }
    }
    fs::write(dir.join("sweep.csv"), sweep).unwrap();
    fs::write(dir.join("sweep_comparison.csv"), comp).unwrap();
}

#[test]
fn one_path_sweep_draws_a_line_chart_per_headline_metric_with_crossovers() {
    let dir = tempfile::tempdir().unwrap();
    let points: Vec<Vec<f64>> = (0..=5).map(|k| vec![f64::from(k) * 0.2]).collect();
    // Single-threaded rises from 25 to 75 and crosses the flat matrix (50)
    // at coupling 0.5.
    synthetic_sweep(dir.path(), &["architecture.coupling"], &points, |p, i| {
        if i == 0 { 50.0 } else { 25.0 + 50.0 * p[0] }
    });
    let data = SweepData::load(dir.path()).unwrap();
    assert_eq!(data.params, ["architecture.coupling"]);
    let plan = SweepChart::plan(&data);
    assert_eq!(plan.len(), charts::SWEEP_METRICS.len());
    let caption = SweepChart::Line("lead_time_mean".into()).caption(&data);
    assert!(
        caption.contains("from coupling ≈ 0.5 on, matrix has the lower (better) mean lead time"),
        "{caption}"
    );

    let written = charts::render_sweep(dir.path()).unwrap();
    assert_eq!(written.len(), 2 * charts::SWEEP_METRICS.len());
    for metric in charts::SWEEP_METRICS {
        let texts = check_svg(&dir.path().join(format!("sweep_{metric}.svg")));
        assert!(texts.contains("architecture.coupling"), "{texts}");
        assert!(
            texts.contains("coupling ≈ 0.5"),
            "crossover not marked: {texts}"
        );
        check_png(&dir.path().join(format!("sweep_{metric}.png")));
    }
    // `plot` recognizes the sweep folder and reproduces the same bytes.
    let before = fs::read(dir.path().join("sweep_throughput.png")).unwrap();
    let out = orgsim(&["plot", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        fs::read(dir.path().join("sweep_throughput.png")).unwrap(),
        before
    );
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("sweep report"), "not a sweep report");
    assert_eq!(html.matches("<figure").count(), charts::SWEEP_METRICS.len());
}

#[test]
fn two_path_sweep_draws_heat_maps_of_the_paired_difference() {
    let dir = tempfile::tempdir().unwrap();
    let mut points = Vec::new();
    for c in [0.0, 0.3, 0.6] {
        for l in [0.8, 1.0] {
            points.push(vec![c, l]);
        }
    }
    synthetic_sweep(
        dir.path(),
        &["architecture.coupling", "workload.load"],
        &points,
        |p, i| {
            if i == 0 {
                50.0 * p[1]
            } else {
                30.0 + 40.0 * p[0]
            }
        },
    );
    let written = charts::render_sweep(dir.path()).unwrap();
    assert_eq!(written.len(), 2 * charts::SWEEP_METRICS.len());
    let stem = "heatmap_lead_time_mean_single-threaded";
    let texts = check_svg(&dir.path().join(format!("{stem}.svg")));
    assert!(texts.contains("workload.load") && texts.contains("architecture.coupling"));
    // Every cell's difference is written in it: at coupling 0, load 0.8
    // single-threaded − matrix = 30 − 40 = −10.
    assert!(texts.contains("\u{2212}10.0"), "{texts}");
    check_png(&dir.path().join(format!("{stem}.png")));
    let data = SweepData::load(dir.path()).unwrap();
    let caption = SweepChart::Heat {
        metric: "lead_time_mean".into(),
        topology: "single-threaded".into(),
    }
    .caption(&data);
    assert!(caption.contains("of 6 cells"), "{caption}");
}

#[test]
fn a_sweep_over_three_paths_draws_no_chart_but_still_reports() {
    let dir = tempfile::tempdir().unwrap();
    let points = vec![vec![0.0, 1.0, 2.0], vec![1.0, 1.0, 2.0]];
    synthetic_sweep(dir.path(), &["a.x", "b.y", "c.z"], &points, |p, i| {
        10.0 + p[0] + i as f64
    });
    assert!(charts::render_sweep(dir.path()).unwrap().is_empty());
    let html = fs::read_to_string(orgsim::report::html::write_report(dir.path()).unwrap()).unwrap();
    assert!(html.contains("No chart"), "three-path sweep not explained");
}

#[test]
fn malformed_files_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("summary.csv"),
        "topology,metric,mean,sd,ci95_low,ci95_high,n\nmatrix,throughput,abc,1,1,1,3\n",
    )
    .unwrap();
    let e = charts::render_run(dir.path()).unwrap_err();
    assert!(e.is_bad_input(), "{e}");
    assert!(e.to_string().contains("line 2"), "{e}");
    let e = charts::render_run(&dir.path().join("missing")).unwrap_err();
    assert!(matches!(e, ChartError::NoResults(_)), "{e}");
}
