//! One search box for everything: a ticket or article number opens it; words find
//! tickets and knowledge articles the user may see, side by side.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
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
}

#[derive(Deserialize, Default)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
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
    let (tickets, articles) = match ctx.app.search_everything(&s.actor, &q, 10).await {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), e),
    };
    let items = ctx
        .app
        .matching_items(&s.actor, &q, 5)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|i| (i.item.id.0, i.item.name, i.item.description))
        .collect();
    let more = tickets.next_cursor.is_some().then(|| format!("/tickets?status=all&sort=-created&q={}", enc(&q)));
    render(SearchPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        staff,
        tickets: tickets.items.into_iter().map(|v| Row::new(v, now)).collect(),
        more,
        articles: articles.iter().map(ArticleRow::from).collect(),
        items,
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
