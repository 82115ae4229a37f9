//! What `check` says of WIP limits and classes of service (docs/model.md,
//! "WIP limits", "Classes of service"): the limits of each topology's teams
//! with the load they are offered under them, the streams' limits and the
//! expedite work.

use std::fmt::Write as _;

use crate::model::capacity::LoadReport;
use crate::model::spec::{ModelSpec, ServiceClass};

/// The scenario-wide lines: stream limits and expedite work (empty when
/// the scenario has neither).
pub fn scenario_lines(model: &ModelSpec) -> String {
    let mut out = String::new();
    let streams = &model.workload.streams;
    let limited: Vec<String> = (streams.iter())
        .filter_map(|s| s.wip_limit.map(|n| format!("{} {n}", s.name)))
        .collect();
    if !limited.is_empty() {
        let _ = writeln!(
            out,
            "Stream WIP limits (items started and not done): {}. Later items wait in their stream's backlog (`blocked`); the load offered to the teams below is the same.",
            limited.join(", ")
        );
    }
    let expedite: Vec<String> = (streams.iter())
        .filter(|s| s.class == ServiceClass::Expedite)
        .map(|s| format!("stream {}", s.name))
        .chain(
            (model.workload.item_types.iter())
                .filter(|t| t.class == ServiceClass::Expedite)
                .map(|t| format!("item type {}", t.name)),
        )
        .collect();
    if !expedite.is_empty() {
        let _ = writeln!(
            out,
            "Expedite: {} (first in every backlog and intake queue, never held back by a WIP limit).",
            expedite.join(", ")
        );
    }
    out
}

/// The lines of one topology's team limits: each limited team's limit, its
/// people and the person-days a day it is offered, against the limit. Each
/// accepted task holds one of the team's places at least while it is worked
/// on, so offered / limit is a lower bound of the share of places in use;
/// at 1 or more the team cannot keep up under its limit.
pub fn team_lines(report: &LoadReport, flag: impl Fn(f64) -> &'static str) -> String {
    let mut out = String::new();
    let org = &report.organization;
    for (t, team) in org.teams.iter().enumerate() {
        let Some(limit) = team.wip_limit else {
            continue;
        };
        let offered: f64 = (report.pools.iter())
            .filter(|p| p.team == t)
            .map(|p| p.offered)
            .sum();
        let closed = if report
            .pools
            .iter()
            .any(|p| p.team == t && p.closed_streams_too)
        {
            " + closed"
        } else {
            ""
        };
        let load = offered / f64::from(limit);
        let _ = writeln!(
            out,
            "  WIP limit of {}: {limit} tasks ({} people), offered {offered:.2}{closed} pd/day, places in use >= {load:.2}{}",
            team.name,
            team.size(),
            flag(load)
        );
    }
    out
}
