//! The operational dashboard page and the CSV behind each of its charts.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::report::dashboard::{Dashboard, DashboardQuery};
use serde::Deserialize;

use super::charts::{BAR_X, Bars, LINE_H, LINE_W, Lines};
use crate::ctx::Ctx;
use crate::platform::form::filled;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;

const DAY: i64 = 86_400_000;

#[derive(Deserialize, Default, Clone)]
pub(crate) struct Filters {
    /// First day, 2026-11-01 (UTC); default 30 days ago.
    #[serde(default)]
    pub from: String,
    /// Last day, included; default today.
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub service: String,
    /// CSV: which chart (priority, group or daily).
    #[serde(default)]
    chart: String,
}

fn day(field: &'static str, raw: &str, default: i64) -> Result<i64, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(default);
    }
    raw.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_millisecond())
        .ok_or_else(|| AppError::invalid(field, format!("'{raw}' is not a date like 2026-11-01")))
}

fn date(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_default()
}

impl Filters {
    fn query(&self, now: i64) -> Result<DashboardQuery, AppError> {
        let today = now - now.rem_euclid(DAY);
        let to = day("to", &self.to, today)? + DAY;
        Ok(DashboardQuery {
            from: day("from", &self.from, to - 30 * DAY)?,
            to,
            group: filled(self.group.clone()),
            service: filled(self.service.clone()),
        })
    }

    /// The same filters as a query string, for the CSV links.
    pub fn link(&self, chart: &str) -> String {
        let enc = |v: &str| v.replace('%', "%25").replace('&', "%26").replace(' ', "%20").replace('#', "%23").replace('+', "%2B");
        format!(
            "/dashboard.csv?chart={chart}&from={}&to={}&group={}&service={}",
            enc(&self.from),
            enc(&self.to),
            enc(&self.group),
            enc(&self.service)
        )
    }
}

#[derive(Template)]
#[template(path = "report/dashboard.html")]
pub(crate) struct DashboardPage {
    pub me: Option<Me>,
    pub f: Filters,
    pub groups: Vec<String>,
    pub d: Option<Dashboard>,
    /// The bar charts with their CSV links.
    pub bars: Vec<(Bars, String)>,
    pub trend: Option<Lines>,
    /// (day, raised, resolved) for the table under the trend.
    pub days: Vec<(String, i64, i64)>,
    pub figures: Vec<(&'static str, String)>,
    pub bar_x: i64,
    pub line_w: i64,
    pub line_h: i64,
    pub error: Option<String>,
}

fn figures(d: &Dashboard) -> Vec<(&'static str, String)> {
    let pct = |v: Option<f64>| v.map(|x| format!("{x:.1} %")).unwrap_or_else(|| "—".into());
    vec![
        ("Resolved", d.resolved.to_string()),
        ("Mean time to resolve", d.mttr_hours.map(|h| format!("{h:.1} h")).unwrap_or_else(|| "—".into())),
        ("Reopen rate", pct(d.reopen_rate)),
        ("First-contact resolution", pct(d.first_contact)),
        ("SLA compliance", pct(d.sla_compliance)),
        ("SLA breaches", d.sla_breaches.to_string()),
        ("CSAT", if d.csat_responses > 0 { format!("{} ({} answers)", pct(d.csat), d.csat_responses) } else { "—".into() }),
    ]
}

async fn load(ctx: &Ctx, s: &Session, f: &Filters) -> Result<Dashboard, AppError> {
    ctx.app.dashboard(&s.actor, f.query(ctx.app.now())?).await
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Query(mut f): Query<Filters>) -> Response {
    let a = &s.actor;
    let groups = match ctx.app.groups(a).await {
        Ok(g) => g.into_iter().map(|g| g.name).collect(),
        Err(e) => return error_page(Some(&s), e),
    };
    let (d, error) = match load(&ctx, &s, &f).await {
        Ok(d) => (Some(d), None),
        Err(e @ AppError::Invalid { .. }) => (None, Some(e.to_string())),
        Err(e) => return error_page(Some(&s), e),
    };
    if let (Some(d), true) = (&d, f.from.is_empty()) {
        f.from = d.days.first().map(|x| date(x.0)).unwrap_or_default();
        f.to = d.days.last().map(|x| date(x.0)).unwrap_or_default();
    }
    let bars = match &d {
        Some(d) => {
            let priority: Vec<(String, i64)> = d.by_priority.iter().map(|(p, n)| (format!("P{p}"), *n)).collect();
            let groups: Vec<(String, i64)> = d.by_group.iter().take(12).cloned().collect();
            vec![
                (Bars::new("chart-priority", "Open incidents by priority", &priority), f.link("priority")),
                (Bars::new("chart-group", "Open incidents by group", &groups), f.link("group")),
            ]
        }
        None => vec![],
    };
    let trend = d.as_ref().map(|d| {
        let labels: Vec<String> = d.days.iter().map(|x| date(x.0)[5..].to_string()).collect();
        Lines::new(
            "chart-trend",
            "Incidents raised and resolved per day",
            &labels,
            vec![
                ("Raised", "raised", d.days.iter().map(|x| x.1).collect()),
                ("Resolved", "resolved", d.days.iter().map(|x| x.2).collect()),
            ],
        )
    });
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = DashboardPage {
        me: Some(Me::new(a, &s.csrf)),
        groups,
        figures: d.as_ref().map(figures).unwrap_or_default(),
        days: d.as_ref().map(|d| d.days.iter().map(|x| (date(x.0), x.1, x.2)).collect()).unwrap_or_default(),
        d,
        bars,
        trend,
        f,
        bar_x: BAR_X,
        line_w: LINE_W,
        line_h: LINE_H,
        error,
    };
    (status, render(page)).into_response()
}

/// The numbers behind one chart as CSV: `chart=priority`, `group` or `daily`.
pub(crate) async fn csv(State(ctx): State<Ctx>, s: Session, Query(f): Query<Filters>) -> Response {
    let d = match load(&ctx, &s, &f).await {
        Ok(d) => d,
        Err(e) => return error_page(Some(&s), e),
    };
    let (name, body) = match f.chart.as_str() {
        "priority" => ("backlog-by-priority", lines("priority,open", d.by_priority.iter().map(|(p, n)| format!("P{p},{n}")))),
        "group" => ("backlog-by-group", lines("group,open", d.by_group.iter().map(|(g, n)| format!("{},{n}", field(g))))),
        "daily" => {
            ("raised-resolved-per-day", lines("day,raised,resolved", d.days.iter().map(|x| format!("{},{},{}", date(x.0), x.1, x.2))))
        }
        other => return error_page(Some(&s), AppError::invalid("chart", format!("'{other}' is not priority, group or daily"))),
    };
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.csv\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

fn field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_string() }
}

fn lines(header: &str, rows: impl Iterator<Item = String>) -> String {
    std::iter::once(header.to_string()).chain(rows).map(|l| l + "\r\n").collect()
}
