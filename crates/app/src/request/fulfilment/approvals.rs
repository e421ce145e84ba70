//! Approval stages: who is asked, their decisions from the portal, the API or an email
//! link, how a stage settles by its rule, and its reminder and escalation timers.

use cairn_domain::ids::TicketId;
use cairn_domain::ids::{ApprovalId, TenantId};
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::request::approval::ApprovalState;
use cairn_domain::request::approval::{self as rules, Approver, Stage, Verdict};
use cairn_domain::ticket::Ticket;
use cairn_domain::ticket::status::Status;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::request::approvals::{self as store, Approval, NewApproval};
use cairn_store::request::catalog::Requested;
use cairn_store::tx;
use cairn_store::{Conn, platform::directory, platform::jobs, ticket as tickets};
use serde::{Deserialize, Serialize};

use super::{Flow, HOUR_MS, LINK_VALID_MS, Plan, plan_of, tasks};
use crate::platform::auth::{hash_secret, random_secret};
use crate::platform::mail::Mail;
use crate::platform::notify::{News, notify};
use crate::platform::worker::Job;
use crate::ticket::kernel::{By, Prepared, Tx, change_entries};
use crate::{App, AppError, Result};
use cairn_domain::platform::news::NewsKind;

/// A stage's reminder (at half its timeout) or escalation (at the end).
#[derive(Debug, Serialize, Deserialize)]
pub struct ApprovalTimer {
    pub ticket_id: i64,
    pub stage: i64,
    pub escalate: bool,
}

impl Job for ApprovalTimer {
    const KIND: &'static str = "approval_timer";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        app.run_approval_timer(t, self).await.map_err(|e| e.to_string())
    }
}

