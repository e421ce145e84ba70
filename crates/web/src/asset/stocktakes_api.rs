//! Stocktakes through the API: start one for a location, scan tags into it (plain text
//! one per line as a barcode reader types them, CSV, or JSON), read the result, close it.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use cairn_app::asset::stocktakes::StocktakeView;
use cairn_domain::ids::StocktakeId;
use cairn_store::asset::stocktakes::{LineRow, Stocktake};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiPath;
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::routes::{Routes, get, post};
use crate::time::rfc3339;

/// The largest scan upload, in bytes.
const SCAN_BYTES_MAX: usize = 8 * 1024 * 1024;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/stocktakes", get(list_stocktakes).post(start_stocktake))
        .route("/api/v1/stocktakes/{id}", get(get_stocktake))
        .route("/api/v1/stocktakes/{id}/scans", post(scan).body_limit(SCAN_BYTES_MAX))
        .route("/api/v1/stocktakes/{id}/close", post(close))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StocktakeBody {
    pub id: i64,
    /// The location CI's number.
    pub location: String,
    pub location_name: String,
    /// open or closed.
    pub state: String,
    pub started_by: Option<String>,
    pub started_at: String,
    pub closed_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LineBody {
    pub tag: String,
    /// Where the asset is recorded now (a location CI's number).
    pub recorded_at: Option<String>,
    pub state: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StocktakeResult {
    #[serde(flatten)]
    pub stocktake: StocktakeBody,
    /// Expected and scanned.
    pub found: Vec<LineBody>,
    /// Expected, not scanned.
    pub missing: Vec<LineBody>,
    /// Scanned here but recorded elsewhere: close with them in `move` to record them here.
    pub unexpected: Vec<LineBody>,
    /// Scanned, but no asset has the tag.
    pub unknown: Vec<LineBody>,
}

pub(crate) fn stocktake(s: Stocktake) -> StocktakeBody {
    StocktakeBody {
        id: s.id.0,
        location: s.location_name.0,
        location_name: s.location_name.1,
        state: s.state.as_str().into(),
        started_by: s.started_by,
        started_at: rfc3339(s.started_at),
        closed_at: s.closed_at.map(rfc3339),
    }
}

fn lines(v: Vec<LineRow>) -> Vec<LineBody> {
    v.into_iter().map(|l| LineBody { tag: l.tag, recorded_at: l.recorded_at, state: l.state }).collect()
}

fn result(v: StocktakeView) -> StocktakeResult {
    StocktakeResult {
        stocktake: stocktake(v.stocktake),
        found: lines(v.found),
        missing: lines(v.missing),
        unexpected: lines(v.unexpected),
        unknown: lines(v.unknown),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartRequest {
    /// The location CI's number.
    pub location: String,
}

/// Start a stocktake of a location: the assets recorded there are frozen as the expected list
#[utoipa::path(post, path = "/api/v1/stocktakes", tag = "assets", request_body = StartRequest,
    responses((status = 201, body = StocktakeResult), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn start_stocktake(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<StartRequest>,
) -> Result<(StatusCode, Json<StocktakeResult>), ApiError> {
    Ok((StatusCode::CREATED, Json(result(ctx.app.start_stocktake(&actor, &b.location).await?))))
}

/// Stocktakes, newest first
#[utoipa::path(get, path = "/api/v1/stocktakes", tag = "assets", responses((status = 200, body = Vec<StocktakeBody>)), security(("bearer" = [])))]
pub(crate) async fn list_stocktakes(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<StocktakeBody>>, ApiError> {
    Ok(Json(ctx.app.list_stocktakes(&actor).await?.into_iter().map(stocktake).collect()))
}

/// A stocktake's result: found, missing, unexpected and unknown tags
#[utoipa::path(get, path = "/api/v1/stocktakes/{id}", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = StocktakeResult), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn get_stocktake(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<StocktakeId>,
) -> Result<Json<StocktakeResult>, ApiError> {
    Ok(Json(result(ctx.app.stocktake(&actor, id).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScanRequest {
    pub tags: Vec<String>,
}

/// Scan tags into an open stocktake: `text/plain` one tag per line (a handheld reader typing), `text/csv` with a `tag` column, or JSON `{"tags": [...]}`
#[utoipa::path(post, path = "/api/v1/stocktakes/{id}/scans", tag = "assets", params(("id" = i64, Path)), request_body = ScanRequest,
    responses((status = 200, body = StocktakeResult), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn scan(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<StocktakeId>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<StocktakeResult>, ApiError> {
    let bytes = axum::body::to_bytes(body, SCAN_BYTES_MAX).await.map_err(|_| ApiError::TooLarge("a scan may be 8 MB at most".into()))?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let text = if ct.starts_with("application/json") {
        let r: ScanRequest = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::BadRequest { field: None, message: format!("not {{\"tags\": [...]}}: {e}") })?;
        r.tags.join("\n")
    } else {
        String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::BadRequest { field: None, message: "the scan is not UTF-8 text".into() })?
    };
    Ok(Json(result(ctx.app.scan_stocktake(&actor, id, &text).await?)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloseRequest {
    /// Unexpected tags to record at this location.
    #[serde(default, rename = "move")]
    pub moves: Vec<String>,
    /// Missing tags to mark lost.
    #[serde(default)]
    pub lost: Vec<String>,
}

/// Close a stocktake, applying the moves and losses chosen
#[utoipa::path(post, path = "/api/v1/stocktakes/{id}/close", tag = "assets", params(("id" = i64, Path)), request_body = CloseRequest,
    responses((status = 200, body = StocktakeResult), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn close(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<StocktakeId>,
    JsonBody(b): JsonBody<CloseRequest>,
) -> Result<Json<StocktakeResult>, ApiError> {
    Ok(Json(result(ctx.app.close_stocktake(&actor, id, b.moves, b.lost).await?)))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(start_stocktake, list_stocktakes, get_stocktake, scan, close))]
pub(crate) struct ApiDoc;
