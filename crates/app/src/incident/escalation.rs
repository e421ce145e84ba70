//! Escalation. Functional: the ticket moves to a group with the skills it needs, with
//! the reason, and that group's automatic assignment picks the new assignee.
//! Hierarchical: the manager of the ticket's group is told and watches the ticket.
//! Both are journaled with their reason.

use cairn_domain::automation::routing::Facts;
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::{self, TicketPatch};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;
use cairn_store::{platform::directory, ticket as store, ticket::watchers};

use crate::automation::routing::{Current, decide};
use crate::platform::notify::{News, notify};
use crate::ticket::kernel::{By, Prepared, change_entries};
use crate::ticket::{current_names, load};
use crate::{App, AppError, Result, agents_only};
use cairn_domain::platform::news::NewsKind;

/// Where an escalation goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escalation {
    /// Reassign to this group.
    Functional { group: String },
    /// Tell the manager of the ticket's group.
    Hierarchical,
}

fn escalated(ticket: i64, field: &str, old: Option<String>, new: Option<String>) -> Entry {
    Entry { entity: "ticket", entity_id: ticket, action: TicketAction::Escalated.as_str(), field: Some(field.into()), old, new }
}

impl App {
    /// Escalates a ticket; returns who now has it (functional) or who was told (hierarchical).
    #[tracing::instrument(name = "escalate", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn escalate(&self, actor: &Actor, number: &str, to: Escalation, reason: &str) -> Result<String> {
        agents_only(actor)?;
        let reason = ticket::parse_text("reason", reason, true)?;
        let (actor, now, number, kernel) = (actor.clone(), self.now(), number.to_string(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let mut tk = load(c, &actor.scope(), &number).await?;
                if !tk.status.is_open() {
                    return Err(AppError::invalid("number", format!("{} is {}", tk.number, tk.status.as_str())));
                }
                let current = match tk.group_id {
                    Some(g) => directory::group_by_id(c, t, g).await?,
                    None => None,
                };
                let why = escalated(tk.id.0, "reason", None, Some(reason.clone()));
                match to {
                    Escalation::Functional { group } => {
                        let g = directory::group_by_name(c, t, group.trim())
                            .await?
                            .ok_or_else(|| AppError::invalid("group", format!("no group '{}'", group.trim())))?;
                        if current.as_ref().is_some_and(|cur| cur.id == g.id) {
                            return Err(AppError::invalid("group", format!("{} is already with {}", tk.number, g.name)));
                        }
                        let facts = Facts::new(&tk.title, "", None, None, None, tk.priority);
                        let routed = decide(c, t, &[], &facts, Current { group: Some(&g), has_assignee: false }).await?;
                        let names = current_names(c, &tk).await?;
                        let patch = TicketPatch {
                            group: Some(Some((g.id, g.name.clone()))),
                            assignee: Some(routed.assignee.as_ref().map(|u| (u.id, u.username.clone()))),
                            ..TicketPatch::default()
                        };
                        let before = tk.clone();
                        let changes = tk.apply(patch, &names, &Default::default(), now)?;
                        routed.remember_turn(c).await?;
                        let mut entries = vec![escalated(tk.id.0, "group", names.group, Some(g.name.clone())), why];
                        entries.extend(change_entries(&tk, &changes));
                        entries.extend(routed.entries(tk.id));
                        let by = By::user(actor.user_id, true);
                        kernel.update(c, &Prepared::default(), &before, &mut tk, entries, by, now).await?;
                        let message = format!("{} was escalated to {}: {reason}", tk.number, g.name);
                        for to in [routed.assignee.as_ref().map(|u| u.id), g.manager].into_iter().flatten() {
                            if to != actor.user_id {
                                notify(
                                    c,
                                    &tk,
                                    to,
                                    News::new(NewsKind::Other, TicketAction::Escalated.visibility(None), message.clone()),
                                    now,
                                )
                                .await?;
                            }
                        }
                        Ok(routed.assignee.map(|u| u.username).unwrap_or(g.name))
                    }
                    Escalation::Hierarchical => {
                        let g = current
                            .ok_or_else(|| AppError::invalid("group", format!("{} has no group whose manager could be told", tk.number)))?;
                        let manager = match g.manager {
                            Some(m) => directory::user_by_id(c, t, m).await?.filter(|u| !u.disabled),
                            None => None,
                        }
                        .ok_or_else(|| AppError::invalid("manager", format!("group {} has no manager", g.name)))?;
                        watchers::add(c, t, tk.id, manager.id).await?;
                        store::touch(c, &actor.scope(), tk.id, now).await?;
                        let entries = [escalated(tk.id.0, "manager", Some(g.name.clone()), Some(manager.username.clone())), why];
                        journal::append(c, t, Some(actor.user_id), now, &entries).await?;
                        let message = format!("{} was escalated to you as manager of {}: {reason}", tk.number, g.name);
                        notify(c, &tk, manager.id, News::new(NewsKind::Other, TicketAction::Escalated.visibility(None), message), now)
                            .await?;
                        Ok(manager.username)
                    }
                }
            }))
            .await
    }
}
