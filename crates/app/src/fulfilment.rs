//! What happens to a request after it is ordered: its approval stages, one after the
//! other, then its fulfilment tasks step by step (the tasks of a step in parallel), then
//! the request resolves itself. Every move is written with its journal entries and its
//! follow-up jobs (mail, notifications, timers) in the transaction that caused it.

use std::sync::Arc;

use cairn_domain::access::Actor;
use cairn_domain::approval::{self as rules, Approver, Stage, Verdict};
use cairn_domain::fulfilment::{self as template, TaskTemplate};
use cairn_domain::ids::{TenantId, TicketId, UserId};
use cairn_domain::routing::Facts;
use cairn_domain::status::Status;
use cairn_domain::ticket::{CurrentNames, Ticket, TicketKind, TicketPatch};
use cairn_store::approvals::{self as store, Approval, NewApproval, Task};
use cairn_store::catalog::Requested;
use cairn_store::journal::{self, Entry};
use cairn_store::{Backend, Conn, directory, jobs, tenants, tickets};
use serde::{Deserialize, Serialize};

use crate::auth::{hash_secret, random_secret};
use crate::mail::Mail;
use crate::routing::{Current, decide};
use crate::sla::SlaCache;
use crate::tickets::{end_ticket, notify};
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

/// A stage's reminder (at half its timeout) or escalation (at the end).
#[derive(Debug, Serialize, Deserialize)]
pub struct ApprovalTimer {
    pub ticket_id: i64,
    pub stage: i64,
    pub escalate: bool,
}

impl ApprovalTimer {
    pub const KIND: &'static str = "approval_timer";
}

/// The plan of a request (its one requested item), if it was ordered from the catalog.
async fn plan_of(c: &mut Conn, request: TicketId) -> Result<Option<Plan>> {
    cairn_store::catalog::requested(c, request).await?.first().map(Plan::of).transpose()
}

/// Starts a freshly ordered request: its first approval stage, or else its first tasks.
pub(crate) async fn begin(c: &mut Conn, flow: &Flow, request: &Ticket, plan: &Plan, now: i64) -> Result<()> {
    if !plan.stages.is_empty() {
        start_stage(c, flow, request, plan, 1, now).await
    } else {
        start_step(c, flow, request, plan, None, now).await.map(drop)
    }
}

fn refuse(stage: usize, why: String) -> AppError {
    AppError::invalid("approvals", format!("stage {stage}: {why}"))
}

/// The people who approve a stage of `request`: never its requester, nor anyone disabled.
async fn approvers(c: &mut Conn, request: &Ticket, n: usize, stage: &Stage) -> Result<Vec<directory::User>> {
    let t = request.tenant_id;
    let found = match stage.approver {
        Approver::Manager => {
            let me = directory::user_by_id(c, t, request.requester_id).await?.ok_or_else(|| AppError::NotFound("requester".into()))?;
            match me.manager_id {
                Some(m) => directory::user_by_id(c, t, m).await?.into_iter().collect(),
                None => vec![],
            }
        }
        Approver::User => directory::user_by_name(c, t, stage.name.as_deref().unwrap_or_default()).await?.into_iter().collect(),
        Approver::Group => match directory::group_by_name(c, t, stage.name.as_deref().unwrap_or_default()).await? {
            Some(g) => directory::members(c, t, g.id).await?,
            None => return Err(refuse(n, format!("no group '{}'", stage.name.as_deref().unwrap_or_default()))),
        },
    };
    Ok(found.into_iter().filter(|u| !u.disabled && u.id != request.requester_id).collect())
}

