//! Recurring-incident detection in the running system: a job that groups the last
//! days' similar incidents into problem candidates, and the problem manager's accept
//! (a problem linked to the incidents) or dismiss.

use cairn_domain::ids::CandidateId;
use cairn_domain::ids::TenantId;
use cairn_domain::platform::access::{Actor, Scope};
use cairn_domain::platform::visibility::TicketAction;
use cairn_domain::problem::CandidateStatus;
use cairn_domain::problem::recurring::{self, Settings};
use cairn_domain::ticket::{Ticket, TicketKind};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::problem::candidates::{self, Candidate};
use cairn_store::tx;
use cairn_store::{platform::directory, platform::jobs, platform::tenants, ticket as store};
use serde::{Deserialize, Serialize};

use crate::platform::worker::Job;
use crate::ticket::kernel::{By, Prepared, created_entry};
use crate::{App, AppError, Result, agents_only};

const DAY: i64 = 86_400_000;
/// How often the detection job runs.
const EVERY: i64 = 3_600_000;

/// What to look at: the last `window_days`, clusters of at least `min_incidents`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Detect {
    pub window_days: i64,
    pub min_incidents: usize,
}

impl Default for Detect {
    fn default() -> Self {
        Detect { window_days: 7, min_incidents: 3 }
    }
}

impl Job for Detect {
    const KIND: &'static str = "detect_recurring";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        app.run_detection_job(t, self).await.map_err(|e| e.to_string())
    }
}

impl Detect {
    fn check(self) -> Result<Detect> {
        if !(1..=365).contains(&self.window_days) {
            return Err(AppError::invalid("window_days", "must be 1 to 365"));
        }
        if !(2..=10_000).contains(&self.min_incidents) {
            return Err(AppError::invalid("min_incidents", "must be 2 to 10000"));
        }
        Ok(self)
    }
}

/// The outcome of one detection run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub scanned: usize,
    pub clusters: usize,
    pub new_candidates: usize,
    pub millis: u128,
}

/// "5 incidents in 3 days: 'VPN disconnects every few minutes' (Network/VPN)".
pub fn summary(k: &Candidate, incidents: usize) -> String {
    let days = ((k.last_at - k.first_at) / DAY + 1).max(1);
    let scope = if k.scope.is_empty() { String::new() } else { format!(" ({})", k.scope) };
    format!("{incidents} incidents in {days} days: '{}'{scope}", k.title)
}

impl App {
    /// Runs detection for a tenant now.
    pub async fn detect_recurring(&self, t: TenantId, d: Detect) -> Result<Report> {
        let d = d.check()?;
        let started = std::time::Instant::now();
        let now = self.now();
        let docs = {
            let mut c = self.db.read().await?;
            store::incidents_since(&mut c, t, now - d.window_days * DAY).await?
        };
        let found = recurring::clusters(&docs, Settings { min_size: d.min_incidents, ..Settings::default() });
        let (scanned, clusters) = (docs.len(), found.len());
        drop(docs);
        let new_candidates = self
            .db
            .write(tx!(|c| {
                let mut entries = Vec::new();
                for k in &found {
                    if candidates::propose(c, t, k, now).await? {
                        let mut e = Entry::action("problem_candidate", 0, "proposed");
                        e.new = Some(format!("{} incidents: {}", k.members.len(), k.title));
                        entries.push(e);
                    }
                }
                journal::append(c, t, None, now, &entries).await?;
                Ok::<_, AppError>(entries.len())
            }))
            .await?;
        Ok(Report { scanned, clusters, new_candidates, millis: started.elapsed().as_millis() })
    }

