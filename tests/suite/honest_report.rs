//! What the charts and the report claim, checked against the files they
//! are drawn from (issue 16): the cumulative flow counts demand as demand,
//! a change of order is marked only where it is significant, a sweep over
//! non-numeric values is charted on a categorical axis, and the report
//! says what the table says and what the model assumed.

use std::fs;

use orgsim::experiment::RunOptions;
use orgsim::report::charts::{RunChart, RunData};
use orgsim::scenario::{Override, bundled};

use super::charts::run_folder;

fn prime_video(overrides: &[&str]) -> orgsim::scenario::Scenario {
    let b = bundled::find("prime-video").unwrap();
    let o: Vec<Override> = overrides
        .iter()
        .map(|s| Override::parse(s).unwrap())
        .collect();
    orgsim::scenario::load_str(b.file_name, b.text, &o).unwrap()
}

/// Point 10: every topology faces the same demand (common random numbers),
/// so its cumulative arrivals are the same whatever the topology; the fix
/// items of escaped defects, which differ, are counted apart; and the items
/// open at the end are those `open_at_end` counts.
#[test]
fn cumulative_flow_counts_demand_as_demand() {
    let sc = prime_video(&["simulation.replications=1"]);
    let exp = orgsim::experiment::run(&sc, &RunOptions::default()).unwrap();
    let mut arrivals = Vec::new();
    let mut fixes = Vec::new();
    for t in &exp.topologies {
        let last = t.flow.last().unwrap();
        assert_eq!(
            last.arrived - last.done,
            t.metric("open_at_end").unwrap()[0] as u64,
            "{}: open items of the flow diagram vs open_at_end",
            t.name
        );
        for f in &t.flow {
            assert_eq!(f.arrived, f.done + f.intake + f.backlog + f.in_progress);
            assert!(f.fix_done <= f.fix_arrived);
        }
        arrivals.push(last.arrived);
        fixes.push(last.fix_arrived);
    }
    assert!(
        arrivals.windows(2).all(|w| w[0] == w[1]),
        "demand differs between topologies: {arrivals:?}"
    );
    // The scenario has escaped defects, and they differ by topology.
    assert!(fixes.iter().all(|&f| f > 0), "{fixes:?}");
    assert!(fixes.windows(2).any(|w| w[0] != w[1]), "{fixes:?}");
}

/// Point 10: the caption's "open" is replication 0's `open_at_end` from
/// replications.csv, and the fix items are named apart.
#[test]
fn cfd_caption_open_agrees_with_open_at_end() {
    let dir = run_folder();
    let data = RunData::load(dir).unwrap();
    let reps = fs::read_to_string(dir.join("replications.csv")).unwrap();
    let mut lines = reps.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (ct, cr, co) = (col("topology"), col("replication"), col("open_at_end"));
    let mut checked = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[cr] != "0" {
            continue;
        }
        let caption = RunChart::Cfd(cells[ct].to_string()).caption(&data);
        assert!(
            caption.contains(&format!("leaving {} open at the end", cells[co])),
            "{}: open_at_end {} but: {caption}",
            cells[ct],
            cells[co]
        );
        assert!(
            caption.contains("fix items of escaped defects"),
            "{caption}"
        );
        checked += 1;
    }
    assert_eq!(checked, data.topologies.len());
}
