//! "What this depends on": the quick tornado every `orgsim run` adds to its
//! stdout, `--json`, `depends.csv` and `report.html` (docs/model.md).

use std::path::Path;

use crate::support::{orgsim, text};

/// Two streams of one-task items, four engineers: the matrix pools them, the
/// single-threaded teams split them two and two (at utilization 0.85 the
/// split queues wait much longer), but every matrix task is a request and
/// waits for the next planning boundary. At a cadence of 5 days that wait
/// outweighs pooling; at 2.5 days it no longer does, so halving the cadence
/// flips the verdict (switching it off too; doubling it does not).
const FLIP: &str = r#"
name = "flip"
[simulation]
warmup = 100
horizon = 2000
replications = 20
seed = 3
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[[workload.streams]]
name = "b"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = { dist = "exponential", mean = 1.7 } } ]
[organization]
people = { eng = 4 }
[coordination]
intake_cadence = 5
[[topologies]]
name = "matrix"
kind = "matrix"
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#;

/// `depends.csv` of `dir` as (header, rows of cells).
fn depends_csv(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(dir.join("depends.csv")).expect("depends.csv is written");
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

/// The row of (setting, variant).
fn case<'a>(
    header: &[String],
    rows: &'a [Vec<String>],
    setting: &str,
    variant: &str,
) -> &'a [String] {
    let (s, v) = (col(header, "setting"), col(header, "variant"));
    rows.iter()
        .find(|r| r[s] == setting && r[v] == variant)
        .unwrap_or_else(|| panic!("no row {setting} {variant}"))
}

fn run(dir: &Path, scenario: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["run", scenario, "--out", "out", "-q"];
    args.extend(extra);
    let done = orgsim(&args, dir);
    assert!(done.status.success(), "{}", text(&done.stderr));
    done
}

#[test]
fn every_run_report_has_the_section_on_stdout_in_json_csv_and_html() {
    let tmp = tempfile::tempdir().unwrap();
    let done = run(tmp.path(), "prime-video", &["--reps", "6"]);
    let stdout = text(&done.stdout);
    assert!(stdout.contains("What this depends on"), "{stdout}");
    // It leads with the answer about the verdict.
    let section = &stdout[stdout.find("What this depends on").unwrap()..];
    let first = section.lines().nth(1).unwrap();
    assert!(
        first.contains("The single-threaded advantage over matrix in mean lead time"),
        "{first}"
    );
    let out = tmp.path().join("out");
    let (header, rows) = depends_csv(&out);
    assert_eq!(
        header.join(","),
        "setting,variant,factor,value,topology,baseline,metric,difference,ci95_low,ci95_high,n,replications,verdict,verdict_changes"
    );
    // The settings as given, then three cases per setting but the
    // executive's decision time (no "off": it is "no escalation").
    assert_eq!(rows.len(), 1 + 7 * 3 + 2);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2 id=\"depends\">What this depends on</h2>"));
    assert!(html.contains("depends_lead_time_mean_single-threaded.svg"));
    assert!(
        out.join("depends_lead_time_mean_single-threaded.png")
            .is_file()
    );
    let texts = crate::charts::check_svg(&out.join("depends_lead_time_mean_single-threaded.svg"));
    for label in ["halved", "doubled", "intake cadence", "swarm duration"] {
        assert!(
            texts.contains(label),
            "{label} not in the tornado:\n{texts}"
        );
    }
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"depends.csv\""),
        "listed with the files"
    );

    // `plot` redraws the same report from the files alone.
    let plotted = orgsim(&["plot", "out", "-q"], tmp.path());
    assert!(plotted.status.success(), "{}", text(&plotted.stderr));
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        html
    );

    let done = run(tmp.path(), "prime-video", &["--reps", "6", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&done.stdout).unwrap();
    let d = &json["depends"];
    assert_eq!(d["metric"], "lead_time_mean");
    assert_eq!(d["cases"].as_array().unwrap().len(), rows.len());
    assert!(
        d["answer"][0]
            .as_str()
            .unwrap()
            .starts_with("The single-threaded advantage")
    );
}

#[test]
fn it_names_the_settings_the_scenario_uses_and_no_other() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("flip.toml"), FLIP).unwrap();
    let done = run(tmp.path(), "flip.toml", &["--reps", "4"]);
    let (header, rows) = depends_csv(&tmp.path().join("out"));
    let s = col(&header, "setting");
    let mut settings: Vec<&str> = rows.iter().map(|r| r[s].as_str()).collect();
    settings.dedup();
    assert_eq!(settings, ["", "intake_cadence"]);
    let stdout = text(&done.stdout);
    let section = &stdout[stdout.find("What this depends on").unwrap()..];
    assert!(section.contains("intake cadence"));
    for unused in [
        "handoff",
        "decision time",
        "escalation",
        "swarm",
        "context switch",
    ] {
        assert!(!section.contains(unused), "{unused} named:\n{section}");
    }
    // prime-video uses every coordination setting there is, and its matrix
    // swarms, so the context switch counts.
    run(tmp.path(), "prime-video", &["--reps", "3"]);
    let (header, rows) = depends_csv(&tmp.path().join("out"));
    let s = col(&header, "setting");
    let mut settings: Vec<&str> = rows.iter().map(|r| r[s].as_str()).collect();
    settings.dedup();
    assert_eq!(
        settings,
        [
            "",
            "handoff",
            "internal_handoff",
            "intake_cadence",
            "decision",
            "escalation.probability",
            "escalation.decision",
            "context_switch",
            "swarm.duration"
        ]
    );
}

