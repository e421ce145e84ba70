//! Assets and the list query. The row carries the names of what an asset refers to.

use cairn_domain::asset::{Asset, AssetKind, AssetState, Convention, Grouping, Method, Money, Plan, Rate};
use cairn_domain::ids::{AssetId, CiId, OrgId, TenantId, UserId};
use sqlx::any::AnyRow;

use super::date;
use crate::Conn;
use crate::engine::args::{Arg, Columns, bind_all, push};
use crate::engine::row::get;
use crate::error::{Result, StoreError};

/// An asset with the names of what it refers to, as pages and the API show it.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetRow {
    pub asset: Asset,
    pub org: Option<String>,
    /// The location CI's number and name.
    pub location: Option<(String, String)>,
    /// The assigned person's username and display name.
    pub assigned: Option<(String, String)>,
    pub ci: Option<(String, String)>,
}

const SELECT: &str = "SELECT a.id, a.tag, a.kind, a.class, a.model, a.manufacturer, a.serial, a.org_id, a.location_id, a.assigned_to, \
     a.ci_id, a.po_ref, a.vendor, a.cost_centre, a.state, a.state_since, a.cost, a.salvage, a.purchased_on, a.in_service, \
     a.life_months, a.method, a.rate_ppm, a.disposed_on, a.proceeds, a.version, a.created_at, a.updated_at, \
     o.name AS org_name, l.number AS location_number, l.name AS location_name, u.username AS assigned_username, \
     u.display_name AS assigned_name, ci.number AS ci_number, ci.name AS ci_name \
     FROM assets a LEFT JOIN organisations o ON o.id = a.org_id LEFT JOIN cis l ON l.id = a.location_id \
     LEFT JOIN users u ON u.id = a.assigned_to LEFT JOIN cis ci ON ci.id = a.ci_id";

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn pair(r: &AnyRow, a: &str, b: &str) -> Result<Option<(String, String)>> {
    Ok(get::<Option<String>>(r, a)?.zip(get::<Option<String>>(r, b)?))
}

