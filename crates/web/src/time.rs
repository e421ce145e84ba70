/// RFC 3339 UTC text for an epoch-millisecond instant.
pub(crate) fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.to_string()).unwrap_or_default()
}

/// Short, readable form for pages: `2026-11-22 14:03`.
pub(crate) fn short(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.strftime("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}
