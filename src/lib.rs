//! orgsim: a discrete-event simulator of organizations.
//!
//! The same people and the same workload are simulated under several
//! organizational topologies (a matrix of functional departments,
//! single-threaded cross-functional teams, or anything written out by hand),
//! and the lead time, throughput and coordination tax of each are compared
//! with paired statistics. What the model means to a user, mechanism by
//! mechanism, is `docs/model.md` in the repository; this page is the map of
//! the code.
//!
//! # The layers
//!
//! Data flows one way: the command line (in the binary, `src/cli.rs` and
//! `src/commands/`) parses flags and calls [`experiment`], which runs
//! replications of the [`model`], which runs on the [`engine`]; [`report`]
//! reads the results and writes the files. [`scenario`] is the front end
//! that turns TOML into what the model and the experiment take.
//!
//! | module | its one job | it may use |
//! |---|---|---|
//! | [`engine`] | event calendar, clock, random streams, distributions; knows nothing of organizations | — |
//! | [`stats`] | accumulators, percentiles, intervals, paired comparisons, warm-up, trend test, sensitivity estimators | `engine` |
//! | [`model`] | the organization: topologies, routing, the event loop and one module per mechanism, the metric catalogue | `engine`, `stats` |
//! | [`scenario`] | TOML schema, `--set` overrides, validation with file/path/line messages; builds the model's input | `engine`, `model` |
//! | [`fit`] | `orgsim fit`: reads event logs, fits the as-is organization and its coordination (by simulation), measures fidelity; never writes a file | `engine`, `experiment`, `model`, `scenario` |
//! | [`experiment`] | one replication runner for `run`, `sweep` and `explore`; precision loop; sharding; never writes a file | `engine`, `model`, `scenario`, `stats`, `util` |
//! | [`report`] | CSV, JSON, charts, the HTML report, the sweep's folder | everything above but the binary |
//! | [`util`] | leaf helpers: atomic writes, folder locks, timestamps, number formatting | — |
//!
//! # Where each mechanism lives
//!
//! The headings are those of `docs/model.md`.
//!
//! | mechanism (docs/model.md) | module |
//! |---|---|
//! | streams, arrivals, closed streams | `model/run/arrivals.rs`, [`model::draw`] (common random numbers) |
//! | topologies, the single-threaded split, platform teams | [`model::topology`], `model/split.rs`, [`model::routing`] |
//! | capacity queue, queue discipline, part-time people | `model/run/work.rs`, `model/run/pools.rs` |
//! | handoffs, intake cadence, leader decision, escalation, shared leaders | `model/run/intake.rs` |
//! | fork-join, architecture coupling | `model/run/mod.rs` (the task lifecycle), [`model::draw`] |
//! | swarming to temporary projects | `model/run/swarm.rs` |
//! | cross-trained people, dispatch | `model/run/dispatch.rs`, `model/cross.rs` (placement in generated teams), `scenario/cross.rs` |
//! | communication overhead | `model/run/work.rs` (each team's speed), `Team::speed` in [`model::topology`] |
//! | quality, dilution, bar raisers, escaped defects | `model/run/quality.rs` |
//! | where the lead time goes (critical path) | [`model::item`], [`model::category`] |
//! | cost of delay and people cost | [`model::economics`], `scenario/economics.rs`, [`report::money`] |
//! | metrics: names, units, labels, scopes | [`model::metric`], [`model::tally`], `model/run/probes.rs`, `model/run/outcome.rs` |
//! | offered load (`orgsim check`), closed-stream MVA | [`model::capacity`], [`model::mva`] |
//! | random streams per mechanism | [`model::purpose`], [`engine::rng`] |
//! | warm-up (MSER-5), unstable systems | [`stats::mser`], [`stats::trend`], [`experiment`] |
//! | sweeps, explore (tornado, Morris, Sobol', break-even) | [`experiment::sweep`], [`experiment::explore`], [`stats::sensitivity`] |
//!
//! # The library in five lines
//!
//! A scenario from text, every topology run, one metric read back:
//!
//! ```
//! use orgsim::experiment::{self, RunOptions};
//!
//! let text = orgsim::scenario::bundled::find("prime-video").unwrap().text;
//! let scenario = orgsim::scenario::load_str("prime-video", text, &[]).unwrap();
//! let options = RunOptions { replications: Some(3), ..RunOptions::default() };
//! let results = experiment::run(&scenario, &options).unwrap();
//! let lead_times = results.topology("single-threaded").unwrap().metric("lead_time_mean").unwrap();
//! assert_eq!(lead_times.len(), 3);
//! assert!(lead_times.iter().all(|&days| days > 0.0));
//! ```

#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

pub mod engine;
pub mod experiment;
pub mod fit;
pub mod model;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod util;
