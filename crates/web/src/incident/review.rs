//! A major incident's post-incident review as the ticket page shows it.

use cairn_store::platform::journal::Recorded;

use crate::platform::history::history_text;
use crate::time::short;

pub(crate) struct ReviewView {
    pub summary: String,
    pub root_cause: String,
    pub actions: String,
    /// (time, ticket number, who, what)
    pub timeline: Vec<(String, String, String, String)>,
}

/// The review's timeline: what happened to the incident and its children, in words.
pub(crate) fn timeline(events: Vec<(String, Recorded)>) -> Vec<(String, String, String, String)> {
    events
        .into_iter()
        .map(|(n, e)| {
            let text = history_text(&e.event.action, e.event.field.as_deref(), e.event.old.as_deref(), e.event.new.as_deref());
            (short(e.event.at), n, e.actor_name.unwrap_or_else(|| "system".into()), text)
        })
        .collect()
}
