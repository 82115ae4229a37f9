//! Building a replication: each mechanism with its own state and random
//! stream, the items' successor lists, and the classes of the backlogs.

use std::sync::atomic::AtomicBool;

use super::arena::Arena;
use super::arrivals::Arrivals;
use super::dispatch::Crews;
use super::intake::Intake;
use super::pools::Pools;
use super::probes::{self, Probes};
use super::quality::Quality;
use super::swarm::Swarm;
use super::transition::Pending;
use super::wip::{self, Classes, StreamGate};
use super::work::Work;
use super::{Mechanisms, Recording, Replication};
use crate::engine::ReplicationStreams;
use crate::model::plan::stream_classes;
use crate::model::routing::Routing;
use crate::model::spec::{self, ModelSpec, Window};
use crate::model::topology::Organization;

impl<'a> Replication<'a> {
    /// The replication of `org` under `model`, over `window`, on the
    /// random streams `rngs`: every mechanism built, no event yet.
    pub(super) fn new(
        model: &'a ModelSpec,
        org: &'a Organization,
        window: Window,
        limits: spec::Limits,
        rngs: &'a ReplicationStreams,
        recording: Recording,
        stop: &'a AtomicBool,
    ) -> Self {
        let types = &model.workload.item_types;
        let max_tasks = types.iter().map(|it| it.tasks.len()).max().unwrap_or(1);
        let setup = Setup {
            model,
            window,
            limits,
            rngs,
            recording,
            stop,
        };
        let mut m = Mechanisms::build(&setup, org, window.start);
        m.switch = (org.transition.as_deref()).map(|t| Box::new(Pending { to: t, setup }));
        Self {
            items: Arena::new(max_tasks, org.teams.len()).counting(recording.flow),
            m,
        }
    }
}

/// What building the mechanisms of an organization takes besides it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Setup<'a> {
    pub(super) model: &'a ModelSpec,
    pub(super) window: Window,
    pub(super) limits: spec::Limits,
    pub(super) rngs: &'a ReplicationStreams,
    pub(super) recording: Recording,
    pub(super) stop: &'a AtomicBool,
}

impl<'a> Mechanisms<'a> {
    /// The mechanisms of `org` under `setup`, their people, leaders and
    /// reviewers measured from `measured_from` (the window's start, or a
    /// later switch to `org`).
    pub(super) fn build(setup: &Setup<'a>, org: &'a Organization, measured_from: f64) -> Self {
        let Setup {
            model,
            window,
            limits,
            rngs,
            recording,
            stop,
        } = *setup;
        let skills = model.people.len();
        let window_start = measured_from;
        let window_end = window.end();
        let types = &model.workload.item_types;
        let successors = types
            .iter()
            .map(|it| {
                (0..it.tasks.len())
                    .map(|i| {
                        (0..it.tasks.len())
                            .filter(|&j| it.tasks[j].after.contains(&i))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let streams = model.workload.streams.len();
        let routing = Routing::new(org, streams, skills);
        let swarm = Swarm::of(org, rngs);
        // Only a swarm interrupts tasks, and needs to know which are in service.
        let pools = Pools::new(org, skills, window_start, swarm.is_some());
        let crews = Crews::of(org, &pools, window_start);
        let communication = org.coordination.communication;
        let speed = (communication > 0.0)
            .then(|| org.teams.iter().map(|t| t.speed(communication)).collect());
        let classes = Some(Classes::new(model)).filter(Classes::any);
        let stream_class = wip::backlog_classes(stream_classes(model, org.queue), &classes);
        let limits = probes::Limits {
            keep_items: recording.items,
            keep_series: recording.series,
            keep_flow: recording.flow_charts,
            keep_events: recording.events,
            max_wip: limits.max_wip,
            max_events: limits.max_events,
        };
        Mechanisms {
            model,
            org,
            horizon: window.horizon,
            arrivals: Arrivals::new(model, &routing, rngs),
            routing,
            successors,
            intake: Intake::new(org, rngs, window_start),
            work: Work::new(pools, stream_class).with(crews, speed),
            swarm,
            quality: Quality::new(&model.quality, org, rngs, window_start),
            probes: Probes::new(streams, window.start, window_end, limits, stop),
            stream_gate: StreamGate::new(model),
            classes,
            switch: None,
            before: None,
        }
    }
}
