//! Sanity laws every run must obey (docs/model.md, *Metrics*): Little's law,
//! conservation of items, critical-path categories summing to the lead time.

use orgsim::experiment::RunOptions;
use orgsim::model::Category;
use orgsim::scenario::{Override, bundled};
use orgsim::stats::Summary;

use crate::support::values;

fn prime_video(overrides: &[&str]) -> orgsim::scenario::Scenario {
    let b = bundled::find("prime-video").unwrap();
    let o: Vec<Override> = overrides
        .iter()
        .map(|s| Override::parse(s).unwrap())
        .collect();
    orgsim::scenario::load_str(b.file_name, b.text, &o).unwrap()
}

fn run_scenario(sc: &orgsim::scenario::Scenario, items: bool) -> orgsim::experiment::Experiment {
    orgsim::experiment::run(
        sc,
        &RunOptions {
            keep_items: items,
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn littles_law_holds_per_topology_and_stream() {
    // A long window makes the edge effects (items straddling its ends) small.
    let sc = prime_video(&["simulation.horizon=20000", "simulation.replications=10"]);
    let exp = run_scenario(&sc, false);
    for t in &exp.topologies {
        for prefix in ["", "tv-apps:", "game-consoles:", "mobile:"] {
            let m = |name: &str| Summary::of(t.metric(&format!("{prefix}{name}")).unwrap()).mean;
            let wip = m("wip_mean");
            let little = m("throughput") * m("lead_time_mean");
            let rel = (wip - little).abs() / wip;
            println!(
                "{} {prefix}: L = {wip:.4}, λW = {little:.4}, relative gap {rel:.5}",
                t.name
            );
            assert!(rel < 0.01, "{} {prefix}: L = {wip}, λW = {little}", t.name);
        }
    }
}

#[test]
fn items_are_conserved() {
    // Without warm-up every item that arrived is either completed or open.
    let sc = prime_video(&["simulation.warmup=0", "simulation.replications=5"]);
    let exp = run_scenario(&sc, false);
    for t in &exp.topologies {
        for prefix in ["", "tv-apps:", "game-consoles:", "mobile:"] {
            let get = |name: &str| t.metric(&format!("{prefix}{name}")).unwrap().to_vec();
            let (arrived, completed, open) = (get("arrived"), get("completed"), get("open_at_end"));
            for r in 0..arrived.len() {
                assert_eq!(
                    arrived[r],
                    completed[r] + open[r],
                    "{} {prefix} rep {r}",
                    t.name
                );
            }
        }
    }
}

#[test]
fn closed_streams_keep_their_wip_and_conserve_items() {
    let toml = r#"
name = "mixed"
[simulation]
warmup = 0
horizon = 2000
replications = 4
[[workload.streams]]
name = "open"
interarrival = { dist = "exponential", mean = 2 }
item = "job"
[[workload.streams]]
name = "closed"
backlog = { wip = 3 }
item = "job"
[workload.items.job]
tasks = [
  { name = "a", skill = "x", effort = { dist = "exponential", mean = 1 } },
  { name = "b", skill = "y", effort = { dist = "gamma", mean = 1, cv = 0.5 }, after = ["a"] },
]
[organization]
people = { x = 3, y = 3 }
[coordination]
handoff = 0.5
intake_cadence = 5
[[topologies]]
name = "matrix"
kind = "matrix"
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#;
    let exp = crate::support::run(toml);
    for t in &exp.topologies {
        let wip = t.metric("closed:wip_mean").unwrap();
        let open = t.metric("closed:open_at_end").unwrap();
        for r in 0..4 {
            assert!(
                (wip[r] - 3.0).abs() < 1e-9,
                "{}: closed wip {}",
                t.name,
                wip[r]
            );
            assert_eq!(open[r], 3.0);
        }
        for prefix in ["", "open:", "closed:"] {
            let get = |name: &str| t.metric(&format!("{prefix}{name}")).unwrap().to_vec();
            let (arrived, completed, open) = (get("arrived"), get("completed"), get("open_at_end"));
            for r in 0..4 {
                assert_eq!(
                    arrived[r],
                    completed[r] + open[r],
                    "{} {prefix} rep {r}",
                    t.name
                );
            }
        }
    }
}

#[test]
fn categories_sum_to_the_lead_time_for_every_item() {
    let sc = prime_video(&["simulation.replications=4"]);
    let exp = run_scenario(&sc, true);
    let mut checked = 0;
    for t in &exp.topologies {
        for items in &t.items {
            for it in items {
                let total = it.breakdown.total();
                assert!(
                    (total - it.lead_time()).abs() <= 1e-9 * it.lead_time().max(1.0),
                    "{}: categories {total} vs lead time {}",
                    t.name,
                    it.lead_time()
                );
                for c in Category::ALL {
                    assert!(it.breakdown.get(c) >= -1e-9, "{c:?} negative");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} items checked");
    // The means per category add up to the mean lead time too.
    for t in &exp.topologies {
        for r in 0..4 {
            let sum: f64 = Category::ALL
                .iter()
                .map(|&c| t.metric(orgsim::model::Metric::Mean(c).name()).unwrap()[r])
                .sum();
            let lead = t.metric("lead_time_mean").unwrap()[r];
            assert!(
                (sum - lead).abs() < 1e-9 * lead,
                "{}: {sum} vs {lead}",
                t.name
            );
        }
    }
}

#[test]
fn coordination_metrics_are_consistent() {
    let sc = prime_video(&["simulation.replications=3"]);
    let exp = run_scenario(&sc, false);
    for t in &exp.topologies {
        for r in 0..3 {
            let v = |m: &str| t.metric(m).unwrap()[r];
            let coord =
                v("handoff_mean") + v("cadence_mean") + v("decision_mean") + v("escalation_mean");
            assert!((coord - v("coordination_delay_mean")).abs() < 1e-9);
            assert!((v("coordination_share") - coord / v("lead_time_mean")).abs() < 1e-9);
            assert!((v("flow_efficiency") - v("work_mean") / v("lead_time_mean")).abs() < 1e-9);
            assert!(
                v("lead_time_p50") <= v("lead_time_p85")
                    && v("lead_time_p85") <= v("lead_time_p95")
            );
            assert!(v("utilization") > 0.0 && v("utilization") < 1.0);
            // The bundled matrix swarms; its single-threaded teams have bar raisers.
            let (swarmed, reviewed) = (t.name == "matrix", t.name == "single-threaded");
            assert_eq!(v("interrupted_mean") > 0.0, swarmed, "{}", t.name);
            assert_eq!(v("capacity_lost") > 0.0, swarmed, "{}", t.name);
            assert_eq!(v("review_mean") > 0.0, reviewed, "{}", t.name);
            assert!(v("escaped_defects_per_item") > 0.0);
        }
    }
    // The matrix hands every task across a team boundary; dedicated teams
    // only coupled ones.
    let matrix = Summary::of(values(&exp, "matrix", "handoffs_per_item")).mean;
    let single = Summary::of(values(&exp, "single-threaded", "handoffs_per_item")).mean;
    assert!(
        matrix > 3.0 * single,
        "matrix {matrix} vs single-threaded {single}"
    );
}

#[test]
fn run_with_fewer_topologies_gives_the_same_numbers() {
    let sc = prime_video(&["simulation.replications=3"]);
    let all = run_scenario(&sc, false);
    let only = orgsim::experiment::run(
        &sc,
        &RunOptions {
            topologies: vec!["single-threaded".into()],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(only.topologies.len(), 1);
    assert_eq!(
        only.topologies[0].values,
        all.topology("single-threaded").unwrap().values
    );
}

#[test]
fn flow_samples_conserve_items_and_distribution_is_monotone() {
    let sc = prime_video(&["simulation.replications=2"]);
    let exp = run_scenario(&sc, false);
    for t in &exp.topologies {
        assert_eq!(t.flow.len(), 501, "{}", t.name);
        let mut last = (0, 0);
        for f in &t.flow {
            assert_eq!(
                f.arrived,
                f.done + f.intake + f.backlog + f.in_progress,
                "{} at {}",
                t.name,
                f.time
            );
            assert!(
                f.arrived >= last.0 && f.done >= last.1 && f.fix_arrived >= f.fix_done,
                "cumulative counts never fall"
            );
            last = (f.arrived, f.done);
        }
        // The samples span the whole run, warm-up included.
        let end = sc.run.nominal_window().end();
        assert_eq!(t.flow.last().unwrap().time, end);
        let d = &t.lead_time_distribution;
        assert_eq!(d.len(), 201);
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
        // The pooled median lies between the replications' medians.
        let p50s = t.metric("lead_time_p50").unwrap();
        let lo = p50s.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = p50s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(
            d[100].1 >= lo && d[100].1 <= hi,
            "{}: pooled median {}",
            t.name,
            d[100].1
        );
    }
}