/// Asks the approvers of stage `n` (1-based): an approval row each with a fresh email
/// link, their mail and notification, and the stage's timers.
async fn start_stage(c: &mut Conn, flow: &Flow, request: &Ticket, plan: &Plan, n: usize, now: i64) -> Result<()> {
    let stage = &plan.stages[n - 1];
    let mut people = approvers(c, request, n, stage).await?;
    let mut escalation = false;
    if people.is_empty() {
        // Nobody else may approve (no manager on record, or only the requester): the
        // stage goes straight to whoever it escalates to.
        let Some(name) = &stage.escalate_to else {
            let who = match stage.approver {
                Approver::Manager => "the requester has no manager on record; ask an administrator to set one".to_string(),
                _ => format!("nobody but the requester is in '{}'", stage.name.as_deref().unwrap_or_default()),
            };
            return Err(refuse(n, who));
        };
        people = escalation_approver(c, request, name).await?.into_iter().collect();
        if people.is_empty() {
            return Err(refuse(n, format!("nobody may approve it ('{name}' cannot)")));
        }
        escalation = true;
    }
    let expires = now + stage.timeout_hours.map_or(LINK_VALID_MS, |h| i64::from(h) * HOUR_MS);
    for u in &people {
        ask(c, flow, request, u, (n as i64, escalation), expires, "awaits your approval", now).await?;
    }
    if let Some(h) = stage.timeout_hours {
        let h = i64::from(h) * HOUR_MS;
        for (at, escalate) in [(now + h / 2, false), (now + h, true)] {
            let timer = ApprovalTimer { ticket_id: request.id.0, stage: n as i64, escalate };
            let payload = serde_json::to_string(&timer).map_err(|e| AppError::Internal(e.to_string()))?;
            jobs::enqueue(c, request.tenant_id, ApprovalTimer::KIND, &payload, at, now).await?;
        }
    }
    let mut e = Entry::action("ticket", request.id.0, "approval_requested");
    e.field = Some(format!("stage {n}"));
    e.new = Some(people.iter().map(|u| u.username.as_str()).collect::<Vec<_>>().join(", "));
    journal::append(c, request.tenant_id, None, now, &[e]).await?;
    Ok(())
}

/// The user a stage escalates to, unless they are the requester or disabled.
async fn escalation_approver(c: &mut Conn, request: &Ticket, name: &str) -> Result<Option<directory::User>> {
    let u = directory::user_by_name(c, request.tenant_id, name).await?;
    Ok(u.filter(|u| !u.disabled && u.id != request.requester_id))
}

/// One approver's row, link, mail and notification.
#[allow(clippy::too_many_arguments)]
async fn ask(
    c: &mut Conn,
    flow: &Flow,
    request: &Ticket,
    u: &directory::User,
    (stage, escalation): (i64, bool),
    expires: i64,
    what: &str,
    now: i64,
) -> Result<()> {
    let token = random_secret()?;
    let hash = hash_secret(&token);
    let new = NewApproval { ticket: request.id, stage, approver: u.id, escalation, token: Some((&hash, expires)) };
    store::insert(c, request.tenant_id, &new, now).await?;
    send_link(c, flow, request, u, &token, what, now).await
}

async fn send_link(c: &mut Conn, flow: &Flow, request: &Ticket, u: &directory::User, token: &str, what: &str, now: i64) -> Result<()> {
    notify(c, request, u.id, format!("{} {what}: {}", request.number, request.title), now).await?;
    if let Some(to) = u.email.as_deref().filter(|e| !e.is_empty()) {
        let body = format!(
            "Hello {},\n\n{} {what}:\n\n  {}\n\nSee it and approve or reject it here (the link works once):\n{}/approve/{token}\n\n\
             You can also decide in Cairn under Approvals.\n",
            u.display_name, request.number, request.title, flow.public_url
        );
        Mail { to: to.to_string(), subject: format!("{} {what}: {}", request.number, request.title), body }
            .queue(c, request.tenant_id, now)
            .await?;
    }
    Ok(())
}

/// A decision to record.
pub struct Decision {
    pub approve: bool,
    pub comment: Option<String>,
    /// portal, agent, api or email.
    pub via: &'static str,
}

