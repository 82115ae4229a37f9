//! Systems that never settle (docs/model.md, *Unstable systems*): the two
//! tests that flag them, each held to its rate with fixed seeds, and what
//! the outputs say in place of their lead times; saturated runs finish.

use orgsim::engine::RngFactory;
use orgsim::model::{Recording, simulate, topology};
use orgsim::stats::trend::TREND_LEVEL;

use super::support::{orgsim, run, scenario, text};

/// An M/M/1 (service rate 1 per day) at utilization `rho`; `timing` is the
/// `[simulation]` body (empty: the defaults, 500 days without warm-up).
fn mm1(rho: f64, timing: &str, reps: u32) -> String {
    format!(
        r#"name = "mm1"
[simulation]
{timing}
replications = {reps}
seed = 16
[[workload.streams]]
name = "s"
interarrival = {{ dist = "exponential", mean = {ia} }}
item = "job"
[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = {{ dist = "exponential", mean = 1 }} }} ]
[organization]
people = {{ eng = 1 }}
[[topologies]]
name = "matrix"
kind = "matrix"
"#,
        ia = 1.0 / rho
    )
}

/// Replications (of `reps`) the sample-path trend test flags on its own:
/// `simulate` runs one replication without the offered-load analysis.
fn flagged_by_trend(toml: &str, reps: usize) -> usize {
    let sc = scenario(toml);
    let org = topology::build(&sc.model, &sc.model.topologies[0]);
    RngFactory::new(sc.run.seed)
        .replications(0, reps)
        .iter()
        .filter(|streams| {
            let out = simulate(
                &sc.model,
                &org,
                sc.run.nominal_window(),
                sc.run.limits,
                streams,
                Recording::default(),
            );
            let unstable = out.metrics.iter().find(|(n, _)| n == "unstable").unwrap().1;
            unstable == 1.0
        })
        .count()
}

#[test]
fn by_theory_an_mm1_at_rho_1_05_is_unstable_in_every_replication() {
    let exp = run(&mm1(1.05, "", 100));
    let t = exp.topology("matrix").unwrap();
    assert_eq!(t.unstable_count(), (100, 100));
    assert!(t.is_unstable());
    assert_eq!(t.overloads, ["team `eng` (eng) at utilization 1.05"]);
    // The sample path alone cannot always tell it from a stable system.
    let trend = flagged_by_trend(&mm1(1.05, "", 100), 100);
    println!("M/M/1 at rho 1.05, 500 days: the trend test alone flags {trend} of 100");
    assert!(trend < 100);
    // Exactly at capacity counts too; just below it does not.
    assert!(
        run(&mm1(1.0, "", 4))
            .topology("matrix")
            .unwrap()
            .overloads
            .len()
            == 1
    );
    assert!(
        run(&mm1(0.99, "", 4))
            .topology("matrix")
            .unwrap()
            .overloads
            .is_empty()
    );
}

#[test]
fn by_the_sample_path_an_mm1_at_rho_1_3_is_flagged_in_at_least_90_percent() {
    let flagged = flagged_by_trend(&mm1(1.3, "", 200), 200);
    println!("M/M/1 at rho 1.3, 500 days: the trend test flags {flagged} of 200");
    assert!(flagged >= 180, "{flagged} of 200");
}

#[test]
fn by_the_sample_path_a_settled_mm1_at_rho_0_9_is_flagged_in_at_most_5_percent() {
    // The level is 1% by construction (Student's t on independent batch
    // means); the issue's bound is 5%, which leaves room for the positive
    // correlation of neighbouring 500-day batch means of a queue this busy.
    let reps = 200;
    let flagged = flagged_by_trend(
        &mm1(0.9, "warmup = 500\nhorizon = 5000", reps),
        reps as usize,
    );
    println!(
        "M/M/1 at rho 0.9, 5000 days after 500: the trend test flags {flagged} of {reps} (nominal level {TREND_LEVEL})"
    );
    assert!(flagged * 20 <= reps as usize, "{flagged} of {reps}");
}

#[test]
fn a_replication_flagged_only_by_the_trend_test_is_not_settled_within_the_window() {
    // 330 people, items arriving once a day, each taking exactly 300 days:
    // utilization 0.91, but started empty the work in progress climbs for
    // the first 300 of the 500 days measured. The note says to run longer,
    // with a horizon to try; that run has settled.
    let toml = |timing: &str| {
        format!(
            r#"name = "pipeline"
[simulation]
{timing}
replications = 20
seed = 5
[[workload.streams]]
name = "s"
interarrival = {{ dist = "exponential", mean = 1 }}
item = "job"
[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = 300 }} ]
[organization]
people = {{ eng = 330 }}
[[topologies]]
name = "matrix"
kind = "matrix"
"#
        )
    };
    let exp = run(&toml(""));
    let t = exp.topology("matrix").unwrap();
    assert!(t.overloads.is_empty());
    assert_eq!(t.unstable_count(), (20, 20));
    let notes = exp.stability_notes();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].contains("Not settled within the window"),
        "{}",
        notes[0]
    );
    let advice = "--set simulation.warmup=500 --set simulation.horizon=2000";
    assert!(notes[0].contains(advice), "{}", notes[0]);
    let longer = run(&toml("warmup = 500\nhorizon = 2000"));
    let t = longer.topology("matrix").unwrap();
    assert!(!t.is_unstable(), "{:?}", t.unstable_count());
}

