//! The ranking of import sources that source precedence follows, most trusted first.
//! Administrators set it; its changes are journaled on the tenant's CMDB.

use cairn_domain::cmdb::reconcile::check_source;
use cairn_domain::platform::access::Actor;
use cairn_store::cmdb::sources as store;
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;

use crate::platform::admin::Admin;
use crate::{App, AppError, Result, agents_only};

impl App {
    pub async fn ci_sources(&self, actor: &Actor) -> Result<Vec<String>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::ranking(&mut c, actor.tenant_id).await?)
    }

    /// Replaces the ranking; each name a source name, none twice.
    pub async fn set_ci_sources(&self, admin: &Admin, most_trusted_first: &[String]) -> Result<Vec<String>> {
        let mut ranking: Vec<String> = Vec::with_capacity(most_trusted_first.len());
        for s in most_trusted_first {
            let s = check_source(s).map_err(|e| AppError::invalid("ranking", e.to_string()))?;
            if ranking.contains(&s) {
                return Err(AppError::invalid("ranking", format!("'{s}' is ranked twice")));
            }
            ranking.push(s);
        }
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let before = store::ranking(c, t).await?;
                if before != ranking {
                    store::set_ranking(c, t, &ranking).await?;
                    let mut e = Entry::action("ci_sources", t.0, "updated");
                    e.field = Some("ranking".into());
                    e.old = Some(before.join(", "));
                    e.new = Some(ranking.join(", "));
                    journal::append(c, t, by, now, &[e]).await?;
                }
                Ok(ranking)
            }))
            .await
    }
}
