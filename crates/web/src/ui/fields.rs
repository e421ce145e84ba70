//! The ticket page's fields form. A plain post saves the form and comes back to the
//! page; a refused one comes back as typed, the field at fault marked and its message
//! beside it. The page's script also saves one field at a time (`Accept:
//! application/json`) and gets the ticket's fields back, or the field's message.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use cairn_app::AppError;
use cairn_app::ticket::TicketChange;
use serde::Deserialize;
use serde_json::json;

use super::pages::{Typed, csrf_rejected, error_page, ticket_page, ticket_page_with};
use super::views::TView;
use super::{Session, filled, list};
use crate::Ctx;

const STALE: &str = "This ticket changed while you were editing it. Review the current values below and make your change again.";

#[derive(Deserialize, Clone, Default)]
pub(crate) struct UpdateForm {
    #[serde(default)]
    csrf: String,
    version: i64,
    title: Option<String>,
    description: Option<String>,
    status: Option<String>,
    impact: Option<i64>,
    urgency: Option<i64>,
    category: Option<String>,
    group: Option<String>,
    assignee: Option<String>,
    service: Option<String>,
    tags: Option<String>,
    resolution_code: Option<String>,
    resolution_notes: Option<String>,
    root_cause: Option<String>,
    affected: Option<String>,
}

impl UpdateForm {
    /// The change the form asks for; fields it does not carry stay as they are.
    fn change(&self) -> TicketChange {
        let clearable = |v: &Option<String>| v.clone().map(filled);
        // The form always carries the resolution fields; they count only when resolving.
        let resolving = matches!(self.status.as_deref(), Some("resolved" | "closed"));
        TicketChange {
            title: self.title.clone(),
            description: self.description.clone(),
            status: self.status.clone(),
            impact: self.impact,
            urgency: self.urgency,
            category: clearable(&self.category),
            group: clearable(&self.group),
            assignee: clearable(&self.assignee),
            service: clearable(&self.service),
            tags: self.tags.as_deref().map(list),
            root_cause: self.root_cause.clone().filter(|r| !r.trim().is_empty()),
            affected: self.affected.as_deref().map(list),
            resolution_code: self.resolution_code.clone().filter(|c| resolving && !c.is_empty()),
            resolution_notes: self.resolution_notes.clone().filter(|n| resolving && !n.trim().is_empty()),
        }
    }

    /// The stored ticket as this form had it typed.
    pub fn over(&self, mut t: TView) -> TView {
        let set = |to: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                to.clone_from(v);
            }
        };
        set(&mut t.title, &self.title);
        set(&mut t.description, &self.description);
        set(&mut t.status, &self.status);
        set(&mut t.category, &self.category);
        set(&mut t.group, &self.group);
        set(&mut t.assignee, &self.assignee);
        set(&mut t.service, &self.service);
        set(&mut t.tags, &self.tags);
        set(&mut t.resolution_code, &self.resolution_code);
        set(&mut t.resolution_notes, &self.resolution_notes);
        set(&mut t.root_cause, &self.root_cause);
        set(&mut t.affected, &self.affected);
        set(&mut t.impact, &self.impact.map(|v| v.to_string()));
        set(&mut t.urgency, &self.urgency.map(|v| v.to_string()));
        t
    }
}

/// Whether the caller wants JSON back (the page's script) rather than a page.
fn wants_json(h: &HeaderMap) -> bool {
    h.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

/// The field a refusal names, and its message.
fn at_fault(e: &AppError) -> Option<(String, String)> {
    match e {
        AppError::Invalid { field, message } => Some((field.clone(), message.clone())),
        AppError::InvalidTransition(m) => Some(("status".into(), m.clone())),
        _ => None,
    }
}

pub(crate) async fn update(
    State(ctx): State<Ctx>,
    s: Session,
    h: HeaderMap,
    Path(number): Path<String>,
    Form(f): Form<UpdateForm>,
) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let json = wants_json(&h);
    match ctx.app.update_ticket(&s.actor, &number, f.version, f.change()).await {
        Ok(v) if json => {
            let t = TView::from(&v);
            Json(json!({
                "version": t.version,
                "updated_at": t.updated_ms,
                "priority": format!("P{} {}", t.priority, t.priority_label),
                "fields": {
                    "title": t.title, "description": t.description, "status": t.status, "impact": t.impact,
                    "urgency": t.urgency, "category": t.category, "group": t.group, "assignee": t.assignee,
                    "service": t.service, "tags": t.tags, "root_cause": t.root_cause, "affected": t.affected,
                },
            }))
            .into_response()
        }
        Ok(v) => Redirect::to(&format!("/tickets/{}?saved=1", v.ticket.number)).into_response(),
        Err(AppError::Stale) if json => (StatusCode::CONFLICT, Json(json!({ "message": STALE }))).into_response(),
        Err(AppError::Stale) => ticket_page(&ctx, &s, &number, None, Some(STALE.into())).await,
        Err(e) => match at_fault(&e) {
            Some((field, message)) if json => {
                (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "field": field, "message": message }))).into_response()
            }
            Some(invalid) => {
                let typed = Typed { fields: Some(f), invalid: Some(invalid), ..Typed::default() };
                ticket_page_with(&ctx, &s, &number, None, Some(e.to_string()), typed).await
            }
            None => error_page(Some(&s), e),
        },
    }
}
