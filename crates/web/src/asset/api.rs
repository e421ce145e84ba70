//! Assets through the API: create, read, change and list them; check them out and in;
//! their history and depreciation; the portfolio's valuation on a date.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_app::asset::depreciation::{Depreciation, Portfolio};
use cairn_domain::asset::Grouping;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::*;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::json::JsonBody;
use crate::platform::session::ApiActor;
use crate::routes::{Routes, get, post};
use crate::time::rfc3339;

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/api/v1/assets", post(create_asset).get(list_assets))
        .route("/api/v1/assets/{tag}", get(get_asset).patch(update_asset))
        .route("/api/v1/assets/{tag}/check-out", post(check_out))
        .route("/api/v1/assets/{tag}/check-in", post(check_in))
        .route("/api/v1/assets/{tag}/history", get(asset_history))
        .route("/api/v1/assets/{tag}/depreciation", get(asset_depreciation))
        .route("/api/v1/reports/asset-portfolio", get(portfolio))
}

/// The asset with its ETag (`"tag-version"`), to send back in If-Match.
fn with_etag(status: StatusCode, body: AssetBody) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}-{}\"", body.tag, body.version)).ok();
    let mut res = (status, Json(body)).into_response();
    if let Some(e) = etag {
        res.headers_mut().insert(header::ETAG, e);
    }
    res
}

/// The version an If-Match names, when one is sent (it is optional for assets).
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    if headers.get(header::IF_MATCH).is_none() {
        return Ok(None);
    }
    crate::ticket::api::if_match_version(headers).map(Some)
}

