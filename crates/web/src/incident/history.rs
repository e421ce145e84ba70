//! Incident journal actions in words: escalations, major incidents, communication
//! updates, reviews, and children resolved with their parent.

use crate::platform::journal::Entry;

pub(crate) fn line(e: &Entry) -> Option<String> {
    Some(match (e.action, e.field) {
        ("synced", _) => format!("resolved with its parent {}", e.after()),
        ("major_declared", _) => format!("declared a major incident, managed by {}", e.after()),
        ("communicated", _) => "sent a communication update".into(),
        ("review_updated", _) => "updated the post-incident review".into(),
        ("escalated", Some("group")) => format!("escalated from {} to {}", e.before(), e.after()),
        ("escalated", Some("manager")) => format!("escalated to {}, manager of {}", e.after(), e.before()),
        ("escalated", Some("reason")) => format!("escalation reason: {}", e.after()),
        _ => return None,
    })
}
