//! Journal lines in words, as the ticket page's history and a review's timeline show
//! them. Each practice words the actions it writes; the first that knows an action
//! says it, and an action none knows shows as its name.

use super::journal::Entry;

/// The practices' wordings, tried in turn.
const PRACTICES: [fn(&Entry) -> Option<String>; 7] = [
    crate::cmdb::history::line,
    crate::ticket::history::line,
    crate::incident::history::line,
    crate::problem::history::line,
    crate::request::history::line,
    crate::sla::history::line,
    crate::automation::history::line,
];

pub(crate) fn history_text(action: &str, field: Option<&str>, old: Option<&str>, new: Option<&str>) -> String {
    let e = Entry { action, field, old, new };
    PRACTICES.iter().find_map(|line| line(&e)).unwrap_or_else(|| action.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use super::history_text;

    #[test]
    fn each_practice_words_its_own_actions_and_others_show_their_name() {
        assert_eq!(history_text("updated", Some("status"), Some("new"), Some("resolved")), "changed status from new to resolved");
        assert_eq!(history_text("escalated", Some("group"), Some("Desk"), Some("Network")), "escalated from Desk to Network");
        assert_eq!(history_text("from_candidate", None, None, Some("4")), "raised from a problem candidate of 4 similar incidents");
        assert_eq!(history_text("approved", Some("portal"), None, Some("ok")), "approved the request (portal): \u{201c}ok\u{201d}");
        assert_eq!(history_text("sla_breached", Some("first_response"), None, Some("Gold")), "Gold breached its first response target");
        assert_eq!(history_text("auto_assigned", None, Some("round_robin"), Some("ada")), "assigned ada automatically (round robin)");
        assert_eq!(history_text("escalated", None, None, None), "escalated", "a known action with an unknown field");
        assert_eq!(history_text("something_new", None, None, None), "something new");
    }
}
