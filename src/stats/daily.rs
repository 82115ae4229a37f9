//! Per-day tallies of the items a replication completed since time 0
//! (docs/model.md, "Over time: daily series and the break-even day").

/// One replication's daily series: element `d` is day `d` = [d, d + 1)
/// since time 0. Days the replication did not observe whole (it was stopped
/// as saturated) are NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct DailySeries {
    /// Items of the streams done that day.
    pub throughput: Vec<f64>,
    /// Their mean lead time (NaN on a day with none done).
    pub lead_time: Vec<f64>,
    /// Their cost of delay: Σ lead time × the stream's `delay_cost` rate
    /// (empty without `[economics] delay_cost`).
    pub delay_cost: Vec<f64>,
    /// The cost of delay accrued that day: Σ over the streams of their rate
    /// × the item-days their items spent in the system that day, done or
    /// not (empty without `[economics] delay_cost`).
    pub delay_accrued: Vec<f64>,
    /// What the organization's people cost per day (`None` without
    /// `[economics] person_cost`); the same every day for a fixed topology.
    pub people_cost: Option<f64>,
    /// For a transition: the day of its switch and what the organization
    /// after it costs per day (`None` for a fixed topology, or without
    /// `[economics] person_cost`).
    pub people_cost_after: Option<(f64, f64)>,
}

/// The days a run of `end` days since time 0 is cut into (at least 1).
pub fn days_of(end: f64) -> usize {
    (end.ceil() as usize).max(1)
}

impl DailySeries {
    /// What the people cost on day `day` (`None` without `[economics]
    /// person_cost`): the fixed rate, or for a transition the source's
    /// before the switch and the target's after it, the day of the switch
    /// shared in proportion.
    pub fn people_cost_on(&self, day: usize) -> Option<f64> {
        let before = self.people_cost?;
        Some(match self.people_cost_after {
            None => before,
            Some((at, after)) => {
                let share_after = (day as f64 + 1.0 - at).clamp(0.0, 1.0);
                before + (after - before) * share_after
            }
        })
    }

    /// The daily series of the items done at `series[i].0` with lead time
    /// `series[i].1`, of stream `streams[i]`, in a run of `days` days
    /// observed up to `observed` (the end, or when it was stopped), whose
    /// stream `k` had `wip_days[k][d]` item-days in the system on day `d`.
    /// `delay_rates` are `[economics] delay_cost` by stream; `people_cost`
    /// the organization's per day. An item done exactly at the end counts
    /// on the last day.
    pub fn from_completions(
        series: &[(f64, f64)],
        streams: &[usize],
        wip_days: &[Vec<f64>],
        days: usize,
        observed: f64,
        delay_rates: Option<&[f64]>,
        people_cost: Option<f64>,
    ) -> DailySeries {
        let mut count = vec![0.0; days];
        let mut lead = vec![0.0; days];
        let mut cost = vec![0.0; if delay_rates.is_some() { days } else { 0 }];
        for (i, &(t, l)) in series.iter().enumerate() {
            let d = (t.max(0.0).floor() as usize).min(days - 1);
            count[d] += 1.0;
            lead[d] += l;
            if let Some(rates) = delay_rates {
                cost[d] += l * streams.get(i).and_then(|&k| rates.get(k)).unwrap_or(&0.0);
            }
        }
        let lead_time = count
            .iter()
            .zip(&lead)
            .map(|(&n, &s)| if n > 0.0 { s / n } else { f64::NAN })
            .collect();
        let delay_accrued = match delay_rates {
            Some(rates) => (0..days)
                .map(|d| {
                    (wip_days.iter().zip(rates))
                        .map(|(w, r)| r * w.get(d).copied().unwrap_or(0.0))
                        .sum()
                })
                .collect(),
            None => Vec::new(),
        };
        let mut daily = DailySeries {
            throughput: count,
            lead_time,
            delay_cost: cost,
            delay_accrued,
            people_cost,
            people_cost_after: None,
        };
        // A day the replication did not see to its end is missing, not 0.
        let whole = if observed >= days as f64 {
            days
        } else {
            observed.max(0.0).floor() as usize
        };
        for v in [
            &mut daily.throughput,
            &mut daily.lead_time,
            &mut daily.delay_cost,
            &mut daily.delay_accrued,
        ] {
            v.iter_mut().skip(whole).for_each(|x| *x = f64::NAN);
        }
        daily
    }
}

