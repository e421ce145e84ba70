//! The ticket page's fields form. A plain post saves the form and comes back to the
//! page; a refused one comes back as typed, the field at fault marked and its message
//! beside it. The page's script also saves one field at a time (`Accept:
//! application/json`) and gets the ticket's fields back, or the field's message.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use serde_json::json;

use super::edit::UpdateForm;
use super::show::{Typed, ticket_page, ticket_page_with};
use super::view::TView;
use crate::ctx::Ctx;
use crate::extract::TicketPath;
use crate::platform::csrf::CsrfForm;
use crate::platform::page::error_page;
use crate::platform::session::Session;

const STALE: &str = "This ticket changed while you were editing it. Review the current values below and make your change again.";

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
    TicketPath(number): TicketPath,
    CsrfForm(f): CsrfForm<UpdateForm>,
) -> Response {
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