/// The halved case is the scenario with half the cadence, run with the same
/// streams: its paired difference is, to the bit, what `orgsim run --set`
/// at that cadence and as many replications finds, and its verdict is the
/// one that interval gives, unlike the nominal one.
#[test]
fn a_verdict_flipped_by_halving_the_cadence_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("flip.toml"), FLIP).unwrap();
    let done = run(tmp.path(), "flip.toml", &["--depends", "full"]);
    let (header, rows) = depends_csv(&tmp.path().join("out"));
    let nominal = case(&header, &rows, "", "nominal");
    let halved = case(&header, &rows, "intake_cadence", "halved");
    let doubled = case(&header, &rows, "intake_cadence", "doubled");
    let (v, ch) = (col(&header, "verdict"), col(&header, "verdict_changes"));
    assert_eq!(nominal[v], "better", "{nominal:?}");
    assert_eq!(halved[v], "worse", "{halved:?}");
    assert_eq!(halved[ch], "true");
    assert_eq!(doubled[v], "better");
    assert_eq!(doubled[ch], "false");
    assert_eq!(halved[col(&header, "replications")], "20");
    let off = case(&header, &rows, "intake_cadence", "off");
    assert_eq!((off[v].as_str(), off[ch].as_str()), ("worse", "true"));

    // The same numbers from a run at half the cadence.
    let direct = tempfile::tempdir().unwrap();
    std::fs::write(direct.path().join("flip.toml"), FLIP).unwrap();
    run(
        direct.path(),
        "flip.toml",
        &[
            "--set",
            "coordination.intake_cadence=2.5",
            "--depends",
            "off",
        ],
    );
    let mut r = csv::Reader::from_path(direct.path().join("out/comparison.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let row: Vec<String> = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .find(|x| x[col(&h, "metric")] == "lead_time_mean")
        .unwrap();
    for (mine, theirs) in [
        ("difference", "diff_mean"),
        ("ci95_low", "ci95_low"),
        ("ci95_high", "ci95_high"),
    ] {
        assert_eq!(halved[col(&header, mine)], row[col(&h, theirs)], "{mine}");
    }
    assert!(
        row[col(&h, "ci95_low")].parse::<f64>().unwrap() > 0.0,
        "the matrix is better there"
    );

    let stdout = text(&done.stdout);
    let answer = stdout
        .lines()
        .find(|l| l.contains("advantage over matrix"))
        .unwrap();
    assert!(
        answer.contains("except intake cadence halved: matrix better, +"),
        "{answer}"
    );
    assert!(!answer.contains("intake cadence doubled"), "{answer}");
    assert!(stdout.contains("Each case ran the run's 20 replications"));
}

#[test]
fn the_section_is_the_same_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let one = orgsim(
        &[
            "run",
            "prime-video",
            "--reps",
            "4",
            "--threads",
            "1",
            "--out",
            "a",
            "-q",
            "--no-plots",
        ],
        tmp.path(),
    );
    let two = orgsim(
        &[
            "run",
            "prime-video",
            "--reps",
            "4",
            "--threads",
            "2",
            "--out",
            "b",
            "-q",
            "--no-plots",
        ],
        tmp.path(),
    );
    assert!(one.status.success() && two.status.success());
    assert_eq!(text(&one.stdout), text(&two.stdout));
    let a = std::fs::read(tmp.path().join("a/depends.csv")).unwrap();
    let b = std::fs::read(tmp.path().join("b/depends.csv")).unwrap();
    assert_eq!(a, b);
}

/// Under the default `auto`, the cases run as many replications as fit the
/// documented budget of 300,000 simulated items (the run's arrivals per
/// replication, warm-up included, times the cases), at least 5, and the
/// section says how many; `full` runs them all; `off` writes nothing.
#[test]
fn fewer_replications_are_said_and_the_section_can_be_turned_off() {
    let tmp = tempfile::tempdir().unwrap();
    let done = run(tmp.path(), "prime-video", &["--no-plots"]);
    let out = tmp.path().join("out");
    let mut r = csv::Reader::from_path(out.join("summary.csv")).unwrap();
    let arrived: f64 = r
        .records()
        .map(|x| x.unwrap())
        .filter(|x| &x[1] == "arrived")
        .map(|x| x[2].parse::<f64>().unwrap())
        .sum();
    // prime-video: warm-up 200, horizon 500, 30 replications, 23 cases.
    let per_replication = arrived * (200.0 + 500.0) / 500.0;
    let expected = ((300_000.0 / (23.0 * per_replication)).floor() as u32).clamp(5, 30);
    assert!(expected < 30, "the budget binds on the default scenario");
    let (header, rows) = depends_csv(&out);
    let reps = &rows[0][col(&header, "replications")];
    assert_eq!(reps, &expected.to_string());
    let stdout = text(&done.stdout);
    assert!(
        stdout.contains(&format!(
            "Each case ran {expected} of the run's 30 replications"
        )),
        "{stdout}"
    );

    run(tmp.path(), "prime-video", &["--depends", "off"]);
    assert!(!out.join("depends.csv").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("What this depends on"));
}
