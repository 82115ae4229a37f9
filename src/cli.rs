//! The command line (README, "Command line"), as clap definitions.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use orgsim::scenario::{Override, bundled};

/// Most worker threads `--threads` accepts: far more than any machine has
/// cores, few enough that starting them costs nothing noticeable.
pub const MAX_THREADS: u64 = 1024;

/// `--threads`: an integer from 1 to [`MAX_THREADS`], refused by clap before
/// anything runs.
fn threads_parser() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_THREADS)
}

/// `--reps` and `--max-reps`: a number of replications, at least 1, refused
/// by clap before anything runs (whether that many fit in memory depends on
/// the topologies, and is checked with the scenario).
fn replications_parser(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// A SCENARIO argument: any path (a file, or the name of a bundled
/// scenario, resolved when the command runs), whose possible values are the
/// bundled scenarios' names, so that shell completions offer them (beside
/// file names). Nothing is refused here; help does not list the names
/// (`hide_possible_values`; `orgsim scenarios` does).
#[derive(Debug, Clone, Copy)]
pub struct ScenarioArg;

impl TypedValueParser for ScenarioArg {
    type Value = PathBuf;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<PathBuf, clap::Error> {
        clap::builder::PathBufValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(bundled_names()))
    }
}

/// The NAME of `orgsim scenarios NAME`: any text (an unknown one gets the
/// command's did-you-mean), completed with the bundled scenarios' names.
#[derive(Debug, Clone, Copy)]
pub struct BundledName;

impl TypedValueParser for BundledName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(bundled_names()))
    }
}

/// Every bundled scenario as a possible value, with its description.
fn bundled_names() -> impl Iterator<Item = PossibleValue> {
    bundled::ALL
        .iter()
        .map(|b| PossibleValue::new(b.name).help(b.summary()))
}

/// Simulate an organization as a matrix, as single-threaded teams, or
/// anything between, and compare lead time, throughput and the coordination tax.
#[derive(Debug, Parser)]
#[command(name = "orgsim", version = env!("ORGSIM_VERSION"), about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario: every topology, every replication, then compare.
    Run(RunArgs),
    /// Run a scenario at every point of a grid of parameter values
    /// (resumable; `--shard K/N` for clusters).
    Sweep(SweepArgs),
    /// Which uncertain assumption decides the answer: a tornado, Morris
    /// screening, Sobol' indices, propagation of the beliefs or break-even
    /// values, over the scenario's [[uncertain]] tables and --uncertain.
    Explore(ExploreArgs),
    /// When will a backlog be done? Every topology starts with it at day 0;
    /// Monte Carlo gives the completion day's p50/p85/p95, the chance of
    /// being done by a day and the items done by then.
    Forecast(ForecastArgs),
    /// Combine the shards of a sweep (or of an exploration) into the files
    /// one run writes.
    Merge(MergeArgs),
    /// Validate a scenario and print offered load against capacity per team.
    Check(CheckArgs),
    /// Fit the organization as it is from an event log (one row per task
    /// execution, or a tracker export of one row per item), write it as a
    /// scenario, and measure how well it reproduces the log.
    Fit(FitArgs),
    /// Re-draw the charts and report.html of a result folder from its CSV
    /// files (no simulation).
    Plot(PlotArgs),
    /// List the bundled scenarios, or print one's TOML to start from
    /// (`orgsim scenarios prime-video > mine.toml`).
    Scenarios {
        /// The bundled scenario whose TOML to print.
        #[arg(value_parser = BundledName, hide_possible_values = true)]
        name: Option<String>,
    },
    /// Check the engine against queueing theory (M/M/c, Jackson tandem,
    /// pooling, closed MVA, cadence, decision queues).
    Validate {
        /// Worker threads, 1 to 1024 (default: all cores).
        #[arg(long, value_name = "T", value_parser = threads_parser())]
        threads: Option<usize>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// The options `run` and `sweep` share. Every point of a sweep uses the
/// same random streams (the same seed), so neighbouring points are paired.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Replications per topology (overrides `simulation.replications`).
    #[arg(long = "reps", value_name = "N", value_parser = replications_parser)]
    pub replications: Option<u32>,
    /// Master seed (overrides `simulation.seed`).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads, 1 to 1024 (default: all cores); results are the same
    /// for any value.
    #[arg(long, value_name = "T", value_parser = threads_parser())]
    pub threads: Option<usize>,
    /// Override a scenario value before validation, e.g.
    /// `--set architecture.coupling=0.3` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<Override>,
    /// Run only this topology (repeatable; default: all).
    #[arg(long = "topology", value_name = "NAME")]
    pub topologies: Vec<String>,
    /// Compare every topology against this one: every paired difference,
    /// chart and sentence (default: the scenario's first topology run).
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// No progress bar, no warnings, no list of files written.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write no charts and no report.html (only the CSV files and the manifest).
    #[arg(long)]
    pub no_plots: bool,
}

