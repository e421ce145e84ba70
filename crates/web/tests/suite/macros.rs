//! Macros: a canned response that also sets the status, group and tags of the ticket
//! it answers, in one transaction with the reply; from the API and from the pages. On
//! SQLite and PostgreSQL.

use crate::common::{TestApp, body, hidden, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn apply(t: &TestApp, token: &str, number: &str, id: i64, etag: &str, req: Value) -> reqwest::Response {
    let url = t.url(&format!("/api/v1/tickets/{number}/macros/{id}"));
    t.http.post(url).bearer_auth(token).header("If-Match", etag).json(&req).send().await.expect("apply macro")
}

async fn etag(t: &TestApp, token: &str, number: &str) -> String {
    let r = t.get(token, &format!("/api/v1/tickets/{number}")).await;
    r.headers()["etag"].to_str().unwrap().to_string()
}

async fn comments(t: &TestApp, token: &str, number: &str) -> Vec<Value> {
    body(t.get(token, &format!("/api/v1/tickets/{number}/comments")).await).await.as_array().unwrap().clone()
}

async fn a_macro_replies_and_changes_the_ticket_at_once(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    for g in ["Desk", "Network"] {
        t.post(&admin, "/api/v1/groups", json!({"name": g})).await;
        t.post(&admin, &format!("/api/v1/groups/{g}/members"), json!({"username": "alice"})).await;
    }

    // What a macro may say is checked, each problem named by its field.
    let bad = |actions: Value| json!({"title": "Done", "body": "Fixed, {{requester}}.", "actions": actions});
    let r = t.post(&alice, "/api/v1/canned-responses", bad(json!({"status": "resolved"}))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(r).await.to_string().contains("resolution_code"));
    let r = t.post(&alice, "/api/v1/canned-responses", bad(json!({"group": "Nowhere"}))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(r).await.to_string().contains("Nowhere"));
    let r = t.post(&alice, "/api/v1/canned-responses", bad(json!({"add_tags": ["no spaces"]}))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let resolve = json!({"status": "resolved", "resolution_code": "solved", "group": "Network", "add_tags": ["VPN", "macro"]});
    let r = t.post(&alice, "/api/v1/canned-responses", bad(resolve)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let m = body(r).await;
    assert_eq!((m["is_macro"].as_bool(), m["actions"]["add_tags"].clone()), (Some(true), json!(["macro", "vpn"])), "{m}");
    let id = m["id"].as_i64().unwrap();

    let n = t.create(&kim, "VPN drops every hour").await["number"].as_str().unwrap().to_string();
    t.patch(&alice, &format!("/api/v1/tickets/{n}"), Some(&etag(&t, &alice, &n).await), json!({"tags": ["remote"]})).await;

    // A requester may not apply one; a stale copy changes nothing.
    let r = apply(&t, &kim, &n, id, &etag(&t, &kim, &n).await, json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let stale = etag(&t, &alice, &n).await.replace("-2\"", "-1\"");
    let r = apply(&t, &alice, &n, id, &stale, json!({})).await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED, "{stale}");
    let r = t.http.post(t.url(&format!("/api/v1/tickets/{n}/macros/{id}"))).bearer_auth(&alice).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    assert!(comments(&t, &alice, &n).await.is_empty());

    // Applied: the reply filled in and sent, then status, resolution, group and tags set.
    let r = apply(&t, &alice, &n, id, &etag(&t, &alice, &n).await, json!({"time_spent_minutes": 15})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().contains_key("etag"));
    let applied = body(r).await;
    let ticket = &applied["ticket"];
    assert_eq!(applied["comment"]["body"], "Fixed, kim.", "{applied}");
    assert_eq!(applied["comment"]["visibility"], "public");
    assert_eq!((ticket["status"].as_str(), ticket["resolution_code"].as_str()), (Some("resolved"), Some("solved")), "{ticket}");
    assert_eq!((ticket["group"].as_str(), ticket["tags"].clone()), (Some("Network"), json!(["macro", "remote", "vpn"])), "{ticket}");
    assert_eq!(ticket["resolution_notes"], "Fixed, kim.");
    let history = body(t.get(&alice, &format!("/api/v1/tickets/{n}/history")).await).await.to_string();
    assert!(history.contains("macro_applied") && history.contains("\"Done\""), "{history}");
    // The requester reads the reply and the resolution, not that a macro did it.
    let seen = body(t.get(&kim, &format!("/api/v1/tickets/{n}/history")).await).await.to_string();
    assert!(!seen.contains("macro_applied") && seen.contains("resolved"), "{seen}");

    // One that cannot finish writes nothing: closing a new ticket is refused, and its
    // note is not kept either.
    let close =
        json!({"title": "Close it", "body": "Closing.", "actions": {"status": "closed", "resolution_code": "duplicate", "internal": true}});
    let close = body(t.post(&alice, "/api/v1/canned-responses", close).await).await["id"].as_i64().unwrap();
    let fresh = t.create(&kim, "Printer offline").await["number"].as_str().unwrap().to_string();
    let r = apply(&t, &alice, &fresh, close, &etag(&t, &alice, &fresh).await, json!({"body": "edited"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(r).await.to_string().contains("invalid_transition"));
    assert!(comments(&t, &alice, &fresh).await.is_empty());
    let r = apply(&t, &alice, &fresh, 999_999, &etag(&t, &alice, &fresh).await, json!({})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn agents_make_and_apply_macros_in_the_pages(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = t.user("default", "root", "admin").await;
    let (alice, csrf) = signed_in(&t, "alice", "agent").await;
    let alice_api = t.app.create_token("default", "alice", "test").await.unwrap();
    for g in ["Desk", "Network"] {
        t.post(&admin, "/api/v1/groups", json!({"name": g})).await;
    }
    t.post(&admin, "/api/v1/groups/Desk/members", json!({"username": "alice"})).await;

    let (_, page) = alice.get("/canned-responses").await;
    assert!(page.contains(r#"name="set_status""#) && page.contains(r#"name="add_tags""#), "{page}");
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "Hand to Network"),
        ("body", "Handed over by {{agent}}."),
        ("group", "Desk"),
        ("set_group", "Network"),
        ("add_tags", "escalated, network"),
        ("internal", "1"),
    ];
    let r = alice.post("/canned-responses", &form).await;
    assert_eq!(location(&r), "/canned-responses?done=saved");
    let (_, page) = alice.get("/canned-responses").await;
    assert!(page.contains("Macro: moves to Network, adds tags escalated, network, as an internal note."), "{page}");
    let refused = [("csrf", csrf.as_str()), ("title", "x"), ("body", "y"), ("set_status", "resolved")];
    let r = alice.post("/canned-responses", &refused).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("a macro that resolves says how"));
    let id = body(t.get(&alice_api, "/api/v1/canned-responses").await).await[0]["id"].as_i64().unwrap();

    // On the ticket page it is marked a macro; inserting it offers to apply it.
    let n = t.create(&alice_api, "Switch port dead").await["number"].as_str().unwrap().to_string();
    let (_, ticket) = alice.get(&format!("/tickets/{n}")).await;
    assert!(ticket.contains("Hand to Network (macro)"), "{ticket}");
    let (_, ticket) = alice.get(&format!("/tickets/{n}?canned={id}")).await;
    assert!(ticket.contains("Also apply the macro: moves to Network"), "{ticket}");
    assert!(ticket.contains(r#"value="internal" checked"#), "the macro's visibility is preselected");
    let version = hidden(&ticket, "version");
    let reply = [
        ("csrf", csrf.as_str()),
        ("body", "Handed over by alice, port 12."),
        ("visibility", "internal"),
        ("macro", &id.to_string()),
        ("version", version.as_str()),
    ];
    let r = alice.post(&format!("/tickets/{n}/comments"), &reply).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let v = body(t.get(&alice_api, &format!("/api/v1/tickets/{n}")).await).await;
    assert_eq!((v["group"].as_str(), v["tags"].clone()), (Some("Network"), json!(["escalated", "network"])), "{v}");
    let (_, ticket) = alice.get(&format!("/tickets/{n}")).await;
    assert!(ticket.contains("applied the macro “Hand to Network”") && ticket.contains("port 12"), "{ticket}");

    // Sent from a page read before someone else's change: refused, nothing lost.
    let r = alice.post(&format!("/tickets/{n}/comments"), &reply).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("the macro was not applied") && page.contains("port 12"), "{page}");
}

on_both_databases!(a_macro_replies_and_changes_the_ticket_at_once, agents_make_and_apply_macros_in_the_pages);
