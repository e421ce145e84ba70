//! Satisfaction after resolution: when a ticket is first resolved its requester gets a
//! survey link (one-click rating 1 to 5, then effort and a comment), answerable once
//! within 14 days. CSAT and effort scores per group, service or agent, and XLAs: targets
//! on those scores over a sliding window.

use crate::ticket::kernel::{Effect, Event, Tx};
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::ticket::TicketKind;
use cairn_domain::ticket::status::Status;
use cairn_store::BoxFuture;
use cairn_store::tx;
use std::collections::BTreeMap;

use cairn_domain::ids::UserId;
use cairn_domain::platform::access::{Actor, Scope};
use cairn_domain::sla::survey::{ANSWER_MAX, Questions};
use cairn_domain::sla::xla::{Xla, availability, status, trend};
use cairn_domain::ticket::Ticket;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::sla::surveys::Details;
use cairn_store::{Conn, incident::outages, platform::directory, sla::surveys as store};

use crate::platform::auth::{hash_secret, random_secret};
use crate::platform::notify::{News, notify};
use crate::{App, AppError, Result, agents_only};
use cairn_domain::platform::news::NewsKind;

/// How long a survey link can be answered.
pub const VALID_MS: i64 = 14 * 86_400_000;

/// Opens the ticket's survey (first resolution only) and sends the requester the link.
/// Sends the survey when an incident or request is resolved by someone other than its
/// requester (a requester who resolves their own ticket is not asked how we did).
pub(crate) struct Survey;

impl Effect for Survey {
    fn name(&self) -> &'static str {
        "survey"
    }

    fn after<'a>(&'a self, c: &'a mut Conn, _tx: Tx<'a>, e: &'a Event<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let tk = e.ticket;
            let asks = matches!(tk.kind, TicketKind::Incident | TicketKind::Request) && Some(tk.requester_id) != e.by;
            if asks && e.entered(Status::Resolved) { send(c, tk, e.now).await } else { Ok(()) }
        })
    }
}

async fn send(c: &mut Conn, tk: &Ticket, now: i64) -> Result<()> {
    let token = random_secret()?;
    if store::open(c, tk.tenant_id, tk.id, &hash_secret(&token), now, now + VALID_MS).await? {
        let message = format!("{} is resolved. How did we do? Rate it at /survey/{token}", tk.number);
        notify(c, tk, tk.requester_id, News::new(NewsKind::Other, TicketAction::Updated.visibility(Some("status")), message), now).await?;
    }
    Ok(())
}

fn score(field: &'static str, v: Option<i64>) -> Result<Option<i64>> {
    match v {
        Some(x) if !(1..=5).contains(&x) => Err(AppError::invalid(field, format!("{x} is not from 1 to 5"))),
        other => Ok(other),
    }
}

/// A survey as its link shows it.
#[derive(Debug, Clone)]
pub struct SurveyView {
    pub number: String,
    pub title: String,
    pub questions: Questions,
    /// The rating given, once answered.
    pub rating: Option<i64>,
    /// The details (effort, comment, own questions) were given.
    pub details: bool,
    pub expired: bool,
}

/// What a requester says besides the rating.
#[derive(Debug, Clone, Default)]
pub struct SurveyAnswer {
    pub effort: Option<i64>,
    pub comment: Option<String>,
    /// Answers to the tenant's own questions, in their order (None: blank).
    pub answers: Vec<Option<String>>,
}

/// One answered survey, for managers.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub number: String,
    pub group: Option<String>,
    pub answered_at: i64,
    pub rating: i64,
    pub effort: Option<i64>,
    pub comment: Option<String>,
    /// (question, answer) for the tenant's own questions.
    pub answers: Vec<(String, String)>,
}

