//! Administration: tenants, users, groups, organisations, categories, settings.
//! Each takes an [`Admin`]: an admin actor, or the operator at the command line.

use cairn_domain::ids::{TenantId, UserId};
use cairn_domain::platform::access::{Actor, Permission, Role};
use cairn_domain::ticket::priority::PriorityMatrix;
use cairn_store::platform::directory::{self, Group, NewUser, User};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;
use cairn_store::{platform::auth as store_auth, platform::tenants};

use crate::platform::auth::check_password_rules;
use crate::{App, AppError, Result};

/// Who is administering: a signed-in admin, or the operator's shell (`cairn admin …`).
#[derive(Debug, Clone)]
pub enum Admin {
    Actor(Actor),
    Operator(TenantId),
}

impl Admin {
    pub(crate) fn tenant(&self) -> TenantId {
        match self {
            Admin::Actor(a) => a.tenant_id,
            Admin::Operator(t) => *t,
        }
    }
    pub(crate) fn user(&self) -> Option<UserId> {
        match self {
            Admin::Actor(a) => Some(a.user_id),
            Admin::Operator(_) => None,
        }
    }
    pub fn from_actor(a: &Actor) -> Result<Admin> {
        if a.may(Permission::Administer) { Ok(Admin::Actor(a.clone())) } else { Err(AppError::Forbidden("administrators only".into())) }
    }
}

#[derive(Debug, Clone)]
pub struct CreateUser {
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub role: String,
    pub password: Option<String>,
    pub organisation: Option<String>,
}

pub(crate) fn check_name(field: &str, v: &str, max: usize) -> Result<String> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(AppError::invalid(field, format!("must be 1 to {max} printable characters")));
    }
    Ok(v.to_string())
}

fn check_username(v: &str) -> Result<String> {
    let ok = !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if ok { Ok(v.to_string()) } else { Err(AppError::invalid("username", "use 1 to 64 letters, digits, '.', '_', '-' or '@'")) }
}

impl App {
    pub async fn create_tenant(&self, slug: &str, name: &str) -> Result<TenantId> {
        let slug = check_username(slug).map_err(|_| AppError::invalid("slug", "use letters, digits, '.', '_' or '-'"))?;
        let name = check_name("name", name, 200)?;
        let now = self.now();
        let id = self
            .db
            .write(tx!(|c| {
                let id = tenants::insert(c, &slug, &name, now).await?;
                journal::append(c, id, None, now, &[Entry::action("tenant", id.0, "created")]).await?;
                Ok::<_, AppError>(id)
            }))
            .await?;
        self.schedule_detection(id).await?;
        self.install_ci_classes(id).await?;
        Ok(id)
    }

