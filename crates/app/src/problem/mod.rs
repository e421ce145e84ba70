//! Problem management around the ticket core: incidents linked to their problem,
//! known errors found from an incident, and a problem's workaround posted to every
//! incident it still causes.

pub mod recurring;

use cairn_domain::ids::KnownErrorId;
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::problem::{KnownErrorStatus, similarity};
use cairn_domain::ticket::{self, TicketKind};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::problem::known_errors::{self, KnownError};
use cairn_store::tx;
use cairn_store::{platform::tenants, ticket as store};

use crate::platform::notify::{News, notify};
use crate::ticket::kernel::{By, Prepared};
use crate::ticket::load;
use crate::{App, AppError, Result, agents_only};
use cairn_domain::platform::news::NewsKind;

/// A known error as an agent writes it.
#[derive(Debug, Clone, Default)]
pub struct KnownErrorInput {
    pub title: Option<String>,
    pub symptom: Option<String>,
    pub root_cause: Option<String>,
    pub workaround: Option<String>,
    /// `active` or `retired`.
    pub status: Option<String>,
    /// The problem's number.
    pub problem: Option<String>,
}

/// How well a known error matches an incident.
#[derive(Debug, Clone)]
pub struct Match {
    pub known_error: KnownError,
    /// 0.0 to 1.0.
    pub score: f64,
}

/// Matches below this score are not worth an agent's attention.
const MIN_SCORE: f64 = 0.2;

fn text(field: &'static str, v: Option<String>, required: bool) -> Result<Option<String>> {
    match v {
        Some(v) if field == "title" => {
            Ok(Some(ticket::parse_title(&v).map_err(|_| AppError::invalid("title", "must be 1 to 200 characters"))?))
        }
        Some(v) => Ok(Some(ticket::parse_text(field, &v, required)?)),
        None if required => Err(AppError::invalid(field, "is required")),
        None => Ok(None),
    }
}

/// Ranks known errors by how much of their title and symptom an incident's text shares.
pub fn rank(incident_text: &str, candidates: Vec<KnownError>, limit: usize) -> Vec<Match> {
    let terms = similarity::terms(incident_text);
    let mut out: Vec<Match> = candidates
        .into_iter()
        .filter(|k| k.status == KnownErrorStatus::Active)
        .map(|k| {
            let score = similarity::cosine(&terms, &similarity::terms(&format!("{} {}", k.title, k.symptom)));
            Match { known_error: k, score }
        })
        .filter(|m| m.score >= MIN_SCORE)
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out.truncate(limit);
    out
}

