//! Knowledge pages: the list and search, and an article (rendered Markdown, feedback;
//! for agents its lifecycle, versions and differences). Requesters reach only
//! published articles of their audience, whatever the address.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::knowledge::versions_diff;
use cairn_domain::knowledge::{ArticleState, DiffLine};
use cairn_store::knowledge::Article;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::markdown::to_html;
use crate::platform::csrf::CsrfForm;
use crate::platform::page::{Me, Refusal, error_page, render};
use crate::platform::session::Session;
use crate::time::short;

/// An article in a list: number, title, state, last change.
pub(crate) struct ArticleRow {
    pub number: String,
    pub title: String,
    pub state_label: &'static str,
    pub updated: String,
    /// The review date, when one is set.
    pub review: String,
}

impl From<&Article> for ArticleRow {
    fn from(a: &Article) -> ArticleRow {
        ArticleRow {
            number: a.number.clone(),
            title: a.title.clone(),
            state_label: a.state.label(),
            updated: short(a.updated_at),
            review: a.review_at.map(day).unwrap_or_default(),
        }
    }
}

/// A date as the editor's date field writes it.
pub(crate) fn day(ms: i64) -> String {
    short(ms).split(' ').next().unwrap_or_default().to_string()
}

#[derive(Template)]
#[template(path = "knowledge/knowledge.html")]
pub(crate) struct ListPage {
    pub me: Option<Me>,
    pub staff: bool,
    pub q: String,
    pub state: String,
    /// Showing the articles due for review.
    pub due: bool,
    pub states: [ArticleState; 4],
    pub rows: Vec<ArticleRow>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    /// "due": agents' articles whose review date has come.
    #[serde(default)]
    review: String,
}

pub(crate) async fn index(State(ctx): State<Ctx>, s: Session, Query(q): Query<ListQuery>) -> Response {
    let staff = s.actor.role.is_staff();
    let state = Some(q.state.as_str()).filter(|s| staff && !s.is_empty());
    let text = Some(q.q.as_str()).filter(|t| !t.trim().is_empty());
    let due = staff && q.review == "due";
    let found =
        if due { ctx.app.articles_due_for_review(&s.actor, 50).await } else { ctx.app.search_articles(&s.actor, text, state, 50).await };
    let (rows, error) = match found {
        Ok(found) => (found.iter().map(ArticleRow::from).collect(), None),
        Err(e @ AppError::Invalid { .. }) => (vec![], Some(e.to_string())),
        Err(e) => return error_page(Some(&s), e),
    };
    render(ListPage { me: Some(Me::new(&s.actor, &s.csrf)), staff, q: q.q, state: q.state, due, states: ArticleState::ALL, rows, error })
}

