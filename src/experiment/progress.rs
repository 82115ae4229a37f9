//! How long-running experiments tell the caller how far they are, without
//! knowing how (or whether) it is shown: the command line draws a bar, the
//! library's own callers pass `&()`.

use std::sync::atomic::{AtomicBool, Ordering};

/// What an experiment reports as it runs. Every method has a default that
/// does nothing; implementations are called from many threads at once.
pub trait Progress: Sync {
    /// `jobs` more replications are planned.
    fn add_jobs(&self, jobs: u64) {
        let _ = jobs;
    }

    /// One replication is done.
    fn job_done(&self) {}

    /// A short description of the state beside the counts (e.g. `3/20
    /// points`).
    fn note(&self, message: &str) {
        let _ = message;
    }
}

/// No progress report.
impl Progress for () {}

/// Forwards finished replications but not planned ones, for a caller that
/// planned them all up front.
#[derive(Clone, Copy)]
pub(crate) struct Planned<'a>(pub(crate) &'a dyn Progress);

impl Progress for Planned<'_> {
    fn job_done(&self) {
        self.0.job_done();
    }

    fn note(&self, message: &str) {
        self.0.note(message);
    }
}

/// Forwards everything but the first batch of jobs planned, for a caller
/// that planned the first batch up front (a sweep announces every point's
/// first replications before any point starts; the batches a precision
/// target adds are announced as they start).
pub(crate) struct PlannedFirst<'a> {
    inner: &'a dyn Progress,
    first: AtomicBool,
}

impl<'a> PlannedFirst<'a> {
    /// Forwards to `inner`.
    pub(crate) fn new(inner: &'a dyn Progress) -> Self {
        Self {
            inner,
            first: AtomicBool::new(true),
        }
    }
}

impl Progress for PlannedFirst<'_> {
    fn add_jobs(&self, jobs: u64) {
        if !self.first.swap(false, Ordering::SeqCst) {
            self.inner.add_jobs(jobs);
        }
    }

    fn job_done(&self) {
        self.inner.job_done();
    }

    fn note(&self, message: &str) {
        self.inner.note(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[derive(Default)]
    struct Count {
        planned: AtomicU64,
        done: AtomicU64,
    }

    impl Progress for Count {
        fn add_jobs(&self, jobs: u64) {
            self.planned.fetch_add(jobs, Ordering::SeqCst);
        }
        fn job_done(&self) {
            self.done.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn planned_forwards_finished_jobs_but_not_new_ones() {
        let count = Count::default();
        count.add_jobs(4);
        let planned = Planned(&count);
        planned.add_jobs(4);
        planned.job_done();
        assert_eq!(count.planned.load(Ordering::SeqCst), 4);
        assert_eq!(count.done.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn planned_first_forwards_finished_jobs_and_later_batches() {
        let count = Count::default();
        count.add_jobs(4);
        let planned = PlannedFirst::new(&count);
        planned.add_jobs(4);
        planned.job_done();
        assert_eq!(count.planned.load(Ordering::SeqCst), 4);
        assert_eq!(count.done.load(Ordering::SeqCst), 1);
        planned.add_jobs(3);
        assert_eq!(count.planned.load(Ordering::SeqCst), 7);
    }
}
