//! The `orgsim` command: parse the command line, hand it to the library.

use clap::Parser;

fn main() {
    let cli = orgsim::cli::Cli::parse();
    std::process::exit(orgsim::commands::dispatch(cli));
}
