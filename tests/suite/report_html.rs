//! `report.html`: self-contained (no script, no network, SVGs inline), says
//! what was run and what came out in this run's numbers, carries the
//! warnings of `check`, and renders in a real browser (headless Chromium)
//! with no console error and no broken image.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use orgsim::report::charts::{RunChart, RunData};
use orgsim::report::html;

use super::charts::{RUN_CHARTS, check_png, copy_folder, depends_charts, run_folder};

fn report() -> String {
    fs::read_to_string(run_folder().join("report.html")).unwrap()
}

#[test]
fn report_is_self_contained() {
    let html = report();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "the report carries a script");
    assert!(
        !html.contains("<img"),
        "charts must be inline SVG, not images"
    );
    assert!(!html.contains("<link"), "the report links an outside file");
    assert!(!html.contains(" src="), "the report loads something");
    // The only URL is the SVG namespace, which is never fetched.
    let urls = html.matches("http").count();
    let namespaces = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
    assert_eq!(urls, namespaces, "a URL other than the SVG namespace");
    let charts = RUN_CHARTS.len() + depends_charts(run_folder());
    assert_eq!(html.matches("<svg").count(), charts);
    assert!(!html.contains("<?xml"), "an XML prolog inside HTML");
}

#[test]
fn report_tells_what_was_run_and_what_came_out() {
    let html = report();
    let data = RunData::load(run_folder()).unwrap();
    let m = data.manifest.as_ref().expect("run writes a manifest");
    assert!(html.contains("<h1>prime-video</h1>"));
    assert!(html.contains(&html::escape(&m.description)), "description");
    assert!(html.contains(&format!("seed {}", m.seed.unwrap())));
    assert!(html.contains("3 replications per topology"));
    assert!(html.contains(&format!("orgsim {}", m.orgsim_version)));
    assert!(html.contains("Results per topology"), "summary table");
    assert!(
        html.contains("single-threaded</h2>") || html.contains("compared with"),
        "comparison table"
    );
    assert!(html.contains("95% CI"), "comparison with CIs");
    // Every chart, with its caption in this run's numbers.
    for chart in RunChart::plan(&data) {
        let caption = html::escape(&chart.caption(&data));
        assert!(
            html.contains(&caption),
            "caption of {} missing",
            chart.stem()
        );
        assert!(html.contains(&format!("id=\"{}\"", chart.stem())));
    }
    assert!(html.contains("Warnings from <code>orgsim check</code>"));
}

#[test]
fn report_carries_the_warnings_of_check() {
    let dir = copy_folder(run_folder());
    let path = dir.path().join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    manifest["warnings"] = serde_json::json!([
        "matrix: team eng is overloaded (offered load 1.20 > capacity)",
        "single-threaded: leader of <tv-apps> is overloaded"
    ]);
    fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    let html = fs::read_to_string(html::write_report(dir.path()).unwrap()).unwrap();
    assert!(html.contains("team eng is overloaded (offered load 1.20 &gt; capacity)"));
    assert!(
        html.contains("leader of &lt;tv-apps&gt; is overloaded"),
        "not escaped"
    );
    assert!(html.contains("class=\"warnings\""));
}

/// `chromium` on PATH, if any.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
}

/// Runs headless Chromium with `args` (plus the flags a machine without
/// network needs) and a fresh profile; returns (stdout, stderr).
fn headless(chromium: &Path, args: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Read the pipes on threads so that a chatty browser never blocks.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (out_t.join().unwrap(), err_t.join().unwrap())
}

/// The test script appended to a copy of the report: it checks every image
/// and inline SVG and writes the verdict into the title.
const CHECK_SCRIPT: &str = r#"<script>
(function () {
  var problems = [];
  document.querySelectorAll('img').forEach(function (img, i) {
    if (!img.complete || img.naturalWidth === 0) problems.push('broken img ' + i);
  });
  var svgs = document.querySelectorAll('svg');
  if (svgs.length === 0) problems.push('no svg');
  svgs.forEach(function (s, i) {
    var r = s.getBoundingClientRect();
    if (r.width < 300 || r.height < 150) problems.push('svg ' + i + ' is ' + r.width + 'x' + r.height);
    if (s.querySelectorAll('text').length < 5) problems.push('svg ' + i + ' has no text');
    var bad = 0;
    s.querySelectorAll('text').forEach(function (t) { if (t.getComputedTextLength() <= 0 && t.textContent.trim()) bad++; });
    if (bad > 0) problems.push('svg ' + i + ': ' + bad + ' texts not drawn');
  });
  document.title = problems.length ? 'PROBLEMS: ' + problems.join('; ') : 'OK ' + svgs.length + ' charts';
})();
</script>
"#;

/// Console errors and uncaught exceptions in Chromium's log.
fn console_errors(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| {
            (l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("rror")))
                || l.contains("Uncaught")
                || l.contains("Failed to load resource")
        })
        .map(str::to_string)
        .collect()
}

/// The checked copy of `report` and the title Chromium left in it.
fn check_in_browser(chromium: &Path, report: &Path, dir: &Path) -> (String, Vec<String>) {
    let html = fs::read_to_string(report).unwrap();
    let checked = html.replacen("</body>", &format!("{CHECK_SCRIPT}</body>"), 1);
    let page = dir.join("checked.html");
    fs::write(&page, checked).unwrap();
    let (dom, log) = headless(
        chromium,
        &[
            "--dump-dom".to_string(),
            format!("file://{}", page.display()),
        ],
    );
    let title = dom
        .split("<title>")
        .nth(1)
        .and_then(|s| s.split("</title>").next())
        .unwrap_or("")
        .to_string();
    (title, console_errors(&log))
}

#[test]
fn report_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed, and CI must have it (.ci/run installs it)"
        );
        eprintln!("skipped: chromium is not on PATH (apt-get install chromium)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let report = run_folder().join("report.html");

    // The detector works: a page with a broken image and a script error
    // is caught.
    let broken = tmp.path().join("broken.html");
    fs::write(
        &broken,
        "<!DOCTYPE html><html><head><title>x</title></head><body>\
         <img src=\"missing.png\" width=\"10\" height=\"10\">\
         <script>undefinedFunction();</script></body></html>",
    )
    .unwrap();
    let (title, errors) = check_in_browser(&chromium, &broken, tmp.path());
    assert!(
        title.contains("broken img"),
        "detector missed a broken image: {title}"
    );
    assert!(!errors.is_empty(), "detector missed a script error");

    // The report itself.
    let (title, errors) = check_in_browser(&chromium, &report, tmp.path());
    assert_eq!(
        title,
        format!(
            "OK {} charts",
            RUN_CHARTS.len() + depends_charts(run_folder())
        ),
        "the report does not render cleanly"
    );
    assert!(errors.is_empty(), "console errors: {errors:#?}");

    // A screenshot for a human to look at.
    let shot = tmp.path().join("report.png");
    let (_, log) = headless(
        &chromium,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,4000".to_string(),
            "--hide-scrollbars".to_string(),
            format!("file://{}", report.display()),
        ],
    );
    assert!(shot.is_file(), "no screenshot: {log}");
    let (w, h) = check_png(&shot);
    assert_eq!((w, h), (1280, 4000));
    // Keep a copy where a human finds it: target/report-screenshot.png.
    let target = Path::new(env!("CARGO_BIN_EXE_orgsim"))
        .parent()
        .and_then(Path::parent)
        .expect("the binary is in target/<profile>");
    let _ = fs::copy(&shot, target.join("report-screenshot.png"));
}
