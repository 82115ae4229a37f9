//! `explore` end to end through the simulator, on a queueing reduction whose
//! mean lead time is a closed-form function of the uncertain inputs: one
//! person serving exponential work (M/M/1), W = 1 / (μ − λ) = s·a / (a − s)
//! for a mean effort s and a mean interarrival time a. The exact Sobol'
//! indices come from numerical integration of that formula; a third,
//! dummy assumption (the delay of escaped defects, with no defects) does not
//! touch the model and must come out with indices of zero.

use orgsim::experiment::explore::{self, Assumption, Direction, Method, Study};

const SCENARIO: &str = r#"
name = "mm1-explore"
[simulation]
warmup = 200
horizon = 4000
replications = 4
seed = 5
[[workload.streams]]
name = "jobs"
interarrival = { dist = "exponential", mean = 1.6 }
item = "job"
[workload.items.job]
tasks = [ { name = "work", skill = "eng", effort = { dist = "exponential", mean = 0.65 } } ]
[organization]
people = { eng = 1 }
[quality]
escape_delay = 20
[[topologies]]
name = "station"
kind = "matrix"
"#;

const S: (f64, f64) = (0.5, 0.8);
const A: (f64, f64) = (1.25, 2.0);

fn w(s: f64, a: f64) -> f64 {
    s * a / (a - s)
}

fn study() -> Study {
    let assumptions = [
        format!(
            "workload.items.job.tasks.work.effort.mean=[{}, {}]",
            S.0, S.1
        ),
        format!("workload.streams.jobs.interarrival.mean=[{}, {}]", A.0, A.1),
        "quality.escape_delay=[5, 40]".to_owned(),
    ]
    .iter()
    .map(|a| Assumption::parse(a).unwrap())
    .collect();
    Study {
        source_name: "mm1-explore.toml".into(),
        text: SCENARIO.into(),
        overrides: Vec::new(),
        assumptions,
        metrics: vec!["lead_time_mean".into()],
        directions: vec![Direction::Lower],
        replications: None,
        seed: None,
        topologies: Vec::new(),
        threads: None,
    }
}

/// The exact first-order and total indices of (s, a) ↦ W over the two
/// uniform ranges, by the midpoint rule on a 400 × 400 grid.
fn exact_indices() -> ([f64; 2], [f64; 2]) {
    let k = 400;
    let at = |r: (f64, f64), i: usize| r.0 + (r.1 - r.0) * (i as f64 + 0.5) / k as f64;
    let f: Vec<Vec<f64>> = (0..k)
        .map(|i| (0..k).map(|j| w(at(S, i), at(A, j))).collect())
        .collect();
    let n = (k * k) as f64;
    let mean = f.iter().flatten().sum::<f64>() / n;
    let var = f.iter().flatten().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let row_means: Vec<f64> = f.iter().map(|r| r.iter().sum::<f64>() / k as f64).collect();
    let col_means: Vec<f64> = (0..k)
        .map(|j| f.iter().map(|r| r[j]).sum::<f64>() / k as f64)
        .collect();
    let v_s = row_means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / k as f64;
    let v_a = col_means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / k as f64;
    // Total: E over the others of the variance in the input = V − V(E[f | others]).
    ([v_s / var, v_a / var], [1.0 - v_a / var, 1.0 - v_s / var])
}

#[test]
fn sobol_indices_through_the_simulator_match_numerical_integration() {
    let ex = explore::explore(study(), Method::Sobol, 512, 1).unwrap();
    let (first, total) = exact_indices();
    let row = |path: &str, index: &str| {
        ex.rows
            .iter()
            .find(|r| r.assumption.starts_with(path) && r.index == index)
            .unwrap()
            .estimate
    };
    for (i, path) in ["workload.items", "workload.streams"].iter().enumerate() {
        for (index, exact) in [("S1", first[i]), ("ST", total[i])] {
            let e = row(path, index);
            println!("{path} {index}: {e:?} exact {exact:.4}");
            assert!(
                e.covers(exact),
                "{path} {index}: {e:?} against exact {exact}"
            );
            assert!(e.half_width() < 0.1, "{path} {index}: {e:?}");
        }
    }
    for index in ["S1", "ST"] {
        let e = row("quality.escape_delay", index);
        assert!(e.covers(0.0), "dummy {index}: {e:?}");
        assert!(e.estimate.abs() < 0.02, "dummy {index}: {e:?}");
    }
    // Common random numbers keep the replications' own noise a small part
    // of the spread between points.
    assert!(
        ex.noise_share[0] < 0.05,
        "noise share {}",
        ex.noise_share[0]
    );
}

