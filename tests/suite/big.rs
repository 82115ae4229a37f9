//! Big organizations (issue 23; docs/performance.md, "Big organizations"):
//! what must hold however many streams and teams there are. Speed itself
//! is measured in `benches/big.rs`, never here.

#[path = "../../benches/support/big.rs"]
pub(crate) mod generator;

use std::fs;

use orgsim::model::{Limits, capacity};
use orgsim::scenario;

use crate::charts::check_svg;
use crate::support::{orgsim, text};

fn load(text: &str) -> orgsim::scenario::Scenario {
    scenario::load_str("big.toml", text, &[]).expect("generated scenario is valid")
}

/// The generated scenario is what it says: every pool at utilization 0.75
/// in both topologies, teams of 10 in the single-threaded split.
#[test]
fn the_generated_streams_are_at_utilization_three_quarters() {
    let sc = load(&generator::streams(40, 20.0, 100.0));
    let reports = capacity::analyse(&sc.model);
    assert_eq!(reports.len(), 2);
    for r in &reports {
        for p in &r.pools {
            assert!(
                (p.utilization() - 0.75).abs() < 1e-9,
                "{}: {p:?}",
                r.organization.name
            );
        }
    }
    let single = &reports[1].organization;
    assert_eq!(single.teams.len(), 40);
    assert!(single.teams.iter().all(|t| t.size() == 10));
}

/// Without `simulation.max_wip`, the limit follows the offered load: 20
/// times the items Little's law puts in work (here 0.75 × 3,000 people),
/// never below the old fixed 10,000; a limit the scenario sets is kept.
#[test]
fn the_default_max_wip_follows_the_offered_load() {
    let sc = load(&generator::streams(300, 20.0, 100.0));
    let busy = capacity::offered_work(&sc.model.workload);
    assert!((busy - 0.75 * 3_000.0).abs() < 1e-6, "{busy}");
    assert!(sc.run.limits.max_wip_derived);
    assert_eq!(
        sc.run.limits.max_wip,
        (capacity::MAX_WIP_PER_BUSY_PERSON * busy).ceil() as u64
    );
    assert!(sc.run.limits.max_wip > Limits::DEFAULT.max_wip);

    let small = load(&generator::streams(3, 20.0, 100.0));
    assert_eq!(small.run.limits.max_wip, Limits::DEFAULT.max_wip);
    assert!(small.run.limits.max_wip_derived);

    let set =
        generator::streams(300, 20.0, 100.0).replace("seed = 1\n", "seed = 1\nmax_wip = 500\n");
    let set = load(&set);
    assert_eq!(set.run.limits.max_wip, 500);
    assert!(!set.run.limits.max_wip_derived);
}

