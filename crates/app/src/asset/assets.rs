//! Creating, changing, reading and listing assets; moving them through their
//! lifecycle; checking them out to people and back into stock.

use cairn_domain::asset::{self, Asset, AssetKind, AssetState, Method, Money, Plan, Rate};
use cairn_domain::ids::{AssetId, TenantId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::asset::assets::{self as store, AssetQuery, AssetRow};
use cairn_store::asset::settings;
use cairn_store::platform::directory;
use cairn_store::platform::journal::{self, Entry, Recorded};
use cairn_store::tx;

use super::{ENTITY, load, parse_date, today};
use crate::{App, AppError, Result, agents_only};

/// An asset as a caller writes it: on create `tag` is required; on a change only what
/// is given changes (`Some(None)` clears). Money is a decimal string, dates
/// `YYYY-MM-DD`, references by name: an organisation's name, a location CI's number,
/// a username, a CI number.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssetInput {
    pub tag: Option<String>,
    pub kind: Option<String>,
    pub class: Option<String>,
    pub model: Option<Option<String>>,
    pub manufacturer: Option<Option<String>>,
    pub serial: Option<Option<String>>,
    pub organisation: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub assigned_to: Option<Option<String>>,
    pub ci: Option<Option<String>>,
    pub po_ref: Option<Option<String>>,
    pub vendor: Option<Option<String>>,
    pub cost_centre: Option<Option<String>>,
    pub state: Option<String>,
    pub cost: Option<String>,
    pub salvage: Option<String>,
    pub purchased_on: Option<Option<String>>,
    pub in_service: Option<Option<String>>,
    pub life_months: Option<Option<i64>>,
    pub method: Option<Option<String>>,
    pub rate: Option<Option<String>>,
    pub disposed_on: Option<String>,
    pub proceeds: Option<String>,
}

