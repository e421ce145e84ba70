//! Imports through the API and the web UI: the file is streamed into the import's
//! parts as it arrives (never held whole), then queued for the background job; the
//! import's page and `GET /api/v1/cmdb/imports/{id}` show its progress and report.
//! Also the ranking of sources that source precedence follows.

use askama::Template;
use axum::Json;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::cmdb::import::ImportOptions;
use cairn_app::cmdb::import::job::MAX_UPLOAD;
use cairn_app::cmdb::import::read::Format;
use cairn_app::platform::admin::Admin;
use cairn_domain::ids::ImportId;
use cairn_domain::platform::access::Actor;
use cairn_store::cmdb::imports::ImportRow;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::json::JsonBody;
use crate::platform::csrf;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::{ApiActor, Session};
use crate::routes::{Routes, get};
use crate::time::{rfc3339, short};

/// The size of the parts an upload is stored in.
const PART: usize = 1024 * 1024;

pub(crate) fn api() -> Routes {
    Routes::new()
        .route("/api/v1/cmdb/imports", get(list_imports).post(create_import))
        .route("/api/v1/cmdb/imports/{id}", get(get_import))
        .route("/api/v1/cmdb/sources", get(get_sources).put(put_sources))
}

pub(crate) fn ui() -> Routes {
    // The form's fields and the multipart framing come on top of the file.
    let limit = MAX_UPLOAD as usize + 64 * 1024;
    Routes::new().route("/cis/imports", get(imports_page).post(upload).body_limit(limit)).route("/cis/imports/{id}", get(import_page))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RefusedRow {
    pub line: u64,
    pub reason: String,
}

/// An import: what was asked, how far it is, and (once done) its report.
#[derive(Serialize, ToSchema)]
pub(crate) struct ImportBody {
    pub id: i64,
    /// `uploading`, `queued`, `checking` (the whole file is read once first), `running`, `done` or `failed`.
    pub state: String,
    pub class: Option<String>,
    pub source: String,
    pub format: String,
    pub dry_run: bool,
    pub created_by: Option<String>,
    pub bytes_total: i64,
    pub bytes_done: i64,
    pub rows_done: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    /// Every refused row is counted here; the first 1,000 are listed.
    pub refused_count: i64,
    pub refused: Vec<RefusedRow>,
    /// Why the file could not be imported at all.
    pub error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

fn import_body(r: ImportRow) -> ImportBody {
    #[derive(Deserialize)]
    struct Kept {
        line: u64,
        reason: String,
    }
    let refused: Vec<Kept> = serde_json::from_str(&r.refused).unwrap_or_default();
    ImportBody {
        id: r.id.0,
        state: r.state.as_str().into(),
        class: r.class,
        source: r.source,
        format: r.format,
        dry_run: r.dry_run,
        created_by: r.created_by,
        bytes_total: r.bytes_total,
        bytes_done: r.bytes_done,
        rows_done: r.rows_done,
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        refused_count: r.refused_count,
        refused: refused.into_iter().map(|k| RefusedRow { line: k.line, reason: k.reason }).collect(),
        error: r.error,
        created_at: rfc3339(r.created_at),
        finished_at: r.finished_at.map(rfc3339),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    /// The class of rows without a `class` column.
    class: Option<String>,
    /// Who the data comes from (for source precedence).
    source: String,
    #[serde(default)]
    dry_run: bool,
    /// `csv` or `json`; by default from the Content-Type.
    format: Option<String>,
}

fn too_large() -> String {
    format!("the file is larger than the {} MiB the API takes; import it with `cairn cmdb import`", MAX_UPLOAD / 1024 / 1024)
}

/// Streams a body into an import's parts; `Err` with the reason when it is too large
/// or broken off (the import is then failed and its parts dropped).
async fn store_body(
    ctx: &Ctx,
    actor: &Actor,
    id: ImportId,
    mut chunks: impl futures_util::Stream<Item = Result<axum::body::Bytes, String>> + Unpin,
) -> Result<(), ApiError> {
    let mut part = Vec::with_capacity(PART);
    let (mut seq, mut total) = (0_i64, 0_u64);
    let fail = |why: String| async move {
        ctx.app.abandon_import(actor, id, &why).await?;
        Ok::<_, ApiError>(why)
    };
    while let Some(chunk) = chunks.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => return Err(ApiError::BadRequest { field: None, message: fail(format!("the upload broke off: {e}")).await? }),
        };
        total += chunk.len() as u64;
        if total > MAX_UPLOAD {
            return Err(ApiError::TooLarge(fail(too_large()).await?));
        }
        part.extend_from_slice(&chunk);
        while part.len() >= PART {
            let rest = part.split_off(PART);
            ctx.app.add_import_part(actor, id, seq, std::mem::replace(&mut part, rest)).await?;
            seq += 1;
        }
    }
    if !part.is_empty() {
        ctx.app.add_import_part(actor, id, seq, part).await?;
    }
    Ok(())
}

/// Import CIs or relations from a CSV or JSON file (the request body), reconciled
/// with the CMDB in the background; follow it at the `Location` returned
#[utoipa::path(post, path = "/api/v1/cmdb/imports", tag = "cmdb", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The file: CSV whose first row names the columns, or a JSON array of objects (application/json)"),
    responses((status = 202, body = ImportBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn create_import(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    q: Result<ApiQuery<ImportQuery>, ApiError>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // Who may import is told before what is wrong with the request.
    cairn_app::agents_only(&actor)?;
    let ApiQuery(q) = q?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let format = match q.format.as_deref() {
        Some(f) => Format::parse(f).ok_or_else(|| AppError::invalid("format", format!("unknown format '{f}'; csv or json")))?,
        None => Format::parse(content_type.split(';').next().unwrap_or_default().trim())
            .ok_or_else(|| AppError::invalid("format", "send the file as text/csv or application/json, or say ?format=csv|json"))?,
    };
    let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > MAX_UPLOAD) {
        return Err(ApiError::TooLarge(too_large()));
    }
    let options = ImportOptions { class: q.class.filter(|c| !c.is_empty()), source: q.source, dry_run: q.dry_run };
    let id = ctx.app.begin_import(&actor, &options, format).await?;
    store_body(&ctx, &actor, id, body.into_data_stream().map(|r| r.map_err(|e| e.to_string()))).await?;
    let row = ctx.app.queue_import(&actor, id).await?;
    let location = format!("/api/v1/cmdb/imports/{id}");
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(import_body(row))).into_response())
}

