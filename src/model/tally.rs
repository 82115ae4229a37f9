//! Per-replication accounting of completed items, turned into the named
//! metrics of docs/model.md, "Metrics", at the end of a run.

use super::category::{Breakdown, Category};
use super::metric::Metric;
use crate::stats::{DurationHistogram, TimeAverage};

/// One completed item, as written to `items.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRecord {
    /// Index of its stream.
    pub stream: usize,
    /// Its index within the stream (the same item in every topology).
    pub index: u64,
    /// Index of its item type.
    pub item_type: usize,
    /// When it arrived.
    pub arrival: f64,
    /// When its last task was done.
    pub done: f64,
    /// Its lead time split along the critical path.
    pub breakdown: Breakdown,
    /// Distinct teams that worked on it.
    pub teams: u32,
    /// Cross-team handoffs it went through.
    pub handoffs: u32,
    /// Times it was escalated to the executive.
    pub escalations: u32,
    /// Defects its tasks left.
    pub defects: u32,
    /// Defects that escaped review (each comes back as a `fix` item).
    pub escaped_defects: u32,
}

impl ItemRecord {
    /// Days from arrival to done.
    pub fn lead_time(&self) -> f64 {
        self.done - self.arrival
    }
}

/// What one stream did during the measurement window.
#[derive(Debug, Clone)]
pub struct StreamTally {
    /// Items that arrived in the window.
    pub arrived: u64,
    /// Lead times of the items completed in the window.
    pub lead_times: DurationHistogram,
    /// Sum of their critical-path breakdowns.
    pub breakdown: Breakdown,
    /// Sum of their distinct-team counts.
    pub teams: u64,
    /// Sum of their cross-team handoffs.
    pub handoffs: u64,
    /// Sum of their escalations.
    pub escalations: u64,
    /// Sum of their defects.
    pub defects: u64,
    /// Sum of their escaped defects.
    pub escaped: u64,
    /// `fix` items (for escaped defects) completed in the window.
    pub fixes: u64,
    /// Items of the stream in the system now.
    pub in_system: u64,
    /// Time-average items in the system over the window.
    pub wip: TimeAverage,
}

impl StreamTally {
    /// An empty tally of the window from `window_start` to `window_end`.
    pub fn new(window_start: f64, window_end: f64) -> Self {
        Self {
            arrived: 0,
            // No lead time in the window can be longer than its end.
            lead_times: DurationHistogram::new(window_end),
            breakdown: Breakdown::default(),
            teams: 0,
            handoffs: 0,
            escalations: 0,
            defects: 0,
            escaped: 0,
            fixes: 0,
            in_system: 0,
            wip: TimeAverage::new(window_start),
        }
    }

    /// Counts a completed item.
    pub fn complete(&mut self, r: &ItemRecord) {
        let counts = [
            r.teams,
            r.handoffs,
            r.escalations,
            r.defects,
            r.escaped_defects,
        ];
        self.complete_parts(r.lead_time(), &r.breakdown, counts);
    }

    /// Counts a completed item from its parts, without building its
    /// record: its lead time, its breakdown, and its teams, handoffs,
    /// escalations, defects and escaped defects (in that order).
    #[inline]
    pub fn complete_parts(&mut self, lead_time: f64, breakdown: &Breakdown, counts: [u32; 5]) {
        self.breakdown.add_all(breakdown);
        self.complete_counts(lead_time, counts);
    }

    /// [`complete_parts`](StreamTally::complete_parts) but for the
    /// breakdown, which the caller adds to [`StreamTally::breakdown`]
    /// itself (e.g. with [`ItemRun::add_critical_path`](super::item::ItemRun::add_critical_path)).
    #[inline]
    pub fn complete_counts(&mut self, lead_time: f64, counts: [u32; 5]) {
        let [teams, handoffs, escalations, defects, escaped] = counts;
        self.lead_times.record(lead_time);
        self.teams += u64::from(teams);
        self.handoffs += u64::from(handoffs);
        self.escalations += u64::from(escalations);
        self.defects += u64::from(defects);
        self.escaped += u64::from(escaped);
    }

    /// Reads the percentiles at [`PERCENTILES`] off the tally's lead times.
    pub fn percentiles(&self) -> [f64; 3] {
        let q = self.lead_times.quantiles(&PERCENTILES);
        [q[0], q[1], q[2]]
    }

