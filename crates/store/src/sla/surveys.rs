//! Satisfaction surveys: one per resolved ticket, reached through a secret link whose
//! hash is stored, answered once.

use cairn_domain::ids::{SurveyId, TenantId, TicketId};

use cairn_domain::sla::survey::Questions;

use crate::Conn;
use crate::engine::row::get;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub id: SurveyId,
    pub tenant_id: TenantId,
    pub ticket: TicketId,
    pub expires_at: i64,
    pub rating: Option<i64>,
    pub answered_at: Option<i64>,
    /// Effort, a comment or answers to the tenant's own questions were given.
    pub details: bool,
}

/// Opens the ticket's survey; false when it already has one (resolved before).
pub async fn open(c: &mut Conn, t: TenantId, ticket: TicketId, token_hash: &str, now: i64, expires_at: i64) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO surveys (tenant_id, ticket_id, token_hash, sent_at, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO NOTHING",
    )
    .bind(t.0)
    .bind(ticket.0)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

const SURVEY: &str = "SELECT id, tenant_id, ticket_id, expires_at, rating, answered_at, effort, comment, answers FROM surveys";

fn survey(r: &sqlx::any::AnyRow) -> Result<Survey> {
    Ok(Survey {
        id: SurveyId(get(r, "id")?),
        tenant_id: TenantId(get(r, "tenant_id")?),
        ticket: TicketId(get(r, "ticket_id")?),
        expires_at: get(r, "expires_at")?,
        rating: get(r, "rating")?,
        answered_at: get(r, "answered_at")?,
        details: get::<Option<i64>>(r, "effort")?.is_some()
            || get::<Option<String>>(r, "comment")?.is_some()
            || get::<Option<String>>(r, "answers")?.is_some(),
    })
}

/// The survey a link leads to, in any tenant: the link is all its holder has, and the
/// secret is the key (the tenant comes from the row).
pub async fn by_token(c: &mut Conn, token_hash: &str) -> Result<Option<Survey>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SURVEY} WHERE token_hash = $1"))).bind(token_hash).fetch_optional(c).await?;
    row.as_ref().map(survey).transpose()
}

/// The ticket's survey, if it was sent.
pub async fn by_ticket(c: &mut Conn, t: TenantId, ticket: TicketId) -> Result<Option<Survey>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SURVEY} WHERE tenant_id = $1 AND ticket_id = $2")))
        .bind(t.0)
        .bind(ticket.0)
        .fetch_optional(c)
        .await?;
    row.as_ref().map(survey).transpose()
}

/// What a requester said besides the rating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub effort: Option<i64>,
    pub comment: Option<String>,
    /// The answers to the tenant's own questions, as JSON `[[question, answer], …]`.
    pub answers: Option<String>,
}

/// Records the answer; false when it was already answered.
pub async fn answer(c: &mut Conn, t: TenantId, id: SurveyId, rating: i64, d: &Details, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE surveys SET rating = $1, effort = $2, comment = $3, answers = $4, answered_at = $5 \
         WHERE tenant_id = $6 AND id = $7 AND answered_at IS NULL",
    )
    .bind(rating)
    .bind(d.effort)
    .bind(&d.comment)
    .bind(&d.answers)
    .bind(now)
    .bind(t.0)
    .bind(id.0)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Adds the details to a survey rated in one click; false when it is not rated yet or
/// its details were given already.
pub async fn add_details(c: &mut Conn, t: TenantId, id: SurveyId, d: &Details) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE surveys SET effort = $1, comment = $2, answers = $3 WHERE tenant_id = $4 AND id = $5 AND answered_at IS NOT NULL \
         AND effort IS NULL AND comment IS NULL AND answers IS NULL",
    )
    .bind(d.effort)
    .bind(&d.comment)
    .bind(&d.answers)
    .bind(t.0)
    .bind(id.0)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The tenant's survey questions (the standard ones until an administrator sets some).
pub async fn questions(c: &mut Conn, t: TenantId) -> Result<Questions> {
    let raw: Option<String> = sqlx::query_scalar("SELECT survey_questions FROM tenants WHERE id = $1").bind(t.0).fetch_one(c).await?;
    match raw {
        Some(j) => serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("survey questions: {e}"))),
        None => Ok(Questions::default()),
    }
}

pub async fn set_questions(c: &mut Conn, t: TenantId, q: &Questions) -> Result<()> {
    let j = serde_json::to_string(q).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE tenants SET survey_questions = $1 WHERE id = $2").bind(j).bind(t.0).execute(c).await?;
    Ok(())
}

/// One answer with what scores are grouped by.
#[derive(Debug, Clone)]
pub struct Answer {
    pub number: String,
    pub answered_at: i64,
    pub rating: i64,
    pub comment: Option<String>,
    pub answers: Option<String>,
    pub effort: Option<i64>,
    pub group_id: Option<i64>,
    pub service: Option<String>,
    pub assignee_id: Option<i64>,
}

/// The answers given from `from` to `to` (ms, end excluded).
pub async fn answers(c: &mut Conn, t: TenantId, from: i64, to: i64) -> Result<Vec<Answer>> {
    let rows = sqlx::query(
        "SELECT k.number, s.answered_at, s.rating, s.effort, s.comment, s.answers, k.group_id, k.service, k.assignee_id \
         FROM surveys s JOIN tickets k ON k.id = s.ticket_id \
         WHERE s.tenant_id = $1 AND s.answered_at >= $2 AND s.answered_at < $3 ORDER BY s.answered_at DESC",
    )
    .bind(t.0)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Answer {
                number: get(r, "number")?,
                answered_at: get(r, "answered_at")?,
                rating: get(r, "rating")?,
                comment: get(r, "comment")?,
                answers: get(r, "answers")?,
                effort: get(r, "effort")?,
                group_id: get(r, "group_id")?,
                service: get(r, "service")?,
                assignee_id: get(r, "assignee_id")?,
            })
        })
        .collect()
}
