use crate::asset::AssetState;
use crate::ticket::status::Status;

/// A rule of the domain said no. Every variant names what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("a ticket cannot go from {} to {}", from.as_str(), to.as_str())]
    InvalidTransition { from: Status, to: Status },
    #[error("an asset cannot go from {} to {}", from.as_str(), to.as_str())]
    AssetTransition { from: AssetState, to: AssetState },
}

impl DomainError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }
}
