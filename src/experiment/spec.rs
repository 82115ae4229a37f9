//! Run control: how long, how often and from which seed an experiment runs
//! a model (the `[simulation]` table of a scenario file), apart from the
//! model itself.

use crate::model::spec::{Limits, Window};

/// How an experiment runs a model.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// Days discarded before statistics start.
    pub warmup: Warmup,
    /// Days measured after the warm-up (> 0).
    pub horizon: f64,
    /// Independent replications (>= 1).
    pub replications: u32,
    /// Master seed of every random stream.
    pub seed: u64,
    /// When a replication is stopped as saturated.
    pub limits: Limits,
}

/// The warm-up of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Warmup {
    /// This many days (>= 0), for every topology.
    Fixed(f64),
    /// `warmup = "auto"`: picked per topology by MSER-5 from pilot
    /// replications measured from time 0 (docs/model.md, "Statistics you
    /// can sign").
    Auto,
}

impl Warmup {
    /// The days discarded before the experiment picks any: the fixed
    /// warm-up, or 0 under `auto` (where the pilot replications start).
    pub fn start(self) -> f64 {
        match self {
            Self::Fixed(days) => days,
            Self::Auto => 0.0,
        }
    }

    /// Whether the warm-up is picked per topology.
    pub fn is_auto(self) -> bool {
        matches!(self, Self::Auto)
    }
}

impl RunSpec {
    /// The measurement window of a topology whose warm-up is `warmup` days.
    pub fn window(&self, warmup: f64) -> Window {
        Window {
            start: warmup,
            horizon: self.horizon,
        }
    }

    /// The window before any warm-up is picked: from the fixed warm-up, or
    /// from 0 under `auto` (as the pilot replications run).
    pub fn nominal_window(&self) -> Window {
        self.window(self.warmup.start())
    }
}
