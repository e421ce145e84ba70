//! Cairn's use cases. Each one: load → authorise the actor → let the domain decide →
//! write the change, its journal events and its follow-up jobs in ONE transaction
//! (`Db::write`). Nothing here knows about HTTP or SQL.

pub mod asset;
pub mod automation;
pub mod cmdb;
pub mod demo;
mod error;
pub mod incident;
pub mod knowledge;
pub mod page;
pub mod platform;
pub mod problem;
pub mod report;
pub mod request;
pub mod search;
pub mod sla;
pub mod ticket;

use cairn_store::tx;
use std::sync::Arc;

pub use cairn_domain as domain;
pub use cairn_store::{Backend, Db};
pub use error::AppError;
pub use platform::clock::{Clock, ManualClock, SystemClock};

use cairn_domain::ids::TenantId;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The check of every use case only agents (and admins) may run.
pub fn agents_only(actor: &cairn_domain::platform::access::Actor) -> Result<()> {
    if actor.may(cairn_domain::platform::access::Permission::WorkTickets) { Ok(()) } else { Err(AppError::Forbidden("agents only".into())) }
}

/// The ticket kernel with every practice's effects, in the order they run after a
/// ticket is written: fulfilment first (it may refuse the change), then what follows a
/// resolution, then the clocks, which see the ticket as the others left it.
fn kernel(backend: Backend, sla: &Arc<sla::SlaCache>, public_url: &str) -> ticket::kernel::Kernel {
    ticket::kernel::Kernel::new(
        backend,
        vec![
            Arc::new(request::fulfilment::Fulfilment { public_url: public_url.to_string() }),
            Arc::new(incident::major::Children),
            Arc::new(ticket::effects::AutoCloseTimer),
            Arc::new(sla::surveys::Survey),
            Arc::new(knowledge::Deflection),
            Arc::new(sla::effect::Clocks { cache: sla.clone() }),
        ],
    )
}

/// Every kind of follow-up work the worker runs.
fn jobs() -> platform::worker::Jobs {
    platform::worker::Jobs::default()
        .with::<platform::notify::Notify>()
        .with::<platform::mail::Mail>()
        .with::<ticket::end::AutoClose>()
        .with::<problem::recurring::Detect>()
        .with::<sla::Alarm>()
        .with::<cmdb::import::job::RunImport>()
        .with::<request::fulfilment::ApprovalTimer>()
        .with::<asset::contracts::ContractAlert>()
}

/// The tenant every instance has; more are added with `cairn admin create-tenant`.
pub const DEFAULT_TENANT: &str = "default";

#[derive(Clone)]
pub struct App {
    pub db: Db,
    clock: Arc<dyn Clock>,
    throttle: Arc<platform::throttle::Throttle>,
    hasher: Arc<platform::hashing::Hasher>,
    sessions: platform::auth::SessionPolicy,
    sla: Arc<sla::SlaCache>,
    kernel: Arc<ticket::kernel::Kernel>,
    jobs: Arc<platform::worker::Jobs>,
    live: Arc<platform::live::Live>,
    mailer: Arc<platform::mail::Mailer>,
    cmdb_graphs: Arc<cmdb::graph::GraphCache>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> App {
        let mailer = platform::mail::Mailer::off("http://127.0.0.1:8080");
        let sla = Arc::new(sla::SlaCache::default());
        App {
            kernel: Arc::new(kernel(db.backend(), &sla, &mailer.public_url)),
            jobs: Arc::new(jobs()),
            db,
            clock,
            throttle: Arc::new(platform::throttle::Throttle::default()),
            hasher: Arc::new(platform::hashing::Hasher::per_core()),
            sessions: platform::auth::SessionPolicy::default(),
            sla,
            live: Arc::new(platform::live::Live::new(std::time::Duration::from_secs(1))),
            mailer: Arc::new(mailer),
            cmdb_graphs: Arc::default(),
        }
    }

    /// Sends mail this way (links in it point at the mailer's public URL).
    pub fn with_mailer(mut self, mailer: platform::mail::Mailer) -> App {
        self.kernel = Arc::new(kernel(self.db.backend(), &self.sla, &mailer.public_url));
        self.mailer = Arc::new(mailer);
        self
    }

    /// Signs sessions out after this long without a request (and always after their
    /// absolute lifetime).
    pub fn with_session_idle(mut self, idle: std::time::Duration) -> App {
        self.sessions.idle_ms = i64::try_from(idle.as_millis()).unwrap_or(i64::MAX);
        self
    }

    /// Where links in mail point.
    pub(crate) fn public_url(&self) -> String {
        self.mailer.public_url.clone()
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
            .write(tx!(|c| {
                // Tenants made before the CMDB existed get its starter classes.
                for t in cairn_store::cmdb::classes::tenants_without(c).await? {
                    cmdb::classes::install_starter(c, t, now).await?;
                }
                if let Some(t) = cairn_store::platform::tenants::by_slug(c, DEFAULT_TENANT).await? {
                    return Ok(t.id);
                }
                let id = cairn_store::platform::tenants::insert(c, DEFAULT_TENANT, "Default", now).await?;
                cmdb::classes::install_starter(c, id, now).await?;
                cairn_store::platform::journal::append(
                    c,
                    id,
                    None,
                    now,
                    &[cairn_store::platform::journal::Entry::action("tenant", id.0, "created")],
                )
                .await?;
                Ok::<_, AppError>(id)
            }))
            .await
    }

    pub async fn tenant_by_slug(&self, slug: &str) -> Result<cairn_store::platform::tenants::Tenant> {
        let mut c = self.db.read().await?;
        cairn_store::platform::tenants::by_slug(&mut c, slug).await?.ok_or_else(|| AppError::NotFound(format!("tenant '{slug}'")))
    }

    /// Whether anyone can sign in yet (first-run hint).
    pub async fn has_users(&self) -> Result<bool> {
        let mut c = self.db.read().await?;
        Ok(cairn_store::platform::directory::count_users(&mut c).await? > 0)
    }
}
