//! Shell completions (README, "Command line"): where a SCENARIO is
//! expected, the bundled scenarios' names are offered, and files still are.

use crate::support::{orgsim, text};
use orgsim::scenario::bundled;

fn script(shell: &str, dir: &std::path::Path) -> String {
    let out = orgsim(&["completions", shell], dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// What bash's completion offers for the words `line` (the last one being
/// completed), run in `dir`.
fn bash_complete(
    script_path: &std::path::Path,
    line: &[&str],
    dir: &std::path::Path,
) -> Vec<String> {
    let words = line
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let program = format!(
        "source '{}'; COMP_WORDS=({words}); COMP_CWORD={}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; _orgsim orgsim '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script_path.display(),
        line.len() - 1,
        line[line.len() - 1],
        line[line.len() - 2],
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &program])
        .current_dir(dir)
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_offers_bundled_scenarios_where_a_scenario_is_expected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orgsim.bash");
    std::fs::write(&path, script("bash", dir.path())).unwrap();
    for command in ["run", "sweep", "check", "explore"] {
        let offered = bash_complete(&path, &["orgsim", command, "p"], dir.path());
        for name in ["prime-video", "part-time-leader", "platform", "pooling"] {
            assert!(
                offered.iter().any(|o| o == name),
                "{command}: {name} not in {offered:?}"
            );
        }
        assert!(
            !offered.iter().any(|o| o == "mmc"),
            "{command}: only names starting with p: {offered:?}"
        );
    }
    let offered = bash_complete(&path, &["orgsim", "scenarios", "mm"], dir.path());
    assert_eq!(offered, ["mmc"]);
    // Every bundled scenario is offered for `run`.
    let offered = bash_complete(&path, &["orgsim", "run", ""], dir.path());
    for b in bundled::ALL {
        assert!(
            offered.iter().any(|o| o == b.name),
            "{} not in {offered:?}",
            b.name
        );
    }
}

#[test]
fn zsh_offers_bundled_scenarios_or_files() {
    let dir = tempfile::tempdir().unwrap();
    let zsh = script("zsh", dir.path());
    let names: Vec<&str> = bundled::ALL.iter().map(|b| b.name).collect();
    let action = format!(
        "{{_alternative \"bundled:bundled scenario:({})\" \"files:scenario file:_files\"}}",
        names.join(" ")
    );
    // run, sweep, check and explore (and their `help` twins are not args).
    assert!(zsh.matches(&action).count() >= 4, "{zsh}");
    // `scenarios NAME` takes names only, with their descriptions.
    assert!(zsh.contains("((prime-video\\:"), "{zsh}");
    // The help text does not list them (`orgsim scenarios` does).
    let out = orgsim(&["run", "--help"], dir.path());
    assert!(!text(&out.stdout).contains("possible values"));
}
