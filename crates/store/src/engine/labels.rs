//! Short labels a record owns (a ticket's tags and affected items, an article's tags):
//! one row each in a table of their own, `(tenant_id, <owner>, position, <label>)`,
//! indexed by label so that a record can be found by one.

use std::collections::HashMap;

use cairn_domain::ids::TenantId;

use crate::Conn;
use crate::engine::args::{Arg, bind_all, push};
use crate::engine::row::get;
use crate::error::Result;

/// One table of labels.
pub(crate) struct Labels {
    table: &'static str,
    owner: &'static str,
    label: &'static str,
}

pub(crate) const TICKET_TAGS: Labels = Labels { table: "ticket_tags", owner: "ticket_id", label: "tag" };
pub(crate) const TICKET_AFFECTED: Labels = Labels { table: "ticket_affected", owner: "ticket_id", label: "item" };
pub(crate) const ARTICLE_TAGS: Labels = Labels { table: "article_tags", owner: "article_id", label: "tag" };

/// Labels are joined with it in one column; none may contain it (each owner refuses commas).
const SEPARATOR: char = ',';

impl Labels {
    /// A select-list expression naming `name` that gives the labels of the row `alias`
    /// (whose `id` owns them) in order, joined by commas; NULL when it has none.
    ///
    /// The labels come in order from a subquery that walks the primary key (owner, then
    /// position) rather than from `string_agg(… ORDER BY position)`, which sorts again
    /// for every row of a list. Both databases keep a sorted subquery's order through
    /// the aggregate (SQLite does not flatten it into an aggregate); the migration test
    /// checks the order on both.
    pub(crate) fn column(&self, alias: &str, name: &str) -> String {
        let Labels { table, owner, label } = self;
        format!(
            "(SELECT string_agg(o.{label}, '{SEPARATOR}') FROM (SELECT l.{label} FROM {table} l \
             WHERE l.tenant_id = {alias}.tenant_id AND l.{owner} = {alias}.id ORDER BY l.position) o) AS {name}"
        )
    }

    /// Replaces the labels of `owner` with `labels`, in their order.
    pub(crate) async fn set(&self, c: &mut Conn, t: TenantId, owner: i64, labels: &[String]) -> Result<()> {
        let Labels { table, owner: col, label } = self;
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE tenant_id = $1 AND {col} = $2")))
            .bind(t.0)
            .bind(owner)
            .execute(&mut *c)
            .await?;
        if labels.is_empty() {
            return Ok(());
        }
        let mut args = vec![Arg::I(t.0), Arg::I(owner)];
        let rows: Vec<String> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let n = push(&mut args, Arg::I(i as i64 + 1));
                let v = push(&mut args, Arg::S(l.clone()));
                format!("($1, $2, {n}, {v})")
            })
            .collect();
        let sql = format!("INSERT INTO {table} (tenant_id, {col}, position, {label}) VALUES {}", rows.join(", "));
        bind_all(sql, args).execute(c).await?;
        Ok(())
    }
}

/// The labels of `owners` from each of `sets` (tables keyed by the same owner), in
/// order, in one read: for a list whose rows were read without their
/// [`Labels::column`]s (many candidates, few kept).
///
/// The owner list is padded to a few fixed lengths by repeating an owner, so that a
/// page of 50 and a page of 47 share one prepared statement.
pub(crate) async fn read<const N: usize>(
    c: &mut Conn,
    t: TenantId,
    sets: [&Labels; N],
    owners: &[i64],
) -> Result<[HashMap<i64, Vec<String>>; N]> {
    let mut out: [HashMap<i64, Vec<String>>; N] = std::array::from_fn(|_| HashMap::new());
    let Some(&first) = owners.first() else {
        return Ok(out);
    };
    let padded = PADDED_LENGTHS.iter().copied().find(|&n| n >= owners.len()).unwrap_or(owners.len());
    let mut args = vec![Arg::I(t.0)];
    let list: Vec<String> =
        owners.iter().chain(std::iter::repeat_n(&first, padded - owners.len())).map(|o| push(&mut args, Arg::I(*o))).collect();
    let list = list.join(", ");
    let branches: Vec<String> = sets
        .iter()
        .enumerate()
        .map(|(k, Labels { table, owner, label })| {
            format!(
                "SELECT {k} AS k, {owner} AS owner, position AS p, {label} AS label FROM {table} \
                 WHERE tenant_id = $1 AND {owner} IN ({list})"
            )
        })
        .collect();
    let sql = format!("{} ORDER BY k, owner, p", branches.join(" UNION ALL "));
    for r in bind_all(sql, args).fetch_all(c).await? {
        let k: i64 = get(&r, "k")?;
        out[k as usize].entry(get(&r, "owner")?).or_default().push(get(&r, "label")?);
    }
    Ok(out)
}

/// The lengths an owner list of [`read`] is padded to; a longer one is read as it is.
const PADDED_LENGTHS: [usize; 6] = [1, 10, 25, 50, 100, 200];

/// The labels of a [`Labels::column`].
pub(crate) fn decode(joined: Option<String>) -> Vec<String> {
    joined.map(|s| s.split(SEPARATOR).filter(|l| !l.is_empty()).map(str::to_string).collect()).unwrap_or_default()
}
