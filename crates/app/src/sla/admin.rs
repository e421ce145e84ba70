//! Calendars and definitions for administrators, and a ticket's clocks for its page.

use super::replay::{people_of, steps_of};
use super::*;
use crate::platform::admin::Admin;
use crate::ticket::load;
use crate::{App, AppError, Result, agents_only};
use cairn_domain::platform::access::Actor;
use cairn_domain::sla::attach::replay;
use cairn_domain::sla::{CalendarSpec, Clock, Definition};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::sla::{self as store};
use cairn_store::tx;

/// A clock as the ticket view shows it.
#[derive(Debug, Clone)]
pub struct ClockView {
    pub definition: String,
    pub kind: String,
    pub clock: Clock,
}

impl App {
    /// Adds or replaces a business calendar (admin); every calendar is checked again,
    /// so a broken parent chain is refused.
    pub async fn save_calendar(&self, admin: &Admin, name: &str, spec: CalendarSpec) -> Result<bool> {
        let name = crate::platform::admin::check_name("name", name, 100)?;
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                let mut specs = store::calendars(c, t).await?;
                specs.retain(|(n, _)| *n != name);
                specs.push((name.clone(), spec.clone()));
                resolve(&specs)?;
                let created = store::save_calendar(c, t, &name, &spec, now).await?;
                let mut e = Entry::action("calendar", 0, if created { "created" } else { "updated" });
                e.new = Some(name);
                journal::append(c, t, by, now, &[e]).await?;
                Ok(created)
            }))
            .await
    }

    #[tracing::instrument(name = "calendars", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn calendars(&self, actor: &Actor) -> Result<Vec<(String, CalendarSpec)>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::calendars(&mut c, actor.tenant_id).await?)
    }

    /// Adds (id 0) or replaces an SLA definition (admin). Open tickets keep their clocks
    /// until they change or `cairn sla replay` recomputes them.
    pub async fn save_sla_definition(&self, admin: &Admin, mut d: Definition) -> Result<Definition> {
        d.check()?;
        d.name = d.name.trim().to_string();
        let (t, by, now) = (admin.tenant(), admin.user(), self.now());
        self.db
            .write(tx!(|c| {
                if !store::calendars(c, t).await?.iter().any(|(n, _)| *n == d.calendar) {
                    return Err(AppError::invalid("calendar", format!("no calendar '{}'", d.calendar)));
                }
                let action = if d.id.0 == 0 { "created" } else { "updated" };
                d.id =
                    store::save_definition(c, t, &d, now).await?.ok_or_else(|| AppError::NotFound(format!("SLA definition {}", d.id)))?;
                let mut e = Entry::action("sla_definition", d.id, action);
                e.new = Some(d.name.clone());
                journal::append(c, t, by, now, &[e]).await?;
                Ok(d)
            }))
            .await
    }

    #[tracing::instrument(name = "sla_definitions", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn sla_definitions(&self, actor: &Actor) -> Result<Vec<Definition>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::definitions(&mut c, actor.tenant_id).await?)
    }

    /// The ticket's clocks now; `timeline` replays each one's timeline from the journal.
    /// Agents only: service-level clocks are internal (`platform::visibility`).
    #[tracing::instrument(name = "ticket_slas", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn ticket_slas(&self, actor: &Actor, number: &str, timeline: bool) -> Result<Vec<ClockView>> {
        agents_only(actor)?;
        let now = self.now();
        let mut c = self.db.read().await?;
        let tk = load(&mut c, &actor.scope(), number).await?;
        let Some(setup) = setup(&mut c, &self.sla, actor.tenant_id, now).await? else { return Ok(vec![]) };
        let replayed = if timeline {
            let recorded = journal::for_entities(&mut c, actor.tenant_id, "ticket", tk.id.0, tk.id.0).await?;
            let people = people_of(&mut c, actor.tenant_id, tk.requester_id, &recorded).await?;
            let steps = steps_of(tk.kind.as_str(), tk.requester_id.0, &recorded.iter().collect::<Vec<_>>(), &people);
            replay(&setup.definitions, &setup.schedules, &steps)
        } else {
            Vec::new()
        };
        let stored = store::clocks(&mut c, actor.tenant_id, tk.id).await?;
        let mut out = Vec::new();
        for k in stored {
            let Some(d) = setup.definitions.iter().find(|d| d.id == k.definition) else { continue };
            let Some(s) = setup.schedules.get(&d.calendar) else { continue };
            let mut clock = k.meter.at(s, now);
            if let Some(r) = replayed.iter().find(|r| r.definition == k.definition && r.meter.clock.target == clock.target) {
                clock.timeline = r.meter.clock.timeline.clone();
            }
            out.push(ClockView { definition: d.name.clone(), kind: d.kind.clone(), clock });
        }
        Ok(out)
    }
}
