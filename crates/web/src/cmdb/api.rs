//! The CMDB through the API: classes, CIs, relations, a CI's history and its impact.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::platform::admin::Admin;
use cairn_domain::cmdb::impact::Direction;
use cairn_domain::ids::RelationId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::*;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::routes::{Routes, delete, get, post};
use crate::time::rfc3339;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/ci-classes", get(list_classes).post(create_class))
        .route("/api/v1/ci-classes/{code}/attributes", post(add_attribute))
        .route("/api/v1/relation-types", get(list_relation_types))
        .route("/api/v1/cis", post(create_ci).get(list_cis))
        .route("/api/v1/cis/{number}", get(get_ci).patch(update_ci))
        .route("/api/v1/cis/{number}/relations", get(ci_relations))
        .route("/api/v1/cis/{number}/history", get(ci_history))
        .route("/api/v1/cis/{number}/impact", get(ci_impact))
        .route("/api/v1/relations", post(create_relation))
        .route("/api/v1/relations/{id}", delete(delete_relation))
}

/// The class tree, each class with the attributes it has (inherited ones first)
#[utoipa::path(get, path = "/api/v1/ci-classes", tag = "cmdb", responses((status = 200, body = Vec<ClassBody>)), security(("bearer" = [])))]
pub(crate) async fn list_classes(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<ClassBody>>, ApiError> {
    Ok(Json(classes(&ctx.app.ci_classes(&actor).await?)))
}

/// Add a class (administrators)
#[utoipa::path(post, path = "/api/v1/ci-classes", tag = "cmdb", request_body = NewClassRequest,
    responses((status = 201, body = ClassBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_class(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<NewClassRequest>,
) -> Result<(StatusCode, Json<ClassBody>), ApiError> {
    let admin = Admin::from_actor(&actor)?;
    let code = b.code.clone();
    let new = cairn_app::cmdb::classes::NewClass {
        code: b.code,
        label: b.label,
        parent: b.parent,
        attributes: b.attributes.into_iter().map(Into::into).collect(),
    };
    let tree = ctx.app.create_ci_class(&admin, new).await?;
    Ok((StatusCode::CREATED, Json(one_class(&tree, &code)?)))
}

fn one_class(tree: &cairn_domain::cmdb::class::ClassTree, code: &str) -> Result<ClassBody, ApiError> {
    classes(tree)
        .into_iter()
        .find(|k| k.code == code)
        .ok_or_else(|| ApiError::App(cairn_app::AppError::NotFound(format!("class '{code}'"))))
}

/// Add an attribute to a class; its subclasses inherit it (administrators)
#[utoipa::path(post, path = "/api/v1/ci-classes/{code}/attributes", tag = "cmdb", params(("code" = String, Path)),
    request_body = NewAttributeRequest,
    responses((status = 201, body = ClassBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn add_attribute(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(code): ApiPath<String>,
    JsonBody(b): JsonBody<NewAttributeRequest>,
) -> Result<(StatusCode, Json<ClassBody>), ApiError> {
    let admin = Admin::from_actor(&actor)?;
    let tree = ctx.app.add_ci_attribute(&admin, &code, b.into()).await?;
    Ok((StatusCode::CREATED, Json(one_class(&tree, &code)?)))
}

/// The relation-type catalogue
#[utoipa::path(get, path = "/api/v1/relation-types", tag = "cmdb", responses((status = 200, body = Vec<RelationTypeBody>)), security(("bearer" = [])))]
pub(crate) async fn list_relation_types(ApiActor(actor): ApiActor) -> Result<Json<Vec<RelationTypeBody>>, ApiError> {
    if !actor.role.is_staff() {
        return Err(cairn_app::AppError::Forbidden("agents only".into()).into());
    }
    Ok(Json(relation_types()))
}

/// Create a CI
#[utoipa::path(post, path = "/api/v1/cis", tag = "cmdb", request_body = CiRequest,
    responses((status = 201, body = CiBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_ci(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<CiRequest>,
) -> Result<(StatusCode, Json<CiBody>), ApiError> {
    Ok((StatusCode::CREATED, Json(ctx.app.create_ci(&actor, b.into()).await?.into())))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CiListParams {
    /// A class code; its subclasses' CIs are included.
    pub class: Option<String>,
    /// Text in the name, or a CI number.
    pub q: Option<String>,
    pub status: Option<String>,
    /// 1..200, default 50
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List and search CIs (keyset pagination)
#[utoipa::path(get, path = "/api/v1/cis", tag = "cmdb", params(CiListParams),
    responses((status = 200, body = CiPage), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn list_cis(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<CiListParams>,
) -> Result<Json<CiPage>, ApiError> {
    let after = match p.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(c.parse::<i64>().map_err(|_| cairn_app::AppError::invalid("cursor", "not a cursor of this list"))?),
        None => None,
    };
    let q = cairn_app::cmdb::cis::ListCis { class: p.class, q: p.q, status: p.status, after, limit: p.limit };
    let (rows, next) = ctx.app.list_cis(&actor, q).await?;
    Ok(Json(CiPage { items: rows.into_iter().map(Into::into).collect(), next_cursor: next.map(|id| id.0.to_string()) }))
}

/// Read a CI
#[utoipa::path(get, path = "/api/v1/cis/{number}", tag = "cmdb", params(("number" = String, Path)),
    responses((status = 200, body = CiBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn get_ci(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<CiBody>, ApiError> {
    Ok(Json(ctx.app.get_ci(&actor, &number).await?.into()))
}

/// Change a CI
#[utoipa::path(patch, path = "/api/v1/cis/{number}", tag = "cmdb", params(("number" = String, Path)), request_body = CiRequest,
    responses((status = 200, body = CiBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn update_ci(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
    JsonBody(b): JsonBody<CiRequest>,
) -> Result<Json<CiBody>, ApiError> {
    Ok(Json(ctx.app.update_ci(&actor, &number, b.into()).await?.into()))
}

/// A CI's relations, both ways, each labelled as read from this CI
#[utoipa::path(get, path = "/api/v1/cis/{number}/relations", tag = "cmdb", params(("number" = String, Path)),
    responses((status = 200, body = Vec<RelationBody>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn ci_relations(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Vec<RelationBody>>, ApiError> {
    // Labels are read from the CI's canonical number; one that does not parse is a 404 below.
    let own = cairn_domain::cmdb::CiNumber::parse(&number).map_or(number, |n| n.to_string());
    Ok(Json(ctx.app.ci_relations(&actor, &own).await?.into_iter().map(|r| relation(r, Some(&own))).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CiEventBody {
    pub seq: i64,
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A CI's history from the journal, oldest first
#[utoipa::path(get, path = "/api/v1/cis/{number}/history", tag = "cmdb", params(("number" = String, Path)),
    responses((status = 200, body = Vec<CiEventBody>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn ci_history(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Vec<CiEventBody>>, ApiError> {
    let events = ctx.app.ci_history(&actor, &number).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|r| CiEventBody {
                seq: r.event.seq,
                at: rfc3339(r.event.at),
                actor: r.actor_name,
                action: r.event.action,
                field: r.event.field,
                old: r.event.old,
                new: r.event.new,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImpactParams {
    /// up (default): what is affected when this CI fails; down: what it needs.
    pub direction: Option<String>,
    /// How many relations away, 1..50 (default 10).
    pub depth: Option<u32>,
}

/// Impact analysis: every CI reached, with its depth and a path, and the services, rooms, organisations and open tickets among them
#[utoipa::path(get, path = "/api/v1/cis/{number}/impact", tag = "cmdb", params(("number" = String, Path), ImpactParams),
    responses((status = 200, body = ImpactBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn ci_impact(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(number): ApiPath<String>,
    ApiQuery(p): ApiQuery<ImpactParams>,
) -> Result<Json<ImpactBody>, ApiError> {
    let direction = match p.direction.as_deref() {
        None | Some("") => Direction::Up,
        Some(d) => Direction::parse(d).ok_or_else(|| cairn_app::AppError::invalid("direction", format!("'{d}' is not up or down")))?,
    };
    Ok(Json(ctx.app.ci_impact(&actor, &number, direction, p.depth.unwrap_or(10)).await?.into()))
}

/// Relate two CIs
#[utoipa::path(post, path = "/api/v1/relations", tag = "cmdb", request_body = RelationRequest,
    responses((status = 201, body = RelationBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_relation(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<RelationRequest>,
) -> Result<(StatusCode, Json<RelationBody>), ApiError> {
    let r = ctx.app.create_relation(&actor, &b.from, &b.rel, &b.to).await?;
    Ok((StatusCode::CREATED, Json(relation(r, None))))
}

/// Remove a relation
#[utoipa::path(delete, path = "/api/v1/relations/{id}", tag = "cmdb", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn delete_relation(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<RelationId>,
) -> Result<StatusCode, ApiError> {
    ctx.app.delete_relation(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_classes,
    create_class,
    add_attribute,
    list_relation_types,
    create_ci,
    list_cis,
    get_ci,
    update_ci,
    ci_relations,
    ci_history,
    ci_impact,
    create_relation,
    delete_relation
))]
pub(crate) struct ApiDoc;
