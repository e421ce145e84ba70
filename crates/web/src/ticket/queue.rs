//! The queue: its filters as a query string (so a view is a link), its optional
//! columns, and its rows.

use askama::Template;
use cairn_app::ticket::{ListRequest, TicketView};
use cairn_domain::ticket::status::Status;

use crate::platform::form::enc;
use crate::platform::page::Me;
use crate::time::{between, relative, short};

#[derive(Clone, Default, serde::Deserialize)]
pub(crate) struct Filters {
    /// `incident`, `problem`, or empty for every kind.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub sort: String,
    /// "1": only tickets with a breached service level.
    #[serde(default)]
    pub breached: String,
    #[serde(default)]
    pub cursor: String,
    /// The optional columns shown, in order (`col=group&col=due`); the defaults when none.
    #[serde(skip)]
    pub cols: Vec<Column>,
}

impl Filters {
    /// The filters of a queue address's query string; `col` may repeat.
    pub fn parse(query: &str) -> Result<Filters, String> {
        let mut f: Filters = from_query(query)?;
        let pairs: Vec<(String, String)> = from_query(query)?;
        for (k, v) in pairs.iter().filter(|(k, _)| k == "col") {
            let c = Column::parse(v).ok_or_else(|| format!("{k}: no column '{v}'"))?;
            if !f.cols.contains(&c) {
                f.cols.push(c);
            }
        }
        Ok(f)
    }

    /// The queue's defaults: open tickets by priority for agents, all by newest for
    /// requesters.
    pub fn defaults(&mut self, staff: bool) {
        if self.status.is_empty() {
            self.status = if staff { "open" } else { "all" }.into();
        }
        if self.sort.is_empty() {
            self.sort = if staff { "priority" } else { "-created" }.into();
        }
        if self.cols.is_empty() && staff {
            self.cols = Column::DEFAULT.to_vec();
        }
    }

    pub fn request(&self, limit: i64) -> ListRequest {
        let some = |v: &str| Some(v.to_string()).filter(|x| !x.trim().is_empty());
        ListRequest {
            kind: some(&self.kind),
            q: some(&self.q),
            statuses: match self.status.as_str() {
                "open" => Status::open().map(|s| s.as_str().to_string()).collect(),
                "all" => vec![],
                other => vec![other.to_string()],
            },
            group: some(&self.group),
            assignee: some(&self.assignee),
            priority: self.priority.parse().ok(),
            sort: some(&self.sort),
            breached: self.breached == "1",
            limit: Some(limit),
            cursor: some(&self.cursor),
        }
    }

