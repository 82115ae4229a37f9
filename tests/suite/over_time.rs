//! Over time (docs/model.md, "Over time: daily series and the break-even
//! day"): the daily series re-sum to each replication's items, the bands
//! are the t intervals of the per-replication numbers, the cumulative gain
//! is paired by replication, the break-even of series of known shape, the
//! files are the same whatever `--threads`, and bad pairs are refused.

use orgsim::experiment::over_time::{
    self, Band, BreakEven, CumulativeQuantity, DailySeries, PairOverTime, cumulative_gain,
};
use orgsim::experiment::{Experiment, RunOptions};
use orgsim::report::over_time as files;
use orgsim::scenario::load_str;
use orgsim::stats::{Summary, t_quantile};

use crate::support::{orgsim, priced_prime_video, text};

fn short_run() -> Experiment {
    let sc = load_str(
        "pv.toml",
        &priced_prime_video(),
        &[
            "simulation.warmup=30".parse().unwrap(),
            "simulation.horizon=120".parse().unwrap(),
        ],
    )
    .unwrap();
    let options = RunOptions {
        replications: Some(4),
        keep_items: true,
        over_time: true,
        ..RunOptions::default()
    };
    orgsim::experiment::run(&sc, &options).unwrap()
}

#[test]
fn daily_series_resum_exactly_to_each_replications_items() {
    let exp = short_run();
    let rates = [4000.0, 2500.0, 1500.0];
    for t in &exp.topologies {
        assert_eq!(t.daily.len(), 4, "{}: one series per replication", t.name);
        for (r, (daily, items)) in t.daily.iter().zip(&t.items).enumerate() {
            assert_eq!(
                daily.throughput.len(),
                150,
                "days 0..150 (warm-up included)"
            );
            // The window is days 30..150: its days hold exactly the items
            // --items keeps, each on the day it was done.
            let window: f64 = daily.throughput[30..].iter().sum();
            assert_eq!(window, items.len() as f64, "{} replication {r}", t.name);
            assert!(
                daily.throughput[..30].iter().sum::<f64>() > 0.0,
                "the warm-up's items are counted too"
            );
            for d in 30..150 {
                let done: Vec<_> = items
                    .iter()
                    .filter(|i| (i.done.floor() as usize).min(149) == d)
                    .collect();
                assert_eq!(daily.throughput[d], done.len() as f64, "day {d}");
                let cost: f64 = done
                    .iter()
                    .map(|i| (i.done - i.arrival) * rates[i.stream])
                    .sum();
                assert_eq!(daily.delay_cost[d], cost, "{} day {d} cost", t.name);
                if done.is_empty() {
                    assert!(daily.lead_time[d].is_nan());
                } else {
                    let mean =
                        done.iter().map(|i| i.done - i.arrival).sum::<f64>() / done.len() as f64;
                    assert_eq!(daily.lead_time[d], mean, "{} day {d} lead", t.name);
                }
            }
            // The window's cost of delay per day is the delay_cost metric.
            let metric = t.metric("delay_cost").unwrap()[r];
            let total: f64 = daily.delay_cost[30..].iter().sum();
            assert!(
                ((total / 120.0) - metric).abs() <= 1e-9 * metric,
                "{}: {} vs {metric}",
                t.name,
                total / 120.0
            );
            // The cost accrued by the items in the system over the window is
            // each stream's rate × its mean work in progress × the window.
            let accrued: f64 = daily.delay_accrued[30..].iter().sum();
            let wip: f64 = ["tv-apps", "game-consoles", "mobile"]
                .iter()
                .zip(rates)
                .map(|(s, rate)| rate * t.metric(&format!("{s}:wip_mean")).unwrap()[r] * 120.0)
                .sum();
            assert!(
                (accrued - wip).abs() <= 1e-9 * wip,
                "{}: accrued {accrued} vs {wip}",
                t.name
            );
            assert!(daily.delay_accrued.iter().all(|&c| c >= 0.0));
            let people = t.metric("people_cost").unwrap()[r];
            assert_eq!(daily.people_cost, Some(people));
        }
    }
}

