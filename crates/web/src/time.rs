//! Times and durations as the API and the pages write them.

/// RFC 3339 UTC text for an epoch-millisecond instant.
pub(crate) fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.to_string()).unwrap_or_default()
}

tokio::task_local! {
    /// The zone of the person a page is drawn for; UTC outside a page.
    static ZONE: jiff::tz::TimeZone;
}

/// Runs `page` with its times written in `zone`.
pub(crate) async fn in_zone<F: std::future::Future>(zone: jiff::tz::TimeZone, page: F) -> F::Output {
    ZONE.scope(zone, page).await
}

fn zone() -> jiff::tz::TimeZone {
    ZONE.try_with(Clone::clone).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// Short, readable form for pages, in the reader's zone and labelled with it:
/// `2026-11-22 15:03 CET`.
pub(crate) fn short(ms: i64) -> String {
    short_in(ms, &zone())
}

fn short_in(ms: i64, zone: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M %Z").to_string()).unwrap_or_default()
}

/// Minutes as "1 h 05 min" or "25 min".
pub(crate) fn minutes(m: i64) -> String {
    if m >= 60 { format!("{} h {:02} min", m / 60, m % 60) } else { format!("{m} min") }
}

/// A day (2026-06-01, UTC midnight) or an instant (RFC 3339) as epoch milliseconds;
/// `default` when blank. The refusal names `field`.
pub(crate) fn instant(field: &'static str, raw: Option<&str>, default: i64) -> Result<i64, cairn_app::AppError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(default) };
    if let Ok(t) = raw.parse::<jiff::Timestamp>() {
        return Ok(t.as_millisecond());
    }
    raw.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_millisecond())
        .ok_or_else(|| cairn_app::AppError::invalid(field, format!("'{raw}' is not a date (2026-06-01) or an instant (RFC 3339)")))
}

/// How far `at` is from `now`, in words: "in 2 h 10 min", "35 min ago", "in 3 d 4 h";
/// "now" within a minute.
pub(crate) fn relative(at: i64, now: i64) -> String {
    let span = between(at, now);
    match at.cmp(&now) {
        _ if span.is_empty() => "now".into(),
        std::cmp::Ordering::Greater => format!("in {span}"),
        _ => format!("{span} ago"),
    }
}

/// The time between two instants in words ("2 h 10 min"); empty under a minute.
pub(crate) fn between(a: i64, b: i64) -> String {
    span(a.abs_diff(b) / 60_000)
}

/// Whole minutes as the two largest units: "3 d 4 h", "2 h 10 min", "35 min"; empty
/// under a minute.
fn span(minutes: u64) -> String {
    let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (d, h, m) {
        (0, 0, 0) => String::new(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::{relative, short_in};

    #[test]
    fn short_times_are_in_the_zone_and_say_which() {
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        let (winter, summer) = (1_764_000_000_000, 1_751_000_000_000);
        assert_eq!(short_in(winter, &jiff::tz::TimeZone::UTC), "2025-11-24 16:00 UTC");
        assert_eq!(short_in(winter, &berlin), "2025-11-24 17:00 CET");
        assert!(short_in(summer, &berlin).ends_with(" CEST"), "{}", short_in(summer, &berlin));
    }

    #[test]
    fn relative_times_name_the_two_largest_units() {
        let min = 60_000;
        assert_eq!(relative(130 * min, 0), "in 2 h 10 min");
        assert_eq!(relative(0, 35 * min), "35 min ago");
        assert_eq!(relative((3 * 1440 + 4 * 60 + 59) * min, 0), "in 3 d 4 h");
        assert_eq!(relative(0, 120 * min), "2 h ago");
        assert_eq!(relative(59_000, 0), "now");
        assert_eq!(relative(0, 2 * 1440 * min + 5 * min), "2 d ago");
    }
}
