//! Data quality: the lists a configuration manager works through (duplicate
//! candidates, orphans, stale CIs, CIs missing required values) and the two actions
//! that clear them: retiring CIs and merging a duplicate into the CI that survives.

use cairn_store::tx;
use std::collections::BTreeMap;

use cairn_domain::cmdb::CiStatus;
use cairn_domain::ids::{CiClassId, CiId, TenantId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_domain::platform::visibility::TicketAction;
use cairn_store::Conn;
use cairn_store::cmdb::cis::{self as store, CiRow};
use cairn_store::cmdb::{quality, relations};
use cairn_store::platform::journal::{self, Entry};

use super::cis::{CiInput, update_in};
use super::relations::{entries, relate_in};
use super::{ENTITY, named, tree};
use crate::{App, AppError, Result, agents_only};

/// The most CIs a list shows (all are counted) and a bulk action takes.
pub const LISTED: i64 = 200;
/// CIs not seen by an import for this many days are stale, unless the caller says.
pub const STALE_DAYS: i64 = 90;

/// Two or more CIs sharing the value of an identifying attribute.
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub attribute: String,
    pub value: String,
    pub cis: Vec<CiRow>,
}

#[derive(Debug, Clone)]
pub struct Missing {
    pub ci: CiRow,
    pub attributes: Vec<String>,
}

/// A list: how many there are, and the first [`LISTED`].
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub count: i64,
    pub items: Vec<T>,
}

#[derive(Debug, Clone)]
pub struct Quality {
    pub duplicates: Listed<Duplicate>,
    pub orphans: Listed<CiRow>,
    pub stale_days: i64,
    pub stale: Listed<CiRow>,
    pub missing: Listed<Missing>,
}

impl App {
    /// The data-quality lists; stale means not seen by an import for `stale_days`.
    pub async fn ci_quality(&self, actor: &Actor, stale_days: Option<i64>) -> Result<Quality> {
        agents_only(actor)?;
        let stale_days = stale_days.unwrap_or(STALE_DAYS);
        if !(1..=3650).contains(&stale_days) {
            return Err(AppError::invalid("stale_days", "must be 1 to 3650"));
        }
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let tree = tree(&mut c, t).await?;
        let duplicates = duplicates(&mut c, t, &tree).await?;
        let except: Vec<CiClassId> =
            tree.all().iter().filter(|k| tree.is_a(k.id, "service") || tree.is_a(k.id, "location")).map(|k| k.id).collect();
        let (count, items) = quality::orphans(&mut c, t, &except, LISTED).await?;
        let orphans = Listed { count, items };
        let (count, items) = quality::stale(&mut c, t, self.now() - stale_days * 86_400_000, LISTED).await?;
        let stale = Listed { count, items };
        let mut missing = Listed { count: 0, items: Vec::new() };
        for class in tree.all() {
            let required: Vec<&str> = tree.attributes(class.id).iter().filter(|(_, a)| a.required).map(|(_, a)| a.code.as_str()).collect();
            if required.is_empty() {
                continue;
            }
            let room = LISTED - missing.items.len() as i64;
            let (count, rows) = quality::lacking(&mut c, t, class.id, &required, room.max(0)).await?;
            missing.count += count;
            for row in rows {
                let attributes = tree.missing_required(row.ci.class, &row.ci.attributes).into_iter().map(str::to_string).collect();
                missing.items.push(Missing { ci: row, attributes });
            }
        }
        Ok(Quality { duplicates, orphans, stale_days, stale, missing })
    }

    /// Retires the CIs named, all or none (an unknown number refuses the whole list).
    pub async fn retire_cis(&self, actor: &Actor, numbers: &[String]) -> Result<Vec<CiRow>> {
        agents_only(actor)?;
        if numbers.is_empty() || numbers.len() > LISTED as usize {
            return Err(AppError::invalid("cis", format!("name 1 to {LISTED} CIs")));
        }
        let (t, by, now, numbers) = (actor.tenant_id, actor.user_id, self.now(), numbers.to_vec());
        self.db
            .write(tx!(|c| {
                let tree = tree(c, t).await?;
                let mut out = Vec::with_capacity(numbers.len());
                for n in &numbers {
                    let before = named(c, t, "cis", n).await?;
                    let retire = CiInput { status: Some(CiStatus::Retired.as_str().into()), ..CiInput::default() };
                    out.push(update_in(c, t, Some(by), &tree, before, retire, now).await?);
                }
                Ok(out)
            }))
            .await
    }