    /// Adds another tally's counts (for the all-streams total).
    fn absorb(&mut self, other: &StreamTally) {
        self.arrived += other.arrived;
        self.lead_times.absorb(&other.lead_times);
        self.breakdown.add_all(&other.breakdown);
        self.teams += other.teams;
        self.handoffs += other.handoffs;
        self.escalations += other.escalations;
        self.defects += other.defects;
        self.escaped += other.escaped;
        self.fixes += other.fixes;
        self.in_system += other.in_system;
    }
}

/// The probabilities of the lead-time percentiles every tally reports.
pub const PERCENTILES: [f64; 3] = [0.50, 0.85, 0.95];

/// The item metrics of one stream (or all streams), in output order
/// ([`Metric::ITEM`]). `wip_mean` and the lead-time `percentiles` (at
/// [`PERCENTILES`]) are passed in because they are finished separately (a
/// histogram is read once).
pub fn item_metrics(
    t: &StreamTally,
    horizon: f64,
    wip_mean: f64,
    percentiles: [f64; 3],
) -> Vec<(Metric, f64)> {
    let completed = t.lead_times.count();
    let n = completed as f64;
    let per_item = |x: f64| if completed == 0 { f64::NAN } else { x / n };
    let lead_sum = t.lead_times.sum();
    let [p50, p85, p95] = percentiles;
    let ratio = |x: f64| {
        if lead_sum > 0.0 {
            x / lead_sum
        } else {
            f64::NAN
        }
    };
    let value = |m: Metric| match m {
        Metric::Throughput => n / horizon,
        Metric::Completed => n,
        Metric::Arrived => t.arrived as f64,
        Metric::LeadTimeMean => per_item(lead_sum),
        Metric::LeadTimeP50 => p50,
        Metric::LeadTimeP85 => p85,
        Metric::LeadTimeP95 => p95,
        Metric::Mean(c) => per_item(t.breakdown.get(c)),
        Metric::CoordinationDelayMean => per_item(t.breakdown.coordination()),
        Metric::CoordinationShare => ratio(t.breakdown.coordination()),
        Metric::FlowEfficiency => ratio(t.breakdown.get(Category::Work)),
        Metric::WipMean => wip_mean,
        Metric::EscalationsPerItem => per_item(t.escalations as f64),
        Metric::HandoffsPerItem => per_item(t.handoffs as f64),
        Metric::TeamsPerItem => per_item(t.teams as f64),
        Metric::DefectsPerItem => per_item(t.defects as f64),
        Metric::EscapedDefectsPerItem => per_item(t.escaped as f64),
        Metric::FixThroughput => t.fixes as f64 / horizon,
        Metric::OpenAtEnd => t.in_system as f64,
        // Not item metrics, so never in `Metric::ITEM` (the unit test
        // `item_metrics_are_the_catalogues` checks it). Listed, not `_`, so
        // that a new metric is a compile error here.
        Metric::Utilization
        | Metric::CapacityLost
        | Metric::Warmup
        | Metric::Saturated
        | Metric::MaxEventsReached
        | Metric::Unstable
        | Metric::ReviewerUtilization
        | Metric::LeaderUtilizationMax
        | Metric::ExecutiveUtilization
        | Metric::CrossSkillShare
        | Metric::DelayCost
        | Metric::PeopleCost
        | Metric::TotalCost
        | Metric::TeamUtilization
        | Metric::TeamLeaderUtilization => f64::NAN,
    };
    Metric::ITEM.iter().map(|&m| (m, value(m))).collect()
}

/// The all-streams total of `streams`.
pub fn total(streams: &[StreamTally], window_start: f64, window_end: f64) -> StreamTally {
    let mut all = StreamTally::new(window_start, window_end);
    for s in streams {
        all.absorb(s);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metric::Family;

    #[test]
    fn item_metrics_are_the_catalogues() {
        let t = StreamTally::new(0.0, 10.0);
        let m = item_metrics(&t, 10.0, 1.5, [1.0, 2.0, 3.0]);
        let names: Vec<Metric> = m.iter().map(|(m, _)| *m).collect();
        assert_eq!(names, Metric::ITEM.to_vec());
        assert!(names.iter().all(|m| m.family() == Family::Item));
        // An empty tally: per-item values are undefined, counts are zero.
        let get = |x: Metric| m.iter().find(|(n, _)| *n == x).unwrap().1;
        assert_eq!(get(Metric::Throughput), 0.0);
        assert!(get(Metric::LeadTimeMean).is_nan());
        assert_eq!(get(Metric::WipMean), 1.5);
        assert_eq!(get(Metric::LeadTimeP85), 2.0);
    }
}
