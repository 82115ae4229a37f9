//! What one replication works out from the scenario and the organization
//! before its first event: which coordination steps take no time, where each
//! task of each item type usually goes, the streams' backlog priority classes
//! and the teams a swarm may raid.

use super::routing::Routing;
use super::spec::{ModelSpec, QueueDiscipline};
use super::topology::Organization;

/// The coordination steps of an organization that take no time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Immediate {
    /// Handoffs between teams.
    pub(super) handoff: bool,
    /// Handoffs within a team.
    pub(super) internal_handoff: bool,
    /// A request's way from handoff to backlog: no intake cadence, no
    /// leader decision, no escalation.
    pub(super) intake: bool,
}

impl Immediate {
    /// The steps of `org` that take no time.
    pub(super) fn of(org: &Organization) -> Self {
        let c = &org.coordination;
        Self {
            handoff: c.handoff.is_zero(),
            internal_handoff: c.internal_handoff.is_zero(),
            intake: c.intake_cadence <= 0.0
                && c.decision.is_zero()
                && c.escalation_probability <= 0.0,
        }
    }
}

/// The teams a swarm may pull people from: those that serve more than one
/// stream (they own none, or several), or every team if all are dedicated.
pub(super) fn swarmable_teams(org: &Organization) -> Vec<usize> {
    let staffed = |t: &usize| org.teams[*t].size() > 0;
    let shared: Vec<usize> = (0..org.teams.len())
        .filter(|&t| org.teams[t].owns.len() != 1)
        .filter(staffed)
        .collect();
    if shared.is_empty() {
        (0..org.teams.len()).filter(staffed).collect()
    } else {
        shared
    }
}

/// Each stream's backlog priority class: all 0 under FIFO; under a weighted
/// queue, 0 for the streams of the highest weight, 1 for the next, ...
pub(super) fn stream_classes(model: &ModelSpec, queue: QueueDiscipline) -> Vec<u32> {
    let weights: Vec<f64> = model.workload.streams.iter().map(|s| s.weight).collect();
    match queue {
        QueueDiscipline::Fifo => vec![0; weights.len()],
        QueueDiscipline::Weighted => weights
            .iter()
            .map(|w| {
                let mut higher: Vec<f64> = weights.iter().copied().filter(|v| v > w).collect();
                higher.sort_by(f64::total_cmp);
                higher.dedup();
                higher.len() as u32
            })
            .collect(),
    }
}

/// One task of an item type in one stream, as far as it is known before the
/// item's draws: the skill it needs, its predecessors, and where it goes
/// unless coupling or the platform sends it elsewhere.
#[derive(Debug, Clone, Copy)]
pub(super) struct TaskPlan {
    pub(super) skill: usize,
    pub(super) preds: u32,
    /// The team of the usual route.
    pub(super) team: usize,
    /// Whether the usual route makes it a request (its team does not own
    /// the stream).
    pub(super) request: bool,
}

/// The plans of every task of every item type for every stream, and where
/// each (stream, item type)'s tasks start.
pub(super) fn task_plans(model: &ModelSpec, routing: &Routing) -> (Vec<TaskPlan>, Vec<usize>) {
    let mut plans = Vec::new();
    let mut starts = Vec::new();
    for k in 0..model.workload.streams.len() {
        for item_type in &model.workload.item_types {
            starts.push(plans.len());
            for task in &item_type.tasks {
                let skill = task.skill.index();
                let team = routing.route(k, skill, None, false);
                plans.push(TaskPlan {
                    skill,
                    preds: task.after.len() as u32,
                    team,
                    request: !routing.owns(team, k),
                });
            }
        }
    }
    (plans, starts)
}
