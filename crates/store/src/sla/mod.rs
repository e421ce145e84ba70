//! Service levels: calendars and definitions (stored as their JSON specs), the clocks
//! attached to tickets with the meter each keeps between changes, and the warnings and
//! breaches already acted on (one row each: the guard that makes them exactly once).

pub mod surveys;

use cairn_domain::ids::{ClockId, DefinitionId, TenantId, TicketId, XlaId};
use cairn_domain::sla::{Definition, Meter, State, Target};
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::row::get;
use crate::error::{Result, StoreError};

fn json<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T> {
    serde_json::from_str(raw).map_err(|e| StoreError::Corrupt(format!("stored spec: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Adds or replaces a calendar's spec; true when it was new.
pub async fn save_calendar(c: &mut Conn, t: TenantId, name: &str, spec: &cairn_domain::sla::CalendarSpec, now: i64) -> Result<bool> {
    let spec = to_json(spec)?;
    let updated = sqlx::query("UPDATE calendars SET spec = $1, updated_at = $2 WHERE tenant_id = $3 AND name = $4")
        .bind(&spec)
        .bind(now)
        .bind(t.0)
        .bind(name)
        .execute(&mut *c)
        .await?
        .rows_affected();
    if updated == 1 {
        return Ok(false);
    }
    sqlx::query("INSERT INTO calendars (tenant_id, name, spec, updated_at) VALUES ($1, $2, $3, $4)")
        .bind(t.0)
        .bind(name)
        .bind(&spec)
        .bind(now)
        .execute(c)
        .await?;
    Ok(true)
}

/// Every calendar of the tenant: (name, spec), by name.
pub async fn calendars(c: &mut Conn, t: TenantId) -> Result<Vec<(String, cairn_domain::sla::CalendarSpec)>> {
    let rows = sqlx::query("SELECT name, spec FROM calendars WHERE tenant_id = $1 ORDER BY name").bind(t.0).fetch_all(c).await?;
    rows.iter().map(|r| Ok((get(r, "name")?, json(&get::<String>(r, "spec")?)?))).collect()
}

/// Adds a definition (id 0) or replaces one; returns its id.
pub async fn save_definition(c: &mut Conn, t: TenantId, d: &Definition, now: i64) -> Result<Option<DefinitionId>> {
    let spec = to_json(d)?;
    if d.id.0 == 0 {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO sla_definitions (tenant_id, name, spec, updated_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(t.0)
                .bind(&d.name)
                .bind(&spec)
                .bind(now)
                .fetch_one(c)
                .await
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Conflict(_) => StoreError::Conflict(format!("an SLA definition named '{}' exists", d.name)),
                    other => other,
                })?;
        return Ok(Some(DefinitionId(id)));
    }
    let n = sqlx::query("UPDATE sla_definitions SET name = $1, spec = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5")
        .bind(&d.name)
        .bind(&spec)
        .bind(now)
        .bind(t.0)
        .bind(d.id.0)
        .execute(c)
        .await?
        .rows_affected();
    Ok((n == 1).then_some(d.id))
}

pub async fn definitions(c: &mut Conn, t: TenantId) -> Result<Vec<Definition>> {
    let rows = sqlx::query("SELECT id, spec FROM sla_definitions WHERE tenant_id = $1 ORDER BY id").bind(t.0).fetch_all(c).await?;
    rows.iter()
        .map(|r| {
            let mut d: Definition = json(&get::<String>(r, "spec")?)?;
            d.id = DefinitionId(get(r, "id")?);
            Ok(d)
        })
        .collect()
}

/// A clock attached to a ticket, with the meter it keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketClock {
    pub id: ClockId,
    pub ticket: TicketId,
    pub definition: DefinitionId,
    pub meter: Meter,
    pub due_at: Option<i64>,
    pub alarm_at: Option<i64>,
}

const COLS: &str = "SELECT id, ticket_id, definition_id, target, goal_ms, state, elapsed_ms, paused_ms, last_at, replies, resetting, round, \
     breached_at, stopped_at, due_at, alarm_at FROM ticket_slas WHERE tenant_id = $1";

fn clock(r: &AnyRow) -> Result<TicketClock> {
    let target: String = get(r, "target")?;
    let target = Target::parse(&target).ok_or_else(|| StoreError::Corrupt(format!("target '{target}'")))?;
    let state: String = get(r, "state")?;
    let mut meter = Meter::new(target, get(r, "goal_ms")?);
    meter.clock.state = State::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("clock state '{state}'")))?;
    meter.clock.elapsed_ms = get(r, "elapsed_ms")?;
    meter.clock.paused_ms = get(r, "paused_ms")?;
    meter.clock.breached_at = get(r, "breached_at")?;
    meter.clock.stopped_at = get(r, "stopped_at")?;
    meter.clock.round = get::<i64>(r, "round")? as u32;
    meter.last_at = get(r, "last_at")?;
    meter.replies = get::<i64>(r, "replies")? as u32;
    meter.resetting = get::<i64>(r, "resetting")? != 0;
    Ok(TicketClock {
        id: ClockId(get(r, "id")?),
        ticket: TicketId(get(r, "ticket_id")?),
        definition: DefinitionId(get(r, "definition_id")?),
        meter,
        due_at: get(r, "due_at")?,
        alarm_at: get(r, "alarm_at")?,
    })
}

