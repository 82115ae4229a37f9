//! The topologies of one replication simulated side by side, so that the
//! draws of their common workload (docs/model.md, "Randomness") are made
//! once instead of once per topology: each simulation runs a stretch of
//! time in turn, reading the open streams' draws the first one made, and
//! what all have read is dropped before the next stretch. Every simulation
//! handles the very events it would alone, in the same order, so the
//! outcomes are those of [`simulate`](super::simulate), number for number.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

use super::setup::Setup;
use super::{NEVER, Recording, Replication, ReplicationOutcome};
use crate::engine::{Calendar, Handler, ReplicationStreams};
use crate::model::draw::{Reader, SharedWorkload};
use crate::model::spec::{self, Arrivals, ModelSpec, Window};
use crate::model::topology::Organization;

/// One topology of a replication: its organization, the window it is
/// measured over and what it records.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The organization simulated.
    pub org: &'a Organization,
    /// Its measured window (its own warm-up).
    pub window: Window,
    /// What its outcome keeps.
    pub recording: Recording,
}

/// Arrivals of the open streams, in expectation, between two turns: the
/// draws kept at once are about this many items' (a few dozen bytes each),
/// and the turns few enough to cost nothing next to the items.
const ITEMS_PER_TURN: f64 = 1024.0;

/// The outcome of every side of `sides`, in their order, simulated on
/// `model` in the replication whose streams are `rngs`: the outcomes
/// [`simulate`](super::simulate) gives each alone. `None` if `stop` was set
/// before they were all done (each gives up within a few thousand events).
pub fn simulate_together(
    model: &ModelSpec,
    sides: &[Side<'_>],
    limits: spec::Limits,
    rngs: &ReplicationStreams,
    stop: Option<&AtomicBool>,
) -> Option<Vec<ReplicationOutcome>> {
    let flag = stop.unwrap_or(&NEVER);
    let shared = RefCell::new(SharedWorkload::new(model, rngs, sides.len()));
    let mut sims: Vec<(Replication<'_>, Calendar<_>, bool)> = sides
        .iter()
        .enumerate()
        .map(|(reader, side)| {
            let reader = Reader {
                workload: &shared,
                reader,
            };
            let setup = Setup {
                model,
                window: side.window,
                limits,
                rngs,
                recording: side.recording,
                stop: flag,
                shared: Some(reader),
            };
            let mut rep = Replication::of(setup, side.org);
            let mut calendar = Calendar::new();
            rep.begin(&mut calendar, side.recording);
            (rep, calendar, true)
        })
        .collect();
    let end = sims.iter().map(|s| s.0.end()).fold(0.0, f64::max);
    let turn = turn_length(model).min(end);
    let mut turns = 0.0;
    while sims.iter().any(|s| s.2) {
        turns += 1.0;
        let t = if turn > 0.0 {
            (turn * turns).min(end)
        } else {
            end
        };
        for (reader, (rep, calendar, running)) in sims.iter_mut().enumerate() {
            if !*running {
                continue;
            }
            let until = t.min(rep.end());
            calendar.run_until(rep, until);
            // Once true, `should_stop` stays true while no event is handled:
            // a saturated run or a spent event budget ends here as alone.
            if until >= rep.end() || rep.should_stop() {
                *running = false;
                shared.borrow_mut().retire(reader);
            }
        }
        shared.borrow_mut().trim();
    }
    let outcomes = sims
        .into_iter()
        .map(|(rep, calendar, _)| rep.conclude(&calendar))
        .collect();
    (!flag.load(Ordering::Relaxed)).then_some(outcomes)
}

/// Days between two turns: about [`ITEMS_PER_TURN`] arrivals of the open
/// streams (at least 16 per stream, so that a turn over thousands of
/// streams still does more than look at each); infinite without open
/// streams.
fn turn_length(model: &ModelSpec) -> f64 {
    let w = &model.workload;
    let rate: f64 = w
        .streams
        .iter()
        .filter_map(|s| match &s.arrivals {
            Arrivals::Open(d) => Some(w.load / d.mean()),
            Arrivals::Closed { .. } => None,
        })
        .sum();
    let items = ITEMS_PER_TURN.max(16.0 * w.streams.len() as f64);
    if rate > 0.0 && rate.is_finite() {
        items / rate
    } else {
        f64::INFINITY
    }
}