#[test]
fn a_tornado_sets_each_assumption_alone_at_its_ends() {
    let ex = explore::explore(study(), Method::Tornado, 0, 1).unwrap();
    let nominal = ex.nominal.results[0];
    println!("nominal {nominal:?} exact {}", w(0.65, 1.6));
    assert!(
        nominal.ci_low <= w(0.65, 1.6) * 1.02 && w(0.65, 1.6) * 0.98 <= nominal.ci_high,
        "nominal {nominal:?}"
    );
    let row = |path: &str, index: &str| {
        ex.rows
            .iter()
            .find(|r| r.assumption.starts_with(path) && r.index == index)
            .unwrap()
            .estimate
    };
    let cases = [
        ("workload.items", "low", w(S.0, 1.6)),
        ("workload.items", "high", w(S.1, 1.6)),
        ("workload.streams", "low", w(0.65, A.0)),
        ("workload.streams", "high", w(0.65, A.1)),
        ("quality.escape_delay", "low", w(0.65, 1.6)),
    ];
    for (path, index, exact) in cases {
        let e = row(path, index);
        println!("{path} {index}: {e:?} exact {exact:.4}");
        // Within the replications' interval, allowing 2% for the bias of a
        // finite run after its warm-up.
        assert!(
            e.ci95_low <= exact * 1.02 && exact * 0.98 <= e.ci95_high,
            "{path} {index}: {e:?} against {exact}"
        );
    }
    // The dummy leaves the numbers exactly as they were (same streams).
    assert_eq!(row("quality.escape_delay", "high").estimate, nominal.mean);
}

#[test]
fn bad_assumptions_are_refused_before_anything_runs() {
    let mut s = study();
    s.assumptions
        .push(Assumption::parse("coordination.handof=[0, 2]").unwrap());
    s.assumptions
        .push(Assumption::parse("organization.people.eng=[0.5, 3]").unwrap());
    s.assumptions.push(
        Assumption::parse(
            "workload.streams.jobs.interarrival.mean={ dist = \"normal\", mean = 1, sd = 1 }",
        )
        .unwrap(),
    );
    s.assumptions
        .push(Assumption::parse("quality.escape_delay=[1, 2]").unwrap());
    let e = explore::explore(s, Method::Tornado, 0, 1)
        .unwrap_err()
        .to_string();
    println!("{e}");
    assert!(
        e.contains("organization.people.eng") && e.contains("whole number"),
        "{e}"
    );
    assert!(e.contains("handof"), "{e}");
    assert!(e.contains("uncertain twice"), "{e}");
    // A normal belief reaches below zero, where a mean interarrival time
    // cannot be: the point is named by its value.
    assert!(e.contains("interarrival.mean` at -"), "{e}");
}

#[test]
fn explore_writes_its_files_the_same_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = format!(
        "{SCENARIO}\n[[uncertain]]\npath = \"workload.items.job.tasks.work.effort.mean\"\nrange = [0.5, 0.8]\n\n[[uncertain]]\npath = \"quality.escape_delay\"\ndist = {{ dist = \"triangular\", min = 5, mode = 20, max = 40 }}\n"
    )
    .replace("replications = 4", "replications = 2")
    .replace("horizon = 4000", "horizon = 500");
    std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = format!("out-{threads}");
        let o = crate::support::orgsim(
            &[
                "explore",
                "s.toml",
                "--method",
                "morris",
                "--samples",
                "4",
                "--threads",
                threads,
                "--out",
                &out,
                "--quiet",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
        let read = |f: &str| std::fs::read_to_string(dir.path().join(&out).join(f)).unwrap();
        let sensitivity = read("sensitivity.csv");
        assert!(sensitivity.starts_with(
            "method,assumption,topology,metric,quantity,index,estimate,ci95_low,ci95_high\n"
        ));
        // 2 assumptions × 3 default metrics × (mu_star, sigma), one topology.
        assert_eq!(sensitivity.lines().count(), 1 + 2 * 3 * 2, "{sensitivity}");
        // The nominal point and 4 trajectories of 3 points.
        assert_eq!(read("points.csv").lines().count(), 1 + 1 + 4 * 3);
        outputs.push((sensitivity, read("points.csv")));
    }
    assert_eq!(outputs[0], outputs[1], "results depend on --threads");
}