impl App {
    #[tracing::instrument(name = "create_known_error", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn create_known_error(&self, actor: &Actor, input: KnownErrorInput) -> Result<KnownError> {
        agents_only(actor)?;
        let title = text("title", input.title, true)?.unwrap_or_default();
        let symptom = text("symptom", input.symptom, true)?.unwrap_or_default();
        let root_cause = text("root_cause", input.root_cause, false)?.unwrap_or_default();
        let workaround = text("workaround", input.workaround, false)?.unwrap_or_default();
        let status = status_of(input.status.as_deref())?.unwrap_or(KnownErrorStatus::Active);
        let (actor, now) = (actor.clone(), self.now());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let problem = match input.problem.as_deref() {
                    Some(n) => Some(problem_named(c, &actor, n).await?),
                    None => None,
                };
                let seq = tenants::next_number(c, t, "KE").await?.seq;
                let mut k = KnownError {
                    id: KnownErrorId(0),
                    number: format!("KE{seq:07}"),
                    problem: problem.as_ref().map(|p| p.id),
                    problem_number: problem.map(|p| p.number),
                    title,
                    symptom,
                    root_cause,
                    workaround,
                    status,
                    created_at: now,
                    updated_at: now,
                };
                k.id = known_errors::insert(c, t, &k).await?;
                let mut e = Entry::action("known_error", k.id, "created");
                e.new = Some(k.number.clone());
                journal::append(c, t, Some(actor.user_id), now, &[e]).await?;
                Ok(k)
            }))
            .await
    }

    #[tracing::instrument(name = "update_known_error", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn update_known_error(&self, actor: &Actor, number: &str, input: KnownErrorInput) -> Result<KnownError> {
        agents_only(actor)?;
        let (actor, now, number) = (actor.clone(), self.now(), number.to_string());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let mut k =
                    known_errors::by_number(c, t, &number).await?.ok_or_else(|| AppError::NotFound(format!("known error {number}")))?;
                let mut entries = Vec::new();
                let mut set = |field: &'static str, slot: &mut String, v: Option<String>| {
                    if let Some(v) = v.filter(|v| v != slot) {
                        let mut e = Entry::action("known_error", k.id, "updated");
                        e.field = Some(field.into());
                        e.old = Some(std::mem::replace(slot, v.clone()));
                        e.new = Some(v);
                        entries.push(e);
                    }
                };
                // Absent fields stay as they are; given ones are checked as on create.
                let given = |field, v: Option<String>| v.map(|v| text(field, Some(v), true)).transpose().map(Option::flatten);
                set("title", &mut k.title, given("title", input.title)?);
                set("symptom", &mut k.symptom, given("symptom", input.symptom)?);
                set("root_cause", &mut k.root_cause, text("root_cause", input.root_cause, false)?);
                set("workaround", &mut k.workaround, text("workaround", input.workaround, false)?);
                if let Some(s) = status_of(input.status.as_deref())?.filter(|s| *s != k.status) {
                    let mut e = Entry::action("known_error", k.id, "updated");
                    e.field = Some("status".into());
                    e.old = Some(k.status.as_str().into());
                    e.new = Some(s.as_str().into());
                    entries.push(e);
                    k.status = s;
                }
                if let Some(n) = input.problem.as_deref() {
                    let p = problem_named(c, &actor, n).await?;
                    k.problem = Some(p.id);
                    k.problem_number = Some(p.number);
                }
                k.updated_at = now;
                known_errors::update(c, t, &k).await?;
                journal::append(c, t, Some(actor.user_id), now, &entries).await?;
                Ok(k)
            }))
            .await
    }

    /// Known errors, optionally ranked against a search text; a known error's or its
    /// problem's number finds it first.
    #[tracing::instrument(name = "known_errors", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn known_errors(&self, actor: &Actor, q: Option<&str>) -> Result<Vec<Match>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let all = known_errors::all(&mut c, actor.tenant_id).await?;
        Ok(match q.map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => {
                // A number (the known error's or its problem's) finds it, whatever its status.
                let named = |k: &KnownError| {
                    k.number.eq_ignore_ascii_case(q) || k.problem_number.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(q))
                };
                let (by_number, rest): (Vec<_>, Vec<_>) = all.into_iter().partition(named);
                by_number.into_iter().map(|k| Match { known_error: k, score: 1.0 }).chain(rank(q, rest, 50)).collect()
            }
            None => all.into_iter().map(|k| Match { known_error: k, score: 0.0 }).collect(),
        })
    }

    /// The active known errors that best match an incident's title and description.
    #[tracing::instrument(name = "known_errors_for", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn known_errors_for(&self, actor: &Actor, number: &str) -> Result<Vec<Match>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let t = load(&mut c, &actor.scope(), number).await?;
        let all = known_errors::all(&mut c, actor.tenant_id).await?;
        Ok(rank(&format!("{} {}", t.title, t.description), all, 5))
    }

    /// Posts the workaround of a problem's known error to each open incident the
    /// problem causes, as a public reply; returns the incidents reached.
    #[tracing::instrument(name = "apply_workaround", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn apply_workaround(&self, actor: &Actor, problem: &str) -> Result<Vec<String>> {
        agents_only(actor)?;
        let (actor, now, b, problem, kernel) = (actor.clone(), self.now(), self.backend(), problem.to_string(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let scope = actor.scope();
                let p = problem_named(c, &actor, &problem).await?;
                let known = known_errors::for_problem(c, actor.tenant_id, p.id).await?;
                let Some(k) = known.iter().rev().find(|k| k.status == KnownErrorStatus::Active && !k.workaround.trim().is_empty()) else {
                    return Err(AppError::invalid("problem", format!("{} has no active known error with a workaround", p.number)));
                };
                let body = format!("Workaround ({}, {}): {}", k.number, p.number, k.workaround);
                let mut reached = Vec::new();
                let mut entries = Vec::new();
                for i in store::linked(c, &scope, p.id, "causes").await?.into_iter().filter(|i| i.status.is_open()) {
                    let comment =
                        store::NewComment { ticket: i.id, author: Some(actor.user_id), body: &body, internal: false, minutes: 0, at: now };
                    store::insert_comment(c, b, &scope, &comment).await?;
                    store::touch(c, &scope, i.id, now).await?;
                    let mut e = Entry::ticket(i.id.0, TicketAction::WorkaroundApplied);
                    e.field = Some("known_error".into());
                    e.new = Some(k.number.clone());
                    entries.push(e);
                    if i.requester_id != actor.user_id {
                        notify(
                            c,
                            &i,
                            i.requester_id,
                            News::new(
                                NewsKind::Other,
                                TicketAction::WorkaroundApplied.visibility(None),
                                format!("{}: a workaround is available", i.number),
                            ),
                            now,
                        )
                        .await?;
                    }
                    reached.push(i);
                }
                journal::append(c, actor.tenant_id, Some(actor.user_id), now, &entries).await?;
                let (by, p) = (By::user(actor.user_id, true), Prepared::default());
                for i in &reached {
                    kernel.touched(c, &p, i, by, now).await?;
                }
                Ok(reached.into_iter().map(|i| i.number).collect())
            }))
            .await
    }
}

fn status_of(s: Option<&str>) -> Result<Option<KnownErrorStatus>> {
    Ok(s.map(|s| KnownErrorStatus::parse("status", s)).transpose()?)
}

async fn problem_named(c: &mut cairn_store::Conn, actor: &Actor, number: &str) -> Result<cairn_domain::ticket::Ticket> {
    let p = load(c, &actor.scope(), number).await.map_err(|_| AppError::invalid("problem", format!("no problem '{number}'")))?;
    if p.kind != TicketKind::Problem {
        return Err(AppError::invalid("problem", format!("{} is not a problem", p.number)));
    }
    Ok(p)
}