pub(crate) fn asset(r: &AnyRow) -> Result<Asset> {
    let text = |col: &str| get::<Option<String>>(r, col);
    Ok(Asset {
        id: AssetId(get(r, "id")?),
        tag: get(r, "tag")?,
        kind: AssetKind::parse("kind", &get::<String>(r, "kind")?).map_err(|e| corrupt("kind", e))?,
        class: get(r, "class")?,
        model: text("model")?,
        manufacturer: text("manufacturer")?,
        serial: text("serial")?,
        org: get::<Option<i64>>(r, "org_id")?.map(OrgId),
        location: get::<Option<i64>>(r, "location_id")?.map(CiId),
        assigned_to: get::<Option<i64>>(r, "assigned_to")?.map(UserId),
        ci: get::<Option<i64>>(r, "ci_id")?.map(CiId),
        po_ref: text("po_ref")?,
        vendor: text("vendor")?,
        cost_centre: text("cost_centre")?,
        state: AssetState::parse("state", &get::<String>(r, "state")?).map_err(|e| corrupt("state", e))?,
        state_since: get(r, "state_since")?,
        cost: Money(get(r, "cost")?),
        salvage: Money(get(r, "salvage")?),
        purchased_on: date("purchased_on", text("purchased_on")?)?,
        in_service: date("in_service", text("in_service")?)?,
        life_months: get::<Option<i64>>(r, "life_months")?.map(|m| u32::try_from(m).map_err(|e| corrupt("life_months", e))).transpose()?,
        method: text("method")?.map(|m| Method::parse("method", &m).map_err(|e| corrupt("method", e))).transpose()?,
        rate: get::<Option<i64>>(r, "rate_ppm")?.map(|p| u32::try_from(p).map(Rate).map_err(|e| corrupt("rate_ppm", e))).transpose()?,
        disposed_on: date("disposed_on", text("disposed_on")?)?,
        proceeds: get::<Option<i64>>(r, "proceeds")?.map(Money),
        version: get(r, "version")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

fn row(r: &AnyRow) -> Result<AssetRow> {
    Ok(AssetRow {
        asset: asset(r)?,
        org: get(r, "org_name")?,
        location: pair(r, "location_number", "location_name")?,
        assigned: pair(r, "assigned_username", "assigned_name")?,
        ci: pair(r, "ci_number", "ci_name")?,
    })
}

fn day(d: Option<jiff::civil::Date>) -> Arg {
    Arg::OptS(d.map(|d| d.to_string()))
}

/// The columns a write of the asset sets, named beside their values.
fn fields(a: &Asset) -> Columns {
    Columns::new()
        .set("kind", Arg::S(a.kind.as_str().into()))
        .set("class", Arg::S(a.class.clone()))
        .set("model", Arg::OptS(a.model.clone()))
        .set("manufacturer", Arg::OptS(a.manufacturer.clone()))
        .set("serial", Arg::OptS(a.serial.clone()))
        .set("org_id", Arg::OptI(a.org.map(|o| o.0)))
        .set("location_id", Arg::OptI(a.location.map(|l| l.0)))
        .set("assigned_to", Arg::OptI(a.assigned_to.map(|u| u.0)))
        .set("ci_id", Arg::OptI(a.ci.map(|c| c.0)))
        .set("po_ref", Arg::OptS(a.po_ref.clone()))
        .set("vendor", Arg::OptS(a.vendor.clone()))
        .set("cost_centre", Arg::OptS(a.cost_centre.clone()))
        .set("state", Arg::S(a.state.as_str().into()))
        .set("state_since", Arg::I(a.state_since))
        .set("cost", Arg::I(a.cost.0))
        .set("salvage", Arg::I(a.salvage.0))
        .set("purchased_on", day(a.purchased_on))
        .set("in_service", day(a.in_service))
        .set("life_months", Arg::OptI(a.life_months.map(i64::from)))
        .set("method", Arg::OptS(a.method.map(|m| m.as_str().into())))
        .set("rate_ppm", Arg::OptI(a.rate.map(|r| i64::from(r.0))))
        .set("disposed_on", day(a.disposed_on))
        .set("proceeds", Arg::OptI(a.proceeds.map(|p| p.0)))
        .set("version", Arg::I(a.version))
        .set("updated_at", Arg::I(a.updated_at))
}

pub async fn insert(c: &mut Conn, t: TenantId, a: &Asset) -> Result<AssetId> {
    let (sql, args) = fields(a)
        .set("tenant_id", Arg::I(t.0))
        .set("tag", Arg::S(a.tag.clone()))
        .set("created_at", Arg::I(a.created_at))
        .insert("assets", " RETURNING id");
    let row = bind_all(sql, args).fetch_one(&mut *c).await?;
    Ok(AssetId(get(&row, "id")?))
}

/// Inserts new assets in multi-row statements (imports, the seed).
pub async fn insert_many(c: &mut Conn, t: TenantId, assets: &[Asset]) -> Result<()> {
    for chunk in assets.chunks(100) {
        let rows = chunk
            .iter()
            .map(|a| fields(a).set("tenant_id", Arg::I(t.0)).set("tag", Arg::S(a.tag.clone())).set("created_at", Arg::I(a.created_at)))
            .collect();
        let (sql, args) = Columns::insert_many(rows, "assets");
        bind_all(sql, args).execute(&mut *c).await?;
    }
    Ok(())
}

/// Writes every field of the asset (its tag and creation stay).
pub async fn update(c: &mut Conn, t: TenantId, a: &Asset) -> Result<()> {
    let (sql, args) = fields(a).update("assets", vec![("tenant_id", Arg::I(t.0)), ("id", Arg::I(a.id.0))]);
    bind_all(sql, args).execute(&mut *c).await?;
    Ok(())
}

pub async fn by_tag(c: &mut Conn, t: TenantId, tag: &str) -> Result<Option<AssetRow>> {
    let sql = format!("{SELECT} WHERE a.tenant_id = $1 AND a.tag = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(tag).fetch_optional(c).await?.as_ref().map(row).transpose()
}

/// The assets with this serial number (compared as given, trimmed).
pub async fn by_serial(c: &mut Conn, t: TenantId, serial: &str) -> Result<Vec<AssetRow>> {
    let sql = format!("{SELECT} WHERE a.tenant_id = $1 AND a.serial = $2 ORDER BY a.id");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(serial).fetch_all(c).await?.iter().map(row).collect()
}

/// The assets with these tags, in no particular order, 500 at a time.
pub async fn by_tags(c: &mut Conn, t: TenantId, tags: &[String]) -> Result<Vec<AssetRow>> {
    let mut out = Vec::with_capacity(tags.len());
    for chunk in tags.chunks(500) {
        let mut args = vec![Arg::I(t.0)];
        let marks: Vec<String> = chunk.iter().map(|s| push(&mut args, Arg::S(s.clone()))).collect();
        let sql = format!("{SELECT} WHERE a.tenant_id = $1 AND a.tag IN ({})", marks.join(", "));
        for r in bind_all(sql, args).fetch_all(&mut *c).await? {
            out.push(row(&r)?);
        }
    }
    Ok(out)
}

/// What a list of assets asks for; by id, after `after`.
#[derive(Debug, Clone, Default)]
pub struct AssetQuery {
    pub state: Option<AssetState>,
    pub class: Option<String>,
    pub assigned_to: Option<UserId>,
    pub location: Option<CiId>,
    pub ci: Option<CiId>,
    /// A tag or serial number (exact), or a word of the model.
    pub text: Option<String>,
    pub after: Option<AssetId>,
    pub limit: i64,
}

pub async fn list(c: &mut Conn, t: TenantId, q: &AssetQuery) -> Result<(Vec<AssetRow>, Option<AssetId>)> {
    let mut args = vec![Arg::I(t.0)];
    let mut wh = vec!["a.tenant_id = $1".to_string()];
    if let Some(s) = q.state {
        let p = push(&mut args, Arg::S(s.as_str().into()));
        wh.push(format!("a.state = {p}"));
    }
    if let Some(class) = q.class.as_deref() {
        let p = push(&mut args, Arg::S(class.into()));
        wh.push(format!("a.class = {p}"));
    }
    if let Some(u) = q.assigned_to {
        let p = push(&mut args, Arg::I(u.0));
        wh.push(format!("a.assigned_to = {p}"));
    }
    if let Some(l) = q.location {
        let p = push(&mut args, Arg::I(l.0));
        wh.push(format!("a.location_id = {p}"));
    }
    if let Some(ci) = q.ci {
        let p = push(&mut args, Arg::I(ci.0));
        wh.push(format!("a.ci_id = {p}"));
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let exact = push(&mut args, Arg::S(text.into()));
        let like = push(&mut args, Arg::S(format!("%{escaped}%")));
        wh.push(format!("(a.tag = {exact} OR a.serial = {exact} OR lower(a.model) LIKE {like} ESCAPE '\\')"));
    }
    if let Some(after) = q.after {
        let p = push(&mut args, Arg::I(after.0));
        wh.push(format!("a.id > {p}"));
    }
    let limit = q.limit.clamp(1, 500);
    let pl = push(&mut args, Arg::I(limit + 1));
    let sql = format!("{SELECT} WHERE {} ORDER BY a.id LIMIT {pl}", wh.join(" AND "));
    let mut rows = bind_all(sql, args).fetch_all(c).await?.iter().map(row).collect::<Result<Vec<_>>>()?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.asset.id)
    } else {
        None
    };
    Ok((rows, next))
}

/// The classes in use, for filters.
pub async fn classes(c: &mut Conn, t: TenantId) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT DISTINCT class FROM assets WHERE tenant_id = $1 ORDER BY class").bind(t.0).fetch_all(c).await?)
}

pub async fn count(c: &mut Conn, t: TenantId) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM assets WHERE tenant_id = $1").bind(t.0).fetch_one(c).await?)
}

