//! Each tenant's search vocabulary: the words its tickets and articles are written in,
//! learnt as they are written, so a mistyped search word can be matched to the word
//! meant (see `cairn_domain::search`).

use std::collections::{BTreeMap, BTreeSet};

use cairn_domain::ids::TenantId;
use cairn_domain::search::{self, MAX_WORD, MIN_WORD, tolerance};

use crate::engine::row::get;
use crate::error::Result;
use crate::{Backend, Conn};

/// The texts whose words are learnt, with `$1` the ids (a JSON array): tickets' titles
/// and descriptions (not their conversation, which holds internal notes), and articles.
const TICKET_TEXTS: &str = "SELECT tenant_id, title, description AS body FROM tickets WHERE id IN";
const ARTICLE_TEXTS: &str = "SELECT tenant_id, title, body FROM articles WHERE id IN";

/// Learns the words of tickets `ids` (all of them, whatever their tenants).
pub(crate) async fn learn_tickets(c: &mut Conn, b: Backend, ids: &[i64]) -> Result<()> {
    learn_texts(c, b, TICKET_TEXTS, ids).await
}

/// Learns the words of article `id`.
pub(crate) async fn learn_article(c: &mut Conn, b: Backend, id: i64) -> Result<()> {
    learn_texts(c, b, ARTICLE_TEXTS, &[id]).await
}

async fn learn_texts(c: &mut Conn, b: Backend, select: &'static str, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids_json = serde_json::to_string(ids).expect("ids serialise");
    let sql = format!("{select} ({})", crate::engine::dialect::id_list(b, "$1"));
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ids_json).fetch_all(&mut *c).await?;
    let mut by_tenant: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        let (title, body): (String, String) = (get(r, "title")?, get(r, "body")?);
        let words = by_tenant.entry(get(r, "tenant_id")?).or_default();
        words.extend(search::words(&title));
        words.extend(search::words(&body));
    }
    for (t, words) in by_tenant {
        learn(c, b, TenantId(t), &words).await?;
    }
    Ok(())
}

/// Adds `words` to the tenant's vocabulary (those it knows are left as they are).
async fn learn(c: &mut Conn, b: Backend, t: TenantId, words: &BTreeSet<String>) -> Result<()> {
    let list: Vec<&String> = words.iter().collect();
    for chunk in list.chunks(1000) {
        let json = serde_json::to_string(chunk).expect("words serialise");
        let each = match b {
            Backend::Sqlite => "SELECT $1, value FROM json_each($2) WHERE true",
            Backend::Postgres => "SELECT $1, value FROM jsonb_array_elements_text(CAST($2 AS jsonb))",
        };
        let sql = format!("INSERT INTO search_words (tenant_id, word) {each} ON CONFLICT DO NOTHING");
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(json).execute(&mut *c).await?;
    }
    Ok(())
}

/// Which of `words` the tenant's vocabulary holds.
pub async fn known(c: &mut Conn, b: Backend, t: TenantId, words: &[String]) -> Result<BTreeSet<String>> {
    let each = match b {
        Backend::Sqlite => "SELECT value FROM json_each($2)",
        Backend::Postgres => "SELECT value FROM jsonb_array_elements_text(CAST($2 AS jsonb))",
    };
    let sql = format!("SELECT word FROM search_words WHERE tenant_id = $1 AND word IN ({each})");
    let json = serde_json::to_string(words).expect("words serialise");
    let found: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(json).fetch_all(c).await?;
    Ok(found.into_iter().collect())
}

/// The known words that could be `typed` mistyped: starting with the same letter (few
/// slips hit the first one) and of a length within its tolerance. A range of the
/// primary key, so a handful of pages even in a large vocabulary.
pub async fn near(c: &mut Conn, t: TenantId, typed: &str) -> Result<Vec<String>> {
    let Some(first) = typed.chars().next() else { return Ok(Vec::new()) };
    let len = typed.chars().count();
    let slack = tolerance(len);
    let (lo, hi) = (len.saturating_sub(slack).max(MIN_WORD), (len + slack).min(MAX_WORD));
    let from = first.to_string();
    let to = char::from_u32(first as u32 + 1).map_or_else(|| format!("{first}\u{10FFFF}"), |c| c.to_string());
    Ok(sqlx::query_scalar(
        "SELECT word FROM search_words WHERE tenant_id = $1 AND word >= $2 AND word < $3 \
         AND length(word) BETWEEN $4 AND $5 LIMIT 5000",
    )
    .bind(t.0)
    .bind(from)
    .bind(to)
    .bind(lo as i64)
    .bind(hi as i64)
    .fetch_all(c)
    .await?)
}

/// Fills every tenant's vocabulary from the tickets and articles already written (run
/// once, by the migration that adds it), a thousand records at a time.
pub(crate) async fn learn_everything(c: &mut Conn, b: Backend) -> Result<()> {
    for (table, select) in [("tickets", TICKET_TEXTS), ("articles", ARTICLE_TEXTS)] {
        let mut after = 0i64;
        loop {
            let sql = format!("SELECT id FROM {table} WHERE id > $1 ORDER BY id LIMIT 1000");
            let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(after).fetch_all(&mut *c).await?;
            let Some(last) = ids.last() else { break };
            after = *last;
            learn_texts(c, b, select, &ids).await?;
        }
    }
    Ok(())
}
