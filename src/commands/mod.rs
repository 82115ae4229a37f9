//! What each subcommand does; `main` only parses the command line and calls
//! `dispatch`.

mod check;
mod failure;
mod interrupt;
mod merge;
mod output;
mod plot;
mod run;
mod scenarios;
mod source;
mod sweep;
mod validate;

pub use failure::Failure;
pub use plot::render_folder;

use crate::cli::{Cli, Command};

/// Carries out `cli`; returns the process exit code (0 success, 2 bad input,
/// 1 anything else, 130 a sweep interrupted by a signal), having printed any
/// error to stderr.
pub fn dispatch(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Check(args) => check::check(&args),
        Command::Plot(args) => plot::plot(&args),
        Command::Scenarios => scenarios::list(),
        Command::Validate { threads } => validate::validate(threads),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "orgsim", &mut std::io::stdout());
            Ok(())
        }
    };
    if std::env::var_os("ORGSIM_REPORT_PEAK_MEMORY").is_some() {
        report_peak_memory();
    }
    match result {
        Ok(()) => 0,
        Err(f) => {
            eprintln!("{f}");
            f.exit_code()
        }
    }
}

/// Prints the process's peak resident memory (Linux `VmHWM`) to stderr, for
/// the memory tests and benchmarks (`ORGSIM_REPORT_PEAK_MEMORY=1`).
fn report_peak_memory() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        let kb = line.trim_start_matches("VmHWM:").trim();
        eprintln!("peak memory: {kb}");
    }
}
