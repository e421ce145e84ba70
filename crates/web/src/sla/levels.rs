//! The service-level dashboard: compliance per definition and target over the last
//! 30 days, the open and missed breaches, and the XLAs with their status and trend.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::ctx::Ctx;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;
use crate::time::short;

pub(crate) struct Compliance {
    pub key: String,
    pub target: String,
    pub met: usize,
    pub missed: usize,
    pub breached: usize,
    pub in_progress: usize,
    pub percent: String,
}

pub(crate) struct XlaRow {
    pub name: String,
    pub measure: String,
    pub target: String,
    pub current: String,
    pub responses: usize,
    pub status: &'static str,
    pub trend: &'static str,
}

/// (ticket, rating, effort, what they said, answered)
pub(crate) type Said = (String, i64, String, String, String);

#[derive(Template)]
#[template(path = "sla/levels.html")]
pub(crate) struct LevelsPage {
    pub me: Option<Me>,
    pub compliance: Vec<Compliance>,
    /// (ticket, definition · target, outcome, breached at)
    pub breaches: Vec<(String, String, &'static str, String)>,
    pub xlas: Vec<XlaRow>,
    /// Survey answers with a comment or own answers (administrators and group
    /// managers): (ticket, rating, effort, what they said, answered).
    pub comments: Option<Vec<Said>>,
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session) -> Response {
    let a = &s.actor;
    let now = ctx.app.now();
    let from = now - 30 * 86_400_000;
    let loaded = tokio::try_join!(
        ctx.app.sla_compliance(a, "definition", from, now + 1),
        ctx.app.sla_breaches(a, from, now + 1),
        ctx.app.xla_statuses(a)
    );
    let (lines, breaches, xlas) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), e),
    };
    let comments = match ctx.app.survey_responses(a, from, now + 1).await {
        Ok(list) => Some(
            list.into_iter()
                .filter(|r| r.comment.is_some() || !r.answers.is_empty())
                .take(50)
                .map(|r| {
                    let said = r.answers.iter().map(|(q, a)| format!("{q} {a}")).chain(r.comment.clone()).collect::<Vec<_>>().join(" · ");
                    (r.number, r.rating, r.effort.map(|e| e.to_string()).unwrap_or_default(), said, short(r.answered_at))
                })
                .collect(),
        ),
        Err(cairn_app::AppError::Forbidden(_)) => None,
        Err(e) => return error_page(Some(&s), e),
    };
    let one = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into());
    render(LevelsPage {
        me: Some(Me::new(a, &s.csrf)),
        compliance: lines
            .into_iter()
            .map(|l| Compliance {
                key: l.key,
                target: l.target.replace('_', " "),
                met: l.met,
                missed: l.missed,
                breached: l.breached,
                in_progress: l.in_progress,
                percent: l.compliance.map(|c| format!("{c:.1} %")).unwrap_or_else(|| "—".into()),
            })
            .collect(),
        breaches: breaches
            .into_iter()
            .take(100)
            .map(|b| {
                (
                    b.ticket,
                    format!("{} · {}", b.definition, b.target.replace('_', " ")),
                    b.outcome,
                    b.breached_at.map(short).unwrap_or_default(),
                )
            })
            .collect(),
        xlas: xlas
            .into_iter()
            .map(|x| XlaRow {
                name: x.xla.name,
                measure: x.xla.measure.clone(),
                target: if x.xla.measure == "availability" { format!("{:.2} %", x.xla.target) } else { format!("{:.1}", x.xla.target) },
                current: if x.xla.measure == "availability" {
                    x.current.map(|c| format!("{c:.2} %")).unwrap_or_else(|| "—".into())
                } else {
                    one(x.current)
                },
                responses: x.responses,
                status: x.status,
                trend: x.trend,
            })
            .collect(),
        comments,
    })
}
