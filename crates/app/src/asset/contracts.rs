//! Contracts: warranties, support, maintenance, leases, licences and subscriptions,
//! with what they cover and their documents. Each write queues the contract's expiry
//! alerts in the same transaction; each alert, when due, raises a ticket for the owner
//! and tells them, once per lead time however many workers run it.

use cairn_domain::asset::contract::{self, Alert, Billing, ContractKind, Deadline};
use cairn_domain::asset::{self, Money};
use cairn_domain::ids::{ContractId, TenantId};
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::news::NewsKind;
use cairn_domain::platform::visibility::Visibility;
use cairn_store::Conn;
use cairn_store::asset::assets as asset_store;
use cairn_store::asset::contracts::{self as store, Contract, ContractRow, Covered, Document};
use cairn_store::asset::settings;
use cairn_store::platform::journal::{self, Entry, Recorded};
use cairn_store::platform::{directory, jobs};
use cairn_store::tx;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{parse_date, today};
use crate::platform::notify::Notify;
use crate::platform::worker::Job;
use crate::ticket::NewTicket;
use crate::{App, AppError, Result, agents_only};

/// The entity contract events are journaled under.
pub const ENTITY: &str = "contract";

/// The largest document a contract keeps.
pub const DOCUMENT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// A contract as a caller writes it: on create `kind`, `name`, `starts_on` and
/// `ends_on` are required; on a change only what is given changes. Covered assets by
/// tag and CIs by number replace the lists when given.
#[derive(Debug, Clone, Default)]
pub struct ContractInput {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub vendor: Option<Option<String>>,
    pub reference: Option<Option<String>>,
    /// A staff username; the creator by default.
    pub owner: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub cost: Option<String>,
    pub billing: Option<String>,
    pub auto_renew: Option<bool>,
    pub renewal_terms: Option<Option<String>>,
    pub notice_days: Option<i64>,
    pub assets: Option<Vec<String>>,
    pub cis: Option<Vec<String>>,
}

/// A contract with what it covers, its documents and the alerts sent.
#[derive(Debug, Clone)]
pub struct ContractView {
    pub row: ContractRow,
    pub covered: Vec<Covered>,
    pub documents: Vec<Document>,
    /// `(deadline, deadline_on, lead days, ticket number)`.
    pub alerts: Vec<(String, String, i64, Option<String>)>,
    /// The last day to give notice, with a notice period.
    pub notice_by: Option<Date>,
}

fn note(entries: &mut Vec<Entry>, id: ContractId, field: &str, old: Option<String>, new: Option<String>) {
    if old != new {
        let mut e = Entry::action(ENTITY, id, "updated");
        e.field = Some(field.into());
        e.old = old;
        e.new = new;
        entries.push(e);
    }
}

fn text(field: &'static str, v: Option<String>) -> Result<Option<String>> {
    Ok(match v {
        Some(s) => asset::check_text(field, &s)?,
        None => None,
    })
}

