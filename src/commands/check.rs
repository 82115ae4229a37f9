//! `orgsim check`: validate, then print offered load against capacity.

use super::{Failure, source};
use crate::cli::CheckArgs;
use crate::model::capacity;
use crate::report::table;

/// Validates the scenario and prints the load report and its warnings.
pub fn check(args: &CheckArgs) -> Result<(), Failure> {
    let scenario = source::load(Some(&args.scenario), &args.overrides)?;
    let reports = capacity::analyse(&scenario);
    print!("{}", table::load_reports(&scenario, &reports));
    let warnings: Vec<&String> = reports.iter().flat_map(|r| &r.warnings).collect();
    if !warnings.is_empty() {
        println!();
        for w in warnings {
            println!("warning: {w}");
        }
    }
    Ok(())
}