/// Record an asset
#[utoipa::path(post, path = "/api/v1/assets", tag = "assets", request_body = AssetRequest,
    responses((status = 201, body = AssetBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn create_asset(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<AssetRequest>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::CREATED, ctx.app.create_asset(&actor, b.into()).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssetListParams {
    pub state: Option<String>,
    pub class: Option<String>,
    /// A username.
    pub assigned_to: Option<String>,
    /// A location CI's number.
    pub location: Option<String>,
    /// A tag or serial number, or text in the model.
    pub q: Option<String>,
    /// 1..500, default 50
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List and search assets (keyset pagination)
#[utoipa::path(get, path = "/api/v1/assets", tag = "assets", params(AssetListParams),
    responses((status = 200, body = AssetPage), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn list_assets(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<AssetListParams>,
) -> Result<Json<AssetPage>, ApiError> {
    let after = match p.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(c.parse::<i64>().map_err(|_| cairn_app::AppError::invalid("cursor", "not a cursor of this list"))?),
        None => None,
    };
    let q = cairn_app::asset::assets::ListAssets {
        state: p.state,
        class: p.class,
        assigned_to: p.assigned_to,
        location: p.location,
        q: p.q,
        after,
        limit: p.limit,
    };
    let (rows, next) = ctx.app.list_assets(&actor, q).await?;
    Ok(Json(AssetPage { items: rows.into_iter().map(Into::into).collect(), next_cursor: next.map(|id| id.0.to_string()) }))
}

/// Read an asset
#[utoipa::path(get, path = "/api/v1/assets/{tag}", tag = "assets", params(("tag" = String, Path)),
    responses((status = 200, body = AssetBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn get_asset(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(tag): ApiPath<String>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, ctx.app.get_asset(&actor, &tag).await?.into()))
}

/// Change an asset; `state` moves it through its lifecycle (refused moves are 422 invalid_transition)
#[utoipa::path(patch, path = "/api/v1/assets/{tag}", tag = "assets", request_body = AssetRequest,
    params(("tag" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read; when sent, it must be current")),
    responses((status = 200, body = AssetBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn update_asset(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(tag): ApiPath<String>,
    headers: HeaderMap,
    JsonBody(b): JsonBody<AssetRequest>,
) -> Result<Response, ApiError> {
    let version = if_match(&headers)?;
    Ok(with_etag(StatusCode::OK, ctx.app.update_asset(&actor, &tag, b.into(), version).await?.into()))
}

/// Check an asset out to a person (it becomes deployed)
#[utoipa::path(post, path = "/api/v1/assets/{tag}/check-out", tag = "assets", params(("tag" = String, Path)), request_body = CheckOutRequest,
    responses((status = 200, body = AssetBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn check_out(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(tag): ApiPath<String>,
    JsonBody(b): JsonBody<CheckOutRequest>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, ctx.app.check_out_asset(&actor, &tag, &b.person, b.location.as_deref()).await?.into()))
}

/// Check an asset back into stock
#[utoipa::path(post, path = "/api/v1/assets/{tag}/check-in", tag = "assets", params(("tag" = String, Path)), request_body = CheckInRequest,
    responses((status = 200, body = AssetBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn check_in(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(tag): ApiPath<String>,
    JsonBody(b): JsonBody<CheckInRequest>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, ctx.app.check_in_asset(&actor, &tag, b.location.as_deref()).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AssetEventBody {
    pub seq: i64,
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// An asset's history from the journal, oldest first: every change, state move, check-out and check-in, with who and when
#[utoipa::path(get, path = "/api/v1/assets/{tag}/history", tag = "assets", params(("tag" = String, Path)),
    responses((status = 200, body = Vec<AssetEventBody>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn asset_history(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(tag): ApiPath<String>,
) -> Result<Json<Vec<AssetEventBody>>, ApiError> {
    Ok(Json(ctx.app.asset_history(&actor, &tag).await?.into_iter().map(AssetEventBody::from).collect()))
}

impl From<cairn_store::platform::journal::Recorded> for AssetEventBody {
    fn from(r: cairn_store::platform::journal::Recorded) -> Self {
        AssetEventBody {
            seq: r.event.seq,
            at: rfc3339(r.event.at),
            actor: r.actor_name,
            action: r.event.action,
            field: r.event.field,
            old: r.event.old,
            new: r.event.new,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct OnParams {
    /// YYYY-MM-DD; the values are at the end of that day (default today).
    pub on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PeriodBody {
    /// `2026-01` for a month, `FY2026` for a fiscal year (named by the year it ends in).
    pub period: String,
    pub depreciation: String,
    pub accumulated: String,
    pub book_value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DisposalBody {
    pub on: String,
    pub proceeds: String,
    /// The book value at the end of the disposal date.
    pub book_value: String,
    /// Proceeds less book value; negative is a loss.
    pub gain: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DepreciationBody {
    pub tag: String,
    pub on: String,
    pub currency: String,
    pub cost: String,
    pub salvage: String,
    pub method: Option<String>,
    pub rate: Option<String>,
    pub life_months: Option<u32>,
    pub in_service: Option<String>,
    /// full_month or mid_month (the tenant's).
    pub convention: String,
    /// At the end of day `on`.
    pub book_value: String,
    pub accumulated: String,
    /// Month by month; each month is booked on its last day.
    pub schedule: Vec<PeriodBody>,
    pub fiscal_years: Vec<PeriodBody>,
    pub disposal: Option<DisposalBody>,
}

impl From<Depreciation> for DepreciationBody {
    fn from(d: Depreciation) -> Self {
        let a = d.asset.asset;
        DepreciationBody {
            method: a.plan(d.settings.convention).map(|p| p.method.as_str().into()),
            tag: a.tag,
            on: d.on.to_string(),
            currency: d.settings.currency,
            cost: a.cost.to_string(),
            salvage: a.salvage.to_string(),
            rate: a.rate.map(|r| r.to_string()),
            life_months: a.life_months,
            in_service: a.in_service.map(|d| d.to_string()),
            convention: d.settings.convention.as_str().into(),
            book_value: d.book_value.to_string(),
            accumulated: d.accumulated.to_string(),
            schedule: d
                .months
                .iter()
                .map(|m| PeriodBody {
                    period: format!("{:04}-{:02}", m.year, m.month),
                    depreciation: m.depreciation.to_string(),
                    accumulated: m.accumulated.to_string(),
                    book_value: m.book_value.to_string(),
                })
                .collect(),
            fiscal_years: d
                .fiscal_years
                .iter()
                .map(|y| PeriodBody {
                    period: format!("FY{}", y.fiscal_year),
                    depreciation: y.depreciation.to_string(),
                    accumulated: y.accumulated.to_string(),
                    book_value: y.book_value.to_string(),
                })
                .collect(),
            disposal: d.disposal.map(|x| DisposalBody {
                on: x.on.to_string(),
                proceeds: x.proceeds.to_string(),
                book_value: x.book_value.to_string(),
                gain: x.gain.to_string(),
            }),
        }
    }
}

/// An asset's book value and accumulated depreciation on a date, and its full schedule by month and by fiscal year
#[utoipa::path(get, path = "/api/v1/assets/{tag}/depreciation", tag = "assets", params(("tag" = String, Path), OnParams),
    responses((status = 200, body = DepreciationBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn asset_depreciation(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(tag): ApiPath<String>,
    ApiQuery(p): ApiQuery<OnParams>,
) -> Result<Json<DepreciationBody>, ApiError> {
    Ok(Json(ctx.app.asset_depreciation(&actor, &tag, p.on.as_deref()).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct PortfolioParams {
    /// YYYY-MM-DD (default today).
    pub on: Option<String>,
    /// class (default), organisation or cost_centre.
    pub by: Option<String>,
    /// json (default) or csv.
    pub format: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ValuationBody {
    pub group: String,
    pub count: i64,
    pub cost: String,
    pub accumulated: String,
    pub book_value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PortfolioBody {
    pub on: String,
    pub by: String,
    pub currency: String,
    pub groups: Vec<ValuationBody>,
    pub total: ValuationBody,
}

fn valuation(v: &cairn_app::asset::depreciation::Valuation) -> ValuationBody {
    ValuationBody {
        group: v.group.clone(),
        count: v.count,
        cost: v.cost.to_string(),
        accumulated: v.accumulated.to_string(),
        book_value: v.book_value.to_string(),
    }
}

/// The portfolio as CSV: one line per group and the total.
pub(crate) fn portfolio_csv(p: &Portfolio) -> Response {
    let mut w = csv::Writer::from_writer(Vec::new());
    let rows = std::iter::once(["group".to_string(), "count".into(), "cost".into(), "accumulated".into(), "book_value".into()]).chain(
        p.groups
            .iter()
            .chain(std::iter::once(&p.total))
            .map(|v| [v.group.clone(), v.count.to_string(), v.cost.to_string(), v.accumulated.to_string(), v.book_value.to_string()]),
    );
    for r in rows {
        if w.write_record(&r).is_err() {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    let body = w.into_inner().unwrap_or_default();
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"asset-portfolio-{}-{}.csv\"", p.by.as_str(), p.on)) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The grouping asked for (default class).
pub(crate) fn grouping(by: Option<&str>) -> Result<Grouping, cairn_app::AppError> {
    Ok(match by.map(str::trim).filter(|s| !s.is_empty()) {
        Some(b) => Grouping::parse("by", b)?,
        None => Grouping::Class,
    })
}

/// The portfolio on a date: cost, accumulated depreciation and book value by class, organisation or cost centre (JSON or CSV)
#[utoipa::path(get, path = "/api/v1/reports/asset-portfolio", tag = "assets", params(PortfolioParams),
    responses((status = 200, body = PortfolioBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn portfolio(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<PortfolioParams>,
) -> Result<Response, ApiError> {
    let by = grouping(p.by.as_deref())?;
    let report = ctx.app.asset_portfolio(&actor, p.on.as_deref(), by).await?;
    match p.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(PortfolioBody {
            on: report.on.to_string(),
            by: report.by.as_str().into(),
            currency: report.currency.clone(),
            groups: report.groups.iter().map(valuation).collect(),
            total: valuation(&report.total),
        })
        .into_response()),
        "csv" => Ok(portfolio_csv(&report)),
        other => Err(cairn_app::AppError::invalid("format", format!("'{other}' is not json or csv")).into()),
    }
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create_asset, list_assets, get_asset, update_asset, check_out, check_in, asset_history, asset_depreciation, portfolio))]
pub(crate) struct ApiDoc;
