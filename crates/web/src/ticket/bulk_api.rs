//! `POST /api/v1/tickets/bulk`: one change for many tickets, each changed on its own;
//! the answer tells each ticket's outcome.

use axum::Json;
use axum::extract::State;
use cairn_app::ticket::{BulkChange, BulkOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::routes::{Routes, post};
use crate::ticket::dto::TicketBody;

pub(crate) fn router() -> Routes {
    Routes::new().route("/api/v1/tickets/bulk", post(bulk_update))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulkRequest {
    /// The tickets' numbers (1 to 100), each changed once.
    pub numbers: Vec<String>,
    /// A username; null unassigns.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
    /// A group's name; null clears it.
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub group: Option<Option<String>>,
    /// 1 (high) to 3 (low).
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub status: Option<String>,
    /// Needed when `status` is resolved.
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    /// Added to each ticket's tags; kept once.
    pub add_tag: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BulkResult {
    pub number: String,
    /// Whether the change was made.
    pub ok: bool,
    /// The ticket as changed.
    pub ticket: Option<TicketBody>,
    /// Why it was not.
    pub error: Option<ErrorBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BulkBody {
    /// How many tickets were changed and how many refused.
    pub changed: usize,
    pub refused: usize,
    /// One per ticket, in the order asked.
    pub results: Vec<BulkResult>,
}

fn result(o: BulkOutcome) -> BulkResult {
    match o.result {
        Ok(v) => BulkResult { number: o.number, ok: true, ticket: Some(v.into()), error: None },
        Err(e) => BulkResult { number: o.number, ok: false, ticket: None, error: Some(ApiError::App(e).parts().1) },
    }
}

/// Change many tickets at once: each is changed in its own transaction, so one that
/// refuses (a rule, a stale copy, not found) names its reason and the rest are changed.
/// The request as a whole is refused (422) only when it names no ticket, more than 100,
/// or nothing to change.
#[utoipa::path(post, path = "/api/v1/tickets/bulk", tag = "tickets", request_body = BulkRequest,
    responses((status = 200, body = BulkBody), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn bulk_update(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(r): JsonBody<BulkRequest>,
) -> Result<Json<BulkBody>, ApiError> {
    let change = BulkChange {
        assignee: r.assignee,
        group: r.group,
        impact: r.impact,
        urgency: r.urgency,
        status: r.status,
        resolution_code: r.resolution_code,
        resolution_notes: r.resolution_notes,
        add_tag: r.add_tag,
    };
    let results: Vec<BulkResult> = ctx.app.bulk_update(&actor, &r.numbers, change).await?.into_iter().map(result).collect();
    let changed = results.iter().filter(|r| r.ok).count();
    Ok(Json(BulkBody { changed, refused: results.len() - changed, results }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(bulk_update))]
pub(crate) struct ApiDoc;