/// The clocks of one ticket.
pub async fn clocks(c: &mut Conn, t: TenantId, ticket: TicketId) -> Result<Vec<TicketClock>> {
    let rows = sqlx::query(crate::joined(COLS, " AND ticket_id = $2 ORDER BY id")).bind(t.0).bind(ticket.0).fetch_all(c).await?;
    rows.iter().map(clock).collect()
}

pub async fn clock_by_id(c: &mut Conn, t: TenantId, id: ClockId) -> Result<Option<TicketClock>> {
    let row = sqlx::query(crate::joined(COLS, " AND id = $2")).bind(t.0).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(clock).transpose()
}

/// The clocks of the tickets with ids from `first` to `last` (replays).
pub async fn clocks_between(c: &mut Conn, t: TenantId, first: TicketId, last: TicketId) -> Result<Vec<TicketClock>> {
    let rows = sqlx::query(crate::joined(COLS, " AND ticket_id BETWEEN $2 AND $3 ORDER BY ticket_id, id"))
        .bind(t.0)
        .bind(first.0)
        .bind(last.0)
        .fetch_all(c)
        .await?;
    rows.iter().map(clock).collect()
}

/// Writes a clock (id 0: attaches a new one); returns its id.
pub async fn save_clock(c: &mut Conn, t: TenantId, k: &TicketClock) -> Result<ClockId> {
    let m = &k.meter;
    let cl = &m.clock;
    let binds = |q: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>| {
        q.bind(cl.goal_ms)
            .bind(cl.state.as_str())
            .bind(cl.elapsed_ms)
            .bind(cl.paused_ms)
            .bind(m.last_at)
            .bind(i64::from(m.replies))
            .bind(i64::from(m.resetting))
            .bind(i64::from(cl.round))
            .bind(cl.breached_at)
            .bind(cl.stopped_at)
            .bind(k.due_at)
            .bind(k.alarm_at)
    };
    if k.id.0 == 0 {
        let q = sqlx::query(
            "INSERT INTO ticket_slas (goal_ms, state, elapsed_ms, paused_ms, last_at, replies, resetting, round, breached_at, stopped_at, due_at, alarm_at, \
             tenant_id, ticket_id, definition_id, target) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        );
        let row = binds(q).bind(t.0).bind(k.ticket.0).bind(k.definition.0).bind(cl.target.as_str()).fetch_one(c).await?;
        return Ok(ClockId(get(&row, "id")?));
    }
    let q = sqlx::query(
        "UPDATE ticket_slas SET goal_ms = $1, state = $2, elapsed_ms = $3, paused_ms = $4, last_at = $5, replies = $6, resetting = $7, round = $8, \
         breached_at = $9, stopped_at = $10, due_at = $11, alarm_at = $12 WHERE tenant_id = $13 AND id = $14",
    );
    binds(q).bind(t.0).bind(k.id.0).execute(c).await?;
    Ok(k.id)
}

/// Records that a warning or breach of a clock's round was acted on; false when it
/// already was (another worker, or a job run twice).
pub async fn record_event(c: &mut Conn, t: TenantId, clock: ClockId, event: &str, round: u32, at: i64) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO sla_events (tenant_id, ticket_sla_id, event, round, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_sla_id, event, round) DO NOTHING",
    )
    .bind(t.0)
    .bind(clock.0)
    .bind(event)
    .bind(i64::from(round))
    .bind(at)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The ticket's soonest due clock and whether any is breached, for the queue.
