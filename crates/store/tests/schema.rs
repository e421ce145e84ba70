//! The two migration sets build the same schema: the same tables with the same columns,
//! and the same indexes, on SQLite and on PostgreSQL. What really differs is full-text
//! search (SQLite's FTS5 tables, PostgreSQL's tsvector columns and GIN indexes): it is
//! named in [`DIALECT_ONLY`] and nowhere else may the two drift apart.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use cairn_store::Db;
use cairn_store::testing::TestDb;
use sqlx::Row;

/// Tables, columns and indexes that exist on one backend only, by design: full-text
/// search. A table named here covers its columns.
const DIALECT_ONLY: &[&str] = &[
    // SQLite: FTS5 index of ticket titles, descriptions, replies and internal notes.
    "ticket_fts",
    // SQLite: FTS5's shadow table of index settings, behind ticket_fts.
    "ticket_fts_config",
    // SQLite: FTS5's shadow table of the indexed text, behind ticket_fts.
    "ticket_fts_content",
    // SQLite: FTS5's shadow table of index segments, behind ticket_fts.
    "ticket_fts_data",
    // SQLite: FTS5's shadow table of document sizes (for ranking), behind ticket_fts.
    "ticket_fts_docsize",
    // SQLite: FTS5's shadow table of segment boundaries, behind ticket_fts.
    "ticket_fts_idx",
    // SQLite: FTS5 index of article titles and bodies.
    "article_fts",
    // SQLite: FTS5's shadow table of index settings, behind article_fts.
    "article_fts_config",
    // SQLite: FTS5's shadow table of the indexed text, behind article_fts.
    "article_fts_content",
    // SQLite: FTS5's shadow table of index segments, behind article_fts.
    "article_fts_data",
    // SQLite: FTS5's shadow table of document sizes (for ranking), behind article_fts.
    "article_fts_docsize",
    // SQLite: FTS5's shadow table of segment boundaries, behind article_fts.
    "article_fts_idx",
    // PostgreSQL: a ticket's search document for staff (title, description, every comment).
    "tickets.search_all",
    // PostgreSQL: a ticket's search document for requesters (without internal notes).
    "tickets.search_public",
    // PostgreSQL: GIN index on tickets.search_all.
    "index tickets_search on tickets",
    // PostgreSQL: an article's search document (title weighted above body).
    "articles.search",
    // PostgreSQL: GIN index on articles.search.
    "index articles_search on articles",
];

fn dialect_only(s: &str) -> bool {
    DIALECT_ONLY.iter().any(|d| s == *d || s.starts_with(&format!("{d}.")))
}

/// `table`, `table.column` and `index name on table` of a database.
async fn shape(url: &str, sqlite: bool) -> BTreeSet<String> {
    let db = Db::open(url, 0).await.unwrap();
    let mut c = db.read().await.unwrap();
    let (columns, indexes) = if sqlite {
        (
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
            "SELECT name AS i, tbl_name AS t FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
        )
    } else {
        (
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns WHERE table_schema = 'public'",
            "SELECT indexname::text AS i, tablename::text AS t FROM pg_indexes WHERE schemaname = 'public' \
             AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        )
    };
    let mut out = BTreeSet::new();
    for r in sqlx::query(columns).fetch_all(&mut *c).await.unwrap() {
        let (t, col): (String, String) = (r.get("t"), r.get("c"));
        out.insert(t.clone());
        out.insert(format!("{t}.{col}"));
    }
    for r in sqlx::query(indexes).fetch_all(&mut *c).await.unwrap() {
        let (i, t): (String, String) = (r.get("i"), r.get("t"));
        out.insert(format!("index {i} on {t}"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_migration_sets_define_the_same_tables_columns_and_indexes() {
    let Some(pg) = TestDb::postgres().await else { return };
    let lite = TestDb::sqlite();
    let (a, b) = (shape(&lite.url(), true).await, shape(&pg.url(), false).await);
    assert!(a.len() > 50, "the schema was not read: {a:?}");
    // An entry that is on both backends, or on neither, is stale: it could hide drift.
    for d in DIALECT_ONLY {
        assert!(a.contains(*d) != b.contains(*d), "DIALECT_ONLY names {d}, which is not on exactly one backend");
    }
    let only_sqlite: Vec<&String> = a.difference(&b).filter(|s| !dialect_only(s)).collect();
    let only_pg: Vec<&String> = b.difference(&a).filter(|s| !dialect_only(s)).collect();
    assert!(only_sqlite.is_empty() && only_pg.is_empty(), "only on SQLite: {only_sqlite:#?}\nonly on PostgreSQL: {only_pg:#?}");
}
