//! Input refused before anything happens: a ticket number with a line break or a tab
//! in its path stores nothing and answers 404 (JSON in the API, a page in the UI);
//! redirects name tickets in their canonical form; path and query parse errors come in
//! the API's JSON error format; report periods are bounded; an order sent as an array
//! is refused. On SQLite and PostgreSQL.

use crate::common::{TestApp, body, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn comment_count(t: &TestApp, token: &str, number: &str) -> usize {
    body(t.get(token, &format!("/api/v1/tickets/{number}/comments")).await).await.as_array().unwrap().len()
}

async fn bad_ticket_numbers_in_paths_write_nothing(url: String) {
    let t = TestApp::spawn(url).await;
    let agent = t.user("default", "alice", "agent").await;
    let n = t.create(&agent, "Printer jam").await["number"].as_str().unwrap().to_string();

    // The API: 404 in the JSON format, and no comment stored.
    for bad in ["%0D%0A", "%0A", "%09", "%20"] {
        let r = t.post(&agent, &format!("/api/v1/tickets/{n}{bad}/comments"), json!({"body": "twice?"})).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
        assert_eq!(body(r).await["error"], "not_found", "{bad}");
    }
    let r = t.patch(&agent, &format!("/api/v1/tickets/{n}%0D%0A"), Some("\"1-1\""), json!({"title": "x"})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(comment_count(&t, &agent, &n).await, 0);

    // The UI: a page saying so, never a 500, and still no comment.
    let (browser, csrf) = signed_in(&t, "bob", "agent").await;
    for bad in ["%0D%0A", "%09"] {
        let r = browser.post(&format!("/tickets/{n}{bad}/comments"), &[("csrf", csrf.as_str()), ("body", "twice?")]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
        assert!(r.text().await.unwrap().contains("Not found"));
    }
    assert_eq!(comment_count(&t, &agent, &n).await, 0);

    // A number in another case is the same ticket, and redirects name it canonically.
    let lower = n.to_lowercase();
    let r = browser.post(&format!("/tickets/{lower}/comments"), &[("csrf", csrf.as_str()), ("body", "once")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/tickets/{n}#history"));
    assert_eq!(comment_count(&t, &agent, &n).await, 1);
    let r = t.get(&agent, &format!("/api/v1/tickets/{lower}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body(r).await["number"], n.as_str());
}

async fn path_and_query_errors_come_as_json(url: String) {
    let t = TestApp::spawn(url).await;
    let agent = t.user("default", "alice", "agent").await;
    let r = t.get(&agent, "/api/v1/approvals/not-a-number").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = body(r).await;
    assert_eq!((e["error"].as_str(), e["field"].as_str()), (Some("bad_request"), Some("id")), "{e}");
    let r = t.get(&agent, "/api/v1/articles?limit=many").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = body(r).await;
    assert_eq!((e["error"].as_str(), e["field"].as_str()), (Some("bad_request"), Some("limit")), "{e}");
    let r = t.get(&agent, "/api/v1/tickets?limit=-x").await;
    assert_eq!(body(r).await["field"], "limit");
}

async fn report_periods_are_at_most_a_year(url: String) {
    let t = TestApp::spawn(url).await;
    let agent = t.user("default", "alice", "agent").await;
    for report in ["/api/v1/reports/sla", "/api/v1/reports/sla/breaches", "/api/v1/reports/csat"] {
        let r = t.get(&agent, &format!("{report}?from=1734-01-01&to=2026-01-01")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{report}");
        assert_eq!(body(r).await["field"], "from", "{report}");
        let r = t.get(&agent, &format!("{report}?from=2025-01-01&to=2026-01-01")).await;
        assert_eq!(r.status(), StatusCode::OK, "{report}");
    }
}

async fn an_order_sent_as_an_array_is_refused(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let kim = t.user("default", "kim", "requester").await;
    let mouse = json!({"category": "Hardware", "name": "Mouse"});
    let id = body(t.post(&root, "/api/v1/catalog/items", mouse).await).await["id"].as_i64().unwrap();
    let order = format!("/api/v1/catalog/items/{id}/order");
    let r = t.post(&kim, &order, json!([])).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = body(r).await;
    assert_eq!(e["field"], "body", "{e}");
    assert!(e["message"].as_str().unwrap().contains("object"), "{e}");
    assert_eq!(body(t.get(&kim, "/api/v1/tickets").await).await["items"].as_array().unwrap().len(), 0);
    // An object is an order (every answer optional here).
    assert_eq!(t.post(&kim, &order, json!({})).await.status(), StatusCode::CREATED);
    // Bodies that are lists by design still are: the priority matrix.
    let matrix = json!([[1, 2, 3], [2, 3, 4], [3, 4, 5]]);
    let r = t.http.put(t.url("/api/v1/settings/priority-matrix")).bearer_auth(&root).json(&matrix).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

on_both_databases!(
    bad_ticket_numbers_in_paths_write_nothing,
    path_and_query_errors_come_as_json,
    report_periods_are_at_most_a_year,
    an_order_sent_as_an_array_is_refused
);
