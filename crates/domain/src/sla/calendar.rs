//! Business calendars: a time zone, weekly working hours (several ranges a day),
//! holidays (whole or partial days), and inheritance (a regional calendar is its base
//! plus local holidays). "24×7" is a calendar too.
//!
//! A calendar compiles into a [`Schedule`]: its open intervals as UTC instants over a
//! span, with running totals, so that "business time between two instants" and "the
//! instant after N business minutes" are two binary searches — the same answer as
//! walking day by day, without the time-zone arithmetic per ticket.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::DomainError;

const DAY_MINUTES: u16 = 1440;
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Working hours within one day, in minutes from local midnight (end may be 1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hours {
    pub start: u16,
    pub end: u16,
}

impl Hours {
    /// "09:00-17:30"; "24:00" ends a day.
    pub fn parse(raw: &str) -> Option<Hours> {
        let (a, b) = raw.trim().split_once('-')?;
        let minutes = |s: &str| -> Option<u16> {
            let (h, m) = s.trim().split_once(':')?;
            let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && h * 60 + m <= DAY_MINUTES).then_some(h * 60 + m)
        };
        let h = Hours { start: minutes(a)?, end: minutes(b)? };
        (h.start < h.end).then_some(h)
    }
}

impl std::fmt::Display for Hours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}-{:02}:{:02}", self.start / 60, self.start % 60, self.end / 60, self.end % 60)
    }
}

/// A holiday as an administrator writes it: no hours closes the whole day; hours make
/// it a partial day (e.g. Christmas Eve 09:00-12:00).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct HolidaySpec {
    /// "2026-12-24".
    pub date: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub hours: Vec<String>,
}

/// A calendar as an administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// An IANA time zone, e.g. "Europe/Berlin"; taken from the parent when empty.
    #[serde(default)]
    pub time_zone: String,
    /// Open around the clock: no hours, no holidays.
    #[serde(default)]
    pub always_open: bool,
    /// "mon" … "sun" → ["09:00-12:00", "13:00-17:00"]; taken from the parent when empty.
    #[serde(default)]
    pub hours: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub holidays: Vec<HolidaySpec>,
    /// The calendar this one adds holidays to.
    #[serde(default)]
    pub parent: Option<String>,
}

/// A checked calendar, ready to compile.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub tz: TimeZone,
    pub always_open: bool,
    /// Monday first.
    pub week: [Vec<Hours>; 7],
    /// The day's hours instead of the weekday's (empty: closed).
    pub holidays: BTreeMap<Date, Vec<Hours>>,
}

fn day_hours(field: &'static str, what: &str, raw: &[String]) -> Result<Vec<Hours>, DomainError> {
    let mut out = Vec::with_capacity(raw.len());
    for r in raw {
        let h = Hours::parse(r).ok_or_else(|| DomainError::invalid(field, format!("{what}: '{r}' is not a range like 09:00-17:00")))?;
        out.push(h);
    }
    out.sort();
    for w in out.windows(2) {
        if w[1].start < w[0].end {
            return Err(DomainError::invalid(field, format!("{what}: {} overlaps {}", w[0], w[1])));
        }
    }
    Ok(out)
}

impl CalendarSpec {
    /// Checks the spec and resolves it against its parent (already checked).
    pub fn check(&self, parent: Option<&Calendar>) -> Result<Calendar, DomainError> {
        let tz = match (self.time_zone.trim(), parent) {
            ("", Some(p)) => p.tz.clone(),
            ("", None) => return Err(DomainError::invalid("time_zone", "a time zone is needed, e.g. Europe/Berlin")),
            (name, _) => TimeZone::get(name).map_err(|_| DomainError::invalid("time_zone", format!("unknown time zone '{name}'")))?,
        };
        if self.always_open {
            if !self.hours.is_empty() || !self.holidays.is_empty() {
                return Err(DomainError::invalid("always_open", "a 24×7 calendar has no hours or holidays"));
            }
            return Ok(Calendar { tz, always_open: true, week: Default::default(), holidays: BTreeMap::new() });
        }
        let mut week: [Vec<Hours>; 7] = match parent {
            Some(p) if self.hours.is_empty() => p.week.clone(),
            _ => Default::default(),
        };
        for (day, raw) in &self.hours {
            let i = DAYS
                .iter()
                .position(|d| d.eq_ignore_ascii_case(day.trim()))
                .ok_or_else(|| DomainError::invalid("hours", format!("unknown day '{day}' (use mon … sun)")))?;
            week[i] = day_hours("hours", day, raw)?;
        }
        if week.iter().all(Vec::is_empty) {
            return Err(DomainError::invalid("hours", "no working hours on any day (use always_open for 24×7)"));
        }
        let mut holidays = parent.map(|p| p.holidays.clone()).unwrap_or_default();
        let mut own = std::collections::BTreeSet::new();
        for h in &self.holidays {
            let date: Date = h
                .date
                .trim()
                .parse()
                .map_err(|_| DomainError::invalid("holidays", format!("'{}' is not a date like 2026-12-24", h.date)))?;
            if !own.insert(date) {
                return Err(DomainError::invalid("holidays", format!("{date} is listed twice")));
            }
            holidays.insert(date, day_hours("holidays", &h.date, &h.hours)?);
        }
        Ok(Calendar { tz, always_open: false, week, holidays })
    }
}

