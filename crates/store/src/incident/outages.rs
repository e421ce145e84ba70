//! Outage windows recorded on incidents: when a service was down, for its availability.

use cairn_domain::ids::{OutageId, TenantId, TicketId};

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub id: OutageId,
    pub ticket: TicketId,
    pub service: String,
    pub started_at: i64,
    /// None while the service is still down.
    pub ended_at: Option<i64>,
}

const COLUMNS: &str = "id, ticket_id, service, started_at, ended_at";

fn outage(r: &sqlx::any::AnyRow) -> Result<Outage> {
    Ok(Outage {
        id: OutageId(get(r, "id")?),
        ticket: TicketId(get(r, "ticket_id")?),
        service: get(r, "service")?,
        started_at: get(r, "started_at")?,
        ended_at: get(r, "ended_at")?,
    })
}

pub async fn insert(c: &mut Conn, t: TenantId, o: &Outage, now: i64) -> Result<OutageId> {
    Ok(OutageId(sqlx::query_scalar(
        "INSERT INTO outages (tenant_id, ticket_id, service, started_at, ended_at, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(t.0)
    .bind(o.ticket.0)
    .bind(&o.service)
    .bind(o.started_at)
    .bind(o.ended_at)
    .bind(now)
    .fetch_one(c)
    .await?))
}

/// Sets or clears the end; false when the ticket has no such outage.
pub async fn set_end(c: &mut Conn, t: TenantId, ticket: TicketId, id: OutageId, ended_at: Option<i64>) -> Result<bool> {
    let r = sqlx::query("UPDATE outages SET ended_at = $1 WHERE tenant_id = $2 AND ticket_id = $3 AND id = $4")
        .bind(ended_at)
        .bind(t.0)
        .bind(ticket.0)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete(c: &mut Conn, t: TenantId, ticket: TicketId, id: OutageId) -> Result<bool> {
    let r = sqlx::query("DELETE FROM outages WHERE tenant_id = $1 AND ticket_id = $2 AND id = $3")
        .bind(t.0)
        .bind(ticket.0)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn for_ticket(c: &mut Conn, t: TenantId, ticket: TicketId) -> Result<Vec<Outage>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM outages WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY started_at, id"
    )))
    .bind(t.0)
    .bind(ticket.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(outage).collect()
}

/// The service's outages that overlap `from`..`to` (still open ones included).
pub async fn of_service(c: &mut Conn, t: TenantId, service: &str, from: i64, to: i64) -> Result<Vec<Outage>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM outages WHERE tenant_id = $1 AND service = $2 AND started_at < $3 AND (ended_at IS NULL OR ended_at > $4) ORDER BY started_at"
    )))
    .bind(t.0)
    .bind(service)
    .bind(to)
    .bind(from)
    .fetch_all(c)
    .await?;
    rows.iter().map(outage).collect()
}
