//! The catalogue of the metrics orgsim reports (docs/model.md, "Metrics"):
//! each one's name in the output files, its unit, how it reads, which way
//! is better, and in which scopes it exists. The writers name columns from
//! it and the report reads units and labels from it, so a metric is
//! defined here once. Pure data: no simulation, no files.
//!
//! A metric exists in one or more scopes:
//! - item metrics ([`Family::Item`]) for all items (`lead_time_mean`) and
//!   for each stream's items (`tv-apps:lead_time_mean`);
//! - organization metrics ([`Family::Organization`]) once per replication
//!   (`utilization`, `warmup`);
//! - team metrics ([`Family::Team`]) for each team (`team:web:utilization`).

use std::fmt;

use super::category::Category;

mod id;
mod info;

pub use id::{MetricId, Scope, info};

/// What a metric measures, which decides how its numbers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Days (lead times, critical-path categories, the warm-up).
    Days,
    /// Items per day.
    PerDay,
    /// A share in [0, 1], shown as a percentage; differences in points.
    Share,
    /// A plain count or ratio.
    Plain,
}

/// Which way is better for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Lower values are better (lead time, coordination share).
    Lower,
    /// Higher values are better (throughput, flow efficiency).
    Higher,
    /// Neither (utilization, counts).
    Neither,
}

impl Metric {
    /// Whether it is one of the cost metrics of `[economics]`, reported
    /// only for a scenario that has the rates it is read with.
    pub const fn is_cost(self) -> bool {
        matches!(
            self,
            Metric::DelayCost | Metric::PeopleCost | Metric::TotalCost
        )
    }
}

/// The scopes a metric exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// For all items and for each stream's items (`<stream>:<name>`).
    Item,
    /// Once for the whole organization.
    Organization,
    /// For each team (`team:<team>:<name>`).
    Team,
}

/// Every metric orgsim reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Items completed per day of the measurement window.
    Throughput,
    /// Items completed in the window.
    Completed,
    /// Items that arrived in the window.
    Arrived,
    /// Mean lead time of the items completed, in days.
    LeadTimeMean,
    /// Median lead time.
    LeadTimeP50,
    /// 85th-percentile lead time.
    LeadTimeP85,
    /// 95th-percentile lead time.
    LeadTimeP95,
    /// Mean days per item spent in a critical-path category.
    Mean(Category),
    /// Mean days per item in the coordination categories.
    CoordinationDelayMean,
    /// Coordination days over lead-time days.
    CoordinationShare,
    /// Work days over lead-time days.
    FlowEfficiency,
    /// Time-average items in the system.
    WipMean,
    /// Escalations to the executive per item.
    EscalationsPerItem,
    /// Cross-team handoffs per item.
    HandoffsPerItem,
    /// Distinct teams that worked on an item.
    TeamsPerItem,
    /// Defects left per item.
    DefectsPerItem,
    /// Defects that escaped review per item.
    EscapedDefectsPerItem,
    /// `fix` items completed per day.
    FixThroughput,
    /// Items in the system at the end of the run.
    OpenAtEnd,
    /// Busy share of all people.
    Utilization,
    /// Share of people's time lost to temporary projects.
    CapacityLost,
    /// The warm-up that was cut, in days.
    Warmup,
    /// 1 when the replication was stopped by `max_wip` or `max_events`.
    Saturated,
    /// 1 when it was stopped by `max_events`.
    MaxEventsReached,
    /// 1 when the trend test finds the work in progress growing.
    Unstable,
    /// Busy share of the bar raisers.
    ReviewerUtilization,
    /// Busy share of the busiest leader.
    LeaderUtilizationMax,
    /// Busy share of the executive.
    ExecutiveUtilization,
    /// Share of people's busy time spent on tasks of a cross-trained
    /// person's second skill.
    CrossSkillShare,
    /// Cost of delay per day: the lead-time days of the items completed in
    /// the window, each times its stream's `delay_cost`, over the window's
    /// days (only with `[economics] delay_cost`).
    DelayCost,
    /// What the organization's people, leaders, executive and reviewers
    /// cost per day (only with `[economics] person_cost`).
    PeopleCost,
    /// `delay_cost` + `people_cost` (only when both are given).
    TotalCost,
    /// Busy share of a team's people.
    TeamUtilization,
    /// Busy share of a team's leader.
    TeamLeaderUtilization,
}

/// What the catalogue knows about a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Info {
    /// Its name in the output files, without the scope prefix.
    pub name: &'static str,
    /// How prose names it ("mean lead time").
    pub label: &'static str,
    /// Its row heading in the report's tables, with its unit.
    pub heading: &'static str,
    /// Its column header in the terminal tables.
    pub short: &'static str,
    /// What it measures.
    pub unit: Unit,
    /// Which way is better.
    pub better: Better,
    /// The scopes it exists in.
    pub family: Family,
    /// Whether it measures time spent by items or items in the system: in a
    /// system that does not settle it grows with the run length, so it is
    /// withheld for an unstable topology.
    pub grows_with_run_length: bool,
    /// Whether its mean over replications is a proportion, summarized with a
    /// Wilson score interval (a 0/1 flag per replication).
    pub proportion: bool,
}

/// The number of item metrics.
const ITEM_COUNT: usize = 18 + Category::COUNT;

