//! Bodies of the people and settings API, as documented in the OpenAPI document.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserBody {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: String,
    pub organisation: Option<String>,
    pub disabled: bool,
    /// Who approves what they order.
    pub manager: Option<String>,
    /// Their own time zone; null follows the tenant's.
    pub time_zone: Option<String>,
    /// The kinds of news they chose to get by mail; null follows the tenant's default
    /// for their role.
    pub mail_events: Option<Vec<String>>,
}

impl From<cairn_store::platform::directory::User> for UserBody {
    fn from(u: cairn_store::platform::directory::User) -> Self {
        UserBody {
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            role: u.role.as_str().into(),
            organisation: u.organisation,
            disabled: u.disabled,
            mail_events: u.mail_news.map(|c| c.0.iter().map(|k| k.as_str().to_string()).collect()),
            time_zone: u.time_zone,
            manager: u.manager,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateUserRequest {
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    /// requester, agent, admin
    pub role: String,
    pub password: Option<String>,
    pub organisation: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NameRequest {
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MemberRequest {
    pub username: String,
}

/// A customer organisation. In a PUT only `shared_tickets` counts.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganisationBody {
    #[serde(default)]
    pub name: String,
    /// Whether its requesters see each other's tickets (off by default).
    pub shared_tickets: bool,
}
