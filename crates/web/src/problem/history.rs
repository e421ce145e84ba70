//! Problem journal actions in words: a workaround posted, a problem raised from a
//! candidate.

use crate::platform::journal::Entry;

pub(crate) fn line(e: &Entry) -> Option<String> {
    Some(match e.action {
        "workaround_applied" => format!("posted the workaround of {}", e.after()),
        "from_candidate" => format!("raised from a problem candidate of {} similar incidents", e.after()),
        _ => return None,
    })
}
