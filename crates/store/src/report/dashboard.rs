//! Aggregates for the operational dashboard, each one indexed query over incidents:
//! the open backlog, raised and resolved per day, resolution times, reopens and
//! reassignments. Filters narrow every query to a group and/or a service.

use cairn_domain::ids::TenantId;
use cairn_domain::ticket::status::Status;

use crate::Conn;
use crate::engine::row::get;
use crate::error::Result;

/// What the dashboard is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub group: Option<i64>,
    pub service: Option<String>,
}

impl Filter {
    /// Extra conditions on tickets aliased `k`, with their parameters from `$first`.
    fn clause(&self, first: usize) -> (String, Vec<FilterArg>) {
        let mut sql = String::new();
        let mut args = Vec::new();
        if let Some(g) = self.group {
            sql.push_str(&format!(" AND k.group_id = ${}", first + args.len()));
            args.push(FilterArg::Int(g));
        }
        if let Some(s) = &self.service {
            sql.push_str(&format!(" AND k.service = ${}", first + args.len()));
            args.push(FilterArg::Text(s.clone()));
        }
        (sql, args)
    }
}

enum FilterArg {
    Int(i64),
    Text(String),
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    args: Vec<FilterArg>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for a in args {
        q = match a {
            FilterArg::Int(v) => q.bind(v),
            FilterArg::Text(v) => q.bind(v),
        };
    }
    q
}

/// Open incidents by (priority, group), from the counts the triggers keep (a service
/// filter counts the tickets themselves: services are not counted ahead).
pub async fn backlog(c: &mut Conn, t: TenantId, f: &Filter) -> Result<Vec<(i64, Option<i64>, i64)>> {
    let open = Status::open().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ");
    let (extra, args) = f.clause(2);
    let sql = if f.service.is_some() {
        format!(
            "SELECT k.priority, k.group_id, COUNT(*) AS n FROM tickets k WHERE k.tenant_id = $1 AND k.kind = 'incident' \
             AND k.status IN ({open}){extra} GROUP BY k.priority, k.group_id"
        )
    } else {
        format!(
            "SELECT k.priority, CASE WHEN k.group_id = 0 THEN NULL ELSE k.group_id END AS group_id, CAST(SUM(k.n) AS BIGINT) AS n \
             FROM ticket_counts k WHERE k.tenant_id = $1 AND k.kind = 'incident' AND k.status IN ({open}){extra} \
             GROUP BY k.priority, k.group_id HAVING SUM(k.n) > 0"
        )
    };
    let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0), args).fetch_all(c).await?;
    rows.iter().map(|r| Ok((get(r, "priority")?, get(r, "group_id")?, get(r, "n")?))).collect()
}

/// Incidents raised per day from `from` (day 0) to `to`: (day, count).
pub async fn raised_per_day(c: &mut Conn, t: TenantId, from: i64, to: i64, f: &Filter) -> Result<Vec<(i64, i64)>> {
    let (extra, args) = f.clause(5);
    let sql = format!(
        "SELECT (k.created_at - $2) / $3 AS d, COUNT(*) AS n FROM tickets k WHERE k.tenant_id = $1 AND k.kind = 'incident' \
         AND k.created_at >= $2 AND k.created_at < $4{extra} GROUP BY d ORDER BY d"
    );
    let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(from).bind(DAY).bind(to);
    let rows = bind_all(q, args).fetch_all(c).await?;
    rows.iter().map(|r| Ok((get(r, "d")?, get(r, "n")?))).collect()
}

const DAY: i64 = 86_400_000;

/// Resolutions of incidents (each time one was resolved, reopens included) per day, from
/// the journal: (day, resolutions, summed ms from raising, how many had been moved from
/// one group to another before).
pub async fn resolutions(c: &mut Conn, t: TenantId, from: i64, to: i64, f: &Filter) -> Result<Vec<(i64, i64, i64, i64)>> {
    let (extra, args) = f.clause(5);
    let sql = format!(
        "SELECT r.d, COUNT(*) AS n, CAST(SUM(r.took) AS BIGINT) AS took, CAST(SUM(CASE WHEN r.moved > 0 THEN 1 ELSE 0 END) AS BIGINT) AS moved \
         FROM (SELECT (j.at - $2) / $3 AS d, j.at - k.created_at AS took, \
           (SELECT COUNT(*) FROM journal g WHERE g.tenant_id = j.tenant_id AND g.entity = 'ticket' AND g.entity_id = k.id \
             AND g.field = 'group' AND g.old_value IS NOT NULL AND g.at <= j.at) AS moved \
           FROM journal j JOIN tickets k ON k.id = j.entity_id \
           WHERE j.tenant_id = $1 AND j.entity = 'ticket' AND j.field = 'status' AND j.new_value = 'resolved' \
           AND j.at >= $2 AND j.at < $4 AND k.kind = 'incident'{extra}) r GROUP BY r.d ORDER BY r.d"
    );
    let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(from).bind(DAY).bind(to);
    let rows = bind_all(q, args).fetch_all(c).await?;
    rows.iter().map(|r| Ok((get(r, "d")?, get(r, "n")?, get(r, "took")?, get(r, "moved")?))).collect()
}

/// Incidents reopened (resolved, then open again) in the period.
pub async fn reopened(c: &mut Conn, t: TenantId, from: i64, to: i64, f: &Filter) -> Result<i64> {
    let (extra, args) = f.clause(4);
    let sql = format!(
        "SELECT COUNT(*) AS n FROM journal j JOIN tickets k ON k.id = j.entity_id \
         WHERE j.tenant_id = $1 AND j.entity = 'ticket' AND j.field = 'status' AND j.old_value = 'resolved' \
         AND j.new_value <> 'closed' AND j.at >= $2 AND j.at < $3 AND k.kind = 'incident'{extra}"
    );
    let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(t.0).bind(from).bind(to);
    let r = bind_all(q, args).fetch_one(c).await?;
    get(&r, "n")
}
