//! Raising a ticket: references checked, routing rules applied, numbered and written
//! through the kernel, idempotent under a retried `Idempotency-Key`.

use super::kernel::{By, created_entry};
use super::*;
use cairn_domain::request::fulfilment::Plan;
use cairn_store::tx;

impl App {
    /// Raises a ticket. With an idempotency key, a retry returns the first result: when
    /// two identical requests race (PostgreSQL), the loser's insert of the key conflicts,
    /// its transaction rolls back whole, and running it again finds the winner's ticket.
    #[tracing::instrument(name = "create_ticket", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn create_ticket(&self, actor: &Actor, req: NewTicket, idempotency_key: Option<String>) -> Result<Created> {
        match self.create_ticket_once(actor, req.clone(), idempotency_key.clone()).await {
            Err(AppError::Conflict(_)) if idempotency_key.is_some() => self.create_ticket_once(actor, req, idempotency_key).await,
            other => other,
        }
    }

    async fn create_ticket_once(&self, actor: &Actor, req: NewTicket, idempotency_key: Option<String>) -> Result<Created> {
        let title = ticket::parse_title(&req.title)?;
        let description = ticket::parse_text("description", &req.description, false)?;
        let impact = level("impact", req.impact)?.unwrap_or(Level::MEDIUM);
        let urgency = level("urgency", req.urgency)?.unwrap_or(Level::MEDIUM);
        if !actor.may(Permission::WorkTickets) && (req.assignee.is_some() || req.group.is_some() || !req.tags.is_empty()) {
            return Err(AppError::Forbidden("requesters cannot assign or tag tickets".into()));
        }
        let tags = ticket::parse_tags(&req.tags)?;
        let kind = req.kind.as_deref().map(TicketKind::parse).transpose()?.unwrap_or(TicketKind::Incident);
        if kind == TicketKind::Problem && !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("requesters report incidents; problems are raised by agents".into()));
        }
        if (kind == TicketKind::Request) != req.order.is_some() {
            return Err(AppError::invalid("kind", "requests are ordered from the catalog (POST /api/v1/catalog/items/{id}/order)"));
        }
        if kind == TicketKind::Task {
            return Err(AppError::invalid("kind", "tasks are opened by their request's fulfilment, not by hand"));
        }
        let first_status = match &req.order {
            Some(o) => Plan::from_json(&o.approvals, &o.tasks)
                .map_err(|e| AppError::Internal(format!("requested item {}: {e}", o.item_id)))?
                .first_status(),
            None => Status::New,
        };
        // Affected items go through the same checks as on a change.
        let mut probe = Ticket::blank(kind);
        probe.apply(
            TicketPatch { affected: Some(req.affected.clone()), ..TicketPatch::default() },
            &CurrentNames::default(),
            &Default::default(),
            0,
        )?;
        let affected = probe.affected;
        let service = req.service.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if let Some(k) = &idempotency_key
            && (k.is_empty() || k.len() > 200)
        {
            return Err(AppError::invalid("Idempotency-Key", "must be 1 to 200 characters"));
        }
        let request_hash = hex::encode(Sha256::digest(serde_json::to_vec(&req).unwrap_or_default()));
        // Configuration is read as the request arrives, on a reader, keeping the writer's
        // work short: the routing rules and what the effects prepare (service levels).
        let (rules, prepared) = {
            let mut c = self.db.read().await?;
            (routing_store::rules(&mut c, actor.tenant_id).await?, self.kernel.prepare(&mut c, actor.tenant_id, self.now()).await?)
        };
        let (actor, now, kernel) = (actor.clone(), self.now(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let scope = actor.scope();
                let t = actor.tenant_id;
                if let Some(key) = &idempotency_key
                    && let Some((id, hash)) = store::idempotent_create(c, &scope, actor.user_id, key).await?
                {
                    if hash != request_hash {
                        return Err(AppError::Conflict("this Idempotency-Key was used for a different request".into()));
                    }
                    let existing = store::by_id(c, &scope, id).await?.ok_or_else(|| AppError::NotFound("ticket".into()))?;
                    return Ok(Created { view: view(c, existing).await?, created: false });
                }
                // References are resolved once here and reused for the response.
                let (requester, requester_name) = match req.requester.as_deref() {
                    Some(name) if name != actor.username => {
                        if !actor.may(Permission::RaiseForOthers) {
                            return Err(AppError::Forbidden("requesters raise tickets for themselves only".into()));
                        }
                        let u = user_named(c, t, "requester", name).await?;
                        (u.id, u.username)
                    }
                    _ => (actor.user_id, actor.username.clone()),
                };
                let group = match req.group.as_deref() {
                    Some(g) => Some(group_named(c, t, g).await?),
                    None => None,
                };
                let assignee = match req.assignee.as_deref() {
                    Some(a) => {
                        let u = user_named(c, t, "assignee", a).await?;
                        check_assignee(c, &u, group.as_ref().map(|g| g.id)).await?;
                        Some(u)
                    }
                    None => None,
                };
                let category = match req.category.as_deref() {
                    Some(cat) => Some(category_named(c, t, cat).await?),
                    None => None,
                };
                let numbered = tenants::next_number(c, t, kind.prefix()).await?;
                let priority = numbered.priority_matrix.priority(impact, urgency);
                let organisation = if rules.iter().any(|r| r.when.organisation.is_some()) {
                    directory::user_by_id(c, t, requester).await?.and_then(|u| u.organisation)
                } else {
                    None
                };
                let facts = Facts::new(&title, &description, category.clone(), service.clone(), organisation, priority);
                let now_state = Current { group: group.as_ref(), has_assignee: assignee.is_some() };
                let routed = routing::decide(c, t, &rules, &facts, now_state).await?;
                let group = group.or(routed.group.clone());
                let assignee = assignee.or(routed.assignee.clone());
                let tags = ticket::parse_tags(&[tags, routed.tags.clone()].concat())?;
                let mut ticket = Ticket {
                    tenant_id: t,
                    number: kind.number(numbered.seq),
                    title,
                    description,
                    impact,
                    urgency,
                    priority: routed.priority.unwrap_or(priority),
                    category,
                    service,
                    tags,
                    requester_id: requester,
                    assignee_id: assignee.as_ref().map(|u| u.id),
                    group_id: group.as_ref().map(|g| g.id),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                    affected,
                    status: first_status,
                    ..Ticket::blank(kind)
                };
                let created =
                    created_entry(&ticket, group.as_ref().map(|g| g.name.as_str()), assignee.as_ref().map(|u| u.username.as_str()));
                let entries = [vec![created], routed.entries(TicketId(0))].concat();
                let by = By::user(actor.user_id, actor.may(Permission::WorkTickets));
                let inserted = kernel.insert(c, &mut ticket, entries, by).await?;
                // The item ordered is part of the request before its fulfilment begins.
                if let Some(o) = &req.order {
                    cairn_store::request::catalog::insert_requested(c, ticket.tenant_id, ticket.id, o, now).await?;
                }
                routed.remember_turn(c).await?;
                kernel.created(c, &prepared, inserted, &ticket).await?;
                if let Some(a) = ticket.assignee_id.filter(|a| *a != actor.user_id) {
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
                if let Some(key) = &idempotency_key {
                    store::remember_create(c, &scope, actor.user_id, key, &request_hash, ticket.id, now).await?;
                }
                let view =
                    TicketView { ticket, requester: requester_name, assignee: assignee.map(|u| u.username), group: group.map(|g| g.name) };
                Ok(Created { view, created: true })
            }))
            .await
    }
}
