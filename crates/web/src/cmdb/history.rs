//! The CMDB's journal lines on tickets in words: affected CIs set, impact applied.

use crate::platform::journal::Entry;

pub(crate) fn line(e: &Entry) -> Option<String> {
    Some(match (e.action, e.field) {
        ("updated", Some("cis")) => format!("set the affected CIs to {} (were {})", e.after(), e.before()),
        ("updated", Some("impact_reason")) => format!("raised the impact from the CMDB: {}", e.after()),
        _ => return None,
    })
}