/// An import's progress and report
#[utoipa::path(get, path = "/api/v1/cmdb/imports/{id}", tag = "cmdb", params(("id" = i64, Path)),
    responses((status = 200, body = ImportBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn get_import(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ImportBody>, ApiError> {
    Ok(Json(import_body(ctx.app.ci_import(&actor, ImportId(id)).await?)))
}

/// The latest 50 imports, newest first
#[utoipa::path(get, path = "/api/v1/cmdb/imports", tag = "cmdb", responses((status = 200, body = Vec<ImportBody>)), security(("bearer" = [])))]
pub(crate) async fn list_imports(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<Vec<ImportBody>>, ApiError> {
    Ok(Json(ctx.app.ci_imports(&actor).await?.into_iter().map(import_body).collect()))
}

/// The ranking of sources, most trusted first: an import never overwrites a value a
/// more trusted source set. Unranked sources come last; `manual` is the API and the UI.
#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct SourcesBody {
    pub ranking: Vec<String>,
}

/// The ranking of import sources
#[utoipa::path(get, path = "/api/v1/cmdb/sources", tag = "cmdb", responses((status = 200, body = SourcesBody)), security(("bearer" = [])))]
pub(crate) async fn get_sources(State(ctx): State<Ctx>, ApiActor(actor): ApiActor) -> Result<Json<SourcesBody>, ApiError> {
    Ok(Json(SourcesBody { ranking: ctx.app.ci_sources(&actor).await? }))
}

/// Replace the ranking of import sources (administrators)
#[utoipa::path(put, path = "/api/v1/cmdb/sources", tag = "cmdb", request_body = SourcesBody,
    responses((status = 200, body = SourcesBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub(crate) async fn put_sources(
    State(ctx): State<Ctx>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<SourcesBody>,
) -> Result<Json<SourcesBody>, ApiError> {
    let admin = Admin::from_actor(&actor)?;
    Ok(Json(SourcesBody { ranking: ctx.app.set_ci_sources(&admin, &b.ranking).await? }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create_import, get_import, list_imports, get_sources, put_sources))]
pub(crate) struct ApiDoc;

pub(crate) struct ImportLine {
    pub id: i64,
    pub state: String,
    pub what: String,
    pub counts: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "cmdb/imports.html")]
pub(crate) struct ImportsPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub classes: Vec<(String, String)>,
    pub ranking: String,
    pub imports: Vec<ImportLine>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "cmdb/import.html")]
pub(crate) struct ImportPage {
    pub me: Option<Me>,
    pub i: ImportBody,
    pub running: bool,
    pub percent: i64,
}

fn what(r: &ImportRow) -> String {
    let class = r.class.as_deref().map(|c| format!(" of {}", c.replace('_', " "))).unwrap_or_default();
    format!("{} from {}{class}{}", r.format.to_uppercase(), r.source, if r.dry_run { " (dry run)" } else { "" })
}

async fn list(ctx: &Ctx, s: &Session, error: Option<String>) -> Response {
    let (tree, imports, ranking) =
        match tokio::try_join!(ctx.app.ci_classes(&s.actor), ctx.app.ci_imports(&s.actor), ctx.app.ci_sources(&s.actor)) {
            Ok(x) => x,
            Err(e) => return error_page(Some(s), e),
        };
    let imports = imports
        .into_iter()
        .map(|r| ImportLine {
            id: r.id.0,
            what: what(&r),
            counts: format!("{} created, {} updated, {} unchanged, {} refused", r.created, r.updated, r.unchanged, r.refused_count),
            state: r.state.as_str().into(),
            at: short(r.created_at),
        })
        .collect();
    let page = ImportsPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        csrf: s.csrf.clone(),
        classes: tree.all().iter().map(|k| (k.code.clone(), k.label.clone())).collect(),
        ranking: if ranking.is_empty() { "none: every source may overwrite every other".into() } else { ranking.join(" › ") },
        imports,
        error: error.clone(),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    (status, render(page)).into_response()
}

pub(crate) async fn imports_page(State(ctx): State<Ctx>, s: Session) -> Response {
    list(&ctx, &s, None).await
}

pub(crate) async fn import_page(State(ctx): State<Ctx>, s: Session, ApiPath(id): ApiPath<i64>) -> Response {
    match ctx.app.ci_import(&s.actor, ImportId(id)).await {
        Ok(r) => {
            let running = !r.state.finished();
            let percent = (r.bytes_done * 100).checked_div(r.bytes_total).unwrap_or(0).clamp(0, 100);
            render(ImportPage { me: Some(Me::new(&s.actor, &s.csrf)), i: import_body(r), running, percent })
        }
        Err(e) => error_page(Some(&s), e),
    }
}

/// The upload form: the token and the options come before the file (browsers send
/// fields in the form's order), so nothing is stored for a form that fails its check.
pub(crate) async fn upload(State(ctx): State<Ctx>, s: Session, form: Result<Multipart, MultipartRejection>) -> Response {
    if let Err(e) = cairn_app::agents_only(&s.actor) {
        return error_page(Some(&s), e);
    }
    let mut form = match form {
        Ok(f) => f,
        Err(e) => return list(&ctx, &s, Some(format!("send the file as a form upload: {}", e.body_text()))).await,
    };
    let mut fields = std::collections::HashMap::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return list(&ctx, &s, Some("choose a file to import".into())).await,
            Err(e) => return list(&ctx, &s, Some(format!("the upload broke off: {e}"))).await,
        };
        let name = field.name().unwrap_or_default().to_string();
        if name != "file" {
            fields.insert(name, field.text().await.unwrap_or_default());
            continue;
        }
        if !csrf::same(&s.csrf, fields.get("csrf").map(String::as_str).unwrap_or_default()) {
            return error_page(Some(&s), AppError::Forbidden("The form expired. Go back, reload the page and try again.".into()));
        }
        let file_name = field.file_name().unwrap_or_default().to_string();
        let Some(format) = Format::of_path(std::path::Path::new(&file_name)) else {
            return list(&ctx, &s, Some(format!("{file_name}: choose a .csv or .json file"))).await;
        };
        let options = ImportOptions {
            class: fields.get("class").cloned().filter(|c| !c.is_empty()),
            source: fields.get("source").cloned().unwrap_or_default(),
            dry_run: fields.contains_key("dry_run"),
        };
        let id = match ctx.app.begin_import(&s.actor, &options, format).await {
            Ok(id) => id,
            Err(e @ AppError::Invalid { .. }) => return list(&ctx, &s, Some(e.to_string())).await,
            Err(e) => return error_page(Some(&s), e),
        };
        let stream = field.map(|r| r.map_err(|e| e.to_string()));
        if let Err(e) = store_body(&ctx, &s.actor, id, stream).await {
            let why = match e {
                ApiError::TooLarge(m) | ApiError::BadRequest { message: m, .. } => m,
                ApiError::App(e) => return error_page(Some(&s), e),
                ApiError::PreconditionRequired => "the upload failed".into(),
            };
            return list(&ctx, &s, Some(why)).await;
        }
        return match ctx.app.queue_import(&s.actor, id).await {
            Ok(_) => Redirect::to(&format!("/cis/imports/{id}")).into_response(),
            Err(e) => error_page(Some(&s), e),
        };
    }
}
