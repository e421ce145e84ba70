//! Users, assignment groups, organisations and categories of a tenant.

use cairn_domain::automation::assignment::Assignment;
use cairn_domain::ids::{GroupId, OrgId, TenantId, UserId};
use cairn_domain::platform::access::Role;
use cairn_domain::platform::news::MailChoice;
use sqlx::any::AnyRow;

use crate::engine::args::{Arg, bind_all, push};
use crate::engine::row::get;
use crate::error::Result;
use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub organisation: Option<String>,
    pub disabled: bool,
    /// Who approves what they order (see catalog approvals).
    pub manager_id: Option<UserId>,
    /// The manager's username.
    pub manager: Option<String>,
    /// Their own time zone (an IANA name); none follows the tenant's.
    pub time_zone: Option<String>,
    /// The news they have mailed; none follows the tenant's default for their role.
    pub mail_news: Option<MailChoice>,
}

const USER_COLS: &str = "SELECT u.id, u.tenant_id, u.username, u.display_name, u.email, u.role, u.disabled, o.name AS organisation, \
     u.manager_id, mgr.username AS manager, u.time_zone, u.mail_news \
     FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id LEFT JOIN users mgr ON mgr.id = u.manager_id";

fn user(r: &AnyRow) -> Result<User> {
    let role: String = get(r, "role")?;
    Ok(User {
        id: UserId(get(r, "id")?),
        tenant_id: TenantId(get(r, "tenant_id")?),
        username: get(r, "username")?,
        display_name: get(r, "display_name")?,
        email: get(r, "email")?,
        role: Role::parse(&role).map_err(StoreError::from)?,
        organisation: get(r, "organisation")?,
        disabled: get::<i64>(r, "disabled")? != 0,
        manager_id: get::<Option<i64>>(r, "manager_id")?.map(UserId),
        manager: get(r, "manager")?,
        time_zone: get(r, "time_zone")?,
        mail_news: get::<Option<String>>(r, "mail_news")?.as_deref().map(MailChoice::from_stored),
    })
}

fn sql(tail: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!("{USER_COLS} {tail}"))
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub role: Role,
    pub password_hash: Option<&'a str>,
    pub organisation_id: Option<OrgId>,
}

pub async fn insert_user(c: &mut Conn, t: TenantId, u: &NewUser<'_>, now: i64) -> Result<UserId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (tenant_id, username, display_name, email, role, password_hash, organisation_id, disabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8) RETURNING id",
    )
    .bind(t.0)
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.email)
    .bind(u.role.as_str())
    .bind(u.password_hash)
    .bind(u.organisation_id.map(|o| o.0))
    .bind(now)
    .fetch_one(c)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("username '{}' is taken", u.username)),
        other => other,
    })?;
    Ok(UserId(id))
}

pub async fn user_by_name(c: &mut Conn, t: TenantId, username: &str) -> Result<Option<User>> {
    let row = sqlx::query(sql("WHERE u.tenant_id = $1 AND u.username = $2")).bind(t.0).bind(username).fetch_optional(c).await?;
    row.as_ref().map(user).transpose()
}

pub async fn user_by_id(c: &mut Conn, t: TenantId, id: UserId) -> Result<Option<User>> {
    let row = sqlx::query(sql("WHERE u.tenant_id = $1 AND u.id = $2")).bind(t.0).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(user).transpose()
}

/// The users of `ids` (one read for a list that names many people).
pub async fn users_by_ids(c: &mut Conn, t: TenantId, ids: &[UserId]) -> Result<Vec<User>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let where_ = format!("WHERE u.tenant_id = $1 AND u.id IN ({})", list.join(", "));
    let mut q = sqlx::query(sql(&where_)).bind(t.0);
    for id in ids {
        q = q.bind(id.0);
    }
    let rows = q.fetch_all(c).await?;
    rows.iter().map(user).collect()
}

pub async fn users(c: &mut Conn, t: TenantId) -> Result<Vec<User>> {
    let rows = sqlx::query(sql("WHERE u.tenant_id = $1 ORDER BY u.display_name")).bind(t.0).fetch_all(c).await?;
    rows.iter().map(user).collect()
}

/// Users in every tenant: whether the installation has been set up at all, asked before
/// there is a tenant to ask about.
pub async fn count_users(c: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await?)
}

/// The stored password hash of an enabled user, for sign-in.
pub async fn password_hash(c: &mut Conn, t: TenantId, username: &str) -> Result<Option<(UserId, String)>> {
    let row = sqlx::query(
        "SELECT id, password_hash FROM users WHERE tenant_id = $1 AND username = $2 AND disabled = 0 AND password_hash IS NOT NULL",
    )
    .bind(t.0)
    .bind(username)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((UserId(get(&r, "id")?), get(&r, "password_hash")?))).transpose()
}

pub async fn set_password_hash(c: &mut Conn, t: TenantId, id: UserId, hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE tenant_id = $2 AND id = $3").bind(hash).bind(t.0).bind(id.0).execute(c).await?;
    Ok(())
}

