//! `orgsim completions SHELL`: clap's completion script, offering the
//! bundled scenarios' names wherever a SCENARIO is expected (their possible
//! values, see `cli::ScenarioArg`) beside file names.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use orgsim::scenario::bundled;

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    // Generated into memory first: clap_complete panics on a failed write.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "orgsim", &mut script);
    match shell {
        Shell::Zsh => zsh_files_too(&String::from_utf8_lossy(&script)).into_bytes(),
        _ => script,
    }
}

/// zsh completes an argument with possible values with those values only;
/// a SCENARIO may also be a file, so each SCENARIO's action becomes the
/// bundled names *or* files. (bash falls back to file names by itself when
/// no name matches; fish completes files beside them.)
fn zsh_files_too(script: &str) -> String {
    let names: Vec<&str> = bundled::ALL.iter().map(|b| b.name).collect();
    let action = format!(
        ":{{_alternative \"bundled:bundled scenario:({})\" \"files:scenario file:_files\"}}'",
        names.join(" ")
    );
    let first = format!(":(({}\\:", names[0]);
    let mut out = String::with_capacity(script.len());
    let mut rest = script;
    while let Some(spec) = ["':scenario -- ", "'::scenario -- "]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
    {
        let Some(start) = rest[spec..].find(&first).map(|i| spec + i) else {
            break;
        };
        let Some(end) = rest[start..].find("))'").map(|i| start + i + 3) else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&action);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