/// Records `approver`'s decision on approval `a` and settles its stage when it can.
pub(crate) async fn decide_approval(c: &mut Conn, flow: &Flow, a: &Approval, d: &Decision, now: i64) -> Result<()> {
    let t = a.tenant_id;
    if a.state != "pending" {
        let when = a.decided_at.map(crate::clock::minute).unwrap_or_default() + " UTC";
        return Err(AppError::Conflict(match a.state.as_str() {
            "skipped" => format!("this approval is no longer needed: its stage was settled on {when}"),
            s => format!("{} already {s} this on {when}", a.approver),
        }));
    }
    let mut request = tickets::by_id(c, &cairn_domain::access::Scope::system(t), a.ticket_id)
        .await?
        .ok_or_else(|| AppError::NotFound("request".into()))?;
    if request.requester_id == a.approver_id {
        return Err(AppError::Forbidden("a requester never approves their own request".into()));
    }
    if request.status != Status::AwaitingApproval {
        return Err(AppError::Conflict(format!(
            "{} is {}, no longer awaiting approval",
            request.number,
            request.status.label().to_lowercase()
        )));
    }
    let state = if d.approve { "approved" } else { "rejected" };
    if !store::decide(c, a.id, state, d.comment.as_deref(), d.via, now).await? {
        return Err(AppError::Conflict("this approval was decided meanwhile; reload".into()));
    }
    let mut e = Entry::action("ticket", request.id.0, state);
    e.field = Some(format!("approval (stage {}, via {})", a.stage, d.via));
    e.new = d.comment.clone();
    journal::append(c, t, Some(a.approver_id), now, &[e]).await?;
    let rows: Vec<Approval> = store::of_ticket(c, request.id).await?.into_iter().filter(|r| r.stage == a.stage).collect();
    let plan = plan_of(c, request.id).await?.unwrap_or_default();
    let n = a.stage as usize;
    let stage = plan.stages.get(n - 1).ok_or_else(|| AppError::Internal(format!("{}: no stage {n}", request.number)))?;
    let verdict = match rows.iter().find(|r| r.escalation && r.state != "pending") {
        Some(esc) => {
            if esc.state == "approved" {
                Verdict::Approved
            } else {
                Verdict::Rejected
            }
        }
        None => {
            let own: Vec<&Approval> = rows.iter().filter(|r| !r.escalation).collect();
            let count = |s: &str| own.iter().filter(|r| r.state == s).count();
            rules::verdict(stage.rule, stage.quorum, own.len(), count("approved"), count("rejected"))
        }
    };
    let mut changes = Vec::new();
    match verdict {
        Verdict::Pending => request.updated_at = now,
        Verdict::Approved if n < plan.stages.len() => {
            store::skip_pending(c, request.id, now).await?;
            start_stage(c, flow, &request, &plan, n + 1, now).await?;
            request.updated_at = now;
        }
        Verdict::Approved | Verdict::Rejected => {
            store::skip_pending(c, request.id, now).await?;
            let approved = verdict == Verdict::Approved;
            changes = request.settle_approval(approved, now)?;
            let what = if approved { "was approved".to_string() } else { rejection(d) };
            notify(c, &request, request.requester_id, format!("{} {what}", request.number), now).await?;
        }
    }
    request.version += 1;
    tickets::update(c, flow.backend, &request, false).await?;
    journal::append(c, t, Some(a.approver_id), now, &crate::tickets::change_entries(request.id, &changes)).await?;
    if request.status == Status::InProgress {
        start_step(c, flow, &request, &plan, None, now).await?;
    }
    crate::sla::after_change(c, &flow.sla, t, &[request.id], now).await
}

fn rejection(d: &Decision) -> String {
    match d.comment.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(why) => format!("was rejected: {why}"),
        None => "was rejected".into(),
    }
}

