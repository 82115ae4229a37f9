//! The purpose numbers that name each random stream of a replication
//! (see `engine::rng`). Topology-specific mechanisms use small fixed numbers,
//! so every topology draws its handoffs, decisions, ... from a stream of the
//! same name (extra variance reduction), and a topology's numbers do not
//! depend on which other topologies run beside it. The workload's streams
//! come after, two per demand stream.

/// Handoff delays.
pub const HANDOFF: u64 = 0;
/// Leaders' decision times.
pub const DECISION: u64 = 1;
/// Whether a request is escalated.
pub const ESCALATION: u64 = 2;
/// The executive's decision times.
pub const EXECUTIVE: u64 = 3;
/// Swarms: when, which team, which people, for how long, context switches.
pub const SWARM: u64 = 4;
/// Review times of the bar raisers.
pub const REVIEW: u64 = 5;
/// The context switches of the tasks a transition's switch stops
/// (docs/model.md, "The reorganization as a transition").
pub const TRANSITION: u64 = 6;
/// First purpose number of the workload streams.
const WORKLOAD_BASE: u64 = 16;

/// Interarrival times of demand stream `k`.
pub fn arrivals(k: usize) -> u64 {
    WORKLOAD_BASE + 2 * k as u64
}

/// Attributes (type, efforts, coupling draws) of the items of demand stream `k`.
pub fn item_attributes(k: usize) -> u64 {
    WORKLOAD_BASE + 2 * k as u64 + 1
}