/// Records an answer to a survey: the rating with any details, once; a survey rated in
/// one click takes its details once more. Returns the ticket number.
async fn record(c: &mut Conn, s: store::Survey, rating: Option<i64>, answer: SurveyAnswer, by: Option<UserId>, now: i64) -> Result<String> {
    let rating = score("rating", rating)?;
    let effort = score("effort", answer.effort)?;
    let comment = answer.comment.map(|c| c.trim().chars().take(ANSWER_MAX).collect::<String>()).filter(|c| !c.is_empty());
    if now > s.expires_at {
        return Err(AppError::Conflict("this survey has expired".into()));
    }
    if s.answered_at.is_some() && (rating.is_some() || s.details) {
        return Err(AppError::Conflict("this survey was already answered; thank you".into()));
    }
    let questions = store::questions(c, s.tenant_id).await?;
    // A rating alone (one click) is always taken; the rest, required questions
    // included, can follow once.
    let rating_alone = effort.is_none() && comment.is_none() && answer.answers.iter().all(Option::is_none);
    let own = if rating_alone { Vec::new() } else { questions.answers(&answer.answers)? };
    let d = Details {
        effort: effort.filter(|_| questions.effort.is_some()),
        comment,
        answers: (!own.is_empty()).then(|| serde_json::to_string(&own)).transpose().map_err(|e| AppError::Internal(e.to_string()))?,
    };
    let mut e = Entry::ticket(s.ticket.0, TicketAction::SurveyAnswered);
    match (rating, s.answered_at) {
        (Some(r), None) => {
            store::answer(c, s.tenant_id, s.id, r, &d, now).await?;
            e.field = Some("rating".into());
            e.new = Some(r.to_string());
        }
        (None, None) => return Err(AppError::invalid("rating", "choose a rating from 1 to 5")),
        (_, Some(_)) if d == Details::default() => return Err(AppError::invalid("comment", "nothing to add")),
        (_, Some(_)) => {
            // Rated in one click: the details, once.
            if !store::add_details(c, s.tenant_id, s.id, &d).await? {
                return Err(AppError::Conflict("this survey was already answered; thank you".into()));
            }
            e.field = Some("details".into());
            e.new = d.effort.map(|x| format!("effort {x}"));
        }
    }
    journal::append(c, s.tenant_id, by, now, &[e]).await?;
    Ok(cairn_store::ticket::by_id(c, &Scope::system(s.tenant_id), s.ticket).await?.map(|t| t.number).unwrap_or_default())
}

/// A line of the satisfaction report.
#[derive(Debug, Clone, PartialEq)]
pub struct CsatLine {
    pub key: String,
    pub responses: usize,
    pub mean_rating: f64,
    /// Share of 4 and 5 ratings, in percent.
    pub csat: f64,
    pub mean_effort: Option<f64>,
}

pub const GROUPINGS: [&str; 3] = ["group", "service", "agent"];

impl App {
    /// A survey as its link shows it: the ticket, the questions, and how far it was
    /// answered.
    pub async fn survey(&self, token: &str) -> Result<SurveyView> {
        let mut c = self.db.read().await?;
        let s = store::by_token(&mut c, &hash_secret(token)).await?.ok_or_else(|| AppError::NotFound("survey".into()))?;
        let tk = cairn_store::ticket::by_id(&mut c, &Scope::system(s.tenant_id), s.ticket)
            .await?
            .ok_or_else(|| AppError::NotFound("survey".into()))?;
        Ok(SurveyView {
            number: tk.number,
            title: tk.title,
            questions: store::questions(&mut c, s.tenant_id).await?,
            rating: s.rating,
            details: s.details,
            expired: self.now() > s.expires_at,
        })
    }

    /// Answers a survey through its link: the rating with any details, once. A survey
    /// rated in one click takes its details (effort, comment, own questions) once more,
    /// without a rating. Returns the ticket number.
    pub async fn answer_survey(&self, token: &str, rating: Option<i64>, answer: SurveyAnswer) -> Result<String> {
        let (hash, now) = (hash_secret(token), self.now());
        self.db
            .write(tx!(|c| {
                let s = store::by_token(c, &hash).await?.ok_or_else(|| AppError::NotFound("survey".into()))?;
                record(c, s, rating, answer, None, now).await
            }))
            .await
    }