    /// Merges `duplicate` into `survivor` in one transaction: the duplicate's relations,
    /// ticket links and located CIs move to the survivor, the survivor takes the values
    /// it lacks from the duplicate, and the duplicate is retired without its keys.
    pub async fn merge_cis(&self, actor: &Actor, survivor: &str, duplicate: &str) -> Result<CiRow> {
        agents_only(actor)?;
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        let (survivor, duplicate) = (survivor.to_string(), duplicate.to_string());
        self.db
            .write(tx!(|c| {
                let tree = tree(c, t).await?;
                let s = named(c, t, "survivor", &survivor).await?;
                let d = named(c, t, "duplicate", &duplicate).await?;
                check_merge(&tree, &s, &d)?;
                move_relations(c, t, by, &tree, &s, &d, now).await?;
                move_links(c, t, by, &s, &d, now).await?;
                let filled = taken_over(&s, &d);
                retire_duplicate(c, t, by, &tree, d.clone(), &s, now).await?;
                let s = update_in(c, t, Some(by), &tree, s, filled, now).await?;
                let mut e = Entry::action(ENTITY, s.ci.id, "merged");
                e.new = Some(format!("{} {}", d.ci.number, d.ci.name));
                journal::append(c, t, Some(by), now, &[e]).await?;
                Ok(s)
            }))
            .await
    }
}

async fn duplicates(c: &mut Conn, t: TenantId, tree: &cairn_domain::cmdb::class::ClassTree) -> Result<Listed<Duplicate>> {
    let shared = quality::shared_keys(c, t, 10 * LISTED).await?;
    let mut groups: BTreeMap<(i64, String), Vec<CiId>> = BTreeMap::new();
    for (attribute, value, ci) in shared {
        groups.entry((attribute.0, value)).or_default().push(ci);
    }
    let ids: Vec<CiId> = groups.values().flatten().copied().collect();
    let rows: BTreeMap<CiId, CiRow> = store::brief_by_ids(c, t, &ids).await?.into_iter().map(|r| (r.ci.id, r)).collect();
    let codes: std::collections::HashMap<i64, &str> =
        tree.all().iter().flat_map(|k| k.attributes.iter()).map(|a| (a.id.0, a.code.as_str())).collect();
    let code = |id: i64| codes.get(&id).map_or_else(|| id.to_string(), |c| (*c).to_string());
    let count = groups.len() as i64;
    let items = groups
        .into_iter()
        .take(LISTED as usize)
        .map(|((attribute, value), cis)| Duplicate {
            attribute: code(attribute),
            value,
            cis: cis.iter().filter_map(|id| rows.get(id).cloned()).collect(),
        })
        .collect();
    Ok(Listed { count, items })
}

fn check_merge(tree: &cairn_domain::cmdb::class::ClassTree, s: &CiRow, d: &CiRow) -> Result<()> {
    if s.ci.id == d.ci.id {
        return Err(AppError::invalid("duplicate", format!("{} cannot be merged into itself", s.ci.number)));
    }
    for (field, ci) in [("survivor", s), ("duplicate", d)] {
        if ci.ci.status == CiStatus::Retired {
            return Err(AppError::invalid(field, format!("{} is retired", ci.ci.number)));
        }
    }
    let root = |r: &CiRow| tree.root(r.ci.class).map(|k| k.code.clone());
    if root(s) != root(d) {
        return Err(AppError::invalid(
            "duplicate",
            format!("{} is a {} and {} a {}: only CIs of one tree merge", d.ci.number, d.class_code, s.ci.number, s.class_code),
        ));
    }
    Ok(())
}

