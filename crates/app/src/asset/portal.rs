//! The portal's side of assets: a person reports a problem with a device checked out
//! to them. Only its holder may (anyone else is told there is no such asset, as for any
//! asset they cannot see). Requesters cannot set a ticket's affected CIs (that is a
//! change of the ticket, agents' work), yet the device's CI is what the desk needs to
//! see: so the incident is raised here, as the person, routed as any other, and its CI
//! marked affected in the same transaction through the ticket kernel — both are
//! written, or neither.

use cairn_domain::automation::routing::Facts;
use cairn_domain::ids::TicketId;
use cairn_domain::platform::access::{Actor, Permission};
use cairn_domain::platform::news::NewsKind;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::priority::Level;
use cairn_domain::ticket::{self, Ticket, TicketKind};
use cairn_store::asset::assets::AssetRow;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::{automation::routing as routing_store, platform::directory, platform::tenants, tx};

use super::{ENTITY, load};
use crate::automation::routing::{self, Current};
use crate::platform::notify::{News, notify};
use crate::ticket::TicketView;
use crate::ticket::kernel::{By, created_entry};
use crate::{App, AppError, Result};

/// The title of the incident raised about `asset`.
pub fn problem_title(asset: &AssetRow) -> String {
    let a = &asset.asset;
    match a.model.as_deref() {
        Some(m) => format!("Problem with {} {m}", a.tag),
        None => format!("Problem with {}", a.tag),
    }
}

/// The asset tagged `tag` when `actor` holds it; otherwise not found.
async fn held(c: &mut cairn_store::Conn, actor: &Actor, tag: &str) -> Result<AssetRow> {
    let row = load(c, actor.tenant_id, tag).await?;
    if row.asset.assigned_to != Some(actor.user_id) {
        return Err(AppError::NotFound(format!("asset '{}'", tag.trim())));
    }
    Ok(row)
}

impl App {
    /// Raises an incident about the device tagged `tag` as its holder, with its linked
    /// CI (if any) affected, and notes the report in the asset's history.
    #[tracing::instrument(name = "report_equipment_problem", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn report_equipment_problem(&self, actor: &Actor, tag: &str, description: &str) -> Result<TicketView> {
        if description.trim().is_empty() {
            return Err(AppError::invalid("description", "is required: say what is wrong with it"));
        }
        let description = ticket::parse_text("description", description.trim(), true)?;
        // Configuration is read on a reader first, as raising any ticket does.
        let (rules, prepared) = {
            let mut c = self.db.read().await?;
            held(&mut c, actor, tag).await?;
            (routing_store::rules(&mut c, actor.tenant_id).await?, self.kernel.prepare(&mut c, actor.tenant_id, self.now()).await?)
        };
        let (actor, now, kernel, tag) = (actor.clone(), self.now(), self.kernel.clone(), tag.to_string());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let asset = held(c, &actor, &tag).await?;
                let title = ticket::parse_title(&problem_title(&asset))?;
                let numbered = tenants::next_number(c, t, TicketKind::Incident.prefix()).await?;
                let priority = numbered.priority_matrix.priority(Level::MEDIUM, Level::MEDIUM);
                let organisation = if rules.iter().any(|r| r.when.organisation.is_some()) {
                    directory::user_by_id(c, t, actor.user_id).await?.and_then(|u| u.organisation)
                } else {
                    None
                };
                let facts = Facts::new(&title, &description, None, None, organisation, priority);
                let routed = routing::decide(c, t, &rules, &facts, Current { group: None, has_assignee: false }).await?;
                let mut incident = Ticket {
                    tenant_id: t,
                    number: TicketKind::Incident.number(numbered.seq),
                    title,
                    description: description.clone(),
                    priority: routed.priority.unwrap_or(priority),
                    tags: ticket::parse_tags(&routed.tags)?,
                    requester_id: actor.user_id,
                    assignee_id: routed.assignee.as_ref().map(|u| u.id),
                    group_id: routed.group.as_ref().map(|g| g.id),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                    ..Ticket::blank(TicketKind::Incident)
                };
                let group = routed.group.as_ref().map(|g| g.name.clone());
                let assignee = routed.assignee.as_ref().map(|u| u.username.clone());
                let created = created_entry(&incident, group.as_deref(), assignee.as_deref());
                let entries = [vec![created], routed.entries(TicketId(0))].concat();
                let by = By::user(actor.user_id, actor.may(Permission::WorkTickets));
                let inserted = kernel.insert(c, &mut incident, entries, by).await?;
                routed.remember_turn(c).await?;
                if let Some((number, _)) = &asset.ci {
                    crate::cmdb::affected::set(c, &incident, std::slice::from_ref(number), actor.user_id, now).await?;
                }
                let mut e = Entry::action(ENTITY, asset.asset.id, "problem_reported");
                e.new = Some(incident.number.clone());
                journal::append(c, t, Some(actor.user_id), now, &[e]).await?;
                kernel.created(c, &prepared, inserted, &incident).await?;
                if let Some(a) = incident.assignee_id.filter(|a| *a != actor.user_id) {
                    let seen = TicketAction::Updated.visibility(Some("assignee"));
                    let news = News::new(NewsKind::Assigned, seen, format!("{} was assigned to you", incident.number));
                    notify(c, &incident, a, news, now).await?;
                }
                Ok(TicketView { ticket: incident, requester: actor.username.clone(), assignee, group })
            }))
            .await
    }
}
