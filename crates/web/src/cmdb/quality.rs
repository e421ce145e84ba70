//! Data quality through the API and on its page (`/cis/quality`): the four lists with
//! their counts, retiring CIs in bulk, and merging a duplicate into the CI kept.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::cmdb::quality::{Listed, Quality};
use cairn_store::cmdb::cis::CiRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::CiBody;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::json::JsonBody;
use crate::platform::csrf::CsrfForm;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::{ApiActor, Session};
use crate::routes::{Routes, get, post};
use crate::time::short;

pub(crate) fn api() -> Routes {
    Routes::new()
        .route("/api/v1/cmdb/quality", get(get_quality))
        .route("/api/v1/cmdb/retire", post(retire))
        .route("/api/v1/cmdb/merge", post(merge))
}

pub(crate) fn ui() -> Routes {
    Routes::new()
        .route("/cis/quality", get(page))
        .route("/cis/quality/retire", post(retire_form))
        .route("/cis/quality/merge", post(merge_form))
}

/// A CI in a list.
#[derive(Serialize, ToSchema)]
pub(crate) struct CiLine {
    pub number: String,
    pub name: String,
    pub class: String,
    pub status: String,
    /// When an import last saw it.
    pub seen_at: Option<String>,
}

fn line(r: &CiRow) -> CiLine {
    CiLine {
        number: r.ci.number.to_string(),
        name: r.ci.name.clone(),
        class: r.class_code.clone(),
        status: r.ci.status.as_str().into(),
        seen_at: r.ci.seen_at.map(crate::time::rfc3339),
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct DuplicateBody {
    /// The identifying attribute the CIs share a value of.
    pub attribute: String,
    /// The value as compared (trimmed, lower case).
    pub value: String,
    pub cis: Vec<CiLine>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MissingBody {
    pub ci: CiLine,
    /// The required attributes it has no value of.
    pub attributes: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct DuplicateList {
    pub count: i64,
    pub items: Vec<DuplicateBody>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CiList {
    pub count: i64,
    pub items: Vec<CiLine>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MissingList {
    pub count: i64,
    pub items: Vec<MissingBody>,
}

/// The data-quality lists; each counts all and lists the first 200. Retired CIs are in none.
#[derive(Serialize, ToSchema)]
pub(crate) struct QualityBody {
    /// CIs sharing the value of an identifying attribute.
    pub duplicates: DuplicateList,
    /// CIs with no relation, services and locations aside.
    pub orphans: CiList,
    pub stale_days: i64,
    /// CIs an import saw last over `stale_days` ago (CIs no import ever saw are not stale).
    pub stale: CiList,
    /// CIs without a value of a required attribute of their class.
    pub missing: MissingList,
}

fn cis(l: Listed<CiRow>) -> CiList {
    CiList { count: l.count, items: l.items.iter().map(line).collect() }
}

fn body(q: Quality) -> QualityBody {
    QualityBody {
        duplicates: DuplicateList {
            count: q.duplicates.count,
            items: q
                .duplicates
                .items
                .into_iter()
                .map(|d| DuplicateBody { attribute: d.attribute, value: d.value, cis: d.cis.iter().map(line).collect() })
                .collect(),
        },
        orphans: cis(q.orphans),
        stale_days: q.stale_days,
        stale: cis(q.stale),
        missing: MissingList {
            count: q.missing.count,
            items: q.missing.items.into_iter().map(|m| MissingBody { ci: line(&m.ci), attributes: m.attributes }).collect(),
        },
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct QualityQuery {
    /// Days without an import seeing a CI before it is stale (1..3650, default 90).
    stale_days: Option<i64>,
}

/// The data-quality lists: duplicate candidates, orphans, stale CIs, CIs missing required values
#[utoipa::path(get, path = "/api/v1/cmdb/quality", tag = "cmdb", params(QualityQuery),
    responses((status = 200, body = QualityBody), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn get_quality(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<QualityQuery>,
) -> Result<Json<QualityBody>, ApiError> {
    Ok(Json(body(ctx.app.ci_quality(&actor, q.stale_days).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetireRequest {
    /// The CIs' numbers (1 to 200).
    pub cis: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RetiredBody {
    pub retired: Vec<CiLine>,
}

/// Retire CIs in bulk: all or none (an unknown number refuses the whole list)
#[utoipa::path(post, path = "/api/v1/cmdb/retire", tag = "cmdb", request_body = RetireRequest,
    responses((status = 200, body = RetiredBody), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn retire(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(r): JsonBody<RetireRequest>,
) -> Result<Json<RetiredBody>, ApiError> {
    let retired = ctx.app.retire_cis(&actor, &r.cis).await?;
    Ok(Json(RetiredBody { retired: retired.iter().map(line).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MergeRequest {
    /// The CI kept.
    pub survivor: String,
    /// The CI merged into it and retired.
    pub duplicate: String,
}

/// Merge a duplicate into the CI kept: relations, ticket links and located CIs move to
/// the survivor, which takes the values it lacks; the duplicate is retired
#[utoipa::path(post, path = "/api/v1/cmdb/merge", tag = "cmdb", request_body = MergeRequest,
    responses((status = 200, body = CiBody), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn merge(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(r): JsonBody<MergeRequest>,
) -> Result<Json<CiBody>, ApiError> {
    Ok(Json(ctx.app.merge_cis(&actor, &r.survivor, &r.duplicate).await?.into()))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(get_quality, retire, merge))]
pub(crate) struct ApiDoc;

pub(crate) struct Shown {
    pub number: String,
    pub name: String,
    pub class: String,
    pub seen: String,
}

fn shown(r: &CiRow) -> Shown {
    Shown {
        number: r.ci.number.to_string(),
        name: r.ci.name.clone(),
        class: r.class_code.replace('_', " "),
        seen: r.ci.seen_at.map(short).unwrap_or_default(),
    }
}

pub(crate) struct Group {
    pub attribute: String,
    pub value: String,
    pub cis: Vec<Shown>,
}

#[derive(Template)]
#[template(path = "cmdb/quality.html")]
pub(crate) struct QualityPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub stale_days: i64,
    pub duplicates: (i64, Vec<Group>),
    pub orphans: (i64, Vec<Shown>),
    pub stale: (i64, Vec<Shown>),
    pub missing: (i64, Vec<(Shown, String)>),
    pub done: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct PageQuery {
    stale_days: Option<i64>,
    done: Option<String>,
}

async fn show(ctx: &Ctx, s: &Session, q: PageQuery, error: Option<String>) -> Response {
    let quality = match ctx.app.ci_quality(&s.actor, q.stale_days).await {
        Ok(x) => x,
        Err(e @ AppError::Invalid { .. }) => return Box::pin(show(ctx, s, PageQuery::default(), Some(e.to_string()))).await,
        Err(e) => return error_page(Some(s), e),
    };
    let list = |l: &Listed<CiRow>| (l.count, l.items.iter().map(shown).collect());
    let page = QualityPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        csrf: s.csrf.clone(),
        stale_days: quality.stale_days,
        duplicates: (
            quality.duplicates.count,
            quality
                .duplicates
                .items
                .iter()
                .map(|d| Group { attribute: d.attribute.replace('_', " "), value: d.value.clone(), cis: d.cis.iter().map(shown).collect() })
                .collect(),
        ),
        orphans: list(&quality.orphans),
        stale: list(&quality.stale),
        missing: (quality.missing.count, quality.missing.items.iter().map(|m| (shown(&m.ci), m.attributes.join(", "))).collect()),
        done: q.done.filter(|d| matches!(d.as_str(), "retired" | "merged")),
        error: error.clone(),
    };
    let status = if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    (status, render(page)).into_response()
}

pub(crate) async fn page(State(ctx): State<Ctx>, s: Session, Query(q): Query<PageQuery>) -> Response {
    show(&ctx, &s, q, None).await
}

/// The retire form: a checkbox `ci` per CI ticked.
pub(crate) async fn retire_form(State(ctx): State<Ctx>, s: Session, CsrfForm(fields): CsrfForm<Vec<(String, String)>>) -> Response {
    let numbers: Vec<String> = fields.into_iter().filter(|(k, _)| k == "ci").map(|(_, v)| v).collect();
    if numbers.is_empty() {
        return show(&ctx, &s, PageQuery::default(), Some("tick the CIs to retire".into())).await;
    }
    match ctx.app.retire_cis(&s.actor, &numbers).await {
        Ok(_) => Redirect::to("/cis/quality?done=retired").into_response(),
        Err(e @ AppError::Invalid { .. }) => show(&ctx, &s, PageQuery::default(), Some(e.to_string())).await,
        Err(e) => error_page(Some(&s), e),
    }
}

#[derive(Deserialize)]
pub(crate) struct MergeForm {
    survivor: String,
    duplicate: String,
}

pub(crate) async fn merge_form(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<MergeForm>) -> Response {
    match ctx.app.merge_cis(&s.actor, &f.survivor, &f.duplicate).await {
        Ok(ci) => Redirect::to(&format!("/cis/{}?done=merged", ci.ci.number)).into_response(),
        Err(e @ AppError::Invalid { .. }) => show(&ctx, &s, PageQuery::default(), Some(e.to_string())).await,
        Err(e) => error_page(Some(&s), e),
    }
}
