//! `orgsim forecast` (docs/model.md, "Forecasts") against theory: a backlog
//! of N single-task exponential items at day 0 with no arrivals.

use orgsim::experiment::forecast::{self, Forecast, ForecastOptions};
use orgsim::experiment::validation;
use statrs::distribution::{ContinuousCDF, Discrete, Gamma, Poisson};

use super::support::{orgsim, scenario, text};

/// The forecast of `n` items of mean effort `1 / mu` on `c` people, no
/// arrivals, read at day `by`.
fn station_forecast(n: u32, mu: f64, c: u32, reps: u32, horizon: f64, by: f64) -> Forecast {
    let sc = scenario(&validation::station(0.5, mu, c, horizon, reps, 7, ""));
    let options = ForecastOptions {
        backlog: vec![n],
        no_arrivals: true,
        horizon,
        by,
        replications: reps,
        seed: 7,
    };
    forecast::run(&sc, &sc.model.topologies, &options)
}

fn estimate(f: &Forecast, quantity: &str) -> forecast::Estimate {
    f.estimates(&f.topologies[0])
        .into_iter()
        .find(|(q, _)| *q == quantity)
        .unwrap_or_else(|| panic!("no {quantity}"))
        .1
}

#[test]
fn one_person_finishes_n_exponential_items_at_an_erlang_time() {
    // The N-th completion of one exponential server busy from day 0 is the
    // sum of N exponential efforts: Erlang(N, μ).
    let (n, mu) = (10, 1.0);
    let f = station_forecast(n, mu, 1, 2000, 200.0, 10.0);
    let erlang = Gamma::new(f64::from(n), mu).unwrap();
    for (p, q) in [(0.5, "done_p50"), (0.85, "done_p85"), (0.95, "done_p95")] {
        let exact = erlang.inverse_cdf(p);
        let e = estimate(&f, q);
        assert!(
            e.low <= exact && exact <= e.high,
            "{q}: Erlang {exact} outside [{}, {}] (estimate {})",
            e.low,
            e.high,
            e.estimate
        );
        // Narrow enough to mean something: within 10% of the quantile.
        assert!(e.high - e.low < 0.1 * exact, "{q}: {e:?}");
    }
    let mean = estimate(&f, "done_mean");
    let exact = f64::from(n) / mu;
    assert!(
        mean.low <= exact && exact <= mean.high,
        "mean {mean:?} vs {exact}"
    );
    // Done by day 10: P(Erlang(N, μ) ≤ 10), Wilson's interval.
    let p = estimate(&f, "p_done_by");
    let exact = erlang.cdf(10.0);
    assert!(
        p.low <= exact && exact <= p.high,
        "p_done_by {p:?} vs {exact}"
    );
    // Items done by day t: min(N, Poisson(μt)) while the server is busy.
    let poisson = Poisson::new(mu * 10.0).unwrap();
    let exact: f64 = (0..200_u64)
        .map(|k| k.min(u64::from(n)) as f64 * poisson.pmf(k))
        .sum();
    let items = estimate(&f, "items_by");
    assert!(
        items.low <= exact && exact <= items.high,
        "items_by {items:?} vs {exact}"
    );
}

#[test]
fn c_people_finish_at_the_order_statistics_of_parallel_servers() {
    // While every one of the c people is busy, completions come at rate cμ:
    // the first N − c + 1 gaps are Exp(cμ); then c − 1 items are in service
    // and, memoryless, the last finishes after the maximum of c − 1 Exp(μ),
    // whose mean is H(c − 1) / μ. So E[T] = (N − c + 1)/(cμ) + H(c − 1)/μ.
    let (n, mu, c) = (20, 1.0, 3);
    let f = station_forecast(n, mu, c, 2000, 200.0, 7.0);
    let harmonic: f64 = (1..c).map(|k| 1.0 / f64::from(k)).sum();
    let exact = f64::from(n - c + 1) / (f64::from(c) * mu) + harmonic / mu;
    let mean = estimate(&f, "done_mean");
    assert!(
        mean.low <= exact && exact <= mean.high,
        "mean {mean:?} vs {exact}"
    );
    assert!(mean.high - mean.low < 0.05 * exact, "{mean:?}");
}

