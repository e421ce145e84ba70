//! Which database a URL names, and how every SQLite connection is set up.

use crate::error::Result;
use crate::{Conn, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(StoreError::Config("database_url must start with sqlite: or postgres://".into()))
        }
    }
}

/// Pragmas on every SQLite connection: WAL for concurrent readers, FULL sync so an
/// acknowledged commit survives a power cut, foreign keys enforced.
const SQLITE_PRAGMAS: [&str; 5] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA foreign_keys = ON",
    "PRAGMA cache_size = -8000",
];

pub(crate) async fn prepare_sqlite(conn: &mut Conn) -> std::result::Result<(), sqlx::Error> {
    for p in SQLITE_PRAGMAS {
        sqlx::raw_sql(p).execute(&mut *conn).await?;
    }
    Ok(())
}
