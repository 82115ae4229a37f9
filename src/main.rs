//! The `orgsim` command: the command line (`cli`), what each subcommand
//! does (`commands`), and the one place that turns their outcome into the
//! exit code. The simulator itself is the `orgsim` library.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

use commands::{Failure, stdio};

fn main() -> ExitCode {
    let code = match cli::Cli::try_parse() {
        Ok(cli) => exit_code(commands::dispatch(cli)),
        // The parser's own code: 2 for a refused command line, 0 for
        // `--help` and `--version`.
        Err(e) => match commands::usage(&e) {
            Ok(()) => u8::try_from(e.exit_code()).unwrap_or(2),
            Err(f) => exit_code(Err(f)),
        },
    };
    ExitCode::from(code)
}

/// The exit code of a command's outcome, having printed its error to
/// stderr: 0 success, also when stdout is a closed pipe (the reader wanted
/// no more, as `head` does); 2 bad input; 130 interrupted by a signal; 1
/// anything else, including a failed write to stdout or stderr.
fn exit_code(outcome: Result<(), Failure>) -> u8 {
    match outcome {
        Ok(()) if stdio::stderr_failed() => 1,
        Ok(()) | Err(Failure::ClosedPipe) => 0,
        Err(f) => {
            stdio::note(&f.to_string());
            match f {
                Failure::BadInput(_) => 2,
                Failure::Interrupted(_) => 130,
                Failure::ClosedPipe => 0,
                Failure::Io { .. } | Failure::Stdout(_) | Failure::Other(_) => 1,
            }
        }
    }
}