/// Arguments of `orgsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file, or the name of a bundled scenario (default: the bundled
    /// `prime-video`).
    #[arg(value_name = "SCENARIO", value_parser = ScenarioArg, hide_possible_values = true)]
    pub scenario: Option<PathBuf>,
    /// The options `run` and `sweep` share.
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output folder (default: output/<scenario name>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write items.csv, one row per completed item.
    #[arg(long)]
    pub items: bool,
    /// Also write the simulated event log of replication 0 (one row per task
    /// execution, the columns `orgsim fit` reads): into FILE when it ends in
    /// `.csv` (one topology only), else as DIR/events-<topology>.csv.
    #[arg(long, value_name = "FILE|DIR")]
    pub events: Option<PathBuf>,
    /// Print the summary as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Keep adding replications until the relative 95% CI half-width of the
    /// precision metric is at most REL for every topology and every paired
    /// difference (e.g. 0.05), or `--max-reps` is reached.
    #[arg(long, value_name = "REL")]
    pub precision: Option<f64>,
    /// The most replications `--precision` may run (default 1000).
    #[arg(
        long = "max-reps",
        value_name = "N",
        requires = "precision",
        value_parser = replications_parser
    )]
    pub max_replications: Option<u32>,
    /// The metric `--precision` applies to.
    #[arg(
        long,
        value_name = "METRIC",
        default_value = orgsim::model::Metric::LeadTimeMean.name(),
        requires = "precision"
    )]
    pub precision_metric: String,
    /// "What this depends on": each coordination setting the scenario uses
    /// halved, doubled and switched off. `auto` keeps it quick (fewer
    /// replications when the run's would simulate too many items, and says
    /// so), `full` runs every replication, `off` skips it.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub depends: DependsArg,
    /// Daily series from day 0 (over_time.csv) and the J-curve: cumulative
    /// items and cost of delay against a reference, paired by replication,
    /// and the break-even day (break_even.csv). `--over-time` compares every
    /// topology with the baseline; `--over-time=A:B,C:D` topology A with
    /// reference B, C with D.
    #[arg(
        long = "over-time",
        value_name = "TOPOLOGY:REFERENCE,...",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ""
    )]
    pub over_time: Option<String>,
}

/// `--depends`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DependsArg {
    /// Within a budget of simulated items (fewer replications if need be).
    Auto,
    /// At every replication of the run.
    Full,
    /// No tornado.
    Off,
}

/// `orgsim fit --bootstrap-kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BootstrapKindArg {
    /// Refits of logs simulated from the fitted model, each searched afresh.
    Parametric,
    /// Refits of resamples of the log's items, each searched from the fit.
    Items,
}

/// The analyses `orgsim explore` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExploreMethod {
    /// Each assumption alone at its 5% and 95% quantiles (or range ends).
    Tornado,
    /// Morris elementary effects on `--samples` trajectories.
    Morris,
    /// Sobol' first-order and total indices on `--samples` base points.
    Sobol,
    /// `--samples` points drawn from the beliefs: P(better than the baseline).
    Propagate,
    /// Per assumption, where the paired difference crosses zero.
    BreakEven,
}

