//! What a notification is about, and which of those a person also gets by mail: their
//! own choice, or the tenant's default for their role (requesters hear of replies,
//! status changes and approvals unless they say otherwise; staff choose for themselves).

use std::collections::BTreeSet;

use crate::DomainError;

/// The kinds of news a person may have mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NewsKind {
    /// A reply or note on a ticket one raised, works on or watches.
    Reply,
    /// A ticket or task assigned to one.
    Assigned,
    /// An @mention.
    Mention,
    /// An approval decided on one's request (an approval asked of one always comes by
    /// mail, with its links).
    Approval,
    /// A service-level clock breached.
    ServiceLevel,
    /// A ticket resolved, closed, reopened or otherwise moved on.
    Status,
    /// Everything else: escalations, major incident news, merges, workarounds, surveys.
    #[default]
    Other,
}

use NewsKind as K;

impl NewsKind {
    pub const ALL: [NewsKind; 7] = [K::Reply, K::Assigned, K::Mention, K::Approval, K::ServiceLevel, K::Status, K::Other];

    pub const fn as_str(self) -> &'static str {
        match self {
            K::Reply => "reply",
            K::Assigned => "assigned",
            K::Mention => "mention",
            K::Approval => "approval",
            K::ServiceLevel => "service_level",
            K::Status => "status",
            K::Other => "other",
        }
    }

    /// As a person reads it on their account page.
    pub const fn label(self) -> &'static str {
        match self {
            K::Reply => "Replies and notes",
            K::Assigned => "Tickets assigned to me",
            K::Mention => "@mentions of me",
            K::Approval => "Approvals decided on my requests",
            K::ServiceLevel => "Service-level breaches",
            K::Status => "Status changes (resolved, closed, reopened)",
            K::Other => "Everything else (escalations, major incidents, merges)",
        }
    }

    pub fn parse(s: &str) -> Result<NewsKind, DomainError> {
        NewsKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let all: Vec<&str> = NewsKind::ALL.iter().map(|k| k.as_str()).collect();
            DomainError::invalid("events", format!("'{s}' is not a kind of news ({})", all.join(", ")))
        })
    }
}

/// A set of kinds, stored as their names joined by commas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailChoice(pub BTreeSet<NewsKind>);

impl MailChoice {
    /// What requesters get when they have not chosen: news of their own requests.
    pub fn requester_default() -> MailChoice {
        MailChoice([K::Reply, K::Status, K::Approval].into())
    }

    /// Kinds as given (names, each once; blanks ignored).
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<MailChoice, DomainError> {
        names.iter().map(|n| n.as_ref().trim()).filter(|n| !n.is_empty()).map(NewsKind::parse).collect::<Result<_, _>>().map(MailChoice)
    }

    /// As stored: unknown names (from a later version) are dropped.
    pub fn from_stored(s: &str) -> MailChoice {
        MailChoice(s.split(',').filter_map(|n| NewsKind::parse(n).ok()).collect())
    }

    pub fn to_stored(&self) -> String {
        self.0.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn has(&self, k: NewsKind) -> bool {
        self.0.contains(&k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn choices_read_back_and_name_what_is_wrong() {
        let c = MailChoice::parse(&["status", " reply ", "", "status"]).unwrap();
        assert_eq!(c.to_stored(), "reply,status");
        assert_eq!(MailChoice::from_stored("reply,status,telepathy"), c);
        let e = MailChoice::parse(&["replies"]).unwrap_err().to_string();
        assert!(e.contains("'replies'") && e.contains("service_level"), "{e}");
        assert!(MailChoice::requester_default().has(NewsKind::Reply) && !MailChoice::requester_default().has(NewsKind::Other));
    }

    proptest! {
        #[test]
        fn any_choice_survives_storage(bits in 0u8..128) {
            let c = MailChoice(NewsKind::ALL.into_iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, k)| k).collect());
            prop_assert_eq!(MailChoice::from_stored(&c.to_stored()), c);
        }
    }
}
