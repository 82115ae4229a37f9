//! The progress bar on stderr: the command line's implementation of
//! `experiment::Progress`, one style for `run`, `sweep` and `explore`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use orgsim::experiment::Progress;

/// A progress bar on stderr (drawn only when stderr is a terminal), cleared
/// when dropped.
pub struct Bar(ProgressBar);

/// The bar of a command: hidden when `show` is false (`--quiet`).
pub fn bar(show: bool) -> Bar {
    if !show {
        return Bar(ProgressBar::hidden());
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {msg}{pos}/{len} replications ({rate}, ETA {eta})",
        )
        .map(|style| {
            style.with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1}/s", state.per_sec());
            })
        })
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Bar(bar)
}

impl Progress for Bar {
    fn add_jobs(&self, jobs: u64) {
        self.0.inc_length(jobs);
    }

    fn job_done(&self) {
        self.0.inc(1);
    }

    fn note(&self, message: &str) {
        self.0.set_message(format!("{message}, "));
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
