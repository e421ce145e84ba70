//! The article editor: a new draft (blank, or written from a ticket or a known error)
//! and a new version of an article. A refused save comes back as typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::knowledge::ArticleInput;
use serde::Deserialize;

use super::pages::day;
use crate::ctx::Ctx;
use crate::platform::csrf::CsrfForm;
use crate::platform::form::list;
use crate::platform::page::{Me, Refusal, error_page, lookups, render};
use crate::platform::session::Session;

#[derive(Template)]
#[template(path = "knowledge/article_form.html")]
pub(crate) struct FormPage {
    pub me: Option<Me>,
    pub csrf: String,
    /// None for a new article.
    pub number: Option<String>,
    pub f: ArticleForm,
    pub agents: Vec<String>,
    pub organisations: Vec<String>,
    pub error: Option<String>,
}

/// The editor's fields, as typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct ArticleForm {
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub orgs: String,
    #[serde(default)]
    pub reviewer: String,
    #[serde(default)]
    pub note: String,
    /// When it is due for review again (YYYY-MM-DD).
    #[serde(default)]
    pub review_on: String,
    /// The ticket or known error a new draft is written from.
    #[serde(default)]
    pub source: String,
}

impl ArticleForm {
    fn input(&self) -> Result<ArticleInput, AppError> {
        let review_at = match self.review_on.trim() {
            "" => None,
            d => Some(
                d.parse::<jiff::civil::Date>()
                    .ok()
                    .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                    .ok_or_else(|| AppError::invalid("review_on", format!("'{d}' is not a date (YYYY-MM-DD)")))?
                    .timestamp()
                    .as_millisecond(),
            ),
        };
        Ok(ArticleInput {
            title: Some(self.title.clone()),
            body: Some(self.body.clone()),
            category: Some(self.category.clone()),
            tags: Some(list(&self.tags)),
            audience: Some(self.audience.clone()).filter(|a| !a.is_empty()),
            orgs: Some(list(&self.orgs)),
            reviewer: Some(self.reviewer.clone()),
            review_at,
            note: Some(self.note.clone()).filter(|n| !n.trim().is_empty()),
        })
    }
}

async fn form_page(ctx: &Ctx, s: &Session, number: Option<String>, f: ArticleForm, refused: Option<Refusal>) -> Response {
    let (_, agents) = lookups(ctx, s).await;
    let organisations = ctx.app.organisations(&s.actor).await.unwrap_or_default().into_iter().map(|(n, _)| n).collect();
    let (status, error) = Refusal::split(refused);
    let page = FormPage { me: Some(Me::new(&s.actor, &s.csrf)), csrf: s.csrf.clone(), number, f, agents, organisations, error };
    (status, render(page)).into_response()
}

#[derive(Deserialize, Default)]
pub(crate) struct NewQuery {
    ticket: Option<String>,
    known_error: Option<String>,
}

/// The editor for a new article, prefilled from a ticket or a known error when asked.
pub(crate) async fn new_form(State(ctx): State<Ctx>, s: Session, Query(q): Query<NewQuery>) -> Response {
    let prefill = match (&q.ticket, &q.known_error) {
        (Some(t), _) => ctx.app.article_from_ticket(&s.actor, t).await.map(Some),
        (None, Some(k)) => ctx.app.article_from_known_error(&s.actor, k).await.map(Some),
        (None, None) => ctx.app.organisations(&s.actor).await.map(|_| None),
    };
    let f = match prefill {
        Ok(Some(p)) => ArticleForm {
            title: p.title.unwrap_or_default(),
            body: p.body.unwrap_or_default(),
            category: p.category.unwrap_or_default(),
            tags: p.tags.unwrap_or_default().join(", "),
            source: q.ticket.or(q.known_error).unwrap_or_default(),
            ..ArticleForm::default()
        },
        Ok(None) => ArticleForm::default(),
        Err(e) => return error_page(Some(&s), e),
    };
    form_page(&ctx, &s, None, f, None).await
}

pub(crate) async fn create(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<ArticleForm>) -> Response {
    let source = Some(f.source.clone()).filter(|x| !x.is_empty());
    let created = match f.input() {
        Ok(input) => ctx.app.create_article(&s.actor, input, source).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(a) => Redirect::to(&format!("/knowledge/{}?done=created", a.number)).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::InvalidTransition(_))) => form_page(&ctx, &s, None, f, Some(Refusal::of(&e))).await,
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn edit_form(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>) -> Response {
    if !s.actor.role.is_staff() {
        return error_page(Some(&s), AppError::Forbidden("agents only".into()));
    }
    let a = match ctx.app.article(&s.actor, &number, false).await {
        Ok(a) => a,
        Err(e) => return error_page(Some(&s), e),
    };
    let f = ArticleForm {
        version: a.version,
        title: a.title,
        body: a.body,
        category: a.category.unwrap_or_default(),
        tags: a.tags.join(", "),
        audience: a.audience.as_str().into(),
        orgs: a.orgs.join(", "),
        reviewer: a.reviewer_name.unwrap_or_default(),
        review_on: a.review_at.map(day).unwrap_or_default(),
        ..ArticleForm::default()
    };
    form_page(&ctx, &s, Some(a.number), f, None).await
}

pub(crate) async fn update(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, CsrfForm(f): CsrfForm<ArticleForm>) -> Response {
    let updated = match f.input() {
        Ok(input) => ctx.app.update_article(&s.actor, &number, f.version, input).await,
        Err(e) => Err(e),
    };
    match updated {
        Ok(a) => Redirect::to(&format!("/knowledge/{}?done=saved", a.number)).into_response(),
        Err(AppError::Stale) => {
            let msg = "Someone saved this article while you were editing it. Open it again and redo your change.";
            form_page(&ctx, &s, Some(number), f, Some(Refusal::saying(&AppError::Stale, msg))).await
        }
        Err(e @ AppError::Invalid { .. }) => form_page(&ctx, &s, Some(number), f, Some(Refusal::of(&e))).await,
        Err(e) => error_page(Some(&s), e),
    }
}
