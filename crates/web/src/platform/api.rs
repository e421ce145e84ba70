//! People and tenant settings through the API: the signed-in user, users, groups, categories, organisations, the priority matrix and auto-close.

use crate::routes::{Routes, get, post, put};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::platform::admin::{Admin, CreateUser};
use cairn_domain::ticket::priority::PriorityMatrix;

use super::dto::*;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiPath;
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use serde::Deserialize;
use utoipa::ToSchema;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/me", get(get_me))
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/users/{username}/disable", post(disable_user))
        .route("/api/v1/users/{username}/enable", post(enable_user))
        .route("/api/v1/users/{username}/manager", put(set_manager))
        .route("/api/v1/groups", get(list_groups).post(create_group))
        .route("/api/v1/groups/{name}/members", post(add_member))
        .route("/api/v1/categories", get(list_categories).post(create_category))
        .route("/api/v1/organisations", get(list_organisations).post(create_organisation))
        .route("/api/v1/organisations/{name}", put(update_organisation))
        .route("/api/v1/settings/priority-matrix", put(set_priority_matrix))
        .route("/api/v1/settings/auto-close", put(set_auto_close))
        .route("/api/v1/settings/time-zone", put(set_tenant_time_zone))
        .route("/api/v1/settings/notification-mail", put(set_tenant_notification_mail))
        .route("/api/v1/me/time-zone", put(set_own_time_zone))
        .route("/api/v1/me/notification-mail", put(set_own_notification_mail))
}