/// What lists ask for.
#[derive(Debug, Clone, Default)]
pub struct ListAssets {
    pub state: Option<String>,
    pub class: Option<String>,
    /// A username.
    pub assigned_to: Option<String>,
    /// A location CI's number.
    pub location: Option<String>,
    pub q: Option<String>,
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

/// The class an asset gets when none is given.
pub const DEFAULT_CLASS: &str = "unclassified";

/// The journal entries of what changed, gathered while applying an input.
struct Changes {
    id: AssetId,
    creating: bool,
    entries: Vec<Entry>,
}

impl Changes {
    fn note(&mut self, field: &str, old: Option<String>, new: Option<String>) {
        if !self.creating && old != new {
            let mut e = Entry::action(ENTITY, self.id, "updated");
            e.field = Some(field.to_string());
            e.old = old;
            e.new = new;
            self.entries.push(e);
        }
    }
}

fn text_of<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

/// Sets a free-text field from the input, noting the change.
fn set_text(changes: &mut Changes, field: &'static str, slot: &mut Option<String>, given: Option<Option<String>>) -> Result<()> {
    if let Some(given) = given {
        let new = match given {
            Some(s) => asset::check_text(field, &s)?,
            None => None,
        };
        changes.note(field, slot.clone(), new.clone());
        *slot = new;
    }
    Ok(())
}

fn money(field: &'static str, s: &str) -> Result<Money> {
    Ok(Money::parse(field, s)?)
}

/// Applies `input` to `a` (a new asset or a copy of the stored one), resolving names
/// to ids and checking every rule; returns the journal entries of what changed.
async fn apply(c: &mut Conn, t: TenantId, a: &mut Asset, before: Option<&AssetRow>, input: AssetInput, now: i64) -> Result<Vec<Entry>> {
    let mut ch = Changes { id: a.id, creating: before.is_none(), entries: Vec::new() };
    if let Some(k) = input.kind {
        let k = AssetKind::parse("kind", &k)?;
        ch.note("kind", Some(a.kind.as_str().into()), Some(k.as_str().into()));
        a.kind = k;
    }
    if let Some(class) = input.class {
        let class = asset::check_text("class", &class)?.ok_or_else(|| AppError::invalid("class", "must not be empty"))?.to_lowercase();
        ch.note("class", Some(a.class.clone()), Some(class.clone()));
        a.class = class;
    }
    set_text(&mut ch, "model", &mut a.model, input.model)?;
    set_text(&mut ch, "manufacturer", &mut a.manufacturer, input.manufacturer)?;
    set_text(&mut ch, "serial", &mut a.serial, input.serial)?;
    set_text(&mut ch, "po_ref", &mut a.po_ref, input.po_ref)?;
    set_text(&mut ch, "vendor", &mut a.vendor, input.vendor)?;
    set_text(&mut ch, "cost_centre", &mut a.cost_centre, input.cost_centre)?;
    if let Some(org) = input.organisation {
        let id = match org.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(o) => Some(
                directory::org_by_name(c, t, o)
                    .await?
                    .ok_or_else(|| AppError::invalid("organisation", format!("no organisation '{o}'")))?,
            ),
            None => None,
        };
        ch.note("organisation", before.and_then(|b| b.org.clone()), id.and(org.clone()));
        a.org = id;
    }
    if let Some(location) = input.location {
        let at = match location.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(n) => Some(crate::cmdb::lookup::location(c, t, "location", n).await?),
            None => None,
        };
        ch.note("location", before.and_then(|b| b.location.as_ref().map(|l| l.0.clone())), at.as_ref().map(|l| l.1.clone()));
        a.location = at.map(|l| l.0);
    }
    if let Some(ci) = input.ci {
        let at = match ci.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(n) => Some(crate::cmdb::lookup::ci(c, t, "ci", n).await?),
            None => None,
        };
        ch.note("ci", before.and_then(|b| b.ci.as_ref().map(|l| l.0.clone())), at.as_ref().map(|l| l.1.clone()));
        a.ci = at.map(|l| l.0);
    }
    if let Some(person) = input.assigned_to {
        let user = match person.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(u) => {
                Some(directory::user_by_name(c, t, u).await?.ok_or_else(|| AppError::invalid("assigned_to", format!("no user '{u}'")))?)
            }
            None => None,
        };
        ch.note("assigned_to", before.and_then(|b| b.assigned.as_ref().map(|p| p.0.clone())), user.as_ref().map(|u| u.username.clone()));
        a.assigned_to = user.map(|u| u.id);
    }
    if let Some(s) = input.state {
        let to = AssetState::parse("state", &s)?;
        if before.is_some() && to != a.state {
            a.state.move_to(to)?;
        }
        if to != a.state {
            ch.note("state", Some(a.state.as_str().into()), Some(to.as_str().into()));
            a.state = to;
            a.state_since = now;
            if !matches!(to, AssetState::Deployed | AssetState::InRepair) {
                if a.assigned_to.is_some() {
                    ch.note("assigned_to", before.and_then(|b| b.assigned.as_ref().map(|p| p.0.clone())), None);
                }
                a.assigned_to = None;
            }
        }
    }
    // Money and dates.
    if let Some(cost) = input.cost {
        let cost = money("cost", &cost)?;
        ch.note("cost", Some(a.cost.to_string()), Some(cost.to_string()));
        a.cost = cost;
    }
    if let Some(salvage) = input.salvage {
        let salvage = money("salvage", &salvage)?;
        ch.note("salvage", Some(a.salvage.to_string()), Some(salvage.to_string()));
        a.salvage = salvage;
    }
    if let Some(d) = input.purchased_on {
        let d = d.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| parse_date("purchased_on", s)).transpose()?;
        ch.note("purchased_on", text_of(a.purchased_on), text_of(d));
        a.purchased_on = d;
    }
    if let Some(d) = input.in_service {
        let d = d.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| parse_date("in_service", s)).transpose()?;
        ch.note("in_service", text_of(a.in_service), text_of(d));
        a.in_service = d;
    }
    if let Some(life) = input.life_months {
        let life = life
            .map(|m| {
                u32::try_from(m)
                    .ok()
                    .filter(|m| *m > 0)
                    .ok_or_else(|| AppError::invalid("life_months", format!("must be a whole number of months from 1, got {m}")))
            })
            .transpose()?;
        ch.note("life_months", text_of(a.life_months), text_of(life));
        a.life_months = life;
    }
    if let Some(m) = input.method {
        let m = m.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| Method::parse("method", s)).transpose()?;
        ch.note("method", a.method.map(|m| m.as_str().into()), m.map(|m| m.as_str().into()));
        a.method = m;
    }
    if let Some(r) = input.rate {
        let r = r.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| Rate::parse("rate", s)).transpose()?;
        ch.note("rate", text_of(a.rate), text_of(r));
        a.rate = r;
    }
    let disposing = a.state == AssetState::Disposed && before.is_none_or(|b| b.asset.state != AssetState::Disposed);
    if (input.disposed_on.is_some() || input.proceeds.is_some()) && a.state != AssetState::Disposed {
        let field = if input.disposed_on.is_some() { "disposed_on" } else { "proceeds" };
        return Err(AppError::invalid(field, "is recorded only when the asset is disposed of (state disposed)"));
    }
    if let Some(d) = input.disposed_on {
        let d = parse_date("disposed_on", &d)?;
        ch.note("disposed_on", text_of(a.disposed_on), Some(d.to_string()));
        a.disposed_on = Some(d);
    } else if disposing {
        let d = today(c, t, now).await?;
        ch.note("disposed_on", None, Some(d.to_string()));
        a.disposed_on = Some(d);
    }
    if let Some(p) = input.proceeds {
        let p = money("proceeds", &p)?;
        if p.0 < 0 {
            return Err(AppError::invalid("proceeds", format!("must not be negative, got {p}")));
        }
        ch.note("proceeds", text_of(a.proceeds), Some(p.to_string()));
        a.proceeds = Some(p);
    } else if disposing && a.proceeds.is_none() {
        a.proceeds = Some(Money::ZERO);
    }
    check(a)?;
    Ok(ch.entries)
}