/// Opens the tasks of the step after `after` (None: the first); false when none is left.
async fn start_step(c: &mut Conn, flow: &Flow, request: &Ticket, plan: &Plan, after: Option<u32>, now: i64) -> Result<bool> {
    let Some(step) = template::next_step(&plan.tasks, after) else { return Ok(false) };
    let t = request.tenant_id;
    for tpl in template::step_tasks(&plan.tasks, step) {
        let group = directory::group_by_name(c, t, &tpl.group).await?;
        let facts = Facts::new(&tpl.title, "", None, None, None, request.priority);
        let routed = decide(c, t, &[], &facts, Current { group: group.as_ref(), has_assignee: false }).await?;
        let numbered = tenants::next_number(c, t, TicketKind::Task.prefix()).await?;
        let mut task = Ticket {
            tenant_id: t,
            number: TicketKind::Task.number(numbered.seq),
            title: tpl.title.clone(),
            description: format!("Task {step} of {}: {}\n\n{}", request.number, request.title, request.description),
            impact: request.impact,
            urgency: request.urgency,
            priority: request.priority,
            requester_id: request.requester_id,
            assignee_id: routed.assignee.as_ref().map(|u| u.id),
            group_id: group.as_ref().map(|g| g.id),
            version: 1,
            created_at: now,
            updated_at: now,
            ..Ticket::blank(TicketKind::Task)
        };
        task.id = tickets::insert(c, flow.backend, &task).await?;
        store::insert_task(c, task.id, request.id, i64::from(step)).await?;
        let created = crate::sla::created_entry(
            &task,
            group.as_ref().map(|g| g.name.as_str()),
            routed.assignee.as_ref().map(|u| u.username.as_str()),
        );
        let mut added = Entry::action("ticket", request.id.0, "task_added");
        added.field = Some(format!("step {step}"));
        added.new = Some(format!("{} {}", task.number, task.title));
        let entries = [vec![created, added], routed.entries(task.id)].concat();
        journal::append(c, t, None, now, &entries).await?;
        routed.remember_turn(c).await?;
        if let Some(a) = task.assignee_id {
            notify(c, &task, a, format!("{} was assigned to you", task.number), now).await?;
        }
        crate::sla::after_change(c, &flow.sla, t, &[task.id], now).await?;
    }
    Ok(true)
}