#[test]
fn bands_and_paired_gains_are_recomputed_from_the_replications() {
    let exp = short_run();
    let pairs = over_time::against_baseline(&exp);
    assert_eq!(pairs, [("single-threaded".to_owned(), "matrix".to_owned())]);
    let o = over_time::compute(&exp, &pairs).unwrap();
    assert_eq!((o.days, o.replications), (150, 4));
    for (t, summary) in exp.topologies.iter().zip(&o.topologies) {
        let band = &summary.bands[0].1;
        for d in [0, 17, 30, 149] {
            let values: Vec<f64> = t.daily.iter().map(|s| s.throughput[d]).collect();
            assert_eq!(band.days[d], Summary::of(&values), "{} day {d}", t.name);
        }
    }
    let p = &o.pairs[0];
    let (ts, rs) = (&exp.topologies[1], &exp.topologies[0]);
    let items = p.band(CumulativeQuantity::ItemsDone).unwrap();
    let net = p.band(CumulativeQuantity::NetSaved).unwrap();
    for d in [0, 29, 75, 149] {
        let gains: Vec<f64> = ts
            .daily
            .iter()
            .zip(&rs.daily)
            .map(|(a, b)| (0..=d).map(|k| a.throughput[k] - b.throughput[k]).sum())
            .collect();
        assert_eq!(items.days[d], Summary::of(&gains), "items day {d}");
        let money: Vec<f64> = ts
            .daily
            .iter()
            .zip(&rs.daily)
            .map(|(a, b)| {
                (0..=d)
                    .map(|k| {
                        let people = b.people_cost_on(k).unwrap() - a.people_cost_on(k).unwrap();
                        b.delay_accrued[k] - a.delay_accrued[k] + people
                    })
                    .sum()
            })
            .collect();
        let s = net.days[d];
        let expected = Summary::of(&money);
        assert!(
            (s.mean - expected.mean).abs() <= 1e-9 * expected.mean.abs().max(1.0),
            "net day {d}: {s:?} vs {expected:?}"
        );
        assert_eq!(s.n, 4);
    }
    // The written file holds the same numbers, and reads back as written.
    let dir = tempfile::tempdir().unwrap();
    files::write_all(&o, dir.path()).unwrap();
    let back = files::read(dir.path()).unwrap().unwrap();
    assert_eq!(files::over_time_csv(&back), files::over_time_csv(&o));
    assert_eq!(files::break_even_csv(&back), files::break_even_csv(&o));
    // The file keeps the mean, the interval and n (not the sd).
    let read = back.pairs[0].band(CumulativeQuantity::ItemsDone).unwrap();
    let kept = |b: &Band| -> Vec<(f64, f64, f64, usize)> {
        b.days
            .iter()
            .map(|s| (s.mean, s.ci_low, s.ci_high, s.n))
            .collect()
    };
    assert_eq!(kept(read), kept(items));
    assert_eq!(read.break_even(), items.break_even());
}

/// Per-replication daily series: `reference` items a day throughout; the
/// topology none for `dip` days, then `gain` a day.
fn shaped(dips: &[usize], gain: f64, days: usize) -> Band {
    let reference = DailySeries {
        throughput: vec![1.0; days],
        lead_time: vec![1.0; days],
        delay_cost: Vec::new(),
        delay_accrued: Vec::new(),
        people_cost: None,
        people_cost_after: None,
    };
    let series: Vec<Vec<f64>> = dips
        .iter()
        .map(|&dip| {
            let t = DailySeries {
                throughput: (0..days)
                    .map(|d| if d < dip { 0.0 } else { gain })
                    .collect(),
                ..reference.clone()
            };
            cumulative_gain(CumulativeQuantity::ItemsDone, &t, &reference, days)
        })
        .collect();
    Band::of(&series, days)
}

