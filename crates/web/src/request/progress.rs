//! What a request asked for and how far it got: the requested items with their
//! answers, its approvals and its fulfilment steps, as the request's pages show them.

use cairn_domain::request::catalog::{Answers, Variable, labelled};
use cairn_store::request::catalog::Requested;

/// A request's approvals and fulfilment steps.
pub(crate) struct ProgressView {
    /// (stage, approver, state, escalation, comment, when decided)
    pub approvals: Vec<(i64, String, String, bool, String, String)>,
    pub steps: Vec<(u32, Vec<cairn_app::request::fulfilment::TaskLine>)>,
}

impl ProgressView {
    pub fn of(p: cairn_app::request::fulfilment::Progress) -> ProgressView {
        let steps = p.steps();
        let approvals = p
            .approvals
            .into_iter()
            .map(|a| {
                let when = a.decided_at.map(crate::time::short).unwrap_or_default();
                (a.stage, a.approver_name, a.state.as_str().to_string(), a.escalation, a.comment.unwrap_or_default(), when)
            })
            .collect();
        ProgressView { approvals, steps }
    }
}

/// A requested item: the item, how many, and the answers by question.
pub(crate) struct RequestedView {
    pub item: String,
    pub quantity: i64,
    pub answers: Vec<(String, String)>,
}

impl RequestedView {
    /// The item with its answers under the order form's labels.
    pub fn of(r: Requested, answers: &Answers) -> RequestedView {
        let form: Vec<Variable> = serde_json::from_str(&r.form).unwrap_or_default();
        RequestedView { item: r.item, quantity: r.quantity, answers: labelled(&form, answers) }
    }
}
