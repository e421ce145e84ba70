//! A ticket's comments (replies and internal notes) and its links to other tickets.

use super::*;
use cairn_domain::ids::CommentId;

#[derive(Debug, Clone)]
pub struct Comment {
    pub id: CommentId,
    pub author: Option<String>,
    pub author_id: Option<UserId>,
    pub body: String,
    pub internal: bool,
    /// Time spent, in minutes.
    pub minutes: i64,
    pub created_at: i64,
}

pub struct NewComment<'a> {
    pub ticket: TicketId,
    pub author: Option<UserId>,
    pub body: &'a str,
    pub internal: bool,
    pub minutes: i64,
    pub at: i64,
}

/// Adds a comment and returns it as lists show it.
pub async fn insert_comment(c: &mut Conn, b: Backend, s: &Scope, n: &NewComment<'_>) -> Result<Comment> {
    let id = CommentId(sqlx::query_scalar(
        "INSERT INTO comments (tenant_id, ticket_id, author_id, body, internal, minutes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(s.tenant_id().0)
    .bind(n.ticket.0)
    .bind(n.author.map(|u| u.0))
    .bind(n.body)
    .bind(i64::from(n.internal))
    .bind(n.minutes)
    .bind(n.at)
    .fetch_one(&mut *c)
    .await?);
    if n.minutes != 0 {
        sqlx::query("UPDATE tickets SET time_spent = time_spent + $1 WHERE id = $2 AND tenant_id = $3")
            .bind(n.minutes)
            .bind(n.ticket.0)
            .bind(s.tenant_id().0)
            .execute(&mut *c)
            .await?;
    }
    reindex(c, b, n.ticket).await?;
    comment_by_id(c, s, id).await
}

const COMMENT_COLS: &str = "SELECT c.id, c.author_id, u.display_name AS author, c.body, c.internal, c.minutes, c.created_at FROM comments c \
     LEFT JOIN users u ON u.id = c.author_id WHERE c.tenant_id = $1";

fn comment(r: &AnyRow) -> Result<Comment> {
    Ok(Comment {
        id: CommentId(get(r, "id")?),
        author: get(r, "author")?,
        author_id: get::<Option<i64>>(r, "author_id")?.map(UserId),
        body: get(r, "body")?,
        internal: get::<i64>(r, "internal")? != 0,
        minutes: get(r, "minutes")?,
        created_at: get(r, "created_at")?,
    })
}

/// Comments in order; internal notes only when the scope sees them.
pub async fn comments(c: &mut Conn, s: &Scope, ticket: TicketId) -> Result<Vec<Comment>> {
    let public_only = if s.sees_internal() { "" } else { " AND c.internal = 0" };
    let sql = format!("{COMMENT_COLS} AND c.ticket_id = $2{public_only} ORDER BY c.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.tenant_id().0).bind(ticket.0).fetch_all(c).await?;
    rows.iter().map(comment).collect()
}

/// One comment by id (as just written, so no visibility filter).
pub async fn comment_by_id(c: &mut Conn, s: &Scope, id: CommentId) -> Result<Comment> {
    let row = sqlx::query(crate::joined(COMMENT_COLS, " AND c.id = $2")).bind(s.tenant_id().0).bind(id.0).fetch_one(c).await?;
    comment(&row)
}

#[derive(Debug, Clone)]
pub struct Link {
    pub kind: String,
    pub number: String,
    pub title: String,
    pub status: String,
    /// True when this ticket is the link's target (the kind reads from the other side).
    pub inbound: bool,
}

pub async fn insert_link(c: &mut Conn, s: &Scope, from: TicketId, to: TicketId, kind: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO ticket_links (tenant_id, ticket_id, target_id, kind, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(s.tenant_id().0)
        .bind(from.0)
        .bind(to.0)
        .bind(kind)
        .bind(now)
        .execute(c)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("these tickets are already linked".into()),
            other => other,
        })?;
    Ok(())
}

/// The tickets linked to `id` either way, as far as the scope may read them: a
/// requester's list names only tickets they could open themselves.
pub async fn links(c: &mut Conn, s: &Scope, id: TicketId) -> Result<Vec<Link>> {
    let only = scoped(s, "o", "$3");
    let sql = format!(
        "SELECT l.kind, o.number, o.title, o.status, 0 AS inbound FROM ticket_links l \
         JOIN tickets o ON o.id = l.target_id AND o.tenant_id = l.tenant_id WHERE l.tenant_id = $1 AND l.ticket_id = $2{only} \
         UNION ALL SELECT l.kind, o.number, o.title, o.status, 1 AS inbound FROM ticket_links l \
         JOIN tickets o ON o.id = l.ticket_id AND o.tenant_id = l.tenant_id WHERE l.tenant_id = $1 AND l.target_id = $2{only} ORDER BY 2"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.tenant_id().0).bind(id.0);
    if let Some(u) = s.requester_only() {
        q = q.bind(u.0);
    }
    let rows = q.fetch_all(c).await?;
    rows.iter()
        .map(|r| {
            Ok(Link {
                kind: get(r, "kind")?,
                number: get(r, "number")?,
                title: get(r, "title")?,
                status: get(r, "status")?,
                inbound: get::<i64>(r, "inbound")? != 0,
            })
        })
        .collect()
}
