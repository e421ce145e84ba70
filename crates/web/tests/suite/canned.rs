//! Canned responses kept in the pages: an agent adds their own and their group's,
//! changes and deletes them; another agent sees only what is theirs or their groups';
//! the ticket page links to the page. On SQLite and PostgreSQL.

use crate::common::{TestApp, body, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

async fn agents_keep_their_canned_responses_in_the_pages(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = t.user("default", "root", "admin").await;
    let (alice, csrf) = signed_in(&t, "alice", "agent").await;
    let (bob, bob_csrf) = signed_in(&t, "bob", "agent").await;
    let alice_api = t.app.create_token("default", "alice", "test").await.unwrap();
    t.post(&admin, "/api/v1/groups", json!({"name": "Desk"})).await;
    t.post(&admin, "/api/v1/groups/Desk/members", json!({"username": "alice"})).await;

    let (_, page) = alice.get("/canned-responses").await;
    assert!(page.contains("None yet.") && page.contains("<option>Desk</option>"), "{page}");
    let r = alice
        .post(
            "/canned-responses",
            &[("csrf", &csrf), ("title", "Screenshot please"), ("body", "Hello {{requester}}, a screenshot?"), ("group", "Desk")],
        )
        .await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/canned-responses?done=saved".to_string()));
    alice.post("/canned-responses", &[("csrf", &csrf), ("title", "Mine"), ("body", "Thanks, {{agent}}")]).await;
    let r = alice.post("/canned-responses", &[("csrf", &csrf), ("title", ""), ("body", "no title")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let list = body(t.get(&alice_api, "/api/v1/canned-responses").await).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    let shared = list.as_array().unwrap().iter().find(|r| r["group"] == "Desk").unwrap()["id"].as_i64().unwrap();
    let (_, page) = alice.get("/canned-responses").await;
    assert!(page.contains("shared with Desk") && page.contains("<small>yours</small>"), "{page}");

    // Changed, then deleted, from the page.
    let r = alice
        .post(
            &format!("/canned-responses/{shared}"),
            &[("csrf", &csrf), ("title", "Screenshot, please"), ("body", "Could you send a screenshot?")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = body(t.get(&alice_api, "/api/v1/canned-responses").await).await;
    assert!(list.to_string().contains("Could you send a screenshot?"), "{list}");

    // bob is in no group: he sees neither and may not change alice's group's.
    let (_, page) = bob.get("/canned-responses").await;
    assert!(page.contains("None yet."), "{page}");
    let r = bob.post(&format!("/canned-responses/{shared}"), &[("csrf", &bob_csrf), ("title", "Hijack"), ("body", "x")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = alice.post(&format!("/canned-responses/{shared}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(location(&r), "/canned-responses?done=deleted");
    assert_eq!(body(t.get(&alice_api, "/api/v1/canned-responses").await).await.as_array().unwrap().len(), 1);

    // The ticket page offers them and links here.
    let n = t.create(&alice_api, "Printer").await["number"].as_str().unwrap().to_string();
    let (_, ticket) = alice.get(&format!("/tickets/{n}")).await;
    assert!(ticket.contains(r#"<a href="/canned-responses">Manage canned responses</a>"#), "{ticket}");
}

on_both_databases!(agents_keep_their_canned_responses_in_the_pages);