/// Carries a status change of `ticket` (from `before`) on to its request or tasks: the
/// last open task of a step starts the next step or fulfils the request; a request
/// that ends cancels its open tasks and what it still waits approval for.
pub(crate) async fn after_status(c: &mut Conn, flow: &Flow, ticket: &Ticket, before: Status, by: Option<UserId>, now: i64) -> Result<()> {
    if ticket.status == before {
        return Ok(());
    }
    match ticket.kind {
        TicketKind::Task if before.is_open() && !ticket.status.is_open() => task_finished(c, flow, ticket, now).await,
        TicketKind::Request if ticket.status.is_final() => {
            store::skip_pending(c, ticket.id, now).await?;
            let scope = cairn_domain::access::Scope::system(ticket.tenant_id);
            for task in store::tasks_of(c, ticket.id).await? {
                let Some(mut tk) = tickets::by_id(c, &scope, task.id).await? else { continue };
                if tk.status.is_open() {
                    let why = format!("{} was {}", ticket.number, ticket.status.label().to_lowercase());
                    end_ticket(c, flow.backend, &flow.sla, &mut tk, Status::Cancelled, (by, "cancelled_with_request", &why), now).await?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

async fn task_finished(c: &mut Conn, flow: &Flow, task: &Ticket, now: i64) -> Result<()> {
    let Some((request_id, step)) = store::request_of(c, task.id).await? else { return Ok(()) };
    let siblings = store::tasks_of(c, request_id).await?;
    let open = |s: &Task| Status::parse(&s.status).is_ok_and(Status::is_open);
    if siblings.iter().any(|s| s.step == step && open(s)) {
        return Ok(());
    }
    let scope = cairn_domain::access::Scope::system(task.tenant_id);
    let Some(mut request) = tickets::by_id(c, &scope, request_id).await? else { return Ok(()) };
    if !request.status.is_open() || siblings.iter().any(|s| s.step > step) {
        return Ok(());
    }
    let plan = plan_of(c, request_id).await?.unwrap_or_default();
    if start_step(c, flow, &request, &plan, Some(step as u32), now).await? {
        return Ok(());
    }
    // The last step is done: the request is fulfilled.
    let done = TicketPatch {
        status: Some(Status::Resolved),
        resolution_code: Some("solved".into()),
        resolution_notes: Some(format!("Fulfilled: all {} tasks are done.", siblings.len())),
        ..TicketPatch::default()
    };
    let changes = request.apply(done, &CurrentNames::default(), &Default::default(), now)?;
    request.version += 1;
    tickets::update(c, flow.backend, &request, false).await?;
    journal::append(c, request.tenant_id, None, now, &crate::tickets::change_entries(request.id, &changes)).await?;
    let days = tenants::by_id(c, request.tenant_id).await?.map_or(0, |t| t.auto_close_days);
    crate::tickets::on_resolved(c, &request, days, None, now).await?;
    notify(c, &request, request.requester_id, format!("{} is now resolved", request.number), now).await?;
    crate::sla::after_change(c, &flow.sla, request.tenant_id, &[request.id], now).await
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

/// An approval with the request it decides, for the approver's pages.
#[derive(Debug, Clone)]
pub struct Case {
    pub approval: Approval,
    pub request: Ticket,
    pub requester: String,
    pub items: Vec<(Requested, cairn_domain::catalog::Answers)>,
}

impl App {
    pub(crate) fn flow(&self) -> Flow {
        Flow { backend: self.backend(), sla: self.sla.clone(), public_url: self.mailer.public_url.clone() }
    }

    /// The approvals and tasks of a request the actor may see.
    pub async fn request_progress(&self, actor: &Actor, number: &str) -> Result<Progress> {
        let mut c = self.db.read().await?;
        let t = crate::tickets::load(&mut c, &actor.scope(), number).await?;
        let plan = plan_of(&mut c, t.id).await?.unwrap_or_default();
        let tasks = if actor.may(cairn_domain::access::Permission::WorkTickets) || t.kind == TicketKind::Request {
            store::tasks_of(&mut c, t.id).await?
        } else {
            vec![]
        };
        Ok(Progress { plan, approvals: store::of_ticket(&mut c, t.id).await?, tasks })
    }

    /// The request a task belongs to (its number).
    pub async fn request_of_task(&self, actor: &Actor, number: &str) -> Result<Option<String>> {
        let mut c = self.db.read().await?;
        let t = crate::tickets::load(&mut c, &actor.scope(), number).await?;
        let Some((req, _)) = store::request_of(&mut c, t.id).await? else { return Ok(None) };
        Ok(tickets::by_id(&mut c, &actor.scope(), req).await?.map(|r| r.number))
    }

    /// What waits for the actor's decision.
    pub async fn my_approvals(&self, actor: &Actor) -> Result<Vec<Case>> {
        let mut c = self.db.read().await?;
        let mut out = Vec::new();
        for a in store::pending_for(&mut c, actor.tenant_id, actor.user_id).await? {
            out.push(case(&mut c, a).await?);
        }
        Ok(out)
    }

    /// One of the actor's approvals (another person's or tenant's: not found).
    pub async fn approval(&self, actor: &Actor, id: i64) -> Result<Case> {
        let mut c = self.db.read().await?;
        let a = mine(&mut c, actor, id).await?;
        case(&mut c, a).await
    }

    /// The actor decides one of their approvals.
    pub async fn decide(&self, actor: &Actor, id: i64, d: Decision) -> Result<()> {
        let d = checked(d)?;
        let (flow, now, actor) = (self.flow(), self.now(), actor.clone());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let a = mine(c, &actor, id).await?;
                    decide_approval(c, &flow, &a, &d, now).await
                })
            })
            .await
    }

    /// The approval an email link's token opens, if it is still usable.
    pub async fn approval_by_link(&self, token: &str) -> Result<Case> {
        let mut c = self.db.read().await?;
        let a = by_link(&mut c, token, self.now()).await?;
        case(&mut c, a).await
    }

    /// Decides through an email link: the link stands for its approver, once.
    pub async fn decide_by_link(&self, token: &str, approve: bool, comment: Option<String>) -> Result<()> {
        let d = checked(Decision { approve, comment, via: "email" })?;
        let (flow, now, token) = (self.flow(), self.now(), token.to_string());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let a = by_link(c, &token, now).await?;
                    decide_approval(c, &flow, &a, &d, now).await
                })
            })
            .await
    }

    /// A stage's timer: remind its approvers, or escalate it, if it still waits.
    pub(crate) async fn run_approval_timer(&self, t: TenantId, timer: ApprovalTimer) -> Result<()> {
        let (flow, now) = (self.flow(), self.now());
        self.db.write(move |c| Box::pin(async move { approval_timer(c, &flow, t, &timer, now).await })).await
    }
}

