//! Relating CIs: typed, directional relations from the catalogue, checked against
//! the class pairs each type allows. No self-relation, no duplicate (a symmetric
//! type counts both ways); cycles are allowed and impact walks end on them.

use cairn_domain::cmdb::class::ClassTree;
use cairn_domain::cmdb::relation::{RelationType, Root};
use cairn_domain::ids::{RelationId, TenantId, UserId};
use cairn_domain::platform::access::Actor;
use cairn_store::Conn;
use cairn_store::cmdb::cis::CiRow;
use cairn_store::cmdb::relations::{self as store, Relation};
use cairn_store::platform::journal::{self, Entry};
use cairn_store::tx;

use super::{ENTITY, load, named, tree};
use crate::{App, AppError, Result, agents_only};

/// The two entries a relation writes, one in each CI's history.
pub(super) fn entries(r: &Relation, action: &'static str) -> [Entry; 2] {
    let mut from = Entry::action(ENTITY, r.from.id, action);
    from.field = Some(r.rel.as_str().into());
    from.new = Some(format!("{} {} {}", r.rel.label(), r.to.number, r.to.name));
    let mut to = Entry::action(ENTITY, r.to.id, action);
    to.field = Some(r.rel.as_str().into());
    to.new = Some(format!("{} {} {}", r.rel.reverse_label(), r.from.number, r.from.name));
    [from, to]
}

/// Checks a relation against the type's rules; true when the CIs are related so
/// already (a symmetric type counts both ways).
pub(crate) async fn check_relation(
    c: &mut Conn,
    t: TenantId,
    tree: &ClassTree,
    (a, rel, b): (&CiRow, RelationType, &CiRow),
) -> Result<bool> {
    if a.ci.id == b.ci.id {
        return Err(AppError::invalid("to", format!("{} cannot be related to itself", a.ci.number)));
    }
    let root = |id| tree.root(id).map(|k| Root::of(&k.code)).unwrap_or(Root::Other);
    rel.check((root(a.ci.class), &a.class_code), (root(b.ci.class), &b.class_code))?;
    let twin = rel.symmetric() && store::exists(c, t, b.ci.id, rel, a.ci.id).await?;
    Ok(twin || store::exists(c, t, a.ci.id, rel, b.ci.id).await?)
}

/// Relates two CIs in the caller's transaction after [`check_relation`]; `None` when
/// they are related so already.
pub(crate) async fn relate_in(
    c: &mut Conn,
    t: TenantId,
    by: Option<UserId>,
    tree: &ClassTree,
    (a, rel, b): (&CiRow, RelationType, &CiRow),
    source: Option<&str>,
    now: i64,
) -> Result<Option<Relation>> {
    if check_relation(c, t, tree, (a, rel, b)).await? {
        return Ok(None);
    }
    let id = store::insert(c, t, a.ci.id, rel, b.ci.id, source, now).await?;
    let r = store::by_id(c, t, id).await?.ok_or_else(|| AppError::Internal("relation not found after insert".into()))?;
    journal::append(c, t, by, now, &entries(&r, "related")).await?;
    Ok(Some(r))
}

impl App {
    #[tracing::instrument(name = "create_relation", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn create_relation(&self, actor: &Actor, from: &str, rel: &str, to: &str) -> Result<Relation> {
        agents_only(actor)?;
        let rel = RelationType::parse("type", rel)?;
        let (t, by, now, from, to) = (actor.tenant_id, actor.user_id, self.now(), from.to_string(), to.to_string());
        self.db
            .write(tx!(|c| {
                let a = named(c, t, "from", &from).await?;
                let b = named(c, t, "to", &to).await?;
                let tree = tree(c, t).await?;
                relate_in(c, t, Some(by), &tree, (&a, rel, &b), None, now)
                    .await?
                    .ok_or_else(|| AppError::Conflict(format!("{} {} {} already", a.ci.number, rel.label(), b.ci.number)))
            }))
            .await
    }

    #[tracing::instrument(name = "delete_relation", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn delete_relation(&self, actor: &Actor, id: RelationId) -> Result<()> {
        agents_only(actor)?;
        let (t, by, now) = (actor.tenant_id, actor.user_id, self.now());
        self.db
            .write(tx!(|c| {
                let r = store::by_id(c, t, id).await?.ok_or_else(|| AppError::NotFound(format!("relation {id}")))?;
                store::delete(c, t, id).await?;
                journal::append(c, t, Some(by), now, &entries(&r, "unrelated")).await?;
                Ok(())
            }))
            .await
    }

    /// The relations of a CI, both ways.
    pub async fn ci_relations(&self, actor: &Actor, number: &str) -> Result<Vec<Relation>> {
        agents_only(actor)?;
        let mut c = self.db.read().await?;
        let ci = load(&mut c, actor.tenant_id, number).await?;
        Ok(store::of_ci(&mut c, actor.tenant_id, ci.ci.id).await?)
    }
}