/// The area under a step function of time, day by day: the item-days a
/// stream's items spend in the system on each day.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyArea {
    last: f64,
    level: f64,
    area: Vec<f64>,
}

impl DailyArea {
    /// At level 0 from time 0, over `days` days.
    pub fn new(days: usize) -> Self {
        Self {
            last: 0.0,
            level: 0.0,
            area: vec![0.0; days],
        }
    }

    /// The level is `level` from `t` on.
    pub fn set(&mut self, t: f64, level: f64) {
        self.accumulate(t);
        self.level = level;
    }

    fn accumulate(&mut self, t: f64) {
        let mut a = self.last;
        while a < t {
            let d = a.floor() as usize;
            let Some(cell) = self.area.get_mut(d) else {
                break;
            };
            let b = ((d + 1) as f64).min(t);
            *cell += self.level * (b - a);
            a = b;
        }
        self.last = self.last.max(t);
    }

    /// The area of each day, the level held to `end`.
    pub fn finish(mut self, end: f64) -> Vec<f64> {
        self.accumulate(end);
        self.area
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transitions_people_cost_changes_on_its_switch_day() {
        let mut d =
            DailySeries::from_completions(&[], &[], &[], 4, f64::INFINITY, None, Some(10.0));
        assert_eq!(d.people_cost_on(3), Some(10.0));
        d.people_cost_after = Some((1.25, 6.0));
        let days: Vec<f64> = (0..4).map(|k| d.people_cost_on(k).unwrap()).collect();
        // Day 1 is a quarter before the switch, three quarters after it.
        assert_eq!(days, vec![10.0, 10.0 * 0.25 + 6.0 * 0.75, 6.0, 6.0]);
    }

    #[test]
    fn completions_fall_on_their_day_and_unseen_days_are_missing() {
        let series = [(0.5, 0.5), (1.0, 1.0), (1.9, 0.4), (3.0, 2.0)];
        let d = DailySeries::from_completions(
            &series,
            &[0, 1, 1, 0],
            &[vec![1.0, 0.5, 2.0], vec![0.0, 1.0]],
            3,
            f64::INFINITY,
            Some(&[10.0, 1.0]),
            Some(7.0),
        );
        assert_eq!(d.throughput, [1.0, 2.0, 1.0]);
        assert!((d.lead_time[1] - 0.7).abs() < 1e-12);
        assert_eq!(d.lead_time[2], 2.0);
        assert!((d.delay_cost[1] - 1.4).abs() < 1e-12);
        assert_eq!([d.delay_cost[0], d.delay_cost[2]], [5.0, 20.0]);
        assert_eq!(d.delay_accrued, [10.0, 6.0, 20.0]);
        let cut = DailySeries::from_completions(&series, &[0; 4], &[], 3, 1.5, None, None);
        assert_eq!(cut.throughput[0], 1.0);
        assert!(cut.throughput[1].is_nan() && cut.throughput[2].is_nan());
        assert!(cut.delay_cost.is_empty() && cut.delay_accrued.is_empty());
    }

    #[test]
    fn the_area_is_split_at_day_boundaries() {
        let mut a = DailyArea::new(3);
        a.set(0.5, 2.0); // 2 from 0.5
        a.set(1.25, 1.0); // 1 from 1.25
        a.set(1.75, 0.0);
        a.set(2.5, 4.0); // 4 from 2.5, held to the end
        assert_eq!(a.finish(3.0), [1.0, 0.5 + 0.5, 2.0]);
    }
}
