//! Every bundled scenario loads, runs and produces sane numbers.

use orgsim::experiment::{self, RunOptions};
use orgsim::scenario::{Override, bundled};
use orgsim::stats::Summary;

#[test]
fn every_bundled_scenario_runs() {
    assert!(bundled::find(bundled::DEFAULT).is_some());
    for b in bundled::ALL {
        assert!(!b.summary().is_empty(), "{} has no description", b.name);
        assert!(b.text.starts_with('#'), "{} has no comment header", b.name);
        let o: Vec<Override> = ["simulation.replications=2", "simulation.horizon=300"]
            .iter()
            .map(|s| Override::parse(s).unwrap())
            .collect();
        let sc = orgsim::scenario::load_str(b.file_name, b.text, &o)
            .unwrap_or_else(|e| panic!("{} does not load:\n{e}", b.name));
        assert_eq!(sc.name, b.name, "bundled name and scenario name differ");
        let exp = experiment::run(&sc, &RunOptions::default()).unwrap();
        for t in &exp.topologies {
            let thr = Summary::of(t.metric("throughput").unwrap()).mean;
            let lead = Summary::of(t.metric("lead_time_mean").unwrap()).mean;
            assert!(
                thr > 0.0 && lead.is_finite() && lead > 0.0,
                "{} / {}",
                b.name,
                t.name
            );
        }
    }
}

#[test]
fn bundled_files_on_disk_are_the_embedded_ones() {
    for b in bundled::ALL {
        let on_disk = std::fs::read_to_string(format!("scenarios/{}.toml", b.name)).unwrap();
        assert_eq!(on_disk, b.text);
    }
}
