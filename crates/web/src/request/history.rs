//! Request journal actions in words: approvals asked, decided, reminded and escalated;
//! fulfilment tasks opened, and cancelled with their request.

use crate::platform::journal::Entry;

pub(crate) fn line(e: &Entry) -> Option<String> {
    Some(match (e.action, e.field) {
        ("approval_requested", Some(stage)) => format!("asked {} to approve ({stage})", e.after()),
        ("approved" | "rejected", Some(how)) => {
            let why = e.new.filter(|c| !c.is_empty()).map(|c| format!(": \u{201c}{c}\u{201d}")).unwrap_or_default();
            format!("{} the request ({how}){why}", e.action)
        }
        ("approval_reminded", _) => format!("reminded {} to approve", e.after()),
        ("approval_escalated", _) => format!("escalated the approval to {}", e.after()),
        ("task_added", Some(step)) => format!("opened the task \u{201c}{}\u{201d} ({step})", e.after()),
        ("cancelled_with_request", _) => format!("cancelled: {}", e.after()),
        _ => return None,
    })
}
