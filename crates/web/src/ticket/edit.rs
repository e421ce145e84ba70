//! The ticket fields form as typed: the change it asks for, and the ticket as the user
//! typed it, to show again when the change is refused.

use cairn_app::ticket::TicketChange;
use serde::Deserialize;

use super::view::TView;
use crate::platform::form::{filled, list};

#[derive(Deserialize, Clone, Default)]
pub(crate) struct UpdateForm {
    pub version: i64,
    title: Option<String>,
    description: Option<String>,
    status: Option<String>,
    impact: Option<i64>,
    urgency: Option<i64>,
    category: Option<String>,
    group: Option<String>,
    assignee: Option<String>,
    service: Option<String>,
    tags: Option<String>,
    resolution_code: Option<String>,
    resolution_notes: Option<String>,
    root_cause: Option<String>,
    affected: Option<String>,
}

impl UpdateForm {
    /// The change the form asks for; fields it does not carry stay as they are.
    pub fn change(&self) -> TicketChange {
        let clearable = |v: &Option<String>| v.clone().map(filled);
        // The form always carries the resolution fields; they count only when resolving.
        let resolving = matches!(self.status.as_deref(), Some("resolved" | "closed"));
        TicketChange {
            title: self.title.clone(),
            description: self.description.clone(),
            status: self.status.clone(),
            impact: self.impact,
            urgency: self.urgency,
            category: clearable(&self.category),
            group: clearable(&self.group),
            assignee: clearable(&self.assignee),
            service: clearable(&self.service),
            tags: self.tags.as_deref().map(list),
            root_cause: self.root_cause.clone().filter(|r| !r.trim().is_empty()),
            affected: self.affected.as_deref().map(list),
            // Affected CIs have their own form on the ticket page.
            cis: None,
            impact_reason: None,
            resolution_code: self.resolution_code.clone().filter(|c| resolving && !c.is_empty()),
            resolution_notes: self.resolution_notes.clone().filter(|n| resolving && !n.trim().is_empty()),
        }
    }

    /// The stored ticket as this form had it typed.
    pub fn over(&self, mut t: TView) -> TView {
        let set = |to: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                to.clone_from(v);
            }
        };
        set(&mut t.title, &self.title);
        set(&mut t.description, &self.description);
        set(&mut t.status, &self.status);
        set(&mut t.category, &self.category);
        set(&mut t.group, &self.group);
        set(&mut t.assignee, &self.assignee);
        set(&mut t.service, &self.service);
        set(&mut t.tags, &self.tags);
        set(&mut t.resolution_code, &self.resolution_code);
        set(&mut t.resolution_notes, &self.resolution_notes);
        set(&mut t.root_cause, &self.root_cause);
        set(&mut t.affected, &self.affected);
        set(&mut t.impact, &self.impact.map(|v| v.to_string()));
        set(&mut t.urgency, &self.urgency.map(|v| v.to_string()));
        t
    }
}
