#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was hit (a name taken, a key reused).
    #[error("already exists: {0}")]
    Conflict(String),
    /// The row changed since it was read (optimistic concurrency).
    #[error("the record changed since it was read")]
    Stale,
    #[error("database error: {0}")]
    Db(sqlx::Error),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("configuration: {0}")]
    Config(String),
    /// The batch this change was part of could not be committed.
    #[error("commit failed: {0}")]
    Commit(String),
    #[error("the database writer has stopped")]
    WriterGone,
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e.as_database_error() {
            Some(d) if d.is_unique_violation() => StoreError::Conflict(d.message().to_string()),
            _ => StoreError::Db(e),
        }
    }
}

impl From<cairn_domain::DomainError> for StoreError {
    fn from(e: cairn_domain::DomainError) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