fn checked(mut d: Decision) -> Result<Decision> {
    d.comment = d.comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if d.comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
        return Err(AppError::invalid("comment", "at most 2000 characters"));
    }
    if !d.approve && d.comment.is_none() {
        return Err(AppError::invalid("comment", "say why you reject it"));
    }
    Ok(d)
}

async fn mine(c: &mut Conn, actor: &Actor, id: i64) -> Result<Approval> {
    let a = store::by_id(c, actor.tenant_id, id).await?.ok_or_else(|| AppError::NotFound(format!("approval {id}")))?;
    if a.approver_id != actor.user_id {
        return Err(AppError::Forbidden(format!("approval {id} is {}'s to decide", a.approver)));
    }
    Ok(a)
}

async fn by_link(c: &mut Conn, token: &str, now: i64) -> Result<Approval> {
    let a = store::by_token(c, &hash_secret(token)).await?.ok_or_else(|| {
        AppError::NotFound("approval link (a newer reminder may have replaced it; decide under Approvals in Cairn)".into())
    })?;
    if a.state == "pending"
        && let Some(at) = a.token_expires_at.filter(|at| *at <= now)
    {
        return Err(AppError::Gone(format!(
            "this approval link expired on {}; decide under Approvals in Cairn",
            crate::clock::minute(at) + " UTC"
        )));
    }
    Ok(a)
}

async fn case(c: &mut Conn, a: Approval) -> Result<Case> {
    let scope = cairn_domain::access::Scope::system(a.tenant_id);
    let request = tickets::by_id(c, &scope, a.ticket_id).await?.ok_or_else(|| AppError::NotFound("request".into()))?;
    let requester = directory::user_by_id(c, a.tenant_id, request.requester_id).await?.map(|u| u.display_name).unwrap_or_default();
    let mut items = Vec::new();
    for r in cairn_store::catalog::requested(c, request.id).await? {
        let answers = serde_json::from_str(&r.answers).map_err(|e| AppError::Internal(e.to_string()))?;
        items.push((r, answers));
    }
    Ok(Case { approval: a, request, requester, items })
}

async fn approval_timer(c: &mut Conn, flow: &Flow, t: TenantId, timer: &ApprovalTimer, now: i64) -> Result<()> {
    let scope = cairn_domain::access::Scope::system(t);
    let Some(request) = tickets::by_id(c, &scope, TicketId(timer.ticket_id)).await? else { return Ok(()) };
    let rows: Vec<Approval> = store::of_ticket(c, request.id).await?.into_iter().filter(|r| r.stage == timer.stage).collect();
    let pending: Vec<&Approval> = rows.iter().filter(|r| r.state == "pending").collect();
    if request.status != Status::AwaitingApproval || pending.is_empty() {
        return Ok(());
    }
    let plan = plan_of(c, request.id).await?.unwrap_or_default();
    let Some(stage) = plan.stages.get(timer.stage as usize - 1) else { return Ok(()) };
    let expires = now + stage.timeout_hours.map_or(LINK_VALID_MS, |h| i64::from(h) * HOUR_MS);
    let mut e;
    if !timer.escalate {
        for a in &pending {
            let Some(u) = directory::user_by_id(c, t, a.approver_id).await? else { continue };
            let token = random_secret()?;
            store::set_token(c, a.id, &hash_secret(&token), expires).await?;
            send_link(c, flow, &request, &u, &token, "still awaits your approval (reminder)", now).await?;
        }
        e = Entry::action("ticket", request.id.0, "approval_reminded");
        e.new = Some(pending.iter().map(|a| a.approver.as_str()).collect::<Vec<_>>().join(", "));
    } else if rows.iter().any(|r| r.escalation) {
        return Ok(());
    } else {
        let name = stage.escalate_to.as_deref().unwrap_or_default();
        e = Entry::action("ticket", request.id.0, "approval_escalated");
        match escalation_approver(c, &request, name).await? {
            Some(u) => {
                ask(c, flow, &request, &u, (timer.stage, true), expires, "was escalated to you for approval", now).await?;
                e.new = Some(u.username);
            }
            None => e.new = Some(format!("nobody: '{name}' cannot approve it")),
        }
    }
    e.field = Some(format!("stage {}", timer.stage));
    journal::append(c, t, None, now, &[e]).await?;
    Ok(())
}
