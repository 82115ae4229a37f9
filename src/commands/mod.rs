//! What each subcommand does; `main` only parses the command line and calls
//! `dispatch`.

mod check;
mod failure;
mod run;
mod scenarios;
mod source;
mod validate;

pub use failure::Failure;

use crate::cli::{Cli, Command};

/// Carries out `cli`; returns the process exit code (0 success, 2 bad input,
/// 1 anything else), having printed any error to stderr.
pub fn dispatch(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::check(&args),
        Command::Scenarios => scenarios::list(),
        Command::Validate { threads } => validate::validate(threads),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "orgsim", &mut std::io::stdout());
            Ok(())
        }
    };
    match result {
        Ok(()) => 0,
        Err(f) => {
            eprintln!("{f}");
            f.exit_code()
        }
    }
}
