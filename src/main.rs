//! The `orgsim` command: parse the command line, hand it to the library.

use clap::Parser;

fn main() {
    let cli = match orgsim::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(orgsim::commands::usage(&e)),
    };
    std::process::exit(orgsim::commands::dispatch(cli));
}
