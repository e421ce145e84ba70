//! One search box for everything: a ticket or article number opens it; words find
//! tickets and knowledge articles the user may see, side by side, with the tickets
//! narrowed by kind, status and group (facets), and mistyped words corrected.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::search::{Facets, SearchRequest};
use cairn_domain::ticket::parse_number;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::knowledge::pages::ArticleRow;
use crate::platform::form::enc;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;
use crate::ticket::queue::Row;

#[derive(Template)]
#[template(path = "search/search.html")]
pub(crate) struct SearchPage {
    pub me: Option<Me>,
    pub staff: bool,
    pub q: String,
    pub tickets: Vec<Row>,
    /// The queue's address for every matching ticket, when there are more than shown.
    pub more: Option<String>,
    pub articles: Vec<ArticleRow>,
    /// Catalog items whose name, category or description holds a word of the query:
    /// (id, name, description).
    pub items: Vec<(i64, String, String)>,
    /// The words searched instead of the ones typed, which found nothing.
    pub corrected: Option<String>,
    /// Kind, status and group facets, each as a list of choices.
    pub facets: Vec<FacetView>,
    /// More tickets match than the facets counted (the newest `facet_cap`).
    pub facets_capped: bool,
    pub facet_cap: i64,
}

/// One facet: its name and its values with their counts and links.
pub(crate) struct FacetView {
    pub title: &'static str,
    pub choices: Vec<Choice>,
    /// The link that drops this facet's choice, when one is chosen.
    pub clear: Option<String>,
}

pub(crate) struct Choice {
    pub label: String,
    pub count: i64,
    pub href: String,
    pub chosen: bool,
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    group: String,
}

impl SearchQuery {
    /// This search's address with one facet set to `value` (empty drops it).
    fn with(&self, facet: &str, value: &str) -> String {
        let mut p = self.clone();
        match facet {
            "kind" => p.kind = value.into(),
            "status" => p.status = value.into(),
            _ => p.group = value.into(),
        }
        let mut url = format!("/search?q={}", enc(p.q.trim()));
        for (name, v) in [("kind", &p.kind), ("status", &p.status), ("group", &p.group)] {
            if !v.is_empty() {
                url.push_str(&format!("&{name}={}", enc(v)));
            }
        }
        url
    }

    fn chosen(&self, facet: &str) -> &str {
        match facet {
            "kind" => &self.kind,
            "status" => &self.status,
            _ => &self.group,
        }
    }

    fn facet(&self, facet: &str, title: &'static str, values: Vec<(String, String, i64)>) -> FacetView {
        let chosen = self.chosen(facet);
        let choices = values
            .into_iter()
            .map(|(value, label, count)| Choice { chosen: value == chosen, href: self.with(facet, &value), label, count })
            .collect();
        FacetView { title, choices, clear: (!chosen.is_empty()).then(|| self.with(facet, "")) }
    }

    fn facets(&self, f: Facets) -> Vec<FacetView> {
        let kinds = f.kinds.into_iter().map(|(k, n)| (k.as_str().to_string(), capitalised(k.as_str()), n)).collect();
        let statuses = f.statuses.into_iter().map(|(s, n)| (s.as_str().to_string(), s.label().to_string(), n)).collect();
        let groups = f.groups.into_iter().map(|(g, n)| (g.clone(), g, n)).collect();
        [self.facet("kind", "Kind", kinds), self.facet("status", "Status", statuses), self.facet("group", "Group", groups)]
            .into_iter()
            .filter(|f| !f.choices.is_empty())
            .collect()
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn given(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// An article number such as KB0000012.
fn article_number(q: &str) -> Option<String> {
    let q = q.trim().to_ascii_uppercase();
    let digits = q.strip_prefix("KB")?;
    (!digits.is_empty() && digits.len() <= 12 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(q)
}

pub(crate) async fn search(State(ctx): State<Ctx>, s: Session, Query(p): Query<SearchQuery>) -> Response {
    let now = ctx.app.now();
    let q = p.q.trim().to_string();
    let staff = s.actor.role.is_staff();
    if let Some(n) = parse_number(&q) {
        return Redirect::to(&format!("/tickets/{n}")).into_response();
    }
    if let Some(n) = article_number(&q) {
        return Redirect::to(&format!("/knowledge/{n}")).into_response();
    }
    if q.is_empty() {
        return Redirect::to(if staff { "/tickets" } else { "/portal" }).into_response();
    }
    let req = SearchRequest { q: q.clone(), kind: given(&p.kind), status: given(&p.status), group: given(&p.group), limit: 10 };
    let found = match ctx.app.search_everything(&s.actor, req).await {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), e),
    };
    let (tickets, articles) = (found.tickets, found.articles);
    let items = ctx
        .app
        .matching_items(&s.actor, &q, 5)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|i| (i.item.id.0, i.item.name, i.item.description))
        .collect();
    let searched = found.corrected.as_deref().unwrap_or(&q);
    let more = tickets.next_cursor.is_some().then(|| format!("/tickets?status=all&sort=-created&q={}", enc(searched)));
    render(SearchPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        staff,
        tickets: tickets.items.into_iter().map(|v| Row::new(v, now)).collect(),
        more,
        articles: articles.iter().map(ArticleRow::from).collect(),
        items,
        facets_capped: found.facets.capped,
        facet_cap: cairn_app::search::FACET_CAP,
        facets: SearchQuery { q: searched.to_string(), ..p.clone() }.facets(found.facets),
        corrected: found.corrected,
        q,
    })
}

#[cfg(test)]
mod tests {
    use super::article_number;

    #[test]
    fn article_numbers_are_recognised() {
        assert_eq!(article_number(" kb0000012 ").as_deref(), Some("KB0000012"));
        assert_eq!(article_number("KB"), None);
        assert_eq!(article_number("KBX1"), None);
    }
}
