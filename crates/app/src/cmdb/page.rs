//! The CI page's read model: the CI, its class tree, relations, impact and history in
//! one read, so the page asks the app once.

use cairn_domain::cmdb::class::ClassTree;
use cairn_domain::cmdb::impact::Direction;
use cairn_domain::platform::access::Actor;
use cairn_store::cmdb::cis::CiRow;
use cairn_store::cmdb::relations::{self, Relation};
use cairn_store::platform::journal::{self, Recorded};

use super::impact::Impact;
use super::{ENTITY, load, tree};
use crate::{App, Result, agents_only};

/// How far the page's graph looks.
const PAGE_DEPTH: u32 = 10;

pub struct CiPage {
    pub ci: CiRow,
    pub tree: ClassTree,
    pub relations: Vec<Relation>,
    pub impact: Impact,
    /// Oldest first.
    pub history: Vec<Recorded>,
}

impl App {
    #[tracing::instrument(name = "ci_page", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn ci_page(&self, actor: &Actor, number: &str, direction: Direction) -> Result<CiPage> {
        agents_only(actor)?;
        let t = actor.tenant_id;
        let mut c = self.db.read().await?;
        let ci = load(&mut c, t, number).await?;
        let tree = tree(&mut c, t).await?;
        let relations = relations::of_ci(&mut c, t, ci.ci.id).await?;
        let history = journal::for_entity(&mut c, t, ENTITY, ci.ci.id.0).await?;
        let impact = self.impact_in(&mut c, t, &tree, ci.clone(), direction, PAGE_DEPTH).await?;
        Ok(CiPage { ci, tree, relations, impact, history })
    }
}
