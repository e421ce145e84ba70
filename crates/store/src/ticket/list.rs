//! Lists of tickets: the filters of a queue or a search (`TicketQuery`), their order
//! and keyset pagination (`Sort`, `Cursor`), a page of them and how many match.

use cairn_domain::ids::{GroupId, UserId};
use cairn_domain::platform::access::Scope;
use cairn_domain::ticket::priority::Priority;
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{Ticket, TicketKind};
use std::sync::LazyLock;

use super::{requesters_tickets, select_list, ticket};
use crate::engine::args::{Arg, bind_all, push};
use crate::engine::labels::{self, TICKET_AFFECTED, TICKET_TAGS};
use crate::engine::row::get;
use crate::error::Result;
use crate::{Backend, Conn, engine::dialect};

/// A page of a list: its labels are read afterwards for the page alone ([`labelled`]),
/// not row by row.
static PAGE_COLS: LazyLock<String> = LazyLock::new(|| select_list("CAST(NULL AS TEXT) AS tags", "CAST(NULL AS TEXT) AS affected"));

/// Fills in the tags and affected items of `tickets`, one read for the lot.
async fn labelled(c: &mut Conn, t: cairn_domain::ids::TenantId, tickets: &mut [Ticket]) -> Result<()> {
    let ids: Vec<i64> = tickets.iter().map(|x| x.id.0).collect();
    let [mut tags, mut affected] = labels::read(c, t, [&TICKET_TAGS, &TICKET_AFFECTED], &ids).await?;
    for x in tickets {
        x.tags = tags.remove(&x.id.0).unwrap_or_default();
        x.affected = affected.remove(&x.id.0).unwrap_or_default();
    }
    Ok(())
}

/// How a list is ordered; keyset pagination follows the same keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Most urgent first, then oldest first: the working order of a queue.
    #[default]
    Priority,
    CreatedAsc,
    CreatedDesc,
    UpdatedAsc,
    UpdatedDesc,
    /// The soonest service-level due instant first; tickets without one last.
    Due,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        Some(match s {
            "priority" => Sort::Priority,
            "created" => Sort::CreatedAsc,
            "-created" => Sort::CreatedDesc,
            "updated" => Sort::UpdatedAsc,
            "-updated" => Sort::UpdatedDesc,
            "due" => Sort::Due,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Priority => "priority",
            Sort::CreatedAsc => "created",
            Sort::CreatedDesc => "-created",
            Sort::UpdatedAsc => "updated",
            Sort::UpdatedDesc => "-updated",
            Sort::Due => "due",
        }
    }
    /// The leading key column (besides id) and the direction.
    fn key(self) -> (Option<&'static str>, bool) {
        match self {
            Sort::Priority => (Some("t.priority"), true),
            Sort::CreatedAsc => (None, true),
            Sort::CreatedDesc => (None, false),
            Sort::UpdatedAsc => (Some("t.updated_at"), true),
            Sort::UpdatedDesc => (Some("t.updated_at"), false),
            Sort::Due => (Some("COALESCE(t.sla_due_at, 9000000000000000)"), true),
        }
    }
    fn key_of(self, t: &Ticket) -> i64 {
        match self {
            Sort::Priority => i64::from(t.priority.get()),
            Sort::UpdatedAsc | Sort::UpdatedDesc => t.updated_at,
            Sort::CreatedAsc | Sort::CreatedDesc => t.id.0,
            Sort::Due => t.sla_due_at.unwrap_or(9_000_000_000_000_000),
        }
    }
}

/// Position after the last row of a page: (sort key, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        format!("{}.{}", self.key, self.id)
    }
    pub fn decode(s: &str) -> Option<Cursor> {
        let (k, i) = s.split_once('.')?;
        Some(Cursor { key: k.parse().ok()?, id: i.parse().ok()? })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Unassigned,
    User(UserId),
}

/// Tickets of one group, or of any group a user belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupFilter {
    One(GroupId),
    MemberOf(UserId),
}

#[derive(Debug, Clone, Default)]
pub struct TicketQuery {
    pub kind: Option<TicketKind>,
    pub statuses: Vec<Status>,
    pub group: Option<GroupFilter>,
    pub assignee: Option<AssigneeFilter>,
    pub priority: Option<Priority>,
    pub text: Option<String>,
    /// Only tickets with a breached service-level clock.
    pub breached: bool,
    pub sort: Sort,
    pub limit: i64,
    pub after: Option<Cursor>,
}

pub struct Page {
    pub tickets: Vec<Ticket>,
    pub next: Option<Cursor>,
}

/// A query's FROM and WHERE: the tickets visible in a scope that match its filters.
struct Matching {
    args: Vec<Arg>,
    wh: Vec<String>,
    from: &'static str,
    /// The ticket id column under that FROM.
    id: &'static str,
}

