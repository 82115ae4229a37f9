//! The built-in reduction cases (README, "Trusting the numbers"): small scenarios whose
//! exact answers queueing theory knows. `orgsim validate` runs them so that
//! anyone can check the engine on their own machine; the test suite runs the
//! same cases.

use super::spec::{RunSpec, Warmup};
use super::{RunOptions, run};
use crate::engine::Dist;
use crate::model::spec::{Coordination, Limits, ModelSpec};
use crate::model::{Category, Metric, MetricId};
use crate::scenario::{self, Provenance, Scenario};
use crate::stats::Summary;
use crate::stats::queueing::{
    jackson_tandem_sojourn, mm1_sojourn, mmc_sojourn, mmc_wait, mva_closed,
};

/// Confidence level of every check: a correct engine fails a check by chance
/// once in a thousand seeds (the seeds are fixed, so a failure means a bias).
pub const LEVEL: f64 = 0.999;

/// One number a case compares against theory.
#[derive(Debug, Clone)]
pub struct Check {
    /// What is checked, in words.
    pub label: String,
    /// The topology whose metric is checked.
    pub topology: String,
    /// The metric (a `summary.csv` name).
    pub metric: String,
    /// The exact value theory gives.
    pub exact: f64,
    /// The widest relative CI half-width that still makes the check meaningful.
    pub max_relative_half_width: f64,
}

/// A reduction case: a scenario and the exact values it must reproduce.
#[derive(Debug, Clone)]
pub struct Case {
    /// Short name (`orgsim validate` prints it).
    pub name: &'static str,
    /// The queueing model it reduces to.
    pub model: &'static str,
    /// The scenario.
    pub scenario: Scenario,
    /// The numbers to check.
    pub checks: Vec<Check>,
}

/// The outcome of one check.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// The check.
    pub check: Check,
    /// The simulated values across replications, with a 99.9% CI.
    pub simulated: Summary,
}

impl CheckResult {
    /// (simulated mean − exact) / exact.
    pub fn relative_error(&self) -> f64 {
        (self.simulated.mean - self.check.exact) / self.check.exact
    }

    /// Whether the CI is narrow enough to test anything.
    pub fn precise(&self) -> bool {
        self.simulated.half_width() / self.check.exact.abs() < self.check.max_relative_half_width
    }

    /// Whether the exact value lies in the CI (and the CI is narrow enough).
    pub fn passed(&self) -> bool {
        self.simulated.contains(self.check.exact) && self.precise()
    }
}

fn check<'a>(
    label: &str,
    topology: &str,
    metric: impl Into<MetricId<'a>>,
    exact: f64,
    max_rel: f64,
) -> Check {
    Check {
        label: label.to_string(),
        topology: topology.to_string(),
        metric: metric.into().name(),
        exact,
        max_relative_half_width: max_rel,
    }
}

/// The built-in scenario `name` from its TOML `text`.
fn from_toml(name: &str, text: &str) -> Scenario {
    scenario::load_str(name, text, &[])
        .unwrap_or_else(|e| panic!("built-in case {name} is invalid: {e}"))
}

/// The station of [`ModelSpec::station`], built in code, with the warm-up
/// and run of [`station`] and what `coordinate` changes of its coordination.
fn station_case(
    lambda: f64,
    c: u32,
    horizon: f64,
    reps: u32,
    seed: u64,
    coordinate: impl FnOnce(&mut Coordination),
) -> Scenario {
    let mut model = ModelSpec::station(lambda, 1.0, c)
        .unwrap_or_else(|e| panic!("built-in station at lambda {lambda} is invalid: {e}"));
    coordinate(&mut model.topologies[0].coordination);
    Scenario {
        name: "station".into(),
        description: String::new(),
        provenance: Provenance::default(),
        run: RunSpec {
            warmup: Warmup::Fixed(horizon / 20.0),
            horizon,
            replications: reps,
            seed,
            limits: Limits::DEFAULT,
        },
        model,
    }
}

/// An exponential distribution of a built-in case.
fn exponential(mean: f64) -> Dist {
    Dist::exponential(mean).unwrap_or_else(|e| panic!("built-in mean {mean}: {e}"))
}

