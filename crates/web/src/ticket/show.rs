//! Showing a ticket. Every action on the ticket page comes back here: to the page with
//! a notice after it worked, or with the reason and what the user typed when refused.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_domain::request::approval::ApprovalState;
use serde::Deserialize;

use super::edit::UpdateForm;
use super::queue::Row;
use super::view::{CView, HView, MacroOffer, TView, TicketPage, status_choices};
use crate::cmdb::affected_view::AffectedView;
use crate::ctx::Ctx;
use crate::extract::TicketPath;
use crate::incident::review::{ReviewView, timeline};
use crate::platform::history::history_text;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;
use crate::problem::suggestions::KView;
use crate::request::progress::{ProgressView, RequestedView};
use crate::sla::clocks::SlaView;
use crate::time::{minutes, short};

/// The notice for `?done=…` after an action.
fn done_notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "escalated" => "Escalated.",
        "merged" => "Merged: this ticket now holds the duplicate's conversation.",
        "major" => "Declared a major incident.",
        "update" => "Communication update sent.",
        "workaround" => "Workaround posted to the linked open incidents.",
        "linked" => "Linked.",
        "watching" => "Watchers updated.",
        "review" => "Review saved.",
        "outage" => "Outages updated.",
        "cis" => "Affected CIs updated.",
        "impact" => "Impact raised from the CMDB.",
        "confirmed" => "Thank you: the ticket is closed.",
        "withdrawn" => "Withdrawn: the request is cancelled.",
        "rated" => "Thank you for your rating.",
        _ => return None,
    })
}

/// Runs an action and goes back to `back` (default: the ticket) with its notice; a
/// refused action shows the ticket with the reason.
pub(crate) async fn finish(ctx: &Ctx, s: &Session, number: &str, done: &str, r: Result<Option<String>, AppError>) -> Response {
    match r {
        Ok(back) => Redirect::to(&format!("/tickets/{}?done={done}", back.as_deref().unwrap_or(number))).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::InvalidTransition(_) | AppError::Conflict(_))) => {
            ticket_page(ctx, s, number, None, Some(e.to_string())).await
        }
        Err(e) => error_page(Some(s), e),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct ShowQuery {
    saved: Option<String>,
    created: Option<String>,
    /// What an action on the ticket did, for the notice.
    done: Option<String>,
    /// A canned response to fill into the reply box.
    canned: Option<i64>,
}

pub(crate) async fn ticket_page(ctx: &Ctx, s: &Session, number: &str, notice: Option<String>, error: Option<String>) -> Response {
    ticket_page_with(ctx, s, number, notice, error, Typed::default()).await
}

/// What the user typed, shown again on the ticket page: a reply (a canned response, or a
/// refused reply), or a refused fields form with the field at fault.
#[derive(Default)]
pub(crate) struct Typed {
    pub reply: String,
    pub fields: Option<UpdateForm>,
    /// The field the refusal names, and why.
    pub invalid: Option<(String, String)>,
    /// The macro whose text is in the reply box.
    pub with_macro: Option<MacroOffer>,
}

