//! The record types on the ticket core: incidents, problems, requests and their tasks.

use crate::DomainError;

/// Record types on the ticket core; each has its own number prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    Incident,
    Problem,
    /// A service request, ordered from the catalog.
    Request,
    /// A fulfilment task of a request, for one group.
    Task,
}

impl TicketKind {
    pub const ALL: [TicketKind; 4] = [TicketKind::Incident, TicketKind::Problem, TicketKind::Request, TicketKind::Task];

    pub fn prefix(self) -> &'static str {
        match self {
            TicketKind::Incident => "INC",
            TicketKind::Problem => "PRB",
            TicketKind::Request => "REQ",
            TicketKind::Task => "TSK",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            TicketKind::Incident => "incident",
            TicketKind::Problem => "problem",
            TicketKind::Request => "request",
            TicketKind::Task => "task",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        TicketKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DomainError::invalid("kind", format!("unknown ticket kind '{s}' (incident, problem, request or task)")))
    }
    pub fn number(self, seq: i64) -> String {
        format!("{}{seq:07}", self.prefix())
    }
}