#[test]
fn a_dip_then_a_gain_breaks_even_on_the_day_theory_gives() {
    // Dips of 8, 10 and 12 days, then 2 items a day against 1: replication
    // L's gain is −(d + 1) during its dip and d + 1 − 2L after, zero on day
    // 2L − 1 (15, 19, 23). From day 12 on the gains are d − 15, d − 19,
    // d − 23: mean d − 19 (break-even day 19), sd 4, so the band is
    // d − 19 ± t(2, 0.975)·4/√3.
    let band = shaped(&[8, 10, 12], 2.0, 60);
    let half = t_quantile(2.0, 0.975) * 4.0 / 3f64.sqrt();
    assert!((band.days[40].ci_high - (21.0 + half)).abs() < 1e-9);
    let latest = (19.0 + half).ceil() as usize; // lower band ≥ 0 from there
    // The upper band: on day 11 the gains are −4, −8, −12 (mean −8, sd 4):
    // −8 + half ≥ 0; on day 10 they are −5, −9, −11 (mean −25/3, sd
    // √(28/3)), whose upper end is below 0.
    let sd10 = (28.0f64 / 3.0).sqrt();
    assert!(-25.0 / 3.0 + t_quantile(2.0, 0.975) * sd10 / 3f64.sqrt() < 0.0);
    assert_eq!(
        band.break_even(),
        BreakEven {
            day: Some(19),
            earliest: Some(11),
            latest: Some(latest),
        }
    );
    assert_eq!(latest, 29);
    // With every replication alike there is no spread: the three days agree.
    let same = shaped(&[10, 10], 2.0, 60);
    assert_eq!(
        same.break_even(),
        BreakEven {
            day: Some(19),
            earliest: Some(19),
            latest: Some(19),
        }
    );
}

#[test]
fn a_dip_never_made_up_says_no_break_even() {
    // After the dip the topology only keeps pace: it never catches up.
    let band = shaped(&[5, 7, 9], 1.0, 80);
    let b = band.break_even();
    assert_eq!(b.day, None);
    assert_eq!(b.latest, None);
    let pair = PairOverTime {
        topology: "reorg".into(),
        reference: "matrix".into(),
        bands: vec![(CumulativeQuantity::ItemsDone, band)],
    };
    let sentence = files::sentence(&pair).unwrap();
    assert!(
        sentence.starts_with("reorg against matrix: no break-even within the horizon (day 79)"),
        "{sentence}"
    );
    assert!(
        sentence.contains("done 7.00 [") && sentence.contains("fewer items"),
        "{sentence}"
    );
    let csv = String::from_utf8(files::break_even_csv(&over_time::OverTime {
        days: 80,
        replications: 3,
        topologies: Vec::new(),
        pairs: vec![pair],
    }))
    .unwrap();
    assert!(csv.contains("\nreorg,matrix,items_done,,"), "{csv}");
}

#[test]
fn a_gain_that_pays_for_its_dip_is_said_with_its_interval() {
    let band = shaped(&[8, 10, 12], 2.0, 60);
    let pair = PairOverTime {
        topology: "reorg".into(),
        reference: "matrix".into(),
        bands: vec![(CumulativeQuantity::ItemsDone, band)],
    };
    let sentence = files::sentence(&pair).unwrap();
    assert!(
        sentence.starts_with("reorg pays for its dip against matrix after day 19 [11, 29]"),
        "{sentence}"
    );
    assert!(
        sentence.contains("by day 59 it has done 40.0 ["),
        "{sentence}"
    );
}

/// The sentence writes an estimate and its interval with one format (the
/// report's three significant digits), so a bound that happens to be whole
/// reads `34.0` beside `29.8`, never `34`.
#[test]
fn the_break_even_sentence_formats_an_estimate_and_its_interval_alike() {
    let day = |mean: f64, ci_low: f64, ci_high: f64| Band {
        days: vec![Summary {
            mean,
            sd: f64::NAN,
            ci_low,
            ci_high,
            n: 30,
        }],
    };
    let pair = PairOverTime {
        topology: "reorg".into(),
        reference: "matrix".into(),
        bands: vec![
            (CumulativeQuantity::ItemsDone, day(29.8, 25.6, 34.0)),
            (
                CumulativeQuantity::DelayCostSaved,
                day(46.4e6, 36.3e6, 56.5e6),
            ),
            (
                CumulativeQuantity::PeopleCostSaved,
                day(660e3, 660e3, 660e3),
            ),
            (CumulativeQuantity::NetSaved, day(47.1e6, 37.0e6, 57.2e6)),
        ],
    };
    let sentence = files::sentence(&pair).unwrap();
    for says in [
        "done 29.8 [25.6, 34.0] more items",
        "saved 46.4 M [36.3 M, 56.5 M] of delay",
        "saved 660 k [660 k, 660 k] of people cost",
    ] {
        assert!(sentence.contains(says), "`{says}` not in: {sentence}");
    }
    // Every number of the items' interval is the shared helper's.
    let items = day(3.0, -0.5, 12.0);
    let pair = PairOverTime {
        bands: vec![(CumulativeQuantity::ItemsDone, items)],
        ..pair
    };
    let sentence = files::sentence(&pair).unwrap();
    let sig = orgsim::report::charts::numbers::sig;
    let expected = format!(
        "done {} [{}, {}] more items",
        sig(3.0),
        sig(-0.5),
        sig(12.0)
    );
    assert_eq!(expected, "done 3.00 [\u{2212}0.500, 12.0] more items");
    assert!(sentence.contains(&expected), "{sentence}");
}

