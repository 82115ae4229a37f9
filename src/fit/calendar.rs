//! The working calendar that turns dates and datetimes of a log into
//! working days (docs/model.md, "What the fit assumes"): by default Monday
//! to Friday, 8 hours a day from 09:00 (`--calendar "mon-fri 09:00 8h"`).

use jiff::civil::{Date, DateTime};

/// Which days are worked, from when, for how long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkCalendar {
    /// Working days a week, counted from Monday (5: Monday to Friday).
    pub days_per_week: u8,
    /// When the working day starts, in hours after midnight.
    pub day_start: f64,
    /// Working hours a day (> 0, and the day ends by midnight).
    pub hours: f64,
}

impl Default for WorkCalendar {
    fn default() -> Self {
        Self {
            days_per_week: 5,
            day_start: 9.0,
            hours: 8.0,
        }
    }
}

/// A Monday, day 0 of the count.
const MONDAY: Date = Date::constant(2000, 1, 3);

impl WorkCalendar {
    /// Reads `--calendar`: `DAYS START HOURSh`, DAYS `mon-fri`, `mon-sat`
    /// or `mon-sun`, START `HH:MM`, e.g. `mon-fri 09:00 8h` (the default)
    /// or `mon-sun 00:00 24h` (calendar days).
    pub fn parse(text: &str) -> Result<Self, String> {
        let usage = "expected `DAYS START HOURSh` with DAYS mon-fri, mon-sat or mon-sun, e.g. `mon-fri 09:00 8h`";
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [days, start, hours] = parts[..] else {
            return Err(format!("--calendar {text:?}: {usage}"));
        };
        let days_per_week = match days.to_ascii_lowercase().as_str() {
            "mon-fri" => 5,
            "mon-sat" => 6,
            "mon-sun" => 7,
            _ => {
                return Err(format!(
                    "--calendar {text:?}: unknown days {days:?}; {usage}"
                ));
            }
        };
        let day_start = start
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
            .filter(|&(h, m)| h < 24 && m < 60)
            .map(|(h, m)| f64::from(h) + f64::from(m) / 60.0)
            .ok_or_else(|| format!("--calendar {text:?}: start {start:?} is not HH:MM; {usage}"))?;
        let hours = hours
            .strip_suffix('h')
            .and_then(|h| h.parse::<f64>().ok())
            .filter(|h| *h > 0.0 && day_start + h <= 24.0)
            .ok_or_else(|| {
                format!("--calendar {text:?}: hours {hours:?} must be like 8h, and the day must end by midnight; {usage}")
            })?;
        Ok(Self {
            days_per_week,
            day_start,
            hours,
        })
    }

    /// Working days from Monday 2000-01-03 to the start of `date`'s working
    /// day (a day off counts as the start of the next working day).
    fn days_before(&self, date: Date) -> f64 {
        let d = i64::from((date - MONDAY).get_days());
        let w = i64::from(self.days_per_week);
        (d.div_euclid(7) * w + d.rem_euclid(7).min(w)) as f64
    }

    /// `date` (its working day's start) in working days since 2000-01-03.
    pub fn date(&self, date: Date) -> f64 {
        self.days_before(date)
    }

    /// `t` in working days since 2000-01-03: time before the working day
    /// counts as its start, time after it (or on a day off) as its end.
    pub fn datetime(&self, t: DateTime) -> f64 {
        let date = t.date();
        let before = self.days_before(date);
        let dow = i64::from((date - MONDAY).get_days()).rem_euclid(7);
        if dow >= i64::from(self.days_per_week) {
            return before;
        }
        let hour = f64::from(t.hour())
            + f64::from(t.minute()) / 60.0
            + (f64::from(t.second()) + f64::from(t.subsec_nanosecond()) * 1e-9) / 3600.0;
        before + ((hour - self.day_start) / self.hours).clamp(0.0, 1.0)
    }
}

/// A timestamp of a log: a number (working days), or an ISO-8601 date or
/// datetime (an offset or `Z` is accepted and ignored: times are read as the
/// wall clock of the team that logged them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stamp {
    /// A plain number of working days.
    Days(f64),
    /// A date or datetime, in working days since 2000-01-03 (`working`),
    /// and in calendar days since then (`clock`: what tells which of two
    /// times on the same day off came first).
    Calendar {
        /// Working days since 2000-01-03.
        working: f64,
        /// Calendar days since 2000-01-03.
        clock: f64,
    },
}

impl Stamp {
    /// Working days (the number itself for a plain number).
    pub fn working(self) -> f64 {
        match self {
            Stamp::Days(x) | Stamp::Calendar { working: x, .. } => x,
        }
    }