/// Applies `input` to `k`, returning the journal entries of what changed (none on create)
/// and the covered items when given.
async fn apply(
    c: &mut Conn,
    t: TenantId,
    k: &mut Contract,
    owner_name: &mut Option<String>,
    creating: bool,
    input: ContractInput,
) -> Result<(Vec<Entry>, Option<Vec<Covered>>)> {
    let mut e = Vec::new();
    let id = k.id;
    let n = |e: &mut Vec<Entry>, f: &str, o: Option<String>, v: Option<String>| {
        if !creating {
            note(e, id, f, o, v)
        }
    };
    if let Some(kind) = input.kind {
        let kind = ContractKind::parse("kind", kind.trim())?;
        n(&mut e, "kind", Some(k.kind.as_str().into()), Some(kind.as_str().into()));
        k.kind = kind;
    }
    if let Some(name) = input.name {
        let name = asset::check_text("name", &name)?.ok_or_else(|| AppError::invalid("name", "is required"))?;
        n(&mut e, "name", Some(k.name.clone()), Some(name.clone()));
        k.name = name;
    }
    if let Some(v) = input.vendor {
        let v = text("vendor", v)?;
        n(&mut e, "vendor", k.vendor.clone(), v.clone());
        k.vendor = v;
    }
    if let Some(v) = input.reference {
        let v = text("reference", v)?;
        n(&mut e, "reference", k.reference.clone(), v.clone());
        k.reference = v;
    }
    if let Some(v) = input.renewal_terms {
        let v = text("renewal_terms", v)?;
        n(&mut e, "renewal_terms", k.renewal_terms.clone(), v.clone());
        k.renewal_terms = v;
    }
    if let Some(owner) = input.owner {
        let owner = owner.trim();
        let u = directory::user_by_name(c, t, owner).await?.ok_or_else(|| AppError::invalid("owner", format!("no user '{owner}'")))?;
        if !u.role.is_staff() {
            return Err(AppError::invalid("owner", format!("{owner} is not an agent; contract owners act on the alerts")));
        }
        n(&mut e, "owner", owner_name.clone(), Some(u.username.clone()));
        k.owner = Some(u.id);
        *owner_name = Some(u.username);
    }
    if let Some(d) = input.starts_on {
        let d = parse_date("starts_on", &d)?;
        n(&mut e, "starts_on", Some(k.starts_on.to_string()), Some(d.to_string()));
        k.starts_on = d;
    }
    if let Some(d) = input.ends_on {
        let d = parse_date("ends_on", &d)?;
        n(&mut e, "ends_on", Some(k.ends_on.to_string()), Some(d.to_string()));
        k.ends_on = d;
    }
    if let Some(cost) = input.cost {
        let cost = Money::parse("cost", &cost)?;
        if cost.0 < 0 {
            return Err(AppError::invalid("cost", format!("must not be negative, got {cost}")));
        }
        n(&mut e, "cost", Some(k.cost.to_string()), Some(cost.to_string()));
        k.cost = cost;
    }
    if let Some(b) = input.billing {
        let b = Billing::parse("billing", b.trim())?;
        n(&mut e, "billing", Some(k.billing.as_str().into()), Some(b.as_str().into()));
        k.billing = b;
    }
    if let Some(r) = input.auto_renew {
        n(&mut e, "auto_renew", Some(k.auto_renew.to_string()), Some(r.to_string()));
        k.auto_renew = r;
    }
    if let Some(days) = input.notice_days {
        let days = u32::try_from(days)
            .ok()
            .filter(|d| *d <= contract::DAYS_MAX)
            .ok_or_else(|| AppError::invalid("notice_days", format!("{days} is not between 0 and {} days", contract::DAYS_MAX)))?;
        n(&mut e, "notice_days", Some(k.notice_days.to_string()), Some(days.to_string()));
        k.notice_days = days;
    }
    if k.ends_on < k.starts_on {
        return Err(AppError::invalid("ends_on", format!("{} is before the start {}", k.ends_on, k.starts_on)));
    }
    if contract::notice_deadline(k.ends_on, k.notice_days).is_some_and(|d| d < k.starts_on) {
        return Err(AppError::invalid("notice_days", "the notice period is longer than the contract"));
    }
    let covered = if input.assets.is_some() || input.cis.is_some() {
        let mut out = Vec::new();
        for tag in input.assets.unwrap_or_default().iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let a = asset_store::by_tag(c, t, tag).await?.ok_or_else(|| AppError::invalid("assets", format!("no asset '{tag}'")))?;
            out.push(Covered::Asset(a.asset.id, a.asset.tag));
        }
        for number in input.cis.unwrap_or_default().iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let (id, number) = crate::cmdb::lookup::ci(c, t, "cis", number).await?;
            out.push(Covered::Ci(id, number));
        }
        out.dedup();
        Some(out)
    } else {
        None
    };
    Ok((e, covered))
}

/// Milliseconds at the start of `day` in `tz`.
fn start_of(tz: &jiff::tz::TimeZone, day: Date) -> Result<i64> {
    Ok(day.to_zoned(tz.clone()).map_err(|e| AppError::Internal(e.to_string()))?.timestamp().as_millisecond())
}

/// Queues the contract's alerts that are not past (same transaction as the write).
async fn queue_alerts(c: &mut Conn, t: TenantId, k: &Contract, now: i64) -> Result<()> {
    let leads = settings::get_for(c, t).await?.lead_days;
    let tz = super::zone(c, t).await?;
    let today = super::date_in(&tz, now)?;
    for a in contract::alerts(k.ends_on, k.notice_days, &leads) {
        if a.deadline_on < today {
            continue;
        }
        let run_at = start_of(&tz, a.due_on)?.max(now);
        let job = ContractAlert {
            contract_id: k.id.0,
            deadline: a.deadline.as_str().into(),
            deadline_on: a.deadline_on.to_string(),
            lead: a.lead,
        };
        jobs::enqueue(c, t, ContractAlert::KIND, &job.payload()?, run_at, now).await?;
    }
    Ok(())
}