/// Two topologies on the same work: a pooled pair of engineers (utilization
/// 0.75) and a custom team of one (1.5): the second cannot keep up.
const PAIR: &str = r#"name = "pair"
[simulation]
warmup = 50
horizon = 500
replications = 20
seed = 3
[[workload.streams]]
name = "s"
interarrival = { dist = "exponential", mean = 1 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = { dist = "exponential", mean = 1.5 } } ]
[organization]
people = { eng = 2 }
[[topologies]]
name = "pooled"
kind = "matrix"
[[topologies]]
name = "short"
kind = "custom"
headcount = "free"
teams = [ { name = "one", people = { eng = 1 }, owns = ["s"] } ]
"#;

#[test]
fn an_unstable_topology_gets_no_lead_time_in_the_table_files_json_and_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pair.toml"), PAIR).unwrap();
    let out = orgsim(&["run", "pair.toml", "--out", "o", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let row = table.lines().find(|l| l.starts_with("short ")).unwrap();
    assert_eq!(row.matches("unstable").count(), 5, "{table}");
    assert!(table.contains(
        "short: unstable: work piles up faster than it is done; lead times grow with the run length (20 of 20 replications flagged)"
    ));
    assert!(
        table.contains("team `one` (eng) at utilization 1.50"),
        "{table}"
    );
    let lead = table
        .lines()
        .find(|l| l.starts_with("lead time (d)"))
        .unwrap();
    assert!(lead.ends_with("not meaningful (unstable)"), "{lead}");
    let thr = table
        .lines()
        .find(|l| l.starts_with("throughput/day"))
        .unwrap();
    assert!(!thr.contains("not meaningful"), "{thr}");

    let read = |f: &str| std::fs::read_to_string(dir.path().join("o").join(f)).unwrap();
    let summary = read("summary.csv");
    assert!(summary.contains("\nshort,unstable,1,0,"), "{summary}");
    assert!(!table.contains("pooled: unstable"), "{table}");
    let reps = read("replications.csv");
    let header: Vec<&str> = reps.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "unstable").unwrap();
    let flags: Vec<&str> = reps
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("short,"))
        .map(|l| l.split(',').nth(col).unwrap())
        .collect();
    assert_eq!(flags, vec!["1"; 20]);
    let comparison = read("comparison.csv");
    assert!(
        comparison
            .lines()
            .any(|l| l.starts_with("short,pooled,lead_time_mean,") && l.ends_with(",20,false")),
        "{comparison}"
    );
    assert!(
        comparison
            .lines()
            .any(|l| l.starts_with("short,pooled,throughput,") && l.ends_with(",20,true"))
    );
    let manifest = read("manifest.json");
    assert!(
        manifest.contains("\"stability\": [\n    \"short: unstable"),
        "{manifest}"
    );
    let report = read("report.html");
    assert!(report.contains("<strong>Unstable</strong>"));
    assert!(report.contains("short: unstable: work piles up faster than it is done"));
    assert!(report.contains("<td><span class=\"ns\">unstable</span></td>"));
    assert!(report.contains("not meaningful (unstable)"));

    let out = orgsim(
        &["run", "pair.toml", "--out", "j", "--quiet", "--json"],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stability = &json["stability"][1];
    assert_eq!(stability["topology"], "short");
    assert_eq!(stability["unstable"], true);
    assert_eq!(stability["unstable_replications"], 20);
    assert_eq!(json["stability"][0]["unstable"], false);
    let row = |t: &str, m: &str| {
        json["summary"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["topology"] == t && r["metric"] == m)
            .unwrap()
            .clone()
    };
    assert!(row("short", "lead_time_mean")["mean"].is_null());
    // Summary rows keep summary.csv's columns; why the value is null is
    // said under `stability`.
    assert!(row("short", "lead_time_mean").get("meaningful").is_none());
    assert!(stability["note"].is_string(), "{stability}");
    assert!(row("short", "throughput")["mean"].is_number());
    assert!(row("pooled", "lead_time_mean")["mean"].is_number());
}

