//! Reconciling one chunk of records: each CI row is matched to a CI by its class's
//! identification rules (in the database, among the rows before it, and in a dry run
//! among the CIs earlier chunks would have created), then created, updated as far as
//! source precedence allows, or left unchanged; relation rows follow once the chunk's
//! CIs are written. A refused row writes nothing; the chunk's writes are one
//! transaction with their journal events.

use std::collections::{BTreeSet, HashMap};

use cairn_domain::cmdb::class::ClassTree;
use cairn_domain::cmdb::reconcile::{Identified, Ranking, identify};
use cairn_domain::cmdb::{self, Ci, CiNumber, CiStatus, Criticality};
use cairn_domain::ids::{CiAttributeId, CiClassId, CiId, TenantId, UserId};
use cairn_store::Conn;
use cairn_store::cmdb::cis::{self as store, CiRow};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::platform::tenants;
use serde_json::Value;

use super::read::Record;
use super::rows::{self, End, Row};
use super::{Refused, Report};
use crate::cmdb::cis::{CiInput, apply as apply_input, fields_given, indexed, key_text, note_sources};
use crate::cmdb::relations::{check_relation, relate_in};
use crate::cmdb::{ENTITY, load};
use crate::{AppError, Result};

/// What every chunk of one import shares.
#[derive(Debug, Clone)]
pub(super) struct Run {
    pub t: TenantId,
    pub by: Option<UserId>,
    pub source: String,
    pub ranking: Ranking,
    pub class: Option<String>,
    pub dry_run: bool,
    pub now: i64,
}

/// A dry run writes nothing, so the CIs earlier chunks would have created are kept
/// here (with negative ids) for later rows to match.
#[derive(Debug, Default)]
pub(super) struct Imagined {
    keys: HashMap<(CiAttributeId, String), BTreeSet<CiId>>,
    rows: HashMap<CiId, CiRow>,
    next: i64,
}

/// A CI the chunk created or changed, as it stands now.
struct Touched {
    row: CiRow,
    new: bool,
    entries: Vec<Entry>,
    keys: Vec<(CiAttributeId, String)>,
}

/// The chunk's view of the CIs: what the database holds, overlaid with what this
/// chunk (and, in a dry run, earlier ones) did.
struct View {
    db_keys: HashMap<(CiAttributeId, String), Vec<CiId>>,
    loaded: HashMap<CiId, CiRow>,
    touched: HashMap<CiId, Touched>,
    order: Vec<CiId>,
    keys: HashMap<(CiAttributeId, String), BTreeSet<CiId>>,
    seen: BTreeSet<CiId>,
    imagined: Imagined,
}

impl View {
    /// The CIs holding this key value now.
    fn holding(&self, key: &(CiAttributeId, String)) -> BTreeSet<CiId> {
        let from_db = self.db_keys.get(key).into_iter().flatten().filter(|id| !self.touched.contains_key(id));
        let imagined = self.imagined.keys.get(key).into_iter().flatten().filter(|id| !self.touched.contains_key(id));
        from_db.chain(imagined).chain(self.keys.get(key).into_iter().flatten()).copied().collect()
    }

    fn row(&self, id: CiId) -> Option<&CiRow> {
        self.touched.get(&id).map(|t| &t.row).or_else(|| self.loaded.get(&id)).or_else(|| self.imagined.rows.get(&id))
    }

    fn set(&mut self, tree: &ClassTree, id: CiId, row: CiRow, new: bool, entries: Vec<Entry>) {
        let keys = indexed(tree, &row.ci);
        let (was_new, mut all) = match self.touched.remove(&id) {
            Some(old) => {
                for k in old.keys {
                    if let Some(set) = self.keys.get_mut(&k) {
                        set.remove(&id);
                    }
                }
                (old.new, old.entries)
            }
            None => {
                self.order.push(id);
                (new, Vec::new())
            }
        };
        all.extend(entries);
        for k in &keys {
            self.keys.entry(k.clone()).or_default().insert(id);
        }
        self.touched.insert(id, Touched { row, new: was_new, entries: all, keys });
    }
}

