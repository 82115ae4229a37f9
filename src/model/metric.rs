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
    pub const ORGANIZATION: [Metric; 9] = [
        Metric::Utilization,
        Metric::CapacityLost,
        Metric::Warmup,
        Metric::Saturated,
        Metric::MaxEventsReached,
        Metric::Unstable,
        Metric::ReviewerUtilization,
        Metric::LeaderUtilizationMax,
        Metric::ExecutiveUtilization,
    ];

    /// The team metrics, in output order.
    pub const TEAM: [Metric; 2] = [Metric::TeamUtilization, Metric::TeamLeaderUtilization];

    /// Every metric: the item, organization and team metrics, in output order.
    pub const ALL: [Metric; ITEM_COUNT + 11] = {
        let mut all = [Metric::Throughput; ITEM_COUNT + 11];
        let mut i = 0;
        while i < ITEM_COUNT {
            all[i] = Metric::ITEM[i];
            i += 1;
        }
        let mut j = 0;
        while j < 9 {
            all[ITEM_COUNT + j] = Metric::ORGANIZATION[j];
            j += 1;
        }
        all[ITEM_COUNT + 9] = Metric::TEAM[0];
        all[ITEM_COUNT + 10] = Metric::TEAM[1];
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
        Metric::ALL
            .into_iter()
            .find(|m| m.family() == family && m.name() == name)
    }

    /// Everything the catalogue knows about the metric. An exhaustive match:
    /// a new metric does not compile until it is described here.
    pub const fn info(self) -> Info {
        use Better::{Higher, Lower, Neither};
        use Family::{Item, Organization, Team};
        use Unit::{Days, PerDay, Plain, Share};
        match self {
            Metric::Throughput => i(
                "throughput",
                "throughput",
                "throughput (items/day)",
                "throughput/day",
                PerDay,
                Higher,
                Item,
            ),
            Metric::Completed => i(
                "completed",
                "completed",
                "items completed",
                "completed",
                Plain,
                Higher,
                Item,
            ),
            Metric::Arrived => i(
                "arrived",
                "arrived",
                "items arrived",
                "arrived",
                Plain,
                Neither,
                Item,
            ),
            Metric::LeadTimeMean => grows(i(
                "lead_time_mean",
                "mean lead time",
                "lead time, mean (days)",
                "lead time (d)",
                Days,
                Lower,
                Item,
            )),
            Metric::LeadTimeP50 => grows(i(
                "lead_time_p50",
                "median lead time",
                "lead time, median (days)",
                "p50 (d)",
                Days,
                Lower,
                Item,
            )),
            Metric::LeadTimeP85 => grows(i(
                "lead_time_p85",
                "85th-percentile lead time",
                "lead time, 85th percentile (days)",
                "p85 (d)",
                Days,
                Lower,
                Item,
            )),
            Metric::LeadTimeP95 => grows(i(
                "lead_time_p95",
                "95th-percentile lead time",
                "lead time, 95th percentile (days)",
                "p95 (d)",
                Days,
                Lower,
                Item,
            )),
            Metric::Mean(c) => {
                let (name, label) = category_mean(c);
                grows(i(name, label, c.label(), c.label(), Days, Lower, Item))
            }
            Metric::CoordinationDelayMean => grows(i(
                "coordination_delay_mean",
                "coordination delay",
                "coordination delay (days)",
                "coord. delay (d)",
                Days,
                Lower,
                Item,
            )),
            Metric::CoordinationShare => grows(i(
                "coordination_share",
                "coordination share",
                "coordination share of lead time",
                "coord. share",
                Share,
                Lower,
                Item,
            )),
            Metric::FlowEfficiency => grows(i(
                "flow_efficiency",
                "flow efficiency",
                "flow efficiency (work / lead time)",
                "flow eff.",
                Share,
                Higher,
                Item,
            )),
            Metric::WipMean => grows(i(
                "wip_mean",
                "items in the system",
                "items in the system (mean)",
                "WIP",
                Plain,
                Lower,
                Item,
            )),
            Metric::EscalationsPerItem => i(
                "escalations_per_item",
                "escalations per item",
                "escalations per item",
                "escalations/item",
                Plain,
                Lower,
                Item,
            ),
            Metric::HandoffsPerItem => i(
                "handoffs_per_item",
                "handoffs per item",
                "cross-team handoffs per item",
                "handoffs/item",
                Plain,
                Lower,
                Item,
            ),
            Metric::TeamsPerItem => i(
                "teams_per_item",
                "teams per item",
                "teams per item",
                "teams/item",
                Plain,
                Lower,
                Item,
            ),
            Metric::DefectsPerItem => i(
                "defects_per_item",
                "defects per item",
                "defects per item",
                "defects/item",
                Plain,
                Lower,
                Item,
            ),
            Metric::EscapedDefectsPerItem => i(
                "escaped_defects_per_item",
                "escaped defects per item",
                "escaped defects per item (come back as fix items)",
                "escaped defects/item",
                Plain,
                Lower,
                Item,
            ),
            Metric::FixThroughput => i(
                "fix_throughput",
                "fix throughput",
                "fix items completed per day",
                "fixes/day",
                PerDay,
                Neither,
                Item,
            ),
            Metric::OpenAtEnd => grows(i(
                "open_at_end",
                "open at end",
                "items open at the end",
                "open at end",
                Plain,
                Neither,
                Item,
            )),
            Metric::Utilization => i(
                "utilization",
                "utilization",
                "utilization of people",
                "utilization",
                Share,
                Neither,
                Organization,
            ),
            Metric::CapacityLost => i(
                "capacity_lost",
                "capacity lost",
                "capacity lost to temporary projects",
                "capacity lost",
                Share,
                Neither,
                Organization,
            ),
            Metric::Warmup => i(
                "warmup",
                "warmup",
                "warm-up cut (days)",
                "warm-up (d)",
                Days,
                Neither,
                Organization,
            ),
            Metric::Saturated => proportion(i(
                "saturated",
                "saturated",
                "replications saturated",
                "saturated",
                Plain,
                Neither,
                Organization,
            )),
            // A 0/1 flag too, but summarized as a measurement, as it always
            // has been (its Wilson interval would change summary.csv).
            Metric::MaxEventsReached => i(
                "max_events_reached",
                "max events reached",
                "replications stopped by simulation.max_events",
                "max events",
                Plain,
                Neither,
                Organization,
            ),
            Metric::Unstable => proportion(i(
                "unstable",
                "unstable",
                "replications unstable",
                "unstable",
                Plain,
                Neither,
                Organization,
            )),
            Metric::ReviewerUtilization => i(
                "reviewer_utilization",
                "reviewer utilization",
                "bar raisers' utilization",
                "reviewer util.",
                Share,
                Neither,
                Organization,
            ),
            Metric::LeaderUtilizationMax => i(
                "leader_utilization_max",
                "leader utilization max",
                "busiest leader's utilization",
                "leader util. max",
                Share,
                Neither,
                Organization,
            ),
            Metric::ExecutiveUtilization => i(
                "executive_utilization",
                "executive utilization",
                "executive's utilization",
                "executive util.",
                Share,
                Neither,
                Organization,
            ),
            Metric::TeamUtilization => i(
                "utilization",
                "utilization",
                "utilization of the team's people",
                "utilization",
                Share,
                Neither,
                Team,
            ),
            Metric::TeamLeaderUtilization => i(
                "leader_utilization",
                "leader utilization",
                "utilization of the team's leader",
                "leader util.",
                Share,
                Neither,
                Team,
            ),
        }
    }
}

