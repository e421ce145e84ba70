//! Service-level reports: compliance, breaches and satisfaction, as JSON or CSV.

use crate::routes::{Routes, get};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::platform::session::ReaderActor;
use crate::time::{instant, rfc3339};

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/reports/sla", get(compliance))
        .route("/api/v1/reports/sla/breaches", get(breaches))
        .route("/api/v1/reports/csat", get(csat))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportParams {
    /// definition (default), group, service or priority.
    pub by: Option<String>,
    /// Tickets raised from this day (2026-06-01, UTC) or instant (RFC 3339); default 30 days ago.
    pub from: Option<String>,
    /// Up to this day or instant, excluded; default now.
    pub to: Option<String>,
    /// json (default) or csv.
    pub format: Option<String>,
}

pub(crate) fn period(ctx: &Ctx, p: &ReportParams) -> Result<(i64, i64), ApiError> {
    let now = ctx.app.now();
    Ok((instant("from", p.from.as_deref(), now - 30 * 86_400_000)?, instant("to", p.to.as_deref(), now + 1)?))
}

/// One CSV line: fields quoted when they hold a comma, a quote or a line break.
fn csv_line(fields: &[String]) -> String {
    let quote = |f: &String| if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.clone() };
    fields.iter().map(quote).collect::<Vec<_>>().join(",") + "\r\n"
}

pub(crate) fn csv(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Response {
    let mut body = csv_line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    for r in rows {
        body.push_str(&csv_line(&r));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.csv\"")),
        ],
        body,
    )
        .into_response()
}

pub(crate) fn csv_wanted(format: Option<&str>) -> Result<bool, ApiError> {
    match format.unwrap_or("json") {
        "json" => Ok(false),
        "csv" => Ok(true),
        other => Err(cairn_app::AppError::invalid("format", format!("'{other}' is not json or csv")).into()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ComplianceLine {
    pub key: String,
    pub target: String,
    pub met: usize,
    pub missed: usize,
    /// Open and past due.
    pub breached: usize,
    pub in_progress: usize,
    /// Percent of the decided clocks that met their target.
    pub compliance: Option<f64>,
    pub mean_business_minutes: Option<f64>,
    pub mean_calendar_minutes: Option<f64>,
}

/// `x` rounded to `places` decimals, as reports show figures.
pub(crate) fn rounded(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn round(v: Option<f64>) -> Option<f64> {
    v.map(|x| rounded(x, 1))
}

/// Service-level compliance per definition, group, service or priority (JSON or CSV)
#[utoipa::path(get, path = "/api/v1/reports/sla", tag = "service levels", params(ReportParams),
    responses((status = 200, body = Vec<ComplianceLine>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn compliance(
    State(ctx): State<Ctx>,
    ReaderActor(actor): ReaderActor,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> Result<Response, ApiError> {
    let as_csv = csv_wanted(p.format.as_deref())?;
    let (from, to) = period(&ctx, &p)?;
    let lines = ctx.app.sla_compliance(&actor, p.by.as_deref().unwrap_or("definition"), from, to).await?;
    let lines: Vec<ComplianceLine> = lines
        .into_iter()
        .map(|l| ComplianceLine {
            key: l.key,
            target: l.target,
            met: l.met,
            missed: l.missed,
            breached: l.breached,
            in_progress: l.in_progress,
            compliance: round(l.compliance),
            mean_business_minutes: round(l.mean_business_minutes),
            mean_calendar_minutes: round(l.mean_calendar_minutes),
        })
        .collect();
    if !as_csv {
        return Ok(Json(lines).into_response());
    }
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let rows = lines
        .into_iter()
        .map(|l| {
            vec![
                l.key,
                l.target,
                l.met.to_string(),
                l.missed.to_string(),
                l.breached.to_string(),
                l.in_progress.to_string(),
                opt(l.compliance),
                opt(l.mean_business_minutes),
                opt(l.mean_calendar_minutes),
            ]
        })
        .collect();
    let header = [
        "key",
        "target",
        "met",
        "missed",
        "breached",
        "in_progress",
        "compliance_percent",
        "mean_business_minutes",
        "mean_calendar_minutes",
    ];
    Ok(csv("sla-compliance", &header, rows))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BreachBody {
    pub ticket: String,
    pub definition: String,
    pub target: String,
    /// missed (stopped late) or breached (open, past due)
    pub outcome: String,
    pub breached_at: Option<String>,
    /// Business minutes past the target when the clock last changed.
    pub over_minutes: i64,
}

/// The clocks past their target, most overdue first (JSON or CSV)
#[utoipa::path(get, path = "/api/v1/reports/sla/breaches", tag = "service levels", params(ReportParams),
    responses((status = 200, body = Vec<BreachBody>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn breaches(
    State(ctx): State<Ctx>,
    ReaderActor(actor): ReaderActor,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> Result<Response, ApiError> {
    let as_csv = csv_wanted(p.format.as_deref())?;
    let (from, to) = period(&ctx, &p)?;
    let list: Vec<BreachBody> = ctx
        .app
        .sla_breaches(&actor, from, to)
        .await?
        .into_iter()
        .map(|b| BreachBody {
            ticket: b.ticket,
            definition: b.definition,
            target: b.target,
            outcome: b.outcome.into(),
            breached_at: b.breached_at.map(rfc3339),
            over_minutes: b.over_minutes,
        })
        .collect();
    if !as_csv {
        return Ok(Json(list).into_response());
    }
    let rows = list
        .into_iter()
        .map(|b| vec![b.ticket, b.definition, b.target, b.outcome, b.breached_at.unwrap_or_default(), b.over_minutes.to_string()])
        .collect();
    Ok(csv("sla-breaches", &["ticket", "definition", "target", "outcome", "breached_at", "over_minutes"], rows))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CsatBody {
    pub key: String,
    pub responses: usize,
    /// 1 to 5.
    pub mean_rating: f64,
    /// Share of ratings 4 and 5, in percent.
    pub csat: f64,
    /// 1 (very hard) to 5 (very easy).
    pub mean_effort: Option<f64>,
}

/// Satisfaction (CSAT and effort) per group, service or agent, from survey answers
#[utoipa::path(get, path = "/api/v1/reports/csat", tag = "service levels", params(ReportParams),
    responses((status = 200, body = Vec<CsatBody>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn csat(
    State(ctx): State<Ctx>,
    ReaderActor(actor): ReaderActor,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> Result<Response, ApiError> {
    let as_csv = csv_wanted(p.format.as_deref())?;
    let (from, to) = period(&ctx, &p)?;
    let lines: Vec<CsatBody> = ctx
        .app
        .csat_report(&actor, p.by.as_deref().unwrap_or("group"), from, to)
        .await?
        .into_iter()
        .map(|l| CsatBody {
            key: l.key,
            responses: l.responses,
            mean_rating: rounded(l.mean_rating, 2),
            csat: rounded(l.csat, 1),
            mean_effort: l.mean_effort.map(|e| rounded(e, 2)),
        })
        .collect();
    if !as_csv {
        return Ok(Json(lines).into_response());
    }
    let rows = lines
        .into_iter()
        .map(|l| {
            vec![
                l.key,
                l.responses.to_string(),
                l.mean_rating.to_string(),
                l.csat.to_string(),
                l.mean_effort.map(|e| e.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    Ok(csv("csat", &["key", "responses", "mean_rating", "csat_percent", "mean_effort"], rows))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(compliance, breaches, csat))]
pub(crate) struct ApiDoc;
