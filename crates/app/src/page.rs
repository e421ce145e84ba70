//! Read models of the pages that draw on several practices: one call gathers what a
//! page shows. The ticket itself, its conversation, history and links must be read or
//! the page fails; a side section that cannot be read is left empty and named in
//! `unavailable`, so the page says what it could not show instead of hiding it.

use cairn_domain::platform::access::Actor;
use cairn_domain::request::catalog::Answers;
use cairn_domain::ticket::TicketKind;
use cairn_store::incident::outages::Outage;
use cairn_store::knowledge::Article;
use cairn_store::platform::journal::Recorded;
use cairn_store::request::catalog::Requested;
use cairn_store::ticket::canned::Canned;
use cairn_store::ticket::{Comment, Link};

use crate::incident::major::Review;
use crate::problem::Match;
use crate::request::fulfilment::Progress;
use crate::sla::ClockView;
use crate::ticket::TicketView;
use crate::{App, Result};

/// Everything the ticket page shows, as the actor may see it.
pub struct TicketPage {
    pub view: TicketView,
    pub comments: Vec<Comment>,
    pub history: Vec<Recorded>,
    pub links: Vec<Link>,
    /// Agents only: the choices of the fields form.
    pub groups: Vec<String>,
    pub agents: Vec<String>,
    /// (group, member) pairs, so that the assignee picker offers the group's members.
    pub memberships: Vec<(String, String)>,
    pub categories: Vec<String>,
    pub canned: Vec<Canned>,
    pub watchers: Vec<String>,
    pub similar: Vec<TicketView>,
    pub articles: Vec<Article>,
    pub slas: Vec<ClockView>,
    pub outages: Vec<Outage>,
    /// Staff: the CIs the ticket affects and the services they are used by.
    pub cis: Vec<crate::cmdb::affected::AffectedCi>,
    /// The contracts in force today covering the affected CIs: (CI number, contract).
    pub cover: Vec<(String, cairn_store::asset::contracts::ContractRow)>,
    pub review: Option<Review>,
    pub known_errors: Vec<Match>,
    /// Requests: the items ordered and their approvals and tasks; tasks: their request.
    pub items: Vec<(Requested, Answers)>,
    pub progress: Option<Progress>,
    pub request_of: Option<String>,
    /// Requesters: the survey's state (None: none sent; Some(None): not answered).
    pub survey: Option<Option<i64>>,
    /// The sections that could not be read.
    pub unavailable: Vec<&'static str>,
}

/// A side section: its value, or empty and named as unavailable.
fn section<T: Default>(unavailable: &mut Vec<&'static str>, name: &'static str, r: Result<T>) -> T {
    r.unwrap_or_else(|e| {
        tracing::warn!(section = name, error = %e, "a section of the ticket page could not be read");
        unavailable.push(name);
        T::default()
    })
}

impl App {
    /// The ticket page of `number` for `actor`.
    #[tracing::instrument(name = "ticket_page", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn ticket_page(&self, actor: &Actor, number: &str) -> Result<TicketPage> {
        let view = self.get_ticket(actor, number).await?;
        let number = view.ticket.number.clone();
        let (comments, history, links) =
            tokio::try_join!(self.comments(actor, &number), self.history(actor, &number), self.links(actor, &number))?;
        let mut page = TicketPage {
            view,
            comments,
            history,
            links,
            groups: vec![],
            agents: vec![],
            memberships: vec![],
            categories: vec![],
            canned: vec![],
            watchers: vec![],
            similar: vec![],
            articles: vec![],
            slas: vec![],
            outages: vec![],
            cis: vec![],
            cover: vec![],
            review: None,
            known_errors: vec![],
            items: vec![],
            progress: None,
            request_of: None,
            survey: None,
            unavailable: vec![],
        };
        let (t, u) = (&page.view.ticket, &mut page.unavailable);
        let (kind, incident) = (t.kind, t.kind == TicketKind::Incident);
        if actor.role.is_staff() {
            page.groups = section(u, "groups", self.groups(actor).await.map(|g| g.into_iter().map(|g| g.name).collect()));
            let users = section(u, "agents", self.users(actor).await);
            page.agents = users.into_iter().filter(|u| u.role.is_staff() && !u.disabled).map(|u| u.username).collect();
            page.memberships = section(u, "group members", self.memberships(actor).await);
            page.categories = section(u, "categories", self.categories(actor).await);
            page.canned = section(u, "canned responses", self.canned_responses(actor).await);
            page.watchers = section(u, "watchers", self.watchers(actor, &number).await);
            page.similar = section(u, "similar tickets", self.similar_tickets(actor, t).await);
            page.articles = section(u, "suggested articles", self.suggested_articles(actor, &t.title, 3).await);
            page.slas = section(u, "service levels", self.ticket_slas(actor, &number, true).await);
            page.cis = section(u, "affected CIs", self.ticket_cis_with_services(actor, &number).await);
            let numbers: Vec<String> = page.cis.iter().map(|c| c.number.clone()).collect();
            if !numbers.is_empty() {
                page.cover = section(u, "support contracts", self.contracts_covering_numbers(actor, &numbers).await);
            }
            if incident {
                page.outages = section(u, "outages", self.outages(actor, &number).await);
                if t.status.is_open() {
                    page.known_errors = section(u, "known errors", self.known_errors_for(actor, &number).await);
                }
            }
            if t.major {
                page.review = section(u, "post-incident review", self.review(actor, &number).await.map(Some));
            }
        } else {
            page.survey = section(u, "survey", self.survey_state(actor, &number).await);
        }
        match kind {
            TicketKind::Request => {
                page.items = section(u, "requested items", self.requested_items(actor, &number).await);
                page.progress = section(u, "approvals and tasks", self.request_progress(actor, &number).await.map(Some));
            }
            TicketKind::Task => page.request_of = section(u, "request", self.request_of_task(actor, t).await),
            _ => {}
        }
        Ok(page)
    }
}
