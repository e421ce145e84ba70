//! A ticket's history as service-level steps, rebuilt from its journal: the facts it
//! was opened with, then each change of a field the conditions can test, and each
//! public reply by an agent.

use super::clock::Step;
use super::condition::Facts;

/// One journal event of the ticket, as replay needs it.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub at: i64,
    pub action: &'a str,
    pub field: Option<&'a str>,
    pub new: Option<&'a str>,
    /// Written by an agent (for replies).
    pub by_agent: bool,
}

/// The fields the "created" journal event records (its value is a JSON object of them).
pub const OPENED_FIELDS: [&str; 7] = ["status", "priority", "category", "service", "group", "assignee", "tags"];

fn set(f: &mut Facts, field: &str, new: Option<&str>, add_tags: bool) {
    let value = new.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    match field {
        "status" => f.status = value.unwrap_or_default(),
        "priority" => f.priority = value.and_then(|v| v.parse().ok()).unwrap_or(f.priority),
        "category" => f.category = value,
        "service" => f.service = value,
        "group" => f.group = value,
        "assignee" => f.assignee = value,
        "tags" => {
            let tags = value.map(|v| v.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()).unwrap_or_default();
            if add_tags {
                for t in tags {
                    if !f.tags.contains(&t) {
                        f.tags.push(t);
                    }
                }
            } else {
                f.tags = tags;
            }
        }
        _ => {}
    }
}

/// The steps of a ticket of `kind` raised by someone of `organisation`, from its
/// journal events in order: one step per moment at which its facts changed.
pub fn steps(kind: &str, organisation: Option<&str>, events: &[Event<'_>]) -> Vec<Step> {
    let mut f = Facts { kind: kind.to_string(), status: "new".into(), organisation: organisation.map(str::to_string), ..Facts::default() };
    let mut out: Vec<Step> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let at = events[i].at;
        let before = f.clone();
        while i < events.len() && events[i].at == at {
            let e = events[i];
            match (e.action, e.field) {
                ("created", Some("facts")) => {
                    let facts: std::collections::BTreeMap<String, String> =
                        e.new.and_then(|n| serde_json::from_str(n).ok()).unwrap_or_default();
                    for (field, value) in &facts {
                        set(&mut f, field, Some(value), false);
                    }
                }
                ("updated", Some(field)) => set(&mut f, field, e.new, false),
                ("routed", Some(field)) => set(&mut f, field, e.new, true),
                ("commented", Some("reply")) | ("workaround_applied" | "communicated", _) if e.by_agent => f.agent_replies += 1,
                ("replies_moved", _) => f.agent_replies += e.new.and_then(|n| n.parse::<u32>().ok()).unwrap_or(0),
                _ => {}
            }
            i += 1;
        }
        if out.is_empty() || f != before {
            out.push(Step { at, facts: f.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e<'a>(at: i64, action: &'a str, field: &'a str, new: &'a str) -> Event<'a> {
        Event { at, action, field: Some(field), new: Some(new), by_agent: true }
    }

    #[test]
    fn the_journal_gives_the_facts_at_each_moment() {
        let events = [
            e(1, "created", "facts", r#"{"status": "new", "priority": "3"}"#),
            e(1, "routed", "group", "Network"),
            e(1, "routed", "tags", "vpn"),
            e(5, "updated", "status", "on_hold"),
            e(5, "updated", "title", "x"),
            e(7, "commented", "note", "internal"),
            e(8, "commented", "reply", "hello"),
            e(9, "updated", "tags", "vpn, urgent"),
        ];
        let s = steps("incident", Some("Acme"), &events);
        let at: Vec<i64> = s.iter().map(|s| s.at).collect();
        assert_eq!(at, [1, 5, 8, 9], "a note changes nothing the clocks see");
        assert_eq!(
            (s[0].facts.priority, s[0].facts.group.as_deref(), s[0].facts.tags.clone()),
            (3, Some("Network"), vec!["vpn".to_string()])
        );
        assert_eq!(s[1].facts.status, "on_hold");
        assert_eq!(s[2].facts.agent_replies, 1);
        assert_eq!(s[3].facts.tags, ["vpn", "urgent"]);
        assert_eq!(s[3].facts.organisation.as_deref(), Some("Acme"));
    }
}
