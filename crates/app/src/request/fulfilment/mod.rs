//! What happens to a request after it is ordered: its approval stages, one after the
//! other ([`approvals`]), then its fulfilment tasks step by step, the tasks of a step in
//! parallel ([`tasks`]), then the request resolves itself. Every move is written with
//! its journal entries and its follow-up jobs (mail, notifications, timers) in the
//! transaction that caused it.

mod approvals;
mod tasks;

use std::sync::Arc;

use cairn_domain::ids::{TicketId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_domain::request::approval::Stage;
use cairn_domain::request::fulfilment::{self as template, TaskTemplate};
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{Ticket, TicketKind};
use cairn_store::request::approvals::{self as store, Approval, Task};
use cairn_store::request::catalog::Requested;
use cairn_store::{Backend, Conn, ticket as tickets};

pub use approvals::{ApprovalTimer, Case, Decision};

use crate::sla::SlaCache;
use crate::{App, AppError, Result};

/// How long an email link stays valid when its stage has no timeout.
pub const LINK_VALID_MS: i64 = 7 * 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// A request's approval stages and task template, as copied from its item when ordered.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub stages: Vec<Stage>,
    pub tasks: Vec<TaskTemplate>,
}

impl Plan {
    pub fn of(r: &Requested) -> Result<Plan> {
        let bad = |e: serde_json::Error| AppError::Internal(format!("requested item {}: {e}", r.item_id));
        Ok(Plan { stages: serde_json::from_str(&r.approvals).map_err(bad)?, tasks: serde_json::from_str(&r.tasks).map_err(bad)? })
    }

    /// Where a request of this plan starts.
    pub fn first_status(&self) -> Status {
        match (self.stages.is_empty(), self.tasks.is_empty()) {
            (false, _) => Status::AwaitingApproval,
            (true, false) => Status::InProgress,
            (true, true) => Status::New,
        }
    }
}

/// What the flow needs from the app inside a transaction.
#[derive(Clone)]
pub(crate) struct Flow {
    pub backend: Backend,
    pub sla: Arc<SlaCache>,
    pub public_url: String,
}

/// The plan of a request (its one requested item), if it was ordered from the catalog.
async fn plan_of(c: &mut Conn, request: TicketId) -> Result<Option<Plan>> {
    cairn_store::request::catalog::requested(c, request).await?.first().map(Plan::of).transpose()
}

/// Starts a freshly ordered request: its first approval stage, or else its first tasks.
pub(crate) async fn begin(c: &mut Conn, flow: &Flow, request: &Ticket, plan: &Plan, now: i64) -> Result<()> {
    if !plan.stages.is_empty() {
        approvals::start_stage(c, flow, request, plan, 1, now).await
    } else {
        tasks::start_step(c, flow, request, plan, None, now).await.map(drop)
    }
}

/// Locks a task's request before the task is changed, so that every use case locks a
/// request before its tasks (cancelling a request changes it, then its tasks) and two
/// of them never wait on each other.
pub(crate) async fn lock_request_of(c: &mut Conn, ticket: &Ticket) -> Result<()> {
    if ticket.kind == TicketKind::Task
        && let Some((request, _)) = store::request_of(c, ticket.id).await?
    {
        tickets::lock(c, request).await?;
    }
    Ok(())
}

/// Carries a status change of `ticket` (from `before`) on to its request or tasks: the
/// last open task of a step starts the next step or fulfils the request; a request
/// that ends cancels its open tasks and what it still waits approval for; a request
/// resolved by hand with tasks still open is refused (the caller's transaction rolls
/// back).
pub(crate) async fn after_status(c: &mut Conn, flow: &Flow, ticket: &Ticket, before: Status, by: Option<UserId>, now: i64) -> Result<()> {
    if ticket.status == before {
        return Ok(());
    }
    match ticket.kind {
        TicketKind::Task if before.is_open() && !ticket.status.is_open() => tasks::finished(c, flow, ticket, now).await,
        TicketKind::Request if ticket.status.is_final() => {
            store::skip_pending(c, ticket.id, now).await?;
            tasks::cancel_open(c, flow, ticket, by, now).await
        }
        TicketKind::Request if ticket.status == Status::Resolved => tasks::none_open(c, ticket).await,
        _ => Ok(()),
    }
}

/// A request's approvals and tasks, with its plan, for its page.
#[derive(Debug, Clone)]
pub struct Progress {
    pub plan: Plan,
    pub approvals: Vec<Approval>,
    pub tasks: Vec<Task>,
}

/// One task line of a request's progress: opened (with its number) or still waiting
/// for its step.
#[derive(Debug, Clone)]
pub struct TaskLine {
    pub number: Option<String>,
    pub title: String,
    pub group: Option<String>,
    pub assignee: Option<String>,
    /// Its status, or `waiting` for a step not started yet.
    pub status: String,
}

impl Progress {
    /// The plan's steps in order, each with its opened tasks, or its planned ones while
    /// the step has not started.
    pub fn steps(&self) -> Vec<(u32, Vec<TaskLine>)> {
        template::steps(&self.plan.tasks)
            .into_iter()
            .map(|s| {
                let opened: Vec<TaskLine> = self
                    .tasks
                    .iter()
                    .filter(|t| t.step == i64::from(s))
                    .map(|t| TaskLine {
                        number: Some(t.number.clone()),
                        title: t.title.clone(),
                        group: t.group.clone(),
                        assignee: t.assignee.clone(),
                        status: t.status.clone(),
                    })
                    .collect();
                let lines = if opened.is_empty() {
                    template::step_tasks(&self.plan.tasks, s)
                        .map(|t| TaskLine {
                            number: None,
                            title: t.title.clone(),
                            group: Some(t.group.clone()),
                            assignee: None,
                            status: "waiting".into(),
                        })
                        .collect()
                } else {
                    opened
                };
                (s, lines)
            })
            .collect()
    }
}

impl App {
    pub(crate) fn flow(&self) -> Flow {
        Flow { backend: self.backend(), sla: self.sla.clone(), public_url: self.mailer.public_url.clone() }
    }

    /// The approvals and tasks of a request the actor may see.
    pub async fn request_progress(&self, actor: &Actor, number: &str) -> Result<Progress> {
        let mut c = self.db.read().await?;
        let t = crate::ticket::load(&mut c, &actor.scope(), number).await?;
        let plan = plan_of(&mut c, t.id).await?.unwrap_or_default();
        let (approvals, tasks) = (store::of_ticket(&mut c, t.id).await?, store::tasks_of(&mut c, t.id).await?);
        Ok(Progress { plan, approvals, tasks })
    }

    /// The request a task (already read by the caller) belongs to: its number.
    pub async fn request_of_task(&self, actor: &Actor, task: &Ticket) -> Result<Option<String>> {
        let mut c = self.db.read().await?;
        let Some((req, _)) = store::request_of(&mut c, task.id).await? else { return Ok(None) };
        Ok(tickets::by_id(&mut c, &actor.scope(), req).await?.map(|r| r.number))
    }
}
