//! A metric in a scope: the column names of the output files, and their
//! parsing.

use std::fmt;

use super::{Family, Info, Metric};

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
