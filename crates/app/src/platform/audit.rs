//! `cairn audit verify`: walks every tenant's journal and recomputes the hash chain.

use cairn_domain::platform::journal::{ChainFault, Verifier};
use cairn_store::{platform::journal, platform::tenants};

use crate::{App, Result};

pub struct TenantAudit {
    pub tenant: String,
    pub events: i64,
    pub fault: Option<ChainFault>,
}

impl App {
    pub async fn verify_journal(&self) -> Result<Vec<TenantAudit>> {
        let mut c = self.db.read().await?;
        let mut report = Vec::new();
        for t in tenants::all(&mut c).await? {
            let mut v = Verifier::default();
            let mut last = 0;
            let mut fault = None;
            'pages: loop {
                let page = journal::page(&mut c, t.id, last, 5000).await?;
                if page.is_empty() {
                    break;
                }
                for r in &page {
                    if let Err(f) = v.check(&r.event, &r.prev_hash, &r.hash) {
                        fault = Some(f);
                        break 'pages;
                    }
                    last = r.event.seq;
                }
            }
            if fault.is_none() {
                let (seq, head) = journal::head(&mut c, t.id).await?;
                fault = v.finish(seq, &head).err();
            }
            report.push(TenantAudit { tenant: t.slug, events: last, fault });
        }
        Ok(report)
    }
}
