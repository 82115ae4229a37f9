//! The files of a result folder and their columns (README, "Output
//! files"): written by `csv_files` and `sweep_csv`, read back by the charts
//! and the report, so both sides name them from here.

/// Summary statistics per (topology, metric).
pub const SUMMARY_CSV: &str = "summary.csv";
/// Paired differences against the baseline per (topology, metric).
pub const COMPARISON_CSV: &str = "comparison.csv";
/// Every metric of every replication.
pub const REPLICATIONS_CSV: &str = "replications.csv";
/// The pooled lead-time distribution per topology.
pub const DISTRIBUTION_CSV: &str = "distribution.csv";
/// The cumulative flow diagram of replication 0 per topology.
pub const CFD_CSV: &str = "cfd.csv";
/// Every completed item (with `--items`).
pub const ITEMS_CSV: &str = "items.csv";
/// What a run did and with what.
pub const MANIFEST_JSON: &str = "manifest.json";

/// The columns of `summary.csv`, and after the varied paths of `sweep.csv`.
pub const SUMMARY_COLUMNS: [&str; 7] = [
    "topology",
    "metric",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
    "n",
];

/// The statistics among [`SUMMARY_COLUMNS`] (after topology and metric).
pub fn summary_stats() -> &'static [&'static str] {
    &SUMMARY_COLUMNS[2..]
}

/// The columns of `comparison.csv`, and after the varied paths of
/// `sweep_comparison.csv`.
pub const COMPARISON_COLUMNS: [&str; 9] = [
    "topology",
    "baseline",
    "metric",
    "diff_mean",
    "ci95_low",
    "ci95_high",
    "relative",
    "n",
    "meaningful",
];

/// The difference and its interval among [`COMPARISON_COLUMNS`].
pub fn comparison_stats() -> &'static [&'static str] {
    &COMPARISON_COLUMNS[3..7]
}

/// The columns of `distribution.csv`.
pub const DISTRIBUTION_COLUMNS: [&str; 3] = ["topology", "probability", "lead_time"];

/// The columns of `cfd.csv`.
pub const CFD_COLUMNS: [&str; 10] = [
    "topology",
    "replication",
    "time",
    "arrived",
    "intake",
    "backlog",
    "in_progress",
    "done",
    "fix_arrived",
    "fix_done",
];

/// How many of [`CFD_COLUMNS`] every `cfd.csv` has: the fix columns came
/// later, and older folders are still read.
pub const CFD_REQUIRED: usize = 8;

/// The items of the streams replication 0 completed in its measurement
/// window, per topology: the cycle-time scatter's points.
pub const CYCLE_TIME_CSV: &str = "cycle_time.csv";
/// The columns of `cycle_time.csv`.
pub const CYCLE_TIME_COLUMNS: [&str; 7] = [
    "topology",
    "replication",
    "item",
    "stream",
    "arrival",
    "done",
    "lead_time",
];
/// Items replication 0 completed per week of its measurement window, per
/// topology: the throughput run chart.
pub const THROUGHPUT_WEEKLY_CSV: &str = "throughput_weekly.csv";
/// The columns of `throughput_weekly.csv`.
pub const THROUGHPUT_WEEKLY_COLUMNS: [&str; 6] = [
    "topology",
    "replication",
    "week",
    "start",
    "end",
    "completed",
];
/// Work in progress and the age of the oldest item in the system of
/// replication 0 at the cumulative flow diagram's samples, per topology.
pub const WIP_AGE_CSV: &str = "wip_age.csv";
/// The columns of `wip_age.csv`.
pub const WIP_AGE_COLUMNS: [&str; 5] = ["topology", "replication", "time", "wip", "oldest_age"];
