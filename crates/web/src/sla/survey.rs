//! The satisfaction survey behind the link sent at resolution: no sign-in, the secret
//! link is the key. `?rating=N` (the one-click links of the message) opens the form
//! with that rating chosen; only sending it records anything, since a GET must not
//! change state (mail scanners and link previews open every link). The rest of the
//! questions can be answered once after a rating.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::sla::surveys::{SurveyAnswer, SurveyView};
use cairn_domain::sla::survey::Question;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::status_of;
use crate::platform::page::{Me, render};

#[derive(Template)]
#[template(path = "sla/survey.html")]
pub(crate) struct SurveyPage {
    pub me: Option<Me>,
    pub token: String,
    pub number: String,
    pub title: String,
    pub rating_label: String,
    pub effort_label: Option<String>,
    /// (input name, question)
    pub extra: Vec<(String, Question)>,
    /// The rating recorded (thanks shown).
    pub rated: Option<i64>,
    /// The rating the link chose, not yet sent.
    pub chosen: Option<i64>,
    /// The rest of the questions can still be answered (after a one-click rating).
    pub ask_details: bool,
    pub show_form: bool,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl SurveyPage {
    /// Whether the link chose rating `r`.
    pub fn chosen_is(&self, r: &dyn std::fmt::Display) -> bool {
        self.chosen.is_some_and(|c| c.to_string() == r.to_string())
    }

    fn of(token: String, v: &SurveyView) -> SurveyPage {
        SurveyPage {
            me: None,
            token,
            number: v.number.clone(),
            title: v.title.clone(),
            rating_label: v.questions.rating.clone(),
            effort_label: v.questions.effort.clone(),
            extra: v.questions.extra.iter().enumerate().map(|(i, q)| (format!("q{}", i + 1), q.clone())).collect(),
            rated: v.rating,
            chosen: None,
            ask_details: v.rating.is_some() && !v.details && !v.expired,
            show_form: !v.expired && (v.rating.is_none() || !v.details),
            notice: None,
            error: if v.expired && v.rating.is_none() { Some("conflict: this survey has expired".into()) } else { None },
        }
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct OneClick {
    rating: Option<String>,
}

fn number(field: &'static str, v: Option<&str>) -> Result<Option<i64>, AppError> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(x) => x.parse().map(Some).map_err(|_| AppError::invalid(field, format!("'{x}' is not from 1 to 5"))),
    }
}

/// Reads the form: rating, effort, comment and q1 … q5.
fn read(pairs: &[(String, String)]) -> Result<(Option<i64>, SurveyAnswer), AppError> {
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let rating = number("rating", field("rating"))?;
    let answer = SurveyAnswer {
        effort: number("effort", field("effort"))?,
        comment: field("comment").map(str::to_string),
        answers: (1..=cairn_domain::sla::survey::MAX_QUESTIONS).map(|i| field(&format!("q{i}")).map(str::to_string)).collect(),
    };
    Ok((rating, answer))
}

async fn answer(ctx: &Ctx, token: String, pairs: Vec<(String, String)>) -> Response {
    let result = match read(&pairs) {
        Ok((rating, a)) => ctx.app.answer_survey(&token, rating, a).await,
        Err(e) => Err(e),
    };
    let (status, error) = match result {
        Ok(_) => (StatusCode::OK, None),
        Err(AppError::NotFound(_)) => return not_found(token),
        Err(e @ AppError::Internal(_)) => {
            tracing::error!(error = %e, "survey answer failed");
            (status_of(&e), Some("Something went wrong; please try again later.".to_string()))
        }
        Err(e) => (status_of(&e), Some(e.to_string())),
    };
    let view = match ctx.app.survey(&token).await {
        Ok(v) => v,
        Err(_) => return not_found(token),
    };
    let mut page = SurveyPage::of(token, &view);
    if error.is_none() {
        page.notice =
            Some(if view.details { "Thank you, your answers are recorded.".into() } else { "Thank you, your rating is recorded.".into() });
    }
    page.error = error.or(page.error);
    (status, render(page)).into_response()
}

fn not_found(token: String) -> Response {
    let page = SurveyPage {
        me: None,
        token,
        number: String::new(),
        title: String::new(),
        rating_label: String::new(),
        effort_label: None,
        extra: vec![],
        rated: None,
        chosen: None,
        ask_details: false,
        show_form: false,
        notice: None,
        error: Some("This survey link is not valid.".into()),
    };
    (StatusCode::NOT_FOUND, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, Path(token): Path<String>, Query(q): Query<OneClick>) -> Response {
    match ctx.app.survey(&token).await {
        Ok(v) => {
            let mut page = SurveyPage::of(token, &v);
            page.chosen = q.rating.and_then(|r| r.trim().parse().ok()).filter(|r| (1..=5).contains(r));
            if page.chosen.is_some() && v.rating.is_none() && page.show_form {
                page.notice = Some("Press Send to record your rating; you can add a comment first.".into());
            }
            render(page)
        }
        Err(_) => not_found(token),
    }
}

pub(crate) async fn submit(State(ctx): State<Ctx>, Path(token): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Response {
    answer(&ctx, token, pairs).await
}