/// A key rule's name and, when the row has a value for each of its attributes, those values.
type RuleValues = (String, Option<Vec<(CiAttributeId, String)>>);

/// The key values of a row by rule, in rule order.
fn rule_keys(tree: &ClassTree, class: CiClassId, input: &CiInput) -> Vec<RuleValues> {
    let attrs = input.attributes.clone().unwrap_or_default();
    tree.keys(class)
        .into_iter()
        .map(|rule| {
            let name = rule.iter().map(|a| a.code.as_str()).collect::<Vec<_>>().join("+");
            let values: Option<Vec<_>> = rule.iter().map(|a| attrs.get(&a.code).map(|v| (a.id, key_text(v)))).collect();
            (name, values)
        })
        .collect()
}

/// Drops what `source` may not overwrite on `ci` (a more trusted source set it).
fn within_precedence(input: &mut CiInput, ci: &Ci, ranking: &Ranking, source: &str) {
    let may = |f: &str| ranking.may_overwrite(source, ci.sources.get(f).map(String::as_str));
    macro_rules! guard {
        ($($field:ident => $name:literal),*) => { $( if !may($name) { input.$field = None; } )* };
    }
    guard!(name => "name", status => "status", criticality => "criticality", owner => "owner", group => "group",
        organisation => "organisation", location => "location");
    if let Some(a) = input.attributes.as_mut() {
        a.retain(|k, _| may(&format!("attributes.{k}")));
    }
}

/// The names a row shows once the input is applied (the ids are set by `apply`).
fn rename(row: &mut CiRow, input: &CiInput) {
    for (name, given) in [
        (&mut row.owner, &input.owner),
        (&mut row.group, &input.group),
        (&mut row.org, &input.organisation),
        (&mut row.location, &input.location),
    ] {
        if let Some(v) = given {
            *name = v.clone();
        }
    }
    if let Some(loc) = row.location.as_mut() {
        *loc = loc.to_uppercase();
    }
}

/// Whether an error refuses the row (the input is wrong) or fails the chunk.
fn refusal(e: AppError) -> Result<String> {
    match e {
        AppError::Internal(_) => Err(e),
        other => Ok(other.to_string()),
    }
}

fn blank(class: CiClassId, now: i64) -> Ci {
    Ci {
        id: CiId(0),
        number: CiNumber::of(0),
        class,
        name: String::new(),
        status: CiStatus::Operational,
        criticality: Criticality::Medium,
        owner: None,
        group: None,
        org: None,
        location: None,
        attributes: serde_json::Map::new(),
        sources: Default::default(),
        seen_at: Some(now),
        created_at: now,
        updated_at: now,
    }
}