/// The rules across fields: money not negative, salvage within cost, a plan that can
/// be computed, a disposal not before the asset's service began.
fn check(a: &Asset) -> Result<()> {
    if a.cost.0 < 0 {
        return Err(AppError::invalid("cost", format!("must not be negative, got {}", a.cost)));
    }
    if a.salvage.0 < 0 {
        return Err(AppError::invalid("salvage", format!("must not be negative, got {}", a.salvage)));
    }
    if a.salvage > a.cost {
        return Err(AppError::invalid("salvage", format!("{} is more than the cost {}", a.salvage, a.cost)));
    }
    match (a.in_service, a.life_months) {
        (Some(_), None) if a.method.is_some() => return Err(AppError::invalid("life_months", "is required to depreciate the asset")),
        (None, Some(_)) => return Err(AppError::invalid("in_service", "is required with life_months")),
        _ => {}
    }
    if a.rate.is_some() && a.method != Some(Method::DecliningBalance) {
        return Err(AppError::invalid("rate", "applies only to the declining_balance method"));
    }
    if let Some(plan) = a.plan(cairn_domain::asset::Convention::FullMonth) {
        Plan::check(&plan)?;
    }
    if let (Some(d), Some(s)) = (a.disposed_on, a.in_service.or(a.purchased_on))
        && d < s
    {
        return Err(AppError::invalid("disposed_on", format!("{d} is before the asset was in service ({s})")));
    }
    Ok(())
}

/// Refuses a tag another asset has.
async fn check_tag_free(c: &mut Conn, t: TenantId, tag: &str) -> Result<()> {
    if store::by_tag(c, t, tag).await?.is_some() {
        return Err(AppError::Conflict(format!("tag: an asset tagged {tag} exists already")));
    }
    Ok(())
}

