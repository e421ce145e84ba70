//! Bulk edit from the queue: the rows chosen there and one change for all, a page that
//! says what will change for which tickets (one confirmation), then each ticket's
//! outcome, refusals named.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cairn_app::AppError;
use cairn_app::ticket::{BulkChange, BulkOutcome};
use cairn_domain::platform::access::Permission;

use crate::ctx::Ctx;
use crate::platform::csrf::CsrfForm;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;

/// The value of the assignee or group choice that clears it (no username or group
/// name takes parentheses).
pub(crate) const NOBODY: &str = "(none)";

/// The queue's bulk form as posted: `n` repeats, once per ticket chosen.
#[derive(Default)]
pub(crate) struct BulkForm {
    numbers: Vec<String>,
    assignee: String,
    group: String,
    impact: String,
    urgency: String,
    status: String,
    resolution_code: String,
    add_tag: String,
    /// The queue's query string, to go back to it.
    back: String,
    confirmed: bool,
}

impl BulkForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> BulkForm {
        let mut f = BulkForm::default();
        for (k, v) in pairs {
            let v = v.trim().to_string();
            match k.as_str() {
                "n" => f.numbers.push(v),
                "assignee" => f.assignee = v,
                "group" => f.group = v,
                "impact" => f.impact = v,
                "urgency" => f.urgency = v,
                "status" => f.status = v,
                "resolution_code" => f.resolution_code = v,
                "add_tag" => f.add_tag = v,
                "back" => f.back = v,
                "confirmed" => f.confirmed = v == "1",
                _ => {}
            }
        }
        f
    }

    fn change(&self) -> Result<BulkChange, AppError> {
        let reference = |v: &str| match v {
            "" => None,
            NOBODY => Some(None),
            name => Some(Some(name.to_string())),
        };
        let level = |field: &'static str, v: &str| match v {
            "" => Ok(None),
            v => v.parse::<i64>().map(Some).map_err(|_| AppError::invalid(field, format!("'{v}' is not a level (1 to 3)"))),
        };
        let some = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
        Ok(BulkChange {
            assignee: reference(&self.assignee),
            group: reference(&self.group),
            impact: level("impact", &self.impact)?,
            urgency: level("urgency", &self.urgency)?,
            status: some(&self.status),
            resolution_code: some(&self.resolution_code),
            resolution_notes: None,
            add_tag: some(&self.add_tag),
        })
    }

    /// The form's fields as hidden inputs of the confirmation, to post them again.
    fn hidden(&self) -> Vec<(&'static str, String)> {
        let one = [
            ("assignee", &self.assignee),
            ("group", &self.group),
            ("impact", &self.impact),
            ("urgency", &self.urgency),
            ("status", &self.status),
            ("resolution_code", &self.resolution_code),
            ("add_tag", &self.add_tag),
            ("back", &self.back),
        ];
        self.numbers
            .iter()
            .map(|n| ("n", n.clone()))
            .chain(one.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k, v.clone())))
            .collect()
    }

    /// The change in words, one line per field.
    fn described(&self) -> Vec<String> {
        let level = |v: &str| match v {
            "1" => "high",
            "2" => "medium",
            "3" => "low",
            _ => "?",
        };
        let reference = |what: &str, v: &str| if v == NOBODY { format!("Clear the {what}") } else { format!("Set the {what} to {v}") };
        let mut out = Vec::new();
        if !self.assignee.is_empty() {
            out.push(reference("assignee", &self.assignee));
        }
        if !self.group.is_empty() {
            out.push(reference("group", &self.group));
        }
        if !self.impact.is_empty() {
            out.push(format!("Set the impact to {}", level(&self.impact)));
        }
        if !self.urgency.is_empty() {
            out.push(format!("Set the urgency to {}", level(&self.urgency)));
        }
        if !self.status.is_empty() {
            let label = cairn_domain::ticket::status::Status::parse(&self.status).map(|s| s.label()).unwrap_or(self.status.as_str());
            let code =
                if self.resolution_code.is_empty() { String::new() } else { format!(" ({})", self.resolution_code.replace('_', " ")) };
            out.push(format!("Set the status to {label}{code}"));
        }
        if !self.add_tag.is_empty() {
            out.push(format!("Add the tag {}", self.add_tag));
        }
        out
    }

    fn back_link(&self) -> String {
        if self.back.is_empty() { "/tickets".into() } else { format!("/tickets?{}", self.back) }
    }
}

/// One ticket's line of the results.
pub(crate) struct Outcome {
    pub number: String,
    pub changed: bool,
    /// What the ticket is now, or why it refused.
    pub text: String,
}

impl From<BulkOutcome> for Outcome {
    fn from(o: BulkOutcome) -> Outcome {
        match o.result {
            Ok(v) => {
                let t = &v.ticket;
                let mut now = vec![t.status.label().to_string(), format!("P{}", t.priority.get())];
                now.push(v.assignee.as_deref().map_or("unassigned".to_string(), |a| format!("assigned to {a}")));
                if let Some(g) = &v.group {
                    now.push(format!("group {g}"));
                }
                if !t.tags.is_empty() {
                    now.push(format!("tags {}", t.tags.join(", ")));
                }
                Outcome { number: o.number, changed: true, text: now.join(" · ") }
            }
            Err(e) => Outcome { number: o.number, changed: false, text: e.to_string() },
        }
    }
}

#[derive(Template)]
#[template(path = "ticket/bulk.html")]
pub(crate) struct BulkPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub numbers: Vec<String>,
    pub described: Vec<String>,
    pub hidden: Vec<(&'static str, String)>,
    pub back: String,
    /// After confirming: each ticket's outcome.
    pub outcomes: Vec<Outcome>,
    pub confirmed: bool,
}

impl BulkPage {
    pub fn changed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.changed).count()
    }
    pub fn refused(&self) -> usize {
        self.outcomes.len() - self.changed()
    }
}

/// `POST /tickets/bulk`: the confirmation, or with `confirmed=1` the change itself.
pub(crate) async fn bulk(State(ctx): State<Ctx>, s: Session, CsrfForm(pairs): CsrfForm<Vec<(String, String)>>) -> Response {
    if !s.actor.may(Permission::WorkTickets) {
        return error_page(Some(&s), AppError::Forbidden("only agents change tickets".into()));
    }
    let f = BulkForm::from_pairs(pairs);
    let change = match f.change() {
        Ok(c) => c,
        Err(e) => return error_page(Some(&s), e),
    };
    let mut page = BulkPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        csrf: s.csrf.clone(),
        numbers: f.numbers.clone(),
        described: f.described(),
        hidden: f.hidden(),
        back: f.back_link(),
        outcomes: vec![],
        confirmed: f.confirmed,
    };
    if !f.confirmed {
        // The request's own faults (nobody chosen, nothing to change) are told before
        // the confirmation, not after it.
        if page.numbers.is_empty() {
            return error_page(Some(&s), AppError::invalid("numbers", "choose at least one ticket in the queue"));
        }
        if page.described.is_empty() {
            return error_page(Some(&s), AppError::invalid("change", "choose at least one thing to change"));
        }
        return render(page);
    }
    match ctx.app.bulk_update(&s.actor, &f.numbers, change).await {
        Ok(outcomes) => {
            page.outcomes = outcomes.into_iter().map(Outcome::from).collect();
            let status = if page.changed() == 0 { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            (status, render(page)).into_response()
        }
        Err(e) => error_page(Some(&s), e),
    }
}
