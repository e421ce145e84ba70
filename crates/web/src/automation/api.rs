//! Routing rules and automatic assignment per group.

use crate::routes::{Routes, get, patch, post, put};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::automation::routing::{RuleInput, Sample};
use cairn_domain::automation::routing::{Actions, Conditions, Rule};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiPath;
use crate::json::JsonBody;
use crate::platform::session::ApiActor;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/routing-rules", get(list_rules).post(create_rule))
        .route("/api/v1/routing-rules/test", post(test_rules))
        .route("/api/v1/routing-rules/{id}", put(replace_rule).delete(delete_rule))
        .route("/api/v1/groups/{name}", patch(update_group))
}

/// `when`: `category` (also matches its subcategories, `Network` → `Network/VPN`),
/// `service`, `organisation` (the requester's), `keywords` (any of, whole words or
/// phrases in title or description), `priorities` (any of 1..5); all given must hold.
/// `then`: `group`, `assignee` (both fill only what the ticket lacks), `priority`, `tags`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleRequest {
    pub name: String,
    /// Lower runs first; omitted puts the rule last.
    pub position: Option<i64>,
    pub enabled: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub when: Conditions,
    #[schema(value_type = Object)]
    pub then: Actions,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RuleBody {
    pub id: i64,
    pub name: String,
    pub position: i64,
    pub enabled: bool,
    #[schema(value_type = Object)]
    pub when: Conditions,
    #[schema(value_type = Object)]
    pub then: Actions,
}

impl From<Rule> for RuleBody {
    fn from(r: Rule) -> Self {
        RuleBody { id: r.id.0, name: r.name, position: r.position, enabled: r.enabled, when: r.when, then: r.then }
    }
}

impl From<RuleRequest> for RuleInput {
    fn from(r: RuleRequest) -> Self {
        RuleInput { name: r.name, position: r.position, enabled: r.enabled, when: r.when, then: r.then }
    }
}

/// A ticket to try the rules on; nothing is stored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SampleRequest {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub category: Option<String>,
    pub service: Option<String>,
    /// Username, for organisation conditions.
    pub requester: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
}

/// What would happen: the rule that fires (if any) and the resulting assignment.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RoutingOutcome {
    pub rule: Option<String>,
    pub group: Option<String>,
    pub assignee: Option<String>,
    /// `round_robin` or `least_loaded` when the assignee comes from the group's mode.
    pub assigned_by: Option<String>,
    pub priority: Option<u8>,
    pub tags: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupUpdate {
    /// `none`, `round_robin` or `least_loaded`.
    pub assignment: Option<String>,
    /// The agent hierarchical escalations notify; "" removes the manager.
    pub manager: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GroupBody {
    pub name: String,
    pub assignment: String,
    pub manager: Option<String>,
}

/// Routing rules in the order they are tried
#[utoipa::path(get, path = "/api/v1/routing-rules", tag = "routing", responses((status = 200, body = Vec<RuleBody>)), security(("bearer" = [])))]
pub(crate) async fn list_rules(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<RuleBody>>, ApiError> {
    Ok(Json(ctx.app.routing_rules(&actor).await?.into_iter().map(Into::into).collect()))
}

/// Add a routing rule (admin)
#[utoipa::path(post, path = "/api/v1/routing-rules", tag = "routing", request_body = RuleRequest,
    responses((status = 201, body = RuleBody), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn create_rule(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<RuleRequest>,
) -> Result<(StatusCode, Json<RuleBody>), ApiError> {
    Ok((StatusCode::CREATED, Json(ctx.app.save_routing_rule(&actor, None, req.into()).await?.into())))
}

/// Replace a routing rule (admin)
#[utoipa::path(put, path = "/api/v1/routing-rules/{id}", tag = "routing", request_body = RuleRequest, params(("id" = i64, Path)),
    responses((status = 200, body = RuleBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn replace_rule(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
    JsonBody(req): JsonBody<RuleRequest>,
) -> Result<Json<RuleBody>, ApiError> {
    Ok(Json(ctx.app.save_routing_rule(&actor, Some(cairn_domain::ids::RuleId(id)), req.into()).await?.into()))
}

/// Remove a routing rule (admin)
#[utoipa::path(delete, path = "/api/v1/routing-rules/{id}", tag = "routing", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn delete_rule(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    ctx.app.delete_routing_rule(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Try the rules on a sample ticket
#[utoipa::path(post, path = "/api/v1/routing-rules/test", tag = "routing", request_body = SampleRequest,
    responses((status = 200, body = RoutingOutcome), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn test_rules(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<SampleRequest>,
) -> Result<Json<RoutingOutcome>, ApiError> {
    let sample = Sample {
        title: req.title,
        description: req.description,
        category: req.category,
        service: req.service,
        requester: req.requester,
        impact: req.impact,
        urgency: req.urgency,
    };
    let r = ctx.app.try_routing(&actor, sample).await?;
    Ok(Json(RoutingOutcome {
        rule: r.rule.map(|r| r.name),
        group: r.group.map(|g| g.name),
        assignee: r.assignee.map(|u| u.username),
        assigned_by: r.auto.map(|a| a.as_str().to_string()),
        priority: r.priority.map(|p| p.get()),
        tags: r.tags,
    }))
}

/// Change a group's automatic assignment or manager (admin)
#[utoipa::path(patch, path = "/api/v1/groups/{name}", tag = "routing", request_body = GroupUpdate, params(("name" = String, Path)),
    responses((status = 200, body = GroupBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn update_group(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(name): ApiPath<String>,
    JsonBody(req): JsonBody<GroupUpdate>,
) -> Result<Json<GroupBody>, ApiError> {
    let (g, manager) = ctx.app.update_group(&actor, &name, req.assignment.as_deref(), req.manager.as_deref()).await?;
    Ok(Json(GroupBody { name: g.name, assignment: g.assignment.as_str().into(), manager }))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_rules, create_rule, replace_rule, delete_rule, test_rules, update_group))]
pub(crate) struct ApiDoc;
