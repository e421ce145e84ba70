//! The CIs a ticket affects, and the open tickets on a set of CIs.

use cairn_domain::ids::{CiId, TenantId, TicketId};
use cairn_domain::ticket::status::Status;

use crate::engine::dialect;
use crate::engine::row::get;
use crate::error::{Result, StoreError};
use crate::{Backend, Conn};

/// A CI as a ticket lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affected {
    pub id: CiId,
    pub number: String,
    pub name: String,
}

pub async fn of_ticket(c: &mut Conn, t: TenantId, ticket: TicketId) -> Result<Vec<Affected>> {
    let rows = sqlx::query(
        "SELECT c.id, c.number, c.name FROM ticket_cis x JOIN cis c ON c.id = x.ci_id WHERE x.tenant_id = $1 AND x.ticket_id = $2 ORDER BY c.number",
    )
    .bind(t.0)
    .bind(ticket.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok(Affected { id: CiId(get(r, "id")?), number: get(r, "number")?, name: get(r, "name")? })).collect()
}

/// Replaces the ticket's affected CIs.
pub async fn set(c: &mut Conn, t: TenantId, ticket: TicketId, cis: &[CiId]) -> Result<()> {
    sqlx::query("DELETE FROM ticket_cis WHERE tenant_id = $1 AND ticket_id = $2").bind(t.0).bind(ticket.0).execute(&mut *c).await?;
    for ci in cis {
        sqlx::query("INSERT INTO ticket_cis (tenant_id, ticket_id, ci_id) VALUES ($1, $2, $3)")
            .bind(t.0)
            .bind(ticket.0)
            .bind(ci.0)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// An open ticket on one of the CIs asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenTicket {
    pub ci: CiId,
    pub number: String,
    pub title: String,
    pub status: Status,
    pub priority: i64,
}

/// The open tickets (not resolved or ended) that affect any of `cis`.
pub async fn open_tickets(c: &mut Conn, b: Backend, t: TenantId, cis: &[CiId]) -> Result<Vec<OpenTicket>> {
    if cis.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(&cis.iter().map(|id| id.0).collect::<Vec<_>>()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let sql = format!(
        "SELECT x.ci_id, k.number, k.title, k.status, k.priority FROM ticket_cis x JOIN tickets k ON k.id = x.ticket_id \
         WHERE x.tenant_id = $1 AND x.ci_id IN ({}) AND k.status NOT IN ('resolved', 'closed', 'cancelled', 'rejected') ORDER BY k.id",
        dialect::id_list(b, "$2")
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(ids).fetch_all(&mut *c).await?;
    rows.iter()
        .map(|r| {
            Ok(OpenTicket {
                ci: CiId(get(r, "ci_id")?),
                number: get(r, "number")?,
                title: get(r, "title")?,
                status: Status::parse(&get::<String>(r, "status")?)?,
                priority: get(r, "priority")?,
            })
        })
        .collect()
}
