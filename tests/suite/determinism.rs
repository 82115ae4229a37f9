//! docs/model.md, *Randomness*: the same seed gives the same bytes whatever the thread
//! count, and every topology of a replication sees the very same items.

use std::collections::BTreeMap;

use orgsim::experiment::{self, RunOptions};
use orgsim::report::csv_files;
use orgsim::scenario::{Override, bundled};

fn prime_video(reps: &str) -> orgsim::scenario::Scenario {
    let b = bundled::find("prime-video").unwrap();
    let o = [Override::parse(&format!("simulation.replications={reps}")).unwrap()];
    orgsim::scenario::load_str(b.file_name, b.text, &o).unwrap()
}

fn files(threads: usize) -> Vec<Vec<u8>> {
    let exp = experiment::run(
        &prime_video("6"),
        &RunOptions {
            threads: Some(threads),
            keep_items: true,
            ..Default::default()
        },
    )
    .unwrap();
    vec![
        csv_files::summary_csv(&exp).unwrap(),
        csv_files::comparison_csv(&exp).unwrap(),
        csv_files::replications_csv(&exp).unwrap(),
        csv_files::items_csv(&exp).unwrap(),
    ]
}

#[test]
fn same_seed_same_bytes_for_one_and_two_threads() {
    let one = files(1);
    let two = files(2);
    for (a, b) in one.iter().zip(&two) {
        assert!(a.len() > 100);
        assert!(a == b, "output differs between --threads 1 and --threads 2");
    }
    assert_eq!(files(2), two, "two runs with the same seed differ");
}

#[test]
fn different_seeds_give_different_numbers() {
    let sc = prime_video("2");
    let a = experiment::run(&sc, &RunOptions::default()).unwrap();
    let b = experiment::run(
        &sc,
        &RunOptions {
            seed: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_ne!(a.topologies[0].values, b.topologies[0].values);
}

#[test]
fn every_topology_sees_the_same_items() {
    // Common random numbers: (replication, stream, item index) identifies the
    // same item in every topology, with the same arrival time and type.
    let exp = experiment::run(
        &prime_video("3"),
        &RunOptions {
            keep_items: true,
            ..Default::default()
        },
    )
    .unwrap();
    let key = |r: usize, it: &orgsim::model::ItemRecord| (r, it.stream, it.index);
    let mut seen: BTreeMap<(usize, usize, u64), (f64, usize)> = BTreeMap::new();
    for (r, items) in exp.topologies[0].items.iter().enumerate() {
        for it in items {
            seen.insert(key(r, it), (it.arrival, it.item_type));
        }
    }
    let mut matched = 0;
    for (r, items) in exp.topologies[1].items.iter().enumerate() {
        for it in items {
            if let Some(&(arrival, ty)) = seen.get(&key(r, it)) {
                assert_eq!(arrival, it.arrival, "arrival of {:?}", key(r, it));
                assert_eq!(ty, it.item_type, "type of {:?}", key(r, it));
                matched += 1;
            }
        }
    }
    assert!(matched > 500, "only {matched} items in common");
}

#[test]
fn workload_draws_do_not_depend_on_the_topology() {
    // Efforts and coupling draws come from per-item streams: drawing the
    // workload twice gives identical items, whatever consumed it.
    use orgsim::engine::RngFactory;
    use orgsim::model::draw::WorkloadSource;
    let sc = prime_video("1");
    let rngs = RngFactory::new(5).replication(2);
    let mut a = WorkloadSource::new(&sc.model, &rngs);
    let mut b = WorkloadSource::new(&sc.model, &rngs);
    // Interleave differently: all of stream 0 first in `a`, alternating in `b`.
    let mut a_items: Vec<_> = (0..50).map(|_| a.next_item(0)).collect();
    a_items.extend((0..50).map(|_| a.next_item(1)));
    let mut b_items = Vec::new();
    let mut b1 = Vec::new();
    for _ in 0..50 {
        b1.push(b.next_item(1));
        b_items.push(b.next_item(0));
    }
    b_items.extend(b1);
    assert_eq!(a_items, b_items);
    let coupled = a_items
        .iter()
        .flat_map(|(_, d)| &d.tasks)
        .filter(|t| t.coupled_to.is_some())
        .count();
    assert!(coupled > 0, "coupling 0.1 must couple some of ~500 tasks");
}
