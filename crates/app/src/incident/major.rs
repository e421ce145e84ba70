//! Major incidents and parent/child incidents: declaring a major incident with its
//! manager, communication updates to everyone affected, children resolved with their
//! parent, and the post-incident review with a timeline drawn from the journal.

use cairn_domain::ids::UserId;
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::access::Scope;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::priority::Priority;
use cairn_domain::ticket::status::Status;
use cairn_domain::ticket::{self, CurrentNames, Ticket, TicketPatch};
use cairn_store::incident::reviews::{self, ReviewText};
use cairn_store::platform::journal::{self, Entry, Recorded};
use cairn_store::tx;
use cairn_store::{BoxFuture, Conn, ticket as store, ticket::watchers};

use crate::platform::directory::user_named;
use crate::platform::notify::{News, notify};
use crate::ticket::kernel::{By, Effect, Event, Prepared, Tx, change_entries};
use crate::ticket::load;
use crate::ticket::watchers::tell_watchers;
use crate::{App, AppError, Result, agents_only};
use cairn_domain::platform::news::NewsKind;

/// A parent that is resolved resolves its open children with its resolution, each
/// journaled as following its parent.
pub(crate) struct Children;

impl Effect for Children {
    fn name(&self) -> &'static str {
        "children_of_major"
    }

    fn after<'a>(&'a self, c: &'a mut Conn, tx: Tx<'a>, e: &'a Event<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { if e.entered(Status::Resolved) { resolve_children(c, tx, e.ticket, e.by, e.now).await } else { Ok(()) } })
    }
}