/// Arguments of `orgsim explore`.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// Scenario file, or the name of a bundled scenario.
    #[arg(value_name = "SCENARIO", value_parser = ScenarioArg, hide_possible_values = true)]
    pub scenario: PathBuf,
    /// The analysis.
    #[arg(long, value_enum)]
    pub method: ExploreMethod,
    /// Trajectories (morris), base points (sobol: N·(d + 2) points) or points
    /// (propagate).
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(2..=65_536))]
    pub samples: usize,
    /// A measured metric (repeatable; default lead_time_mean, throughput,
    /// coordination_share).
    #[arg(long = "metric", value_name = "METRIC")]
    pub metrics: Vec<String>,
    /// An uncertain assumption, `PATH=DIST` with DIST a distribution table or
    /// a range `[min, max]` (adds to or replaces the scenario's).
    #[arg(long = "uncertain", value_name = "PATH=DIST")]
    pub uncertain: Vec<String>,
    /// The options `run` and `sweep` share.
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output folder (default: output/<scenario name>-explore); a shard
    /// writes into its `shard-K-of-N` subfolder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only the K-th of N slices of the design (points i with
    /// i mod N = K-1); `orgsim merge` puts the slices together.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Keep the points an earlier, interrupted run of the same exploration
    /// finished.
    #[arg(long)]
    pub resume: bool,
}

/// Arguments of `orgsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file, or the name of a bundled scenario.
    #[arg(value_name = "SCENARIO", value_parser = ScenarioArg, hide_possible_values = true)]
    pub scenario: PathBuf,
    /// Override a scenario value before validation (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<Override>,
    /// Also run a pilot without warm-up and show the warm-up MSER-5 picks per
    /// topology, with Welch's chart of the running mean (`welch_<topology>`).
    #[arg(long)]
    pub warmup: bool,
    /// Where `--warmup` writes its charts (default: output/<scenario name>-warmup).
    #[arg(long, value_name = "DIR", requires = "warmup")]
    pub out: Option<PathBuf>,
}

/// Arguments of `orgsim fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// The event log (CSV with a header).
    #[arg(value_name = "LOG")]
    pub log: PathBuf,
    /// Output folder (default: output/<log file stem>-fit).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Read role ROLE from column NAME (repeatable), e.g. `--column item=Key`;
    /// roles: item, stream, type, created, task, team, skill, person, start, end.
    #[arg(long = "column", value_name = "ROLE=NAME")]
    pub columns: Vec<String>,
    /// The working calendar for dates and datetimes: `DAYS START HOURSh`
    /// with DAYS mon-fri, mon-sat or mon-sun.
    #[arg(long, value_name = "SPEC", default_value = "mon-fri 09:00 8h")]
    pub calendar: String,
    /// Skip bad rows (and report how many, and why) instead of failing.
    #[arg(long)]
    pub lenient: bool,
    /// Simulated replications of the fitted scenario for the fidelity report.
    #[arg(long = "reps", value_name = "N", default_value_t = 10,
          value_parser = clap::builder::RangedU64ValueParser::<u32>::new().range(2..=1000))]
    pub replications: u32,
    /// Seed of the fitted scenario.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Do not fit the coordination delays by simulation (they stay 0).
    #[arg(long)]
    pub no_coordination: bool,
    /// Replications per simulation of the coordination fit.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::builder::RangedU64ValueParser::<u32>::new().range(1..=100))]
    pub fit_reps: u32,
    /// Bootstrap refits of the coordination, for its standard errors (0:
    /// none).
    #[arg(long, value_name = "B", default_value_t = 10,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=1000))]
    pub bootstrap: usize,
    /// What a bootstrap refit fits: a log simulated from the fitted model,
    /// searched afresh (parametric), or a resample of the log's items,
    /// searched from the fit (items: cheaper, its sds too small).
    #[arg(long, value_name = "KIND", value_enum, default_value_t = BootstrapKindArg::Parametric)]
    pub bootstrap_kind: BootstrapKindArg,
    /// Do not draw the fidelity charts (SVG and PNG); fit-report.html is
    /// still written, without them.
    #[arg(long)]
    pub no_plots: bool,
    /// Worker threads, 1 to 1024 (default: all cores).
    #[arg(long, value_name = "T", value_parser = threads_parser())]
    pub threads: Option<usize>,
    /// No progress, no list of files written.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `orgsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file, or the name of a bundled scenario.
    #[arg(value_name = "SCENARIO", value_parser = ScenarioArg, hide_possible_values = true)]
    pub scenario: PathBuf,
    /// A scenario path and its values: `PATH=START:STOP:STEP` (inclusive) or
    /// `PATH=v1,v2,...`, e.g. `architecture.coupling=0:0.6:0.1`; several make
    /// a grid, the last varying fastest (repeatable, at least one).
    #[arg(long = "vary", value_name = "PATH=SPEC", required = true)]
    pub vary: Vec<String>,
    /// The options `run` and `sweep` share.
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output folder (default: output/<scenario name>-sweep); a shard writes
    /// into its `shard-K-of-N` subfolder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only the K-th of N slices of the grid (points i with i mod N = K-1).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Keep the points an earlier, interrupted run of the same sweep finished.
    #[arg(long)]
    pub resume: bool,
    /// Print the sweep's summary as JSON instead of a table: the rows of
    /// sweep.csv, sweep_comparison.csv and sweep_points.csv under the same
    /// names.
    #[arg(long)]
    pub json: bool,
    /// The precision target applied at every point.
    #[command(flatten)]
    pub precision: SweepPrecisionArgs,
}