    /// The filters as a query string (no cursor), the same for the same filters.
    pub fn query(&self) -> String {
        [
            ("q", &self.q),
            ("status", &self.status),
            ("kind", &self.kind),
            ("group", &self.group),
            ("assignee", &self.assignee),
            ("priority", &self.priority),
            ("sort", &self.sort),
            ("breached", &self.breached),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .chain(self.cols.iter().filter(|_| self.cols != Column::DEFAULT).map(|c| format!("col={}", c.key())))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// The queue's query string as `T` (a struct of filters, or its pairs).
fn from_query<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, String> {
    let uri = format!("/tickets?{query}").parse::<axum::http::Uri>().map_err(|e| e.to_string())?;
    axum::extract::Query::<T>::try_from_uri(&uri).map(|q| q.0).map_err(|e| e.body_text())
}

/// The queue's optional columns (number, title, status and priority always show).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Group,
    Assignee,
    Requester,
    Category,
    Service,
    Created,
    Updated,
    Due,
}

impl Column {
    pub const ALL: [Column; 8] = [
        Column::Group,
        Column::Assignee,
        Column::Requester,
        Column::Category,
        Column::Service,
        Column::Created,
        Column::Updated,
        Column::Due,
    ];
    pub const DEFAULT: [Column; 5] = [Column::Group, Column::Assignee, Column::Requester, Column::Updated, Column::Due];

    pub fn key(self) -> &'static str {
        match self {
            Column::Group => "group",
            Column::Assignee => "assignee",
            Column::Requester => "requester",
            Column::Category => "category",
            Column::Service => "service",
            Column::Created => "created",
            Column::Updated => "updated",
            Column::Due => "due",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Group => "Group",
            Column::Assignee => "Assignee",
            Column::Requester => "Requester",
            Column::Category => "Category",
            Column::Service => "Service",
            Column::Created => "Created",
            Column::Updated => "Updated",
            Column::Due => "Service level",
        }
    }

    pub fn parse(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// A saved view in the queue's view bar.
pub(crate) struct SavedRow {
    pub id: i64,
    pub name: String,
    pub link: String,
    /// "12", or "200+" beyond a page.
    pub count: String,
    pub current: bool,
    pub mine: bool,
    pub shared: bool,
}

pub(crate) struct Row {
    pub number: String,
    pub title: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub priority: u8,
    pub group: String,
    pub assignee: String,
    pub requester: String,
    pub category: String,
    pub service: String,
    pub created: String,
    pub updated: String,
    /// The soonest service-level due time; none without a running clock.
    pub sla: Option<SlaBadge>,
}

/// A row's service level: time left or overdue in words and an icon, never by colour
/// alone; the instant in the reader's zone as its title.
pub(crate) struct SlaBadge {
    pub text: String,
    pub at: String,
    pub overdue: bool,
}

impl SlaBadge {
    fn new(due: i64, breached: bool, now: i64) -> SlaBadge {
        let overdue = breached || due <= now;
        let text = if overdue {
            let late = between(due, now);
            format!("Overdue {}", if late.is_empty() { "now" } else { &late })
        } else {
            format!("Due {}", relative(due, now))
        };
        SlaBadge { text, at: short(due), overdue }
    }
    pub fn icon(&self) -> &'static str {
        if self.overdue { "⚠" } else { "⏱" }
    }
}

impl Row {
    pub fn cell(&self, c: &Column) -> &str {
        match c {
            Column::Group => &self.group,
            Column::Assignee => &self.assignee,
            Column::Requester => &self.requester,
            Column::Category => &self.category,
            Column::Service => &self.service,
            Column::Created => &self.created,
            Column::Updated => &self.updated,
            Column::Due => self.sla.as_ref().map_or("", |b| b.text.as_str()),
        }
    }
}

impl Row {
    /// The row of `v` as seen at `now` (ms).
    pub fn new(v: TicketView, now: i64) -> Row {
        let t = v.ticket;
        Row {
            number: t.number,
            title: t.title,
            status: t.status.as_str(),
            status_label: t.status.label(),
            priority: t.priority.get(),
            group: v.group.unwrap_or_default(),
            assignee: v.assignee.unwrap_or_default(),
            requester: v.requester,
            category: t.category.unwrap_or_default(),
            service: t.service.unwrap_or_default(),
            created: short(t.created_at),
            updated: short(t.updated_at),
            sla: t.sla_due_at.map(|due| SlaBadge::new(due, t.sla_breached, now)),
        }
    }
}

#[derive(Template)]
#[template(path = "ticket/queue.html")]
pub(crate) struct QueuePage {
    pub me: Option<Me>,
    pub staff: bool,
    /// Ready-made views for agents: (label, link, shown now).
    pub views: Vec<(&'static str, &'static str, bool)>,
    pub saved: Vec<SavedRow>,
    pub csrf: String,
    pub f: Filters,
    pub status_options: Vec<(String, String)>,
    pub sort_options: Vec<(String, String)>,
    pub priority_options: Vec<String>,
    pub columns: [Column; 8],
    pub groups: Vec<String>,
    pub agents: Vec<String>,
    pub rows: Vec<Row>,
    pub next: Option<String>,
    /// The queue sorted by service level, soonest due first (the column's heading).
    pub due_sort: String,
    pub resolution_codes: [&'static str; 7],
    /// When the list was read (ms): the live notice counts changes since.
    pub drawn: i64,
    pub error: Option<String>,
}
