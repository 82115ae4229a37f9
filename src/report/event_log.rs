//! The simulated event log as CSV (`orgsim run --events`; docs/model.md,
//! "The event log"), in the columns `orgsim fit` reads by default.

use crate::model::event_log::{ExecutionKind, TaskExecution};
use crate::model::{ModelSpec, Organization};

/// The header, in the process-mining names `orgsim fit` reads by default.
pub const COLUMNS: [&str; 10] = [
    "case:concept:name",
    "case:stream",
    "case:type",
    "case:created",
    "concept:name",
    "org:group",
    "org:role",
    "org:resource",
    "start_timestamp",
    "time:timestamp",
];

/// The person (numbered from 1 within the team's skill) of each execution,
/// or None when the organization has cross-trained people or swarms, whose
/// work does not stay in one pool of people: then the log has no person
/// column. Each task goes to the person of its team and skill who has been
/// free the longest (the model does not tell its people apart, so any
/// free one would do; this one spreads the work as a team would).
pub fn persons(org: &Organization, executions: &[TaskExecution]) -> Option<Vec<u32>> {
    if org.coordination.swarm.is_some() || org.teams.iter().any(|t| !t.cross.is_empty()) {
        return None;
    }
    let mut order: Vec<usize> = (0..executions.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&executions[a], &executions[b]);
        x.start
            .total_cmp(&y.start)
            .then(x.end.total_cmp(&y.end))
            .then(a.cmp(&b))
    });
    let skills = org.teams.first().map_or(0, |t| t.people.len());
    // free_at[team * skills + skill][person]: when each person is free again.
    let mut free_at: Vec<Vec<f64>> = org
        .teams
        .iter()
        .flat_map(|t| t.people.iter().map(|&n| vec![0.0; n as usize]))
        .collect();
    let mut person = vec![0; executions.len()];
    for i in order {
        let e = &executions[i];
        let slots = &mut free_at[e.team * skills + e.skill];
        let free = (0..slots.len())
            .filter(|&p| slots[p] <= e.start)
            .min_by(|&a, &b| slots[a].total_cmp(&slots[b]).then(a.cmp(&b)));
        // Never more tasks at once than people in a pool of one skill; a
        // slot is added rather than a person double-booked, should it be.
        let p = free.unwrap_or_else(|| {
            slots.push(0.0);
            slots.len() - 1
        });
        slots[p] = e.end;
        person[i] = p as u32 + 1;
    }
    Some(person)
}

/// The event log of `executions` (of `org` under `model`) as CSV, times in
/// working days since the start of the run.
pub fn csv(model: &ModelSpec, org: &Organization, executions: &[TaskExecution]) -> String {
    let persons = persons(org, executions);
    let columns: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| persons.is_some() || *c != "org:resource")
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&columns).expect("writing to memory");
    for (i, e) in executions.iter().enumerate() {
        let stream = &model.workload.streams[e.stream].name;
        let (item, item_type, task) = match (e.item_type, e.kind) {
            (Some(t), ExecutionKind::Task(n)) => {
                let it = &model.workload.item_types[t];
                (
                    format!("{stream}-{}", e.index),
                    it.name.as_str(),
                    it.tasks[n].name.as_str(),
                )
            }
            (Some(t), _) => (
                format!("{stream}-{}", e.index),
                model.workload.item_types[t].name.as_str(),
                "rework",
            ),
            (None, _) => (format!("{stream}-fix-{}", e.index), "fix", "fix"),
        };
        let team = &org.teams[e.team].name;
        let skill = &model.people[e.skill].skill;
        let mut row: Vec<String> = vec![
            item,
            stream.clone(),
            item_type.to_string(),
            time(e.arrival),
            task.to_string(),
            team.clone(),
            skill.clone(),
        ];
        if let Some(p) = &persons {
            row.push(format!("{team}/{skill}/{}", p[i]));
        }
        row.push(time(e.start));
        row.push(time(e.end));
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 names")
}

/// A time in working days, to a millionth of a day (under a tenth of a
/// second): rounding keeps the order of any two times, so no task starts
/// before its predecessor ends and no person overlaps in the file.
fn time(t: f64) -> String {
    format!("{t:.6}")
}