pub(crate) async fn load(c: &mut Conn, t: TenantId, id: ContractId) -> Result<ContractRow> {
    store::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("contract {id}")))
}

async fn view(c: &mut Conn, t: TenantId, row: ContractRow) -> Result<ContractView> {
    let id = row.contract.id;
    Ok(ContractView {
        notice_by: contract::notice_deadline(row.contract.ends_on, row.contract.notice_days),
        covered: store::covered(c, t, id).await?,
        documents: store::documents(c, t, id).await?,
        alerts: store::alerts_sent(c, t, id).await?,
        row,
    })
}

impl App {
    #[tracing::instrument(name = "create_contract", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn create_contract(&self, actor: &Actor, input: ContractInput) -> Result<ContractView> {
        agents_only(actor)?;
        for (field, given) in [
            ("kind", input.kind.is_some()),
            ("name", input.name.is_some()),
            ("starts_on", input.starts_on.is_some()),
            ("ends_on", input.ends_on.is_some()),
        ] {
            if !given {
                return Err(AppError::invalid(field, "is required"));
            }
        }
        let (t, by, now, me) = (actor.tenant_id, actor.user_id, self.now(), actor.username.clone());
        self.db
            .write(tx!(|c| {
                let day = today(c, t, now).await?;
                let mut k = Contract {
                    id: ContractId(0),
                    kind: ContractKind::Support,
                    name: String::new(),
                    vendor: None,
                    reference: None,
                    owner: Some(by),
                    starts_on: day,
                    ends_on: day,
                    cost: Money::ZERO,
                    billing: Billing::Yearly,
                    auto_renew: false,
                    renewal_terms: None,
                    notice_days: 0,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                let mut owner = Some(me.clone());
                let (_, covered) = apply(c, t, &mut k, &mut owner, true, input.clone()).await?;
                k.id = store::insert(c, t, &k).await?;
                if let Some(covered) = &covered {
                    store::set_covered(c, t, k.id, covered).await?;
                }
                let mut e = Entry::action(ENTITY, k.id, "created");
                e.new = Some(format!("{} {} until {}", k.kind.as_str(), k.name, k.ends_on));
                journal::append(c, t, Some(by), now, &[e]).await?;
                queue_alerts(c, t, &k, now).await?;
                let row = load(c, t, k.id).await?;
                view(c, t, row).await
            }))
            .await
    }