#[test]
fn a_backlog_not_done_by_the_horizon_is_reported_as_beyond_it() {
    // Erlang(10, 1) is below 5 days with probability 3%: most replications
    // are not done by a horizon of 5, so the median is "> 5" and the mean
    // is unknown; p_done_by is still a share with its interval.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("station.toml");
    std::fs::write(&file, validation::station(0.5, 1.0, 1, 5.0, 200, 3, "")).unwrap();
    let out = orgsim(
        &[
            "forecast",
            file.to_str().unwrap(),
            "--backlog",
            "10",
            "--no-arrivals",
            "--by",
            "5",
            "-q",
            "--out",
            "fc",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(dir.path().join("fc/forecast.csv")).unwrap();
    let row = |q: &str| -> Vec<String> {
        csv.lines()
            .find(|l| l.split(',').nth(1) == Some(q))
            .unwrap_or_else(|| panic!("no {q} in {csv}"))
            .split(',')
            .map(str::to_string)
            .collect()
    };
    assert_eq!(row("done_p50")[2], ">5", "{csv}");
    assert_eq!(row("done_mean")[2], "NaN", "{csv}");
    let p: f64 = row("p_done_by")[2].parse().unwrap();
    let exact = Gamma::new(10.0, 1.0).unwrap().cdf(5.0);
    let (lo, hi): (f64, f64) = (
        row("p_done_by")[3].parse().unwrap(),
        row("p_done_by")[4].parse().unwrap(),
    );
    assert!(
        lo <= exact && exact <= hi && p < 0.2,
        "{p} [{lo}, {hi}] vs {exact}"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("> 5"), "{stdout}");
    assert!(stdout.contains("not done by day 5"), "{stdout}");
    let burnup = std::fs::read_to_string(dir.path().join("fc/burnup.csv")).unwrap();
    assert!(
        burnup.starts_with("topology,day,p5,p25,p50,p75,p95\n"),
        "{burnup}"
    );
    assert_eq!(burnup.lines().count(), 1 + 6, "days 0 to 5: {burnup}");
    let svg = std::fs::read_to_string(dir.path().join("fc/burnup.svg")).unwrap();
    assert!(svg.contains("Burn-up: the 10 backlog items"), "{svg}");
    assert!(
        std::fs::metadata(dir.path().join("fc/burnup.png"))
            .unwrap()
            .len()
            > 1000
    );
}

#[test]
fn a_forecast_is_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let out_dir = format!("fc{threads}");
        let out = orgsim(
            &[
                "forecast",
                "prime-video",
                "--backlog",
                "30",
                "--reps",
                "4",
                "--threads",
                threads,
                "--by",
                "60",
                "--horizon",
                "120",
                "-q",
                "--out",
                &out_dir,
            ],
            dir.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        files.push((
            std::fs::read(dir.path().join(&out_dir).join("forecast.csv")).unwrap(),
            std::fs::read(dir.path().join(&out_dir).join("burnup.csv")).unwrap(),
        ));
    }
    assert_eq!(files[0], files[1]);
}

#[test]
fn a_forecast_refuses_bad_input_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (vec!["--backlog", "tv-aps=5"], "did you mean `tv-apps`?"),
        (vec!["--backlog", "0"], "at least 1 item"),
        (vec!["--backlog", "-3"], "at least 1 item"),
        (vec!["--backlog", "tv-apps=0"], "at least 1 item"),
        (vec!["--backlog", "ten"], "not a whole number"),
        (vec!["--backlog", "5", "--by", "-1"], "--by -1"),
        (vec!["--backlog", "5", "--horizon", "0"], "--horizon 0"),
    ] {
        let mut all = vec!["forecast", "prime-video", "-q"];
        all.extend(args.iter().copied());
        let out = orgsim(&all, dir.path());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn arrivals_queue_behind_the_backlog_of_a_first_in_first_out_team() {
    // The backlog is drawn before any arrival, so its efforts are the same
    // with or without the ongoing demand; a first-in, first-out team serves
    // it first, so every replication's completion days are the same.
    let sc = scenario(&validation::station(0.8, 1.0, 2, 100.0, 50, 11, ""));
    let mut options = ForecastOptions {
        backlog: vec![15],
        no_arrivals: true,
        horizon: 100.0,
        by: 10.0,
        replications: 50,
        seed: 11,
    };
    let alone = forecast::run(&sc, &sc.model.topologies, &options);
    options.no_arrivals = false;
    let with_demand = forecast::run(&sc, &sc.model.topologies, &options);
    assert_eq!(alone.topologies[0].done, with_demand.topologies[0].done);
    assert!(alone.topologies[0].done.iter().all(|d| d.len() == 15));
}

#[test]
fn backlog_n_is_split_over_the_streams_by_their_rates() {
    // prime-video's streams arrive at different rates; the split adds up
    // and follows the rates' order.
    let sc = scenario(&std::fs::read_to_string("scenarios/prime-video.toml").unwrap());
    let split = forecast::split(40, &sc.model);
    assert_eq!(split.iter().sum::<u32>(), 40);
    let w = &sc.model.workload;
    let rates: Vec<f64> = w
        .streams
        .iter()
        .map(|s| s.mean_rate(w.load).unwrap())
        .collect();
    let total: f64 = rates.iter().sum();
    for (n, r) in split.iter().zip(&rates) {
        assert!(
            (f64::from(*n) - 40.0 * r / total).abs() < 1.0,
            "{split:?} vs {rates:?}"
        );
    }
}