#[derive(Template)]
#[template(path = "knowledge/article.html")]
pub(crate) struct ArticlePage {
    pub me: Option<Me>,
    pub staff: bool,
    pub csrf: String,
    pub a: Article,
    pub body_html: String,
    pub state_label: &'static str,
    /// (state, button label) the agent may move it to.
    pub moves: Vec<(&'static str, &'static str)>,
    /// (version, author, note, when)
    pub versions: Vec<(i64, String, String, String)>,
    /// Compared with the current text: (from version, lines as (op, text)).
    pub diff: Option<(i64, Vec<(&'static str, String)>)>,
    /// (who, helpful, comment, when)
    pub feedback: Vec<(String, bool, String, String)>,
    /// Opened from suggestions, and of those how many raised no request.
    pub deflection: (i64, i64),
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ShowQuery {
    compare: Option<i64>,
    done: Option<String>,
    /// `suggestion` when the reader followed a suggestion.
    via: Option<String>,
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, Query(q): Query<ShowQuery>) -> Response {
    let notice = q.done.as_deref().map(|d| match d {
        "created" => "Draft saved.",
        "saved" => "Saved as a new version.",
        "state" => "State changed.",
        "restored" => "Restored as a new version.",
        _ => "Thank you for your feedback.",
    });
    let via = q.via.as_deref() == Some("suggestion");
    article_page(&ctx, &s, &number, (q.compare, via), notice.map(str::to_string), None).await
}

/// The article page; `(compare, via_suggestion)`: a version to compare with the current
/// one, and whether the reader followed a suggestion.
async fn article_page(
    ctx: &Ctx,
    s: &Session,
    number: &str,
    (compare, via): (Option<i64>, bool),
    notice: Option<String>,
    refused: Option<Refusal>,
) -> Response {
    let a = match ctx.app.article(&s.actor, number, via).await {
        Ok(a) => a,
        Err(e) => return error_page(Some(s), e),
    };
    let staff = s.actor.role.is_staff();
    let (mut versions, mut feedback, mut diff, mut deflection) = (vec![], vec![], None, (0, 0));
    if staff {
        let record = ctx.app.article_record(&s.actor, &a).await.unwrap_or_default();
        if let (Some(from), Some(current)) = (compare, record.versions.first().map(|v| v.version)) {
            match versions_diff(&record.versions, number, from, current) {
                Ok(lines) => diff = Some((from, lines.into_iter().map(line).collect())),
                Err(e) => return error_page(Some(s), e),
            }
        }
        deflection = record.deflection;
        versions = record.versions.into_iter().map(|v| (v.version, v.author.unwrap_or_default(), v.note, short(v.created_at))).collect();
        feedback = record.feedback.into_iter().map(|(who, helpful, comment, at)| (who, helpful, comment, short(at))).collect();
    }
    let moves = if staff {
        let st = a.state;
        // Sending to review without a reviewer is offered: the refusal says what to do.
        let offered = |to: ArticleState| !matches!(cairn_app::knowledge::may_move(&s.actor, &a, to), Err(AppError::Forbidden(_)));
        st.next()
            .iter()
            .filter(|n| offered(**n))
            .map(|n| {
                let label = match (st, n) {
                    (_, ArticleState::InReview) => "Send to review",
                    (_, ArticleState::Published) => "Publish",
                    (_, ArticleState::Retired) => "Retire",
                    (ArticleState::InReview, ArticleState::Draft) => "Send back to draft",
                    (_, ArticleState::Draft) => "Back to draft",
                };
                (n.as_str(), label)
            })
            .collect()
    } else {
        vec![]
    };
    let (status, error) = Refusal::split(refused);
    let page = ArticlePage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        staff,
        csrf: s.csrf.clone(),
        body_html: to_html(&a.body),
        state_label: a.state.label(),
        a,
        moves,
        versions,
        diff,
        feedback,
        deflection,
        notice,
        error,
    };
    (status, render(page)).into_response()
}

fn line(l: DiffLine) -> (&'static str, String) {
    match l {
        DiffLine::Same(t) => ("same", t),
        DiffLine::Removed(t) => ("removed", t),
        DiffLine::Added(t) => ("added", t),
    }
}

#[derive(Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    restore: i64,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    helpful: String,
    #[serde(default)]
    comment: String,
}

pub(crate) async fn set_state(
    State(ctx): State<Ctx>,
    s: Session,
    Path(number): Path<String>,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let r = ctx.app.set_article_state(&s.actor, &number, &f.state).await.map(|_| ());
    after(&ctx, &s, &number, "state", r).await
}

pub(crate) async fn restore(State(ctx): State<Ctx>, s: Session, Path(number): Path<String>, CsrfForm(f): CsrfForm<ActionForm>) -> Response {
    let r = ctx.app.restore_article(&s.actor, &number, f.restore, f.version).await.map(|_| ());
    after(&ctx, &s, &number, "restored", r).await
}

pub(crate) async fn feedback(
    State(ctx): State<Ctx>,
    s: Session,
    Path(number): Path<String>,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Response {
    let r = ctx.app.article_feedback(&s.actor, &number, f.helpful == "yes", &f.comment).await;
    after(&ctx, &s, &number, "feedback", r).await
}

/// Back to the article, or the article with the refusal's reason.
async fn after(ctx: &Ctx, s: &Session, number: &str, done: &str, r: Result<(), AppError>) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/knowledge/{number}?done={done}")).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_) | AppError::Stale)) => {
            article_page(ctx, s, number, (None, false), None, Some(Refusal::of(&e))).await
        }
        Err(e) => error_page(Some(s), e),
    }
}

#[derive(Deserialize)]
pub(crate) struct SuggestQuery {
    #[serde(default)]
    q: String,
}

/// Articles for what a requester is typing, as JSON for the page's script.
pub(crate) async fn suggest(State(ctx): State<Ctx>, s: Session, Query(q): Query<SuggestQuery>) -> Response {
    let found = tokio::try_join!(ctx.app.suggested_articles(&s.actor, &q.q, 5), ctx.app.matching_items(&s.actor, &q.q, 3));
    match found {
        Ok((articles, items)) => {
            let articles: Vec<serde_json::Value> =
                articles.into_iter().map(|a| serde_json::json!({"number": a.number, "title": a.title})).collect();
            let items: Vec<serde_json::Value> =
                items.into_iter().map(|i| serde_json::json!({"id": i.item.id, "name": i.item.name})).collect();
            axum::Json(serde_json::json!({"articles": articles, "items": items})).into_response()
        }
        Err(e) => error_page(Some(&s), e),
    }
}
