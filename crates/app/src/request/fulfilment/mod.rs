//! What happens to a request after it is ordered: its approval stages, one after the
//! other ([`approvals`]), then its fulfilment tasks step by step, the tasks of a step in
//! parallel ([`tasks`]), then the request resolves itself. Every move is written with
//! its journal entries and its follow-up jobs (mail, notifications, timers) in the
//! transaction that caused it.

mod approvals;
mod inbox;
mod tasks;

use cairn_domain::ids::{TenantId, TicketId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_domain::request::fulfilment::{self as template, Plan};
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{Ticket, TicketKind};
use cairn_store::request::approvals::{self as store, Approval, Task};
use cairn_store::request::catalog::Requested;
use cairn_store::{BoxFuture, Conn, ticket as tickets};

pub use approvals::{ApprovalTimer, Case, Decision};

use crate::ticket::kernel::{Change, Effect, Event, Tx};
use crate::{App, AppError, Result};

/// How long an email link stays valid when its stage has no timeout.
pub const LINK_VALID_MS: i64 = 7 * 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// The plan of a request as ordered (its requested item's stages and tasks).
pub(crate) fn plan(r: &Requested) -> Result<Plan> {
    Plan::from_json(&r.approvals, &r.tasks).map_err(|e| AppError::Internal(format!("requested item {}: {e}", r.item_id)))
}

/// What the flow needs inside a transaction: the kernel to save requests and tasks
/// with, and the address approval links point at.
#[derive(Clone, Copy)]
pub(crate) struct Flow<'a> {
    pub tx: Tx<'a>,
    pub public_url: &'a str,
}

/// Fulfilment as a ticket effect: a task's request is locked before the task changes,
/// an ordered request begins its plan, and status changes carry on (see [`after_status`]).
pub(crate) struct Fulfilment {
    pub public_url: String,
}

impl Effect for Fulfilment {
    fn name(&self) -> &'static str {
        "fulfilment"
    }

    fn before_update<'a>(&'a self, c: &'a mut Conn, _tx: Tx<'a>, ticket: &'a Ticket) -> BoxFuture<'a, Result<()>> {
        Box::pin(lock_request_of(c, ticket))
    }

    fn after<'a>(&'a self, c: &'a mut Conn, tx: Tx<'a>, e: &'a Event<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let flow = Flow { tx, public_url: &self.public_url };
            match e.change {
                Change::Created if e.ticket.kind == TicketKind::Request => match plan_of(c, e.ticket.tenant_id, e.ticket.id).await? {
                    Some(plan) => begin(c, flow, e.ticket, &plan, e.now).await,
                    None => Ok(()),
                },
                Change::Updated { .. } => match e.status_before() {
                    Some(before) => after_status(c, flow, e.ticket, before, e.by, e.now).await,
                    None => Ok(()),
                },
                _ => Ok(()),
            }
        })
    }
}

/// The plan of a request (its one requested item), if it was ordered from the catalog.
async fn plan_of(c: &mut Conn, t: TenantId, request: TicketId) -> Result<Option<Plan>> {
    cairn_store::request::catalog::requested(c, t, request).await?.first().map(plan).transpose()
}

/// Starts a freshly ordered request: its first approval stage, or else its first tasks.
async fn begin(c: &mut Conn, flow: Flow<'_>, request: &Ticket, plan: &Plan, now: i64) -> Result<()> {
    if !plan.stages.is_empty() {
        approvals::start_stage(c, flow, request, plan, 1, now).await
    } else {
        tasks::start_step(c, flow, request, plan, None, now).await.map(drop)
    }
}

/// Locks a task's request before the task is changed, so that every use case locks a
/// request before its tasks (cancelling a request changes it, then its tasks) and two
/// of them never wait on each other.
async fn lock_request_of(c: &mut Conn, ticket: &Ticket) -> Result<()> {
    if ticket.kind == TicketKind::Task
        && let Some((request, _)) = store::request_of(c, ticket.tenant_id, ticket.id).await?
    {
        tickets::lock(c, ticket.tenant_id, request).await?;
    }
    Ok(())
}

/// Carries a status change of `ticket` (from `before`) on to its request or tasks: the
/// last open task of a step starts the next step or fulfils the request; a request
/// that ends cancels its open tasks and what it still waits approval for; a request
/// resolved by hand with tasks still open is refused (the caller's transaction rolls
/// back).
async fn after_status(c: &mut Conn, flow: Flow<'_>, ticket: &Ticket, before: Status, by: Option<UserId>, now: i64) -> Result<()> {
    if ticket.status == before {
        return Ok(());
    }
    match ticket.kind {
        TicketKind::Task if before.is_open() && !ticket.status.is_open() => tasks::finished(c, flow, ticket, now).await,
        TicketKind::Request if ticket.status.is_final() => {
            store::skip_pending(c, ticket.tenant_id, ticket.id, now).await?;
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
    /// The approvals and tasks of a request the actor may see.
    #[tracing::instrument(name = "request_progress", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn request_progress(&self, actor: &Actor, number: &str) -> Result<Progress> {
        let mut c = self.db.read().await?;
        let t = crate::ticket::load(&mut c, &actor.scope(), number).await?;
        let plan = plan_of(&mut c, t.tenant_id, t.id).await?.unwrap_or_default();
        let (approvals, mut tasks) =
            (store::of_ticket(&mut c, t.tenant_id, t.id).await?, store::tasks_of(&mut c, t.tenant_id, t.id).await?);
        if !actor.scope().sees_internal() {
            // Requesters follow the steps of their request, not who works each task.
            tasks.iter_mut().for_each(|task| task.assignee = None);
        }
        Ok(Progress { plan, approvals, tasks })
    }

    /// The request a task (already read by the caller) belongs to: its number.
    #[tracing::instrument(name = "request_of_task", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn request_of_task(&self, actor: &Actor, task: &Ticket) -> Result<Option<String>> {
        let mut c = self.db.read().await?;
        let Some((req, _)) = store::request_of(&mut c, actor.tenant_id, task.id).await? else { return Ok(None) };
        Ok(tickets::by_id(&mut c, &actor.scope(), req).await?.map(|r| r.number))
    }
}
