//! Approvals of a catalog item: stages run one after another, each asking the
//! requester's manager, a named user or a group, and settling by its rule. A stage that
//! waits too long reminds its approvers at half its timeout and escalates at the end.

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// Who approves a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approver {
    /// The requester's manager (set on their user).
    Manager,
    /// The user named in `name`.
    User,
    /// The members of the group named in `name`.
    Group,
}

/// How many approvers of a stage must say yes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The first decision settles the stage, either way.
    #[default]
    Any,
    /// Everyone approves; one rejection rejects.
    All,
    /// `quorum` approvals approve; rejected once they can no longer be reached.
    Quorum,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub approver: Approver,
    /// The user or group (not for `manager`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub rule: Rule,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum: Option<u32>,
    /// Hours before the stage escalates (a reminder goes out at half of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_hours: Option<u32>,
    /// Who decides the stage alone once it timed out (a username).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<String>,
}

pub const STAGES_MAX: usize = 5;
pub const TIMEOUT_HOURS_MAX: u32 = 720;

fn refuse(i: usize, why: impl Into<String>) -> DomainError {
    DomainError::invalid("approvals", format!("stage {}: {}", i + 1, why.into()))
}

/// Checks a catalog item's approval stages (names are resolved by the caller).
pub fn check_stages(stages: &[Stage]) -> Result<(), DomainError> {
    if stages.len() > STAGES_MAX {
        return Err(DomainError::invalid("approvals", format!("at most {STAGES_MAX} stages")));
    }
    for (i, s) in stages.iter().enumerate() {
        let named = s.name.as_deref().is_some_and(|n| !n.trim().is_empty());
        match s.approver {
            Approver::Manager if s.name.is_some() => return Err(refuse(i, "the manager is the requester's; leave out name")),
            Approver::User | Approver::Group if !named => return Err(refuse(i, "name the user or group who approves")),
            _ => {}
        }
        if s.approver != Approver::Group && s.rule != Rule::Any {
            return Err(refuse(i, "rules all and quorum are for groups"));
        }
        match (s.rule, s.quorum) {
            (Rule::Quorum, Some(n)) if n >= 1 => {}
            (Rule::Quorum, _) => return Err(refuse(i, "a quorum rule needs quorum of at least 1")),
            (_, Some(_)) => return Err(refuse(i, "quorum is only for the quorum rule")),
            _ => {}
        }
        match (s.timeout_hours, &s.escalate_to) {
            (Some(h), Some(_)) if (1..=TIMEOUT_HOURS_MAX).contains(&h) => {}
            (Some(_), Some(_)) => return Err(refuse(i, format!("timeout_hours must be 1 to {TIMEOUT_HOURS_MAX}"))),
            (Some(_), None) => return Err(refuse(i, "a timeout needs escalate_to, who decides when it runs out")),
            (None, Some(_)) => return Err(refuse(i, "escalate_to needs timeout_hours")),
            (None, None) => {}
        }
    }
    Ok(())
}

/// Where a stage stands.
/// Where one approver's approval stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalState {
    Pending,
    Approved,
    Rejected,
    /// No longer needed: its stage was settled by others, or its request ended.
    Skipped,
}

impl ApprovalState {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Rejected => "rejected",
            ApprovalState::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Result<ApprovalState, crate::DomainError> {
        [ApprovalState::Pending, ApprovalState::Approved, ApprovalState::Rejected, ApprovalState::Skipped]
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| crate::DomainError::invalid("state", format!("unknown approval state '{s}'")))
    }

    /// The state a decision leaves.
    pub fn decided(approve: bool) -> ApprovalState {
        if approve { ApprovalState::Approved } else { ApprovalState::Rejected }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pending,
    Approved,
    Rejected,
}

