//! Fulfilment tasks: each step's tasks opened for their groups (TSK tickets), the next
//! step when a step is done, the request resolved after the last, and open tasks
//! cancelled with their request.

use cairn_domain::automation::routing::Facts;
use cairn_domain::ids::UserId;
use cairn_domain::platform::access::Scope;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::request::fulfilment as template;
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{CurrentNames, Ticket, TicketKind, TicketPatch};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::request::approvals::{self as store, Task};
use cairn_store::{Conn, platform::directory, platform::tenants, ticket as tickets};

use super::{Flow, Plan, plan_of};
use crate::Result;
use crate::automation::routing::{Current, decide};
use crate::platform::notify::{News, notify};
use crate::ticket::end::end_ticket;
use crate::ticket::kernel::{By, change_entries};
use cairn_domain::platform::news::NewsKind;

/// Opens the tasks of the step after `after` (None: the first); false when none is left.
pub(super) async fn start_step(c: &mut Conn, flow: Flow<'_>, request: &Ticket, plan: &Plan, after: Option<u32>, now: i64) -> Result<bool> {
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
        let created = crate::ticket::kernel::created_entry(
            &task,
            group.as_ref().map(|g| g.name.as_str()),
            routed.assignee.as_ref().map(|u| u.username.as_str()),
        );
        let entries = [vec![created], routed.entries(task.id)].concat();
        let inserted = flow.tx.kernel.insert(c, &mut task, entries, By::SYSTEM).await?;
        store::insert_task(c, t, task.id, request.id, i64::from(step)).await?;
        let mut added = Entry::ticket(request.id.0, TicketAction::TaskAdded);
        added.field = Some(format!("step {step}"));
        // The number stays out of the text requesters read in the history.
        added.old = Some(task.number.clone());
        added.new = Some(task.title.clone());
        journal::append(c, t, None, now, &[added]).await?;
        routed.remember_turn(c).await?;
        if let Some(a) = task.assignee_id {
            notify(
                c,
                &task,
                a,
                News::new(
                    NewsKind::Assigned,
                    TicketAction::Updated.visibility(Some("assignee")),
                    format!("{} was assigned to you", task.number),
                ),
                now,
            )
            .await?;
        }
        flow.tx.kernel.created(c, flow.tx.prepared, inserted, &task).await?;
    }
    Ok(true)
}

pub(super) async fn finished(c: &mut Conn, flow: Flow<'_>, task: &Ticket, now: i64) -> Result<()> {
    let t = task.tenant_id;
    let Some((request_id, step)) = store::request_of(c, t, task.id).await? else { return Ok(()) };
    // Tasks of one step closing at once see each other's closure.
    tickets::lock(c, t, request_id).await?;
    let siblings = store::tasks_of(c, t, request_id).await?;
    if siblings.iter().any(|s| s.step == step && open(s)) {
        return Ok(());
    }
    let scope = Scope::system(t);
    let Some(mut request) = tickets::by_id(c, &scope, request_id).await? else { return Ok(()) };
    if !request.status.is_open() || siblings.iter().any(|s| s.step > step) {
        return Ok(());
    }
    let plan = plan_of(c, t, request_id).await?.unwrap_or_default();
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
    let before = request.clone();
    let changes = request.apply(done, &CurrentNames::default(), &Default::default(), now)?;
    let entries = change_entries(&request, &changes);
    flow.tx.kernel.update(c, flow.tx.prepared, &before, &mut request, entries, By::SYSTEM, now).await?;
    notify(
        c,
        &request,
        request.requester_id,
        News::new(NewsKind::Status, TicketAction::Updated.visibility(Some("status")), format!("{} is now resolved", request.number)),
        now,
    )
    .await
}

fn open(t: &Task) -> bool {
    Status::parse(&t.status).is_ok_and(Status::is_open)
}

/// A request is resolved by hand only once its tasks are done or cancelled.
pub(super) async fn none_open(c: &mut Conn, request: &Ticket) -> Result<()> {
    let open: Vec<String> = store::tasks_of(c, request.tenant_id, request.id).await?.into_iter().filter(open).map(|t| t.number).collect();
    if open.is_empty() {
        return Ok(());
    }
    let why = format!("{} still has open tasks ({}); close or cancel them first", request.number, open.join(", "));
    Err(crate::AppError::invalid("status", why))
}

/// Cancels the open tasks of a request that ended.
pub(super) async fn cancel_open(c: &mut Conn, flow: Flow<'_>, request: &Ticket, by: Option<UserId>, now: i64) -> Result<()> {
    let scope = Scope::system(request.tenant_id);
    for task in store::tasks_of(c, request.tenant_id, request.id).await? {
        let Some(mut tk) = tickets::by_id(c, &scope, task.id).await? else { continue };
        if tk.status.is_open() {
            let why = format!("{} was {}", request.number, request.status.label().to_lowercase());
            let by = By { user: by, staff: true };
            end_ticket(c, flow.tx, &mut tk, Status::Cancelled, (by, TicketAction::CancelledWithRequest, &why), now).await?;
        }
    }
    Ok(())
}