/// The signed-in user
#[utoipa::path(get, path = "/api/v1/me", tag = "people", responses((status = 200, body = UserBody)), security(("bearer" = [])))]
pub(crate) async fn get_me(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<UserBody>, ApiError> {
    let me = ctx.app.users(&actor).await?.into_iter().find(|u| u.id == actor.user_id);
    me.map(|u| Json(u.into())).ok_or(ApiError::App(cairn_app::AppError::Unauthenticated))
}

/// Users of the tenant (agents see all; requesters only themselves)
#[utoipa::path(get, path = "/api/v1/users", tag = "people", responses((status = 200, body = Vec<UserBody>)), security(("bearer" = [])))]
pub(crate) async fn list_users(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<UserBody>>, ApiError> {
    Ok(Json(ctx.app.users(&actor).await?.into_iter().map(Into::into).collect()))
}

/// Create a user (admin)
#[utoipa::path(post, path = "/api/v1/users", tag = "people", request_body = CreateUserRequest,
    responses((status = 201, body = UserBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_user(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<CreateUserRequest>,
) -> Result<(StatusCode, Json<UserBody>), ApiError> {
    let admin = Admin::from_actor(&actor)?;
    let req = CreateUser {
        username: req.username,
        display_name: req.display_name,
        email: req.email,
        role: req.role,
        password: req.password,
        organisation: req.organisation,
    };
    Ok((StatusCode::CREATED, Json(ctx.app.create_user(&admin, req).await?.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ManagerRequest {
    /// The manager's username, or null to clear it.
    pub manager: Option<String>,
}

/// Set who a user's manager is: they approve what the user orders (admin)
#[utoipa::path(put, path = "/api/v1/users/{username}/manager", tag = "people", request_body = ManagerRequest, params(("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_manager(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(username): ApiPath<String>,
    JsonBody(req): JsonBody<ManagerRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_user_manager(&Admin::from_actor(&actor)?, &username, req.manager.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disable a user: ends their sessions and revokes their tokens (admin)
#[utoipa::path(post, path = "/api/v1/users/{username}/disable", tag = "people", params(("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn disable_user(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_user_disabled(&Admin::from_actor(&actor)?, &username, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enable a disabled user (admin)
#[utoipa::path(post, path = "/api/v1/users/{username}/enable", tag = "people", params(("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn enable_user(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_user_disabled(&Admin::from_actor(&actor)?, &username, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Assignment groups
#[utoipa::path(get, path = "/api/v1/groups", tag = "people", responses((status = 200, body = Vec<String>)), security(("bearer" = [])))]
pub(crate) async fn list_groups(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(ctx.app.groups(&actor).await?.into_iter().map(|g| g.name).collect()))
}

/// Create an assignment group (admin)
#[utoipa::path(post, path = "/api/v1/groups", tag = "people", request_body = NameRequest,
    responses((status = 201), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_group(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<NameRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.create_group(&Admin::from_actor(&actor)?, &req.name).await?;
    Ok(StatusCode::CREATED)
}

/// Add an agent to a group (admin)
#[utoipa::path(post, path = "/api/v1/groups/{name}/members", tag = "people", request_body = MemberRequest, params(("name" = String, Path)),
    responses((status = 204), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn add_member(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(name): ApiPath<String>,
    JsonBody(req): JsonBody<MemberRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.add_group_member(&Admin::from_actor(&actor)?, &name, &req.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Categories
#[utoipa::path(get, path = "/api/v1/categories", tag = "settings", responses((status = 200, body = Vec<String>)), security(("bearer" = [])))]
pub(crate) async fn list_categories(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(ctx.app.categories(&actor).await?))
}

/// Create a category (admin)
#[utoipa::path(post, path = "/api/v1/categories", tag = "settings", request_body = NameRequest, responses((status = 201)), security(("bearer" = [])))]
pub(crate) async fn create_category(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<NameRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.create_category(&Admin::from_actor(&actor)?, &req.name).await?;
    Ok(StatusCode::CREATED)
}

/// Create a customer organisation (admin)
#[utoipa::path(post, path = "/api/v1/organisations", tag = "people", request_body = NameRequest, responses((status = 201)), security(("bearer" = [])))]
pub(crate) async fn create_organisation(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<NameRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.create_organisation(&Admin::from_actor(&actor)?, &req.name).await?;
    Ok(StatusCode::CREATED)
}

/// Customer organisations (agents)
#[utoipa::path(get, path = "/api/v1/organisations", tag = "people", responses((status = 200, body = Vec<OrganisationBody>)), security(("bearer" = [])))]
pub(crate) async fn list_organisations(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<OrganisationBody>>, ApiError> {
    let orgs = ctx.app.organisations(&actor).await?;
    Ok(Json(orgs.into_iter().map(|(name, shared_tickets)| OrganisationBody { name, shared_tickets }).collect()))
}

/// Let an organisation's requesters see each other's tickets, or stop it (admin)
#[utoipa::path(put, path = "/api/v1/organisations/{name}", tag = "people", request_body = OrganisationBody, params(("name" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn update_organisation(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(name): ApiPath<String>,
    JsonBody(req): JsonBody<OrganisationBody>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_organisation_sharing(&Admin::from_actor(&actor)?, &name, req.shared_tickets).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace the impact × urgency → priority matrix (admin). Rows are impact 1..3, columns urgency 1..3.
#[utoipa::path(put, path = "/api/v1/settings/priority-matrix", tag = "settings", request_body = Vec<Vec<i64>>,
    responses((status = 204), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_priority_matrix(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(m): JsonBody<PriorityMatrix>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_priority_matrix(&Admin::from_actor(&actor)?, m).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AutoCloseRequest {
    /// Days a resolved ticket waits for the requester before it closes; 0 = never.
    pub days: i64,
}

/// Set when resolved tickets close by themselves (admin)
#[utoipa::path(put, path = "/api/v1/settings/auto-close", tag = "settings", request_body = AutoCloseRequest,
    responses((status = 204), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_auto_close(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<AutoCloseRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_auto_close_days(&Admin::from_actor(&actor)?, req.days).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TimeZoneRequest {
    /// An IANA zone name such as Europe/Berlin; for a person, null follows the tenant's.
    pub time_zone: Option<String>,
}

/// Set the zone the tenant's pages show times in, unless a person chose their own (admin)
#[utoipa::path(put, path = "/api/v1/settings/time-zone", tag = "settings", request_body = TimeZoneRequest,
    responses((status = 204), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_tenant_time_zone(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<TimeZoneRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_tenant_time_zone(&Admin::from_actor(&actor)?, req.time_zone.as_deref().unwrap_or_default()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set the zone your own pages show times in; null follows the tenant's
#[utoipa::path(put, path = "/api/v1/me/time-zone", tag = "people", request_body = TimeZoneRequest,
    responses((status = 204), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_own_time_zone(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<TimeZoneRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_own_time_zone(&actor, req.time_zone.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NotificationMailRequest {
    /// The kinds of news you also get by mail (`reply`, `assigned`, `mention`,
    /// `approval`, `service_level`, `status`, `other`; you need an email address for
    /// any); null follows the desk's default for your role.
    pub events: Option<Vec<String>>,
}

/// Choose which of your notifications also come by mail
#[utoipa::path(put, path = "/api/v1/me/notification-mail", tag = "people", request_body = NotificationMailRequest,
    responses((status = 204), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_own_notification_mail(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<NotificationMailRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_own_mail_news(&actor, req.events).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MailDefaultsRequest {
    /// The kinds of news mailed to requesters who have not chosen their own.
    pub requesters: Vec<String>,
    /// The same for agents and administrators.
    pub staff: Vec<String>,
}

/// Set the news mailed by default, per role
#[utoipa::path(put, path = "/api/v1/settings/notification-mail", tag = "settings", request_body = MailDefaultsRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_tenant_notification_mail(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<MailDefaultsRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.set_tenant_mail_news(&actor, &req.requesters, &req.staff).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        get_me,
        set_own_time_zone,
        set_own_notification_mail,
        set_tenant_time_zone,
        set_tenant_notification_mail,
        list_users,
        create_user,
        set_manager,
        disable_user,
        enable_user,
        list_groups,
        create_group,
        add_member,
        list_categories,
        create_category,
        create_organisation,
        list_organisations,
        update_organisation,
        set_priority_matrix,
        set_auto_close
    ),
    components(schemas(ErrorBody, UserBody))
)]
pub(crate) struct ApiDoc;
