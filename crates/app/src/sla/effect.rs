//! Service levels as a ticket effect: after every event of a ticket, in its transaction,
//! its clocks take the new facts (see [`super::after_change_with`]). The tenant's setup
//! (definitions and compiled calendars) is read once per use case: prepared on a reader
//! before the write, or else read at the first event and kept for the others.

use std::any::Any;
use std::sync::Arc;

use cairn_domain::ids::TenantId;
use cairn_store::{BoxFuture, Conn};

use super::{Setup, SlaCache, after_change_with, setup};
use crate::Result;
use crate::ticket::kernel::{Effect, Event, Tx};

pub(crate) struct Clocks {
    pub cache: Arc<SlaCache>,
}

/// The tenant's definitions and schedules, read before the write (None: it has none).
struct Prepared(Option<Setup>);

impl Effect for Clocks {
    fn name(&self) -> &'static str {
        "sla_clocks"
    }

    fn prepare<'a>(&'a self, c: &'a mut Conn, t: TenantId, now: i64) -> BoxFuture<'a, Result<Option<Box<dyn Any + Send + Sync>>>> {
        Box::pin(async move { Ok(Some(Box::new(Prepared(setup(c, &self.cache, t, now).await?)) as Box<dyn Any + Send + Sync>)) })
    }

    fn after<'a>(&'a self, c: &'a mut Conn, tx: Tx<'a>, e: &'a Event<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let (t, id) = (e.ticket.tenant_id, e.ticket.id);
            match tx.prepared::<Prepared>(t) {
                Some(Prepared(Some(s))) => after_change_with(c, s, t, id, e.now).await,
                Some(Prepared(None)) => Ok(()),
                // Not prepared: read the setup once per use case, however many
                // tickets it saves (a major incident's children, a request's tasks).
                None => {
                    let setup = match tx.recalled::<Option<Setup>>(t) {
                        Some(s) => s,
                        None => {
                            let s = Arc::new(setup(c, &self.cache, t, e.now).await?);
                            tx.remember(t, s.clone());
                            s
                        }
                    };
                    match setup.as_ref() {
                        Some(s) => after_change_with(c, s, t, id, e.now).await,
                        None => Ok(()),
                    }
                }
            }
        })
    }
}