async fn resolve_children(c: &mut Conn, tx: Tx<'_>, parent: &Ticket, by: Option<UserId>, now: i64) -> Result<()> {
    for mut child in store::linked(c, &Scope::system(parent.tenant_id), parent.id, "parent_of").await? {
        if !child.status.is_open() {
            continue;
        }
        let before = child.clone();
        let patch = TicketPatch {
            status: Some(Status::Resolved),
            resolution_code: parent.resolution_code.clone(),
            resolution_notes: Some(format!("Resolved with its parent {}.", parent.number)),
            ..TicketPatch::default()
        };
        let changes = child.apply(patch, &CurrentNames::default(), &Default::default(), now)?;
        let mut why = Entry::ticket(child.id.0, TicketAction::Synced);
        why.field = Some("parent".into());
        why.new = Some(parent.number.clone());
        let entries = [vec![why], change_entries(&child, &changes)].concat();
        tx.kernel.update(c, tx.prepared, &before, &mut child, entries, By { user: by, staff: true }, now).await?;
        if Some(child.requester_id) != by {
            notify(
                c,
                &child,
                child.requester_id,
                News::new(
                    NewsKind::Status,
                    TicketAction::Synced.visibility(None),
                    format!("{} is resolved (with {})", child.number, parent.number),
                ),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// The post-incident review of a major incident.
#[derive(Debug, Clone, Default)]
pub struct Review {
    pub text: ReviewText,
    /// The incident's and its children's journal, in order.
    pub timeline: Vec<(String, Recorded)>,
}

fn must_be_major(t: &Ticket) -> Result<()> {
    if t.major { Ok(()) } else { Err(AppError::invalid("number", format!("{} is not a major incident", t.number))) }
}

impl App {
    /// Declares a major incident run by `manager`: priority 1, the manager watches it.
    #[tracing::instrument(name = "declare_major", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn declare_major(&self, actor: &Actor, number: &str, manager: &str) -> Result<()> {
        agents_only(actor)?;
        let (actor, now, number, manager, kernel) =
            (actor.clone(), self.now(), number.to_string(), manager.to_string(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let mut t = load(c, &actor.scope(), &number).await?;
                if !t.status.is_open() {
                    return Err(AppError::invalid("number", format!("{} is {}", t.number, t.status.as_str())));
                }
                let m = user_named(c, actor.tenant_id, "manager", &manager).await?;
                if !m.role.is_staff() {
                    return Err(AppError::invalid("manager", format!("'{}' is not an agent", m.username)));
                }
                let before = t.clone();
                t.major = true;
                t.major_manager_id = Some(m.id);
                t.priority = Priority::parse(1)?;
                t.updated_at = now;
                watchers::add(c, t.tenant_id, t.id, m.id).await?;
                let mut e = Entry::ticket(t.id.0, TicketAction::MajorDeclared);
                e.field = Some("manager".into());
                e.new = Some(m.username.clone());
                let mut entries = vec![e];
                if before.priority != t.priority {
                    let mut p = Entry::ticket(t.id.0, TicketAction::Updated);
                    p.field = Some("priority".into());
                    p.old = Some(before.priority.get().to_string());
                    p.new = Some(t.priority.get().to_string());
                    entries.push(p);
                }
                let by = By::user(actor.user_id, true);
                kernel.update(c, &Prepared::default(), &before, &mut t, entries, by, now).await?;
                if m.id != actor.user_id {
                    notify(
                        c,
                        &t,
                        m.id,
                        News::new(
                            NewsKind::Other,
                            TicketAction::MajorDeclared.visibility(None),
                            format!("You manage major incident {}", t.number),
                        ),
                        now,
                    )
                    .await?;
                }
                Ok(())
            }))
            .await
    }

    /// Posts a communication update: a public reply on the major incident, sent to its
    /// watchers and to the requesters of its child incidents.
    #[tracing::instrument(name = "communicate", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn communicate(&self, actor: &Actor, number: &str, message: &str) -> Result<usize> {
        agents_only(actor)?;
        let text = ticket::parse_text("message", message, true)?;
        let (actor, now, b, number, kernel) = (actor.clone(), self.now(), self.backend(), number.to_string(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let scope = actor.scope();
                let t = load(c, &scope, &number).await?;
                must_be_major(&t)?;
                let body = format!("Update: {text}");
                store::insert_comment(
                    c,
                    b,
                    &scope,
                    &store::NewComment { ticket: t.id, author: Some(actor.user_id), body: &body, internal: false, minutes: 0, at: now },
                )
                .await?;
                store::touch(c, &scope, t.id, now).await?;
                let mut e = Entry::ticket(t.id.0, TicketAction::Communicated);
                e.field = Some("update".into());
                e.new = Some(text.clone());
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                kernel.touched(c, &Prepared::default(), &t, By::user(actor.user_id, true), now).await?;
                let message = format!("{} update: {}", t.number, text.chars().take(140).collect::<String>());
                let mut told = std::collections::BTreeSet::new();
                for child in store::linked(c, &scope, t.id, "parent_of").await? {
                    if child.requester_id != actor.user_id && told.insert(child.requester_id) {
                        notify(
                            c,
                            &child,
                            child.requester_id,
                            News::new(NewsKind::Other, TicketAction::Communicated.visibility(None), message.clone()),
                            now,
                        )
                        .await?;
                    }
                }
                if t.requester_id != actor.user_id && told.insert(t.requester_id) {
                    notify(
                        c,
                        &t,
                        t.requester_id,
                        News::new(NewsKind::Other, TicketAction::Communicated.visibility(None), message.clone()),
                        now,
                    )
                    .await?;
                }
                let watching = watchers::list(c, t.tenant_id, t.id).await?;
                tell_watchers(c, &t, actor.user_id, NewsKind::Other, TicketAction::Communicated.visibility(None), &message, now).await?;
                Ok(told.len() + watching.iter().filter(|(id, _)| *id != actor.user_id && !told.contains(id)).count())
            }))
            .await
    }

    /// The review of a major incident, with its timeline.
    #[tracing::instrument(name = "review", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn review(&self, actor: &Actor, number: &str) -> Result<Review> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let scope = actor.scope();
        let t = load(&mut c, &scope, number).await?;
        must_be_major(&t)?;
        let mut review = Review { text: reviews::get_review(&mut c, t.tenant_id, t.id).await?.unwrap_or_default(), ..Review::default() };
        let mut timeline: Vec<(String, Recorded)> =
            journal::for_entity(&mut c, t.tenant_id, "ticket", t.id.0).await?.into_iter().map(|e| (t.number.clone(), e)).collect();
        for child in store::linked(&mut c, &scope, t.id, "parent_of").await? {
            timeline.extend(
                journal::for_entity(&mut c, t.tenant_id, "ticket", child.id.0).await?.into_iter().map(|e| (child.number.clone(), e)),
            );
        }
        timeline.sort_by_key(|(_, e)| e.event.seq);
        review.timeline = timeline;
        Ok(review)
    }

    /// Writes the review's summary, root cause and follow-up actions.
    #[tracing::instrument(name = "save_review", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn save_review(&self, actor: &Actor, number: &str, summary: &str, root_cause: &str, actions: &str) -> Result<()> {
        agents_only(actor)?;
        let fields = [("summary", summary), ("root_cause", root_cause), ("actions", actions)].map(|(f, v)| ticket::parse_text(f, v, false));
        let [summary, root_cause, actions] = fields;
        let (summary, root_cause, actions) = (summary?, root_cause?, actions?);
        let (actor, now, number) = (actor.clone(), self.now(), number.to_string());
        self.db
            .write(tx!(|c| {
                let t = load(c, &actor.scope(), &number).await?;
                must_be_major(&t)?;
                let text = ReviewText { summary, root_cause, actions };
                reviews::save_review(c, t.tenant_id, t.id, &text, now).await?;
                let mut e = Entry::ticket(t.id.0, TicketAction::ReviewUpdated);
                e.field = Some("root_cause".into());
                e.new = Some(text.root_cause);
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &[e]).await?;
                Ok(())
            }))
            .await
    }
}
