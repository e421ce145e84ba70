//! Conditions on ticket fields, for selecting, starting, pausing, stopping, resetting
//! and cancelling service-level clocks.

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The ticket as service-level conditions see it at one moment, by names (as the
/// journal records them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub kind: String,
    pub status: String,
    pub priority: u8,
    pub category: Option<String>,
    pub service: Option<String>,
    pub group: Option<String>,
    pub assignee: Option<String>,
    pub organisation: Option<String>,
    pub tags: Vec<String>,
    /// Public replies by agents so far (first response, next update).
    pub agent_replies: u32,
}

/// The fields a condition may test.
pub const FIELDS: [&str; 9] = ["kind", "status", "priority", "category", "service", "group", "assignee", "organisation", "tag"];

/// `field` is (or is not) one of `values`. A category value also matches its
/// subcategories ("Network" matches "Network/VPN"); an absent field matches "".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    #[serde(default)]
    pub negate: bool,
    pub values: Vec<String>,
}

impl Condition {
    pub fn is(field: &str, values: &[&str]) -> Condition {
        Condition { field: field.into(), negate: false, values: values.iter().map(|v| v.to_string()).collect() }
    }

    pub fn check(&self, at: &'static str) -> Result<(), DomainError> {
        if !FIELDS.contains(&self.field.as_str()) {
            return Err(DomainError::invalid(at, format!("unknown field '{}' (use one of {})", self.field, FIELDS.join(", "))));
        }
        if self.values.is_empty() {
            return Err(DomainError::invalid(at, format!("the condition on '{}' lists no values", self.field)));
        }
        if self.field == "priority" && self.values.iter().any(|v| !matches!(v.trim(), "1" | "2" | "3" | "4" | "5")) {
            return Err(DomainError::invalid(at, "priority values are 1 to 5"));
        }
        Ok(())
    }

    pub fn holds(&self, f: &Facts) -> bool {
        let one = |v: &str| -> bool {
            let v = v.trim();
            match self.field.as_str() {
                "kind" => f.kind.eq_ignore_ascii_case(v),
                "status" => f.status.eq_ignore_ascii_case(v),
                "priority" => v.parse::<u8>().is_ok_and(|p| p == f.priority),
                "category" => f.category.as_deref().map_or(v.is_empty(), |c| {
                    c.eq_ignore_ascii_case(v)
                        || (c.len() > v.len()
                            && c.is_char_boundary(v.len())
                            && c[..v.len()].eq_ignore_ascii_case(v)
                            && c[v.len()..].starts_with('/'))
                }),
                "service" => f.service.as_deref().unwrap_or_default().eq_ignore_ascii_case(v),
                "group" => f.group.as_deref().unwrap_or_default().eq_ignore_ascii_case(v),
                "assignee" => f.assignee.as_deref().unwrap_or_default().eq_ignore_ascii_case(v),
                "organisation" => f.organisation.as_deref().unwrap_or_default().eq_ignore_ascii_case(v),
                "tag" => f.tags.iter().any(|t| t.eq_ignore_ascii_case(v)),
                _ => false,
            }
        };
        self.values.iter().any(|v| one(v)) != self.negate
    }
}

/// All of the conditions hold (none: true).
pub fn all(conditions: &[Condition], f: &Facts) -> bool {
    conditions.iter().all(|c| c.holds(f))
}