/// Decides a stage from the decisions so far of its `approvers`.
pub fn verdict(rule: Rule, quorum: Option<u32>, approvers: usize, approved: usize, rejected: usize) -> Verdict {
    let need = match rule {
        Rule::Any => 1,
        Rule::All => approvers,
        Rule::Quorum => (quorum.unwrap_or(1) as usize).min(approvers),
    }
    .max(1);
    if approved >= need {
        Verdict::Approved
    } else if (rule == Rule::Any && rejected > 0) || approvers.saturating_sub(rejected) < need {
        Verdict::Rejected
    } else {
        Verdict::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stage(approver: Approver, name: Option<&str>) -> Stage {
        Stage { approver, name: name.map(str::to_string), rule: Rule::Any, quorum: None, timeout_hours: None, escalate_to: None }
    }

    #[test]
    fn stages_name_what_is_wrong() {
        assert!(check_stages(&[stage(Approver::Manager, None), stage(Approver::Group, Some("Finance"))]).is_ok());
        let err = |s: Stage| check_stages(&[s]).unwrap_err().to_string();
        assert!(err(stage(Approver::User, None)).contains("stage 1: name the user"));
        assert!(err(stage(Approver::Manager, Some("bob"))).contains("leave out name"));
        assert!(err(Stage { rule: Rule::Quorum, ..stage(Approver::Group, Some("g")) }).contains("quorum of at least 1"));
        assert!(err(Stage { rule: Rule::All, ..stage(Approver::User, Some("bob")) }).contains("for groups"));
        assert!(err(Stage { timeout_hours: Some(24), ..stage(Approver::Manager, None) }).contains("escalate_to"));
        let long = Stage { timeout_hours: Some(10_000), escalate_to: Some("bob".into()), ..stage(Approver::Manager, None) };
        assert!(err(long).contains("1 to 720"));
        assert!(check_stages(&vec![stage(Approver::Manager, None); 6]).is_err());
    }

    #[test]
    fn rules_settle_as_named() {
        assert_eq!(verdict(Rule::Any, None, 3, 0, 1), Verdict::Rejected, "the first decision settles any");
        assert_eq!(verdict(Rule::Any, None, 3, 1, 0), Verdict::Approved);
        assert_eq!(verdict(Rule::All, None, 3, 2, 0), Verdict::Pending);
        assert_eq!(verdict(Rule::All, None, 3, 3, 0), Verdict::Approved);
        assert_eq!(verdict(Rule::All, None, 3, 2, 1), Verdict::Rejected);
        assert_eq!(verdict(Rule::Quorum, Some(2), 4, 1, 2), Verdict::Pending, "two may still approve");
        assert_eq!(verdict(Rule::Quorum, Some(2), 4, 1, 3), Verdict::Rejected);
        assert_eq!(verdict(Rule::Quorum, Some(2), 4, 2, 2), Verdict::Approved);
        assert_eq!(verdict(Rule::Quorum, Some(5), 2, 2, 0), Verdict::Approved, "a quorum above the group is all of it");
    }

    fn any_rule() -> impl Strategy<Value = Rule> {
        proptest::sample::select(vec![Rule::Any, Rule::All, Rule::Quorum])
    }

    proptest! {
        /// Once every approver decided, a stage is settled; and under all and quorum a
        /// settled stage never turns as more decisions arrive (under any, the first
        /// decision settles it and no more are taken).
        #[test]
        fn decisions_settle_and_stay_settled(rule in any_rule(), quorum in 1u32..6, yes in proptest::collection::vec(any::<bool>(), 1..8)) {
            let n = yes.len();
            let (mut a, mut r) = (0, 0);
            let mut settled = None;
            for y in &yes {
                if *y { a += 1 } else { r += 1 }
                let v = verdict(rule, Some(quorum), n, a, r);
                if let Some(s) = settled.filter(|_| rule != Rule::Any) { prop_assert_eq!(v, s); }
                if v != Verdict::Pending && settled.is_none() { settled = Some(v); }
            }
            prop_assert!(settled.is_some());
        }
    }
}
