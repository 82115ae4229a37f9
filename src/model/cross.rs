//! Where the generated topologies put the cross-trained people
//! (docs/model.md, "Cross-trained people"): with their primary skill, in
//! the teams whose demand for their second skill is least covered.

use super::spec::{Arrivals, CrossTraining, ModelSpec, TopologyKind, TopologySpec};
use super::split::{closed_stream_throughput, team_demand};
use super::topology::Team;

/// Marks, in the generated `teams` of `spec` (people already split), which
/// people are cross-trained. A matrix keeps them in their primary skill's
/// department. A single-threaded topology places them one at a time, each
/// in the team with the most uncovered expected demand for their second
/// skill (demand − people of it − the efficiency of those already placed
/// there), among the teams with a person of their primary skill not yet
/// cross-trained (first declared on a tie).
pub(super) fn place(model: &ModelSpec, spec: &TopologySpec, teams: &mut [Team]) {
    if model.cross_training.is_empty() {
        return;
    }
    let demand = match spec.kind {
        TopologyKind::Matrix | TopologyKind::Custom(_) => None,
        TopologyKind::SingleThreaded => Some(demand(model, spec, teams, false)),
        TopologyKind::SingleThreadedWithPlatform => Some(demand(model, spec, teams, true)),
    };
    // Per team and skill: people not yet marked cross-trained, and the
    // capacity already there (people + efficiency of the placed ones).
    let mut spare: Vec<Vec<u32>> = teams.iter().map(|t| t.people.clone()).collect();
    let mut covered: Vec<Vec<f64>> = (teams.iter())
        .map(|t| t.people.iter().map(|&n| f64::from(n)).collect())
        .collect();
    for entry in &model.cross_training {
        let (from, to) = (entry.from.index(), entry.to.index());
        for _ in 0..entry.count {
            let candidates = (0..teams.len()).filter(|&t| spare[t][from] > 0);
            let best = match &demand {
                None => candidates.max_by_key(|&t| (teams[t].people[from], usize::MAX - t)),
                Some(d) => candidates.max_by(|&a, &b| {
                    let gap = |t: usize| d[t][to] - covered[t][to];
                    gap(a).total_cmp(&gap(b)).then(b.cmp(&a))
                }),
            };
            // Validation keeps the count within the people of `from`.
            let Some(t) = best else { break };
            spare[t][from] -= 1;
            covered[t][to] += entry.efficiency;
            add(&mut teams[t], entry);
        }
    }
}

/// One more cross-trained person of `entry` in `team`.
fn add(team: &mut Team, entry: &CrossTraining) {
    match (team.cross.iter_mut()).find(|c| c.from == entry.from && c.to == entry.to) {
        Some(c) => c.count += 1,
        None => team.cross.push(CrossTraining { count: 1, ..*entry }),
    }
}

/// The expected demand on each generated single-threaded team, per skill,
/// a closed stream at its estimated throughput with its team's people.
fn demand(model: &ModelSpec, spec: &TopologySpec, teams: &[Team], platform: bool) -> Vec<Vec<f64>> {
    let rates: Vec<f64> = (model.workload.streams.iter().enumerate())
        .map(|(k, s)| match &s.arrivals {
            Arrivals::Open(d) => model.workload.load / d.mean(),
            Arrivals::Closed { .. } => {
                closed_stream_throughput(model, spec, k, &teams[k].people, platform)
            }
        })
        .collect();
    team_demand(model, &rates, platform)
}