/// Each relation of the duplicate ends at the survivor instead (journaled on every CI
/// as unrelated and related); one the survivor has already, or that would relate it to
/// itself, is dropped.
async fn move_relations(
    c: &mut Conn,
    t: TenantId,
    by: UserId,
    tree: &cairn_domain::cmdb::class::ClassTree,
    s: &CiRow,
    d: &CiRow,
    now: i64,
) -> Result<()> {
    for r in relations::of_ci(c, t, d.ci.id).await? {
        relations::delete(c, t, r.id).await?;
        journal::append(c, t, Some(by), now, &entries(&r, "unrelated")).await?;
        let (from, to) = (if r.from.id == d.ci.id { s.ci.id } else { r.from.id }, if r.to.id == d.ci.id { s.ci.id } else { r.to.id });
        if from == to {
            continue;
        }
        let ends = store::by_ids(c, t, &[from, to]).await?;
        let end = |id: CiId| ends.iter().find(|e| e.ci.id == id).ok_or_else(|| AppError::Internal(format!("CI {id:?} gone")));
        relate_in(c, t, Some(by), tree, (end(from)?, r.rel, end(to)?), None, now).await.map_err(|e| {
            AppError::invalid("duplicate", format!("its relation {} {} {} cannot move: {e}", r.from.number, r.rel.label(), r.to.number))
        })?;
    }
    Ok(())
}

/// The tickets on the duplicate name the survivor, and the CIs located in it are
/// located in the survivor; each change journaled where it is read.
async fn move_links(c: &mut Conn, t: TenantId, by: UserId, s: &CiRow, d: &CiRow, now: i64) -> Result<()> {
    let mut journaled = Vec::new();
    for ticket in quality::move_ticket_links(c, t, d.ci.id, s.ci.id).await? {
        let mut e = Entry::ticket(ticket.0, TicketAction::Updated);
        e.field = Some("cis".into());
        e.old = Some(d.ci.number.to_string());
        e.new = Some(s.ci.number.to_string());
        journaled.push(e);
    }
    for ci in quality::move_located(c, t, d.ci.id, s.ci.id).await? {
        let mut e = Entry::action(ENTITY, ci, "updated");
        e.field = Some("location".into());
        e.old = Some(d.ci.number.to_string());
        e.new = Some(s.ci.number.to_string());
        journaled.push(e);
    }
    journal::append(c, t, Some(by), now, &journaled).await?;
    Ok(())
}

/// What the survivor lacks and the duplicate has: references and attribute values.
fn taken_over(s: &CiRow, d: &CiRow) -> CiInput {
    let lacking = |mine: &Option<String>, theirs: &Option<String>| if mine.is_none() { theirs.clone().map(Some) } else { None };
    let attributes: serde_json::Map<String, serde_json::Value> =
        d.ci.attributes.iter().filter(|(k, _)| !s.ci.attributes.contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    CiInput {
        owner: lacking(&s.owner, &d.owner),
        group: lacking(&s.group, &d.group),
        organisation: lacking(&s.org, &d.org),
        location: if s.location.as_deref() == Some(d.ci.number.as_str()) {
            // The survivor was in the duplicate: it takes the duplicate's place instead.
            Some(d.location.clone().filter(|l| *l != s.ci.number.as_str()))
        } else {
            lacking(&s.location, &d.location).filter(|l| l.as_deref() != Some(s.ci.number.as_str()))
        },
        attributes: (!attributes.is_empty()).then_some(attributes),
        ..CiInput::default()
    }
}

/// The duplicate is retired and gives up its key values (the survivor may take them).
async fn retire_duplicate(
    c: &mut Conn,
    t: TenantId,
    by: UserId,
    tree: &cairn_domain::cmdb::class::ClassTree,
    d: CiRow,
    s: &CiRow,
    now: i64,
) -> Result<()> {
    let id = d.ci.id;
    let retire = CiInput { status: Some(CiStatus::Retired.as_str().into()), ..CiInput::default() };
    update_in(c, t, Some(by), tree, d, retire, now).await?;
    store::set_keys(c, t, id, &[]).await?;
    let mut e = Entry::action(ENTITY, id, "merged_into");
    e.new = Some(format!("{} {}", s.ci.number, s.ci.name));
    journal::append(c, t, Some(by), now, &[e]).await?;
    Ok(())
}
