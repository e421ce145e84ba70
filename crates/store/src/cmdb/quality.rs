//! The data-quality lists' queries (retired CIs are left out of all of them) and the
//! moves a merge makes besides relations.

use cairn_domain::ids::{CiAttributeId, CiClassId, CiId, TenantId, TicketId};

use super::cis::{self, CiRow};
use crate::Conn;
use crate::engine::args::{Arg, bind_all, push};
use crate::engine::row::get;
use crate::error::Result;

/// Key values two or more CIs share: `(attribute, value, CI)`, grouped by attribute
/// and value; at most `limit` rows.
pub async fn shared_keys(c: &mut Conn, t: TenantId, limit: i64) -> Result<Vec<(CiAttributeId, String, CiId)>> {
    let sql = "SELECT k.attribute_id, k.value, k.ci_id FROM ci_keys k JOIN cis c ON c.id = k.ci_id \
        WHERE k.tenant_id = $1 AND c.status <> 'retired' AND EXISTS (SELECT 1 FROM ci_keys o JOIN cis oc ON oc.id = o.ci_id \
          WHERE o.tenant_id = k.tenant_id AND o.attribute_id = k.attribute_id AND o.value = k.value AND o.ci_id <> k.ci_id \
          AND oc.status <> 'retired') \
        ORDER BY k.attribute_id, k.value, k.ci_id LIMIT $2";
    let rows = sqlx::query(sql).bind(t.0).bind(limit).fetch_all(&mut *c).await?;
    rows.iter().map(|r| Ok((CiAttributeId(get(r, "attribute_id")?), get(r, "value")?, CiId(get(r, "ci_id")?)))).collect()
}

/// The CIs not of `except` classes with no relation either way, by number; the count
/// of all and the first `limit`.
pub async fn orphans(c: &mut Conn, t: TenantId, except: &[CiClassId], limit: i64) -> Result<(i64, Vec<CiRow>)> {
    let mut args = vec![Arg::I(t.0)];
    let mut wh = "c.tenant_id = $1 AND c.status <> 'retired' \
        AND NOT EXISTS (SELECT 1 FROM ci_relations r WHERE r.tenant_id = c.tenant_id AND r.from_id = c.id) \
        AND NOT EXISTS (SELECT 1 FROM ci_relations r WHERE r.tenant_id = c.tenant_id AND r.to_id = c.id)"
        .to_string();
    if !except.is_empty() {
        let marks: Vec<String> = except.iter().map(|k| push(&mut args, Arg::I(k.0))).collect();
        wh += &format!(" AND c.class_id NOT IN ({})", marks.join(", "));
    }
    listed(c, args, &wh, limit).await
}

/// The CIs an import saw last before `before` (never seen by one: not stale).
pub async fn stale(c: &mut Conn, t: TenantId, before: i64, limit: i64) -> Result<(i64, Vec<CiRow>)> {
    let mut args = vec![Arg::I(t.0)];
    let b = push(&mut args, Arg::I(before));
    listed(c, args, &format!("c.tenant_id = $1 AND c.status <> 'retired' AND c.seen_at IS NOT NULL AND c.seen_at < {b}"), limit).await
}

/// The CIs of `class` without a value of one of `codes` (the class's required
/// attributes): the count and the first `limit`. The stored attributes are a JSON
/// object of scalars, so a key is present exactly when `"code":` is in its text.
pub async fn lacking(c: &mut Conn, t: TenantId, class: CiClassId, codes: &[&str], limit: i64) -> Result<(i64, Vec<CiRow>)> {
    let mut args = vec![Arg::I(t.0)];
    let k = push(&mut args, Arg::I(class.0));
    let absent: Vec<String> = codes
        .iter()
        .map(|code| {
            let p = push(&mut args, Arg::S(format!("%\"{}\":%", code.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))));
            format!("c.attributes NOT LIKE {p} ESCAPE '\\'")
        })
        .collect();
    let wh = format!("c.tenant_id = $1 AND c.status <> 'retired' AND c.class_id = {k} AND ({})", absent.join(" OR "));
    listed(c, args, &wh, limit).await
}

/// The count of the CIs `wh` selects and the first `limit` of them (full rows).
async fn listed(c: &mut Conn, mut args: Vec<Arg>, wh: &str, limit: i64) -> Result<(i64, Vec<CiRow>)> {
    let count_sql = format!("SELECT COUNT(*) AS n FROM cis c WHERE {wh}");
    let n: i64 = get(&bind_all(count_sql, args.clone()).fetch_one(&mut *c).await?, "n")?;
    let l = push(&mut args, Arg::I(limit));
    let sql = format!("{} WHERE {wh} ORDER BY c.id LIMIT {l}", cis::SELECT);
    let rows = bind_all(sql, args).fetch_all(&mut *c).await?;
    Ok((n, rows.iter().map(cis::row).collect::<Result<_>>()?))
}

/// Moves the duplicate's ticket links to the survivor (a ticket on both keeps one).
/// Returns the tickets that named the duplicate.
pub async fn move_ticket_links(c: &mut Conn, t: TenantId, duplicate: CiId, survivor: CiId) -> Result<Vec<TicketId>> {
    let tickets: Vec<i64> = sqlx::query_scalar("SELECT ticket_id FROM ticket_cis WHERE tenant_id = $1 AND ci_id = $2 ORDER BY ticket_id")
        .bind(t.0)
        .bind(duplicate.0)
        .fetch_all(&mut *c)
        .await?;
    sqlx::query(
        "UPDATE ticket_cis SET ci_id = $3 WHERE tenant_id = $1 AND ci_id = $2 \
         AND ticket_id NOT IN (SELECT ticket_id FROM ticket_cis WHERE tenant_id = $1 AND ci_id = $3)",
    )
    .bind(t.0)
    .bind(duplicate.0)
    .bind(survivor.0)
    .execute(&mut *c)
    .await?;
    sqlx::query("DELETE FROM ticket_cis WHERE tenant_id = $1 AND ci_id = $2").bind(t.0).bind(duplicate.0).execute(&mut *c).await?;
    Ok(tickets.into_iter().map(TicketId).collect())
}

/// Points the CIs located in the duplicate (but the survivor) at the survivor;
/// returns them.
pub async fn move_located(c: &mut Conn, t: TenantId, duplicate: CiId, survivor: CiId) -> Result<Vec<CiId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM cis WHERE tenant_id = $1 AND location_id = $2 AND id <> $3 ORDER BY id")
        .bind(t.0)
        .bind(duplicate.0)
        .bind(survivor.0)
        .fetch_all(&mut *c)
        .await?;
    sqlx::query("UPDATE cis SET location_id = $3 WHERE tenant_id = $1 AND location_id = $2 AND id <> $3")
        .bind(t.0)
        .bind(duplicate.0)
        .bind(survivor.0)
        .execute(&mut *c)
        .await?;
    Ok(ids.into_iter().map(CiId).collect())
}