/// Calls `f` with the group, cost and depreciation plan of every asset on the books at
/// the end of day `on`: acquired (purchased, else in service) by then, or with neither
/// date, and not disposed of by then. Rows are streamed, never all held.
pub async fn for_valuation(
    c: &mut Conn,
    t: TenantId,
    by: Grouping,
    on: jiff::civil::Date,
    convention: Convention,
    mut f: impl FnMut(&str, Money, Option<Plan>),
) -> Result<()> {
    use futures_util::TryStreamExt;
    let (key, join) = match by {
        Grouping::Class => ("a.class", ""),
        Grouping::Organisation => ("o.name", " LEFT JOIN organisations o ON o.id = a.org_id"),
        Grouping::CostCentre => ("a.cost_centre", ""),
    };
    let sql = format!(
        "SELECT {key} AS grp, a.cost, a.salvage, a.in_service, a.life_months, a.method, a.rate_ppm FROM assets a{join} \
         WHERE a.tenant_id = $1 AND (a.disposed_on IS NULL OR a.disposed_on > $2) \
         AND (COALESCE(a.purchased_on, a.in_service) IS NULL OR COALESCE(a.purchased_on, a.in_service) <= $2)"
    );
    let on_text = on.to_string();
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(on_text).fetch(&mut *c);
    while let Some(r) = rows.try_next().await? {
        let group: Option<String> = get(&r, "grp")?;
        let cost = Money(get(&r, "cost")?);
        let plan = match (get::<Option<String>>(&r, "in_service")?, get::<Option<i64>>(&r, "life_months")?) {
            (Some(d), Some(life)) => Some(Plan {
                cost,
                salvage: Money(get(&r, "salvage")?),
                life_months: u32::try_from(life).map_err(|e| corrupt("life_months", e))?,
                in_service: d.parse().map_err(|e| corrupt("in_service", e))?,
                method: match get::<Option<String>>(&r, "method")? {
                    Some(m) => Method::parse("method", &m).map_err(|e| corrupt("method", e))?,
                    None => Method::StraightLine,
                },
                rate: get::<Option<i64>>(&r, "rate_ppm")?
                    .map(|p| u32::try_from(p).map(Rate).map_err(|e| corrupt("rate_ppm", e)))
                    .transpose()?,
                convention,
            }),
            _ => None,
        };
        f(group.as_deref().unwrap_or(""), cost, plan);
    }
    Ok(())
}

/// The tags of the assets held at a location (not ordered, disposed of or lost).
pub async fn held_at(c: &mut Conn, t: TenantId, location: CiId) -> Result<Vec<(AssetId, String)>> {
    let rows = sqlx::query(
        "SELECT id, tag FROM assets WHERE tenant_id = $1 AND location_id = $2 AND state NOT IN ('ordered', 'disposed', 'lost') ORDER BY tag",
    )
    .bind(t.0)
    .bind(location.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((AssetId(get(r, "id")?), get(r, "tag")?))).collect()
}
