//! What each subcommand does; `main` only parses the command line and calls
//! `dispatch`.

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
mod failure;
mod folder;
mod interrupt;
mod merge;
mod plot;
mod run;
mod scenarios;
mod source;
mod stdio;
mod sweep;
mod validate;

pub use failure::Failure;
pub use plot::render_folder;

use crate::cli::{Cli, Command};

/// Carries out `cli`; returns the process exit code (0 success, also when
/// stdout is a closed pipe; 2 bad input; 1 anything else, including a failed
/// write to stdout or stderr; 130 a sweep interrupted by a signal), having printed any
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
            // Generated into memory first: clap_complete panics on a failed write.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "orgsim", &mut script);
            stdio::print_bytes(&script)
        }
    };
    if std::env::var_os("ORGSIM_REPORT_PEAK_MEMORY").is_some() {
        report_peak_memory();
    }
    match result {
        Ok(()) if stdio::stderr_failed() => 1,
        Ok(()) | Err(Failure::ClosedPipe) => 0,
        Err(f) => {
            note!("{f}");
            f.exit_code()
        }
    }
}

/// Prints what the command-line parser refused, or the `--help` or
/// `--version` it was asked for, as clap would, but with write errors
/// handled as every command handles them; returns the exit code.
pub fn usage(e: &clap::Error) -> i32 {
    use std::io::Write;
    let printed = e.print().and_then(|()| std::io::stdout().flush());
    match printed {
        // Help and version go to stdout; a failure there is like any other.
        Err(err) if !e.use_stderr() => match stdio::stdout_failure(err) {
            Failure::ClosedPipe => 0,
            f => {
                note!("{f}");
                f.exit_code()
            }
        },
        _ => e.exit_code(),
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