impl fmt::Display for Metric {
    /// Its name in the output files, without the scope prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An [`Info`] that neither grows with the run length nor is a proportion.
const fn i(
    name: &'static str,
    label: &'static str,
    heading: &'static str,
    short: &'static str,
    unit: Unit,
    better: Better,
    family: Family,
) -> Info {
    Info {
        name,
        label,
        heading,
        short,
        unit,
        better,
        family,
        grows_with_run_length: false,
        proportion: false,
    }
}

/// `info`, growing with the run length.
const fn grows(info: Info) -> Info {
    Info {
        grows_with_run_length: true,
        ..info
    }
}

/// `info`, a proportion.
const fn proportion(info: Info) -> Info {
    Info {
        proportion: true,
        ..info
    }
}

/// The name and label of a category's mean (`work_mean`, "work mean").
const fn category_mean(c: Category) -> (&'static str, &'static str) {
    match c {
        Category::Work => ("work_mean", "work mean"),
        Category::Queue => ("queue_mean", "queue mean"),
        Category::Handoff => ("handoff_mean", "handoff mean"),
        Category::Cadence => ("cadence_mean", "cadence mean"),
        Category::Decision => ("decision_mean", "decision mean"),
        Category::Escalation => ("escalation_mean", "escalation mean"),
        Category::Interrupted => ("interrupted_mean", "interrupted mean"),
        Category::Rework => ("rework_mean", "rework mean"),
        Category::Review => ("review_mean", "review mean"),
    }
}

/// Whose metric it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// All items, or the whole organization.
    All,
    /// The items of the stream named so.
    Stream(&'a str),
    /// The team named so.
    Team(&'a str),
}

/// A metric in a scope: one column name of `replications.csv`, one metric
/// of `summary.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricId<'a> {
    /// Whose it is.
    pub scope: Scope<'a>,
    /// Which metric.
    pub metric: Metric,
}

impl<'a> MetricId<'a> {
    /// `metric` for all items or the whole organization.
    pub fn all(metric: Metric) -> Self {
        MetricId {
            scope: Scope::All,
            metric,
        }
    }