    pub async fn create_user(&self, admin: &Admin, req: CreateUser) -> Result<User> {
        let username = check_username(&req.username)?;
        let role = Role::parse(&req.role)?;
        let display = check_name("display_name", req.display_name.as_deref().unwrap_or(&username), 200)?;
        let hash = match &req.password {
            Some(p) => {
                check_password_rules(p)?;
                Some(self.hash_password(p).await?)
            }
            None => None,
        };
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let org = match req.organisation.as_deref() {
                    Some(o) => Some(
                        directory::org_by_name(c, t, o)
                            .await?
                            .ok_or_else(|| AppError::invalid("organisation", format!("no organisation '{o}'")))?,
                    ),
                    None => None,
                };
                let new = NewUser {
                    username: &username,
                    display_name: &display,
                    email: req.email.as_deref(),
                    role,
                    password_hash: hash.as_deref(),
                    organisation_id: org,
                };
                let id = directory::insert_user(c, t, &new, now).await?;
                let mut e = Entry::action("user", id.0, "created");
                e.new = Some(format!("{username} ({})", role.as_str()));
                journal::append(c, t, by, now, &[e]).await?;
                directory::user_by_id(c, t, id).await?.ok_or_else(|| AppError::Internal("user vanished".into()))
            }))
            .await
    }

    /// Disables a user and, in the same transaction, ends their sessions and tokens.
    pub async fn set_user_disabled(&self, admin: &Admin, username: &str, disabled: bool) -> Result<()> {
        let (t, by, now, username) = (admin.tenant(), admin.user(), self.now(), username.to_string());
        self.db
            .write(tx!(|c| {
                let u = directory::user_by_name(c, t, &username).await?.ok_or_else(|| AppError::NotFound(format!("user '{username}'")))?;
                if Some(u.id) == by && disabled {
                    return Err(AppError::invalid("username", "you cannot disable yourself"));
                }
                directory::set_disabled(c, t, u.id, disabled).await?;
                if disabled {
                    store_auth::revoke_all(c, t, u.id, now).await?;
                }
                let e = Entry::action("user", u.id.0, if disabled { "disabled" } else { "enabled" });
                journal::append(c, t, by, now, &[e]).await?;
                Ok(())
            }))
            .await
    }

    /// Sets (or clears) who a user's manager is: the approver of what they order.
    pub async fn set_user_manager(&self, admin: &Admin, username: &str, manager: Option<&str>) -> Result<()> {
        let (t, by, now, username, manager) = (admin.tenant(), admin.user(), self.now(), username.to_string(), manager.map(str::to_string));
        self.db
            .write(tx!(|c| {
                let u = directory::user_by_name(c, t, &username).await?.ok_or_else(|| AppError::NotFound(format!("user '{username}'")))?;
                let m = match manager.as_deref() {
                    Some(m) => Some(
                        directory::user_by_name(c, t, m).await?.ok_or_else(|| AppError::invalid("manager", format!("no user '{m}'")))?,
                    ),
                    None => None,
                };
                if m.as_ref().is_some_and(|m| m.id == u.id) {
                    return Err(AppError::invalid("manager", "nobody is their own manager"));
                }
                directory::set_user_manager(c, t, u.id, m.as_ref().map(|m| m.id)).await?;
                let mut e = Entry::action("user", u.id.0, "updated");
                e.field = Some("manager".into());
                e.old = u.manager;
                e.new = m.map(|m| m.username);
                journal::append(c, t, by, now, &[e]).await?;
                Ok(())
            }))
            .await
    }

    pub async fn set_password(&self, admin: &Admin, username: &str, password: &str) -> Result<()> {
        check_password_rules(password)?;
        let hash = self.hash_password(password).await?;
        let (t, by, now, username) = (admin.tenant(), admin.user(), self.now(), username.to_string());
        self.db
            .write(tx!(|c| {
                let u = directory::user_by_name(c, t, &username).await?.ok_or_else(|| AppError::NotFound(format!("user '{username}'")))?;
                directory::set_password_hash(c, t, u.id, &hash).await?;
                journal::append(c, t, by, now, &[Entry::action("user", u.id.0, "password_set")]).await?;
                Ok(())
            }))
            .await
    }

    pub async fn create_group(&self, admin: &Admin, name: &str) -> Result<Group> {
        let name = check_name("name", name, 100)?;
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let id = directory::insert_group(c, t, &name).await?;
                let mut e = Entry::action("group", id.0, "created");
                e.new = Some(name.clone());
                journal::append(c, t, by, now, &[e]).await?;
                Ok::<_, AppError>(Group { id, name, assignment: Default::default(), last_assignee: None, manager: None })
            }))
            .await
    }

    pub async fn add_group_member(&self, admin: &Admin, group: &str, username: &str) -> Result<()> {
        let (t, by, now, group, username) = (admin.tenant(), admin.user(), self.now(), group.to_string(), username.to_string());
        self.db
            .write(tx!(|c| {
                let g = directory::group_by_name(c, t, &group)
                    .await?
                    .ok_or_else(|| AppError::invalid("group", format!("no group '{group}'")))?;
                let u = directory::user_by_name(c, t, &username)
                    .await?
                    .ok_or_else(|| AppError::invalid("username", format!("no user '{username}'")))?;
                if !u.role.is_staff() {
                    return Err(AppError::invalid("username", format!("'{username}' is a requester; groups hold agents")));
                }
                if directory::add_member(c, t, g.id, u.id).await? {
                    let mut e = Entry::action("group", g.id.0, "member_added");
                    e.new = Some(username);
                    journal::append(c, t, by, now, &[e]).await?;
                }
                Ok(())
            }))
            .await
    }

    pub async fn create_organisation(&self, admin: &Admin, name: &str) -> Result<()> {
        let name = check_name("name", name, 200)?;
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let id = directory::insert_org(c, t, &name).await?;
                let mut e = Entry::action("organisation", id.0, "created");
                e.new = Some(name);
                journal::append(c, t, by, now, &[e]).await?;
                Ok::<_, AppError>(())
            }))
            .await
    }

    /// Lets an organisation's requesters see each other's tickets, or stops it.
    pub async fn set_organisation_sharing(&self, admin: &Admin, name: &str, shared: bool) -> Result<()> {
        let (t, by, now, name) = (admin.tenant(), admin.user(), self.now(), name.to_string());
        self.db
            .write(tx!(|c| {
                let org = directory::org_by_name(c, t, &name).await?.ok_or_else(|| AppError::NotFound(format!("organisation '{name}'")))?;
                directory::set_org_sharing(c, t, org, shared).await?;
                let mut e = Entry::action("organisation", org.0, "updated");
                e.field = Some("shared_tickets".into());
                e.new = Some(shared.to_string());
                journal::append(c, t, by, now, &[e]).await?;
                Ok::<_, AppError>(())
            }))
            .await
    }

    /// The organisations and whether each shares tickets among its requesters (agents).
    pub async fn organisations(&self, actor: &cairn_domain::platform::access::Actor) -> Result<Vec<(String, bool)>> {
        crate::agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(directory::orgs(&mut c, actor.tenant_id).await?)
    }

    /// Adds a category; `Parent/Child` adds a subcategory of an existing `Parent`.
    pub async fn create_category(&self, admin: &Admin, name: &str) -> Result<()> {
        let name = check_name("name", name, 200)?;
        let parts: Vec<&str> = name.split('/').map(str::trim).collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(AppError::invalid("name", "each level of a category path needs a name (e.g. Network/VPN)"));
        }
        let name = parts.join("/");
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                if let Some((parent, _)) = name.rsplit_once('/')
                    && !directory::categories(c, t).await?.iter().any(|n| n == parent)
                {
                    return Err(AppError::invalid("name", format!("parent category '{parent}' does not exist")));
                }
                directory::insert_category(c, t, &name).await?;
                let mut e = Entry::action("category", 0, "created");
                e.new = Some(name);
                journal::append(c, t, by, now, &[e]).await?;
                Ok::<_, AppError>(())
            }))
            .await
    }

    /// Days after which resolved tickets close by themselves (0 = never; at most 365).
    /// The tenant's settings, for its administrators.
    pub async fn settings(&self, admin: &Admin) -> Result<cairn_store::platform::tenants::Tenant> {
        let mut c = self.db.read().await?;
        cairn_store::platform::tenants::by_id(&mut c, admin.tenant()).await?.ok_or_else(|| AppError::NotFound("tenant".into()))
    }

    pub async fn set_auto_close_days(&self, admin: &Admin, days: i64) -> Result<()> {
        if !(0..=365).contains(&days) {
            return Err(AppError::invalid("days", "must be 0 (never) to 365"));
        }
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let old = tenants::by_id(c, t).await?.ok_or_else(|| AppError::NotFound("tenant".into()))?;
                tenants::set_auto_close_days(c, t, days).await?;
                let e = Entry {
                    entity: "tenant",
                    entity_id: t.0,
                    action: "updated",
                    field: Some("auto_close_days".into()),
                    old: Some(old.auto_close_days.to_string()),
                    new: Some(days.to_string()),
                };
                journal::append(c, t, by, now, &[e]).await?;
                Ok::<_, AppError>(())
            }))
            .await
    }

    pub async fn set_priority_matrix(&self, admin: &Admin, matrix: PriorityMatrix) -> Result<()> {
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let old = tenants::by_id(c, t).await?.ok_or_else(|| AppError::NotFound("tenant".into()))?;
                tenants::set_priority_matrix(c, t, &matrix).await?;
                let mut e = Entry::action("tenant", t.0, "updated");
                e.field = Some("priority_matrix".into());
                e.old = serde_json::to_string(&old.priority_matrix).ok();
                e.new = serde_json::to_string(&matrix).ok();
                journal::append(c, t, by, now, &[e]).await?;
                Ok::<_, AppError>(())
            }))
            .await
    }

    #[tracing::instrument(name = "users", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn users(&self, actor: &Actor) -> Result<Vec<User>> {
        let mut c = self.db.read().await?;
        let mut users = directory::users(&mut c, actor.tenant_id).await?;
        if !actor.may(Permission::WorkTickets) {
            users.retain(|u| u.id == actor.user_id);
        }
        Ok(users)
    }

    #[tracing::instrument(name = "groups", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn groups(&self, actor: &Actor) -> Result<Vec<Group>> {
        let mut c = self.db.read().await?;
        Ok(directory::groups(&mut c, actor.tenant_id).await?)
    }

    /// Who is in which group: (group, username) pairs, for pickers that offer only a
    /// group's members.
    #[tracing::instrument(name = "memberships", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn memberships(&self, actor: &Actor) -> Result<Vec<(String, String)>> {
        let mut c = self.db.read().await?;
        Ok(directory::memberships(&mut c, actor.tenant_id).await?)
    }

    #[tracing::instrument(name = "categories", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn categories(&self, actor: &Actor) -> Result<Vec<String>> {
        let mut c = self.db.read().await?;
        Ok(directory::categories(&mut c, actor.tenant_id).await?)
    }
}