#[test]
fn a_bad_uncertain_argument_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), SCENARIO).unwrap();
    for (arg, expected) in [
        ("quality.escape_delay=[40, 5]", "quality.escape_delay"),
        ("coordination.handof=[0, 1]", "did you mean `handoff`"),
    ] {
        let o = crate::support::orgsim(
            &[
                "explore",
                "s.toml",
                "--method",
                "tornado",
                "--uncertain",
                arg,
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(2), "{arg}");
        let err = crate::support::text(&o.stderr);
        assert!(err.contains(expected), "{arg}: {err}");
        // Refused before the output folder is made: no empty folder left.
        assert!(
            !dir.path().join("output").exists(),
            "{arg}: an output folder was created"
        );
    }
}

/// `orgsim explore s.toml --method tornado` of the effort up to 2 days
/// against an item every 1.6 days (utilization 1.25 at the range's high end,
/// where the station cannot keep up), measuring `metric`, into `out`.
fn explore_into_overload(
    dir: &std::path::Path,
    metric: &str,
    out: &str,
    quiet: bool,
) -> std::process::Output {
    std::fs::write(dir.join("s.toml"), SCENARIO).unwrap();
    let mut args = vec![
        "explore",
        "s.toml",
        "--method",
        "tornado",
        "--uncertain",
        "workload.items.job.tasks.work.effort.mean=[0.5, 2]",
        "--metric",
        metric,
        "--out",
        out,
        "--no-plots",
    ];
    if quiet {
        args.push("--quiet");
    }
    let o = crate::support::orgsim(&args, dir);
    assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
    o
}

#[test]
fn points_where_a_topology_cannot_keep_up_are_named_not_mixed_in_silently() {
    let dir = tempfile::tempdir().unwrap();
    // Lead times of an unstable point only measure the run length: the
    // warning is an error in the answer, so it reaches stderr even under
    // --quiet, ahead of the summary on stdout.
    let o = explore_into_overload(dir.path(), "lead_time_mean", "o", true);
    let stderr = crate::support::text(&o.stderr);
    assert!(
        stderr.contains("warning: at 1 of 3 points station cannot keep up (unstable)")
            && stderr.contains("the indices below mix them in"),
        "{stderr}"
    );
    assert!(
        !crate::support::text(&o.stdout).contains("warning"),
        "the warning is not part of stdout's summary"
    );
    let points = std::fs::read_to_string(dir.path().join("o/points.csv")).unwrap();
    let last: Vec<&str> = points
        .lines()
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(last, ["unstable", "", "", "station"], "{points}");
}

#[test]
fn quiet_keeps_only_an_unstable_warning_that_is_an_error_in_the_answer() {
    // Throughput does not grow with the run length: at the overloaded point
    // it is the station's capacity, a true value. The warning is then a
    // note, which --quiet hides and a plain run prints.
    let dir = tempfile::tempdir().unwrap();
    let quiet = explore_into_overload(dir.path(), "throughput", "q", true);
    assert_eq!(crate::support::text(&quiet.stderr), "");
    let loud = explore_into_overload(dir.path(), "throughput", "l", false);
    let stderr = crate::support::text(&loud.stderr);
    assert!(
        stderr.contains("warning: at 1 of 3 points station cannot keep up (unstable)")
            && stderr.contains("none of the metrics measured grows with the run length"),
        "{stderr}"
    );
    assert_eq!(
        quiet.stdout, loud.stdout,
        "the summary is the same with and without --quiet"
    );
}

/// The test scenario with two declared assumptions (effort and the dummy),
/// smaller runs, written into `dir` as `s.toml`.
fn small_scenario(dir: &std::path::Path) {
    let scenario = format!(
        "{SCENARIO}\n[[uncertain]]\npath = \"workload.items.job.tasks.work.effort.mean\"\nrange = [0.5, 0.8]\n\n[[uncertain]]\npath = \"workload.streams.jobs.interarrival.mean\"\nrange = [1.25, 2.0]\n\n[[uncertain]]\npath = \"quality.escape_delay\"\ndist = {{ dist = \"triangular\", min = 5, mode = 20, max = 40 }}\n"
    )
    .replace("replications = 4", "replications = 2")
    .replace("horizon = 4000", "horizon = 600");
    std::fs::write(dir.join("s.toml"), scenario).unwrap();
}

fn run_explore(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["explore", "s.toml"];
    all.extend_from_slice(args);
    crate::support::orgsim(&all, dir)
}

