//! One search for everything through the API: tickets (with their kind, status and
//! group facets) and knowledge articles; mistyped words are corrected when nothing
//! matches them.

use crate::routes::{Routes, get};
use axum::Json;
use axum::extract::State;
use cairn_app::search::SearchRequest;
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
    /// Only tickets of this kind (`incident`, `problem`, `request`, `task`).
    pub kind: Option<String>,
    /// Only tickets in this status.
    pub status: Option<String>,
    /// Only tickets of this group (its name).
    pub group: Option<String>,
}

/// One value of a facet and how many matching tickets have it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FacetCount {
    pub value: String,
    pub count: i64,
}

/// The matching tickets counted by kind, status and group (groups for agents only).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FacetsBody {
    pub kind: Vec<FacetCount>,
    pub status: Vec<FacetCount>,
    pub group: Vec<FacetCount>,
    /// More tickets match than were counted: the counts are of the newest 1,000.
    pub capped: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EverythingBody {
    /// Newest first.
    pub tickets: Vec<crate::ticket::dto::TicketBody>,
    /// Whether more tickets match than were returned.
    pub more_tickets: bool,
    /// Best match first.
    pub articles: Vec<ArticleBody>,
    pub facets: FacetsBody,
    /// The words searched instead, when those given found nothing and these do.
    pub corrected: Option<String>,
}

/// Tickets and knowledge articles you may see that match the words
#[utoipa::path(get, path = "/api/v1/search", tag = "knowledge", params(EverythingParams),
    responses((status = 200, body = EverythingBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn search_everything(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<EverythingParams>,
) -> Result<Json<EverythingBody>, ApiError> {
    let req = SearchRequest { q: p.q, kind: p.kind, status: p.status, group: p.group, limit: p.limit.unwrap_or(10) };
    let found = ctx.app.search_everything(&actor, req).await?;
    let counts = |v: Vec<(String, i64)>| v.into_iter().map(|(value, count)| FacetCount { value, count }).collect();
    let f = found.facets;
    let facets = FacetsBody {
        kind: counts(f.kinds.into_iter().map(|(k, n)| (k.as_str().to_string(), n)).collect()),
        status: counts(f.statuses.into_iter().map(|(s, n)| (s.as_str().to_string(), n)).collect()),
        group: counts(f.groups),
        capped: f.capped,
    };
    Ok(Json(EverythingBody {
        more_tickets: found.tickets.next_cursor.is_some(),
        tickets: found.tickets.items.into_iter().map(Into::into).collect(),
        articles: found.articles.into_iter().map(ArticleBody::from).collect(),
        facets,
        corrected: found.corrected,
    }))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(search_everything))]
pub(crate) struct ApiDoc;
