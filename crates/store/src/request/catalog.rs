//! Catalog items (their order forms kept as JSON) and the items each request asked for.

use std::collections::HashMap;

use cairn_domain::ids::{CatalogItemId, OrgId, TenantId, TicketId, UserId};
use cairn_domain::request::catalog::CatalogAudience;
use sqlx::any::AnyRow;

use crate::Conn;

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;
use crate::engine::args::{Arg, bind_all, push};
use crate::engine::row::get;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: CatalogItemId,
    pub category: String,
    pub name: String,
    pub description: String,
    pub icon: String,
    pub delivery_days: i64,
    /// The order form: `Vec<catalog::Variable>` as JSON.
    pub variables: String,
    pub audience: CatalogAudience,
    /// The organisations of an `orgs` audience (names; filled on reads).
    pub orgs: Vec<String>,
    pub active: bool,
    /// Approval stages: `Vec<approval::Stage>` as JSON.
    pub approvals: String,
    /// The fulfilment task template: `Vec<fulfilment::TaskTemplate>` as JSON.
    pub tasks: String,
}

/// A requested item of a request, with the form's answers (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub item_id: CatalogItemId,
    pub item: String,
    pub quantity: i64,
    pub answers: String,
    /// The item's approval stages and task template when it was ordered (JSON).
    pub approvals: String,
    pub tasks: String,
    /// The item's order form as it is now (`Vec<catalog::Variable>` as JSON), which
    /// names the answers; not written.
    pub form: String,
}

const COLS: &str = "SELECT i.id, i.category, i.name, i.description, i.icon, i.delivery_days, i.variables, i.audience, i.active, i.approvals, i.tasks \
     FROM catalog_items i WHERE i.tenant_id = $1";

fn item_of(r: &AnyRow) -> Result<Item> {
    Ok(Item {
        id: CatalogItemId(get(r, "id")?),
        category: get(r, "category")?,
        name: get(r, "name")?,
        description: get(r, "description")?,
        icon: get(r, "icon")?,
        delivery_days: get(r, "delivery_days")?,
        variables: get(r, "variables")?,
        audience: CatalogAudience::parse("audience", &get::<String>(r, "audience")?)?,
        orgs: vec![],
        active: get::<i64>(r, "active")? == 1,
        approvals: get(r, "approvals")?,
        tasks: get(r, "tasks")?,
    })
}

/// Fills in the organisations of the `orgs` items among `items`, with one read for all
/// of them (one item: only its own rows).
async fn with_orgs(c: &mut Conn, t: TenantId, items: &mut [Item]) -> Result<()> {
    if !items.iter().any(|i| i.audience == CatalogAudience::Orgs) {
        return Ok(());
    }
    let one = if let [i] = items { Some(i.id) } else { None };
    let sql = format!(
        "SELECT x.item_id, o.name FROM catalog_item_orgs x JOIN organisations o ON o.id = x.org_id AND o.tenant_id = x.tenant_id \
         WHERE x.tenant_id = $1{} ORDER BY x.item_id, o.name",
        if one.is_some() { " AND x.item_id = $2" } else { "" }
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0);
    if let Some(id) = one {
        q = q.bind(id.0);
    }
    let mut orgs: HashMap<CatalogItemId, Vec<String>> = HashMap::new();
    for r in q.fetch_all(&mut *c).await? {
        orgs.entry(CatalogItemId(get(&r, "item_id")?)).or_default().push(get(&r, "name")?);
    }
    for i in items.iter_mut().filter(|i| i.audience == CatalogAudience::Orgs) {
        i.orgs = orgs.remove(&i.id).unwrap_or_default();
    }
    Ok(())
}

/// Stores an item (new when `id` is 0) with its organisations; returns its id.
pub async fn save<'a>(c: &mut Conn, t: TenantId, i: &'a Item, orgs: &[OrgId], now: i64) -> Result<CatalogItemId> {
    let named_twice = |e: sqlx::Error| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("the catalog already has an item named '{}'", i.name)),
        other => other,
    };
    // The item's own fields are $1..$10 in both statements.
    let fields = |q: AnyQuery<'a>| {
        q.bind(&i.category)
            .bind(&i.name)
            .bind(&i.description)
            .bind(&i.icon)
            .bind(i.delivery_days)
            .bind(&i.variables)
            .bind(i.audience.as_str())
            .bind(i64::from(i.active))
            .bind(&i.approvals)
            .bind(&i.tasks)
    };
    const SET: &str = "category, name, description, icon, delivery_days, variables, audience, active, approvals, tasks";
    let id = if i.id.0 == 0 {
        let sql = format!(
            "INSERT INTO catalog_items ({SET}, tenant_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id"
        );
        let row = fields(sqlx::query(sqlx::AssertSqlSafe(sql))).bind(t.0).bind(now).fetch_one(&mut *c).await.map_err(named_twice)?;
        CatalogItemId(get(&row, "id")?)
    } else {
        let sql = "UPDATE catalog_items SET category = $1, name = $2, description = $3, icon = $4, delivery_days = $5, \
                   variables = $6, audience = $7, active = $8, approvals = $9, tasks = $10, updated_at = $11 \
                   WHERE tenant_id = $12 AND id = $13";
        fields(sqlx::query(sql)).bind(now).bind(t.0).bind(i.id.0).execute(&mut *c).await.map_err(named_twice)?;
        i.id
    };
    sqlx::query("DELETE FROM catalog_item_orgs WHERE tenant_id = $1 AND item_id = $2").bind(t.0).bind(id.0).execute(&mut *c).await?;
    for o in orgs {
        sqlx::query("INSERT INTO catalog_item_orgs (tenant_id, item_id, org_id) VALUES ($1, $2, $3)")
            .bind(t.0)
            .bind(id.0)
            .bind(o.0)
            .execute(&mut *c)
            .await?;
    }
    Ok(id)
}

