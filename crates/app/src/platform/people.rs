//! People and groups as administrators keep them: a person's details, role and
//! organisation; who is in a group. Each change is journaled field by field.

use cairn_domain::platform::access::{Actor, Permission, Role};
use cairn_store::platform::directory::{self, Group, User, UserDetails};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;

use crate::platform::admin::{Admin, check_name};
use crate::{App, AppError, Result};

/// A person's details as an administrator sets them (the whole set).
#[derive(Debug, Clone)]
pub struct UserEdit {
    pub display_name: String,
    pub email: Option<String>,
    pub role: String,
    pub organisation: Option<String>,
}

fn check_email(raw: Option<&str>) -> Result<Option<String>> {
    let Some(e) = raw.map(str::trim).filter(|e| !e.is_empty()) else { return Ok(None) };
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.'));
    if ok { Ok(Some(e.to_string())) } else { Err(AppError::invalid("email", format!("'{e}' is not an email address"))) }
}

impl App {
    /// Replaces a person's details; a change of role away from agent or admin also
    /// takes them out of their groups (groups hold agents).
    pub async fn update_user(&self, admin: &Admin, username: &str, edit: UserEdit) -> Result<User> {
        let display = check_name("display_name", &edit.display_name, 200)?;
        let email = check_email(edit.email.as_deref())?;
        let role = Role::parse(&edit.role)?;
        let (t, by, now, username) = (admin.tenant(), admin.user(), self.now(), username.to_string());
        self.db
            .write(tx!(|c| {
                let u = directory::user_by_name(c, t, &username).await?.ok_or_else(|| AppError::NotFound(format!("user '{username}'")))?;
                if Some(u.id) == by && role != u.role {
                    return Err(AppError::invalid("role", "you cannot change your own role"));
                }
                let org = match edit.organisation.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                    Some(o) => Some((
                        directory::org_by_name(c, t, o)
                            .await?
                            .ok_or_else(|| AppError::invalid("organisation", format!("no organisation '{o}'")))?,
                        o.to_string(),
                    )),
                    None => None,
                };
                let details =
                    UserDetails { display_name: &display, email: email.as_deref(), role, organisation_id: org.as_ref().map(|o| o.0) };
                directory::set_details(c, t, u.id, &details).await?;
                let mut entries = Vec::new();
                let mut changed = |field: &str, old: Option<String>, new: Option<String>| {
                    if old != new {
                        let mut e = Entry::action("user", u.id.0, "updated");
                        e.field = Some(field.into());
                        (e.old, e.new) = (old, new);
                        entries.push(e);
                    }
                };
                changed("display_name", Some(u.display_name.clone()), Some(display.clone()));
                changed("email", u.email.clone(), email.clone());
                changed("role", Some(u.role.as_str().into()), Some(role.as_str().into()));
                changed("organisation", u.organisation.clone(), org.map(|o| o.1));
                if !role.is_staff() && u.role.is_staff() {
                    for g in directory::groups(c, t).await? {
                        if directory::remove_member(c, t, g.id, u.id).await? {
                            let mut e = Entry::action("group", g.id.0, "member_removed");
                            e.old = Some(username.clone());
                            entries.push(e);
                        }
                    }
                }
                journal::append(c, t, by, now, &entries).await?;
                directory::user_by_id(c, t, u.id).await?.ok_or_else(|| AppError::Internal("user vanished".into()))
            }))
            .await
    }

    pub async fn remove_group_member(&self, admin: &Admin, group: &str, username: &str) -> Result<()> {
        let (t, by, now, group, username) = (admin.tenant(), admin.user(), self.now(), group.to_string(), username.to_string());
        self.db
            .write(tx!(|c| {
                let g = directory::group_by_name(c, t, &group).await?.ok_or_else(|| AppError::NotFound(format!("group '{group}'")))?;
                let u = directory::user_by_name(c, t, &username).await?.ok_or_else(|| AppError::NotFound(format!("user '{username}'")))?;
                if directory::remove_member(c, t, g.id, u.id).await? {
                    let mut e = Entry::action("group", g.id.0, "member_removed");
                    e.old = Some(username);
                    journal::append(c, t, by, now, &[e]).await?;
                }
                Ok(())
            }))
            .await
    }

    /// A group and its members, for agents and administrators.
    pub async fn group_with_members(&self, actor: &Actor, name: &str) -> Result<(Group, Vec<User>)> {
        if !actor.may(Permission::WorkTickets) {
            return Err(AppError::Forbidden("agents and administrators only".into()));
        }
        let mut c = self.db.read().await?;
        let g =
            directory::group_by_name(&mut c, actor.tenant_id, name).await?.ok_or_else(|| AppError::NotFound(format!("group '{name}'")))?;
        let members = directory::members(&mut c, actor.tenant_id, g.id).await?;
        Ok((g, members))
    }
}

#[cfg(test)]
mod tests {
    use super::check_email;

    #[test]
    fn emails_need_a_local_part_and_a_domain() {
        assert_eq!(check_email(Some(" kim@example.com ")).unwrap().as_deref(), Some("kim@example.com"));
        assert_eq!(check_email(Some("")).unwrap(), None);
        for bad in ["kim", "@example.com", "kim@localhost", "kim @example.com"] {
            assert!(check_email(Some(bad)).is_err(), "{bad}");
        }
    }
}
