//! Service levels: business calendars, SLA definitions, a ticket's clocks, replay.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use cairn_app::platform::admin::Admin;
use cairn_domain::sla::{CalendarSpec, Definition};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiActor;
use crate::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::json::JsonBody;
use crate::time::rfc3339;

pub(super) fn router() -> Router<Ctx> {
    Router::new()
        .route("/api/v1/calendars", get(list_calendars))
        .route("/api/v1/calendars/{name}", put(put_calendar))
        .route("/api/v1/sla-definitions", get(list_definitions).post(create_definition))
        .route("/api/v1/sla-definitions/{id}", put(replace_definition))
        .route("/api/v1/tickets/{number}/slas", get(ticket_slas))
        .route("/api/v1/sla/replay", post(replay))
        .route("/api/v1/reports/sla", get(compliance))
        .route("/api/v1/reports/sla/breaches", get(breaches))
        .route("/api/v1/reports/csat", get(csat))
        .route("/api/v1/xlas", get(list_xlas).post(create_xla))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CalendarBody {
    pub name: String,
    /// time_zone, always_open, hours {mon: ["09:00-17:00"]}, holidays [{date, name, hours}], parent.
    #[schema(value_type = Object)]
    pub spec: serde_json::Value,
}

/// Business calendars
#[utoipa::path(get, path = "/api/v1/calendars", tag = "service levels", responses((status = 200, body = Vec<CalendarBody>)), security(("bearer" = [])))]
pub(crate) async fn list_calendars(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<CalendarBody>>, ApiError> {
    let list = ctx.app.calendars(&actor).await?;
    Ok(Json(list.into_iter().map(|(name, spec)| CalendarBody { name, spec: serde_json::to_value(spec).unwrap_or_default() }).collect()))
}

/// Add or replace a business calendar (admin)
#[utoipa::path(put, path = "/api/v1/calendars/{name}", tag = "service levels", params(("name" = String, Path)),
    request_body(content = Object, description = "time_zone (IANA), always_open, hours {mon..sun: [\"09:00-17:00\"]}, holidays [{date, name, hours}], parent"),
    responses((status = 201), (status = 204), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn put_calendar(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
    JsonBody(spec): JsonBody<CalendarSpec>,
) -> Result<StatusCode, ApiError> {
    let created = ctx.app.save_calendar(&Admin::from_actor(&actor)?, &name, spec).await?;
    Ok(if created { StatusCode::CREATED } else { StatusCode::NO_CONTENT })
}

/// SLA, OLA and underpinning-contract definitions
#[utoipa::path(get, path = "/api/v1/sla-definitions", tag = "service levels", responses((status = 200, body = Vec<Object>)), security(("bearer" = [])))]
pub(crate) async fn list_definitions(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<Definition>>, ApiError> {
    Ok(Json(ctx.app.sla_definitions(&actor).await?))
}

/// Add an SLA definition (admin)
#[utoipa::path(post, path = "/api/v1/sla-definitions", tag = "service levels",
    request_body(content = Object, description = "name, kind (sla|ola|underpinning), calendar, position, enabled, applies_when, targets {first_response_minutes, resolution_minutes, next_update_minutes}, start_when, pause_when, stop_when, reset_when, cancel_when (conditions: {field, negate, values}), warnings [50, 75, 90], breach_actions"),
    responses((status = 201, body = Object), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_definition(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(mut d): JsonBody<Definition>,
) -> Result<(StatusCode, Json<Definition>), ApiError> {
    d.id = 0;
    Ok((StatusCode::CREATED, Json(ctx.app.save_sla_definition(&Admin::from_actor(&actor)?, d).await?)))
}

/// Replace an SLA definition (admin); run a replay to recompute open clocks
#[utoipa::path(put, path = "/api/v1/sla-definitions/{id}", tag = "service levels", params(("id" = i64, Path)), request_body = Object,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn replace_definition(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    JsonBody(mut d): JsonBody<Definition>,
) -> Result<Json<Definition>, ApiError> {
    d.id = id;
    Ok(Json(ctx.app.save_sla_definition(&Admin::from_actor(&actor)?, d).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MarkBody {
    pub at: String,
    /// started, paused, resumed, stopped, reopened, reset, breached, cancelled
    pub mark: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClockBody {
    pub definition: String,
    /// sla, ola or underpinning
    pub kind: String,
    /// first_response, resolution or next_update
    pub target: String,
    /// not_started, running, paused, stopped or cancelled
    pub state: String,
    pub target_minutes: i64,
    pub elapsed_minutes: i64,
    /// Negative once breached.
    pub remaining_minutes: i64,
    pub paused_minutes: i64,
    pub percent: f64,
    pub breached: bool,
    /// When stopped: whether the target was met.
    pub met: Option<bool>,
    pub due_at: Option<String>,
    pub breached_at: Option<String>,
    pub timeline: Vec<MarkBody>,
}

/// A ticket's service-level clocks, with their timelines
#[utoipa::path(get, path = "/api/v1/tickets/{number}/slas", tag = "service levels", params(("number" = String, Path)),
    responses((status = 200, body = Vec<ClockBody>)), security(("bearer" = [])))]
pub(crate) async fn ticket_slas(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<Json<Vec<ClockBody>>, ApiError> {
    let list = ctx.app.ticket_slas(&actor, &number, true).await?;
    let min = |ms: i64| ms.div_euclid(60_000);
    Ok(Json(
        list.into_iter()
            .map(|v| {
                let c = v.clock;
                ClockBody {
                    definition: v.definition,
                    kind: v.kind,
                    target: c.target.as_str().into(),
                    state: c.state.as_str().into(),
                    target_minutes: min(c.goal_ms),
                    elapsed_minutes: min(c.elapsed_ms),
                    remaining_minutes: min(c.remaining_ms()),
                    paused_minutes: min(c.paused_ms),
                    percent: rounded(c.percent(), 1),
                    breached: c.breached(),
                    met: c.met(),
                    due_at: c.due_at.map(rfc3339),
                    breached_at: c.breached_at.map(rfc3339),
                    timeline: c.timeline.iter().map(|(at, m)| MarkBody { at: rfc3339(*at), mark: m.as_str().into() }).collect(),
                }
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ReplayParams {
    /// Store the recomputed clocks (default: only report).
    pub apply: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChangedBody {
    pub ticket: String,
    pub definition: String,
    pub target: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReplayBody {
    pub tickets: usize,
    pub clocks: usize,
    pub changed: Vec<ChangedBody>,
    pub millis: u64,
}

/// Recompute every clock from the journal under the current definitions (admin)
#[utoipa::path(post, path = "/api/v1/sla/replay", tag = "service levels", params(ReplayParams),
    responses((status = 200, body = ReplayBody)), security(("bearer" = [])))]
pub(crate) async fn replay(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ReplayParams>,
) -> Result<Json<ReplayBody>, ApiError> {
    Admin::from_actor(&actor)?;
    let r = ctx.app.replay_slas(actor.tenant_id, p.apply.unwrap_or(false)).await?;
    Ok(Json(ReplayBody {
        tickets: r.tickets,
        clocks: r.clocks,
        changed: r
            .changed
            .into_iter()
            .map(|(ticket, definition, target, before, after)| ChangedBody { ticket, definition, target, before, after })
            .collect(),
        millis: r.millis as u64,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
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

pub(super) fn instant(field: &'static str, raw: Option<&str>, default: i64) -> Result<i64, ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(default) };
    if let Ok(t) = raw.parse::<jiff::Timestamp>() {
        return Ok(t.as_millisecond());
    }
    raw.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_millisecond())
        .ok_or_else(|| cairn_app::AppError::invalid(field, format!("'{raw}' is not a date (2026-06-01) or an instant (RFC 3339)")).into())
}

pub(super) fn period(ctx: &Ctx, p: &ReportParams) -> Result<(i64, i64), ApiError> {
    let now = ctx.app.now();
    Ok((instant("from", p.from.as_deref(), now - 30 * 86_400_000)?, instant("to", p.to.as_deref(), now + 1)?))
}

/// One CSV line: fields quoted when they hold a comma, a quote or a line break.
fn csv_line(fields: &[String]) -> String {
    let quote = |f: &String| if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.clone() };
    fields.iter().map(quote).collect::<Vec<_>>().join(",") + "\r\n"
}

pub(super) fn csv(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Response {
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

pub(super) fn csv_wanted(format: Option<&str>) -> Result<bool, ApiError> {
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
fn rounded(x: f64, places: i32) -> f64 {
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
    ApiActor(actor): ApiActor,
    Query(p): Query<ReportParams>,
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
    ApiActor(actor): ApiActor,
    Query(p): Query<ReportParams>,
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
pub(crate) async fn csat(State(ctx): State<Ctx>, ApiActor(actor): ApiActor, Query(p): Query<ReportParams>) -> Result<Response, ApiError> {
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

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct XlaBody {
    pub id: i64,
    pub name: String,
    /// csat, effort or availability
    pub measure: String,
    pub service: Option<String>,
    pub group: Option<String>,
    /// availability: the calendar whose hours count.
    pub calendar: Option<String>,
    pub target: f64,
    pub window_days: i64,
    /// Answers (availability: outages) in the current window.
    pub responses: usize,
    pub current: Option<f64>,
    /// The window before.
    pub previous: Option<f64>,
    /// met, missed or no_data
    pub status: String,
    /// up, down, flat or new
    pub trend: String,
}

/// Experience-level agreements with their status and trend
#[utoipa::path(get, path = "/api/v1/xlas", tag = "service levels", responses((status = 200, body = Vec<XlaBody>)), security(("bearer" = [])))]
pub(crate) async fn list_xlas(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<XlaBody>>, ApiError> {
    let r2 = |v: Option<f64>| v.map(|x| rounded(x, 2));
    Ok(Json(
        ctx.app
            .xla_statuses(&actor)
            .await?
            .into_iter()
            .map(|s| XlaBody {
                id: s.xla.id,
                name: s.xla.name,
                measure: s.xla.measure,
                service: s.xla.service,
                group: s.xla.group,
                calendar: s.xla.calendar,
                target: s.xla.target,
                window_days: s.xla.window_days,
                responses: s.responses,
                current: r2(s.current),
                previous: r2(s.previous),
                status: s.status.into(),
                trend: s.trend.into(),
            })
            .collect(),
    ))
}

/// Add an experience-level agreement (admin)
#[utoipa::path(post, path = "/api/v1/xlas", tag = "service levels",
    request_body(content = Object, description = "name, measure (csat|effort|availability), service, group, calendar (availability), target (mean 1..5; availability: percent), window_days (default 30)"),
    responses((status = 201, body = Object), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_xla(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(x): JsonBody<cairn_domain::sla::xla::Xla>,
) -> Result<(StatusCode, Json<cairn_domain::sla::xla::Xla>), ApiError> {
    Ok((StatusCode::CREATED, Json(ctx.app.save_xla(&Admin::from_actor(&actor)?, x).await?)))
}
