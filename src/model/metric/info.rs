//! What the catalogue says of each metric: one exhaustive match.

use super::{Better, Family, Info, Metric, Unit};
use crate::model::category::Category;

impl Metric {
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
            Metric::CrossSkillShare => i(
                "cross_skill_share",
                "cross-skill share",
                "share of work done in a second skill",
                "cross-skill",
                Share,
                Neither,
                Organization,
            ),
            Metric::DelayCost => grows(i(
                "delay_cost",
                "cost of delay per day",
                "cost of delay per day",
                "delay cost/day",
                Plain,
                Lower,
                Organization,
            )),
            Metric::PeopleCost => i(
                "people_cost",
                "people cost per day",
                "people cost per day",
                "people cost/day",
                Plain,
                Lower,
                Organization,
            ),
            Metric::TotalCost => grows(i(
                "total_cost",
                "total cost per day",
                "cost of delay and people per day",
                "total cost/day",
                Plain,
                Lower,
                Organization,
            )),
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
        Category::Blocked => ("blocked_mean", "blocked mean"),
    }
}
