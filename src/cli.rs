//! The command line (DESIGN.md §7), as clap definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::scenario::Override;

/// Simulate an organization as a matrix, as single-threaded teams, or
/// anything between, and compare lead time, throughput and the coordination tax.
#[derive(Debug, Parser)]
#[command(name = "orgsim", version, about, long_about = None)]
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
    /// Validate a scenario and print offered load against capacity per team.
    Check(CheckArgs),
    /// List the bundled scenarios.
    Scenarios,
    /// Check the engine against queueing theory (M/M/c, Jackson tandem,
    /// pooling, closed MVA, cadence, decision queues).
    Validate {
        /// Worker threads (default: all cores).
        #[arg(long, value_name = "T")]
        threads: Option<usize>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Arguments of `orgsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file, or the name of a bundled scenario (default: the bundled
    /// `prime-video`).
    pub scenario: Option<PathBuf>,
    /// Replications (overrides `simulation.replications`).
    #[arg(long = "reps", value_name = "N")]
    pub replications: Option<u32>,
    /// Master seed (overrides `simulation.seed`).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores); results are the same for any value.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output folder (default: output/<scenario name>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override a scenario value before validation, e.g.
    /// `--set architecture.coupling=0.3` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<Override>,
    /// Run only this topology (repeatable; default: all).
    #[arg(long = "topology", value_name = "NAME")]
    pub topologies: Vec<String>,
    /// Also write items.csv, one row per completed item.
    #[arg(long)]
    pub items: bool,
    /// Print the summary as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// No progress bar, no warnings, no list of files written.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `orgsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file, or the name of a bundled scenario.
    pub scenario: PathBuf,
    /// Override a scenario value before validation (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<Override>,
}
