//! Seasonal demand (docs/model.md, "Seasonal demand"): a `rate_profile`
//! changes when items arrive, `check` shows the busiest part of the period
//! and flags an overload there honestly, and the multipliers can be set and
//! swept like any other value.

use crate::support::{orgsim, run, text, values};
use orgsim::stats::Summary;

/// The bundled `mmc` scenario (an M/M/4 at ρ = 0.8) with a rate profile.
fn mmc_with(profile: &str) -> String {
    let base = orgsim::scenario::bundled::find("mmc")
        .expect("mmc is bundled")
        .text;
    base.replace(
        "item = \"job\"",
        &format!("item = \"job\"\nrate_profile = {profile}"),
    )
}

#[test]
fn check_flags_a_system_stable_on_average_but_overloaded_at_the_peak() {
    let dir = tempfile::tempdir().unwrap();
    let set = "workload.streams.requests.rate_profile={ period = 250, multipliers = [1.0, 1.5, 0.5, 1.0] }";
    let out = orgsim(&["check", "mmc", "--set", set], dir.path());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    // Average 3.2 pd/day for 4 people (0.80); at ×1.5, 4.8 (1.20).
    assert!(stdout.contains("0.80"), "{stdout}");
    assert!(
        stdout.contains(
            "busiest in days 62.5-125 of each period: highest utilization 1.20 (team `eng` eng), against 0.80 on average: overloaded at the peak"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning: team-of-4: team `eng` is offered 4.80 person-days/day"),
        "{stdout}"
    );
    // A milder profile: busiest part at 0.88, no warning.
    let set = "workload.streams.requests.rate_profile={ period = 250, multipliers = [1.0, 1.1, 0.9, 1.0] }";
    let out = orgsim(&["check", "mmc", "--set", set], dir.path());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("highest utilization 0.88"), "{stdout}");
    assert!(!stdout.contains("warning"), "{stdout}");
    // Without a profile, no seasonal section at all.
    let out = orgsim(&["check", "mmc"], dir.path());
    assert!(!text(&out.stdout).contains("Seasonal"));
}

#[test]
fn a_profile_keeps_the_mean_rate_and_its_peak_lengthens_lead_times() {
    // Multipliers with mean 1: the long-run throughput stays λ = 3.2 a day
    // (within the 99.9% CI of the replication means over 5 whole periods),
    // while the peak at ρ = 1.2 makes queues that a flat M/M/4 (W = 1.7455
    // days) never has: the mean lead time is above the flat one's CI.
    let text = mmc_with("{ period = 250, multipliers = [1.0, 1.5, 0.5, 1.0] }")
        .replace("warmup = 100", "warmup = 250")
        .replace("horizon = 5000", "horizon = 1250");
    let exp = run(&text);
    let throughput = Summary::with_confidence(values(&exp, "team-of-4", "throughput"), 0.999);
    assert!(throughput.contains(3.2), "{throughput:?}");
    let lead = Summary::with_confidence(values(&exp, "team-of-4", "lead_time_mean"), 0.999);
    assert!(lead.ci_low > 1.7455 * 1.5, "{lead:?}");
}

#[test]
fn multipliers_are_set_and_swept_by_path_and_index() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seasonal.toml");
    std::fs::write(
        &file,
        mmc_with("{ period = 100, multipliers = [1.0, 1.0] }")
            .replace("horizon = 5000", "horizon = 200")
            .replace("replications = 20", "replications = 2"),
    )
    .unwrap();
    let out = orgsim(
        &[
            "check",
            "seasonal.toml",
            "--set",
            "workload.streams.requests.rate_profile.multipliers=[1, 2]",
        ],
        dir.path(),
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("x1, x2 over 2 parts of 50 days"),
        "{stdout}"
    );
    let out = orgsim(
        &[
            "sweep",
            "seasonal.toml",
            "--vary",
            "workload.streams.requests.rate_profile.multipliers.1=0.5,1.5",
            "--out",
            "sweep",
            "-q",
            "--no-plots",
            "--threads",
            "1",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(dir.path().join("sweep/sweep.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("workload.streams.requests.rate_profile.multipliers.1,"),
        "{header}"
    );
    let throughput = |x: &str| -> f64 {
        csv.lines()
            .find(|l| l.starts_with(&format!("{x},team-of-4,throughput,")))
            .and_then(|l| l.split(',').nth(3))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no throughput at {x}:\n{csv}"))
    };
    // Mean multiplier 0.75 against 1.25: the same arrivals in the first
    // half, fewer or more in the second.
    assert!(throughput("0.5") < throughput("1.5"));
    // A bad index is refused with exit code 2, naming the path.
    let out = orgsim(
        &[
            "check",
            "seasonal.toml",
            "--set",
            "workload.streams.requests.rate_profile.multipliers.5=1",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("index 5 does not exist"));
}
