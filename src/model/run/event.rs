//! What happens in the simulated organization: one variant per mechanism,
//! each wrapping that mechanism's own events, dispatched statically by the
//! lifecycle (`run::Mechanisms::handle`).

use super::{intake, probes, quality, swarm, work};
use crate::model::ids::StreamId;

/// An event of one replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// The next item of an open stream arrives.
    Arrival(StreamId),
    /// A step of a task's way to its backlog (see [`intake::Event`]).
    Intake(intake::Event),
    /// A person finishes a task (see [`work::Event`]).
    Work(work::Event),
    /// People leave for, or come back from, a temporary project.
    Swarm(swarm::Event),
    /// A review ends, or an escaped defect comes back.
    Quality(quality::Event),
    /// A sample of the cumulative flow diagram is due.
    Probe(probes::Event),
    /// A transition switches to its target organization.
    Switch,
}

// The calendar moves events by value: keep them at most 16 bytes (u32 ids).
const _: () = assert!(std::mem::size_of::<Event>() <= 16);
