//! Service levels: business calendars, SLA definitions, a ticket's clocks, replay, and
//! experience-level agreements.

use crate::routes::{Routes, get, post, put};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::platform::admin::Admin;
use cairn_domain::sla::{CalendarSpec, Definition};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::report_api::rounded;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, TicketPath};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::time::rfc3339;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/calendars", get(list_calendars))
        .route("/api/v1/calendars/{name}", put(put_calendar))
        .route("/api/v1/sla-definitions", get(list_definitions).post(create_definition))
        .route("/api/v1/sla-definitions/{id}", put(replace_definition))
        .route("/api/v1/tickets/{number}/slas", get(ticket_slas))
        .route("/api/v1/sla/replay", post(replay))
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
    ApiPath(name): ApiPath<String>,
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
    d.id = cairn_domain::ids::DefinitionId(0);
    Ok((StatusCode::CREATED, Json(ctx.app.save_sla_definition(&Admin::from_actor(&actor)?, d).await?)))
}

/// Replace an SLA definition (admin); run a replay to recompute open clocks
#[utoipa::path(put, path = "/api/v1/sla-definitions/{id}", tag = "service levels", params(("id" = i64, Path)), request_body = Object,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn replace_definition(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
    JsonBody(mut d): JsonBody<Definition>,
) -> Result<Json<Definition>, ApiError> {
    d.id = cairn_domain::ids::DefinitionId(id);
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
    TicketPath(number): TicketPath,
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
#[into_params(parameter_in = Query)]
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
    ApiQuery(p): ApiQuery<ReplayParams>,
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
                id: s.xla.id.0,
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

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_calendars,
    put_calendar,
    list_definitions,
    create_definition,
    replace_definition,
    ticket_slas,
    replay,
    list_xlas,
    create_xla
))]
pub(crate) struct ApiDoc;