/// Items the user may order (`Some(user)`: active ones for everyone or their
/// organisation), or every item (`None`: administrators), by category and name.
pub async fn items(c: &mut Conn, t: TenantId, orderer: Option<UserId>) -> Result<Vec<Item>> {
    select(c, t, orderer, None).await
}

/// One item, if `orderer` may order it (`None`: any item of the tenant).
pub async fn item(c: &mut Conn, t: TenantId, orderer: Option<UserId>, id: CatalogItemId) -> Result<Option<Item>> {
    Ok(select(c, t, orderer, Some(id)).await?.pop())
}

async fn select(c: &mut Conn, t: TenantId, orderer: Option<UserId>, id: Option<CatalogItemId>) -> Result<Vec<Item>> {
    let mut args = vec![Arg::I(t.0)];
    let mut sql = COLS.to_string();
    if let Some(u) = orderer {
        let p = push(&mut args, Arg::I(u.0));
        sql.push_str(&format!(
            " AND i.active = 1 AND (i.audience = 'everyone' OR EXISTS (SELECT 1 FROM catalog_item_orgs x \
             JOIN users me ON me.organisation_id = x.org_id WHERE x.tenant_id = $1 AND x.item_id = i.id AND me.id = {p}))"
        ));
    }
    if let Some(id) = id {
        let p = push(&mut args, Arg::I(id.0));
        sql.push_str(&format!(" AND i.id = {p}"));
    }
    sql.push_str(" ORDER BY i.category, i.name");
    let rows = bind_all(sql, args).fetch_all(&mut *c).await?;
    let mut out = rows.iter().map(item_of).collect::<Result<Vec<_>>>()?;
    with_orgs(c, t, &mut out).await?;
    Ok(out)
}

pub async fn insert_requested(c: &mut Conn, t: TenantId, ticket: TicketId, r: &Requested, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO requested_items (tenant_id, ticket_id, item_id, quantity, answers, created_at, approvals, tasks) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(t.0)
    .bind(ticket.0)
    .bind(r.item_id.0)
    .bind(r.quantity)
    .bind(&r.answers)
    .bind(now)
    .bind(&r.approvals)
    .bind(&r.tasks)
    .execute(c)
    .await?;
    Ok(())
}

/// The items a request asked for.
pub async fn requested(c: &mut Conn, t: TenantId, ticket: TicketId) -> Result<Vec<Requested>> {
    Ok(requested_in(c, t, &[ticket]).await?.into_iter().map(|(_, r)| r).collect())
}

/// The requested items of each of `tickets`, in one read: (request, item) pairs by
/// request, then in the order they were asked for.
pub async fn requested_in(c: &mut Conn, t: TenantId, tickets: &[TicketId]) -> Result<Vec<(TicketId, Requested)>> {
    if tickets.is_empty() {
        return Ok(vec![]);
    }
    let list: Vec<String> = (0..tickets.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT r.ticket_id, r.item_id, i.name, r.quantity, r.answers, r.approvals, r.tasks, i.variables FROM requested_items r \
         JOIN catalog_items i ON i.id = r.item_id AND i.tenant_id = r.tenant_id \
         WHERE r.tenant_id = $1 AND r.ticket_id IN ({}) ORDER BY r.ticket_id, r.id",
        list.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0);
    for id in tickets {
        q = q.bind(id.0);
    }
    let rows = q.fetch_all(c).await?;
    rows.iter()
        .map(|r| {
            Ok((
                TicketId(get(r, "ticket_id")?),
                Requested {
                    item_id: CatalogItemId(get(r, "item_id")?),
                    item: get(r, "name")?,
                    quantity: get(r, "quantity")?,
                    answers: get(r, "answers")?,
                    approvals: get(r, "approvals")?,
                    tasks: get(r, "tasks")?,
                    form: get(r, "variables")?,
                },
            ))
        })
        .collect()
}