/// A scenario of one stream with Poisson arrivals at `lambda`, one task
/// with an exponential effort of mean `1/mu`, one team (topology `matrix`)
/// of `c` people, every coordination mechanism off except what the `extra`
/// TOML (e.g. a `[coordination]` table) sets; warm-up horizon/20.
pub fn station(
    lambda: f64,
    mu: f64,
    c: u32,
    horizon: f64,
    reps: u32,
    seed: u64,
    extra: &str,
) -> String {
    format!(
        r#"name = "station"
[simulation]
warmup = {warmup}
horizon = {horizon}
replications = {reps}
seed = {seed}
[[workload.streams]]
name = "s"
interarrival = {{ dist = "exponential", mean = {ia} }}
item = "job"
[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = {{ dist = "exponential", mean = {effort} }} }} ]
[organization]
people = {{ eng = {c} }}
{extra}
[[topologies]]
name = "matrix"
kind = "matrix"
"#,
        warmup = horizon / 20.0,
        ia = 1.0 / lambda,
        effort = 1.0 / mu,
    )
}

fn mmc_case(
    name: &'static str,
    model: &'static str,
    lambda: f64,
    c: u32,
    horizon: f64,
    reps: u32,
    seed: u64,
) -> Case {
    Case {
        name,
        model,
        scenario: station_case(lambda, c, horizon, reps, seed, |_| {}),
        checks: vec![
            check(
                "mean lead time (Erlang C)",
                "matrix",
                Metric::LeadTimeMean,
                mmc_sojourn(lambda, 1.0, c),
                0.03,
            ),
            check("throughput", "matrix", Metric::Throughput, lambda, 0.01),
            check(
                "utilization",
                "matrix",
                Metric::Utilization,
                lambda / f64::from(c),
                0.01,
            ),
        ],
    }
}

const STREAM_ABC: &str = r#"
[[workload.streams]]
name = "a"
interarrival = { dist = "exponential", mean = 1.25 }
item = "job"
[[workload.streams]]
name = "b"
interarrival = { dist = "exponential", mean = 1.25 }
item = "job"
[[workload.streams]]
name = "c"
interarrival = { dist = "exponential", mean = 1.25 }
item = "job"
"#;

