//! Approvals in the browser: the approver's inbox (`/approvals`), one approval with its
//! request and answers (`/approvals/{id}`), and the page behind an email link
//! (`/approve/{token}`: no sign-in, the link is the key, and it works once). Opening a
//! link never decides anything; only the form's button does.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::request::fulfilment::{Case, Decision};
use cairn_domain::request::approval::ApprovalState;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::status_of;
use crate::platform::csrf::CsrfForm;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;
use crate::request::progress::RequestedView;
use crate::time::short;

/// An approval as its pages show it.
pub(crate) struct CaseView {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub requester: String,
    pub status: String,
    pub stage: i64,
    pub escalation: bool,
    pub state: String,
    pub asked: String,
    pub items: Vec<RequestedView>,
}

impl From<Case> for CaseView {
    fn from(c: Case) -> Self {
        CaseView {
            id: c.approval.id.0,
            number: c.request.number,
            title: c.request.title,
            requester: c.requester,
            status: c.request.status.label().into(),
            stage: c.approval.stage,
            escalation: c.approval.escalation,
            state: c.approval.state.as_str().into(),
            asked: short(c.approval.created_at),
            items: c.items.into_iter().map(|(r, a)| RequestedView::of(r, &a)).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "request/approvals.html")]
pub(crate) struct InboxPage {
    pub me: Option<Me>,
    pub cases: Vec<CaseView>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "request/approval.html")]
pub(crate) struct ApprovalPage {
    pub me: Option<Me>,
    /// Where the form posts (`/approvals/{id}` or `/approve/{token}`).
    pub action: String,
    pub csrf: String,
    pub case: Option<CaseView>,
    pub comment: String,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    done: Option<String>,
}

pub(crate) async fn inbox(State(ctx): State<Ctx>, s: Session, Query(q): Query<Done>) -> Response {
    match ctx.app.my_approvals(&s.actor).await {
        Ok(cases) => {
            let notice = q.done.map(|d| format!("Thank you: {}.", if d == "approved" { "approved" } else { "rejected" }));
            render(InboxPage { me: Some(Me::new(&s.actor, &s.csrf)), cases: cases.into_iter().map(Into::into).collect(), notice })
        }
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Path(id): Path<cairn_domain::ids::ApprovalId>) -> Response {
    match ctx.app.approval(&s.actor, id).await {
        Ok(c) => render(ApprovalPage {
            me: Some(Me::new(&s.actor, &s.csrf)),
            action: format!("/approvals/{id}"),
            csrf: s.csrf.clone(),
            case: Some(c.into()),
            comment: String::new(),
            notice: None,
            error: None,
        }),
        Err(e) => error_page(Some(&s), e),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
}

impl DecisionForm {
    fn decision(&self, via: &'static str) -> Decision {
        Decision { approve: self.decision == "approve", comment: Some(self.comment.clone()), via }
    }
}

/// The decision from the approver's own page (portal or agent UI).
pub(crate) async fn decide(
    State(ctx): State<Ctx>,
    s: Session,
    Path(id): Path<cairn_domain::ids::ApprovalId>,
    CsrfForm(f): CsrfForm<DecisionForm>,
) -> Response {
    let via = if s.actor.role.is_staff() { "agent" } else { "portal" };
    match ctx.app.decide(&s.actor, id, f.decision(via)).await {
        Ok(()) => {
            Redirect::to(&format!("/approvals?done={}", if f.decision == "approve" { "approved" } else { "rejected" })).into_response()
        }
        Err(e) => {
            let case = ctx.app.approval(&s.actor, id).await.ok().map(Into::into);
            let page = ApprovalPage {
                me: Some(Me::new(&s.actor, &s.csrf)),
                action: format!("/approvals/{id}"),
                csrf: s.csrf.clone(),
                case,
                comment: f.comment,
                notice: None,
                error: Some(e.to_string()),
            };
            (status_of(&e), render(page)).into_response()
        }
    }
}

fn link_page(token: &str, case: Option<CaseView>, comment: String, notice: Option<String>, error: Option<String>) -> ApprovalPage {
    ApprovalPage { me: None, action: format!("/approve/{token}"), csrf: String::new(), case, comment, notice, error }
}

/// The page behind an email link: the request and the form, or why the link no
/// longer works.
pub(crate) async fn link(State(ctx): State<Ctx>, Path(token): Path<String>) -> Response {
    match ctx.app.approval_by_link(&token).await {
        Ok(c) => {
            let decided = (c.approval.state != ApprovalState::Pending)
                .then(|| format!("This approval is already {}; the link works once.", c.approval.state.as_str()));
            let status = if decided.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
            (status, render(link_page(&token, Some(c.into()), String::new(), None, decided))).into_response()
        }
        Err(e) => (status_of(&e), render(link_page(&token, None, String::new(), None, Some(e.to_string())))).into_response(),
    }
}

pub(crate) async fn decide_by_link(State(ctx): State<Ctx>, Path(token): Path<String>, Form(f): Form<DecisionForm>) -> Response {
    let result = ctx.app.decide_by_link(&token, f.decision == "approve", Some(f.comment.clone())).await;
    let case = ctx.app.approval_by_link(&token).await.ok().map(Into::into);
    match result {
        Ok(()) => {
            let done = if f.decision == "approve" { "approved" } else { "rejected" };
            render(link_page(&token, case, String::new(), Some(format!("Thank you: you {done} it.")), None))
        }
        Err(e) => (status_of(&e), render(link_page(&token, case, f.comment, None, Some(e.to_string())))).into_response(),
    }
}
