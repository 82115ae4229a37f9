//! The time-weighted average of a piecewise-constant level (items in the
//! system, busy people) over an observation window.

/// Accumulates the integral of a level that changes at discrete times, from
/// the start of the observation window on.
///
/// The level is 0 until the first [`set`](TimeAverage::set). Changes before
/// the window starts only set the current level (so the warm-up period is
/// excluded but its state carries over). Times must not decrease.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeAverage {
    start: f64,
    last: f64,
    level: f64,
    area: f64,
}

impl TimeAverage {
    /// An average over a window beginning at `start`, with the level at 0.
    pub fn new(start: f64) -> Self {
        Self {
            start,
            last: start,
            level: 0.0,
            area: 0.0,
        }
    }

    /// Records that the level changes to `level` at time `t`.
    #[inline]
    pub fn set(&mut self, t: f64, level: f64) {
        // `t.max(self.start)` for every time a simulation gives (NaN gives
        // the start, as `max` does), in one or two instructions: `max` spends seven
        // on its NaN rule, and this runs several times per simulated item.
        let t = if t > self.start { t } else { self.start };
        debug_assert!(
            t >= self.last,
            "TimeAverage::set: time went back to {t} from {}",
            self.last
        );
        if t > self.last {
            self.area += self.level * (t - self.last);
            self.last = t;
        }
        self.level = level;
    }

    /// The current level (the last one set).
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The average level over `[start, end]`, the current level holding from
    /// the last change until `end`. `end` must not be before the last change.
    /// NaN when the window is empty (`end <= start`).
    pub fn finish(&self, end: f64) -> f64 {
        debug_assert!(
            end >= self.last,
            "TimeAverage::finish: end {end} is before the last change at {}",
            self.last
        );
        if end.is_nan() || end <= self.start {
            return f64::NAN;
        }
        let area = self.area + self.level * (end - self.last);
        area / (end - self.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12
    }

    #[test]
    fn step_function() {
        // Level 0 on [0,2), 3 on [2,5), 1 on [5,10]: area 9 + 5 = 14 over 10.
        let mut avg = TimeAverage::new(0.0);
        avg.set(2.0, 3.0);
        avg.set(5.0, 1.0);
        assert!(close(avg.finish(10.0), 1.4));
        assert_eq!(avg.level(), 1.0);
        // finish does not consume: a later end extends the last level.
        assert!(close(avg.finish(20.0), (14.0 + 10.0) / 20.0));
    }

    #[test]
    fn changes_before_the_window_only_set_the_level() {
        // Warm-up until 10: the level 4 reached at 7 holds into the window.
        let mut avg = TimeAverage::new(10.0);
        avg.set(3.0, 2.0);
        avg.set(7.0, 4.0);
        avg.set(12.0, 0.0);
        avg.set(16.0, 6.0);
        // 4 on [10,12), 0 on [12,16), 6 on [16,20]: (8 + 0 + 24) / 10.
        assert!(close(avg.finish(20.0), 3.2));
    }

    #[test]
    fn simultaneous_changes_keep_the_last() {
        let mut avg = TimeAverage::new(0.0);
        avg.set(1.0, 5.0);
        avg.set(1.0, 2.0);
        avg.set(1.0, 3.0);
        // 0 on [0,1), 3 on [1,4]: 9 / 4.
        assert!(close(avg.finish(4.0), 2.25));
    }

    #[test]
    fn constant_level_and_empty_window() {
        let mut avg = TimeAverage::new(5.0);
        avg.set(0.0, 7.0);
        assert!(close(avg.finish(6.0), 7.0));
        assert!(avg.finish(5.0).is_nan());
        assert!(close(TimeAverage::new(0.0).finish(3.0), 0.0));
    }

    #[test]
    fn change_exactly_at_start() {
        let mut avg = TimeAverage::new(2.0);
        avg.set(2.0, 1.0);
        avg.set(4.0, 3.0);
        // 1 on [2,4), 3 on [4,6]: (2 + 6) / 4.
        assert!(close(avg.finish(6.0), 2.0));
    }
}
