//! Generated scenarios of big organizations (docs/performance.md, "Big
//! organizations"), shared by `benches/big.rs`, the tests that pin the
//! linear cost of big organizations and `examples/big_scenario.rs`, which
//! writes them out for `orgsim run` under callgrind.
//!
//! - [`streams`]: `n` streams, each with its own team of 10 in the
//!   single-threaded topology (2 product, 6 eng, 2 qa) and one department
//!   per skill in the matrix, every person at utilization 0.75;
//! - [`swarming`]: one stream served by `n` engineers at utilization 0.75,
//!   in a matrix swarmed to temporary projects.

#![allow(dead_code)]

/// Arrivals per day of each stream of [`streams`]: with efforts of 1, 3
/// and 1 days on 2, 6 and 2 people, every skill is at 1.5 / 2 = 0.75.
pub const STREAM_RATE: f64 = 1.5;

/// Expected arrivals of a scenario with `rate` items per day over
/// `warmup + horizon` days.
pub fn expected_items(rate: f64, warmup: f64, horizon: f64) -> f64 {
    rate * (warmup + horizon)
}

/// A horizon that simulates about `items` items at `rate` items per day
/// after `warmup` days (at least 10 days).
pub fn horizon_for(items: f64, rate: f64, warmup: f64) -> f64 {
    (items / rate - warmup).max(10.0).round()
}

/// `n` streams of spec → build → test items (exponential efforts of 1, 3
/// and 1 days in product, eng and qa), arrivals every 1/1.5 days each
/// (Poisson), 2 product, 6 eng and 2 qa people per stream, a matrix and
/// single-threaded teams, over `horizon` days after `warmup`, one
/// replication.
pub fn streams(n: usize, warmup: f64, horizon: f64) -> String {
    let mut s = format!(
        "name = \"big-{n}-streams\"\n\
         description = \"{n} streams, teams of 10 at utilization 0.75 (generated).\"\n\n\
         [simulation]\nwarmup = {warmup}\nhorizon = {horizon}\nreplications = 1\nseed = 1\n\n"
    );
    // One line per stream, as short as TOML allows, so that 10,000 streams
    // stay under the 1 MiB a scenario file may have.
    let mean = 1.0 / STREAM_RATE;
    s.push_str("[workload]\nstreams = [\n");
    for k in 0..n {
        s.push_str(&format!(
            "{{name=\"s{k}\",interarrival={{dist=\"exponential\",mean={mean}}},item=\"feature\"}},\n"
        ));
    }
    s.push_str("]\n\n");
    s.push_str(
        "[workload.items.feature]\ntasks = [\n\
         \x20 { name = \"spec\", skill = \"product\", effort = { dist = \"exponential\", mean = 1 } },\n\
         \x20 { name = \"build\", skill = \"eng\", effort = { dist = \"exponential\", mean = 3 }, after = [\"spec\"] },\n\
         \x20 { name = \"test\", skill = \"qa\", effort = { dist = \"exponential\", mean = 1 }, after = [\"build\"] },\n]\n\n",
    );
    s.push_str(&format!(
        "[organization]\npeople = {{ product = {}, eng = {}, qa = {} }}\n\n\
         [[topologies]]\nname = \"matrix\"\nkind = \"matrix\"\n\n\
         [[topologies]]\nname = \"single-threaded\"\nkind = \"single-threaded\"\n",
        2 * n,
        6 * n,
        2 * n
    ));
    s
}

/// Arrivals per day of [`swarming`] with `people` engineers.
pub fn swarming_rate(people: usize) -> f64 {
    0.75 * people as f64
}

/// One stream of one-task items (exponential effort, mean 1 day) served by
/// `people` engineers at utilization 0.75, in a matrix that loses a tenth
/// of its people to a temporary project every 20 days on average, for 5 to
/// 20 days, over `horizon` days after `warmup`, one replication.
pub fn swarming(people: usize, warmup: f64, horizon: f64) -> String {
    let mean = 1.0 / swarming_rate(people);
    format!(
        "name = \"big-swarming-{people}\"\n\
         description = \"{people} people of one skill, swarmed (generated).\"\n\n\
         [simulation]\nwarmup = {warmup}\nhorizon = {horizon}\nreplications = 1\nseed = 1\n\n\
         [[workload.streams]]\nname = \"requests\"\n\
         interarrival = {{ dist = \"exponential\", mean = {mean} }}\nitem = \"job\"\n\n\
         [workload.items.job]\n\
         tasks = [ {{ name = \"work\", skill = \"eng\", effort = {{ dist = \"exponential\", mean = 1 }} }} ]\n\n\
         [organization]\npeople = {{ eng = {people} }}\n\n\
         [coordination]\ncontext_switch = 0.5\n\n\
         [[topologies]]\nname = \"matrix-swarming\"\nkind = \"matrix\"\n\
         swarm = {{ interval = {{ dist = \"exponential\", mean = 20 }}, \
         duration = {{ dist = \"triangular\", min = 5, mode = 10, max = 20 }}, fraction = 0.1 }}\n"
    )
}