fn matching(b: Backend, s: &Scope, q: &TicketQuery) -> Matching {
    let mut args = vec![Arg::I(s.tenant_id().0)];
    let mut wh = vec!["t.tenant_id = $1".to_string()];
    if let Some(u) = s.requester_only() {
        let p = push(&mut args, Arg::I(u.0));
        wh.push(requesters_tickets("t", &p));
    }
    if !q.statuses.is_empty() {
        let ps: Vec<String> = q.statuses.iter().map(|st| push(&mut args, Arg::S(st.as_str().into()))).collect();
        wh.push(format!("t.status IN ({})", ps.join(", ")));
    }
    match q.group {
        Some(GroupFilter::One(g)) => {
            let p = push(&mut args, Arg::I(g.0));
            wh.push(format!("t.group_id = {p}"));
        }
        Some(GroupFilter::MemberOf(u)) => {
            let p = push(&mut args, Arg::I(u.0));
            wh.push(format!("t.group_id IN (SELECT group_id FROM group_members WHERE tenant_id = $1 AND user_id = {p})"));
        }
        None => {}
    }
    match q.assignee {
        Some(AssigneeFilter::Unassigned) => wh.push("t.assignee_id IS NULL".into()),
        Some(AssigneeFilter::User(u)) => {
            let p = push(&mut args, Arg::I(u.0));
            wh.push(format!("t.assignee_id = {p}"));
        }
        None => {}
    }
    if let Some(k) = q.kind {
        let p = push(&mut args, Arg::S(k.as_str().into()));
        wh.push(format!("t.kind = {p}"));
    }
    if let Some(pr) = q.priority {
        let p = push(&mut args, Arg::I(i64::from(pr.get())));
        wh.push(format!("t.priority = {p}"));
    }
    if q.breached {
        wh.push("t.sla_breached = 1".into());
    }
    let mut from = "FROM tickets t";
    let mut id = "t.id";
    if let Some(text) = q.text.as_deref().and_then(|t| dialect::text_query(b, t, s.sees_internal())) {
        let ts = dialect::text_search(b, s.sees_internal());
        let p = push(&mut args, Arg::S(text));
        wh.push(ts.condition.replace("{}", &p));
        from = ts.from;
        id = ts.id;
    }
    Matching { args, wh, from, id }
}

/// How many tickets visible in `s` match `q`'s filters, counting no further than `cap`.
pub async fn count_matching(c: &mut Conn, b: Backend, s: &Scope, q: &TicketQuery, cap: i64) -> Result<i64> {
    let Matching { mut args, wh, from, .. } = matching(b, s, q);
    let pl = push(&mut args, Arg::I(cap));
    let sql = format!("SELECT COUNT(*) AS n FROM (SELECT 1 AS one {from} WHERE {} LIMIT {pl}) capped", wh.join(" AND "));
    let row = bind_all(sql, args).fetch_one(c).await?;
    get(&row, "n")
}

/// Lists tickets visible in `s` matching `q`, one page at a time.
pub async fn list(c: &mut Conn, b: Backend, s: &Scope, q: &TicketQuery) -> Result<Page> {
    let Matching { mut args, mut wh, from, id } = matching(b, s, q);
    let (key, asc) = q.sort.key();
    let (cmp, dir) = if asc { (">", "ASC") } else { ("<", "DESC") };
    if let Some(cur) = q.after {
        let pi = push(&mut args, Arg::I(cur.id));
        match key {
            Some(k) => {
                let pk = push(&mut args, Arg::I(cur.key));
                wh.push(format!("({k} {cmp} {pk} OR ({k} = {pk} AND {id} {cmp} {pi}))"));
            }
            None => wh.push(format!("{id} {cmp} {pi}")),
        }
    }
    let order = match key {
        Some(k) => format!("{k} {dir}, {id} {dir}"),
        None => format!("{id} {dir}"),
    };
    let limit = q.limit.clamp(1, 200);
    let pl = push(&mut args, Arg::I(limit + 1));
    let sql = format!("SELECT {} {from} WHERE {} ORDER BY {order} LIMIT {pl}", *PAGE_COLS, wh.join(" AND "));
    let rows = bind_all(sql, args).fetch_all(&mut *c).await?;
    let mut tickets = rows.iter().map(ticket).collect::<Result<Vec<_>>>()?;
    let next = if tickets.len() as i64 > limit {
        tickets.truncate(limit as usize);
        tickets.last().map(|t| Cursor { key: q.sort.key_of(t), id: t.id.0 })
    } else {
        None
    };
    labelled(c, s.tenant_id(), &mut tickets).await?;
    Ok(Page { tickets, next })
}

/// How many of the newest `cap` tickets visible in `s` that match `q` there are by kind,
/// status and group (its name; none for tickets without one): one row per combination
/// found. Counting stops at `cap` so that a word in every other ticket costs no more
/// than reading a page of them.
pub async fn facets(c: &mut Conn, b: Backend, s: &Scope, q: &TicketQuery, cap: i64) -> Result<Vec<Facet>> {
    let Matching { mut args, wh, from, id } = matching(b, s, q);
    let pl = push(&mut args, Arg::I(cap));
    let sql = format!(
        "SELECT m.kind AS kind, m.status AS status, g.name AS group_name, COUNT(*) AS n \
         FROM (SELECT t.kind AS kind, t.status AS status, t.group_id AS group_id {from} WHERE {} ORDER BY {id} DESC LIMIT {pl}) m \
         LEFT JOIN assignment_groups g ON g.id = m.group_id GROUP BY m.kind, m.status, g.name",
        wh.join(" AND ")
    );
    let rows = bind_all(sql, args).fetch_all(c).await?;
    rows.iter()
        .map(|r| {
            Ok(Facet {
                kind: TicketKind::parse(&get::<String>(r, "kind")?)?,
                status: Status::parse(&get::<String>(r, "status")?)?,
                group: get(r, "group_name")?,
                count: get(r, "n")?,
            })
        })
        .collect()
}

/// One combination of kind, status and group among the tickets matching a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    pub kind: TicketKind,
    pub status: Status,
    pub group: Option<String>,
    pub count: i64,
}