    #[tracing::instrument(name = "update_contract", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn update_contract(&self, actor: &Actor, id: ContractId, input: ContractInput) -> Result<ContractView> {
        agents_only(actor)?;
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let before = load(c, t, id).await?;
                let mut k = before.contract.clone();
                let mut owner = before.owner.clone();
                let (mut entries, covered) = apply(c, t, &mut k, &mut owner, false, input.clone()).await?;
                if let Some(covered) = &covered {
                    let old = store::covered(c, t, id).await?;
                    if &old != covered {
                        let names = |v: &[Covered]| {
                            v.iter()
                                .map(|i| match i {
                                    Covered::Asset(_, s) | Covered::Ci(_, s) => s.clone(),
                                })
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        note(&mut entries, id, "covers", Some(names(&old)), Some(names(covered)));
                        store::set_covered(c, t, id, covered).await?;
                    }
                }
                if !entries.is_empty() {
                    k.version += 1;
                    k.updated_at = now;
                    store::update(c, t, &k).await?;
                    journal::append(c, t, Some(by), now, &entries).await?;
                    let dates_changed = k.ends_on != before.contract.ends_on || k.notice_days != before.contract.notice_days;
                    if dates_changed {
                        queue_alerts(c, t, &k, now).await?;
                    }
                }
                let row = load(c, t, id).await?;
                view(c, t, row).await
            }))
            .await
    }

    pub async fn get_contract(&self, actor: &Actor, id: ContractId) -> Result<ContractView> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let row = load(&mut c, actor.tenant_id, id).await?;
        view(&mut c, actor.tenant_id, row).await
    }

    /// Contracts by end date; with `expiring_within` days, those in force that end
    /// between today and then.
    pub async fn list_contracts(&self, actor: &Actor, expiring_within: Option<i64>) -> Result<Vec<ContractRow>> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        match expiring_within {
            Some(days) if !(0..=i64::from(contract::DAYS_MAX)).contains(&days) => {
                Err(AppError::invalid("expiring_within", format!("{days} is not between 0 and {} days", contract::DAYS_MAX)))
            }
            Some(days) => {
                let day = today(&mut c, t, self.now()).await?;
                let until = day.checked_add(jiff::Span::new().days(days)).map_err(|e| AppError::Internal(e.to_string()))?;
                Ok(store::list(&mut c, t, Some(day), Some(until)).await?)
            }
            None => Ok(store::list(&mut c, t, None, None).await?),
        }
    }

    pub async fn contract_history(&self, actor: &Actor, id: ContractId) -> Result<Vec<Recorded>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        load(&mut c, actor.tenant_id, id).await?;
        Ok(journal::for_entity(&mut c, actor.tenant_id, ENTITY, id.0).await?)
    }

    /// Files a document with the contract.
    pub async fn add_contract_document(
        &self,
        actor: &Actor,
        id: ContractId,
        filename: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Document> {
        agents_only(actor)?;
        let (filename, content_type) = (filename.to_string(), content_type.to_string());
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                load(c, t, id).await?;
                let (filename, content_type) = check_document(&filename, &content_type, &body)?;
                let doc = store::add_document(c, t, id, by, (&filename, &content_type, &body), now).await?;
                let mut e = Entry::action(ENTITY, id, "document_added");
                e.new = Some(filename.clone());
                journal::append(c, t, Some(by), now, &[e]).await?;
                let docs = store::documents(c, t, id).await?;
                docs.into_iter().find(|d| d.id == doc).ok_or_else(|| AppError::Internal("document not found after insert".into()))
            }))
            .await
    }

    pub async fn contract_document(&self, actor: &Actor, id: ContractId, doc: i64) -> Result<(Document, Vec<u8>)> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        store::document(&mut c, actor.tenant_id, id, doc)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("document {doc} of contract {id}")))
    }

    /// The contracts in force today covering the CIs (or the assets recorded as them).
    pub async fn contracts_covering(
        &self,
        actor: &Actor,
        cis: &[cairn_domain::ids::CiId],
    ) -> Result<Vec<(cairn_domain::ids::CiId, ContractRow)>> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let day = today(&mut c, t, self.now()).await?;
        Ok(store::covering_cis(&mut c, t, cis, day).await?)
    }

    /// The contracts in force today covering the CIs numbered so (directly or through
    /// their assets): (CI number, contract), for the ticket page.
    pub async fn contracts_covering_numbers(&self, actor: &Actor, numbers: &[String]) -> Result<Vec<(String, ContractRow)>> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let mut ids = Vec::new();
        for n in numbers {
            if let Ok(found) = crate::cmdb::lookup::ci(&mut c, t, "cis", n).await {
                ids.push(found);
            }
        }
        let day = today(&mut c, t, self.now()).await?;
        let cover = store::covering_cis(&mut c, t, &ids.iter().map(|x| x.0).collect::<Vec<_>>(), day).await?;
        Ok(cover.into_iter().filter_map(|(ci, k)| ids.iter().find(|x| x.0 == ci).map(|x| (x.1.clone(), k))).collect())
    }

    /// The contracts covering an asset.
    pub async fn contracts_of_asset(&self, actor: &Actor, tag: &str) -> Result<Vec<ContractRow>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let a = super::load(&mut c, actor.tenant_id, tag).await?;
        Ok(store::covering_asset(&mut c, actor.tenant_id, a.asset.id).await?)
    }

    /// The alert job: when it is still due for the contract as it now stands, raises a
    /// ticket for the owner (idempotently: a second worker gets the same ticket) and,
    /// if no one sent this alert yet, records it and tells the owner.
    pub(crate) async fn contract_alert(&self, t: TenantId, job: ContractAlert) -> Result<()> {
        let now = self.now();
        let (k, owner, leads, day) = {
            let mut c = self.db.read().await?;
            let Some(k) = store::by_id(&mut c, t, ContractId(job.contract_id)).await? else { return Ok(()) };
            let owner = match k.contract.owner {
                Some(u) => directory::user_by_id(&mut c, t, u).await?,
                None => None,
            };
            (k, owner, settings::get_for(&mut c, t).await?.lead_days, today(&mut c, t, now).await?)
        };
        let alert = contract::alerts(k.contract.ends_on, k.contract.notice_days, &leads)
            .into_iter()
            .find(|a| a.deadline.as_str() == job.deadline && a.deadline_on.to_string() == job.deadline_on && a.lead == job.lead);
        let Some(alert) = alert.filter(|a| a.is_due(day, &leads)) else { return Ok(()) };
        let message = alert_message(&k.contract, &alert, day);
        let ticket = match owner.as_ref().filter(|u| !u.disabled && u.role.is_staff()) {
            Some(u) => {
                let actor = Actor { tenant_id: t, user_id: u.id, username: u.username.clone(), role: u.role };
                let new = NewTicket {
                    title: message.clone(),
                    description: format!(
                        "Contract {} \"{}\" ({}{}) ends on {}.{}\n\nDecide whether to renew, renegotiate or end it.",
                        k.contract.id,
                        k.contract.name,
                        k.contract.kind.label(),
                        k.contract.vendor.as_deref().map(|v| format!(", {v}")).unwrap_or_default(),
                        k.contract.ends_on,
                        contract::notice_deadline(k.contract.ends_on, k.contract.notice_days)
                            .map(|d| format!(" Notice must be given by {d}."))
                            .unwrap_or_default(),
                    ),
                    assignee: Some(u.username.clone()),
                    tags: vec!["contract-expiry".into()],
                    ..NewTicket::default()
                };
                let key = format!("contract-alert:{}:{}:{}:{}", k.contract.id, alert.deadline.as_str(), alert.deadline_on, alert.lead);
                Some(self.create_ticket(&actor, new, Some(key)).await?.view.ticket)
            }
            None => None,
        };
        let by_owner = owner.as_ref().map(|u| u.id);
        self.db
            .write(tx!(|c| {
                let key = (alert.deadline, alert.deadline_on, alert.lead);
                if !store::claim_alert(c, t, k.contract.id, key, ticket.as_ref().map(|x| x.id), now).await? {
                    return Ok(());
                }
                let mut e = Entry::action(ENTITY, k.contract.id, "alert_sent");
                e.field = Some(format!("{}_{}d", alert.deadline.as_str(), alert.lead));
                e.new = ticket.as_ref().map(|x| x.number.to_string());
                journal::append(c, t, None, now, &[e]).await?;
                if let (Some(x), Some(u)) = (&ticket, by_owner) {
                    let n = Notify {
                        ticket_id: x.id.0,
                        user_id: u.0,
                        message: message.clone(),
                        visibility: Visibility::Internal,
                        kind: NewsKind::Other,
                        mailable: true,
                    };
                    jobs::enqueue(c, t, Notify::KIND, &n.payload()?, now, now).await?;
                }
                Ok::<_, AppError>(())
            }))
            .await
    }
}

