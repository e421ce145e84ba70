//! Satisfaction after resolution: when a ticket is first resolved its requester gets a
//! survey link (one-click rating 1 to 5, then effort and a comment), answerable once
//! within 14 days. CSAT and effort scores per group, service or agent, and XLAs: targets
//! on those scores over a sliding window.

use std::collections::BTreeMap;

use cairn_domain::access::Actor;
use cairn_domain::sla::xla::{Xla, status, trend};
use cairn_domain::ticket::Ticket;
use cairn_store::journal::{self, Entry};
use cairn_store::{Conn, directory, surveys as store};

use crate::auth::{hash_secret, random_secret};
use crate::tickets::notify;
use crate::{App, AppError, Result, agents_only};

/// How long a survey link can be answered.
pub const VALID_MS: i64 = 14 * 86_400_000;

/// Opens the ticket's survey (first resolution only) and sends the requester the link.
pub(crate) async fn send(c: &mut Conn, tk: &Ticket, now: i64) -> Result<()> {
    let token = random_secret()?;
    if store::open(c, tk.tenant_id, tk.id, &hash_secret(&token), now, now + VALID_MS).await? {
        let message = format!("{} is resolved. How did we do? Rate it at /survey/{token}", tk.number);
        notify(c, tk, tk.requester_id, message, now).await?;
    }
    Ok(())
}

fn score(field: &'static str, v: Option<i64>) -> Result<Option<i64>> {
    match v {
        Some(x) if !(1..=5).contains(&x) => Err(AppError::invalid(field, format!("{x} is not from 1 to 5"))),
        other => Ok(other),
    }
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
    /// Answers a survey through its link: a rating, optionally effort and a comment.
    /// Returns the ticket number.
    pub async fn answer_survey(&self, token: &str, rating: Option<i64>, effort: Option<i64>, comment: Option<String>) -> Result<String> {
        let rating = score("rating", rating)?.ok_or_else(|| AppError::invalid("rating", "choose a rating from 1 to 5"))?;
        let effort = score("effort", effort)?;
        let comment = comment.map(|c| c.trim().chars().take(2000).collect::<String>()).filter(|c| !c.is_empty());
        let (hash, now) = (hash_secret(token), self.now());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    let s = store::by_token(c, &hash).await?.ok_or_else(|| AppError::NotFound("survey".into()))?;
                    if s.answered_at.is_some() {
                        return Err(AppError::Conflict("this survey was already answered; thank you".into()));
                    }
                    if now > s.expires_at {
                        return Err(AppError::Conflict("this survey has expired".into()));
                    }
                    store::answer(c, s.id, rating, effort, comment.as_deref(), now).await?;
                    let number = cairn_store::tickets::by_id(c, &cairn_domain::access::Scope::system(s.tenant_id), s.ticket)
                        .await?
                        .map(|t| t.number)
                        .unwrap_or_default();
                    let mut e = Entry::action("ticket", s.ticket.0, "survey_answered");
                    e.field = Some("rating".into());
                    e.new = Some(rating.to_string());
                    journal::append(c, s.tenant_id, None, now, &[e]).await?;
                    Ok(number)
                })
            })
            .await
    }

    /// CSAT (share of 4 and 5), mean rating and mean effort per group, service or agent,
    /// over the answers given in the period.
    pub async fn csat_report(&self, actor: &Actor, by: &str, from: i64, to: i64) -> Result<Vec<CsatLine>> {
        agents_only(actor)?;
        if !GROUPINGS.contains(&by) {
            return Err(AppError::invalid("by", format!("'{by}' is not one of {}", GROUPINGS.join(", "))));
        }
        if to <= from {
            return Err(AppError::invalid("to", "the period ends before it starts"));
        }
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
    pub async fn save_xla(&self, admin: &crate::admin::Admin, mut x: Xla) -> Result<Xla> {
        x.check()?;
        x.name = x.name.trim().to_string();
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(move |c| {
                Box::pin(async move {
                    if let Some(g) = &x.group
                        && directory::group_by_name(c, t, g).await?.is_none()
                    {
                        return Err(AppError::invalid("group", format!("no group '{g}'")));
                    }
                    x.id = cairn_store::sla::insert_xla(c, t, &x, now).await?;
                    let mut e = Entry::action("xla", x.id, "created");
                    e.new = Some(x.name.clone());
                    journal::append(c, t, by, now, &[e]).await?;
                    Ok(x)
                })
            })
            .await
    }

    /// Every XLA with its value over its window, the window before, status and trend.
    pub async fn xla_statuses(&self, actor: &Actor) -> Result<Vec<XlaStatus>> {
        agents_only(actor)?;
        let (t, now) = (actor.tenant_id, self.now());
        let mut c = self.db.read().await?;
        let groups: BTreeMap<i64, String> = directory::groups(&mut c, t).await?.into_iter().map(|g| (g.id.0, g.name)).collect();
        let mut out = Vec::new();
        for x in cairn_store::sla::xlas(&mut c, t).await? {
            let w = x.window_days * 86_400_000;
            let mut mean_over = async |from: i64, to: i64| -> Result<(usize, Option<f64>)> {
                let values: Vec<f64> = store::answers(&mut c, t, from, to)
                    .await?
                    .into_iter()
                    .filter(|a| x.service.as_ref().is_none_or(|s| a.service.as_deref() == Some(s.as_str())))
                    .filter(|a| x.group.as_ref().is_none_or(|g| a.group_id.and_then(|id| groups.get(&id)) == Some(g)))
                    .filter_map(|a| if x.measure == "effort" { a.effort } else { Some(a.rating) })
                    .map(|v| v as f64)
                    .collect();
                let n = values.len();
                Ok((n, (n > 0).then(|| values.iter().sum::<f64>() / n as f64)))
            };
            let (responses, current) = mean_over(now - w, now + 1).await?;
            let (_, previous) = mean_over(now - 2 * w, now - w).await?;
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