impl Metric {
    /// The item metrics, in output order.
    pub const ITEM: [Metric; ITEM_COUNT] = {
        let head = [
            Metric::Throughput,
            Metric::Completed,
            Metric::Arrived,
            Metric::LeadTimeMean,
            Metric::LeadTimeP50,
            Metric::LeadTimeP85,
            Metric::LeadTimeP95,
        ];
        let tail = [
            Metric::CoordinationDelayMean,
            Metric::CoordinationShare,
            Metric::FlowEfficiency,
            Metric::WipMean,
            Metric::EscalationsPerItem,
            Metric::HandoffsPerItem,
            Metric::TeamsPerItem,
            Metric::DefectsPerItem,
            Metric::EscapedDefectsPerItem,
            Metric::FixThroughput,
            Metric::OpenAtEnd,
        ];
        let mut all = [Metric::Throughput; ITEM_COUNT];
        let mut i = 0;
        while i < head.len() {
            all[i] = head[i];
            i += 1;
        }
        let mut c = 0;
        while c < Category::COUNT {
            all[head.len() + c] = Metric::Mean(Category::ALL[c]);
            c += 1;
        }
        let mut j = 0;
        while j < tail.len() {
            all[head.len() + Category::COUNT + j] = tail[j];
            j += 1;
        }
        all
    };

    /// The organization metrics, in output order (after the item metrics).
    pub const ORGANIZATION: [Metric; 13] = [
        Metric::Utilization,
        Metric::CapacityLost,
        Metric::Warmup,
        Metric::Saturated,
        Metric::MaxEventsReached,
        Metric::Unstable,
        Metric::ReviewerUtilization,
        Metric::LeaderUtilizationMax,
        Metric::ExecutiveUtilization,
        Metric::CrossSkillShare,
        Metric::DelayCost,
        Metric::PeopleCost,
        Metric::TotalCost,
    ];

    /// The team metrics, in output order.
    pub const TEAM: [Metric; 2] = [Metric::TeamUtilization, Metric::TeamLeaderUtilization];

    /// Every metric: the item, organization and team metrics, in output order.
    pub const ALL: [Metric; ITEM_COUNT + 15] = {
        let mut all = [Metric::Throughput; ITEM_COUNT + 15];
        let mut i = 0;
        while i < ITEM_COUNT {
            all[i] = Metric::ITEM[i];
            i += 1;
        }
        let mut j = 0;
        while j < Metric::ORGANIZATION.len() {
            all[ITEM_COUNT + j] = Metric::ORGANIZATION[j];
            j += 1;
        }
        all[ITEM_COUNT + 13] = Metric::TEAM[0];
        all[ITEM_COUNT + 14] = Metric::TEAM[1];
        all
    };

    /// Its name in the output files, without the scope prefix.
    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// The scopes it exists in.
    pub fn family(self) -> Family {
        self.info().family
    }

    /// The metric of `family` named `name` (no scope prefix).
    pub fn from_name(family: Family, name: &str) -> Option<Metric> {
        // Asked once per metric of every stream and team when results are
        // written, so the catalogue is indexed by the length of the name:
        // a name is then compared with the few of its length only.
        static BY_LENGTH: std::sync::OnceLock<Vec<Vec<Metric>>> = std::sync::OnceLock::new();
        BY_LENGTH
            .get_or_init(|| {
                let longest = Metric::ALL
                    .iter()
                    .map(|m| m.name().len())
                    .max()
                    .unwrap_or(0);
                let mut by_length = vec![Vec::new(); longest + 1];
                for m in Metric::ALL {
                    by_length[m.name().len()].push(m);
                }
                by_length
            })
            .get(name.len())?
            .iter()
            .copied()
            .find(|m| m.family() == family && m.name() == name)
    }
}

impl fmt::Display for Metric {
    /// Its name in the output files, without the scope prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_within_a_family_and_round_trip() {
        for m in Metric::ALL {
            let same = Metric::ALL
                .iter()
                .filter(|o| o.family() == m.family() && o.name() == m.name())
                .count();
            assert_eq!(same, 1, "{m:?}");
            let id = match m.family() {
                Family::Team => MetricId {
                    scope: Scope::Team("web:ops"),
                    metric: m,
                },
                _ => MetricId::all(m),
            };
            let name = id.name();
            assert_eq!(MetricId::parse(&name), Some(id), "{name}");
            if m.family() == Family::Item {
                let s = MetricId {
                    scope: Scope::Stream("team"),
                    metric: m,
                };
                assert_eq!(MetricId::parse(&s.name()), Some(s));
            }
        }
    }

    #[test]
    fn the_lists_hold_each_family_once() {
        let count = |f: Family| Metric::ALL.iter().filter(|m| m.family() == f).count();
        assert_eq!(count(Family::Item), Metric::ITEM.len());
        assert_eq!(count(Family::Organization), Metric::ORGANIZATION.len());
        assert_eq!(count(Family::Team), Metric::TEAM.len());
        for c in Category::ALL {
            assert!(Metric::ITEM.contains(&Metric::Mean(c)), "{c:?}");
        }
    }

    #[test]
    fn names_outside_the_catalogue_are_refused() {
        for bad in [
            "",
            "lead_time",
            "tv-apps:utilization",
            "team:utilization",
            "utilization:",
            "x:nonsense",
        ] {
            assert_eq!(MetricId::parse(bad), None, "{bad}");
        }
        assert_eq!(
            MetricId::parse("team:web:utilization"),
            Some(MetricId {
                scope: Scope::Team("web"),
                metric: Metric::TeamUtilization
            })
        );
        // A stream may be named `team:web`: item metrics are not team metrics.
        assert_eq!(
            MetricId::parse("team:web:lead_time_mean"),
            Some(MetricId {
                scope: Scope::Stream("team:web"),
                metric: Metric::LeadTimeMean
            })
        );
        assert_eq!(
            MetricId::parse("a:b:lead_time_p85"),
            Some(MetricId {
                scope: Scope::Stream("a:b"),
                metric: Metric::LeadTimeP85
            })
        );
    }
}