/// Applies one chunk; in a dry run only reads. Returns what it did and the dry run's
/// imagined CIs for the next chunk.
pub(super) async fn apply(c: &mut Conn, run: &Run, imagined: Imagined, records: Vec<Record>) -> Result<(Report, Imagined)> {
    let t = run.t;
    let tree = crate::cmdb::tree(c, t).await?;
    if !run.dry_run {
        // Takes the tenant's CI number row first: imports (and creates) of one tenant
        // reconcile one after another, each seeing the CIs the one before wrote.
        tenants::reserve_numbers(c, t, cmdb::number::PREFIX, 0).await?;
    }
    let mut report = Report::default();
    let mut cis = Vec::new();
    let mut relations = Vec::new();
    for r in &records {
        match rows::row(&tree, run.class.as_deref(), r) {
            Ok(Row::Ci { class, input }) => cis.push((r.line, class, input)),
            Ok(Row::Relation { from, rel, to }) => relations.push((r.line, from, rel, to)),
            Err(reason) => report.refused.push(Refused { line: r.line, reason }),
        }
    }
    // Each rule is looked up by its first attribute (host name, not the domain many
    // CIs share); the candidates' other key values then decide the rest of the rule.
    let wanted: Vec<(CiAttributeId, String)> = cis
        .iter()
        .flat_map(|(_, class, input)| rule_keys(&tree, *class, input))
        .filter_map(|(_, v)| v.and_then(|v| v.into_iter().next()))
        .collect();
    let mut ids: Vec<CiId> =
        if wanted.is_empty() { Vec::new() } else { store::with_keys(c, t, &wanted).await?.into_iter().map(|(_, _, id)| id).collect() };
    ids.sort_unstable();
    ids.dedup();
    let mut db_keys: HashMap<(CiAttributeId, String), Vec<CiId>> = HashMap::new();
    for (a, v, id) in store::keys_of(c, t, &ids).await? {
        db_keys.entry((a, v)).or_default().push(id);
    }
    let loaded = store::by_ids(c, t, &ids).await?.into_iter().map(|r| (r.ci.id, r)).collect();
    let mut view =
        View { db_keys, loaded, touched: HashMap::new(), order: Vec::new(), keys: HashMap::new(), seen: BTreeSet::new(), imagined };
    for (line, class, input) in cis {
        let class_code = tree.get(class).map(|k| k.code.clone()).unwrap_or_default();
        let found: Vec<(String, Option<Vec<CiId>>)> = rule_keys(&tree, class, &input)
            .into_iter()
            .map(|(rule, values)| {
                let ids = values.map(|vs| {
                    let mut sets = vs.iter().map(|k| view.holding(k));
                    let first = sets.next().unwrap_or_default();
                    sets.fold(first, |acc, s| acc.intersection(&s).copied().collect()).into_iter().collect()
                });
                (rule, ids)
            })
            .collect();
        macro_rules! refuse {
            ($reason:expr) => {
                report.refused.push(Refused { line, reason: $reason })
            };
        }
        // A row that no rule can find would be created again by every run.
        if found.iter().all(|(_, ids)| ids.is_none()) {
            let rules: Vec<&str> = found.iter().map(|(rule, _)| rule.as_str()).collect();
            refuse!(if rules.is_empty() {
                format!(
                    "class {class_code} has no identification rule, so an import cannot tell its CIs apart (an administrator marks an attribute as key)"
                )
            } else {
                format!("no identifying value: give {}", rules.join(" or "))
            });
            continue;
        }
        match identify(&found) {
            Identified::Ambiguous(why) => refuse!(why),
            Identified::New => {
                let mut ci = blank(class, run.now);
                let given = fields_given(&input);
                let mut row = CiRow { ci: ci.clone(), class_code, owner: None, group: None, org: None, location: None };
                rename(&mut row, &input);
                if input.name.is_none() {
                    refuse!("name: is required for a new CI".into());
                    continue;
                }
                match apply_input(c, t, &tree, &mut ci, None, input).await {
                    Err(e) => refuse!(refusal(e)?),
                    Ok(_) => {
                        view.imagined.next += 1;
                        ci.id = CiId(-view.imagined.next);
                        ci.sources = given.into_iter().map(|f| (f, run.source.clone())).collect();
                        row.ci = ci;
                        view.set(&tree, row.ci.id, row, true, Vec::new());
                        report.created += 1;
                    }
                }
            }
            Identified::Existing(id) => {
                let Some(before) = view.row(id).cloned() else {
                    return Err(AppError::Internal(format!("CI {id:?} matched but not loaded")));
                };
                if !tree.is_a(before.ci.class, &class_code) {
                    refuse!(format!(
                        "matches {} ({}), which is a {}, not a {class_code}",
                        before.ci.number, before.ci.name, before.class_code
                    ));
                    continue;
                }
                let mut input = input;
                input.class = None;
                within_precedence(&mut input, &before.ci, &run.ranking, &run.source);
                let mut row = before.clone();
                rename(&mut row, &input);
                let mut ci = before.ci.clone();
                match apply_input(c, t, &tree, &mut ci, Some(&before), input).await {
                    Err(e) => refuse!(refusal(e)?),
                    Ok(entries) if entries.is_empty() => {
                        report.unchanged += 1;
                        view.seen.insert(id);
                    }
                    Ok(entries) => {
                        note_sources(&mut ci, &entries, &run.source);
                        ci.updated_at = run.now;
                        ci.seen_at = Some(run.now);
                        row.ci = ci;
                        view.set(&tree, id, row, false, entries);
                        report.updated += 1;
                    }
                }
            }
        }
    }
    if run.dry_run {
        imagine(&mut view);
    } else {
        write(c, run, &tree, &mut view).await?;
    }
    for (line, from, rel, to) in relations {
        match relate(c, run, &tree, &view, (&from, rel, &to)).await? {
            Ok(true) => report.created += 1,
            Ok(false) => report.unchanged += 1,
            Err(reason) => report.refused.push(Refused { line, reason }),
        }
    }
    report.refused.sort_by_key(|r| r.line);
    Ok((report, view.imagined))
}

