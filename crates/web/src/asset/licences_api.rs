//! Software licences through the API: licences bought, installations and assignments
//! (JSON or CSV), and the compliance report (JSON or CSV).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::asset::licences::{ComplianceReport, InstallationInput, LicenceInput};
use cairn_store::asset::licences::Entitlement;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::routes::{Routes, get, post};
use crate::time::rfc3339;

/// The largest installations upload, in bytes.
const UPLOAD_MAX: usize = 32 * 1024 * 1024;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/licences", get(list_licences).post(add_licence))
        .route("/api/v1/licences/installations", post(add_installations).body_limit(UPLOAD_MAX))
        .route("/api/v1/reports/licence-compliance", get(compliance))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EntitlementBody {
    pub id: i64,
    pub product: String,
    pub contract: Option<i64>,
    pub quantity: i64,
    /// Decimal string per licence.
    pub unit_price: String,
    pub created_at: String,
}

fn entitlement(e: Entitlement) -> EntitlementBody {
    EntitlementBody {
        id: e.id.0,
        product: e.product_name,
        contract: e.contract.map(|k| k.0),
        quantity: e.quantity,
        unit_price: e.unit_price.to_string(),
        created_at: rfc3339(e.created_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProductBody {
    pub name: String,
    pub publisher: Option<String>,
    /// per_user, per_device, per_core, site, concurrent or subscription.
    pub model: String,
    pub entitlements: Vec<EntitlementBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LicenceRequest {
    /// The product's name; a new one is created with `model`.
    pub product: String,
    pub publisher: Option<String>,
    /// per_user, per_device, per_core, site, concurrent or subscription (required for a new product).
    pub model: Option<String>,
    pub quantity: i64,
    /// Decimal string per licence.
    pub unit_price: Option<String>,
    /// The contract they were bought under.
    pub contract: Option<i64>,
}

/// Licences owned, by product
#[utoipa::path(get, path = "/api/v1/licences", tag = "assets", responses((status = 200, body = Vec<ProductBody>)), security(("bearer" = [])))]
pub(crate) async fn list_licences(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<ProductBody>>, ApiError> {
    let (products, entitlements) = ctx.app.list_licences(&actor).await?;
    Ok(Json(
        products
            .into_iter()
            .map(|p| ProductBody {
                entitlements: entitlements.iter().filter(|e| e.product == p.id).cloned().map(entitlement).collect(),
                name: p.name,
                publisher: p.publisher,
                model: p.model.as_str().into(),
            })
            .collect(),
    ))
}

/// Record licences bought for a software product
#[utoipa::path(post, path = "/api/v1/licences", tag = "assets", request_body = LicenceRequest,
    responses((status = 201, body = EntitlementBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn add_licence(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<LicenceRequest>,
) -> Result<(StatusCode, Json<EntitlementBody>), ApiError> {
    let input = LicenceInput {
        product: b.product,
        publisher: b.publisher,
        model: b.model,
        quantity: b.quantity,
        unit_price: b.unit_price,
        contract: b.contract,
    };
    Ok((StatusCode::CREATED, Json(entitlement(ctx.app.add_licence(&actor, input).await?))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct InstallationRequest {
    pub product: String,
    /// The device: a CI number.
    pub ci: Option<String>,
    /// Or the person: a username.
    pub user: Option<String>,
    pub cores: Option<i64>,
    pub version: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RecordedBody {
    pub recorded: usize,
}

/// The installations of a CSV upload: a header naming `product` and `ci` or `user`,
/// optionally `cores` and `version`.
fn from_csv(bytes: &[u8]) -> Result<Vec<InstallationInput>, AppError> {
    let mut r = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
    let headers = r.headers().map_err(|e| AppError::invalid("file", format!("not CSV: {e}")))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let product = col("product").ok_or_else(|| AppError::invalid("file", "the header has no 'product' column"))?;
    let (ci, user, cores, version) = (col("ci"), col("user"), col("cores"), col("version"));
    if ci.is_none() && user.is_none() {
        return Err(AppError::invalid("file", "the header needs a 'ci' or a 'user' column"));
    }
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| AppError::invalid("file", format!("line {line}: {e}")))?;
        let cell = |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::to_string).filter(|s| !s.is_empty());
        let cores = match cell(cores) {
            Some(n) => Some(n.parse().map_err(|_| AppError::invalid("file", format!("line {line}: cores '{n}' is not a number")))?),
            None => None,
        };
        out.push(InstallationInput {
            product: cell(Some(product)).unwrap_or_default(),
            ci: cell(ci),
            user: cell(user),
            cores,
            version: cell(version),
        });
    }
    Ok(out)
}

/// Record installations on devices and assignments to people: a JSON array, or CSV (`text/csv`, header `product,ci,user,cores,version`); all or none
#[utoipa::path(post, path = "/api/v1/licences/installations", tag = "assets", request_body = Vec<InstallationRequest>,
    responses((status = 201, body = RecordedBody), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn add_installations(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<RecordedBody>), ApiError> {
    let bytes = axum::body::to_bytes(body, UPLOAD_MAX).await.map_err(|_| ApiError::TooLarge("an upload may be 32 MB at most".into()))?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let (uses, source) = if ct.starts_with("text/csv") {
        (from_csv(&bytes)?, "import")
    } else {
        let rows: Vec<InstallationRequest> = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::BadRequest { field: None, message: format!("not a JSON array of installations: {e}") })?;
        let uses = rows
            .into_iter()
            .map(|r| InstallationInput { product: r.product, ci: r.ci, user: r.user, cores: r.cores, version: r.version })
            .collect();
        (uses, "manual")
    };
    let recorded = ctx.app.add_installations(&actor, uses, source).await?;
    Ok((StatusCode::CREATED, Json(RecordedBody { recorded })))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ComplianceLine {
    pub product: String,
    pub model: String,
    pub entitled: i64,
    pub consumed: i64,
    pub surplus: i64,
    pub shortfall: i64,
    /// The latest entitlement's price per licence.
    pub unit_price: String,
    pub shortfall_cost: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReclaimBody {
    pub product: String,
    pub ci: Option<String>,
    pub user: Option<String>,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ComplianceBody {
    pub currency: String,
    pub products: Vec<ComplianceLine>,
    pub shortfall_cost: String,
    /// Installations on retired devices and assignments to disabled people (at most 1000).
    pub reclaim: Vec<ReclaimBody>,
}

pub(crate) fn lines(r: &ComplianceReport) -> Vec<ComplianceLine> {
    r.products
        .iter()
        .map(|p| ComplianceLine {
            product: p.product.name.clone(),
            model: p.product.model.as_str().into(),
            entitled: p.compliance.entitled,
            consumed: p.compliance.consumed,
            surplus: p.compliance.surplus,
            shortfall: p.compliance.shortfall,
            unit_price: p.unit_price.to_string(),
            shortfall_cost: p.compliance.shortfall_cost.to_string(),
        })
        .collect()
}

/// The compliance report as CSV: one line per product.
pub(crate) fn compliance_csv(r: &ComplianceReport) -> Response {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut ok =
        w.write_record(["product", "model", "entitled", "consumed", "surplus", "shortfall", "unit_price", "shortfall_cost"]).is_ok();
    for l in lines(r) {
        let rec = [
            l.product,
            l.model,
            l.entitled.to_string(),
            l.consumed.to_string(),
            l.surplus.to_string(),
            l.shortfall.to_string(),
            l.unit_price,
            l.shortfall_cost,
        ];
        ok &= w.write_record(&rec).is_ok();
    }
    if !ok {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut res = w.into_inner().unwrap_or_default().into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    res.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"licence-compliance.csv\""));
    res
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct FormatParams {
    /// json (default) or csv.
    pub format: Option<String>,
}

/// Licence compliance per product: entitled, consumed, surplus or shortfall and its cost, and what to reclaim (JSON or CSV)
#[utoipa::path(get, path = "/api/v1/reports/licence-compliance", tag = "assets", params(FormatParams),
    responses((status = 200, body = ComplianceBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn compliance(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<FormatParams>,
) -> Result<Response, ApiError> {
    let report = ctx.app.licence_compliance(&actor).await?;
    match p.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(ComplianceBody {
            currency: report.currency.clone(),
            products: lines(&report),
            shortfall_cost: report.shortfall_cost.to_string(),
            reclaim: report
                .reclaim
                .iter()
                .map(|x| ReclaimBody { product: x.product.clone(), ci: x.ci.clone(), user: x.user.clone(), reason: x.reason.clone() })
                .collect(),
        })
        .into_response()),
        "csv" => Ok(compliance_csv(&report)),
        other => Err(AppError::invalid("format", format!("'{other}' is not json or csv")).into()),
    }
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_licences, add_licence, add_installations, compliance))]
pub(crate) struct ApiDoc;
