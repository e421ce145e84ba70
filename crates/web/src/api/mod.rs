//! REST API under `/api/v1`, authenticated with `Authorization: Bearer <token>`.

mod admin;
mod approvals;
mod canned;
mod catalog;
mod dashboard;
mod dto;
mod experience;
mod incidents;
mod knowledge;
pub(crate) mod openapi;
mod problems;
mod requesters;
mod routing;
mod sla;
mod tickets;

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};
use cairn_domain::platform::access::Actor;

use crate::Ctx;
use crate::error::ApiError;

/// The actor behind the request's bearer token.
pub(crate) struct ApiActor(pub Actor);

impl FromRequestParts<Ctx> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::App(cairn_app::AppError::Unauthenticated))?;
        Ok(ApiActor(ctx.app.authenticate_token(token.trim()).await?))
    }
}

pub(crate) fn router() -> Router<Ctx> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/openapi.json", get(|| async { Json(openapi::document()) }))
        .merge(tickets::router())
        .merge(admin::router())
        .merge(routing::router())
        .merge(incidents::router())
        .merge(requesters::router())
        .merge(knowledge::router())
        .merge(catalog::router())
        .merge(approvals::router())
        .merge(problems::router())
        .merge(canned::router())
        .merge(sla::router())
        .merge(experience::router())
        .merge(dashboard::router())
}

async fn healthz(State(ctx): State<Ctx>) -> (StatusCode, &'static str) {
    match ctx.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
