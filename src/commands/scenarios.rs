//! `orgsim scenarios`: the bundled scenarios and what each shows.

use super::Failure;
use crate::scenario::bundled;

/// Prints every bundled scenario with the first line of its description.
pub fn list() -> Result<(), Failure> {
    let width = bundled::ALL.iter().map(|b| b.name.len()).max().unwrap_or(0);
    for b in bundled::ALL {
        let marker = if b.name == bundled::DEFAULT {
            " (default)"
        } else {
            ""
        };
        outln!("{:width$}  {}{marker}", b.name, b.summary())?;
    }
    outln!(
        "\nRun one with `orgsim run <name>`; `orgsim run` alone runs {}.",
        bundled::DEFAULT
    )?;
    Ok(())
}
