//! Who may do what. The app layer asks these questions before any change;
//! ticket visibility is turned into a [`Scope`] that every store query requires,
//! so a query cannot forget the tenant or the requester restriction.

use crate::DomainError;
use crate::ids::{TenantId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Requester,
    Agent,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Requester => "requester",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Result<Role, DomainError> {
        match s {
            "requester" => Ok(Role::Requester),
            "agent" => Ok(Role::Agent),
            "admin" => Ok(Role::Admin),
            other => Err(DomainError::invalid("role", format!("unknown role '{other}' (expected requester, agent or admin)"))),
        }
    }
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }
}

/// The authenticated user on whose behalf a use case runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
}

/// What an actor may do, decided here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Edit any field of a ticket, assign, change status.
    WorkTickets,
    /// Write internal notes and read them.
    InternalNotes,
    /// Raise tickets on behalf of someone else.
    RaiseForOthers,
    /// Manage users, groups, tokens, settings.
    Administer,
}

impl Actor {
    pub fn may(&self, p: Permission) -> bool {
        match p {
            Permission::WorkTickets | Permission::InternalNotes | Permission::RaiseForOthers => self.role.is_staff(),
            Permission::Administer => self.role == Role::Admin,
        }
    }

    /// The slice of tickets this actor can see: their tenant, and for requesters
    /// only the tickets they raised.
    pub fn scope(&self) -> Scope {
        Scope {
            tenant_id: self.tenant_id,
            requester_only: (!self.role.is_staff()).then_some(self.user_id),
            internal: self.may(Permission::InternalNotes),
        }
    }
}

/// A visibility filter; only constructible from an [`Actor`] or for system work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    tenant_id: TenantId,
    requester_only: Option<UserId>,
    internal: bool,
}

impl Scope {
    /// Everything in one tenant: for workers, seeding and audits, never for requests.
    pub fn system(tenant_id: TenantId) -> Scope {
        Scope { tenant_id, requester_only: None, internal: true }
    }
    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }
    pub fn requester_only(&self) -> Option<UserId> {
        self.requester_only
    }
    /// Whether internal notes are visible (and searchable).
    pub fn sees_internal(&self) -> bool {
        self.internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor { tenant_id: TenantId(1), user_id: UserId(7), username: "u".into(), role }
    }

    #[test]
    fn requesters_see_only_their_own_public_side() {
        let s = actor(Role::Requester).scope();
        assert_eq!(s.requester_only(), Some(UserId(7)));
        assert!(!s.sees_internal());
        assert!(!actor(Role::Requester).may(Permission::WorkTickets));
    }

    #[test]
    fn agents_work_tickets_but_do_not_administer() {
        let a = actor(Role::Agent);
        assert!(a.may(Permission::WorkTickets) && !a.may(Permission::Administer));
        assert_eq!(a.scope().requester_only(), None);
        assert!(actor(Role::Admin).may(Permission::Administer));
    }
}
