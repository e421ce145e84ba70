//! Cairn's use cases. Each one: load → authorise the actor → let the domain decide →
//! write the change, its journal events and its follow-up jobs in ONE transaction
//! (`Db::write`). Nothing here knows about HTTP or SQL.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod canned;
pub mod catalog;
mod clock;
pub mod dashboard;
pub mod demo;
mod error;
pub mod escalation;
pub mod fulfilment;
pub mod knowledge;
pub mod live;
pub mod mail;
mod major;
mod merge;
pub mod outages;
pub mod problems;
pub mod recurring;
pub mod routing;
pub mod saved_views;
pub mod search;
pub mod similar;
pub mod sla;
pub mod sla_report;
pub mod surveys;
pub mod tickets;
pub mod watchers;
pub mod worker;

use std::sync::Arc;

pub use cairn_domain as domain;
pub use cairn_store::{Backend, Db};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::AppError;

use cairn_domain::ids::TenantId;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The check of every use case only agents (and admins) may run.
pub(crate) fn agents_only(actor: &cairn_domain::access::Actor) -> Result<()> {
    if actor.may(cairn_domain::access::Permission::WorkTickets) { Ok(()) } else { Err(AppError::Forbidden("agents only".into())) }
}

/// The tenant every instance has; more are added with `cairn admin create-tenant`.
pub const DEFAULT_TENANT: &str = "default";

#[derive(Clone)]
pub struct App {
    pub db: Db,
    clock: Arc<dyn Clock>,
    throttle: Arc<auth::Throttle>,
    session_ttl_ms: i64,
    sla: Arc<sla::SlaCache>,
    live: Arc<live::Live>,
    mailer: Arc<mail::Mailer>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> App {
        App {
            db,
            clock,
            throttle: Arc::new(auth::Throttle::default()),
            session_ttl_ms: 12 * 3_600_000,
            sla: Arc::new(sla::SlaCache::default()),
            live: Arc::new(live::Live::new(std::time::Duration::from_secs(1))),
            mailer: Arc::new(mail::Mailer::off("http://127.0.0.1:8080")),
        }
    }

    /// Sends mail this way (links in it point at the mailer's public URL).
    pub fn with_mailer(mut self, mailer: mail::Mailer) -> App {
        self.mailer = Arc::new(mailer);
        self
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Ends the live updates of open pages (on shutdown).
    pub fn close_live(&self) {
        self.live.close();
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Creates the default tenant on a fresh database. When several instances start on
    /// one database at once, all but one lose the insert race; they find its tenant.
    pub async fn bootstrap(&self) -> Result<TenantId> {
        let t = match self.bootstrap_once().await {
            Err(AppError::Conflict(_)) => self.bootstrap_once().await,
            other => other,
        }?;
        self.schedule_detection(t).await?;
        Ok(t)
    }

    async fn bootstrap_once(&self) -> Result<TenantId> {
        let now = self.now();
        self.db
            .write(move |c| {
                Box::pin(async move {
                    if let Some(t) = cairn_store::tenants::by_slug(c, DEFAULT_TENANT).await? {
                        return Ok(t.id);
                    }
                    let id = cairn_store::tenants::insert(c, DEFAULT_TENANT, "Default", now).await?;
                    cairn_store::journal::append(c, id, None, now, &[cairn_store::journal::Entry::action("tenant", id.0, "created")])
                        .await?;
                    Ok::<_, AppError>(id)
                })
            })
            .await
    }

    pub async fn tenant_by_slug(&self, slug: &str) -> Result<cairn_store::tenants::Tenant> {
        let mut c = self.db.read().await?;
        cairn_store::tenants::by_slug(&mut c, slug).await?.ok_or_else(|| AppError::NotFound(format!("tenant '{slug}'")))
    }

    /// Whether anyone can sign in yet (first-run hint).
    pub async fn has_users(&self) -> Result<bool> {
        let mut c = self.db.read().await?;
        Ok(cairn_store::directory::count_users(&mut c).await? > 0)
    }
}