    /// Rates a resolved ticket from the portal: its requester answers the ticket's
    /// survey (the same one the link leads to, answered once).
    #[tracing::instrument(name = "rate_ticket", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn rate_ticket(&self, actor: &Actor, number: &str, rating: Option<i64>, answer: SurveyAnswer) -> Result<String> {
        let (actor, number, now) = (actor.clone(), number.to_string(), self.now());
        self.db
            .write(tx!(|c| {
                let tk = crate::ticket::load(c, &actor.scope(), &number).await?;
                if tk.requester_id != actor.user_id {
                    return Err(AppError::Forbidden("only the requester rates a ticket".into()));
                }
                let s = store::by_ticket(c, tk.tenant_id, tk.id)
                    .await?
                    .ok_or_else(|| AppError::Conflict(format!("{} has no survey: it was never resolved", tk.number)))?;
                record(c, s, rating, answer, Some(actor.user_id), now).await
            }))
            .await
    }

    /// Whether the ticket's survey can still be answered: Some(rating given) or None
    /// when there is no open survey.
    #[tracing::instrument(name = "survey_state", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn survey_state(&self, actor: &Actor, number: &str) -> Result<Option<Option<i64>>> {
        let mut c = self.db.read().await?;
        let tk = crate::ticket::load(&mut c, &actor.scope(), number).await?;
        if tk.requester_id != actor.user_id {
            return Ok(None);
        }
        let now = self.now();
        Ok(store::by_ticket(&mut c, tk.tenant_id, tk.id).await?.filter(|s| now <= s.expires_at || s.rating.is_some()).map(|s| s.rating))
    }

    #[tracing::instrument(name = "survey_questions", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn survey_questions(&self, actor: &Actor) -> Result<Questions> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::questions(&mut c, actor.tenant_id).await?)
    }

    /// Sets the tenant's survey questions (admin).
    pub async fn save_survey_questions(&self, admin: &crate::platform::admin::Admin, q: Questions) -> Result<()> {
        q.check()?;
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                store::set_questions(c, t, &q).await?;
                let mut e = Entry::action("tenant", t.0, "survey_questions_changed");
                e.new = Some(format!("{} questions of its own", q.extra.len()));
                journal::append(c, t, by, now, &[e]).await?;
                Ok(())
            }))
            .await
    }

    /// The answers of the period, newest first, with their comments: for administrators,
    /// and for group managers on their groups' tickets.
    #[tracing::instrument(name = "survey_responses", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn survey_responses(&self, actor: &Actor, from: i64, to: i64) -> Result<Vec<Response>> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let groups = directory::groups(&mut c, t).await?;
        let managed: Vec<i64> = groups.iter().filter(|g| g.manager == Some(actor.user_id)).map(|g| g.id.0).collect();
        let admin = actor.may(cairn_domain::platform::access::Permission::Administer);
        if !admin && managed.is_empty() {
            return Err(AppError::Forbidden("survey comments are for administrators and group managers".into()));
        }
        let names: BTreeMap<i64, String> = groups.into_iter().map(|g| (g.id.0, g.name)).collect();
        Ok(store::answers(&mut c, t, from, to)
            .await?
            .into_iter()
            .filter(|a| admin || a.group_id.is_some_and(|g| managed.contains(&g)))
            .map(|a| Response {
                answers: a.answers.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default(),
                group: a.group_id.and_then(|g| names.get(&g).cloned()),
                number: a.number,
                answered_at: a.answered_at,
                rating: a.rating,
                effort: a.effort,
                comment: a.comment,
            })
            .collect())
    }

    /// CSAT (share of 4 and 5), mean rating and mean effort per group, service or agent,
    /// over the answers given in the period.
    #[tracing::instrument(name = "csat_report", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn csat_report(&self, actor: &Actor, by: &str, from: i64, to: i64) -> Result<Vec<CsatLine>> {
        agents_only(actor)?;
        if !GROUPINGS.contains(&by) {
            return Err(AppError::invalid("by", format!("'{by}' is not one of {}", GROUPINGS.join(", "))));
        }
        crate::report::check_period(from, to)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let answers = store::answers(&mut c, t, from, to).await?;
        let groups: BTreeMap<i64, String> = directory::groups(&mut c, t).await?.into_iter().map(|g| (g.id.0, g.name)).collect();
        let users: BTreeMap<i64, String> = directory::users(&mut c, t).await?.into_iter().map(|u| (u.id.0, u.username)).collect();
        let mut acc: BTreeMap<String, Vec<&store::Answer>> = BTreeMap::new();
        for a in &answers {
            let key = match by {
                "group" => a.group_id.and_then(|g| groups.get(&g).cloned()).unwrap_or_else(|| "(no group)".into()),
                "service" => a.service.clone().unwrap_or_else(|| "(no service)".into()),
                _ => a.assignee_id.and_then(|u| users.get(&u).cloned()).unwrap_or_else(|| "(unassigned)".into()),
            };
            acc.entry(key).or_default().push(a);
        }
        Ok(acc
            .into_iter()
            .map(|(key, list)| {
                let n = list.len() as f64;
                let efforts: Vec<i64> = list.iter().filter_map(|a| a.effort).collect();
                CsatLine {
                    key,
                    responses: list.len(),
                    mean_rating: list.iter().map(|a| a.rating as f64).sum::<f64>() / n,
                    csat: list.iter().filter(|a| a.rating >= 4).count() as f64 * 100.0 / n,
                    mean_effort: (!efforts.is_empty()).then(|| efforts.iter().sum::<i64>() as f64 / efforts.len() as f64),
                }
            })
            .collect())
    }
}

