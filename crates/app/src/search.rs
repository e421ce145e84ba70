//! One search over everything the actor may see: tickets (newest first, counted by
//! kind, status and group) and knowledge articles (best match first), run side by side.
//! A search that finds nothing is tried again with mistyped words replaced by the
//! tenant's words they most likely meant.

use std::collections::BTreeMap;

use cairn_domain::platform::access::Actor;
use cairn_domain::search::{self as spelling, MIN_WORD};
use cairn_domain::ticket::TicketKind;
use cairn_domain::ticket::status::Status;
use cairn_store::knowledge::Article;
use cairn_store::{search as vocabulary, ticket as store};

use crate::ticket::{ListPage, ListRequest};
use crate::{App, AppError, Result};

/// A search as asked: the words, and the facet values chosen (none: all).
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub q: String,
    pub kind: Option<String>,
    pub status: Option<String>,
    /// A group's name.
    pub group: Option<String>,
    pub limit: i64,
}

/// How many matching tickets have each kind, status and group, most first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub kinds: Vec<(TicketKind, i64)>,
    pub statuses: Vec<(Status, i64)>,
    /// Agents only: requesters do not see how the desk is organised.
    pub groups: Vec<(String, i64)>,
    /// More tickets match than were counted: the counts are of the newest [`FACET_CAP`].
    pub capped: bool,
}

/// How many of the newest matching tickets the facets count.
pub const FACET_CAP: i64 = 1000;

pub struct Found {
    pub tickets: ListPage,
    pub articles: Vec<Article>,
    pub facets: Facets,
    /// The words searched instead, when the ones typed found nothing and these do.
    pub corrected: Option<String>,
}

/// Counts summed per value, most first (then by value).
fn tally<K: Ord + Clone>(pairs: impl Iterator<Item = (K, i64)>) -> Vec<(K, i64)> {
    let mut sums: BTreeMap<K, i64> = BTreeMap::new();
    for (k, n) in pairs {
        *sums.entry(k).or_default() += n;
    }
    let mut out: Vec<(K, i64)> = sums.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

impl App {
    /// Up to `limit` tickets and `limit` articles for the request's words, with the
    /// tickets' facets; `next_cursor` on the tickets says more match.
    #[tracing::instrument(name = "search_everything", skip_all, fields(tenant = actor.tenant_id.0, user = actor.user_id.0))]
    pub async fn search_everything(&self, actor: &Actor, req: SearchRequest) -> Result<Found> {
        if req.q.trim().is_empty() {
            return Err(AppError::invalid("q", "say what to look for"));
        }
        let found = self.search_as_typed(actor, &req).await?;
        if !found.tickets.items.is_empty() || !found.articles.is_empty() {
            return Ok(found);
        }
        let Some(better) = self.spelt_better(actor, &req.q).await? else { return Ok(found) };
        let again = self.search_as_typed(actor, &SearchRequest { q: better.clone(), ..req }).await?;
        if again.tickets.items.is_empty() && again.articles.is_empty() {
            return Ok(found);
        }
        Ok(Found { corrected: Some(better), ..again })
    }

    async fn search_as_typed(&self, actor: &Actor, req: &SearchRequest) -> Result<Found> {
        // Newest first walks the search index in order: fast at any number of matches.
        let list = ListRequest {
            q: Some(req.q.clone()),
            kind: req.kind.clone(),
            statuses: req.status.iter().cloned().collect(),
            group: req.group.clone(),
            sort: Some("-created".into()),
            limit: Some(req.limit),
            ..ListRequest::default()
        };
        let (tickets, articles, facets) =
            tokio::try_join!(self.list_tickets(actor, list.clone()), self.search_articles(actor, Some(&req.q), None, req.limit), async {
                self.ticket_facets(actor, list.clone()).await
            })?;
        Ok(Found { tickets, articles, facets, corrected: None })
    }

    async fn ticket_facets(&self, actor: &Actor, req: ListRequest) -> Result<Facets> {
        let mut c = self.db.read().await?;
        let q = Self::ticket_query(&mut c, actor, req).await?;
        let rows = store::facets(&mut c, self.backend(), &actor.scope(), &q, FACET_CAP).await?;
        let staff = actor.role.is_staff();
        Ok(Facets {
            capped: rows.iter().map(|f| f.count).sum::<i64>() >= FACET_CAP,
            kinds: tally(rows.iter().map(|f| (f.kind, f.count))),
            statuses: tally(rows.iter().map(|f| (f.status, f.count))),
            groups: if staff { tally(rows.iter().filter_map(|f| f.group.clone().map(|g| (g, f.count)))) } else { Vec::new() },
        })
    }

    /// `q` with each word the tenant's vocabulary does not hold replaced by the known
    /// word it most likely meant; None when no word needed or found a replacement.
    async fn spelt_better(&self, actor: &Actor, q: &str) -> Result<Option<String>> {
        let words: Vec<String> = q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= MIN_WORD && !w.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_lowercase)
            .take(16)
            .collect();
        if words.is_empty() {
            return Ok(None);
        }
        let mut c = self.db.read().await?;
        let t = actor.tenant_id;
        let known = vocabulary::known(&mut c, self.backend(), t, &words).await?;
        let mut out = Vec::with_capacity(words.len());
        let mut changed = false;
        for w in words {
            if known.contains(&w) {
                out.push(w);
                continue;
            }
            let near = vocabulary::near(&mut c, t, &w).await?;
            match spelling::closest(&w, near.iter().map(String::as_str)) {
                Some(better) => {
                    changed = true;
                    out.push(better.to_string());
                }
                None => out.push(w),
            }
        }
        Ok(changed.then(|| out.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::tally;

    #[test]
    fn facets_are_summed_and_most_first() {
        let t = tally([("b", 1), ("a", 2), ("b", 3), ("c", 2)].into_iter());
        assert_eq!(t, vec![("b", 4), ("a", 2), ("c", 2)]);
    }
}
