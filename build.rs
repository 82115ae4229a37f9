//! Records the git revision orgsim is built from (for `manifest.json` and
//! `orgsim --version`), when the source is a git checkout and git is installed.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs");
    let revision = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    match revision {
        Some(rev) => {
            println!("cargo:rustc-env=ORGSIM_GIT_REVISION={rev}");
            println!("cargo:rustc-env=ORGSIM_VERSION={version} (git {rev})");
        }
        None => println!("cargo:rustc-env=ORGSIM_VERSION={version}"),
    }
}