pub async fn set_user_manager(c: &mut Conn, t: TenantId, id: UserId, manager: Option<UserId>) -> Result<()> {
    sqlx::query("UPDATE users SET manager_id = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(manager.map(|m| m.0))
        .bind(t.0)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

/// A user's details as an administrator edits them.
pub struct UserDetails<'a> {
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub role: Role,
    pub organisation_id: Option<OrgId>,
}

pub async fn set_details(c: &mut Conn, t: TenantId, id: UserId, d: &UserDetails<'_>) -> Result<()> {
    sqlx::query("UPDATE users SET display_name = $1, email = $2, role = $3, organisation_id = $4 WHERE tenant_id = $5 AND id = $6")
        .bind(d.display_name)
        .bind(d.email)
        .bind(d.role.as_str())
        .bind(d.organisation_id.map(|o| o.0))
        .bind(t.0)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

/// Sets (or clears, to follow the tenant's default) the news a user has mailed.
pub async fn set_mail_news(c: &mut Conn, t: TenantId, id: UserId, choice: Option<&MailChoice>) -> Result<()> {
    sqlx::query("UPDATE users SET mail_news = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(choice.map(MailChoice::to_stored))
        .bind(t.0)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

/// Sets (or clears, to follow the tenant's) a user's time zone.
pub async fn set_time_zone(c: &mut Conn, t: TenantId, id: UserId, zone: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE users SET time_zone = $1 WHERE tenant_id = $2 AND id = $3").bind(zone).bind(t.0).bind(id.0).execute(c).await?;
    Ok(())
}

pub async fn set_disabled(c: &mut Conn, t: TenantId, id: UserId, disabled: bool) -> Result<()> {
    sqlx::query("UPDATE users SET disabled = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(i64::from(disabled))
        .bind(t.0)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub assignment: Assignment,
    /// Who got the group's last automatically assigned ticket (round robin).
    pub last_assignee: Option<UserId>,
    /// Who hierarchical escalations go to.
    pub manager: Option<UserId>,
}

const GROUP_COLS: &str = "SELECT id, name, assignment, last_assignee_id, manager_id FROM assignment_groups WHERE tenant_id = $1";

fn group(r: &AnyRow) -> Result<Group> {
    Ok(Group {
        id: GroupId(get(r, "id")?),
        name: get(r, "name")?,
        assignment: Assignment::parse(&get::<String>(r, "assignment")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        last_assignee: get::<Option<i64>>(r, "last_assignee_id")?.map(UserId),
        manager: get::<Option<i64>>(r, "manager_id")?.map(UserId),
    })
}

pub async fn insert_group(c: &mut Conn, t: TenantId, name: &str) -> Result<GroupId> {
    let id: i64 = sqlx::query_scalar("INSERT INTO assignment_groups (tenant_id, name) VALUES ($1, $2) RETURNING id")
        .bind(t.0)
        .bind(name)
        .fetch_one(c)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("group '{name}' exists")),
            other => other,
        })?;
    Ok(GroupId(id))
}

pub async fn groups(c: &mut Conn, t: TenantId) -> Result<Vec<Group>> {
    let rows = sqlx::query(crate::joined(GROUP_COLS, " ORDER BY name")).bind(t.0).fetch_all(c).await?;
    rows.iter().map(group).collect()
}

pub async fn group_by_name(c: &mut Conn, t: TenantId, name: &str) -> Result<Option<Group>> {
    let row = sqlx::query(crate::joined(GROUP_COLS, " AND name = $2")).bind(t.0).bind(name).fetch_optional(c).await?;
    row.as_ref().map(group).transpose()
}

pub async fn group_by_id(c: &mut Conn, t: TenantId, id: GroupId) -> Result<Option<Group>> {
    let row = sqlx::query(crate::joined(GROUP_COLS, " AND id = $2")).bind(t.0).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(group).transpose()
}

pub async fn set_assignment(c: &mut Conn, t: TenantId, g: GroupId, a: Assignment) -> Result<()> {
    sqlx::query("UPDATE assignment_groups SET assignment = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(a.as_str())
        .bind(t.0)
        .bind(g.0)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_manager(c: &mut Conn, t: TenantId, g: GroupId, u: Option<UserId>) -> Result<()> {
    sqlx::query("UPDATE assignment_groups SET manager_id = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(u.map(|u| u.0))
        .bind(t.0)
        .bind(g.0)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_last_assignee(c: &mut Conn, t: TenantId, g: GroupId, u: UserId) -> Result<()> {
    sqlx::query("UPDATE assignment_groups SET last_assignee_id = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(u.0)
        .bind(t.0)
        .bind(g.0)
        .execute(c)
        .await?;
    Ok(())
}

/// Members who can take tickets (active staff), by id.
pub async fn assignable_members(c: &mut Conn, t: TenantId, g: GroupId) -> Result<Vec<UserId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM group_members m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 AND m.group_id = $2 AND u.disabled = 0 AND u.role IN ('agent', 'admin') ORDER BY u.id",
    )
    .bind(t.0)
    .bind(g.0)
    .fetch_all(c)
    .await?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Adds a member; both must belong to tenant `t` (checked by the join).
pub async fn add_member(c: &mut Conn, t: TenantId, g: GroupId, u: UserId) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO group_members (tenant_id, group_id, user_id) SELECT g.tenant_id, g.id, u.id FROM assignment_groups g, users u \
         WHERE g.id = $1 AND u.id = $2 AND g.tenant_id = $3 AND u.tenant_id = $3 ON CONFLICT DO NOTHING",
    )
    .bind(g.0)
    .bind(u.0)
    .bind(t.0)
    .execute(c)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Removes a member; whether they were one.
pub async fn remove_member(c: &mut Conn, t: TenantId, g: GroupId, u: UserId) -> Result<bool> {
    let r = sqlx::query("DELETE FROM group_members WHERE tenant_id = $1 AND group_id = $2 AND user_id = $3")
        .bind(t.0)
        .bind(g.0)
        .bind(u.0)
        .execute(c)
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn is_member(c: &mut Conn, t: TenantId, g: GroupId, u: UserId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM group_members WHERE tenant_id = $1 AND group_id = $2 AND user_id = $3")
        .bind(t.0)
        .bind(g.0)
        .bind(u.0)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

/// Every (group, member username) pair of the tenant, by group name then username.
pub async fn memberships(c: &mut Conn, t: TenantId) -> Result<Vec<(String, String)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT g.name, u.username FROM group_members m JOIN assignment_groups g ON g.id = m.group_id AND g.tenant_id = m.tenant_id \
         JOIN users u ON u.id = m.user_id AND u.tenant_id = m.tenant_id WHERE m.tenant_id = $1 ORDER BY g.name, u.username",
    )
    .bind(t.0)
    .fetch_all(c)
    .await?;
    Ok(rows)
}

pub async fn members(c: &mut Conn, t: TenantId, g: GroupId) -> Result<Vec<User>> {
    let rows = sqlx::query(sql(
        "JOIN group_members m ON m.user_id = u.id WHERE u.tenant_id = $1 AND m.tenant_id = $1 AND m.group_id = $2 ORDER BY u.display_name",
    ))
    .bind(t.0)
    .bind(g.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(user).collect()
}

pub async fn insert_org(c: &mut Conn, t: TenantId, name: &str) -> Result<OrgId> {
    let id: i64 = sqlx::query_scalar("INSERT INTO organisations (tenant_id, name) VALUES ($1, $2) RETURNING id")
        .bind(t.0)
        .bind(name)
        .fetch_one(c)
        .await?;
    Ok(OrgId(id))
}

/// The names of the organisations with these ids (those of the tenant only).
pub async fn org_names(c: &mut Conn, t: TenantId, ids: &[OrgId]) -> Result<Vec<(OrgId, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut args = vec![Arg::I(t.0)];
        let marks: Vec<String> = chunk.iter().map(|id| push(&mut args, Arg::I(id.0))).collect();
        let sql = format!("SELECT id, name FROM organisations WHERE tenant_id = $1 AND id IN ({})", marks.join(", "));
        for r in bind_all(sql, args).fetch_all(&mut *c).await? {
            out.push((OrgId(get(&r, "id")?), get(&r, "name")?));
        }
    }
    Ok(out)
}

pub async fn org_by_name(c: &mut Conn, t: TenantId, name: &str) -> Result<Option<OrgId>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE tenant_id = $1 AND name = $2")
        .bind(t.0)
        .bind(name)
        .fetch_optional(c)
        .await?;
    Ok(id.map(OrgId))
}

/// The tenant's organisations by name, and whether their requesters share tickets.
pub async fn orgs(c: &mut Conn, t: TenantId) -> Result<Vec<(String, bool)>> {
    let rows =
        sqlx::query("SELECT name, shared_tickets FROM organisations WHERE tenant_id = $1 ORDER BY name").bind(t.0).fetch_all(c).await?;
    rows.iter().map(|r| Ok((get(r, "name")?, get::<i64>(r, "shared_tickets")? == 1))).collect()
}

pub async fn set_org_sharing(c: &mut Conn, t: TenantId, org: OrgId, shared: bool) -> Result<()> {
    sqlx::query("UPDATE organisations SET shared_tickets = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(i64::from(shared))
        .bind(t.0)
        .bind(org.0)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn insert_category(c: &mut Conn, t: TenantId, name: &str) -> Result<()> {
    sqlx::query("INSERT INTO categories (tenant_id, name) VALUES ($1, $2)").bind(t.0).bind(name).execute(c).await?;
    Ok(())
}

pub async fn categories(c: &mut Conn, t: TenantId) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT name FROM categories WHERE tenant_id = $1 ORDER BY name").bind(t.0).fetch_all(c).await?)
}