pub async fn set_ticket_summary(c: &mut Conn, t: TenantId, ticket: TicketId, due_at: Option<i64>, breached: bool) -> Result<()> {
    sqlx::query("UPDATE tickets SET sla_due_at = $1, sla_breached = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(due_at)
        .bind(i64::from(breached))
        .bind(t.0)
        .bind(ticket.0)
        .execute(c)
        .await?;
    Ok(())
}

/// One clock with what reports group it by.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub number: String,
    pub definition: DefinitionId,
    pub target: String,
    pub state: String,
    pub goal_ms: i64,
    pub elapsed_ms: i64,
    pub breached_at: Option<i64>,
    pub stopped_at: Option<i64>,
    pub due_at: Option<i64>,
    pub group_id: Option<i64>,
    pub service: Option<String>,
    pub priority: i64,
    pub created_at: i64,
}

/// The clocks of the tickets raised from `from` to `to` (ms, end excluded).
pub async fn report_rows(c: &mut Conn, t: TenantId, from: i64, to: i64) -> Result<Vec<ReportRow>> {
    let rows = sqlx::query(
        "SELECT t.number, k.definition_id, k.target, k.state, k.goal_ms, k.elapsed_ms, k.breached_at, k.stopped_at, k.due_at, \
         t.group_id, t.service, t.priority, t.created_at FROM ticket_slas k JOIN tickets t ON t.id = k.ticket_id \
         WHERE k.tenant_id = $1 AND t.tenant_id = $1 AND t.created_at >= $2 AND t.created_at < $3 ORDER BY t.id, k.id",
    )
    .bind(t.0)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReportRow {
                number: get(r, "number")?,
                definition: DefinitionId(get(r, "definition_id")?),
                target: get(r, "target")?,
                state: get(r, "state")?,
                goal_ms: get(r, "goal_ms")?,
                elapsed_ms: get(r, "elapsed_ms")?,
                breached_at: get(r, "breached_at")?,
                stopped_at: get(r, "stopped_at")?,
                due_at: get(r, "due_at")?,
                group_id: get(r, "group_id")?,
                service: get(r, "service")?,
                priority: get(r, "priority")?,
                created_at: get(r, "created_at")?,
            })
        })
        .collect()
}

/// Adds an XLA; returns its id.
pub async fn insert_xla(c: &mut Conn, t: TenantId, x: &cairn_domain::sla::xla::Xla, now: i64) -> Result<XlaId> {
    sqlx::query_scalar("INSERT INTO xla_definitions (tenant_id, name, spec, updated_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(t.0)
        .bind(&x.name)
        .bind(to_json(x)?)
        .bind(now)
        .fetch_one(c)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("an XLA named '{}' exists", x.name)),
            other => other,
        })
        .map(XlaId)
}

pub async fn xlas(c: &mut Conn, t: TenantId) -> Result<Vec<cairn_domain::sla::xla::Xla>> {
    let rows = sqlx::query("SELECT id, spec FROM xla_definitions WHERE tenant_id = $1 ORDER BY name").bind(t.0).fetch_all(c).await?;
    rows.iter()
        .map(|r| {
            let mut x: cairn_domain::sla::xla::Xla = json(&get::<String>(r, "spec")?)?;
            x.id = XlaId(get(r, "id")?);
            Ok(x)
        })
        .collect()
}
