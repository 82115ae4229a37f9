//! The hot path does not allocate: once a replication's arenas, calendar
//! and backlogs have grown to the largest work in progress, simulating more
//! items costs no heap allocation. Measured by counting allocations (a
//! counting global allocator, hence a test binary of its own) while the same
//! scenario runs for a horizon `H` and `4H`: the extra allocations must not
//! grow with the extra items.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use orgsim::engine::RngFactory;
use orgsim::model::{Recording, simulate, topology};
use orgsim::scenario::{self, Override, bundled};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (allocations, items completed) of one replication of every topology of
/// bundled scenario `name` (with `--set` overrides `sets`) over `horizon`
/// days, warm-up 0.
fn run(name: &str, sets: &[&str], horizon: f64) -> Vec<(String, u64, f64)> {
    let b = bundled::find(name).expect("bundled scenario");
    let mut overrides = vec![
        Override::parse("simulation.warmup=0").unwrap(),
        Override::parse(&format!("simulation.horizon={horizon}")).unwrap(),
    ];
    overrides.extend(sets.iter().map(|s| Override::parse(s).unwrap()));
    let sc = scenario::load_str(b.file_name, b.text, &overrides).expect("valid");
    let rngs = RngFactory::new(1).replication(0);
    sc.model
        .topologies
        .iter()
        .map(|spec| {
            let org = topology::build(&sc.model, spec);
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            let outcome = simulate(
                &sc.model,
                &org,
                sc.run.nominal_window(),
                sc.run.limits,
                &rngs,
                Recording::default(),
            );
            let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
            let completed = outcome
                .metrics
                .iter()
                .find(|(n, _)| n == "completed")
                .map(|(_, v)| *v)
                .unwrap();
            (spec.name.clone(), allocations, completed)
        })
        .collect()
}

#[test]
fn simulating_more_items_allocates_nothing_more() {
    // Every mechanism between them: swarming (preemption), bar raisers
    // (review, rework, escaped defects coming back), part-time leaders and
    // decisions, a platform team, coupling, an M/M/c. Stable systems only:
    // in an overloaded one the work in progress itself grows with time (up
    // to `simulation.max_wip`), and so do the arenas that hold it; that is
    // why coupled-architecture runs at a coupling its teams can absorb.
    for (name, sets) in [
        ("prime-video", &[][..]),
        ("swarming", &[]),
        ("no-bar-raiser", &[]),
        ("part-time-leader", &[]),
        ("platform", &[]),
        ("coupled-architecture", &["architecture.coupling=0.15"]),
        ("mmc", &[]),
    ] {
        let short = run(name, sets, 2_000.0);
        let long = run(name, sets, 8_000.0);
        for ((topology, a_short, n_short), (_, a_long, n_long)) in short.iter().zip(&long) {
            let extra_items = n_long - n_short;
            let extra_allocations = a_long.saturating_sub(*a_short);
            println!(
                "{name} / {topology}: {a_short} allocations for {n_short} items, \
                 {a_long} for {n_long} ({extra_allocations} more for {extra_items} more items)"
            );
            assert!(
                extra_items > 1_000.0,
                "{name} / {topology}: the long run must complete many more items"
            );
            // A few may come from arenas growing to a larger peak of work in
            // progress in the longer run, never one per item or per event.
            assert!(
                (extra_allocations as f64) < extra_items / 100.0,
                "{name} / {topology}: {extra_allocations} more allocations for {extra_items} more items"
            );
        }
    }
}
