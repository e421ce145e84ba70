//! Post-incident reviews of major incidents.

use cairn_domain::ids::{TenantId, TicketId};

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewText {
    pub summary: String,
    pub root_cause: String,
    pub actions: String,
}

pub async fn get_review(c: &mut Conn, t: TenantId, ticket: TicketId) -> Result<Option<ReviewText>> {
    let row = sqlx::query("SELECT summary, root_cause, actions FROM incident_reviews WHERE tenant_id = $1 AND ticket_id = $2")
        .bind(t.0)
        .bind(ticket.0)
        .fetch_optional(c)
        .await?;
    row.map(|r| Ok(ReviewText { summary: get(&r, "summary")?, root_cause: get(&r, "root_cause")?, actions: get(&r, "actions")? }))
        .transpose()
}

pub async fn save_review(c: &mut Conn, t: TenantId, ticket: TicketId, r: &ReviewText, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO incident_reviews (ticket_id, tenant_id, summary, root_cause, actions, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (ticket_id) DO UPDATE SET summary = $3, root_cause = $4, actions = $5, updated_at = $6",
    )
    .bind(ticket.0)
    .bind(t.0)
    .bind(&r.summary)
    .bind(&r.root_cause)
    .bind(&r.actions)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}
