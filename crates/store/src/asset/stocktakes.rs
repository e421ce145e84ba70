//! Stocktakes and their lines: the frozen expected list and the tags scanned.

use cairn_domain::asset::stocktake::StocktakeState;
use cairn_domain::ids::{AssetId, CiId, StocktakeId, TenantId, UserId};
use sqlx::any::AnyRow;

use crate::Conn;
use crate::engine::args::{Arg, Columns, bind_all};
use crate::engine::row::get;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stocktake {
    pub id: StocktakeId,
    pub location: CiId,
    /// The location's number and name.
    pub location_name: (String, String),
    pub state: StocktakeState,
    pub started_by: Option<String>,
    pub started_at: i64,
    pub closed_at: Option<i64>,
}

const SELECT: &str = "SELECT s.id, s.location_id, l.number, l.name, s.state, u.username, s.started_at, s.closed_at \
     FROM stocktakes s JOIN cis l ON l.id = s.location_id LEFT JOIN users u ON u.id = s.started_by";

fn row(r: &AnyRow) -> Result<Stocktake> {
    Ok(Stocktake {
        id: StocktakeId(get(r, "id")?),
        location: CiId(get(r, "location_id")?),
        location_name: (get(r, "number")?, get(r, "name")?),
        state: StocktakeState::parse("state", &get::<String>(r, "state")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        started_by: get(r, "username")?,
        started_at: get(r, "started_at")?,
        closed_at: get(r, "closed_at")?,
    })
}

/// Starts a stocktake with the tags of the assets expected at the location.
pub async fn start(c: &mut Conn, t: TenantId, location: CiId, by: UserId, expected: &[(AssetId, String)], now: i64) -> Result<StocktakeId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO stocktakes (tenant_id, location_id, state, started_by, started_at) VALUES ($1, $2, 'open', $3, $4) RETURNING id",
    )
    .bind(t.0)
    .bind(location.0)
    .bind(by.0)
    .bind(now)
    .fetch_one(&mut *c)
    .await?;
    for chunk in expected.chunks(200) {
        let rows = chunk
            .iter()
            .map(|(a, tag)| {
                Columns::new()
                    .set("tenant_id", Arg::I(t.0))
                    .set("stocktake_id", Arg::I(id))
                    .set("tag", Arg::S(tag.clone()))
                    .set("asset_id", Arg::I(a.0))
                    .set("expected", Arg::I(1))
            })
            .collect();
        let (sql, args) = Columns::insert_many(rows, "stocktake_lines");
        bind_all(sql, args).execute(&mut *c).await?;
    }
    Ok(StocktakeId(id))
}

pub async fn by_id(c: &mut Conn, t: TenantId, id: StocktakeId) -> Result<Option<Stocktake>> {
    let sql = format!("{SELECT} WHERE s.tenant_id = $1 AND s.id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(id.0).fetch_optional(c).await?.as_ref().map(row).transpose()
}

pub async fn list(c: &mut Conn, t: TenantId) -> Result<Vec<Stocktake>> {
    let sql = format!("{SELECT} WHERE s.tenant_id = $1 ORDER BY s.id DESC LIMIT 200");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).fetch_all(c).await?.iter().map(row).collect()
}

/// Marks scanned tags: an expected one as seen, another added as unexpected (with the
/// asset, when one has the tag). Returns how many were new to the stocktake.
pub async fn scan(c: &mut Conn, t: TenantId, id: StocktakeId, tags: &[(String, Option<AssetId>)], now: i64) -> Result<usize> {
    let mut added = 0;
    for (tag, asset) in tags {
        let done = sqlx::query(
            "UPDATE stocktake_lines SET scanned_at = $4 WHERE tenant_id = $1 AND stocktake_id = $2 AND tag = $3 AND scanned_at IS NULL",
        )
        .bind(t.0)
        .bind(id.0)
        .bind(tag)
        .bind(now)
        .execute(&mut *c)
        .await?;
        if done.rows_affected() == 1 {
            added += 1;
            continue;
        }
        let inserted = sqlx::query(
            "INSERT INTO stocktake_lines (tenant_id, stocktake_id, tag, asset_id, expected, scanned_at) VALUES ($1, $2, $3, $4, 0, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(t.0)
        .bind(id.0)
        .bind(tag)
        .bind(asset.map(|a| a.0))
        .bind(now)
        .execute(&mut *c)
        .await?;
        added += inserted.rows_affected() as usize;
    }
    Ok(added)
}

/// A line with where its asset is recorded now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    pub tag: String,
    pub asset: Option<AssetId>,
    pub expected: bool,
    pub scanned: bool,
    /// The asset's recorded location number, and its state.
    pub recorded_at: Option<String>,
    pub state: Option<String>,
}

pub async fn lines(c: &mut Conn, t: TenantId, id: StocktakeId) -> Result<Vec<LineRow>> {
    let rows = sqlx::query(
        "SELECT s.tag, s.asset_id, s.expected, s.scanned_at, l.number, a.state FROM stocktake_lines s \
         LEFT JOIN assets a ON a.id = s.asset_id LEFT JOIN cis l ON l.id = a.location_id \
         WHERE s.tenant_id = $1 AND s.stocktake_id = $2 ORDER BY s.tag",
    )
    .bind(t.0)
    .bind(id.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LineRow {
                tag: get(r, "tag")?,
                asset: get::<Option<i64>>(r, "asset_id")?.map(AssetId),
                expected: get::<i64>(r, "expected")? != 0,
                scanned: get::<Option<i64>>(r, "scanned_at")?.is_some(),
                recorded_at: get(r, "number")?,
                state: get(r, "state")?,
            })
        })
        .collect()
}

pub async fn close(c: &mut Conn, t: TenantId, id: StocktakeId, by: UserId, now: i64) -> Result<()> {
    sqlx::query("UPDATE stocktakes SET state = 'closed', closed_by = $3, closed_at = $4 WHERE tenant_id = $1 AND id = $2")
        .bind(t.0)
        .bind(id.0)
        .bind(by.0)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}