#[test]
fn explore_charts_are_valid_and_the_report_leads_with_the_deciding_assumption() {
    let dir = tempfile::tempdir().unwrap();
    small_scenario(dir.path());
    for (method, samples, stem) in [
        ("tornado", "2", "tornado_lead_time_mean_station"),
        ("morris", "4", "morris_lead_time_mean_station"),
        ("sobol", "8", "sobol_lead_time_mean_station"),
        ("propagate", "24", "propagate_lead_time_mean_station"),
    ] {
        let out = format!("o-{method}");
        let o = run_explore(
            dir.path(),
            &[
                "--method",
                method,
                "--samples",
                samples,
                "--metric",
                "lead_time_mean",
                "--out",
                &out,
                "--quiet",
            ],
        );
        assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
        let folder = dir.path().join(&out);
        let texts = crate::charts::check_svg(&folder.join(format!("{stem}.svg")));
        crate::charts::check_png(&folder.join(format!("{stem}.png")));
        let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
        let lead = report
            .split("<p class=\"lead\">")
            .nth(1)
            .and_then(|l| l.split("</p>").next())
            .unwrap_or_else(|| panic!("{method}: no lead sentence"));
        // W = s·a/(a − s): over its range the mean effort moves the lead
        // time from 0.73 to 1.6 days, the interarrival time from 1.35 to
        // 0.97, and the escape delay (no defects) not at all.
        if method == "propagate" {
            assert!(lead.contains("over your beliefs"), "{lead}");
        } else {
            assert!(
                lead.starts_with("<strong>workload.items.job.tasks.work.effort.mean"),
                "{method}: {lead}"
            );
            assert!(
                texts.contains("workload.items.job.tasks.work.effort.mean"),
                "{method}: the chart does not label the assumption"
            );
        }
        assert!(
            report.contains(&format!("{stem}.svg")),
            "{method}: chart not in the report"
        );
        // `orgsim plot` draws the same bytes again from the files alone.
        let before = std::fs::read(folder.join(format!("{stem}.svg"))).unwrap();
        let html_before = report.clone();
        std::fs::remove_file(folder.join(format!("{stem}.svg"))).unwrap();
        let o = crate::support::orgsim(&["plot", &out, "--quiet"], dir.path());
        assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
        assert_eq!(
            std::fs::read(folder.join(format!("{stem}.svg"))).unwrap(),
            before
        );
        assert_eq!(
            std::fs::read_to_string(folder.join("report.html")).unwrap(),
            html_before
        );
    }
}

#[test]
fn no_plots_writes_no_chart_and_no_report() {
    let dir = tempfile::tempdir().unwrap();
    small_scenario(dir.path());
    let o = run_explore(
        dir.path(),
        &["--method", "tornado", "--no-plots", "--out", "o", "--quiet"],
    );
    assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
    let names: Vec<String> = std::fs::read_dir(dir.path().join("o"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"sensitivity.csv".to_owned()), "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| !n.ends_with(".svg") && !n.ends_with(".png") && !n.ends_with(".html")),
        "{names:?}"
    );
}

