//! Journal lines in words, as the ticket page's history and a review's timeline show
//! them.

use cairn_domain::ticket::status::Status;

use crate::time::minutes;

pub(crate) fn history_text(action: &str, field: Option<&str>, old: Option<&str>, new: Option<&str>) -> String {
    let v = |x: Option<&str>| x.filter(|s| !s.is_empty()).unwrap_or("—").to_string();
    match (action, field) {
        ("created", _) => "created the ticket".into(),
        ("updated", Some("description")) => "edited the description".into(),
        ("updated", Some("status")) => {
            let label = |x: Option<&str>| x.and_then(|s| Status::parse(s).ok()).map_or_else(|| v(x), |s| s.label().to_lowercase());
            format!("changed status from {} to {}", label(old), label(new))
        }
        ("updated", Some(f)) => format!("changed {} from {} to {}", f, v(old), v(new)),
        ("commented", Some("note")) => "added an internal note".into(),
        ("commented", _) => "replied".into(),
        ("linked", Some(kind)) => format!("linked {} {}", kind.replace('_', " "), v(new)),
        ("routed", Some("rule")) => format!("routing rule \u{201c}{}\u{201d} matched", v(new)),
        ("routed", Some(f)) => format!("routing set {} to {}", f, v(new)),
        ("merged", Some("into")) => format!("merged this ticket into {}", v(new)),
        ("merged", _) => format!("merged {} into this ticket", v(new)),
        ("synced", _) => format!("resolved with its parent {}", v(new)),
        ("major_declared", _) => format!("declared a major incident, managed by {}", v(new)),
        ("communicated", _) => "sent a communication update".into(),
        ("review_updated", _) => "updated the post-incident review".into(),
        ("watcher_added", _) => format!("added watcher {}", v(new)),
        ("watcher_removed", _) => format!("removed watcher {}", v(new)),
        ("workaround_applied", _) => format!("posted the workaround of {}", v(new)),
        ("reopened", _) => format!("reopened the ticket ({})", v(new)),
        ("auto_closed", _) => format!("closed the ticket ({})", v(new)),
        ("confirmed", _) => "confirmed the resolution and closed the ticket".to_string(),
        ("withdrawn", _) => v(new).replace("the requester withdrew it", "withdrew the request"),
        ("escalated", Some("group")) => format!("escalated from {} to {}", v(old), v(new)),
        ("escalated", Some("manager")) => format!("escalated to {}, manager of {}", v(new), v(old)),
        ("escalated", Some("reason")) => format!("escalation reason: {}", v(new)),
        ("time_logged", _) => format!("logged time, {} in all", minutes(new.and_then(|m| m.parse().ok()).unwrap_or(0))),
        ("sla_attached", _) => format!("service level {} applies", v(new)),
        ("sla_detached", _) => format!("service level {} no longer applies", v(new)),
        ("sla_warning", Some(t)) => format!("{} has used {} % of its {} target", v(old), v(new), t.replace('_', " ")),
        ("sla_breached", Some(t)) => format!("{} breached its {} target", v(new), t.replace('_', " ")),
        ("from_candidate", _) => format!("raised from a problem candidate of {} similar incidents", v(new)),
        ("approval_requested", Some(stage)) => format!("asked {} to approve ({stage})", v(new)),
        ("approved" | "rejected", Some(how)) => {
            let why = new.filter(|c| !c.is_empty()).map(|c| format!(": \u{201c}{c}\u{201d}")).unwrap_or_default();
            format!("{action} the request ({how}){why}")
        }
        ("approval_reminded", _) => format!("reminded {} to approve", v(new)),
        ("approval_escalated", _) => format!("escalated the approval to {}", v(new)),
        ("task_added", Some(step)) => format!("opened the task \u{201c}{}\u{201d} ({step})", v(new)),
        ("cancelled_with_request", _) => format!("cancelled: {}", v(new)),
        ("auto_assigned", _) => format!("assigned {} automatically ({})", v(new), v(old).replace('_', " ")),
        (a, _) => a.replace('_', " "),
    }
}