fn run_folder(dir: &std::path::Path, threads: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "run",
        "pv.toml",
        "--reps",
        "3",
        "--set",
        "simulation.warmup=0",
        "--set",
        "simulation.horizon=90",
        "--depends",
        "off",
        "--threads",
        threads,
        "-q",
    ];
    args.extend(extra);
    orgsim(&args, dir)
}

#[test]
fn over_time_files_are_the_same_whatever_the_threads_and_reach_the_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pv.toml"), priced_prime_video()).unwrap();
    let one = run_folder(
        dir.path(),
        "1",
        &["--over-time", "--out", "one", "--no-plots"],
    );
    assert_eq!(one.status.code(), Some(0), "{}", text(&one.stderr));
    let three = run_folder(
        dir.path(),
        "3",
        &["--over-time=single-threaded:matrix", "--out", "three"],
    );
    assert_eq!(three.status.code(), Some(0), "{}", text(&three.stderr));
    for f in [
        files::OVER_TIME_CSV,
        files::DIFFERENCE_CSV,
        files::BREAK_EVEN_CSV,
    ] {
        let a = std::fs::read(dir.path().join("one").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("three").join(f)).unwrap();
        assert!(!a.is_empty());
        assert_eq!(a, b, "{f} differs with --threads");
    }
    let stdout = text(&three.stdout);
    assert!(
        stdout.contains("single-threaded")
            && stdout.contains("(3 replications, paired by replication)"),
        "{stdout}"
    );
    let folder = dir.path().join("three");
    for f in [
        "over_time.svg",
        "over_time.png",
        "jcurve_single-threaded_vs_matrix.svg",
        "jcurve_single-threaded_vs_matrix.png",
    ] {
        assert!(folder.join(f).is_file(), "{f} missing");
    }
    let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(html.contains("Over time: the dip and the break-even"));
    assert!(html.contains("warm-up included"));
    let o = files::read(&folder).unwrap().unwrap();
    let line = orgsim::report::html::escape(&files::lines(&o)[0]);
    assert!(html.contains(&line), "{line}");
    // Without --over-time no such file is written.
    let none = run_folder(dir.path(), "1", &["--out", "none", "--no-plots"]);
    assert_eq!(none.status.code(), Some(0));
    assert!(!dir.path().join("none").join(files::OVER_TIME_CSV).exists());
}

#[test]
fn bad_pairs_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pv.toml"), priced_prime_video()).unwrap();
    for (arg, says) in [
        ("--over-time=reorg:matrix", "no topology `reorg`"),
        ("--over-time=matrix", "is not TOPOLOGY:REFERENCE"),
        ("--over-time=matrix:matrix", "compared with itself"),
    ] {
        let out = run_folder(dir.path(), "1", &[arg, "--out", "bad"]);
        assert_eq!(out.status.code(), Some(2), "{arg}");
        let err = text(&out.stderr);
        assert!(err.contains(says), "{arg}: {err}");
        assert!(!dir.path().join("bad").exists(), "{arg}: nothing written");
    }
}

