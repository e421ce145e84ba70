//! Knowledge articles, their versions, audiences and feedback, with full-text search.
//! Reads take a [`Reader`]: requesters only ever get published articles of their
//! audience, whether they search, list or open one by number.

use cairn_domain::ids::{ArticleId, OrgId, TenantId, TicketId, UserId};
use cairn_domain::knowledge::{ArticleState, AudienceKind};
use sqlx::any::AnyRow;

use std::sync::LazyLock;

use crate::engine::args::{Arg, bind_all, push};
use crate::engine::labels::{self, ARTICLE_TAGS};
use crate::engine::row::get;
use crate::error::{Result, StoreError};
use crate::{Backend, Conn, engine::dialect};

/// Who reads: agents see every article; a requester only published ones meant for
/// them (the portal's, or their organisation's).
#[derive(Debug, Clone, Copy)]
pub enum Reader {
    Staff,
    Requester(UserId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: ArticleId,
    pub number: String,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub audience: AudienceKind,
    /// The organisations of an `orgs` audience (names; filled on reads).
    pub orgs: Vec<String>,
    pub state: ArticleState,
    pub owner: UserId,
    pub owner_name: String,
    pub reviewer: Option<UserId>,
    pub reviewer_name: Option<String>,
    pub review_at: Option<i64>,
    pub source: Option<String>,
    pub version: i64,
    pub views: i64,
    pub helpful: i64,
    pub not_helpful: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub author: Option<String>,
    pub note: String,
    pub created_at: i64,
}

/// The select list of an article `a` with `tags` (an expression named `tags`), its owner
/// and reviewer `ow`, `rv` ([`JOINS`]).
fn select_list(tags: &str) -> String {
    format!(
        "a.id, a.number, a.title, a.body, a.category, {tags}, a.audience, a.state, a.owner_id, ow.username AS owner_name, \
         a.reviewer_id, rv.username AS reviewer_name, a.review_at, a.source, a.version, a.views, a.helpful, a.not_helpful, a.created_at, \
         a.updated_at"
    )
}

/// One article, with its tags.
static COLS: LazyLock<String> = LazyLock::new(|| select_list(&ARTICLE_TAGS.column("a", "tags")));
/// A list's articles: the tags are left out (`NULL`) for [`completed`] to fill in, so
/// that the candidates a search ranks and drops cost no tag reads.
static LIST_COLS: LazyLock<String> = LazyLock::new(|| select_list("CAST(NULL AS TEXT) AS tags"));
const JOINS: &str = "JOIN users ow ON ow.id = a.owner_id LEFT JOIN users rv ON rv.id = a.reviewer_id";

fn article(r: &AnyRow) -> Result<Article> {
    Ok(Article {
        id: ArticleId(get(r, "id")?),
        number: get(r, "number")?,
        title: get(r, "title")?,
        body: get(r, "body")?,
        category: get(r, "category")?,
        tags: labels::decode(get(r, "tags")?),
        audience: AudienceKind::parse("audience", &get::<String>(r, "audience")?)?,
        orgs: vec![],
        state: ArticleState::parse(&get::<String>(r, "state")?)?,
        owner: UserId(get(r, "owner_id")?),
        owner_name: get(r, "owner_name")?,
        reviewer: get::<Option<i64>>(r, "reviewer_id")?.map(UserId),
        reviewer_name: get(r, "reviewer_name")?,
        review_at: get(r, "review_at")?,
        source: get(r, "source")?,
        version: get(r, "version")?,
        views: get(r, "views")?,
        helpful: get(r, "helpful")?,
        not_helpful: get(r, "not_helpful")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

/// The condition a reader puts on `a`, its argument pushed onto `args`; `tenant` is the
/// placeholder the query binds the tenant to.
fn readable(reader: Reader, tenant: &str, args: &mut Vec<Arg>) -> String {
    match reader {
        Reader::Staff => "1 = 1".into(),
        Reader::Requester(u) => {
            let p = push(args, Arg::I(u.0));
            format!(
                "a.state = 'published' AND (a.audience = 'portal' OR (a.audience = 'orgs' AND EXISTS (SELECT 1 FROM article_orgs ao \
                 JOIN users me ON me.organisation_id = ao.org_id WHERE ao.tenant_id = {tenant} AND ao.article_id = a.id AND me.id = {p})))"
            )
        }
    }
}

/// Stores a new article (its `id` is ignored) as version 1 and indexes it.
pub async fn insert(c: &mut Conn, b: Backend, t: TenantId, a: &Article, orgs: &[OrgId]) -> Result<ArticleId> {
    let id = ArticleId(
        sqlx::query_scalar(
            "INSERT INTO articles (tenant_id, number, title, body, category, audience, state, owner_id, reviewer_id, review_at, source, \
         version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(t.0)
        .bind(&a.number)
        .bind(&a.title)
        .bind(&a.body)
        .bind(&a.category)
        .bind(a.audience.as_str())
        .bind(a.state.as_str())
        .bind(a.owner.0)
        .bind(a.reviewer.map(|u| u.0))
        .bind(a.review_at)
        .bind(&a.source)
        .bind(a.version)
        .bind(a.created_at)
        .bind(a.updated_at)
        .fetch_one(&mut *c)
        .await?,
    );
    set_orgs(c, t, id, orgs).await?;
    ARTICLE_TAGS.set(c, t, id.0, &a.tags).await?;
    index(c, b, id, true).await?;
    Ok(id)
}

/// Writes `a` over the stored article if the stored version is still `expected`.
pub async fn update(c: &mut Conn, b: Backend, t: TenantId, a: &Article, expected: i64, orgs: &[OrgId]) -> Result<()> {
    let r = sqlx::query(
        "UPDATE articles SET title = $1, body = $2, category = $3, audience = $4, state = $5, reviewer_id = $6, review_at = $7, \
         version = $8, updated_at = $9 WHERE tenant_id = $10 AND id = $11 AND version = $12",
    )
    .bind(&a.title)
    .bind(&a.body)
    .bind(&a.category)
    .bind(a.audience.as_str())
    .bind(a.state.as_str())
    .bind(a.reviewer.map(|u| u.0))
    .bind(a.review_at)
    .bind(a.version)
    .bind(a.updated_at)
    .bind(t.0)
    .bind(a.id.0)
    .bind(expected)
    .execute(&mut *c)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::Stale);
    }
    set_orgs(c, t, a.id, orgs).await?;
    ARTICLE_TAGS.set(c, t, a.id.0, &a.tags).await?;
    index(c, b, a.id, false).await
}

async fn set_orgs(c: &mut Conn, t: TenantId, id: ArticleId, orgs: &[OrgId]) -> Result<()> {
    sqlx::query("DELETE FROM article_orgs WHERE tenant_id = $1 AND article_id = $2").bind(t.0).bind(id.0).execute(&mut *c).await?;
    for o in orgs {
        sqlx::query("INSERT INTO article_orgs (tenant_id, article_id, org_id) VALUES ($1, $2, $3)")
            .bind(t.0)
            .bind(id.0)
            .bind(o.0)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

async fn index(c: &mut Conn, b: Backend, id: ArticleId, fresh: bool) -> Result<()> {
    for sql in dialect::index_article(b, fresh) {
        sqlx::query(sqlx::AssertSqlSafe(*sql)).bind(id.0).execute(&mut *c).await?;
    }
    crate::search::learn_article(c, b, id.0).await
}

async fn with_orgs(c: &mut Conn, t: TenantId, mut a: Article) -> Result<Article> {
    if a.audience == AudienceKind::Orgs {
        a.orgs = sqlx::query_scalar(
            "SELECT o.name FROM article_orgs ao JOIN organisations o ON o.id = ao.org_id \
             WHERE ao.tenant_id = $1 AND ao.article_id = $2 ORDER BY o.name",
        )
        .bind(t.0)
        .bind(a.id.0)
        .fetch_all(&mut *c)
        .await?;
    }
    Ok(a)
}

/// The article with this number, if the reader may read it.
pub async fn by_number(c: &mut Conn, t: TenantId, number: &str, reader: Reader) -> Result<Option<Article>> {
    let mut args = vec![Arg::I(t.0), Arg::S(number.to_string())];
    let cond = readable(reader, "$1", &mut args);
    let sql = format!("SELECT {} FROM articles a {JOINS} WHERE a.tenant_id = $1 AND a.number = $2 AND {cond}", *COLS);
    let Some(row) = bind_all(sql, args).fetch_optional(&mut *c).await? else { return Ok(None) };
    Ok(Some(with_orgs(c, t, article(&row)?).await?))
}

/// What to look for among articles.
#[derive(Debug, Clone, Copy)]
pub struct Find<'a> {
    pub reader: Reader,
    /// Words to match (the newest `limit` matches come back: callers rank these).
    pub text: Option<&'a str>,
    pub state: Option<ArticleState>,
    /// Only articles whose review date is at or before this (ms), soonest first.
    pub review_due_by: Option<i64>,
    pub limit: i64,
}

/// Articles the reader may read that match `f`, newest first (soonest review first when
/// looking for reviews due). Their tags and organisations are not filled in (see
/// [`completed`]).
pub async fn search(c: &mut Conn, b: Backend, t: TenantId, f: Find<'_>) -> Result<Vec<Article>> {
    let mut args = vec![Arg::I(t.0)];
    let mut wh = vec!["a.tenant_id = $1".to_string(), readable(f.reader, "$1", &mut args)];
    let (mut from, mut order) = ("FROM articles a", "a.updated_at DESC, a.id DESC");
    if let Some(q) = f.text.and_then(|q| dialect::text_query(b, q, true)) {
        let p = push(&mut args, Arg::S(q));
        let s = dialect::article_search(b);
        from = s.from;
        wh.push(s.condition.replace("{}", &p));
        order = s.newest;
    }
    if let Some(st) = f.state {
        let p = push(&mut args, Arg::S(st.as_str().into()));
        wh.push(format!("a.state = {p}"));
    }
    if let Some(by) = f.review_due_by {
        let p = push(&mut args, Arg::I(by));
        wh.push(format!("a.review_at <= {p} AND a.state <> 'retired'"));
        order = "a.review_at, a.id";
    }
    let pl = push(&mut args, Arg::I(f.limit));
    let sql = format!("SELECT {} {from} {JOINS} WHERE {} ORDER BY {order} LIMIT {pl}", *LIST_COLS, wh.join(" AND "));
    let rows = bind_all(sql, args).fetch_all(&mut *c).await?;
    rows.iter().map(article).collect()
}

/// Fills in what a list read leaves out ([`search`]): the articles' tags, in one read,
/// and the organisations of those meant for some.
pub async fn completed(c: &mut Conn, t: TenantId, list: Vec<Article>) -> Result<Vec<Article>> {
    let ids: Vec<i64> = list.iter().map(|a| a.id.0).collect();
    let [mut tags] = labels::read(c, t, [&ARTICLE_TAGS], &ids).await?;
    let mut out = Vec::with_capacity(list.len());
    for mut a in list {
        a.tags = tags.remove(&a.id.0).unwrap_or_default();
        out.push(with_orgs(c, t, a).await?);
    }
    Ok(out)
}

pub async fn add_version(c: &mut Conn, t: TenantId, a: &Article, author: Option<UserId>, note: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO article_versions (tenant_id, article_id, version, title, body, author_id, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(t.0)
    .bind(a.id.0)
    .bind(a.version)
    .bind(&a.title)
    .bind(&a.body)
    .bind(author.map(|u| u.0))
    .bind(note)
    .bind(a.updated_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Every version of an article, newest first.
pub async fn versions(c: &mut Conn, t: TenantId, article: ArticleId) -> Result<Vec<Version>> {
    let rows = sqlx::query(
        "SELECT v.version, v.title, v.body, u.username AS author, v.note, v.created_at FROM article_versions v \
         LEFT JOIN users u ON u.id = v.author_id WHERE v.tenant_id = $1 AND v.article_id = $2 ORDER BY v.version DESC",
    )
    .bind(t.0)
    .bind(article.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Version {
                version: get(r, "version")?,
                title: get(r, "title")?,
                body: get(r, "body")?,
                author: get(r, "author")?,
                note: get(r, "note")?,
                created_at: get(r, "created_at")?,
            })
        })
        .collect()
}

/// Counts one reading.
pub async fn count_view(c: &mut Conn, t: TenantId, article: ArticleId) -> Result<()> {
    sqlx::query("UPDATE articles SET views = views + 1 WHERE tenant_id = $1 AND id = $2").bind(t.0).bind(article.0).execute(c).await?;
    Ok(())
}

pub async fn add_feedback(
    c: &mut Conn,
    t: TenantId,
    article: ArticleId,
    user: UserId,
    helpful: bool,
    comment: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO article_feedback (tenant_id, article_id, user_id, helpful, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(t.0)
    .bind(article.0)
    .bind(user.0)
    .bind(i64::from(helpful))
    .bind(comment)
    .bind(now)
    .execute(&mut *c)
    .await?;
    let col = if helpful {
        "UPDATE articles SET helpful = helpful + 1 WHERE tenant_id = $1 AND id = $2"
    } else {
        "UPDATE articles SET not_helpful = not_helpful + 1 WHERE tenant_id = $1 AND id = $2"
    };
    sqlx::query(col).bind(t.0).bind(article.0).execute(c).await?;
    Ok(())
}

/// Whether the user already gave feedback on the article.
pub async fn gave_feedback(c: &mut Conn, t: TenantId, article: ArticleId, user: UserId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM article_feedback WHERE tenant_id = $1 AND article_id = $2 AND user_id = $3")
        .bind(t.0)
        .bind(article.0)
        .bind(user.0)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

/// Feedback comments, newest first: (username, helpful, comment, at).
pub async fn feedback(c: &mut Conn, t: TenantId, article: ArticleId) -> Result<Vec<(String, bool, String, i64)>> {
    let rows = sqlx::query(
        "SELECT u.username, f.helpful, f.comment, f.created_at FROM article_feedback f JOIN users u ON u.id = f.user_id \
         WHERE f.tenant_id = $1 AND f.article_id = $2 ORDER BY f.created_at DESC, f.id DESC LIMIT 100",
    )
    .bind(t.0)
    .bind(article.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((get(r, "username")?, get::<i64>(r, "helpful")? == 1, get(r, "comment")?, get(r, "created_at")?))).collect()
}

/// A requester opened an article from a suggestion.
pub async fn record_opening(c: &mut Conn, t: TenantId, article: ArticleId, user: UserId, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO article_openings (tenant_id, article_id, user_id, opened_at) VALUES ($1, $2, $3, $4)")
        .bind(t.0)
        .bind(article.0)
        .bind(user.0)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

/// The user raised a request after all: their openings since `since` were not deflections.
pub async fn request_raised(c: &mut Conn, t: TenantId, user: UserId, ticket: TicketId, since: i64) -> Result<()> {
    sqlx::query(
        "UPDATE article_openings SET ticket_id = $1 WHERE tenant_id = $2 AND user_id = $3 AND opened_at >= $4 AND ticket_id IS NULL",
    )
    .bind(ticket.0)
    .bind(t.0)
    .bind(user.0)
    .bind(since)
    .execute(c)
    .await?;
    Ok(())
}

/// Openings from suggestions, and how many of those raised no request before `settled`
/// (openings after it are still undecided).
pub async fn deflection(c: &mut Conn, t: TenantId, article: ArticleId, settled: i64) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS opened, COALESCE(SUM(CASE WHEN ticket_id IS NULL AND opened_at < $3 THEN 1 ELSE 0 END), 0) AS deflected \
         FROM article_openings WHERE tenant_id = $1 AND article_id = $2",
    )
    .bind(t.0)
    .bind(article.0)
    .bind(settled)
    .fetch_one(c)
    .await?;
    Ok((get(&row, "opened")?, get(&row, "deflected")?))
}
