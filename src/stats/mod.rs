//! Statistics across replications: Student-t quantiles, summaries with
//! confidence intervals, paired differences between topologies, percentiles,
//! and the streaming accumulators the simulation uses while it runs.
//!
//! Conventions shared by every function here: values that are not finite
//! (NaN, ±∞) are "missing" where a function says it ignores them, and a
//! quantity that cannot be computed (the mean of nothing, the spread of one
//! value) is NaN rather than a panic, so it reaches the CSV as an empty cell.

pub mod daily;
pub mod duration_histogram;
pub mod mser;
pub mod paired;
pub mod percentile;
pub mod queueing;
pub mod sensitivity;
pub mod student_t;
pub mod summary;
pub mod time_average;
pub mod trend;
pub mod welford;

pub use duration_histogram::DurationHistogram;
pub use paired::{PairedDifference, paired_difference, paired_difference_with_confidence};
pub use percentile::percentile;
pub use sensitivity::{Estimate, MorrisIndices, SobolIndices};
pub use student_t::t_quantile;
pub use summary::Summary;
pub use time_average::TimeAverage;
pub use welford::Welford;