/// Keeps what a dry-run chunk would have created for the chunks after it.
fn imagine(view: &mut View) {
    for id in std::mem::take(&mut view.order) {
        let Some(t) = view.touched.remove(&id) else { continue };
        if id.0 < 0 {
            for k in t.keys {
                view.imagined.keys.entry(k).or_default().insert(id);
            }
            view.imagined.rows.insert(id, t.row);
        }
    }
}

/// Writes the chunk's CIs: new ones numbered and inserted together, changed ones
/// one by one, each with its journal events; the unchanged ones marked as seen.
async fn write(c: &mut Conn, run: &Run, tree: &ClassTree, view: &mut View) -> Result<()> {
    let t = run.t;
    let order = std::mem::take(&mut view.order);
    let fresh: Vec<CiId> = order.iter().copied().filter(|id| view.touched.get(id).is_some_and(|x| x.new)).collect();
    if !fresh.is_empty() {
        let first = tenants::reserve_numbers(c, t, cmdb::number::PREFIX, fresh.len() as i64).await?;
        let mut cis: Vec<Ci> = Vec::with_capacity(fresh.len());
        for (i, id) in fresh.iter().enumerate() {
            let x = view.touched.get_mut(id).ok_or_else(|| AppError::Internal("touched CI lost".into()))?;
            x.row.ci.number = CiNumber::of(first + i as i64);
            cis.push(x.row.ci.clone());
        }
        let ids = store::insert_many(c, t, &cis).await?;
        let mut keys = Vec::new();
        let mut entries = Vec::with_capacity(cis.len());
        for ((virtual_id, ci), id) in fresh.iter().zip(cis.iter_mut()).zip(ids) {
            ci.id = id;
            keys.extend(indexed(tree, ci).into_iter().map(|(a, v)| (id, a, v)));
            let mut e = Entry::action(ENTITY, id, "created");
            let class = tree.get(ci.class).map(|k| k.code.as_str()).unwrap_or("?");
            e.new = Some(format!("{class} {} (from {})", ci.name, run.source));
            entries.push(e);
            if let Some(x) = view.touched.get_mut(virtual_id) {
                x.row.ci.id = id;
            }
        }
        store::add_keys(c, t, &keys).await?;
        journal::append(c, t, run.by, run.now, &entries).await?;
    }
    let mut entries = Vec::new();
    for id in order.iter().filter(|id| id.0 > 0) {
        let Some(x) = view.touched.get(id) else { continue };
        store::update(c, t, &x.row.ci).await?;
        store::set_keys(c, t, *id, &x.keys).await?;
        let mut mark = Entry::action(ENTITY, *id, "imported");
        mark.new = Some(run.source.clone());
        entries.extend(x.entries.iter().cloned().chain([mark]));
    }
    journal::append(c, t, run.by, run.now, &entries).await?;
    // Rows may now find the written CIs by their real ids.
    let touched: Vec<Touched> = order.iter().filter_map(|id| view.touched.remove(id)).collect();
    for x in touched {
        view.loaded.insert(x.row.ci.id, x.row);
    }
    let seen: Vec<CiId> = view.seen.iter().copied().collect();
    store::touch_seen(c, t, &seen, run.now).await?;
    Ok(())
}

