//! Changing a ticket's fields under optimistic concurrency, with routing run again when
//! its facts changed.

use super::kernel::{By, Kernel, Prepared, change_entries};
use super::watchers::tell_watchers;
use super::*;
use cairn_store::tx;

/// Routing after a change: rules run again when the ticket's facts changed and the
/// caller did not choose the assignment themselves; a ticket moved to a group without an
/// assignee gets the group's automatic assignment. Returns the decision when it changed
/// the ticket (already applied to `ticket`).
async fn reroute(
    c: &mut Conn,
    ticket: &mut Ticket,
    changes: &[ticket::FieldChange],
    chose_assignment: bool,
    matrix: &cairn_domain::ticket::priority::PriorityMatrix,
    now: i64,
) -> Result<Option<routing::Routed>> {
    let t = ticket.tenant_id;
    let facts_changed = changes.iter().any(|ch| matches!(ch.field, "title" | "description" | "category" | "service" | "priority"));
    let regrouped = changes.iter().any(|ch| ch.field == "group") && ticket.assignee_id.is_none();
    let rules = match (facts_changed && !chose_assignment, regrouped) {
        (true, _) => routing_store::rules(c, t).await?,
        (false, true) => Vec::new(),
        (false, false) => return Ok(None),
    };
    let organisation = if rules.iter().any(|r| r.when.organisation.is_some()) {
        directory::user_by_id(c, t, ticket.requester_id).await?.and_then(|u| u.organisation)
    } else {
        None
    };
    let group = match ticket.group_id {
        Some(g) => directory::group_by_id(c, t, g).await?,
        None => None,
    };
    let facts =
        Facts::new(&ticket.title, &ticket.description, ticket.category.clone(), ticket.service.clone(), organisation, ticket.priority);
    let routed =
        routing::decide(c, t, &rules, &facts, Current { group: group.as_ref(), has_assignee: ticket.assignee_id.is_some() }).await?;
    let patch = TicketPatch {
        group: routed.group.as_ref().map(|g| Some((g.id, g.name.clone()))),
        assignee: routed.assignee.as_ref().map(|u| Some((u.id, u.username.clone()))),
        priority: routed.priority,
        tags: (!routed.tags.is_empty()).then(|| [ticket.tags.clone(), routed.tags.clone()].concat()),
        ..TicketPatch::default()
    };
    // Its changes are journaled as the routing entries that explain them.
    let applied = ticket.apply(patch, &CurrentNames::default(), matrix, now)?;
    Ok((!applied.is_empty()).then_some(routed))
}

impl App {
    /// Applies a change if the caller's copy (`expected_version`) is current.
    #[tracing::instrument(name = "update_ticket", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn update_ticket(&self, actor: &Actor, number: &str, expected_version: i64, ch: TicketChange) -> Result<TicketView> {
        let (actor, now, number, kernel) = (actor.clone(), self.now(), number.to_string(), self.kernel.clone());
        self.db.write(tx!(|c| { change(c, &kernel, &actor, &number, expected_version, ch, now).await })).await
    }
}

