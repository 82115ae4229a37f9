//! The corpus of bad scenarios in `tests/bad/`: every file is refused by the
//! binary with exit code 2 and a message naming the file, the TOML path and
//! (where the file parses) the line — never a panic. `tests/bad/expected.tsv`
//! says what each message must contain.

use std::path::Path;
use std::process::Command;

struct Expectation {
    file: String,
    path: String,
    line: Option<usize>,
    phrase: String,
}

fn expectations() -> Vec<Expectation> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = std::fs::read_to_string(root.join("tests/bad/expected.tsv")).unwrap();
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "bad line in expected.tsv: {l}");
            Expectation {
                file: cols[0].to_string(),
                path: cols[1].to_string(),
                line: cols[2].parse().ok(),
                phrase: cols[3].to_string(),
            }
        })
        .collect()
}

#[test]
fn every_bad_scenario_is_refused_clearly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let expected = expectations();
    assert!(
        expected.len() >= 30,
        "the corpus has only {} files",
        expected.len()
    );
    for e in &expected {
        let rel = format!("tests/bad/{}", e.file);
        for command in [
            vec!["check", rel.as_str()],
            vec!["run", rel.as_str(), "--out", "/nonexistent/never-written"],
        ] {
            let out = Command::new(env!("CARGO_BIN_EXE_orgsim"))
                .args(&command)
                .current_dir(root)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
            assert!(
                !stderr.contains("panicked"),
                "{command:?} panicked: {stderr}"
            );
            assert!(out.stdout.is_empty(), "{command:?} printed results");
            let location = match (e.line, e.path.is_empty()) {
                (Some(l), false) => format!("error: {rel}:{l}: {}", e.path),
                (Some(l), true) => format!("error: {rel}:{l}: "),
                (None, false) => format!("error: {rel}: {}", e.path),
                (None, true) => format!("error: {rel}: "),
            };
            assert!(
                stderr.contains(&location),
                "{}: expected `{location}` in:\n{stderr}",
                e.file
            );
            assert!(
                stderr.contains(&e.phrase),
                "{}: expected `{}` in:\n{stderr}",
                e.file,
                e.phrase
            );
        }
    }
}

#[test]
fn every_file_of_the_corpus_has_an_expectation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed: Vec<String> = expectations().into_iter().map(|e| e.file).collect();
    for entry in std::fs::read_dir(root.join("tests/bad")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") {
            assert!(listed.contains(&name), "{name} is not in expected.tsv");
        }
    }
}
