//! Reading plain form fields, and writing values into the links of a page.

use cairn_app::AppError;

/// A form field left blank is no value.
pub(crate) fn filled(v: String) -> Option<String> {
    Some(v.trim().to_string()).filter(|v| !v.is_empty())
}

/// A comma-separated form field as a list.
pub(crate) fn list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// A whole number, or none when blank; the refusal names `field`.
pub(crate) fn number(field: &'static str, v: &str) -> Result<Option<i64>, AppError> {
    match v.trim() {
        "" => Ok(None),
        n => n.parse().map(Some).map_err(|_| AppError::invalid(field, format!("'{n}' is not a number"))),
    }
}

/// Minimal percent-encoding for query values we put in links.
pub(crate) fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
