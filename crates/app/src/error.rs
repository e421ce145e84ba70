use cairn_domain::DomainError;
use cairn_store::StoreError;

/// Why a use case refused or failed. The web layer maps each variant to one status code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    InvalidTransition(String),
    #[error("{0}")]
    Conflict(String),
    /// It existed but can no longer be used (an expired link).
    #[error("{0}")]
    Gone(String),
    /// The caller's copy is out of date (If-Match did not match).
    #[error("the ticket changed since you loaded it; reload and retry")]
    Stale,
    #[error("too many failed sign-ins; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// Too much is being done at once (password hashing); nothing was decided.
    #[error("the server is busy; try again in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid { field: field.to_string(), message: message.into() }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Stale => AppError::Stale,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => AppError::Invalid { field: field.to_string(), message },
            e @ (DomainError::InvalidTransition { .. } | DomainError::AssetTransition { .. }) => AppError::InvalidTransition(e.to_string()),
        }
    }
}
