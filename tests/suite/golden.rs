//! The safety net of a restructuring: every output file of every bundled
//! scenario, of a run with `--items` and of a sweep, hashed and compared
//! with `tests/golden.tsv`. A change to the code that is meant to move no
//! number must leave every hash as it is; a deliberate change of output
//! regenerates the file (`ORGSIM_GOLDEN_WRITE=1 cargo test --test suite
//! golden`) in a commit of its own that says why.
//!
//! CSV files are hashed byte for byte. JSON files are hashed without the
//! values that depend on the moment, the machine or the build (`started`,
//! `finished`, `git_revision`, `command_line`, `threads`), and the sweep's
//! checkpoint (JSON lines, written in the order points finish) with its
//! lines sorted. Charts and the HTML report are drawn from the CSV files
//! and are checked by their own tests.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::support::{orgsim, text};

/// Keys of the JSON files whose values say when, where or by which build a
/// run was made, not what it computed.
const VOLATILE_KEYS: [&str; 5] = [
    "started",
    "finished",
    "git_revision",
    "command_line",
    "threads",
];

/// The short runs whose outputs are guarded: a name and the arguments.
fn runs() -> Vec<(String, Vec<String>)> {
    let short = [
        "--reps",
        "3",
        "--set",
        "simulation.horizon=200",
        "--threads",
        "2",
        "--no-plots",
    ];
    let mut runs = Vec::new();
    for name in bundled_names() {
        let mut args = vec!["run".to_string(), name.clone()];
        args.extend(short.iter().map(|s| s.to_string()));
        if name == "prime-video" {
            args.push("--items".into());
        }
        runs.push((format!("run-{name}"), args));
    }
    // The flow charts' files are written only with the charts.
    let mut charts: Vec<String> = ["run", "pooling", "--depends", "off"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    charts.extend(short[..6].iter().map(|s| s.to_string()));
    runs.push(("run-pooling-charts".into(), charts));
    let mut sweep: Vec<String> = [
        "sweep",
        "prime-video",
        "--vary",
        "architecture.coupling=0,0.3",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    sweep.extend(short.iter().map(|s| s.to_string()));
    runs.push(("sweep-prime-video".into(), sweep));
    runs
}

/// The bundled scenarios, by the names `orgsim scenarios` accepts.
fn bundled_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("scenarios/ is readable")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, which the
/// standard library's hasher does not promise.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn strip_volatile(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for key in VOLATILE_KEYS {
                map.remove(key);
            }
            map.values_mut().for_each(strip_volatile);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_volatile),
        _ => {}
    }
}

/// The bytes of an output file as they are guarded.
fn guarded_bytes(path: &Path) -> Option<Vec<u8>> {
    let name = path.file_name()?.to_string_lossy();
    let bytes = std::fs::read(path).expect("an output file is readable");
    if name.ends_with(".csv") {
        Some(bytes)
    } else if name.ends_with(".jsonl") {
        let mut lines: Vec<&str> = std::str::from_utf8(&bytes)
            .expect("UTF-8")
            .lines()
            .collect();
        lines.sort_unstable();
        Some(lines.join("\n").into_bytes())
    } else if name.ends_with(".json") {
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
        strip_volatile(&mut value);
        Some(serde_json::to_vec(&value).expect("serializable"))
    } else {
        None
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every guarded file of every run: `run/file` → hash.
fn hashes() -> BTreeMap<String, String> {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let mut hashes = BTreeMap::new();
    for (label, mut args) in runs() {
        let out = tmp.path().join(&label);
        args.push("--out".into());
        args.push(out.to_string_lossy().into_owned());
        args.push("-q".into());
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let done = orgsim(&argv, tmp.path());
        assert!(done.status.success(), "{label}: {}", text(&done.stderr));
        let mut files = Vec::new();
        files_under(&out, &mut files);
        for file in files {
            if let Some(bytes) = guarded_bytes(&file) {
                let rel = file
                    .strip_prefix(&out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                hashes.insert(format!("{label}/{rel}"), format!("{:016x}", fnv1a(&bytes)));
            }
        }
    }
    hashes
}

#[test]
fn every_output_file_matches_its_committed_hash() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden.tsv");
    let now = hashes();
    if std::env::var_os("ORGSIM_GOLDEN_WRITE").is_some() {
        let mut tsv =
            String::from("# output file\tFNV-1a 64 of its guarded bytes (tests/suite/golden.rs)\n");
        for (file, hash) in &now {
            writeln!(tsv, "{file}\t{hash}").unwrap();
        }
        std::fs::write(&golden, tsv).expect("tests/golden.tsv is writable");
        return;
    }
    let committed: BTreeMap<String, String> = std::fs::read_to_string(&golden)
        .expect("tests/golden.tsv exists (ORGSIM_GOLDEN_WRITE=1 writes it)")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, h)| (f.to_string(), h.to_string()))
        .collect();
    let mut problems = Vec::new();
    for (file, hash) in &now {
        match committed.get(file) {
            None => problems.push(format!("{file}: new, not in tests/golden.tsv")),
            Some(h) if h != hash => problems.push(format!("{file}: {hash}, committed {h}")),
            Some(_) => {}
        }
    }
    for file in committed.keys().filter(|f| !now.contains_key(*f)) {
        problems.push(format!("{file}: in tests/golden.tsv, no longer written"));
    }
    assert!(
        problems.is_empty(),
        "outputs changed (a deliberate change regenerates tests/golden.tsv with \
         ORGSIM_GOLDEN_WRITE=1 in its own commit):\n{}",
        problems.join("\n")
    );
    assert!(now.len() >= 40, "only {} files guarded", now.len());
}
