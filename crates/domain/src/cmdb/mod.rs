//! Configuration management: CI classes with inherited, typed attributes; CIs with
//! their status and identification keys; typed relations between them; and impact
//! analysis over that graph. Change, assets, monitoring alerts and AV rooms stand on it.

pub mod class;
pub mod impact;
pub mod number;
pub mod reconcile;
pub mod relation;
pub mod starter;

use crate::DomainError;

pub use number::CiNumber;

code_enum!(
    /// Where a CI is in its life.
    CiStatus {
        Planned => "planned", "Planned";
        Operational => "operational", "Operational";
        Degraded => "degraded", "Degraded";
        Down => "down", "Down";
        InMaintenance => "in_maintenance", "In maintenance";
        Retired => "retired", "Retired";
    }
);

code_enum!(
    /// How much the business suffers when the CI fails.
    Criticality {
        Low => "low", "Low";
        Medium => "medium", "Medium";
        High => "high", "High";
        Critical => "critical", "Critical";
    }
);

code_enum!(
    /// Where a background import is: its file arriving, waiting for a worker, being
    /// checked (a dry run's only phase), being applied, or over.
    ImportState {
        Uploading => "uploading", "Uploading";
        Queued => "queued", "Queued";
        Checking => "checking", "Checking";
        Running => "running", "Running";
        Done => "done", "Done";
        Failed => "failed", "Failed";
    }
);

impl ImportState {
    pub fn finished(self) -> bool {
        matches!(self, ImportState::Done | ImportState::Failed)
    }
}

/// A configuration item as stored. References to people, groups, organisations and
/// the location are ids here; reads carry their names beside.
#[derive(Debug, Clone, PartialEq)]
pub struct Ci {
    pub id: crate::ids::CiId,
    pub number: CiNumber,
    pub class: crate::ids::CiClassId,
    pub name: String,
    pub status: CiStatus,
    pub criticality: Criticality,
    pub owner: Option<crate::ids::UserId>,
    pub group: Option<crate::ids::GroupId>,
    pub org: Option<crate::ids::OrgId>,
    pub location: Option<crate::ids::CiId>,
    /// Checked against the class ([`class::ClassTree::validate`]) on every write.
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// Which source last set each field (`name`, `status`, `attributes.serial_number`,
    /// …): `manual` for the API and the UI, the import's source name otherwise. Source
    /// precedence ([`reconcile::Ranking`]) reads it.
    pub sources: std::collections::BTreeMap<String, String>,
    /// When an import last saw the CI (stale CIs are those not seen for a while).
    pub seen_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A CI's name: trimmed, 1 to 200 characters.
pub fn check_name(name: &str) -> Result<String, DomainError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 200 || n.chars().any(char::is_control) {
        return Err(DomainError::invalid("name", "must be 1 to 200 characters, without control characters"));
    }
    Ok(n.to_string())
}