/// Every built-in case.
pub fn cases() -> Vec<Case> {
    let tandem = jackson_tandem_sojourn(1.5, &[(1.0, 2), (2.0 / 3.0, 3), (2.0, 1)]);
    let tandem_wait = mmc_wait(1.5, 1.0, 2) + mmc_wait(1.5, 2.0 / 3.0, 3) + mmc_wait(1.5, 2.0, 1);
    let mva = mva_closed(5, &[1.0, 0.8]);
    let (pooled, split) = (mmc_sojourn(2.4, 0.5, 6), mmc_sojourn(0.8, 0.5, 2));
    vec![
        mmc_case("mm1", "M/M/1 at rho 0.8", 0.8, 1, 20_000.0, 60, 101),
        mmc_case("mm4", "M/M/4 at rho 0.8", 3.2, 4, 10_000.0, 40, 102),
        mmc_case("mm16", "M/M/16 at rho 0.9", 14.4, 16, 4_000.0, 40, 103),
        Case {
            name: "tandem",
            model: "Jackson tandem: (mu 1, c 2) -> (mu 2/3, c 3) -> (mu 2, c 1) at lambda 1.5",
            scenario: from_toml(
                "tandem",
                r#"name = "tandem"
[simulation]
warmup = 500
horizon = 20000
replications = 40
seed = 7
[[workload.streams]]
name = "s"
interarrival = { dist = "exponential", mean = 0.6666666666666666 }
item = "job"
[workload.items.job]
tasks = [
  { name = "a", skill = "x", effort = { dist = "exponential", mean = 1.0 } },
  { name = "b", skill = "y", effort = { dist = "exponential", mean = 1.5 }, after = ["a"] },
  { name = "c", skill = "z", effort = { dist = "exponential", mean = 0.5 }, after = ["b"] },
]
[organization]
people = { x = 2, y = 3, z = 1 }
[[topologies]]
name = "matrix"
kind = "matrix"
"#,
            ),
            checks: vec![
                check(
                    "mean lead time",
                    "matrix",
                    Metric::LeadTimeMean,
                    tandem,
                    0.03,
                ),
                check(
                    "queueing on the path",
                    "matrix",
                    Metric::Mean(Category::Queue),
                    tandem_wait,
                    0.04,
                ),
                check(
                    "work on the path",
                    "matrix",
                    Metric::Mean(Category::Work),
                    3.0,
                    0.01,
                ),
            ],
        },
        Case {
            name: "pooling",
            model: "3 streams: pooled M/M/6 (matrix) vs 3 x M/M/2 (single-threaded), rho 0.8",
            scenario: from_toml(
                "pooling",
                &format!(
                    r#"name = "pooling"
[simulation]
warmup = 500
horizon = 20000
replications = 60
seed = 3
{STREAM_ABC}
[workload.items.job]
tasks = [ {{ name = "work", skill = "eng", effort = {{ dist = "exponential", mean = 2 }} }} ]
[organization]
people = {{ eng = 6 }}
[[topologies]]
name = "matrix"
kind = "matrix"
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#
                ),
            ),
            checks: vec![
                check(
                    "matrix lead time (M/M/6)",
                    "matrix",
                    Metric::LeadTimeMean,
                    pooled,
                    0.03,
                ),
                check(
                    "single-threaded lead time (M/M/2)",
                    "single-threaded",
                    Metric::LeadTimeMean,
                    split,
                    0.03,
                ),
                check(
                    "stream a alone (M/M/2)",
                    "single-threaded",
                    MetricId::stream("a", Metric::LeadTimeMean),
                    split,
                    0.05,
                ),
            ],
        },
        Case {
            name: "closed",
            model: "closed network, N = 5, two single-server stations (demands 1, 0.8): exact MVA",
            scenario: from_toml(
                "closed",
                r#"name = "closed"
[simulation]
warmup = 500
horizon = 10000
replications = 30
seed = 11
[[workload.streams]]
name = "s"
backlog = { wip = 5 }
item = "job"
[workload.items.job]
tasks = [
  { name = "a", skill = "x", effort = { dist = "exponential", mean = 1.0 } },
  { name = "b", skill = "y", effort = { dist = "exponential", mean = 0.8 }, after = ["a"] },
]
[organization]
people = { x = 1, y = 1 }
[[topologies]]
name = "matrix"
kind = "matrix"
"#,
            ),
            checks: vec![
                check(
                    "response time",
                    "matrix",
                    Metric::LeadTimeMean,
                    mva.response_time,
                    0.02,
                ),
                check(
                    "throughput",
                    "matrix",
                    Metric::Throughput,
                    mva.throughput,
                    0.01,
                ),
            ],
        },
        Case {
            name: "cadence",
            model: "Poisson requests, planning every 10 days: mean wait = cadence / 2",
            scenario: station_case(0.5, 3, 20_000.0, 20, 104, |c| c.intake_cadence = 10.0),
            checks: vec![check(
                "cadence wait",
                "matrix",
                Metric::Mean(Category::Cadence),
                5.0,
                0.02,
            )],
        },
        Case {
            name: "decision",
            model: "a leader deciding requests: M/M/1 (lambda 1.2, decisions of mean 0.5)",
            scenario: station_case(1.2, 4, 20_000.0, 40, 105, |c| {
                c.decision = exponential(0.5);
            }),
            checks: vec![
                check(
                    "decision time per item",
                    "matrix",
                    Metric::Mean(Category::Decision),
                    mm1_sojourn(1.2, 2.0),
                    0.03,
                ),
                check(
                    "leader utilization",
                    "matrix",
                    Metric::LeaderUtilizationMax,
                    0.6,
                    0.01,
                ),
            ],
        },
        Case {
            name: "escalation",
            model: "half the requests escalated to an executive: M/M/1 (lambda 0.4, mean 1)",
            scenario: station_case(0.8, 4, 20_000.0, 40, 106, |c| {
                c.escalation_probability = 0.5;
                c.escalation_decision = exponential(1.0);
            }),
            checks: vec![
                check(
                    "escalation time per item",
                    "matrix",
                    Metric::Mean(Category::Escalation),
                    0.5 * mm1_sojourn(0.4, 1.0),
                    0.03,
                ),
                check(
                    "escalations per item",
                    "matrix",
                    Metric::EscalationsPerItem,
                    0.5,
                    0.01,
                ),
            ],
        },
    ]
}

/// Runs `case` on `threads` worker threads (default: all) and checks it.
pub fn run_case(case: &Case, threads: Option<usize>) -> Vec<CheckResult> {
    let exp = run(
        &case.scenario,
        &RunOptions {
            threads,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("built-in case {} cannot run: {e}", case.name));
    case.checks
        .iter()
        .map(|c| {
            let values = exp
                .topology(&c.topology)
                .and_then(|t| t.metric(&c.metric))
                .unwrap_or(&[]);
            CheckResult {
                check: c.clone(),
                simulated: Summary::with_confidence(values, LEVEL),
            }
        })
        .collect()
}
