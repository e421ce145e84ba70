//! Contracts through the API: record and change them, list those expiring, file and
//! fetch their documents, read their history; and the tenant's asset settings.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::asset::contracts::{ContractInput, ContractView, DOCUMENT_MAX_BYTES};
use cairn_app::platform::admin::Admin;
use cairn_domain::ids::ContractId;
use cairn_store::asset::contracts::{ContractRow, Covered, Document};
use cairn_store::asset::settings::AssetSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::AssetEventBody;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::routes::{Routes, get, post};
use crate::time::rfc3339;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/contracts", get(list_contracts).post(create_contract))
        .route("/api/v1/contracts/{id}", get(get_contract).patch(update_contract))
        .route("/api/v1/contracts/{id}/history", get(contract_history))
        .route("/api/v1/contracts/{id}/documents", post(add_document).body_limit(DOCUMENT_MAX_BYTES + 1))
        .route("/api/v1/contracts/{id}/documents/{doc}", get(get_document))
        .route("/api/v1/settings/assets", get(get_settings).put(set_settings))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ContractBody {
    pub id: i64,
    /// warranty, support, maintenance, lease, licence or subscription.
    pub kind: String,
    pub name: String,
    pub vendor: Option<String>,
    /// The vendor's contract number.
    pub reference: Option<String>,
    /// The agent told of its deadlines.
    pub owner: Option<String>,
    pub starts_on: String,
    pub ends_on: String,
    /// Decimal string, per billing period.
    pub cost: String,
    /// once, monthly, quarterly or yearly.
    pub billing: String,
    pub auto_renew: bool,
    pub renewal_terms: Option<String>,
    pub notice_days: u32,
    /// The last day to give notice (ends_on − notice_days), with a notice period.
    pub notice_by: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Covered asset tags (with a full read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assets: Option<Vec<String>>,
    /// Covered CI numbers (with a full read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cis: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentBody>>,
    /// The alerts sent so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alerts: Option<Vec<AlertBody>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DocumentBody {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AlertBody {
    /// end or notice.
    pub deadline: String,
    pub deadline_on: String,
    pub lead_days: i64,
    /// The ticket raised for the owner.
    pub ticket: Option<String>,
}

fn document(d: &Document) -> DocumentBody {
    DocumentBody {
        id: d.id,
        filename: d.filename.clone(),
        content_type: d.content_type.clone(),
        size: d.size,
        uploaded_at: rfc3339(d.created_at),
    }
}

pub(crate) fn brief(r: ContractRow) -> ContractBody {
    let k = r.contract;
    ContractBody {
        id: k.id.0,
        kind: k.kind.as_str().into(),
        name: k.name,
        vendor: k.vendor,
        reference: k.reference,
        owner: r.owner,
        starts_on: k.starts_on.to_string(),
        ends_on: k.ends_on.to_string(),
        cost: k.cost.to_string(),
        billing: k.billing.as_str().into(),
        auto_renew: k.auto_renew,
        renewal_terms: k.renewal_terms,
        notice_days: k.notice_days,
        notice_by: cairn_domain::asset::contract::notice_deadline(k.ends_on, k.notice_days).map(|d| d.to_string()),
        version: k.version,
        created_at: rfc3339(k.created_at),
        updated_at: rfc3339(k.updated_at),
        assets: None,
        cis: None,
        documents: None,
        alerts: None,
    }
}

fn full(v: ContractView) -> ContractBody {
    let mut b = brief(v.row);
    b.assets = Some(v.covered.iter().filter_map(|c| if let Covered::Asset(_, t) = c { Some(t.clone()) } else { None }).collect());
    b.cis = Some(v.covered.iter().filter_map(|c| if let Covered::Ci(_, n) = c { Some(n.clone()) } else { None }).collect());
    b.documents = Some(v.documents.iter().map(document).collect());
    b.alerts = Some(
        v.alerts
            .into_iter()
            .map(|(deadline, deadline_on, lead_days, ticket)| AlertBody { deadline, deadline_on, lead_days, ticket })
            .collect(),
    );
    b
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContractRequest {
    pub kind: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub vendor: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub reference: Option<Option<String>>,
    /// An agent's username (default: you).
    pub owner: Option<String>,
    /// YYYY-MM-DD
    pub starts_on: Option<String>,
    /// YYYY-MM-DD
    pub ends_on: Option<String>,
    /// Decimal string, per billing period.
    pub cost: Option<String>,
    /// once, monthly, quarterly or yearly (default yearly).
    pub billing: Option<String>,
    pub auto_renew: Option<bool>,
    #[serde(default, deserialize_with = "crate::json::some")]
    #[schema(value_type = Option<String>)]
    pub renewal_terms: Option<Option<String>>,
    /// Days before the end by which notice must be given (default 0: none).
    pub notice_days: Option<i64>,
    /// Asset tags it covers (replaces the list).
    pub assets: Option<Vec<String>>,
    /// CI numbers it covers (replaces the list).
    pub cis: Option<Vec<String>>,
}

impl From<ContractRequest> for ContractInput {
    fn from(r: ContractRequest) -> Self {
        ContractInput {
            kind: r.kind,
            name: r.name,
            vendor: r.vendor,
            reference: r.reference,
            owner: r.owner,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            cost: r.cost,
            billing: r.billing,
            auto_renew: r.auto_renew,
            renewal_terms: r.renewal_terms,
            notice_days: r.notice_days,
            assets: r.assets,
            cis: r.cis,
        }
    }
}

/// Record a contract; its expiry alerts are queued with it
#[utoipa::path(post, path = "/api/v1/contracts", tag = "assets", request_body = ContractRequest,
    responses((status = 201, body = ContractBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_contract(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<ContractRequest>,
) -> Result<(StatusCode, Json<ContractBody>), ApiError> {
    Ok((StatusCode::CREATED, Json(full(ctx.app.create_contract(&actor, b.into()).await?))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContractListParams {
    /// Only contracts ending between today and this many days from now.
    pub expiring_within: Option<i64>,
}

/// Contracts by end date, or those expiring within a number of days
#[utoipa::path(get, path = "/api/v1/contracts", tag = "assets", params(ContractListParams),
    responses((status = 200, body = Vec<ContractBody>), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn list_contracts(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<ContractListParams>,
) -> Result<Json<Vec<ContractBody>>, ApiError> {
    Ok(Json(ctx.app.list_contracts(&actor, p.expiring_within).await?.into_iter().map(brief).collect()))
}

/// Read a contract with what it covers, its documents and the alerts sent
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = ContractBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn get_contract(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ContractId>,
) -> Result<Json<ContractBody>, ApiError> {
    Ok(Json(full(ctx.app.get_contract(&actor, id).await?)))
}

/// Change a contract; new dates queue new alerts
#[utoipa::path(patch, path = "/api/v1/contracts/{id}", tag = "assets", params(("id" = i64, Path)), request_body = ContractRequest,
    responses((status = 200, body = ContractBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn update_contract(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ContractId>,
    JsonBody(b): JsonBody<ContractRequest>,
) -> Result<Json<ContractBody>, ApiError> {
    Ok(Json(full(ctx.app.update_contract(&actor, id, b.into()).await?)))
}

/// A contract's history from the journal, oldest first
#[utoipa::path(get, path = "/api/v1/contracts/{id}/history", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AssetEventBody>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn contract_history(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ContractId>,
) -> Result<Json<Vec<AssetEventBody>>, ApiError> {
    Ok(Json(ctx.app.contract_history(&actor, id).await?.into_iter().map(AssetEventBody::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct DocumentParams {
    /// The file's name (required).
    pub filename: Option<String>,
}

/// File a document with a contract: the body is the file, its Content-Type kept (10 MB at most)
#[utoipa::path(post, path = "/api/v1/contracts/{id}/documents", tag = "assets", params(("id" = i64, Path), DocumentParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn add_document(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ContractId>,
    ApiQuery(p): ApiQuery<DocumentParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<DocumentBody>), ApiError> {
    let bytes = axum::body::to_bytes(body, DOCUMENT_MAX_BYTES + 1)
        .await
        .map_err(|_| ApiError::TooLarge(format!("a contract document may be {} MB at most", DOCUMENT_MAX_BYTES / 1024 / 1024)))?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let doc = ctx.app.add_contract_document(&actor, id, p.filename.as_deref().unwrap_or_default(), &content_type, bytes.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(document(&doc))))
}

/// Download a contract's document
#[utoipa::path(get, path = "/api/v1/contracts/{id}/documents/{doc}", tag = "assets", params(("id" = i64, Path), ("doc" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn get_document(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath((id, doc)): ApiPath<(ContractId, i64)>,
) -> Result<Response, ApiError> {
    let (d, bytes) = ctx.app.contract_document(&actor, id, doc).await?;
    Ok(download(&d, bytes))
}

/// A document as a download under its own name.
pub(crate) fn download(d: &Document, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&d.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    let name: String = d.filename.chars().map(|c| if c.is_ascii_alphanumeric() || "._- ".contains(c) { c } else { '_' }).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssetSettingsBody {
    /// ISO 4217 code, e.g. EUR; amounts have two decimals.
    pub currency: Option<String>,
    /// The month (1–12) the fiscal year starts in; a fiscal year is named by the year it ends in.
    pub fiscal_year_start: Option<i64>,
    /// full_month (default) or mid_month.
    pub convention: Option<String>,
    /// Days before a contract deadline its owner is told, e.g. "90,30,7".
    pub lead_days: Option<String>,
}

fn settings_body(s: AssetSettings) -> AssetSettingsBody {
    AssetSettingsBody {
        currency: Some(s.currency),
        fiscal_year_start: Some(i64::from(s.fiscal_year_start)),
        convention: Some(s.convention.as_str().into()),
        lead_days: Some(s.lead_days.iter().map(u32::to_string).collect::<Vec<_>>().join(",")),
    }
}

/// The tenant's asset settings
#[utoipa::path(get, path = "/api/v1/settings/assets", tag = "assets", responses((status = 200, body = AssetSettingsBody)), security(("bearer" = [])))]
pub(crate) async fn get_settings(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<AssetSettingsBody>, ApiError> {
    if !actor.role.is_staff() {
        return Err(cairn_app::AppError::Forbidden("agents only".into()).into());
    }
    Ok(Json(settings_body(ctx.app.asset_settings(&actor).await?)))
}

/// Change the tenant's asset settings (administrators); only what is given changes
#[utoipa::path(put, path = "/api/v1/settings/assets", tag = "assets", request_body = AssetSettingsBody,
    responses((status = 200, body = AssetSettingsBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn set_settings(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<AssetSettingsBody>,
) -> Result<Json<AssetSettingsBody>, ApiError> {
    let admin = Admin::from_actor(&actor)?;
    let input = cairn_app::asset::settings::SettingsInput {
        currency: b.currency,
        fiscal_year_start: b.fiscal_year_start,
        convention: b.convention,
        lead_days: b.lead_days,
    };
    Ok(Json(settings_body(ctx.app.set_asset_settings(&admin, input).await?)))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_contract,
    list_contracts,
    get_contract,
    update_contract,
    contract_history,
    add_document,
    get_document,
    get_settings,
    set_settings
))]
pub(crate) struct ApiDoc;
