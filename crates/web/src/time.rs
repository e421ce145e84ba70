//! Times and durations as the API and the pages write them.

/// RFC 3339 UTC text for an epoch-millisecond instant.
pub(crate) fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.to_string()).unwrap_or_default()
}

/// Short, readable form for pages: `2026-11-22 14:03`.
pub(crate) fn short(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.strftime("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
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
