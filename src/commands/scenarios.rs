//! `orgsim scenarios`: the bundled scenarios and what each shows.

use super::{Failure, stdio};
use orgsim::scenario::bundled;

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
        "\nRun one with `orgsim run <name>`; `orgsim run` alone runs {}.\n`orgsim scenarios <name> > mine.toml` writes one's TOML to start from.",
        bundled::DEFAULT
    )?;
    Ok(())
}

/// Prints the TOML of the bundled scenario `name`, as shipped.
pub fn print(name: &str) -> Result<(), Failure> {
    let Some(b) = bundled::find(name.trim_end_matches(".toml")) else {
        let hint = bundled::closest(name)
            .map(|b| format!("; did you mean `{}`?", b.name))
            .unwrap_or_default();
        let names: Vec<&str> = bundled::ALL.iter().map(|b| b.name).collect();
        return Err(Failure::BadInput(format!(
            "no bundled scenario `{name}`{hint} (bundled: {})",
            names.join(", ")
        )));
    };
    stdio::print(b.text)
}
