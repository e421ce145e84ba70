//! The service catalog: items with their order forms (administrators describe them),
//! ordering (a request, REQ, with the requested item and its checked answers), and the
//! items a request holds.

use crate::routes::{Routes, get, post, put};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use cairn_app::platform::admin::Admin;
use cairn_app::request::catalog::{CatalogItem, ItemInput};
use cairn_domain::request::approval::Stage;
use cairn_domain::request::catalog::{Answers, Variable};
use cairn_domain::request::fulfilment::TaskTemplate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, TicketPath};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::ticket::api::with_etag;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/catalog/items", get(list).post(create))
        .route("/api/v1/catalog/items/{id}", put(replace))
        .route("/api/v1/catalog/items/{id}/order", post(order))
        .route("/api/v1/tickets/{number}/items", get(requested))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ItemBody {
    pub id: i64,
    pub category: String,
    pub name: String,
    pub description: String,
    pub icon: String,
    pub delivery_days: i64,
    /// The order form: `{name, label, kind, required, options, show_if: {variable, equals}}`;
    /// kinds: text, number, date, checkbox, choice, multi_choice, user, group.
    #[schema(value_type = Vec<Object>)]
    pub variables: Vec<Variable>,
    /// everyone or orgs
    pub audience: String,
    pub orgs: Vec<String>,
    pub active: bool,
    /// Approval stages in order: `{approver: manager|user|group, name, rule: any|all|quorum,
    /// quorum, timeout_hours, escalate_to}`.
    #[schema(value_type = Vec<Object>)]
    pub approvals: Vec<Stage>,
    /// Fulfilment tasks: `{title, group, step}`; tasks sharing a step run in parallel.
    #[schema(value_type = Vec<Object>)]
    pub tasks: Vec<TaskTemplate>,
}

impl From<CatalogItem> for ItemBody {
    fn from(c: CatalogItem) -> Self {
        let i = c.item;
        ItemBody {
            id: i.id.0,
            category: i.category,
            name: i.name,
            description: i.description,
            icon: i.icon,
            delivery_days: i.delivery_days,
            variables: c.variables,
            audience: i.audience.as_str().into(),
            orgs: i.orgs,
            active: i.active,
            approvals: c.approvals,
            tasks: c.tasks,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemRequest {
    pub category: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// An icon name of the portal's set (default "box").
    #[serde(default)]
    pub icon: String,
    #[serde(default)]
    pub delivery_days: i64,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub variables: Vec<Variable>,
    /// everyone (default) or orgs
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub orgs: Vec<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub approvals: Vec<Stage>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub tasks: Vec<TaskTemplate>,
}

fn yes() -> bool {
    true
}

impl From<ItemRequest> for ItemInput {
    fn from(r: ItemRequest) -> Self {
        ItemInput {
            category: r.category,
            name: r.name,
            description: r.description,
            icon: r.icon,
            delivery_days: r.delivery_days,
            variables: r.variables,
            audience: r.audience,
            orgs: r.orgs,
            active: r.active,
            approvals: r.approvals,
            tasks: r.tasks,
        }
    }
}

/// What you may order (administrators: every item)
#[utoipa::path(get, path = "/api/v1/catalog/items", tag = "catalog", responses((status = 200, body = Vec<ItemBody>)), security(("bearer" = [])))]
pub(crate) async fn list(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<ItemBody>>, ApiError> {
    Ok(Json(ctx.app.catalog(&actor).await?.into_iter().map(ItemBody::from).collect()))
}

/// Add a catalog item with its order form (administrators)
#[utoipa::path(post, path = "/api/v1/catalog/items", tag = "catalog", request_body = ItemRequest,
    responses((status = 201, body = ItemBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<ItemRequest>,
) -> Result<(StatusCode, Json<ItemBody>), ApiError> {
    let item = ctx.app.save_catalog_item(&Admin::from_actor(&actor)?, None, req.into()).await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

/// Replace a catalog item (administrators)
#[utoipa::path(put, path = "/api/v1/catalog/items/{id}", tag = "catalog", request_body = ItemRequest, params(("id" = i64, Path)),
    responses((status = 200, body = ItemBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn replace(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
    JsonBody(req): JsonBody<ItemRequest>,
) -> Result<Json<ItemBody>, ApiError> {
    Ok(Json(ctx.app.save_catalog_item(&Admin::from_actor(&actor)?, Some(cairn_domain::ids::CatalogItemId(id)), req.into()).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrderRequest {
    /// 1..100, default 1.
    #[serde(default = "one")]
    pub quantity: i64,
    /// The form's answers by variable name (multi-choice comma-separated, checkbox "yes").
    #[serde(default)]
    #[schema(value_type = Object)]
    pub answers: Answers,
}

fn one() -> i64 {
    1
}

/// Order an item: a request (REQ) with the requested item; the answers are checked against the form
#[utoipa::path(post, path = "/api/v1/catalog/items/{id}/order", tag = "catalog", request_body = OrderRequest, params(("id" = i64, Path)),
    responses((status = 201, body = crate::ticket::dto::TicketBody), (status = 404, body = ErrorBody, description = "Not an item you may order"),
        (status = 422, body = ErrorBody, description = "An answer breaks the form's rules")),
    security(("bearer" = [])))]
pub(crate) async fn order(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
    JsonBody(req): JsonBody<OrderRequest>,
) -> Result<Response, ApiError> {
    let created = ctx.app.order(&actor, cairn_domain::ids::CatalogItemId(id), req.quantity, &req.answers).await?;
    Ok(with_etag(StatusCode::CREATED, created.view.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RequestedBody {
    pub item_id: i64,
    pub item: String,
    pub quantity: i64,
    #[schema(value_type = Object)]
    pub answers: Answers,
}

/// The catalog items a request holds, with their answers
#[utoipa::path(get, path = "/api/v1/tickets/{number}/items", tag = "catalog", params(("number" = String, Path)),
    responses((status = 200, body = Vec<RequestedBody>)), security(("bearer" = [])))]
pub(crate) async fn requested(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    TicketPath(number): TicketPath,
) -> Result<Json<Vec<RequestedBody>>, ApiError> {
    let list = ctx.app.requested_items(&actor, &number).await?;
    Ok(Json(
        list.into_iter().map(|(r, answers)| RequestedBody { item_id: r.item_id.0, item: r.item, quantity: r.quantity, answers }).collect(),
    ))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, replace, order, requested))]
pub(crate) struct ApiDoc;