/// The ticket page, with what the user typed (see [`Typed`]).
pub(crate) async fn ticket_page_with(
    ctx: &Ctx,
    s: &Session,
    number: &str,
    notice: Option<String>,
    error: Option<String>,
    typed: Typed,
) -> Response {
    let (a, now) = (&s.actor, ctx.app.now());
    // One read of everything the page shows; sections that could not be read are named.
    let data = match ctx.app.ticket_page(a, number).await {
        Ok(d) => d,
        Err(e) => return error_page(Some(s), e),
    };
    let cairn_app::page::TicketPage {
        view,
        comments,
        history,
        links,
        groups,
        agents,
        memberships,
        categories,
        canned,
        watchers,
        similar,
        articles,
        slas,
        outages,
        cis,
        cover,
        review,
        known_errors,
        items,
        progress,
        request_of,
        survey,
        unavailable,
    } = data;
    let staff = a.role.is_staff();
    let items = items.into_iter().map(|(r, answers)| RequestedView::of(r, &answers)).collect();
    let my_approval = progress
        .as_ref()
        .and_then(|p| p.approvals.iter().find(|x| x.approver_id == a.user_id && x.state == ApprovalState::Pending).map(|x| x.id));
    let review = review.map(|r| ReviewView {
        summary: r.text.summary,
        root_cause: r.text.root_cause,
        actions: r.text.actions,
        timeline: timeline(r.timeline),
    });
    let unavailable = (!unavailable.is_empty()).then(|| format!("Could not show: {}. Reload to try again.", unavailable.join(", ")));
    let levels = [("1", "High"), ("2", "Medium"), ("3", "Low")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    let page = TicketPage {
        me: Some(Me::new(a, &s.csrf)),
        staff,
        resolution_codes: &cairn_domain::ticket::RESOLUTION_CODES,
        csrf: s.csrf.clone(),
        status_next: status_choices(view.ticket.kind, view.ticket.status),
        t: match &typed.fields {
            Some(f) => f.over(TView::from(&view)),
            None => TView::from(&view),
        },
        invalid: typed.invalid.clone().unwrap_or_default(),
        own: view.ticket.requester_id == a.user_id,
        levels,
        categories,
        groups,
        agents: agents
            .into_iter()
            .map(|name| {
                let of: Vec<&str> = memberships.iter().filter(|(_, u)| *u == name).map(|(g, _)| g.as_str()).collect();
                let groups = format!("|{}|", of.join("|"));
                (name, groups)
            })
            .collect(),
        comments: comments
            .into_iter()
            .map(|c| CView {
                author: c.author.unwrap_or_default(),
                body: c.body,
                internal: c.internal,
                at: short(c.created_at),
                minutes: if c.minutes > 0 { minutes(c.minutes) } else { String::new() },
            })
            .collect(),
        history: history
            .into_iter()
            // Moved replies are counted for replays; the merge itself is shown.
            .filter(|r| r.event.action != "replies_moved")
            .map(|r| HView {
                at: short(r.event.at),
                actor: r.actor_name.unwrap_or_else(|| "system".into()),
                text: history_text(&r.event.action, r.event.field.as_deref(), r.event.old.as_deref(), r.event.new.as_deref()),
            })
            .collect(),
        links: links
            .into_iter()
            .map(|l| {
                let kind = match (l.kind.as_str(), l.inbound) {
                    ("parent_of", true) => "child of".to_string(),
                    ("duplicate_of", true) => "duplicated by".to_string(),
                    (k, _) => k.replace('_', " "),
                };
                (kind, l.number, l.title)
            })
            .collect(),
        canned: canned
            .into_iter()
            .map(|r| (r.id.0, if r.actions.changes_ticket() { format!("{} (macro)", r.title) } else { r.title }))
            .collect(),
        reply: typed.reply,
        with_macro: typed.with_macro,
        watchers,
        survey,
        outages: outages.into_iter().map(|o| (o.id, o.service, short(o.started_at), o.ended_at.map(short).unwrap_or_default())).collect(),
        slas: slas.into_iter().map(SlaView::of).collect(),
        impact_suggestion: crate::cmdb::affected_view::suggestion(&cis, i64::from(view.ticket.impact.get())),
        cis: cis.into_iter().map(|c| AffectedView::of(c, &cover)).collect(),
        review,
        similar: similar.into_iter().map(|v| Row::new(v, now)).collect(),
        articles: articles.into_iter().map(|x| (x.number, x.title)).collect(),
        items,
        progress: progress.filter(|p| !p.approvals.is_empty() || !p.plan.tasks.is_empty()).map(ProgressView::of),
        request_of,
        my_approval,
        known_errors: known_errors.into_iter().map(KView::of).collect(),
        notice,
        error: error.clone(),
        unavailable,
    };
    let status = match (&typed.invalid, &error) {
        (Some(_), _) => StatusCode::UNPROCESSABLE_ENTITY,
        (None, Some(_)) => StatusCode::CONFLICT,
        (None, None) => StatusCode::OK,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, TicketPath(number): TicketPath, Query(q): Query<ShowQuery>) -> Response {
    let notice = if q.created.is_some() {
        Some("Ticket created.".to_string())
    } else {
        q.saved.map(|_| "Saved.".to_string()).or(q.done.as_deref().and_then(done_notice).map(str::to_string))
    };
    let typed = match q.canned {
        Some(id) => match ctx.app.render_canned_response(&s.actor, cairn_domain::ids::CannedId(id), &number).await {
            Ok((r, reply)) => {
                let with_macro = r.actions.changes_ticket().then(|| MacroOffer {
                    id: r.id.0,
                    summary: crate::ticket::canned_pages::actions_summary(&r),
                    internal: r.actions.internal,
                });
                Typed { reply, with_macro, ..Typed::default() }
            }
            Err(e) => return error_page(Some(&s), e),
        },
        None => Typed::default(),
    };
    ticket_page_with(&ctx, &s, &number, notice, None, typed).await
}