#[test]
fn a_sweep_marks_its_unstable_points_in_the_table_files_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pair.toml"), PAIR).unwrap();
    // At load 0.5 the team of one is at 0.75; at 1 it is at 1.5.
    let out = orgsim(
        &[
            "sweep",
            "pair.toml",
            "--vary",
            "workload.load=0.5,1",
            "--out",
            "s",
            "--quiet",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    let at = |v: &str| *lines.iter().find(|l| l.starts_with(v)).unwrap();
    assert!(!at("0.5 ").contains("unstable"), "{table}");
    assert!(
        at("1 ").contains("unstable") && at("1 ").ends_with("not meaningful"),
        "{table}"
    );
    let read = |f: &str| std::fs::read_to_string(dir.path().join("s").join(f)).unwrap();
    assert!(read("sweep.csv").contains("\n1,short,unstable,1,"));
    assert!(
        read("sweep_comparison.csv")
            .lines()
            .any(|l| l.starts_with("1,short,pooled,lead_time_mean,") && l.ends_with(",false"))
    );
    let report = read("report.html");
    assert!(
        report.contains("Short is unstable (work piles up faster than it is done; lead times grow with the run length) at load = 1: no value is drawn there."),
        "{report}"
    );
    assert!(read("sweep_lead_time_mean.svg").contains("crosses at the top: unstable or saturated"));
}

#[test]
fn a_saturated_run_finishes_and_writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "run",
            "--set",
            "workload.load=1.4",
            "--set",
            "simulation.max_wip=200",
            "--out",
            "o",
            "--quiet",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let folder = dir.path().join("o");
    for f in [
        "summary.csv",
        "comparison.csv",
        "replications.csv",
        "distribution.csv",
        "cfd.csv",
        "manifest.json",
        "report.html",
        "throughput.svg",
        "lead_time.png",
        "delay_breakdown.svg",
        "utilization.svg",
        "cfd_matrix.svg",
    ] {
        assert!(folder.join(f).is_file(), "{f} missing");
    }
    let read = |f: &str| std::fs::read_to_string(folder.join(f)).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&read("manifest.json")).unwrap();
    // prime-video's fixed warm-up, for both topologies.
    assert_eq!(manifest["warmups"], serde_json::json!([200.0, 200.0]));
    // The table says how many replications each row rests on.
    let table = text(&out.stdout);
    let header = table.lines().find(|l| l.starts_with("topology")).unwrap();
    assert!(
        header.starts_with("topology          n  throughput/day"),
        "{table}"
    );
    let sat = |t: &str| {
        read("summary.csv")
            .lines()
            .find(|l| l.starts_with(&format!("{t},saturated,")))
            .unwrap()
            .split(',')
            .map(|c| c.parse::<f64>().unwrap_or(f64::NAN))
            .collect::<Vec<f64>>()
    };
    for t in ["matrix", "single-threaded"] {
        let s = sat(t);
        let (mean, low, high) = (s[2], s[4], s[5]);
        assert!(mean > 0.0, "{t} saturates at load 1.4 with max_wip 200");
        assert!((0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high) && low < mean);
        let kept = 30 - (mean * 30.0).round() as usize;
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("{t} ")))
            .unwrap();
        let n: usize = row.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert_eq!(n, kept, "{row}");
    }
    // comparison.csv says how many pairs each difference rests on.
    let comparison = read("comparison.csv");
    assert!(comparison.starts_with(
        "topology,baseline,metric,diff_mean,ci95_low,ci95_high,relative,n,meaningful\n"
    ));
    let thr = comparison
        .lines()
        .find(|l| l.starts_with("single-threaded,matrix,throughput,"))
        .unwrap();
    let n: usize = thr.split(',').nth(7).unwrap().parse().unwrap();
    assert!(n < 30, "{thr}");
}

#[test]
fn a_sweep_marks_its_saturated_points() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgsim(
        &[
            "sweep",
            "prime-video",
            "--vary",
            "workload.load=0.8,1.6",
            "--set",
            "simulation.max_wip=100",
            "--reps",
            "6",
            "--out",
            "s",
            "--quiet",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let high = table.lines().find(|l| l.starts_with("1.6 ")).unwrap();
    assert!(high.contains("% sat.)"), "{table}");
    assert!(
        !table
            .lines()
            .find(|l| l.starts_with("0.8 "))
            .unwrap()
            .contains("sat.")
    );
    assert!(table.contains("sat.: share of replications that reached simulation.max_wip"));
    let report = std::fs::read_to_string(dir.path().join("s/report.html")).unwrap();
    assert!(
        report.contains("at load = 1.6: no value is drawn there."),
        "{report}"
    );
}

#[test]
fn every_claim_of_the_bundled_scenarios_comes_from_organizations_that_keep_up() {
    // As run (their own horizon, warm-up and replications): no topology is
    // overloaded by the analysis, nor flagged by the trend test in half of
    // its replications, so every lead time their headers quote is a
    // steady-state one.
    for b in orgsim::scenario::bundled::ALL {
        let sc = orgsim::scenario::load_str(b.file_name, b.text, &[]).unwrap();
        let exp = orgsim::experiment::run(&sc, &orgsim::experiment::RunOptions::default()).unwrap();
        for t in &exp.topologies {
            println!("{} / {}: {:?} unstable", b.name, t.name, t.unstable_count());
            assert!(
                t.overloads.is_empty(),
                "{} / {}: {:?}",
                b.name,
                t.name,
                t.overloads
            );
            assert!(
                !t.is_unstable(),
                "{} / {}: {:?}",
                b.name,
                t.name,
                t.unstable_count()
            );
        }
    }
}