/// The document's file name (without any path) and content type, or why it is refused.
fn check_document(filename: &str, content_type: &str, body: &[u8]) -> Result<(String, String)> {
    let filename = filename.trim().rsplit(['/', '\\']).next().unwrap_or_default().to_string();
    if filename.is_empty() || filename.chars().count() > 200 {
        return Err(AppError::invalid("filename", "needs a file name of 1 to 200 characters"));
    }
    if body.is_empty() {
        return Err(AppError::invalid("file", "is empty"));
    }
    if body.len() > DOCUMENT_MAX_BYTES {
        return Err(AppError::invalid("file", format!("is larger than {} MB", DOCUMENT_MAX_BYTES / 1024 / 1024)));
    }
    let content_type =
        if content_type.trim().is_empty() { "application/octet-stream".to_string() } else { content_type.trim().to_string() };
    Ok((filename, content_type))
}

fn alert_message(k: &Contract, a: &Alert, today: Date) -> String {
    let left = (a.deadline_on - today).get_days();
    let when = match left {
        0 => "today".to_string(),
        1 => "in 1 day".to_string(),
        n => format!("in {n} days"),
    };
    match a.deadline {
        Deadline::End => format!("Contract \"{}\" ends {when} ({})", k.name, a.deadline_on),
        Deadline::Notice => format!("Notice for contract \"{}\" is due {when} ({})", k.name, a.deadline_on),
    }
}

/// One alert of one contract, queued when the contract is written.
#[derive(Debug, Serialize, Deserialize)]
pub struct ContractAlert {
    pub contract_id: i64,
    pub deadline: String,
    pub deadline_on: String,
    pub lead: u32,
}

impl Job for ContractAlert {
    const KIND: &'static str = "contract_alert";

    async fn run(self, app: &App, t: TenantId) -> Result<(), String> {
        app.contract_alert(t, self).await.map_err(|e| e.to_string())
    }
}

/// Lead times as an administrator sets them, checked.
pub fn lead_days(text: &str) -> Result<Vec<u32>> {
    Ok(contract::parse_lead_days("lead_days", text)?)
}