#[test]
fn shards_merged_write_the_files_one_run_writes() {
    let dir = tempfile::tempdir().unwrap();
    small_scenario(dir.path());
    let common = ["--method", "morris", "--samples", "4", "--quiet"];
    let o = run_explore(dir.path(), &[&common[..], &["--out", "whole"]].concat());
    assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let o = run_explore(
            dir.path(),
            &[&common[..], &["--out", "parts", "--shard", &shard]].concat(),
        );
        assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
        // A shard holds only its points, i mod 3 = k - 1, and no results yet.
        let folder = dir.path().join(format!("parts/shard-{k}-of-3"));
        assert!(!folder.join("sensitivity.csv").exists());
        let kept = std::fs::read_to_string(folder.join("explore.checkpoint.jsonl")).unwrap();
        let points: Vec<usize> = kept
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["point"]
                    .as_u64()
                    .unwrap() as usize
            })
            .collect();
        assert!(
            !points.is_empty() && points.iter().all(|p| p % 3 == k - 1),
            "{points:?}"
        );
    }
    // Two of three shards are not the whole design.
    let o = crate::support::orgsim(
        &[
            "merge",
            "parts/shard-1-of-3",
            "parts/shard-2-of-3",
            "--out",
            "half",
            "--quiet",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        crate::support::text(&o.stderr).contains("missing"),
        "{}",
        crate::support::text(&o.stderr)
    );
    let o = crate::support::orgsim(
        &["merge", "parts", "--out", "merged", "--quiet"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
    for f in ["sensitivity.csv", "points.csv", "explore.checkpoint.jsonl"] {
        let a = std::fs::read(dir.path().join("whole").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("merged").join(f)).unwrap();
        assert!(a == b, "{f} differs between the merged shards and one run");
    }
    // A shard of another exploration is refused.
    let o = run_explore(
        dir.path(),
        &[
            "--method",
            "morris",
            "--samples",
            "5",
            "--quiet",
            "--out",
            "parts",
            "--shard",
            "1/3",
        ],
    );
    assert!(o.status.success());
    let o = crate::support::orgsim(&["merge", "parts", "--out", "bad", "--quiet"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        crate::support::text(&o.stderr)
    );
    // Break-even's design is sequential: no shard.
    let o = run_explore(
        dir.path(),
        &["--method", "break-even", "--shard", "1/2", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_resumed_exploration_writes_the_bytes_of_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    small_scenario(dir.path());
    let args = [
        "--method",
        "sobol",
        "--samples",
        "4",
        "--no-plots",
        "--out",
        "o",
    ];
    let o = run_explore(dir.path(), &args);
    assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
    let folder = dir.path().join("o");
    let read = |f: &str| std::fs::read(folder.join(f)).unwrap();
    let whole: Vec<Vec<u8>> = ["sensitivity.csv", "points.csv", "explore.checkpoint.jsonl"]
        .iter()
        .map(|f| read(f))
        .collect();
    // What an interrupted run leaves: some points and a torn line, no results.
    let checkpoint = String::from_utf8(read("explore.checkpoint.jsonl")).unwrap();
    let kept: String = checkpoint
        .lines()
        .take(7)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(
        folder.join("explore.checkpoint.jsonl"),
        format!("{kept}{{\"sweep\":\"01"),
    )
    .unwrap();
    std::fs::remove_file(folder.join("sensitivity.csv")).unwrap();
    std::fs::remove_file(folder.join("points.csv")).unwrap();
    let o = run_explore(dir.path(), &[&args[..], &["--resume"]].concat());
    assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
    let err = crate::support::text(&o.stderr);
    assert!(
        err.contains("resumed: 7 of 21 points were already done"),
        "{err}"
    );
    for (f, bytes) in ["sensitivity.csv", "points.csv", "explore.checkpoint.jsonl"]
        .iter()
        .zip(&whole)
    {
        assert!(read(f) == *bytes, "{f} differs after resuming");
    }
    // Without --resume the folder's points are discarded, and said so.
    let o = run_explore(dir.path(), &args);
    assert!(o.status.success());
    assert!(
        crate::support::text(&o.stderr).contains("started over, discarding the 21 points"),
        "{}",
        crate::support::text(&o.stderr)
    );
    // Resuming another exploration in the folder is refused.
    let o = run_explore(
        dir.path(),
        &[&args[..], &["--resume", "--seed", "9"]].concat(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(crate::support::text(&o.stderr).contains("different exploration"));
}

#[test]
fn a_resumed_break_even_search_replays_its_kept_points() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "explore",
        "prime-video",
        "--method",
        "break-even",
        "--reps",
        "3",
        "--set",
        "simulation.horizon=300",
        "--metric",
        "throughput",
        "--no-plots",
        "--quiet",
        "--out",
        "o",
    ];
    let o = crate::support::orgsim(&args, dir.path());
    assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
    let folder = dir.path().join("o");
    let read = |f: &str| std::fs::read(folder.join(f)).unwrap();
    let files = ["sensitivity.csv", "points.csv", "explore.checkpoint.jsonl"];
    let whole: Vec<Vec<u8>> = files.iter().map(|f| read(f)).collect();
    let checkpoint = String::from_utf8(read("explore.checkpoint.jsonl")).unwrap();
    // More points than the nominal one and the ends: bisection steps ran.
    let lines = checkpoint.lines().count();
    assert!(lines > 1 + 2 * 8, "{lines} points");
    let kept: String = checkpoint
        .lines()
        .take(lines / 2)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(folder.join("explore.checkpoint.jsonl"), kept).unwrap();
    std::fs::remove_file(folder.join("sensitivity.csv")).unwrap();
    let o = crate::support::orgsim(&[&args[..], &["--resume"]].concat(), dir.path());
    assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
    for (f, bytes) in files.iter().zip(&whole) {
        assert!(read(f) == *bytes, "{f} differs after resuming");
    }
    // A whole folder merges to itself, the search replayed from its points.
    let o = crate::support::orgsim(
        &["merge", "o", "--out", "m", "--no-plots", "--quiet"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", crate::support::text(&o.stderr));
    for (f, bytes) in files.iter().zip(&whole) {
        assert!(
            std::fs::read(dir.path().join("m").join(f)).unwrap() == *bytes,
            "{f} differs after merging"
        );
    }
}
