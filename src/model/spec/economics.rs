//! `[economics]`: what a day of delay and a day of people cost
//! (docs/model.md, "Cost of delay and people cost").

/// The rates the cost metrics are read with. Money is in whatever currency
/// the scenario writes its rates in.
#[derive(Debug, Clone, PartialEq)]
pub struct Economics {
    /// Cost of one item of each stream per working day of lead time, by
    /// [`StreamId`](crate::model::ids::StreamId); `None` when the scenario
    /// gives no `delay_cost` (then no `delay_cost` metric).
    pub delay_cost: Option<Vec<f64>>,
    /// Cost of one person of each skill per working day, by
    /// [`SkillId`](crate::model::SkillId); `None` when the scenario gives no
    /// `person_cost` (then no `people_cost` metric).
    pub person_cost: Option<Vec<f64>>,
    /// Cost of one leader (every team's or shared leader, and the
    /// executive) per working day.
    pub leader_cost: f64,
    /// Cost of one bar-raiser reviewer per working day.
    pub reviewer_cost: f64,
    /// Working days in a year, for the yearly figures (default 250).
    pub days_per_year: f64,
}

/// Working days in a year when `[economics] days_per_year` is not given.
pub const DEFAULT_DAYS_PER_YEAR: f64 = 250.0;
