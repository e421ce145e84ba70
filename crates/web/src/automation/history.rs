//! Automation journal actions in words: a routing rule matching and what it set, and
//! assignment by a group's automatic mode.

use crate::platform::journal::Entry;

pub(crate) fn line(e: &Entry) -> Option<String> {
    Some(match (e.action, e.field) {
        ("routed", Some("rule")) => format!("routing rule \u{201c}{}\u{201d} matched", e.after()),
        ("routed", Some(f)) => format!("routing set {} to {}", f, e.after()),
        ("auto_assigned", _) => format!("assigned {} automatically ({})", e.after(), e.before().replace('_', " ")),
        _ => return None,
    })
}