impl ApprovalTimer {}

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
pub(super) async fn start_stage(c: &mut Conn, flow: Flow<'_>, request: &Ticket, plan: &Plan, n: usize, now: i64) -> Result<()> {
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
    let mut e = Entry::ticket(request.id.0, TicketAction::ApprovalRequested);
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
    flow: Flow<'_>,
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

async fn send_link(c: &mut Conn, flow: Flow<'_>, request: &Ticket, u: &directory::User, token: &str, what: &str, now: i64) -> Result<()> {
    notify(
        c,
        request,
        u.id,
        // The approval mail with its links goes out below: the news stays in the inbox.
        News::new(
            NewsKind::Approval,
            TicketAction::ApprovalRequested.visibility(None),
            format!("{} {what}: {}", request.number, request.title),
        )
        .inbox_only(),
        now,
    )
    .await?;
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
pub(crate) async fn decide_approval(c: &mut Conn, flow: Flow<'_>, a: &Approval, d: &Decision, now: i64) -> Result<()> {
    let t = a.tenant_id;
    if a.state != ApprovalState::Pending {
        let when = a.decided_at.map(crate::platform::clock::minute).unwrap_or_default() + " UTC";
        return Err(AppError::Conflict(match a.state {
            ApprovalState::Skipped => format!("this approval is no longer needed: its stage was settled on {when}"),
            s => format!("{} already {} this on {when}", a.approver, s.as_str()),
        }));
    }
    // Decisions on one request settle one after the other.
    tickets::lock(c, t, a.ticket_id).await?;
    let mut request = tickets::by_id(c, &cairn_domain::platform::access::Scope::system(t), a.ticket_id)
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
    let state = ApprovalState::decided(d.approve);
    if !store::decide(c, t, a.id, state, d.comment.as_deref(), d.via, now).await? {
        return Err(AppError::Conflict("this approval was decided meanwhile; reload".into()));
    }
    let mut e = Entry::ticket(request.id.0, if d.approve { TicketAction::Approved } else { TicketAction::Rejected });
    e.field = Some(format!("stage {}, via {}", a.stage, d.via));
    e.new = d.comment.clone();
    journal::append(c, t, Some(a.approver_id), now, &[e]).await?;
    let rows: Vec<Approval> = store::of_ticket(c, t, request.id).await?.into_iter().filter(|r| r.stage == a.stage).collect();
    let plan = plan_of(c, t, request.id).await?.unwrap_or_default();
    let n = a.stage as usize;
    let stage = plan.stages.get(n - 1).ok_or_else(|| AppError::Internal(format!("{}: no stage {n}", request.number)))?;
    let verdict = match rows.iter().find(|r| r.escalation && r.state != ApprovalState::Pending) {
        Some(esc) => {
            if esc.state == ApprovalState::Approved {
                Verdict::Approved
            } else {
                Verdict::Rejected
            }
        }
        None => {
            let own: Vec<&Approval> = rows.iter().filter(|r| !r.escalation).collect();
            let count = |s: ApprovalState| own.iter().filter(|r| r.state == s).count();
            rules::verdict(stage.rule, stage.quorum, own.len(), count(ApprovalState::Approved), count(ApprovalState::Rejected))
        }
    };
    let before = request.clone();
    let mut changes = Vec::new();
    match verdict {
        Verdict::Pending => request.updated_at = now,
        Verdict::Approved if n < plan.stages.len() => {
            store::skip_pending(c, t, request.id, now).await?;
            start_stage(c, flow, &request, &plan, n + 1, now).await?;
            request.updated_at = now;
        }
        Verdict::Approved | Verdict::Rejected => {
            store::skip_pending(c, t, request.id, now).await?;
            let approved = verdict == Verdict::Approved;
            changes = request.settle_approval(approved, now)?;
            let what = if approved { "was approved".to_string() } else { rejection(d) };
            notify(
                c,
                &request,
                request.requester_id,
                News::new(NewsKind::Approval, TicketAction::Approved.visibility(None), format!("{} {what}", request.number)),
                now,
            )
            .await?;
        }
    }
    let entries = change_entries(&request, &changes);
    let by = By { user: Some(a.approver_id), staff: false };
    flow.tx.kernel.update(c, flow.tx.prepared, &before, &mut request, entries, by, now).await?;
    if request.status == Status::InProgress {
        tasks::start_step(c, flow, &request, &plan, None, now).await?;
    }
    Ok(())
}

fn rejection(d: &Decision) -> String {
    match d.comment.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(why) => format!("was rejected: {why}"),
        None => "was rejected".into(),
    }
}

/// An approval with the request it decides, for the approver's pages.
#[derive(Debug, Clone)]
pub struct Case {
    pub approval: Approval,
    pub request: Ticket,
    pub requester: String,
    pub items: Vec<(Requested, cairn_domain::request::catalog::Answers)>,
}

impl App {
    /// One of the actor's approvals (another person's or tenant's: not found).
    #[tracing::instrument(name = "approval", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn approval(&self, actor: &Actor, id: ApprovalId) -> Result<Case> {
        let mut c = self.db.read().await?;
        let a = mine(&mut c, actor, id).await?;
        case(&mut c, a).await
    }

    /// The actor decides one of their approvals.
    #[tracing::instrument(name = "decide", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn decide(&self, actor: &Actor, id: ApprovalId, d: Decision) -> Result<()> {
        let d = checked(d)?;
        let (kernel, url, now, actor) = (self.kernel.clone(), self.public_url(), self.now(), actor.clone());
        self.db
            .write(tx!(|c| {
                let a = mine(c, &actor, id).await?;
                let p = Prepared::default();
                decide_approval(c, Flow { tx: Tx::of(&kernel, &p), public_url: &url }, &a, &d, now).await
            }))
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
        let (kernel, url, now, token) = (self.kernel.clone(), self.public_url(), self.now(), token.to_string());
        self.db
            .write(tx!(|c| {
                let a = by_link(c, &token, now).await?;
                let p = Prepared::default();
                decide_approval(c, Flow { tx: Tx::of(&kernel, &p), public_url: &url }, &a, &d, now).await
            }))
            .await
    }

    /// A stage's timer: remind its approvers, or escalate it, if it still waits.
    pub(crate) async fn run_approval_timer(&self, t: TenantId, timer: ApprovalTimer) -> Result<()> {
        let (kernel, url, now) = (self.kernel.clone(), self.public_url(), self.now());
        self.db
            .write(tx!(|c| {
                let p = Prepared::default();
                approval_timer(c, Flow { tx: Tx::of(&kernel, &p), public_url: &url }, t, &timer, now).await
            }))
            .await
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

async fn mine(c: &mut Conn, actor: &Actor, id: ApprovalId) -> Result<Approval> {
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
    if a.state == ApprovalState::Pending
        && let Some(at) = a.token_expires_at.filter(|at| *at <= now)
    {
        return Err(AppError::Gone(format!(
            "this approval link expired on {}; decide under Approvals in Cairn",
            crate::platform::clock::minute(at) + " UTC"
        )));
    }
    Ok(a)
}

async fn case(c: &mut Conn, a: Approval) -> Result<Case> {
    let scope = cairn_domain::platform::access::Scope::system(a.tenant_id);
    let request = tickets::by_id(c, &scope, a.ticket_id).await?.ok_or_else(|| AppError::NotFound("request".into()))?;
    let requester = directory::user_by_id(c, a.tenant_id, request.requester_id).await?.map(|u| u.display_name).unwrap_or_default();
    let items =
        cairn_store::request::catalog::requested(c, a.tenant_id, request.id).await?.into_iter().map(answered).collect::<Result<_>>()?;
    Ok(Case { approval: a, request, requester, items })
}

/// A requested item with its form's answers read back.
pub(super) fn answered(r: Requested) -> Result<(Requested, cairn_domain::request::catalog::Answers)> {
    let answers = serde_json::from_str(&r.answers).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((r, answers))
}

async fn approval_timer(c: &mut Conn, flow: Flow<'_>, t: TenantId, timer: &ApprovalTimer, now: i64) -> Result<()> {
    let scope = cairn_domain::platform::access::Scope::system(t);
    tickets::lock(c, t, TicketId(timer.ticket_id)).await?;
    let Some(request) = tickets::by_id(c, &scope, TicketId(timer.ticket_id)).await? else { return Ok(()) };
    let rows: Vec<Approval> = store::of_ticket(c, t, request.id).await?.into_iter().filter(|r| r.stage == timer.stage).collect();
    let pending: Vec<&Approval> = rows.iter().filter(|r| r.state == ApprovalState::Pending).collect();
    if request.status != Status::AwaitingApproval || pending.is_empty() {
        return Ok(());
    }
    let plan = plan_of(c, t, request.id).await?.unwrap_or_default();
    let Some(stage) = plan.stages.get(timer.stage as usize - 1) else { return Ok(()) };
    let expires = now + stage.timeout_hours.map_or(LINK_VALID_MS, |h| i64::from(h) * HOUR_MS);
    let mut e;
    if !timer.escalate {
        for a in &pending {
            let Some(u) = directory::user_by_id(c, t, a.approver_id).await? else { continue };
            let token = random_secret()?;
            store::set_token(c, t, a.id, &hash_secret(&token), expires).await?;
            send_link(c, flow, &request, &u, &token, "still awaits your approval (reminder)", now).await?;
        }
        e = Entry::ticket(request.id.0, TicketAction::ApprovalReminded);
        e.new = Some(pending.iter().map(|a| a.approver.as_str()).collect::<Vec<_>>().join(", "));
    } else if rows.iter().any(|r| r.escalation) {
        return Ok(());
    } else {
        let name = stage.escalate_to.as_deref().unwrap_or_default();
        e = Entry::ticket(request.id.0, TicketAction::ApprovalEscalated);
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
