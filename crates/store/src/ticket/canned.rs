//! Canned responses: a group's shared reply texts and each agent's own.

use cairn_domain::ids::{CannedId, GroupId, TenantId, UserId};
use cairn_domain::ticket::canned::Actions;
use cairn_domain::ticket::status::Status;
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canned {
    pub id: CannedId,
    pub title: String,
    pub body: String,
    /// Shared with this group (id, name)...
    pub group: Option<(GroupId, String)>,
    /// ...or one agent's own.
    pub owner: Option<UserId>,
    /// What it also does to the ticket: a macro when it changes any field.
    pub actions: Actions<(GroupId, String)>,
}

const COLS: &str = "SELECT r.id, r.title, r.body, r.group_id, g.name AS group_name, r.owner_id, \
     r.set_status, r.set_resolution_code, r.set_group_id, sg.name AS set_group_name, r.add_tags, r.internal FROM canned_responses r \
     LEFT JOIN assignment_groups g ON g.id = r.group_id LEFT JOIN assignment_groups sg ON sg.id = r.set_group_id WHERE r.tenant_id = $1";

fn canned(r: &AnyRow) -> Result<Canned> {
    let group: Option<i64> = get(r, "group_id")?;
    let name: Option<String> = get(r, "group_name")?;
    Ok(Canned {
        id: CannedId(get(r, "id")?),
        title: get(r, "title")?,
        body: get(r, "body")?,
        group: group.zip(name).map(|(id, n)| (GroupId(id), n)),
        owner: get::<Option<i64>>(r, "owner_id")?.map(UserId),
        actions: Actions {
            status: get::<Option<String>>(r, "set_status")?.as_deref().and_then(|s| Status::parse(s).ok()),
            resolution_code: get(r, "set_resolution_code")?,
            group: get::<Option<i64>>(r, "set_group_id")?.zip(get::<Option<String>>(r, "set_group_name")?).map(|(id, n)| (GroupId(id), n)),
            add_tags: get::<String>(r, "add_tags")?.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
            internal: get::<i64>(r, "internal")? != 0,
        },
    })
}

/// The responses `user` may use: their own and their groups', by title.
pub async fn visible(c: &mut Conn, t: TenantId, user: UserId) -> Result<Vec<Canned>> {
    let sql = crate::joined(
        COLS,
        " AND (r.owner_id = $2 OR r.group_id IN (SELECT group_id FROM group_members WHERE tenant_id = $1 AND user_id = $2)) ORDER BY r.title, r.id",
    );
    let rows = sqlx::query(sql).bind(t.0).bind(user.0).fetch_all(c).await?;
    rows.iter().map(canned).collect()
}

pub async fn by_id(c: &mut Conn, t: TenantId, id: CannedId) -> Result<Option<Canned>> {
    let row = sqlx::query(crate::joined(COLS, " AND r.id = $2")).bind(t.0).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(canned).transpose()
}

pub async fn insert(c: &mut Conn, t: TenantId, r: &Canned, now: i64) -> Result<CannedId> {
    Ok(CannedId(
        sqlx::query_scalar(
            "INSERT INTO canned_responses (tenant_id, title, body, group_id, owner_id, created_at, updated_at, \
             set_status, set_resolution_code, set_group_id, add_tags, internal) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(t.0)
        .bind(&r.title)
        .bind(&r.body)
        .bind(r.group.as_ref().map(|g| g.0.0))
        .bind(r.owner.map(|u| u.0))
        .bind(now)
        .bind(r.actions.status.map(|s| s.as_str()))
        .bind(r.actions.resolution_code.as_deref())
        .bind(r.actions.group.as_ref().map(|g| g.0.0))
        .bind(r.actions.add_tags.join(","))
        .bind(i64::from(r.actions.internal))
        .fetch_one(c)
        .await?,
    ))
}

pub async fn update(c: &mut Conn, t: TenantId, r: &Canned, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE canned_responses SET title = $1, body = $2, updated_at = $3, set_status = $6, set_resolution_code = $7, \
         set_group_id = $8, add_tags = $9, internal = $10 WHERE tenant_id = $4 AND id = $5",
    )
    .bind(&r.title)
    .bind(&r.body)
    .bind(now)
    .bind(t.0)
    .bind(r.id.0)
    .bind(r.actions.status.map(|s| s.as_str()))
    .bind(r.actions.resolution_code.as_deref())
    .bind(r.actions.group.as_ref().map(|g| g.0.0))
    .bind(r.actions.add_tags.join(","))
    .bind(i64::from(r.actions.internal))
    .execute(c)
    .await?;
    Ok(())
}

pub async fn delete(c: &mut Conn, t: TenantId, id: CannedId) -> Result<()> {
    sqlx::query("DELETE FROM canned_responses WHERE tenant_id = $1 AND id = $2").bind(t.0).bind(id.0).execute(c).await?;
    Ok(())
}
