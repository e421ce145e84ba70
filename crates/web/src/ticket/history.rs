//! The ticket core's journal actions in words: raised, edited, replied, linked, merged,
//! watched, reopened, closed, confirmed, withdrawn, time logged, a macro applied.

use cairn_domain::ticket::status::Status;

use crate::platform::journal::{Entry, shown};
use crate::time::minutes;

pub(crate) fn line(e: &Entry) -> Option<String> {
    Some(match (e.action, e.field) {
        ("created", _) => "created the ticket".into(),
        ("updated", Some("description")) => "edited the description".into(),
        ("updated", Some("status")) => {
            let label = |x: Option<&str>| x.and_then(|s| Status::parse(s).ok()).map_or_else(|| shown(x), |s| s.label().to_lowercase());
            format!("changed status from {} to {}", label(e.old), label(e.new))
        }
        ("updated", Some(f)) => format!("changed {} from {} to {}", field_label(f), e.before(), e.after()),
        ("commented", Some("note")) => "added an internal note".into(),
        ("commented", _) => "replied".into(),
        ("linked", Some(kind)) => format!("linked {} {}", kind.replace('_', " "), e.after()),
        ("merged", Some("into")) => format!("merged this ticket into {}", e.after()),
        ("merged", _) => format!("merged {} into this ticket", e.after()),
        ("watcher_added", _) => format!("added watcher {}", e.after()),
        ("watcher_removed", _) => format!("removed watcher {}", e.after()),
        ("reopened", _) => format!("reopened the ticket ({})", e.after()),
        ("auto_closed", _) => format!("closed the ticket ({})", e.after()),
        ("confirmed", _) => "confirmed the resolution and closed the ticket".to_string(),
        ("withdrawn", _) => e.after().replace("the requester withdrew it", "withdrew the request"),
        ("macro_applied", _) => format!("applied the macro “{}”", e.after()),
        ("time_logged", _) => format!("logged time, {} in all", minutes(e.new.and_then(|m| m.parse().ok()).unwrap_or(0))),
        _ => return None,
    })
}

/// A ticket field as people call it.
fn field_label(field: &str) -> String {
    match field {
        "resolution_code" => "the resolution code".into(),
        "resolution_notes" => "the resolution notes".into(),
        "root_cause" => "the root cause".into(),
        "affected" => "the affected items".into(),
        "major_manager" => "the major incident manager".into(),
        "time_spent" => "the time spent".into(),
        other => other.replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_in_words() {
        let e = Entry { action: "updated", field: Some("resolution_code"), old: None, new: Some("fixed") };
        assert_eq!(line(&e).unwrap(), "changed the resolution code from — to fixed");
    }
}