/// A new asset with nothing but its tag, as [`apply`] starts from.
pub(crate) fn blank(tag: String, now: i64) -> Asset {
    Asset {
        id: AssetId(0),
        tag,
        kind: AssetKind::Hardware,
        class: DEFAULT_CLASS.into(),
        model: None,
        manufacturer: None,
        serial: None,
        org: None,
        location: None,
        assigned_to: None,
        ci: None,
        po_ref: None,
        vendor: None,
        cost_centre: None,
        state: AssetState::InStock,
        state_since: now,
        cost: Money::ZERO,
        salvage: Money::ZERO,
        purchased_on: None,
        in_service: None,
        life_months: None,
        method: None,
        rate: None,
        disposed_on: None,
        proceeds: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// Creates an asset in the caller's transaction (the API, the import).
pub(crate) async fn create_in(c: &mut Conn, t: TenantId, by: Option<UserId>, mut input: AssetInput, now: i64) -> Result<AssetRow> {
    let tag = asset::check_tag("tag", input.tag.as_deref().unwrap_or_default())?;
    check_tag_free(c, t, &tag).await?;
    input.tag = None;
    let mut a = blank(tag.clone(), now);
    apply(c, t, &mut a, None, input, now).await?;
    a.id = store::insert(c, t, &a).await?;
    let mut e = Entry::action(ENTITY, a.id, "created");
    e.new = Some(format!("{} {} ({})", a.class, a.tag, a.state.as_str()));
    journal::append(c, t, by, now, &[e]).await?;
    load(c, t, &tag).await
}

/// Changes an asset in the caller's transaction; nothing is written when nothing
/// changes. `version`, when given, must be the stored one.
pub(crate) async fn update_in(
    c: &mut Conn,
    t: TenantId,
    by: Option<UserId>,
    before: AssetRow,
    input: AssetInput,
    now: i64,
) -> Result<AssetRow> {
    if input.tag.as_deref().is_some_and(|tag| tag.trim() != before.asset.tag) {
        return Err(AppError::invalid("tag", "cannot be changed; it is the label on the device"));
    }
    let mut a = before.asset.clone();
    let entries = apply(c, t, &mut a, Some(&before), input, now).await?;
    if entries.is_empty() {
        return Ok(before);
    }
    a.updated_at = now;
    a.version += 1;
    store::update(c, t, &a).await?;
    journal::append(c, t, by, now, &entries).await?;
    load(c, t, &a.tag).await
}

fn check_version(row: &AssetRow, version: Option<i64>) -> Result<()> {
    match version {
        Some(v) if v != row.asset.version => Err(AppError::Stale),
        _ => Ok(()),
    }
}

impl App {
    #[tracing::instrument(name = "create_asset", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn create_asset(&self, actor: &Actor, input: AssetInput) -> Result<AssetRow> {
        agents_only(actor)?;
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db.write(tx!(|c| { create_in(c, t, Some(by), input, now).await })).await
    }

    /// Changes an asset; `version` (If-Match), when given, must be the stored one.
    #[tracing::instrument(name = "update_asset", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn update_asset(&self, actor: &Actor, tag: &str, input: AssetInput, version: Option<i64>) -> Result<AssetRow> {
        agents_only(actor)?;
        let (t, by, now, tag) = (actor.tenant_id, actor.user_id, self.now(), tag.to_string());
        self.db
            .write(tx!(|c| {
                let before = load(c, t, &tag).await?;
                check_version(&before, version)?;
                update_in(c, t, Some(by), before, input, now).await
            }))
            .await
    }

    /// Hands the asset to `person` (deployed), optionally at a location.
    pub async fn check_out_asset(&self, actor: &Actor, tag: &str, person: &str, location: Option<&str>) -> Result<AssetRow> {
        agents_only(actor)?;
        let (t, by, now, tag) = (actor.tenant_id, actor.user_id, self.now(), tag.to_string());
        let (person, location) = (person.trim().to_string(), location.map(str::to_string));
        self.db
            .write(tx!(|c| {
                let before = load(c, t, &tag).await?;
                if !before.asset.state.can_check_out() {
                    before.asset.state.move_to(AssetState::Deployed)?;
                }
                if person.is_empty() {
                    return Err(AppError::invalid("person", "is required: whom the asset is checked out to"));
                }
                let user = directory::user_by_name(c, t, &person)
                    .await?
                    .ok_or_else(|| AppError::invalid("person", format!("no user '{person}'")))?;
                if user.disabled {
                    return Err(AppError::invalid("person", format!("{person} is disabled")));
                }
                let input = AssetInput {
                    state: Some(AssetState::Deployed.as_str().into()),
                    assigned_to: Some(Some(person.clone())),
                    location: location.clone().map(Some),
                    ..AssetInput::default()
                };
                let row = update_in(c, t, Some(by), before, input, now).await?;
                let mut e = Entry::action(ENTITY, row.asset.id, "checked_out");
                e.new = Some(person.clone());
                journal::append(c, t, Some(by), now, &[e]).await?;
                Ok(row)
            }))
            .await
    }

    /// Takes the asset back into stock from whoever had it, optionally at a location.
    pub async fn check_in_asset(&self, actor: &Actor, tag: &str, location: Option<&str>) -> Result<AssetRow> {
        agents_only(actor)?;
        let (t, by, now, tag, location) = (actor.tenant_id, actor.user_id, self.now(), tag.to_string(), location.map(str::to_string));
        self.db
            .write(tx!(|c| {
                let before = load(c, t, &tag).await?;
                let from = before.assigned.as_ref().map(|p| p.0.clone());
                if before.asset.state != AssetState::InStock {
                    before.asset.state.move_to(AssetState::InStock)?;
                }
                let input = AssetInput {
                    state: Some(AssetState::InStock.as_str().into()),
                    assigned_to: Some(None),
                    location: location.clone().map(Some),
                    ..AssetInput::default()
                };
                let row = update_in(c, t, Some(by), before, input, now).await?;
                let mut e = Entry::action(ENTITY, row.asset.id, "checked_in");
                e.old = from;
                journal::append(c, t, Some(by), now, &[e]).await?;
                Ok(row)
            }))
            .await
    }

    pub async fn get_asset(&self, actor: &Actor, tag: &str) -> Result<AssetRow> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        load(&mut c, actor.tenant_id, tag).await
    }

    /// A page of assets and the cursor of the next.
    pub async fn list_assets(&self, actor: &Actor, q: ListAssets) -> Result<(Vec<AssetRow>, Option<AssetId>)> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let given = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let state = given(q.state).map(|s| AssetState::parse("state", &s)).transpose()?;
        let assigned_to = match given(q.assigned_to) {
            Some(u) => Some(
                directory::user_by_name(&mut c, t, &u).await?.ok_or_else(|| AppError::invalid("assigned_to", format!("no user '{u}'")))?.id,
            ),
            None => None,
        };
        let location = match given(q.location) {
            Some(n) => Some(crate::cmdb::lookup::location(&mut c, t, "location", &n).await?.0),
            None => None,
        };
        let query = AssetQuery {
            state,
            class: given(q.class).map(|s| s.to_lowercase()),
            assigned_to,
            location,
            ci: None,
            text: given(q.q),
            after: q.after.map(AssetId),
            limit: q.limit.unwrap_or(50),
        };
        Ok(store::list(&mut c, t, &query).await?)
    }

    /// The asset classes in use.
    pub async fn asset_classes(&self, actor: &Actor) -> Result<Vec<String>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        Ok(store::classes(&mut c, actor.tenant_id).await?)
    }

    /// The assets checked out to the caller (their equipment), for the portal.
    pub async fn my_assets(&self, actor: &Actor) -> Result<Vec<AssetRow>> {
        let mut c = self.db.read().await?;
        let q = AssetQuery { assigned_to: Some(actor.user_id), limit: 500, ..AssetQuery::default() };
        Ok(store::list(&mut c, actor.tenant_id, &q).await?.0)
    }

    /// The assets checked out to `username` (their profile).
    pub async fn assets_of(&self, actor: &Actor, username: &str) -> Result<Vec<AssetRow>> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let Some(user) = directory::user_by_name(&mut c, t, username).await? else { return Ok(Vec::new()) };
        let q = AssetQuery { assigned_to: Some(user.id), limit: 500, ..AssetQuery::default() };
        Ok(store::list(&mut c, t, &q).await?.0)
    }

    /// The asset's history, oldest first.
    pub async fn asset_history(&self, actor: &Actor, tag: &str) -> Result<Vec<Recorded>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let a = load(&mut c, actor.tenant_id, tag).await?;
        Ok(journal::for_entity(&mut c, actor.tenant_id, ENTITY, a.asset.id.0).await?)
    }

    /// The tenant's asset settings.
    pub async fn asset_settings(&self, actor: &Actor) -> Result<settings::AssetSettings> {
        let mut c = self.db.read().await?;
        Ok(settings::get_for(&mut c, actor.tenant_id).await?)
    }
}
