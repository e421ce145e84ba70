//! The operational dashboard's figures as JSON.

use crate::routes::{Routes, get};
use axum::Json;
use axum::extract::State;
use cairn_app::report::dashboard::DashboardQuery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::platform::session::ApiActor;
use crate::time::{instant, rfc3339};

pub(crate) fn router() -> Routes {
    Routes::new().route("/api/v1/reports/dashboard", get(dashboard))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DashboardParams {
    /// From this day (2026-06-01, UTC) or instant; default 30 days before `to`.
    pub from: Option<String>,
    /// Up to this day or instant, excluded; default now.
    pub to: Option<String>,
    pub group: Option<String>,
    pub service: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DayBody {
    pub day: String,
    pub raised: i64,
    pub resolved: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DashboardBody {
    /// [priority, open incidents] for P1 to P5.
    pub backlog_by_priority: Vec<(u8, i64)>,
    /// [group, open incidents], largest first.
    pub backlog_by_group: Vec<(String, i64)>,
    pub days: Vec<DayBody>,
    pub resolved: i64,
    pub mttr_hours: Option<f64>,
    pub reopen_rate: Option<f64>,
    pub first_contact_resolution: Option<f64>,
    pub sla_compliance: Option<f64>,
    pub sla_breaches: usize,
    pub csat: Option<f64>,
    pub csat_responses: usize,
}

/// The operational dashboard: backlog, raised and resolved per day, MTTR, reopen rate,
/// first-contact resolution, SLA compliance and breaches, CSAT (incidents)
#[utoipa::path(get, path = "/api/v1/reports/dashboard", tag = "reports", params(DashboardParams),
    responses((status = 200, body = DashboardBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn dashboard(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<DashboardParams>,
) -> Result<Json<DashboardBody>, ApiError> {
    let to = instant("to", p.to.as_deref(), ctx.app.now() + 1)?;
    let from = instant("from", p.from.as_deref(), to - 30 * 86_400_000)?;
    let d = ctx.app.dashboard(&actor, DashboardQuery { from, to, group: p.group, service: p.service }).await?;
    let r1 = |v: Option<f64>| v.map(|x| (x * 10.0).round() / 10.0);
    Ok(Json(DashboardBody {
        backlog_by_priority: d.by_priority,
        backlog_by_group: d.by_group,
        days: d.days.into_iter().map(|(at, raised, resolved)| DayBody { day: rfc3339(at)[..10].to_string(), raised, resolved }).collect(),
        resolved: d.resolved,
        mttr_hours: r1(d.mttr_hours),
        reopen_rate: r1(d.reopen_rate),
        first_contact_resolution: r1(d.first_contact),
        sla_compliance: r1(d.sla_compliance),
        sla_breaches: d.sla_breaches,
        csat: r1(d.csat),
        csat_responses: d.csat_responses,
    }))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(dashboard))]
pub(crate) struct ApiDoc;
