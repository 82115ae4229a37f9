//! Shared helpers: load inline scenarios, run them, check against theory.

use orgsim::experiment::{self, Experiment, RunOptions};
use orgsim::scenario::{self, Scenario};
use orgsim::stats::Summary;

/// Loads an inline scenario, panicking with the validation message if it is invalid.
pub fn scenario(toml: &str) -> Scenario {
    scenario::load_str("test.toml", toml, &[])
        .unwrap_or_else(|e| panic!("invalid test scenario:\n{e}"))
}

/// Runs an inline scenario with default options (all cores).
pub fn run(toml: &str) -> Experiment {
    run_with(toml, RunOptions::default())
}

/// Runs an inline scenario with `options`.
pub fn run_with(toml: &str, options: RunOptions) -> Experiment {
    experiment::run(&scenario(toml), &options).expect("options are valid")
}

/// The per-replication values of `metric` in `topology`.
pub fn values<'a>(exp: &'a Experiment, topology: &str, metric: &str) -> &'a [f64] {
    exp.topology(topology)
        .unwrap_or_else(|| panic!("no topology {topology}"))
        .metric(metric)
        .unwrap_or_else(|| panic!("no metric {metric}"))
}

/// Confidence level of the theory checks: each check fails by chance once in
/// a thousand seeds, and the seeds are fixed, so a failure means a bias.
pub const LEVEL: f64 = 0.999;

/// Asserts that the exact value lies in the 99.9% confidence interval of the
/// replication means, and that the interval is narrow enough (relative
/// half-width below `max_rel_half_width`) for the check to mean something.
/// Prints the relative error for the record.
pub fn assert_theory(label: &str, values: &[f64], exact: f64, max_rel_half_width: f64) {
    let s = Summary::with_confidence(values, LEVEL);
    let rel_err = (s.mean - exact) / exact;
    let rel_hw = s.half_width() / exact.abs();
    println!(
        "{label}: exact {exact:.5}, simulated {:.5} ± {:.5} (99.9% CI, n={}), relative error {:+.3}%",
        s.mean,
        s.half_width(),
        s.n,
        100.0 * rel_err
    );
    assert!(
        s.contains(exact),
        "{label}: exact value {exact} outside the 99.9% CI [{}, {}] (mean {}, relative error {:+.3}%)",
        s.ci_low,
        s.ci_high,
        s.mean,
        100.0 * rel_err
    );
    assert!(
        rel_hw < max_rel_half_width,
        "{label}: CI too wide to test anything: relative half-width {rel_hw}"
    );
}

/// A one-stream, one-task, one-team scenario with every coordination
/// mechanism off but `extra` (see `orgsim::experiment::validation::station`).
pub use orgsim::experiment::validation::station as single_station;

/// Runs the `orgsim` binary with `args` in `cwd`.
pub fn orgsim(args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

/// Bytes as text, lossily.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The rates of the prime-video example (every stream and skill priced).
pub const ECONOMICS: &str = r#"[economics]
delay_cost = { tv-apps = 4000, game-consoles = 2500, mobile = 1500 }
person_cost = { product = 900, design = 800, eng = 900, qa = 700, marketing = 700 }
leader_cost = 1200
reviewer_cost = 900

"#;

/// The bundled prime-video scenario with [`ECONOMICS`] before its
/// `[simulation]`.
pub fn priced_prime_video() -> String {
    let text = orgsim::scenario::bundled::find("prime-video").unwrap().text;
    text.replacen("[simulation]", &format!("{ECONOMICS}[simulation]"), 1)
}
