//! Replication 0 of a topology simulated again with its event log kept
//! (`orgsim run --events`): the same streams, window and limits as in the
//! experiment, so the same draws in the same order and the same items.

use crate::engine::RngFactory;
use crate::model::event_log::TaskExecution;
use crate::model::{Organization, Recording, ReplicationOutcome, simulate, topology};
use crate::scenario::Scenario;

use super::results::Experiment;

/// Replication `replication` of topology `name` of `scenario`, measured
/// from `warmup`, recording its event log.
pub fn with_events(
    scenario: &Scenario,
    name: &str,
    replication: u64,
    warmup: f64,
) -> Option<(Organization, ReplicationOutcome)> {
    let spec = scenario.model.topologies.iter().find(|t| t.name == name)?;
    let org = topology::build(&scenario.model, spec);
    let rngs = RngFactory::new(scenario.run.seed).replication(replication);
    let recording = Recording {
        events: true,
        ..Recording::default()
    };
    let window = scenario.run.window(warmup);
    let outcome = simulate(
        &scenario.model,
        &org,
        window,
        scenario.run.limits,
        &rngs,
        recording,
    );
    Some((org, outcome))
}

/// Replication 0 of topology `name` of `exp` again, with its event log:
/// its warm-up is the one that replication was measured from.
pub fn first_with_events(
    exp: &Experiment,
    name: &str,
) -> Option<(Organization, Vec<TaskExecution>)> {
    let warmup = exp.topology(name)?.metric("warmup")?.first().copied()?;
    let (org, outcome) = with_events(&exp.scenario, name, 0, warmup)?;
    Some((org, outcome.executions))
}
