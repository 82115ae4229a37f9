//! What each subcommand does; `main` parses the command line, calls
//! `dispatch` and turns its result into the exit code.

/// `eprintln!` that never panics: a failed write is remembered for the exit
/// code (see `stdio::note`).
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::commands::stdio::note(&format!($($arg)*))
    };
}

/// `println!` that never panics: evaluates to `Result<(), Failure>` (see
/// `stdio::print`).
macro_rules! outln {
    () => {
        $crate::commands::stdio::print("\n")
    };
    ($($arg:tt)*) => {
        $crate::commands::stdio::print(&format!("{}\n", format_args!($($arg)*)))
    };
}

mod check;
mod completions;
mod explore;
mod failure;
mod fit;
mod folder;
mod forecast;
mod interrupt;
mod merge;
mod output;
mod plot;
mod progress;
mod run;
mod scenarios;
mod source;
pub(crate) mod stdio;
mod sweep;
mod validate;

pub use failure::Failure;
pub use plot::{render_folder, render_run};

use crate::cli::{Cli, Command};

/// Carries out `cli`; the error, if any, is for `main` to print.
pub fn dispatch(cli: Cli) -> Result<(), Failure> {
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Explore(args) => explore::explore(&args),
        Command::Forecast(args) => forecast::forecast(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Check(args) => check::check(&args),
        Command::Fit(args) => fit::fit(&args),
        Command::Plot(args) => plot::plot(&args),
        Command::Scenarios { name: None } => scenarios::list(),
        Command::Scenarios { name: Some(name) } => scenarios::print(&name),
        Command::Validate { threads } => validate::validate(threads),
        Command::Completions { shell } => stdio::print_bytes(&completions::script(shell)),
    };
    if std::env::var_os("ORGSIM_REPORT_PEAK_MEMORY").is_some() {
        report_peak_memory();
    }
    result
}

/// Prints what the command-line parser refused, or the `--help` or
/// `--version` it was asked for, as clap would, but with a failed write to
/// stdout (help and version go there) handled as every command handles it.
/// A failure to write the refusal to stderr cannot be reported: the exit
/// code is the parser's all the same.
pub fn usage(e: &clap::Error) -> Result<(), Failure> {
    use std::io::Write;
    let printed = e.print().and_then(|()| std::io::stdout().flush());
    match printed {
        Err(err) if !e.use_stderr() => Err(stdio::stdout_failure(err)),
        _ => Ok(()),
    }
}

/// Prints the process's peak resident memory (Linux `VmHWM`) to stderr, for
/// the memory tests and benchmarks (`ORGSIM_REPORT_PEAK_MEMORY=1`).
fn report_peak_memory() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        let kb = line.trim_start_matches("VmHWM:").trim();
        note!("peak memory: {kb}");
    }
}
