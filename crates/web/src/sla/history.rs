//! Service-level journal actions in words: a level applying or no longer applying,
//! its warnings and breaches.

use crate::platform::journal::Entry;

pub(crate) fn line(e: &Entry) -> Option<String> {
    Some(match (e.action, e.field) {
        ("sla_attached", _) => format!("service level {} applies", e.after()),
        ("sla_detached", _) => format!("service level {} no longer applies", e.after()),
        ("sla_warning", Some(t)) => format!("{} has used {} % of its {} target", e.before(), e.after(), t.replace('_', " ")),
        ("sla_breached", Some(t)) => format!("{} breached its {} target", e.after(), t.replace('_', " ")),
        _ => return None,
    })
}