/// A transition is shown against staying put without `--over-time`, and
/// its people cost changes on the day of its switch: before it the move
/// costs what its source does, after it what its target does.
#[test]
fn a_transition_is_shown_against_its_source_and_its_people_cost_switches() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = format!(
        "{}\n[[transitions]]\nname = \"move\"\nfrom = \"matrix\"\nto = \"single-threaded\"\nat = 60\n",
        priced_prime_video()
    );
    std::fs::write(dir.path().join("pv.toml"), scenario).unwrap();
    let out = orgsim(
        &[
            "run",
            "pv.toml",
            "--reps",
            "3",
            "--set",
            "simulation.warmup=0",
            "--set",
            "simulation.horizon=90",
            "--depends",
            "off",
            "--no-plots",
            "-q",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let read = |f: &str| std::fs::read_to_string(dir.path().join("o").join(f)).unwrap();
    let pairs: Vec<String> = read("break_even.csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(":"))
        .collect();
    assert!(pairs.contains(&"move:matrix".to_owned()), "{pairs:?}");
    assert!(
        pairs.contains(&"single-threaded:matrix".to_owned()),
        "{pairs:?}"
    );
    // Cumulative people cost saved, per (topology, day).
    let mut saved = std::collections::BTreeMap::new();
    for line in read("over_time_difference.csv").lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[3] == "people_cost_saved" {
            let day: usize = f[2].parse().unwrap();
            saved.insert((f[0].to_owned(), day), f[4].parse::<f64>().unwrap());
        }
    }
    let per_day = saved[&("single-threaded".to_owned(), 0)];
    assert!(
        per_day != 0.0,
        "the two organizations cost the same per day"
    );
    for day in 0..90 {
        let moved = saved[&("move".to_owned(), day)];
        let expected = per_day * (day as f64 - 59.0).max(0.0);
        assert!(
            (moved - expected).abs() <= 1e-9 * per_day.abs() * 90.0,
            "day {day}: {moved} vs {expected}"
        );
    }
}

/// `run --json` carries the over-time outputs: `break_even` row for row as
/// `break_even.csv`, `jcurve` and `daily` day for day as
/// `over_time_difference.csv` and `over_time.csv` (`null` for `NaN` and
/// for an empty cell), and the sentences the run prints without `--json`.
#[test]
fn run_json_carries_the_over_time_outputs_as_the_files_have_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pv.toml"), priced_prime_video()).unwrap();
    let out = run_folder(
        dir.path(),
        "2",
        &["--over-time", "--json", "--no-plots", "--out", "o"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = &json["over_time"];
    assert_eq!(o["replications"], 3);
    let folder = dir.path().join("o");
    let rows = |f: &str| -> Vec<Vec<String>> {
        csv::Reader::from_path(folder.join(f))
            .unwrap()
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    // A CSV cell against a JSON value: numbers exactly, NaN and empty as
    // null. serde_json's reader may round a long number differently from
    // Rust's (its `float_roundtrip` is off), so the CSV's number is sent
    // through the same writer and reader: equal only if the JSON wrote the
    // same shortest text, i.e. the same f64.
    let same = |cell: &str, v: &serde_json::Value| match cell {
        "" | "NaN" => v.is_null(),
        _ => {
            let x: f64 = cell.parse().unwrap();
            let text = serde_json::to_string(&x).unwrap();
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            v.as_f64().is_some() && v.as_f64() == back.as_f64()
        }
    };
    let be = rows(files::BREAK_EVEN_CSV);
    let json_be = o["break_even"].as_array().unwrap();
    assert_eq!(be.len(), json_be.len());
    assert!(be.len() >= 2, "{be:?}");
    for (r, j) in be.iter().zip(json_be) {
        for (i, key) in files::BREAK_EVEN_COLUMNS.iter().enumerate() {
            let ok = match i {
                0..=2 => j[key] == r[i].as_str(),
                _ => same(&r[i], &j[key]),
            };
            assert!(ok, "{key}: csv `{}`, json {}", r[i], j[key]);
        }
    }
    // Long CSV rows (key columns, day, quantity, estimate, low, high, n)
    // against the JSON's arrays per (key, quantity).
    let check_long = |file: &str, json_key: &str, keys: &[&str]| {
        let csv = rows(file);
        let series = o[json_key].as_array().unwrap();
        let k = keys.len();
        let mut seen = 0;
        for r in &csv {
            let s = series
                .iter()
                .find(|s| {
                    keys.iter()
                        .enumerate()
                        .all(|(i, key)| s[key] == r[i].as_str())
                        && s["quantity"] == r[k + 1].as_str()
                })
                .unwrap_or_else(|| panic!("{file}: no {json_key} series for {r:?}"));
            let day: usize = r[k].parse().unwrap();
            for (c, col) in ["estimate", "ci95_low", "ci95_high", "n"]
                .iter()
                .enumerate()
            {
                let v = &s[col][day];
                assert!(same(&r[k + 2 + c], v), "{file} {r:?}: {col} is {v} in JSON");
            }
            seen += 1;
        }
        let days: usize = series
            .iter()
            .map(|s| s["estimate"].as_array().unwrap().len())
            .sum();
        assert_eq!(days, seen, "{file}: as many days in JSON as rows");
        assert!(seen > 90, "{file}: {seen} rows");
    };
    check_long(files::DIFFERENCE_CSV, "jcurve", &["topology", "reference"]);
    check_long(files::OVER_TIME_CSV, "daily", &["topology"]);
    // The sentences are the ones printed without --json.
    let plain = run_folder(
        dir.path(),
        "1",
        &["--over-time", "--no-plots", "--out", "p"],
    );
    let printed = text(&plain.stdout);
    let sentences = o["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty());
    for s in sentences {
        assert!(printed.contains(s.as_str().unwrap()), "{s}");
    }
}

/// The lead-time band respects its support: a day with fewer than
/// `MIN_COMPLETIONS` items done across the replications has no interval
/// (too few to say), every other day the t interval of the replications'
/// means cut at 0; the chart says so and draws no band there.
#[test]
fn the_lead_time_band_is_never_negative_and_absent_on_days_with_too_few_items() {
    // About 1.2 items a day per replication: 10 replications give days on
    // both sides of the threshold.
    let sc = load_str(
        "pv.toml",
        &priced_prime_video(),
        &[
            "simulation.warmup=0".parse().unwrap(),
            "simulation.horizon=150".parse().unwrap(),
        ],
    )
    .unwrap();
    let options = RunOptions {
        replications: Some(10),
        over_time: true,
        ..RunOptions::default()
    };
    let exp = orgsim::experiment::run(&sc, &options).unwrap();
    let o = over_time::compute(&exp, &[]).unwrap();
    let (mut too_few, mut cut, mut given) = (0, 0, 0);
    for (t, summary) in exp.topologies.iter().zip(&o.topologies) {
        let band = &(summary.bands.iter())
            .find(|(q, _)| *q == over_time::DailyQuantity::LeadTime)
            .unwrap()
            .1;
        for d in 0..o.days {
            let values: Vec<f64> = t.daily.iter().map(|s| s.lead_time[d]).collect();
            let done: f64 = t.daily.iter().map(|s| s.throughput[d]).sum();
            let t_interval = Summary::of(&values);
            let s = band.days[d];
            assert_eq!(s.n, t_interval.n, "day {d}");
            assert!(s.mean == t_interval.mean || s.mean.is_nan() && t_interval.mean.is_nan());
            if done < over_time::MIN_COMPLETIONS {
                assert!(
                    s.ci_low.is_nan() && s.ci_high.is_nan(),
                    "{} day {d}: {s:?}",
                    t.name
                );
                too_few += usize::from(done > 0.0);
            } else {
                assert_eq!(s.ci_low, t_interval.ci_low.max(0.0), "{} day {d}", t.name);
                assert_eq!(s.ci_high, t_interval.ci_high, "{} day {d}", t.name);
                assert!(s.ci_low >= 0.0);
                cut += usize::from(t_interval.ci_low < 0.0);
                given += 1;
            }
        }
    }
    // The run has days of both kinds (with 10 items or more, no t interval
    // happens to go below 0 here: `cut` counts them).
    assert!(too_few > 20 && given > 100, "{too_few} {cut} {given}");
    // Two replications of 5 items each, means 1 and 30: the t interval
    // (t = 12.7) goes far below 0 and is cut there; with 4 items each, too
    // few to say.
    let clipped = Band::of_lead_time(&[vec![1.0], vec![30.0]], &[vec![5.0], vec![5.0]], 1);
    let t_interval = Summary::of(&[1.0, 30.0]);
    assert!(t_interval.ci_low < -100.0);
    assert_eq!(clipped.days[0].ci_low, 0.0);
    assert_eq!(clipped.days[0].ci_high, t_interval.ci_high);
    assert_eq!(clipped.days[0].mean, 15.5);
    let few = Band::of_lead_time(&[vec![1.0], vec![30.0]], &[vec![4.0], vec![5.0]], 1);
    assert!(few.days[0].ci_low.is_nan() && few.days[0].ci_high.is_nan());
    assert_eq!(few.days[0].mean, 15.5);
    // The file says NaN on those days, and the chart's caption says why.
    let csv = String::from_utf8(files::over_time_csv(&o)).unwrap();
    assert!(csv.contains(",lead_time,") && csv.contains(",NaN,NaN,"));
    let caption = orgsim::report::charts::over_time::daily_caption(&o);
    assert!(
        caption.contains("cut at 0") && caption.contains("fewer than 10 items done"),
        "{caption}"
    );
}