    /// `metric` of the items of `stream`.
    pub fn stream(stream: &'a str, metric: Metric) -> Self {
        MetricId {
            scope: Scope::Stream(stream),
            metric,
        }
    }

    /// `metric` of `team`.
    pub fn team(team: &'a str, metric: Metric) -> Self {
        MetricId {
            scope: Scope::Team(team),
            metric,
        }
    }

    /// The metric named `name` in the output files: `lead_time_mean`,
    /// `tv-apps:lead_time_mean` or `team:web:utilization`. None for a name
    /// orgsim does not write (whether the stream or team exists is the
    /// caller's question). Item, organization and team metric names are
    /// told apart by the metric name, so stream and team names may hold
    /// any character, `:` included.
    pub fn parse(name: &'a str) -> Option<Self> {
        if let Some(rest) = name.strip_prefix("team:")
            && let Some((team, m)) = rest.rsplit_once(':')
            && let Some(metric) = Metric::from_name(Family::Team, m)
        {
            return Some(MetricId {
                scope: Scope::Team(team),
                metric,
            });
        }
        if let Some((stream, m)) = name.rsplit_once(':') {
            let metric = Metric::from_name(Family::Item, m)?;
            return Some(MetricId {
                scope: Scope::Stream(stream),
                metric,
            });
        }
        Metric::from_name(Family::Item, name)
            .or_else(|| Metric::from_name(Family::Organization, name))
            .map(MetricId::all)
    }

    /// Its name in the output files (the inverse of [`MetricId::parse`]).
    pub fn name(&self) -> String {
        self.to_string()
    }
}

impl From<Metric> for MetricId<'_> {
    fn from(metric: Metric) -> Self {
        MetricId::all(metric)
    }
}

impl fmt::Display for MetricId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.metric.name();
        match self.scope {
            Scope::All => f.write_str(name),
            Scope::Stream(s) => write!(f, "{s}:{name}"),
            Scope::Team(t) => write!(f, "team:{t}:{name}"),
        }
    }
}

/// The catalogue's information on the metric named `name` (any scope), if
/// it is one.
pub fn info(name: &str) -> Option<Info> {
    MetricId::parse(name).map(|id| id.metric.info())
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
