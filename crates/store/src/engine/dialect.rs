//! The only SQL that differs between SQLite and PostgreSQL: full-text search and
//! claiming due jobs. Everything else is written once.

use crate::Backend;

/// `$1, $2, … $n`.
fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Removes the search documents of `n` tickets (bound as `$1…$n`) before they are
/// written again; `None` where the document lives in the ticket row (PostgreSQL).
pub(crate) fn remove_search_documents(b: Backend, n: usize) -> Option<String> {
    match b {
        Backend::Sqlite => Some(format!("DELETE FROM ticket_fts WHERE rowid IN ({})", placeholders(n))),
        Backend::Postgres => None,
    }
}

/// Writes the search documents of `n` tickets (bound as `$1…$n`) from their title,
/// description and comments. Internal notes go to a separate field that only staff
/// searches reach.
pub(crate) fn write_search_documents(b: Backend, n: usize) -> String {
    let ids = placeholders(n);
    match b {
        Backend::Sqlite => format!(
            "INSERT INTO ticket_fts (rowid, title, body, notes) SELECT t.id, t.title, \
             t.description || ' ' || coalesce((SELECT group_concat(c.body, ' ') FROM comments c WHERE c.ticket_id = t.id AND c.internal = 0), ''), \
             coalesce((SELECT group_concat(c.body, ' ') FROM comments c WHERE c.ticket_id = t.id AND c.internal = 1), '') \
             FROM tickets t WHERE t.id IN ({ids})"
        ),
        Backend::Postgres => format!(
            "UPDATE tickets t SET \
             search_public = to_tsvector('english', t.title || ' ' || t.description || ' ' || \
               coalesce((SELECT string_agg(c.body, ' ') FROM comments c WHERE c.ticket_id = t.id AND c.internal = 0), '')), \
             search_all = to_tsvector('english', t.title || ' ' || t.description || ' ' || \
               coalesce((SELECT string_agg(c.body, ' ') FROM comments c WHERE c.ticket_id = t.id), '')) \
             WHERE t.id IN ({ids})"
        ),
    }
}

/// How a text search joins into the ticket list query.
pub(crate) struct TextSearch {
    /// Replaces `FROM tickets t`.
    pub from: &'static str,
    /// The id expression to order and page by (SQLite walks the FTS index in rowid order).
    pub id: &'static str,
    /// A condition with `{}` where the placeholder of the query goes.
    pub condition: &'static str,
}

pub(crate) fn text_search(b: Backend, sees_internal: bool) -> TextSearch {
    match b {
        Backend::Sqlite => {
            TextSearch {
                // CROSS JOIN fixes the order in SQLite: walk the FTS index (newest first) and look
                // each match up by id, never probe the index once per ticket.
                from: "FROM ticket_fts f CROSS JOIN tickets t ON t.id = f.rowid",
                id: "f.rowid",
                condition: "ticket_fts MATCH {}",
            }
        }
        Backend::Postgres => TextSearch {
            from: "FROM tickets t",
            id: "t.id",
            condition: if sees_internal {
                "t.search_all @@ websearch_to_tsquery('english', {})"
            } else {
                "t.search_public @@ websearch_to_tsquery('english', {})"
            },
        },
    }
}

/// How articles are searched: FROM and the match condition, with `{}` for the query's
/// placeholder, and the newest-first order that walks the index without sorting every
/// match (ranking is done on those candidates by the caller).
pub(crate) struct ArticleSearch {
    pub from: &'static str,
    pub condition: &'static str,
    pub newest: &'static str,
}

pub(crate) fn article_search(b: Backend) -> ArticleSearch {
    match b {
        Backend::Sqlite => ArticleSearch {
            from: "FROM article_fts f CROSS JOIN articles a ON a.id = f.rowid",
            condition: "article_fts MATCH {}",
            newest: "f.rowid DESC",
        },
        Backend::Postgres => {
            ArticleSearch { from: "FROM articles a", condition: "a.search @@ websearch_to_tsquery('english', {})", newest: "a.id DESC" }
        }
    }
}

/// Statements that (re)write article `$1`'s search document from its stored text.
pub(crate) fn index_article(b: Backend, fresh: bool) -> &'static [&'static str] {
    match (b, fresh) {
        (Backend::Sqlite, true) => &["INSERT INTO article_fts (rowid, title, body) SELECT id, title, body FROM articles WHERE id = $1"],
        (Backend::Sqlite, false) => &[
            "DELETE FROM article_fts WHERE rowid = $1",
            "INSERT INTO article_fts (rowid, title, body) SELECT id, title, body FROM articles WHERE id = $1",
        ],
        (Backend::Postgres, _) => &["UPDATE articles SET search = setweight(to_tsvector('english', title), 'A') || \
             to_tsvector('english', body) WHERE id = $1"],
    }
}

/// Turns user input into a safe query for the backend: on SQLite every word becomes a
/// quoted FTS5 string (no operators get through), and requesters are limited to the
/// public columns; PostgreSQL's `websearch_to_tsquery` parses any input safely itself.
pub(crate) fn text_query(b: Backend, input: &str, sees_internal: bool) -> Option<String> {
    let words: Vec<&str> = input.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(16).collect();
    if words.is_empty() {
        return None;
    }
    match b {
        Backend::Postgres => Some(words.join(" ")),
        Backend::Sqlite => {
            let terms = words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" AND ");
            Some(if sees_internal { terms } else { format!("{{title body}} : ({terms})") })
        }
    }
}

/// Marks up to `$4` due jobs as taken by worker `$1` until `$2` (now is `$3`).
/// PostgreSQL skips rows another instance is claiming; SQLite's single writer makes
/// the statement atomic on its own.
pub(crate) fn claim_jobs(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => {
            "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $3 AND (locked_until IS NULL OR locked_until < $3) \
              ORDER BY run_at, id LIMIT $4) \
             RETURNING id, tenant_id, kind, payload, attempts"
        }
        Backend::Postgres => {
            "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $3 AND (locked_until IS NULL OR locked_until < $3) \
              ORDER BY run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING id, tenant_id, kind, payload, attempts"
        }
    }
}

/// A subquery of the ids in `param`, bound as a JSON array of integers: one parameter
/// for any number of ids (an `IN` list of thousands binds each and is parsed each time).
pub(crate) fn id_list(b: Backend, param: &str) -> String {
    match b {
        Backend::Sqlite => format!("SELECT value FROM json_each({param})"),
        Backend::Postgres => format!("SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST({param} AS jsonb))"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_operators_are_quoted_away() {
        let q = text_query(Backend::Sqlite, "vpn\" OR title:* NEAR(", true).unwrap();
        assert_eq!(q, "\"vpn\" AND \"OR\" AND \"title\" AND \"NEAR\"");
        assert_eq!(text_query(Backend::Sqlite, "!!!", true), None);
        assert!(text_query(Backend::Sqlite, "vpn", false).unwrap().starts_with("{title body}"));
    }
}