    /// The time on the clock, for ordering (the number itself for a plain
    /// number).
    pub fn clock(self) -> f64 {
        match self {
            Stamp::Days(x) | Stamp::Calendar { clock: x, .. } => x,
        }
    }
}

/// Calendar days from 2000-01-03 to `t`.
fn clock(date: Date, hours: f64) -> f64 {
    f64::from((date - MONDAY).get_days()) + hours / 24.0
}

/// Reads `text` as a timestamp under `calendar`.
pub fn parse_stamp(text: &str, calendar: &WorkCalendar) -> Result<Stamp, String> {
    let t = text.trim();
    if let Ok(x) = t.parse::<f64>() {
        return if x.is_finite() {
            Ok(Stamp::Days(x))
        } else {
            Err(format!("{t:?} is not a finite number of days"))
        };
    }
    if let Ok(d) = t.parse::<Date>()
        && !t.contains(['T', ' '])
    {
        return Ok(Stamp::Calendar {
            working: calendar.date(d),
            clock: clock(d, 0.0),
        });
    }
    // A datetime, with or without an offset (the offset is dropped).
    let wall = strip_offset(t);
    match wall.replacen(' ', "T", 1).parse::<DateTime>() {
        Ok(dt) => {
            let hours = f64::from(dt.hour())
                + f64::from(dt.minute()) / 60.0
                + (f64::from(dt.second()) + f64::from(dt.subsec_nanosecond()) * 1e-9) / 3600.0;
            Ok(Stamp::Calendar {
                working: calendar.datetime(dt),
                clock: clock(dt.date(), hours),
            })
        }
        Err(_) => Err(format!(
            "{t:?} is neither a number of working days nor an ISO-8601 date or datetime (2024-03-01, 2024-03-01T14:30:00)"
        )),
    }
}

/// `t` without a trailing `Z` or `±HH:MM` offset.
fn strip_offset(t: &str) -> &str {
    if let Some(s) = t.strip_suffix(['Z', 'z']) {
        return s;
    }
    if t.len() > 6 {
        let (head, tail) = t.split_at(t.len() - 6);
        let b = tail.as_bytes();
        if (b[0] == b'+' || b[0] == b'-') && b[3] == b':' && head.contains('T') | head.contains(' ')
        {
            return head;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_working_week_is_five_days_and_a_weekend_counts_nothing() {
        let c = WorkCalendar::default();
        let day = |s: &str| match parse_stamp(s, &c).unwrap() {
            Stamp::Calendar { working, .. } => working,
            Stamp::Days(_) => panic!("a date"),
        };
        // 2024-03-04 is a Monday.
        assert_eq!(day("2024-03-11") - day("2024-03-04"), 5.0);
        assert_eq!(
            day("2024-03-09"),
            day("2024-03-11"),
            "Saturday = Monday's start"
        );
        assert_eq!(day("2024-03-04T13:00:00") - day("2024-03-04"), 0.5);
        assert_eq!(day("2024-03-04T07:00:00"), day("2024-03-04"));
        assert_eq!(day("2024-03-04T18:00:00"), day("2024-03-05"));
        assert_eq!(day("2024-03-04 13:00"), day("2024-03-04T13:00:00Z"));
        assert_eq!(day("2024-03-04T13:00:00+02:00"), day("2024-03-04T13:00:00"));
        assert_eq!(parse_stamp("2.5", &c).unwrap(), Stamp::Days(2.5));
        // A Sunday after a Saturday: the same working time, a later clock.
        let (sat, sun) = (
            parse_stamp("2024-03-09", &c).unwrap(),
            parse_stamp("2024-03-10", &c).unwrap(),
        );
        assert_eq!(sat.working(), sun.working());
        assert!(sun.clock() > sat.clock());
        assert!(parse_stamp("yesterday", &c).is_err());
        assert!(parse_stamp("2024-02-30", &c).is_err());
    }

    #[test]
    fn the_calendar_flag_reads_days_start_and_hours() {
        let c = WorkCalendar::parse("mon-sun 00:00 24h").unwrap();
        assert_eq!((c.days_per_week, c.day_start, c.hours), (7, 0.0, 24.0));
        let d = |s: &str| c.date(s.parse().unwrap());
        assert_eq!(d("2024-03-11") - d("2024-03-04"), 7.0);
        assert!(WorkCalendar::parse("mon-fri 9 8h").is_err());
        assert!(WorkCalendar::parse("mon-fri 20:00 8h").is_err());
        assert!(WorkCalendar::parse("weekdays 09:00 8h").is_err());
    }
}
