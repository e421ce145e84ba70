//! The queue: list requests turned into store queries, counted and paged.

use super::*;

impl App {
    pub(crate) async fn ticket_query(c: &mut Conn, actor: &Actor, req: ListRequest) -> Result<TicketQuery> {
        let t = actor.tenant_id;
        let statuses = req.statuses.iter().map(|s| Status::parse(s)).collect::<Result<Vec<_>, _>>()?;
        let group = match req.group.as_deref() {
            Some("mine") => Some(GroupFilter::MemberOf(actor.user_id)),
            Some(g) => Some(GroupFilter::One(group_named(c, t, g).await?.id)),
            None => None,
        };
        let assignee = match req.assignee.as_deref() {
            Some("none") => Some(AssigneeFilter::Unassigned),
            Some("me") => Some(AssigneeFilter::User(actor.user_id)),
            Some(name) => Some(AssigneeFilter::User(user_named(c, t, "assignee", name).await?.id)),
            None => None,
        };
        let priority = req.priority.map(cairn_domain::ticket::priority::Priority::parse).transpose()?;
        let sort = match req.sort.as_deref() {
            Some(s) => Sort::parse(s)
                .ok_or_else(|| AppError::invalid("sort", format!("unknown sort '{s}' (priority, created, -created, updated, -updated)")))?,
            None => Sort::CreatedDesc,
        };
        let limit = req.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(AppError::invalid("limit", "must be between 1 and 200"));
        }
        let after = req
            .cursor
            .as_deref()
            .map(|s| Cursor::decode(s).ok_or_else(|| AppError::invalid("cursor", "not a cursor from a previous page")))
            .transpose()?;
        let kind = req.kind.as_deref().filter(|k| !k.is_empty()).map(TicketKind::parse).transpose()?;
        let text = req.q.filter(|q| !q.trim().is_empty());
        Ok(TicketQuery { kind, statuses, group, assignee, priority, text, breached: req.breached, sort, limit, after })
    }

    /// How many tickets match a list request's filters, counted no further than `cap`.
    #[tracing::instrument(name = "count_tickets", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn count_tickets(&self, actor: &Actor, req: ListRequest, cap: i64) -> Result<i64> {
        let mut c = self.db.read().await?;
        let q = Self::ticket_query(&mut c, actor, req).await?;
        Ok(store::count_matching(&mut c, self.backend(), &actor.scope(), &q, cap).await?)
    }

    #[tracing::instrument(name = "list_tickets", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn list_tickets(&self, actor: &Actor, req: ListRequest) -> Result<ListPage> {
        let mut c = self.db.read().await?;
        let q = Self::ticket_query(&mut c, actor, req).await?;
        let Page { tickets, next } = store::list(&mut c, self.backend(), &actor.scope(), &q).await?;
        let mut items = Vec::with_capacity(tickets.len());
        let mut names = NameCache::default();
        for t in tickets {
            items.push(names.view(&mut c, t).await?);
        }
        Ok(ListPage { items, next_cursor: next.map(Cursor::encode) })
    }
}