impl Calendar {
    /// Open around the clock in `tz` (time zone only matters for reports).
    pub fn always(tz: TimeZone) -> Calendar {
        Calendar { tz, always_open: true, week: Default::default(), holidays: BTreeMap::new() }
    }

    /// The working hours of one local date.
    pub fn hours_on(&self, date: Date) -> &[Hours] {
        match self.holidays.get(&date) {
            Some(h) => h,
            None => &self.week[date.weekday().to_monday_zero_offset() as usize],
        }
    }

    fn local_ms(&self, date: Date, minute: u16) -> Option<i64> {
        let (date, minute) = if minute == DAY_MINUTES { (date.tomorrow().ok()?, 0) } else { (date, minute) };
        let dt = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        // A start or end inside a DST gap moves forward with the clock ("compatible").
        Some(self.tz.to_ambiguous_timestamp(dt).compatible().ok()?.as_millisecond())
    }

    /// The open intervals from `from_ms` to `to_ms` (whole local days around them).
    pub fn schedule(&self, from_ms: i64, to_ms: i64) -> Schedule {
        if self.always_open {
            return Schedule { always: true, ..Schedule::default() };
        }
        let date_of = |ms: i64| Timestamp::from_millisecond(ms).map(|t| t.to_zoned(self.tz.clone()).date()).ok();
        let (Some(first), Some(last)) = (date_of(from_ms), date_of(to_ms.max(from_ms))) else {
            return Schedule::default();
        };
        let mut s = Schedule::default();
        let mut day = first.yesterday().unwrap_or(first);
        let end = last.tomorrow().unwrap_or(last);
        while day <= end {
            for h in self.hours_on(day) {
                if let (Some(a), Some(b)) = (self.local_ms(day, h.start), self.local_ms(day, h.end))
                    && b > a
                {
                    s.push(a, b);
                }
            }
            match day.tomorrow() {
                Ok(d) => day = d,
                Err(_) => break,
            }
        }
        s
    }
}

/// The first index in `0..n` for which `below` is false (`below` is true then false).
fn partition(n: usize, below: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if below(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// A calendar's open intervals over a span, as UTC milliseconds, with the open time
/// before each. Outside the span nothing is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    always: bool,
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// Open milliseconds before interval i.
    before: Vec<i64>,
}

impl Schedule {
    fn push(&mut self, a: i64, b: i64) {
        let total = self.total();
        match self.ends.last_mut() {
            // Touching ranges (a night shift over midnight) become one interval.
            Some(e) if *e == a => *e = b,
            Some(e) if *e > a => {
                // A fold can make local ranges overlap in UTC; keep time counted once.
                if b > *e {
                    *e = b;
                }
            }
            _ => {
                self.starts.push(a);
                self.ends.push(b);
                self.before.push(total);
            }
        }
    }

    fn total(&self) -> i64 {
        match (self.before.last(), self.starts.last(), self.ends.last()) {
            (Some(b), Some(s), Some(e)) => b + (e - s),
            _ => 0,
        }
    }

    pub fn is_always(&self) -> bool {
        self.always
    }

    /// Open milliseconds from the start of the span up to `t`.
    fn open_until(&self, t: i64) -> i64 {
        let i = self.starts.partition_point(|&s| s <= t);
        if i == 0 {
            return 0;
        }
        let i = i - 1;
        self.before[i] + (t.min(self.ends[i]) - self.starts[i])
    }

    /// Business milliseconds between two instants (0 when `b` is not after `a`).
    pub fn open_ms(&self, a: i64, b: i64) -> i64 {
        if b <= a {
            0
        } else if self.always {
            b - a
        } else {
            self.open_until(b) - self.open_until(a)
        }
    }

    /// The earliest instant with `ms` business milliseconds after `a`; None when that is
    /// beyond the span. The instant is always within (or at the end of) working hours.
    pub fn add(&self, a: i64, ms: i64) -> Option<i64> {
        if self.always {
            return Some(a + ms.max(0));
        }
        if ms <= 0 {
            return Some(a);
        }
        let goal = self.open_until(a) + ms;
        // The first interval whose running total at its end reaches the goal.
        let k = partition(self.starts.len(), |k| self.before[k] + (self.ends[k] - self.starts[k]) < goal);
        (k < self.starts.len()).then(|| self.starts[k] + (goal - self.before[k]))
    }

    /// Whether `t` is inside working hours (start inclusive, end exclusive).
    pub fn is_open(&self, t: i64) -> bool {
        if self.always {
            return true;
        }
        let i = self.starts.partition_point(|&s| s <= t);
        i > 0 && t < self.ends[i - 1]
    }

    /// Whether `t` is inside or at the edge of working hours.
    pub fn touches_hours(&self, t: i64) -> bool {
        if self.always {
            return true;
        }
        let i = self.starts.partition_point(|&s| s <= t);
        i > 0 && t <= self.ends[i - 1]
    }
}