/// [`App::update_ticket`] inside the caller's transaction.
pub(super) async fn change(
    c: &mut Conn,
    kernel: &Kernel,
    actor: &Actor,
    number: &str,
    expected_version: i64,
    ch: TicketChange,
    now: i64,
) -> Result<TicketView> {
    if !actor.may(Permission::WorkTickets) {
        return Err(AppError::Forbidden("only agents can change tickets; add a reply instead".into()));
    }
    let status = ch.status.as_deref().map(Status::parse).transpose()?;
    let impact = level("impact", ch.impact)?;
    let urgency = level("urgency", ch.urgency)?;
    let t = actor.tenant_id;
    let mut ticket = load(c, &actor.scope(), number).await?;
    if ticket.version != expected_version {
        return Err(AppError::Stale);
    }
    // One cache for the views before and after: unchanged references resolve once.
    let mut cache = NameCache::default();
    let current = cache.view(c, ticket.clone()).await?;
    let group = match ch.group {
        Some(Some(name)) => Some(Some(group_named(c, t, &name).await.map(|g| (g.id, g.name))?)),
        Some(None) => Some(None),
        None => None,
    };
    let effective_group = match &group {
        Some(g) => g.as_ref().map(|(id, _)| *id),
        None => ticket.group_id,
    };
    let assignee = match ch.assignee {
        Some(Some(name)) => {
            let u = user_named(c, t, "assignee", &name).await?;
            check_assignee(c, &u, effective_group).await?;
            Some(Some((u.id, u.username)))
        }
        Some(None) => Some(None),
        // Moving to another group unassigns someone who is not in it.
        None => match (ticket.assignee_id, &group) {
            (Some(a), Some(Some((g, _)))) if !directory::is_member(c, t, *g, a).await? => Some(None),
            _ => None,
        },
    };
    let category = match ch.category {
        Some(Some(name)) => Some(Some(category_named(c, t, &name).await?)),
        other => other,
    };
    let tenant = tenants::by_id(c, t).await?.ok_or_else(|| AppError::NotFound("tenant".into()))?;
    let chose_assignment = group.is_some() || assignee.is_some();
    let patch = TicketPatch {
        title: ch.title,
        description: ch.description,
        status,
        impact,
        urgency,
        category,
        service: ch.service,
        tags: ch.tags,
        priority: None,
        assignee,
        group,
        resolution_code: ch.resolution_code,
        resolution_notes: ch.resolution_notes,
        root_cause: ch.root_cause,
        affected: ch.affected,
    };
    let names = CurrentNames { assignee: current.assignee.clone(), group: current.group.clone() };
    let before = ticket.clone();
    let changes = ticket.apply(patch, &names, &tenant.priority_matrix, now)?;
    // The affected CIs are the CMDB's rows; their change is the ticket's event.
    let cis_changed = match &ch.cis {
        Some(numbers) => crate::cmdb::affected::set(c, &ticket, numbers, actor.user_id, now).await?,
        None => false,
    };
    if changes.is_empty() {
        if cis_changed {
            kernel.touched(c, &Prepared::default(), &ticket, By::user(actor.user_id, true), now).await?;
        }
        return cache.view(c, ticket).await;
    }
    let routed = reroute(c, &mut ticket, &changes, chose_assignment, &tenant.priority_matrix, now).await?;
    if let Some(r) = &routed {
        r.remember_turn(c).await?;
    }
    let mut entries: Vec<Entry> =
        change_entries(&ticket, &changes).into_iter().chain(routed.iter().flat_map(|r| r.entries(ticket.id))).collect();
    if let Some(why) = ch.impact_reason.filter(|_| changes.iter().any(|x| x.field == "impact")) {
        let mut e = Entry::ticket(ticket.id.0, TicketAction::Updated);
        e.field = Some("impact_reason".into());
        e.new = Some(why);
        entries.push(e);
    }
    let by = By::user(actor.user_id, true);
    kernel.update(c, &Prepared::default(), &before, &mut ticket, entries, by, now).await?;
    if let Some(a) = ticket.assignee_id.filter(|a| Some(*a) != current.ticket.assignee_id && *a != actor.user_id) {
        notify(
            c,
            &ticket,
            a,
            News::new(
                NewsKind::Assigned,
                TicketAction::Updated.visibility(Some("assignee")),
                format!("{} was assigned to you", ticket.number),
            ),
            now,
        )
        .await?;
    }
    if ticket.status != current.ticket.status {
        let msg = format!("{} is now {}", ticket.number, ticket.status.label().to_lowercase());
        if ticket.requester_id != actor.user_id {
            notify(
                c,
                &ticket,
                ticket.requester_id,
                News::new(NewsKind::Status, TicketAction::Updated.visibility(Some("status")), msg.clone()),
                now,
            )
            .await?;
        }
        tell_watchers(c, &ticket, actor.user_id, NewsKind::Status, TicketAction::Updated.visibility(Some("status")), &msg, now).await?;
    }
    cache.view(c, ticket).await
}
