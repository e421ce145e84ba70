//! Problem-management pages: known errors (search, add, retire) and the problem
//! candidates proposed by recurring-incident detection (accept, dismiss, detect now).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::problem::KnownErrorInput;
use cairn_app::problem::recurring::Detect;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::form::filled;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;
use crate::time::short;

pub(crate) struct KnownErrorRow {
    pub number: String,
    pub title: String,
    pub symptom: String,
    pub root_cause: String,
    pub workaround: String,
    pub problem: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "problem/known_errors.html")]
pub(crate) struct KnownErrorsPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub q: String,
    pub rows: Vec<KnownErrorRow>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
    saved: Option<String>,
}

async fn known_errors_page(ctx: &Ctx, s: &Session, q: String, notice: Option<String>, error: Option<String>) -> Response {
    let found = match ctx.app.known_errors(&s.actor, Some(q.as_str()).filter(|q| !q.trim().is_empty())).await {
        Ok(f) => f,
        Err(e) => return error_page(Some(s), e),
    };
    let rows = found
        .into_iter()
        .map(|m| {
            let k = m.known_error;
            KnownErrorRow {
                number: k.number,
                title: k.title,
                symptom: k.symptom,
                root_cause: k.root_cause,
                workaround: k.workaround,
                problem: k.problem_number.unwrap_or_default(),
                active: k.status == cairn_domain::problem::KnownErrorStatus::Active,
            }
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = KnownErrorsPage { me: Some(Me::new(&s.actor, &s.csrf)), csrf: s.csrf.clone(), q, rows, notice, error };
    (status, render(page)).into_response()
}

pub(crate) async fn known_errors(State(ctx): State<Ctx>, s: Session, Query(q): Query<SearchQuery>) -> Response {
    let notice = q.saved.map(|_| "Saved.".to_string());
    known_errors_page(&ctx, &s, q.q, notice, None).await
}

#[derive(Deserialize)]
pub(crate) struct KnownErrorForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    symptom: String,
    #[serde(default)]
    root_cause: String,
    #[serde(default)]
    workaround: String,
    #[serde(default)]
    problem: String,
}

pub(crate) async fn create_known_error(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<KnownErrorForm>) -> Response {
    let input = KnownErrorInput {
        title: Some(f.title),
        symptom: Some(f.symptom),
        root_cause: filled(f.root_cause),
        workaround: filled(f.workaround),
        status: None,
        problem: filled(f.problem),
    };
    match ctx.app.create_known_error(&s.actor, input).await {
        Ok(k) => Redirect::to(&format!("/known-errors?q={}&saved=1", k.number)).into_response(),
        Err(e @ AppError::Invalid { .. }) => known_errors_page(&ctx, &s, String::new(), None, Some(e.to_string())).await,
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn retire_known_error(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, _: CsrfForm<Button>) -> Response {
    let input = KnownErrorInput { status: Some("retired".into()), ..KnownErrorInput::default() };
    match ctx.app.update_known_error(&s.actor, &number, input).await {
        Ok(_) => Redirect::to("/known-errors?saved=1").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) struct CandidateRow {
    pub id: i64,
    pub summary: String,
    pub terms: String,
    pub incidents: Vec<String>,
    pub first: String,
    pub last: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "problem/candidates.html")]
pub(crate) struct CandidatesPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub status: String,
    pub rows: Vec<CandidateRow>,
    pub notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct CandidateQuery {
    status: Option<String>,
    notice: Option<String>,
}

pub(crate) async fn candidates(State(ctx): State<Ctx>, s: Session, Query(q): Query<CandidateQuery>) -> Response {
    let status = q.status.unwrap_or_else(|| "proposed".into());
    let list = match ctx.app.problem_candidates(&s.actor, Some(status.as_str()).filter(|s| *s != "all")).await {
        Ok(l) => l,
        Err(e) => return error_page(Some(&s), e),
    };
    let rows = list
        .into_iter()
        .map(|(k, numbers)| CandidateRow {
            id: k.id.0,
            summary: cairn_app::problem::recurring::summary(&k, numbers.len()),
            terms: k.label,
            incidents: numbers,
            first: short(k.first_at),
            last: short(k.last_at),
            status: k.status.as_str().into(),
        })
        .collect();
    let notice = q.notice.as_deref().map(|n| match n {
        "accepted" => "Problem raised and linked to the incidents.".to_string(),
        "dismissed" => "Dismissed; it will not be proposed again.".to_string(),
        other => format!("Detection found {other} new candidates."),
    });
    render(CandidatesPage { me: Some(Me::new(&s.actor, &s.csrf)), csrf: s.csrf.clone(), status, rows, notice })
}

pub(crate) async fn accept(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>, _: CsrfForm<Button>) -> Response {
    match ctx.app.accept_candidate(&s.actor, cairn_domain::ids::CandidateId(id)).await {
        Ok(problem) => Redirect::to(&format!("/tickets/{problem}?created=1")).into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn dismiss(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>, _: CsrfForm<Button>) -> Response {
    match ctx.app.dismiss_candidate(&s.actor, cairn_domain::ids::CandidateId(id)).await {
        Ok(()) => Redirect::to("/problem-candidates?notice=dismissed").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn detect(State(ctx): State<Ctx>, s: Session, _: CsrfForm<Button>) -> Response {
    match ctx.app.detect_now(&s.actor, Detect::default()).await {
        Ok(r) => Redirect::to(&format!("/problem-candidates?notice={}", r.new_candidates)).into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}
