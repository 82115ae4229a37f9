//! Records the git revision orgsim is built from (for `manifest.json`), when
//! the source is a git checkout and git is installed.

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
    if let Some(rev) = revision {
        println!("cargo:rustc-env=ORGSIM_GIT_REVISION={rev}");
    }
}
