//! One search over everything the actor may see: tickets (newest first) and
//! knowledge articles (best match first), run side by side.

use cairn_domain::platform::access::Actor;
use cairn_store::knowledge::Article;

use crate::ticket::{ListPage, ListRequest};
use crate::{App, AppError, Result};

impl App {
    /// Up to `limit` tickets and `limit` articles for `q`; `next_cursor` on the tickets
    /// says more match.
    #[tracing::instrument(name = "search_everything", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn search_everything(&self, actor: &Actor, q: &str, limit: i64) -> Result<(ListPage, Vec<Article>)> {
        if q.trim().is_empty() {
            return Err(AppError::invalid("q", "say what to look for"));
        }
        // Newest first walks the search index in order: fast at any number of matches.
        let req = ListRequest { q: Some(q.to_string()), sort: Some("-created".into()), limit: Some(limit), ..ListRequest::default() };
        tokio::try_join!(self.list_tickets(actor, req), self.search_articles(actor, Some(q), None, limit))
    }
}
