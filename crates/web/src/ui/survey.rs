//! The satisfaction survey behind the link sent at resolution: no sign-in, the secret
//! link is the key. `?rating=N` answers in one click (from a message); the form adds
//! effort and a comment.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use serde::Deserialize;

use super::pages::render;
use super::views::Me;
use crate::Ctx;

#[derive(Template)]
#[template(path = "survey.html")]
pub(crate) struct SurveyPage {
    pub me: Option<Me>,
    pub token: String,
    pub thanks: Option<i64>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct Answer {
    rating: Option<String>,
    effort: Option<String>,
    comment: Option<String>,
}

fn number(v: Option<String>) -> Result<Option<i64>, AppError> {
    match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(x) => x.parse().map(Some).map_err(|_| AppError::invalid("rating", format!("'{x}' is not from 1 to 5"))),
    }
}

async fn answer(ctx: &Ctx, token: String, a: Answer) -> Response {
    let rating = number(a.rating);
    let result = match (rating, number(a.effort)) {
        (Ok(r), Ok(e)) => ctx.app.answer_survey(&token, r, e, a.comment).await.map(|_| r.unwrap_or_default()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let (status, thanks, error) = match result {
        Ok(r) => (StatusCode::OK, Some(r), None),
        Err(e @ AppError::Invalid { .. }) => (StatusCode::UNPROCESSABLE_ENTITY, None, Some(e.to_string())),
        Err(e @ AppError::Conflict(_)) => (StatusCode::CONFLICT, None, Some(e.to_string())),
        Err(AppError::NotFound(_)) => (StatusCode::NOT_FOUND, None, Some("This survey link is not valid.".to_string())),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, None, Some("Something went wrong; please try again later.".to_string())),
    };
    (status, render(SurveyPage { me: None, token, thanks, error })).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, Path(token): Path<String>, Query(q): Query<Answer>) -> Response {
    if q.rating.is_some() {
        return answer(&ctx, token, q).await;
    }
    render(SurveyPage { me: None, token, thanks: None, error: None })
}

pub(crate) async fn submit(State(ctx): State<Ctx>, Path(token): Path<String>, Form(a): Form<Answer>) -> Response {
    answer(&ctx, token, a).await
}
