//! The caller's own account through the API (`/api/v1/me/…`): change the password,
//! list and end sessions, list, create and revoke API tokens. Everything acts on the
//! bearer's own account; there is no user in the path to get wrong.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cairn_app::platform::auth::NewToken;
use cairn_store::platform::account::{SessionRow, TokenRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiPath;
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::routes::{Routes, delete, get, post};
use crate::time::{instant, rfc3339};

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/me/password", post(change_password))
        .route("/api/v1/me/sessions", get(list_sessions).delete(end_sessions))
        .route("/api/v1/me/sessions/{id}", delete(end_session))
        .route("/api/v1/me/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/me/tokens/{id}", delete(revoke_token))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangePasswordRequest {
    pub current_password: String,
    /// 12 to 128 characters, not common or easy to guess.
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionBody {
    /// Names the session for ending it.
    pub id: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_seen_at: String,
    /// Always false here: an API call comes with a token, not a session.
    pub current: bool,
}

impl From<SessionRow> for SessionBody {
    fn from(s: SessionRow) -> Self {
        SessionBody {
            id: s.id,
            created_at: rfc3339(s.created_at),
            expires_at: rfc3339(s.expires_at),
            last_seen_at: rfc3339(s.last_seen_at),
            current: s.current,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EndedBody {
    /// How many sessions ended.
    pub ended: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenBody {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    /// Precise to a few minutes.
    pub last_used_at: Option<String>,
    pub expired: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateTokenRequest {
    pub name: String,
    /// When the token stops working (RFC 3339, or a day: 2026-06-01); never when absent.
    pub expires_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NewTokenBody {
    pub id: i64,
    pub name: String,
    /// The secret, shown this once: send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub created_at: String,
    pub expires_at: Option<String>,
}

impl From<NewToken> for NewTokenBody {
    fn from(t: NewToken) -> Self {
        NewTokenBody { id: t.id, name: t.name, token: t.secret, created_at: rfc3339(t.created_at), expires_at: t.expires_at.map(rfc3339) }
    }
}

fn token_body(t: TokenRow, now: i64) -> TokenBody {
    TokenBody {
        id: t.id,
        name: t.name,
        created_at: rfc3339(t.created_at),
        expires_at: t.expires_at.map(rfc3339),
        last_used_at: t.last_used_at.map(rfc3339),
        expired: t.expires_at.is_some_and(|e| e <= now),
    }
}

/// Change my password: needs the current one; ends all my sessions (tokens stay)
#[utoipa::path(post, path = "/api/v1/me/password", tag = "account", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn change_password(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    ctx.app.change_own_password(&actor, &req.current_password, &req.new_password, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// My signed-in sessions, newest first
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "account",
    responses((status = 200, body = Vec<SessionBody>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn list_sessions(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<SessionBody>>, ApiError> {
    Ok(Json(ctx.app.own_sessions(&actor, None).await?.into_iter().map(Into::into).collect()))
}

/// Sign out everywhere: end all my sessions
#[utoipa::path(delete, path = "/api/v1/me/sessions", tag = "account",
    responses((status = 200, body = EndedBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn end_sessions(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<EndedBody>, ApiError> {
    Ok(Json(EndedBody { ended: ctx.app.end_own_sessions(&actor, None).await? }))
}

/// End one of my sessions
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "account", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn end_session(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    ctx.app.end_own_session(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// My API tokens that are not revoked, newest first
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "account",
    responses((status = 200, body = Vec<TokenBody>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn list_tokens(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<TokenBody>>, ApiError> {
    let now = ctx.app.now();
    Ok(Json(ctx.app.own_tokens(&actor).await?.into_iter().map(|t| token_body(t, now)).collect()))
}

/// Create an API token for me, optionally expiring; the secret is in the answer only
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "account", request_body = CreateTokenRequest,
    responses((status = 201, body = NewTokenBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_token(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(req): JsonBody<CreateTokenRequest>,
) -> Result<(StatusCode, Json<NewTokenBody>), ApiError> {
    let expires_at = match req.expires_at.as_deref() {
        Some(raw) => Some(instant("expires_at", Some(raw), 0)?),
        None => None,
    };
    let t = ctx.app.create_own_token(&actor, &req.name, expires_at).await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// Revoke one of my API tokens
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "account", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn revoke_token(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    ctx.app.revoke_own_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(change_password, list_sessions, end_sessions, end_session, list_tokens, create_token, revoke_token))]
pub(crate) struct ApiDoc;
