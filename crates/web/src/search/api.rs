//! One search for everything through the API: tickets and knowledge articles.

use crate::routes::{Routes, get};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::knowledge::api::ArticleBody;
use crate::platform::session::ApiActor;

pub(crate) fn router() -> Routes {
    Routes::new().route("/api/v1/search", get(search_everything))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct EverythingParams {
    /// Words to look for.
    pub q: String,
    /// Of each kind, 1..100 (default 10).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EverythingBody {
    /// Newest first.
    pub tickets: Vec<crate::ticket::dto::TicketBody>,
    /// Whether more tickets match than were returned.
    pub more_tickets: bool,
    /// Best match first.
    pub articles: Vec<ArticleBody>,
}

/// Tickets and knowledge articles you may see that match the words
#[utoipa::path(get, path = "/api/v1/search", tag = "knowledge", params(EverythingParams),
    responses((status = 200, body = EverythingBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn search_everything(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<EverythingParams>,
) -> Result<Json<EverythingBody>, ApiError> {
    let (tickets, articles) = ctx.app.search_everything(&actor, &p.q, p.limit.unwrap_or(10)).await?;
    Ok(Json(EverythingBody {
        more_tickets: tickets.next_cursor.is_some(),
        tickets: tickets.items.into_iter().map(Into::into).collect(),
        articles: articles.into_iter().map(ArticleBody::from).collect(),
    }))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(search_everything))]
pub(crate) struct ApiDoc;