/// A saturated replication under the derived limit says where the limit
/// came from and how to change it.
#[test]
fn a_derived_limit_is_named_when_it_is_hit() {
    let dir = tempfile::tempdir().unwrap();
    // 40 streams at twice the capacity of the people: saturated long before
    // the end; the limit is 20 × the 600 person-days offered per day.
    let text_in = generator::streams(40, 0.0, 400.0)
        .replace("mean=0.6666666666666666", "mean=0.3333333333333333");
    assert_ne!(
        text_in,
        generator::streams(40, 0.0, 400.0),
        "the arrival rate is doubled"
    );
    let path = dir.path().join("over.toml");
    fs::write(&path, text_in).unwrap();
    let out = orgsim(
        &[
            "run",
            "over.toml",
            "--reps",
            "1",
            "--no-plots",
            "--depends",
            "off",
            "--out",
            "o",
        ],
        dir.path(),
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("reached simulation.max_wip = 12000, derived from the scenario"),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(
        stdout.contains("set simulation.max_wip to choose it"),
        "{stdout}"
    );
}

/// An item type of 15,000 tasks in a chain (about as many as fit in the 1 MiB a
/// scenario file may have) reads, with every `after` in place: its names
/// are looked up in a map (a search per task made a chain of 100,000 tasks,
/// read without that limit, take 80 s).
#[test]
fn a_chain_of_fifteen_thousand_tasks_reads() {
    let n = 15_000;
    let mut tasks = String::from("{name=\"t0\",skill=\"eng\",effort=0.001},\n");
    for i in 1..n {
        tasks.push_str(&format!(
            "{{name=\"t{i}\",skill=\"eng\",effort=0.001,after=[\"t{}\"]}},\n",
            i - 1
        ));
    }
    let toml = format!(
        "name = \"chain\"\n[simulation]\nhorizon = 10\nreplications = 1\n\
         [[workload.streams]]\nname = \"s\"\ninterarrival = 5\nitem = \"chain\"\n\
         [workload.items.chain]\ntasks = [\n{tasks}]\n\
         [organization]\npeople = {{ eng = 2 }}\n[[topologies]]\nname = \"m\"\nkind = \"matrix\"\n"
    );
    assert!(toml.len() < 1 << 20, "{} bytes", toml.len());
    let sc = load(&toml);
    let tasks = &sc.model.workload.item_types[0].tasks;
    assert_eq!(tasks.len(), n);
    assert!(
        tasks
            .iter()
            .skip(1)
            .enumerate()
            .all(|(i, t)| t.after == [i])
    );
    // A duplicate name still names the first task of that name.
    let dup = toml.replace("name=\"t7\",", "name=\"t3\",");
    let err = scenario::load_str("chain.toml", &dup, &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("duplicate task name `t3`"), "{err}");
    assert!(err.contains("tasks[3]"), "{err}");
}

/// 10,000 streams fit in a scenario file and `check`'s analysis of them
/// covers every stream's team (the benchmark `big/check` times it).
#[test]
fn ten_thousand_streams_load_and_are_analysed() {
    let text = generator::streams(10_000, 20.0, 10.0);
    assert!(text.len() < 1 << 20, "{} bytes", text.len());
    let sc = load(&text);
    assert_eq!(sc.model.workload.streams.len(), 10_000);
    let reports = capacity::analyse(&sc.model);
    assert_eq!(reports[1].organization.teams.len(), 10_000);
    assert_eq!(reports[1].pools.len(), 30_000);
}

/// Above a few dozen teams, the utilization chart shows the distribution
/// of every team and the busiest, sorted, not one row per team: its height
/// stays that of a few dozen rows.
#[test]
fn the_utilization_chart_of_many_teams_shows_the_distribution_and_the_busiest() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("big.toml"),
        generator::streams(60, 20.0, 60.0),
    )
    .unwrap();
    let out = orgsim(
        &[
            "run",
            "big.toml",
            "--reps",
            "2",
            "--depends",
            "off",
            "-q",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let svg_path = dir.path().join("o/utilization.svg");
    let texts = check_svg(&svg_path);
    assert!(texts.contains("all 60 teams"), "{texts}");
    assert!(texts.contains("the 20 busiest"), "{texts}");
    let team_rows = texts
        .lines()
        .filter(|l| l.starts_with('s') && l[1..].parse::<u32>().is_ok())
        .count();
    assert_eq!(team_rows, 20, "{texts}");
    let svg = fs::read_to_string(&svg_path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let view: Vec<f64> = (doc
        .root_element()
        .attribute("viewBox")
        .unwrap()
        .split_whitespace())
    .map(|v| v.parse().unwrap())
    .collect();
    // 60 single-threaded teams + 3 matrix departments would be 66 rows.
    assert!(view[3] < 1_300.0, "{view:?}");
    // Every team is still in summary.csv.
    let summary = fs::read_to_string(dir.path().join("o/summary.csv")).unwrap();
    let rows = (0..60)
        .filter(|k| summary.contains(&format!("single-threaded,team:s{k}:utilization,")))
        .count();
    assert_eq!(rows, 60);
}

/// A finished sweep keeps in memory, per point, only the rows its stdout
/// table shows (four metrics per topology, one comparison), however many
/// rows per stream and team its points have; the final files and the
/// `--json` document, streamed back from the checkpoint a point at a time,
/// are byte for byte those written from every record in memory; and the
/// charts keep only the metrics they draw.
#[test]
fn a_finished_sweep_keeps_only_the_tables_rows_of_each_point() {
    use orgsim::experiment::sweep::{self, BaseScenario, SweepSettings, Vary, checkpoint};
    use orgsim::report::charts::SweepData;
    use orgsim::report::sweep_folder::{self, SweepOutcome, SweepRun};
    use orgsim::report::{sweep_files, sweep_json};

    let base = BaseScenario {
        source_name: "big.toml".into(),
        source: "big.toml".into(),
        text: generator::streams(30, 10.0, 20.0),
        overrides: vec![],
    };
    let plan = sweep::plan(
        &base,
        vec![Vary::parse("workload.load=0.5,0.6,0.7").unwrap()],
        &SweepSettings {
            replications: Some(2),
            ..SweepSettings::default()
        },
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("sweep");
    let run = SweepRun {
        threads: Some(2),
        ..SweepRun::default()
    };
    let SweepOutcome::Complete(res) = sweep_folder::execute(&plan, &folder, &run).unwrap() else {
        panic!("not stopped, yet interrupted");
    };
    let full = checkpoint::read(res.records.path(), &res.manifest.identity())
        .unwrap()
        .records;
    let mut full_sorted = full.clone();
    full_sorted.sort_by_key(|r| r.point);
    let topologies = res.manifest.topologies.len();
    assert_eq!(res.records.briefs().len(), 3);
    for (k, brief) in res.records.briefs().iter().enumerate() {
        let whole = res.records.load(k).unwrap();
        assert_eq!(whole, full_sorted[k]);
        assert_eq!(brief.point, k);
        // Each stream and team has rows of its own: many more than kept.
        assert!(
            whole.summary.len() > 30 * topologies,
            "{}",
            whole.summary.len()
        );
        assert_eq!(brief.summary.len(), 4 * topologies);
        assert_eq!(brief.comparison.len(), topologies - 1);
        assert!(brief.per_replication.is_empty());
        for row in &brief.summary {
            assert_eq!(whole.summary_row(&row[0], &row[1]), Some(row.as_slice()));
        }
    }

    let streamed = dir.path().join("streamed");
    let in_memory = dir.path().join("in-memory");
    for d in [&streamed, &in_memory] {
        fs::create_dir_all(d).unwrap();
    }
    let names = |paths: Vec<std::path::PathBuf>| -> Vec<String> {
        paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    let a = names(sweep_files::write_all(&streamed, &res.manifest, &res.records, false).unwrap());
    let b = names(sweep_files::write_all(&in_memory, &res.manifest, &full_sorted, false).unwrap());
    assert_eq!(a, b);
    for name in &a {
        assert_eq!(
            fs::read(streamed.join(name)).unwrap(),
            fs::read(in_memory.join(name)).unwrap(),
            "{name}"
        );
    }
    let mut json = Vec::new();
    sweep_json::write_sweep_json(&mut json, &res.manifest, &res.records).unwrap();
    assert_eq!(
        text(&json),
        sweep_json::sweep_json(&res.manifest, &full_sorted)
    );

    let data = SweepData::load(&streamed).unwrap();
    let csv = text(&fs::read(streamed.join("sweep.csv")).unwrap());
    let mut in_file: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    in_file.sort_unstable();
    in_file.dedup();
    assert!(in_file.len() > 30, "{}", in_file.len());
    assert!(data.metrics.len() <= 7, "{:?}", data.metrics);
    assert!(data.has_metric("lead_time_mean") && data.has_metric("throughput"));
}