/// Finds one end of a relation row.
async fn end(c: &mut Conn, t: TenantId, tree: &ClassTree, view: &View, side: &str, e: &End) -> Result<std::result::Result<CiRow, String>> {
    match e {
        End::Number(n) => Ok(match load(c, t, n).await {
            Ok(r) => Ok(r),
            Err(AppError::NotFound(_)) => Err(format!("{side}: no CI {n}")),
            Err(e) => return Err(e),
        }),
        End::Keys(pairs) => {
            let mut sets: Vec<BTreeSet<CiId>> = Vec::new();
            for (code, value) in pairs {
                let attrs: Vec<CiAttributeId> = tree
                    .all()
                    .iter()
                    .flat_map(|k| k.attributes.iter())
                    .filter(|a| &a.code == code && (a.key.is_some() || a.unique))
                    .map(|a| a.id)
                    .collect();
                if attrs.is_empty() {
                    return Ok(Err(format!("{side}.{code}: not an identifying attribute of any class")));
                }
                let text = key_text(&Value::String(value.clone()));
                let keys: Vec<(CiAttributeId, String)> = attrs.iter().map(|a| (*a, text.clone())).collect();
                // After the first column, only the CIs found so far are candidates (a
                // domain alone would name thousands).
                let mut set: BTreeSet<CiId> = match sets.first() {
                    None => store::with_keys(c, t, &keys).await?.into_iter().map(|(_, _, id)| id).collect(),
                    Some(found) => {
                        let found: Vec<CiId> = found.iter().copied().filter(|id| id.0 > 0).collect();
                        store::keys_of(c, t, &found)
                            .await?
                            .into_iter()
                            .filter(|(a, v, _)| keys.contains(&(*a, v.clone())))
                            .map(|(_, _, id)| id)
                            .collect()
                    }
                };
                for k in &keys {
                    set.extend(view.imagined.keys.get(k).into_iter().flatten());
                }
                sets.push(set);
            }
            let mut all = sets.into_iter();
            let first = all.next().unwrap_or_default();
            let ids: Vec<CiId> = all.fold(first, |acc, s| acc.intersection(&s).copied().collect()).into_iter().collect();
            let said = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
            match ids.as_slice() {
                [] => Ok(Err(format!("{side}: no CI with {said}"))),
                [one] => match view.imagined.rows.get(one) {
                    Some(r) => Ok(Ok(r.clone())),
                    None => Ok(store::by_ids(c, t, &[*one]).await?.into_iter().next().ok_or_else(|| format!("{side}: no CI with {said}"))),
                },
                many => Ok(Err(format!("{side}: {} CIs have {said}", many.len()))),
            }
        }
    }
}

/// Relates the two ends of a relation row: true when created, false when they were
/// related so already; an error text when refused.
async fn relate(
    c: &mut Conn,
    run: &Run,
    tree: &ClassTree,
    view: &View,
    (from, rel, to): (&End, cmdb::relation::RelationType, &End),
) -> Result<std::result::Result<bool, String>> {
    let a = match end(c, run.t, tree, view, "from", from).await? {
        Ok(a) => a,
        Err(why) => return Ok(Err(why)),
    };
    let b = match end(c, run.t, tree, view, "to", to).await? {
        Ok(b) => b,
        Err(why) => return Ok(Err(why)),
    };
    let outcome = if run.dry_run {
        check_relation(c, run.t, tree, (&a, rel, &b)).await.map(|exists| !exists)
    } else {
        relate_in(c, run.t, run.by, tree, (&a, rel, &b), Some(&run.source), run.now).await.map(|r| r.is_some())
    };
    match outcome {
        Ok(created) => Ok(Ok(created)),
        Err(e) => Ok(Err(refusal(e)?)),
    }
}