/// `sweep --precision` and its companions (those of `run`, point by point).
#[derive(Debug, Args)]
pub struct SweepPrecisionArgs {
    /// At every point, keep adding replications until the relative 95% CI
    /// half-width of the precision metric is at most REL for every topology
    /// and every paired difference (e.g. 0.05), or `--max-reps` is reached;
    /// sweep_points.csv says how many each point took and whether it met it.
    #[arg(long, value_name = "REL")]
    pub precision: Option<f64>,
    /// The most replications `--precision` may run at a point (default 1000).
    #[arg(
        long = "max-reps",
        value_name = "N",
        requires = "precision",
        value_parser = replications_parser
    )]
    pub max_replications: Option<u32>,
    /// The metric `--precision` applies to.
    #[arg(
        long,
        value_name = "METRIC",
        default_value = orgsim::model::Metric::LeadTimeMean.name(),
        requires = "precision"
    )]
    pub precision_metric: String,
}

/// Arguments of `orgsim forecast`.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Scenario file, or the name of a bundled scenario.
    #[arg(value_name = "SCENARIO", value_parser = ScenarioArg, hide_possible_values = true)]
    pub scenario: PathBuf,
    /// The backlog at day 0: `N` items (split over the streams in
    /// proportion to their arrival rates) or `STREAM=N,...`.
    #[arg(long, value_name = "N|STREAM=N,...", allow_hyphen_values = true)]
    pub backlog: String,
    /// No demand besides the backlog (open streams stop arriving, closed
    /// streams keep no items in flight).
    #[arg(long)]
    pub no_arrivals: bool,
    /// The day `P(done by)` and `items by` are read at (default: the horizon).
    #[arg(long, value_name = "DAY", allow_hyphen_values = true)]
    pub by: Option<f64>,
    /// Days simulated from day 0 (default: `simulation.horizon`).
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub horizon: Option<f64>,
    /// The options `run` and `sweep` share.
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output folder (default: output/<scenario name>-forecast).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Arguments of `orgsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Sweep or explore folders (each standing for its sweep.json or
    /// explore.json and its shard-K-of-N subfolders), or those files.
    #[arg(required = true, value_name = "DIR_OR_FILES")]
    pub inputs: Vec<PathBuf>,
    /// Folder to write the merged sweep into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No list of files written.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write only the CSV files and sweep.json: no charts, no report.html.
    #[arg(long)]
    pub no_plots: bool,
}

/// Arguments of `orgsim plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A result folder of `orgsim run` (with summary.csv) or `orgsim sweep`
    /// (with sweep.csv).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Do not list the files written.
    #[arg(long, short)]
    pub quiet: bool,
}
