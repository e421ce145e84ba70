//! Experience-level agreements: a target over what people say of the service (mean
//! satisfaction rating or effort from surveys) or over what they lived through (a
//! service's availability during its calendar's hours, from the outage windows of its
//! incidents), over a sliding window, with its status and its trend against the window
//! before.

use crate::ids::XlaId;
use serde::{Deserialize, Serialize};

use super::Schedule;
use crate::DomainError;

/// The measures an XLA can be set on.
pub const MEASURES: [&str; 3] = ["csat", "effort", "availability"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Xla {
    #[serde(default)]
    pub id: XlaId,
    pub name: String,
    /// `csat`: mean rating 1 to 5; `effort`: mean ease 1 (very hard) to 5 (very easy).
    pub measure: String,
    /// Only tickets of this service (none: all).
    #[serde(default)]
    pub service: Option<String>,
    /// Only tickets of this group (none: all).
    #[serde(default)]
    pub group: Option<String>,
    /// Availability: the business calendar whose hours count (the service's hours).
    #[serde(default)]
    pub calendar: Option<String>,
    /// The mean to reach or beat, e.g. 4.3; for availability a percentage, e.g. 99.5.
    pub target: f64,
    #[serde(default = "thirty")]
    pub window_days: i64,
}

fn thirty() -> i64 {
    30
}

impl Xla {
    pub fn check(&self) -> Result<(), DomainError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(DomainError::invalid("name", "must be 1 to 100 characters"));
        }
        if !MEASURES.contains(&self.measure.as_str()) {
            return Err(DomainError::invalid("measure", format!("'{}' is not one of {}", self.measure, MEASURES.join(", "))));
        }
        if self.measure == "availability" {
            if self.service.is_none() {
                return Err(DomainError::invalid("service", "availability is measured for one service"));
            }
            if self.calendar.is_none() {
                return Err(DomainError::invalid("calendar", "name the calendar of the service's hours (a 24×7 one for round the clock)"));
            }
            if !(self.target > 0.0 && self.target <= 100.0) {
                return Err(DomainError::invalid("target", format!("{} is not a percentage above 0 and up to 100", self.target)));
            }
        } else {
            if self.calendar.is_some() {
                return Err(DomainError::invalid("calendar", "only availability is measured over a calendar"));
            }
            if !(1.0..=5.0).contains(&self.target) {
                return Err(DomainError::invalid("target", format!("{} is not a mean from 1 to 5", self.target)));
            }
        }
        if !(1..=365).contains(&self.window_days) {
            return Err(DomainError::invalid("window_days", "must be 1 to 365"));
        }
        Ok(())
    }
}

/// The share of the calendar's open time from `from` to `to` that no outage covered,
/// in percent; None when the calendar is closed all that time. Outages are (start, end)
/// with no end while they last; overlapping ones count once.
pub fn availability(schedule: &Schedule, outages: &[(i64, Option<i64>)], from: i64, to: i64) -> Option<f64> {
    let open = schedule.open_ms(from, to);
    if open <= 0 {
        return None;
    }
    let mut spans: Vec<(i64, i64)> = outages.iter().map(|&(a, b)| (a.max(from), b.unwrap_or(to).min(to))).filter(|(a, b)| a < b).collect();
    spans.sort_unstable();
    let mut down = 0;
    let mut current: Option<(i64, i64)> = None;
    for (a, b) in spans {
        current = match current {
            Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                down += schedule.open_ms(ca, cb);
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((a, b)) = current {
        down += schedule.open_ms(a, b);
    }
    Some(100.0 * (open - down) as f64 / open as f64)
}

/// Where an XLA stands: met, missed, or no data in the window.
pub fn status(current: Option<f64>, target: f64) -> &'static str {
    match current {
        None => "no_data",
        Some(v) if v >= target => "met",
        Some(_) => "missed",
    }
}

/// Up, down or flat against the previous window (a change under 0.05 is flat).
pub fn trend(current: Option<f64>, previous: Option<f64>) -> &'static str {
    match (current, previous) {
        (Some(c), Some(p)) if c - p >= 0.05 => "up",
        (Some(c), Some(p)) if p - c >= 0.05 => "down",
        (Some(_), Some(_)) => "flat",
        _ => "new",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_and_trend() {
        assert_eq!(status(Some(4.3), 4.3), "met");
        assert_eq!(status(Some(4.0), 4.3), "missed");
        assert_eq!(status(None, 4.3), "no_data");
        assert_eq!(trend(Some(4.4), Some(4.0)), "up");
        assert_eq!(trend(Some(4.0), Some(4.02)), "flat");
        assert_eq!(trend(Some(3.0), None), "new");
        let x = Xla {
            id: XlaId(0),
            name: "Email".into(),
            measure: "nps".into(),
            service: None,
            group: None,
            calendar: None,
            target: 4.3,
            window_days: 30,
        };
        assert!(x.check().unwrap_err().to_string().starts_with("measure"));
        let a = Xla { measure: "availability".into(), service: Some("Email".into()), ..x };
        assert!(a.check().unwrap_err().to_string().starts_with("calendar"));
        let a = Xla { calendar: Some("24x7".into()), target: 99.5, ..a };
        assert!(a.check().is_ok());
        assert!(Xla { target: 101.0, ..a }.check().unwrap_err().to_string().starts_with("target"));
    }
}