/// An XLA with where it stands now.
#[derive(Debug, Clone, PartialEq)]
pub struct XlaStatus {
    pub xla: Xla,
    pub responses: usize,
    pub current: Option<f64>,
    pub previous: Option<f64>,
    /// met, missed or no_data.
    pub status: &'static str,
    /// up, down, flat or new.
    pub trend: &'static str,
}

impl App {
    /// Adds an experience-level agreement (admin).
    pub async fn save_xla(&self, admin: &crate::platform::admin::Admin, mut x: Xla) -> Result<Xla> {
        x.check()?;
        x.name = x.name.trim().to_string();
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                if let Some(g) = &x.group
                    && directory::group_by_name(c, t, g).await?.is_none()
                {
                    return Err(AppError::invalid("group", format!("no group '{g}'")));
                }
                if let Some(cal) = &x.calendar
                    && !cairn_store::sla::calendars(c, t).await?.iter().any(|(n, _)| n == cal)
                {
                    return Err(AppError::invalid("calendar", format!("no calendar '{cal}'")));
                }
                x.id = cairn_store::sla::insert_xla(c, t, &x, now).await?;
                let mut e = Entry::action("xla", x.id, "created");
                e.new = Some(x.name.clone());
                journal::append(c, t, by, now, &[e]).await?;
                Ok(x)
            }))
            .await
    }

    /// Every XLA with its value over its window, the window before, status and trend.
    #[tracing::instrument(name = "xla_statuses", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn xla_statuses(&self, actor: &Actor) -> Result<Vec<XlaStatus>> {
        agents_only(actor)?;
        let (t, now) = (actor.tenant_id, self.now());
        let mut c = self.db.read().await?;
        let groups: BTreeMap<i64, String> = directory::groups(&mut c, t).await?.into_iter().map(|g| (g.id.0, g.name)).collect();
        let mut out = Vec::new();
        let schedules = crate::sla::schedules(&mut c, &self.sla, t, now).await?;
        for x in cairn_store::sla::xlas(&mut c, t).await? {
            let w = x.window_days * 86_400_000;
            let ((responses, current), (_, previous)) = if x.measure == "availability" {
                let service = x.service.clone().unwrap_or_default();
                let outages: Vec<(i64, Option<i64>)> =
                    outages::of_service(&mut c, t, &service, now - 2 * w, now).await?.iter().map(|o| (o.started_at, o.ended_at)).collect();
                let schedule = x.calendar.as_ref().and_then(|n| schedules.get(n));
                let over = |from: i64, to: i64| -> (usize, Option<f64>) {
                    let n = outages.iter().filter(|(a, b)| *a < to && b.is_none_or(|b| b > from)).count();
                    (n, schedule.and_then(|s| availability(s, &outages, from, to)))
                };
                (over(now - w, now), over(now - 2 * w, now - w))
            } else {
                let answers = store::answers(&mut c, t, now - 2 * w, now + 1).await?;
                let over = |from: i64, to: i64| -> (usize, Option<f64>) {
                    let values: Vec<f64> = answers
                        .iter()
                        .filter(|a| (from..to).contains(&a.answered_at))
                        .filter(|a| x.service.as_ref().is_none_or(|s| a.service.as_deref() == Some(s.as_str())))
                        .filter(|a| x.group.as_ref().is_none_or(|g| a.group_id.and_then(|id| groups.get(&id)) == Some(g)))
                        .filter_map(|a| if x.measure == "effort" { a.effort } else { Some(a.rating) })
                        .map(|v| v as f64)
                        .collect();
                    let n = values.len();
                    (n, (n > 0).then(|| values.iter().sum::<f64>() / n as f64))
                };
                (over(now - w, now + 1), over(now - 2 * w, now - w))
            };
            out.push(XlaStatus {
                status: status(current, x.target),
                trend: trend(current, previous),
                xla: x,
                responses,
                current,
                previous,
            });
        }
        Ok(out)
    }
}