    /// Runs detection now on a problem manager's request.
    #[tracing::instrument(name = "detect_now", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn detect_now(&self, actor: &Actor, d: Detect) -> Result<Report> {
        agents_only(actor)?;
        self.detect_recurring(actor.tenant_id, d).await
    }

    /// Keeps one detection job scheduled for the tenant.
    pub async fn schedule_detection(&self, t: TenantId) -> Result<()> {
        let now = self.now();
        self.db
            .write(tx!(|c| {
                if jobs::pending_of_kind(c, t, Detect::KIND).await? == 0 {
                    let payload = serde_json::to_string(&Detect::default()).map_err(|e| AppError::Internal(e.to_string()))?;
                    jobs::enqueue(c, t, Detect::KIND, &payload, now + EVERY, now).await?;
                }
                Ok::<_, AppError>(())
            }))
            .await
    }

    /// The job: detect, then schedule the next run.
    pub(crate) async fn run_detection_job(&self, t: TenantId, d: Detect) -> Result<()> {
        let report = self.detect_recurring(t, d).await?;
        tracing::info!(
            tenant = t.0,
            scanned = report.scanned,
            clusters = report.clusters,
            new = report.new_candidates,
            ms = report.millis as u64,
            "recurring-incident detection"
        );
        let (now, payload) = (self.now(), serde_json::to_string(&d).map_err(|e| AppError::Internal(e.to_string()))?);
        self.db.write(tx!(|c| { jobs::enqueue(c, t, Detect::KIND, &payload, now + EVERY, now).await })).await?;
        Ok(())
    }

    #[tracing::instrument(name = "problem_candidates", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn problem_candidates(&self, actor: &Actor, status: Option<&str>) -> Result<Vec<(Candidate, Vec<String>)>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let status = match status.filter(|s| !s.is_empty()).map(|s| CandidateStatus::parse("status", s)) {
            None => None,
            Some(Ok(s)) => Some(s),
            // No candidate is in a status that does not exist.
            Some(Err(_)) => return Ok(Vec::new()),
        };
        let list = candidates::list(&mut c, actor.tenant_id, status).await?;
        // One query names every incident of every candidate.
        let mut ids: Vec<_> = list.iter().flat_map(|k| k.incidents.iter().copied()).collect();
        ids.sort_unstable_by_key(|i| i.0);
        ids.dedup();
        let mut names = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            names.extend(store::numbers(&mut c, actor.tenant_id, chunk).await?);
        }
        Ok(list
            .into_iter()
            .map(|k| {
                let numbers = k.incidents.iter().filter_map(|i| names.get(i).cloned()).collect();
                (k, numbers)
            })
            .collect())
    }

    /// Accepts a candidate: raises a problem and links it to the candidate's incidents.
    #[tracing::instrument(name = "accept_candidate", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn accept_candidate(&self, actor: &Actor, id: CandidateId) -> Result<String> {
        agents_only(actor)?;
        let (actor, now, kernel) = (actor.clone(), self.now(), self.kernel.clone());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let k = candidates::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("problem candidate {id}")))?;
                if k.status != CandidateStatus::Proposed {
                    return Err(AppError::Conflict(format!("problem candidate {id} is already {}", k.status.as_str())));
                }
                let scope = Scope::system(t);
                let mut incidents: Vec<Ticket> = Vec::new();
                for i in &k.incidents {
                    incidents.extend(store::by_id(c, &scope, *i).await?);
                }
                let numbered = tenants::next_number(c, t, TicketKind::Problem.prefix()).await?;
                let category = directory::categories(c, t).await?.into_iter().find(|n| *n == k.scope);
                let list: Vec<String> = incidents.iter().map(|i| format!("- {} {}", i.number, i.title)).collect();
                let mut p = Ticket::blank(TicketKind::Problem);
                p.tenant_id = t;
                p.number = TicketKind::Problem.number(numbered.seq);
                p.title =
                    cairn_domain::ticket::parse_title(&format!("Recurring: {}", k.title)).unwrap_or_else(|_| "Recurring incidents".into());
                p.description = format!(
                    "{} similar incidents ({}) were raised:\n{}",
                    incidents.len(),
                    if k.scope.is_empty() { "no category" } else { &k.scope },
                    list.join("\n")
                );
                p.category = category;
                p.priority = numbered.priority_matrix.priority(p.impact, p.urgency);
                p.requester_id = actor.user_id;
                p.version = 1;
                (p.created_at, p.updated_at) = (now, now);
                let mut from = Entry::ticket(p.id.0, TicketAction::FromCandidate);
                from.field = Some("incidents".into());
                from.new = Some(incidents.len().to_string());
                let by = By::user(actor.user_id, true);
                let created = created_entry(&p, None, None);
                let inserted = kernel.insert(c, &mut p, vec![created, from], by).await?;
                let mut entries = Vec::new();
                for i in &incidents {
                    store::insert_link(c, &scope, p.id, i.id, "causes", now).await?;
                    let mut l = Entry::ticket(p.id.0, TicketAction::Linked);
                    l.field = Some("causes".into());
                    l.new = Some(i.number.clone());
                    entries.push(l);
                }
                candidates::settle(c, t, id, CandidateStatus::Accepted, Some(p.id), now).await?;
                journal::append(c, t, Some(actor.user_id), now, &entries).await?;
                kernel.created(c, &Prepared::default(), inserted, &p).await?;
                Ok(p.number)
            }))
            .await
    }

    #[tracing::instrument(name = "dismiss_candidate", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn dismiss_candidate(&self, actor: &Actor, id: CandidateId) -> Result<()> {
        agents_only(actor)?;
        let (actor, now) = (actor.clone(), self.now());
        self.db
            .write(tx!(|c| {
                let t = actor.tenant_id;
                let k = candidates::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("problem candidate {id}")))?;
                if !candidates::settle(c, t, id, CandidateStatus::Dismissed, None, now).await? {
                    return Err(AppError::Conflict(format!("problem candidate {id} is already {}", k.status.as_str())));
                }
                let mut e = Entry::action("problem_candidate", id, "dismissed");
                e.new = Some(k.title);
                journal::append(c, t, Some(actor.user_id), now, &[e]).await?;
                Ok(())
            }))
            .await
    }
}
