//! Short labels a record owns (a ticket's tags and affected items, an article's tags):
//! one row each in a table of their own, `(tenant_id, <owner>, position, <label>)`,
//! indexed by label so that a record can be found by one.

use cairn_domain::ids::TenantId;

use crate::Conn;
use crate::engine::args::{Arg, bind_all, push};
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
    pub(crate) fn column(&self, alias: &str, name: &str) -> String {
        let Labels { table, owner, label } = self;
        format!(
            "(SELECT string_agg(l.{label}, '{SEPARATOR}' ORDER BY l.position) FROM {table} l \
             WHERE l.tenant_id = {alias}.tenant_id AND l.{owner} = {alias}.id) AS {name}"
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

/// The labels of a [`Labels::column`].
pub(crate) fn decode(joined: Option<String>) -> Vec<String> {
    joined.map(|s| s.split(SEPARATOR).filter(|l| !l.is_empty()).map(str::to_string).collect()).unwrap_or_default()
}

/// A page of records whose select list has label columns, read in two steps: the page is
/// picked by id first (`ORDER BY … LIMIT` over the matching rows), then the select list,
/// with its one subquery per label column, is computed for the picked rows only rather
/// than for every row the sort had to look at.
pub(crate) struct Page<'a> {
    /// The record's table and its alias in `cols`, `joins` and `order`.
    pub table: &'static str,
    pub alias: &'static str,
    pub cols: &'a str,
    /// Joins the select list needs, after the record's table.
    pub joins: &'a str,
    /// `FROM … WHERE …` choosing the matching rows (any aliases).
    pub matching: &'a str,
    /// How the matching rows are ordered, and the same order over the record alone.
    pub order: &'a str,
    pub order_picked: &'a str,
    /// The parameter holding the page size.
    pub limit: &'a str,
}

impl Page<'_> {
    pub(crate) fn sql(&self) -> String {
        let Page { table, alias, cols, joins, matching, order, order_picked, limit } = self;
        format!(
            "SELECT {cols} FROM (SELECT {alias}.id AS picked_id {matching} ORDER BY {order} LIMIT {limit}) picked \
             JOIN {table} {alias} ON {alias}.id = picked.picked_id {joins} ORDER BY {order_picked}"
        )
    }
}
