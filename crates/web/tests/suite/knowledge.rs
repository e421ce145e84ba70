//! Knowledge articles through the API: the lifecycle with review, versions, differences
//! and restore, audiences enforced in search and by number, feedback once per reader,
//! drafts from a ticket, and refusals that name the problem. On SQLite and PostgreSQL.

use crate::common::{TestApp, body};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn numbers(t: &TestApp, token: &str, q: &str) -> Vec<String> {
    let r = t.get(token, &format!("/api/v1/articles?q={q}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    body(r).await.as_array().unwrap().iter().map(|a| a["number"].as_str().unwrap().to_string()).collect()
}

async fn patch(t: &TestApp, token: &str, number: &str, v: Value) -> reqwest::Response {
    t.http.patch(t.url(&format!("/api/v1/articles/{number}"))).bearer_auth(token).json(&v).send().await.unwrap()
}

async fn state(t: &TestApp, token: &str, number: &str, to: &str) -> reqwest::Response {
    t.post(token, &format!("/api/v1/articles/{number}/state"), json!({"state": to})).await
}

/// Writes an article with `audience` and has bob review and publish it.
async fn published(t: &TestApp, alice: &str, bob: &str, title: &str, audience: Value) -> String {
    let mut req = json!({"title": title, "body": format!("{title}.\n\nRestart the client."), "reviewer": "bob"});
    req.as_object_mut().unwrap().extend(audience.as_object().unwrap().clone());
    let r = t.post(alice, "/api/v1/articles", req).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let n = body(r).await["number"].as_str().unwrap().to_string();
    assert_eq!(state(t, alice, &n, "in_review").await.status(), StatusCode::OK);
    assert_eq!(state(t, bob, &n, "published").await.status(), StatusCode::OK);
    n
}

async fn articles_are_reviewed_versioned_and_read_by_their_audience(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let bob = t.user("default", "bob", "agent").await;
    for o in ["Acme", "Globex"] {
        assert_eq!(t.post(&root, "/api/v1/organisations", json!({"name": o})).await.status(), StatusCode::CREATED);
    }
    let mut requesters = Vec::new();
    for (u, o) in [("kim", Some("Acme")), ("max", Some("Globex")), ("zed", None)] {
        let user = json!({"username": u, "role": "requester", "organisation": o});
        assert_eq!(t.post(&root, "/api/v1/users", user).await.status(), StatusCode::CREATED);
        requesters.push(t.app.create_token("default", u, "test").await.unwrap());
    }
    let (kim, max, zed) = (&requesters[0], &requesters[1], &requesters[2]);

    // A draft: agents only; review needs a reviewer; only the reviewer publishes.
    let r = t
        .post(&alice, "/api/v1/articles", json!({"title": "VPN tunnel keeps dropping", "body": "Restart the **client**.\nWait 30 s."}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a = body(r).await;
    let n = a["number"].as_str().unwrap().to_string();
    assert_eq!(
        (n.as_str(), a["state"].as_str(), a["version"].as_i64(), a["audience"].as_str()),
        ("KB0000001", Some("draft"), Some(1), Some("internal"))
    );
    assert_eq!(t.get(kim, &format!("/api/v1/articles/{n}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(state(&t, &alice, &n, "published").await.status(), StatusCode::UNPROCESSABLE_ENTITY, "not straight to published");
    let r = state(&t, &alice, &n, "in_review").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(r).await["message"].as_str().unwrap().contains("reviewer"));
    let r = patch(&t, &alice, &n, json!({"version": 1, "reviewer": "bob", "audience": "portal", "note": "for everyone"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body(r).await["version"], 2);
    assert_eq!(state(&t, &alice, &n, "in_review").await.status(), StatusCode::OK);
    assert_eq!(state(&t, &alice, &n, "published").await.status(), StatusCode::FORBIDDEN, "the author does not publish");
    let r = state(&t, &bob, &n, "published").await;
    assert_eq!(body(r).await["state"], "published");

    // Requesters read and find it; each reading counts.
    assert_eq!(numbers(&t, kim, "tunnel").await, [n.as_str()]);
    let read = body(t.get(kim, &format!("/api/v1/articles/{n}")).await).await;
    assert_eq!(read["views"], 1);
    assert_eq!(numbers(&t, zed, "dropping%20vpn").await, [n.as_str()], "every word, any order");
    assert!(numbers(&t, kim, "printer").await.is_empty());
    let both = body(t.get(kim, "/api/v1/search?q=tunnel").await).await;
    assert_eq!((both["articles"][0]["number"].as_str(), both["tickets"].as_array().map(Vec::len)), (Some(n.as_str()), Some(0)), "{both}");
    assert_eq!(t.get(kim, "/api/v1/search?q=%20").await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Audiences: one organisation's, and internal ones, never reach the wrong requester.
    let acme = published(&t, &alice, &bob, "Acme badge readers", json!({"audience": "orgs", "orgs": ["Acme"]})).await;
    let internal = published(&t, &alice, &bob, "Badge readers firmware", json!({})).await;
    assert_eq!(numbers(&t, kim, "badge").await, [acme.as_str()]);
    assert!(numbers(&t, max, "badge").await.is_empty() && numbers(&t, zed, "badge").await.is_empty());
    for (who, num) in [(max, &acme), (zed, &acme), (kim, &internal)] {
        assert_eq!(t.get(who, &format!("/api/v1/articles/{num}")).await.status(), StatusCode::NOT_FOUND);
    }
    let mut agents_see = numbers(&t, &alice, "badge").await;
    agents_see.sort();
    assert_eq!(agents_see, [acme.clone(), internal.clone()]);
    let r = state(&t, &bob, &acme, "retired").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(numbers(&t, kim, "badge").await.is_empty(), "retired articles leave the portal");

    // Versions: each edit is one; the difference names the changed line; restore brings it back.
    let r = patch(&t, &alice, &n, json!({"version": 4, "body": "Restart the **client**.\nWait 60 s."})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let current = body(r).await["version"].as_i64().unwrap();
    let r = patch(&t, &alice, &n, json!({"version": 4, "title": "Stale"})).await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED, "an old copy is refused");
    let versions = body(t.get(&alice, &format!("/api/v1/articles/{n}/versions")).await).await;
    let listed: Vec<i64> = versions.as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
    assert_eq!(listed, [current, 2, 1], "state changes are not text versions");
    let d = body(t.get(&alice, &format!("/api/v1/articles/{n}/diff?from=1&to={current}")).await).await;
    let changed: Vec<(String, String)> = d
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["op"] != "same")
        .map(|l| (l["op"].as_str().unwrap().into(), l["line"].as_str().unwrap().into()))
        .collect();
    assert_eq!(changed, [("removed".to_string(), "Wait 30 s.".to_string()), ("added".to_string(), "Wait 60 s.".to_string())]);
    let r = t.post(&alice, &format!("/api/v1/articles/{n}/restore"), json!({"restore": 1, "version": current})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let back = body(r).await;
    assert!(back["body"].as_str().unwrap().ends_with("Wait 30 s.") && back["version"].as_i64().unwrap() == current + 1, "{back}");
    assert_eq!(t.get(kim, &format!("/api/v1/articles/{n}/versions")).await.status(), StatusCode::FORBIDDEN);

    // Feedback: once per reader, counted, comments for agents.
    let r = t.post(kim, &format!("/api/v1/articles/{n}/feedback"), json!({"helpful": false, "comment": "Still drops"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = t.post(kim, &format!("/api/v1/articles/{n}/feedback"), json!({"helpful": true})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(t.post(zed, &format!("/api/v1/articles/{n}/feedback"), json!({"helpful": true})).await.status(), StatusCode::NO_CONTENT);
    let a = body(t.get(&alice, &format!("/api/v1/articles/{n}")).await).await;
    assert_eq!((a["helpful"].as_i64(), a["not_helpful"].as_i64()), (Some(1), Some(1)));
    let f = body(t.get(&alice, &format!("/api/v1/articles/{n}/feedback")).await).await;
    assert_eq!(f[1]["comment"], "Still drops", "{f}");
    assert_eq!(
        t.post(max, &format!("/api/v1/articles/{internal}/feedback"), json!({"helpful": true})).await.status(),
        StatusCode::NOT_FOUND
    );

    // Review dates: the ones that have come are listed for agents, soonest first.
    let r = patch(&t, &alice, &internal, json!({"version": 3, "review_at": "2020-01-01T00:00:00Z"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let r = patch(&t, &alice, &acme, json!({"version": 4, "review_at": "2999-01-01T00:00:00Z"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let due = body(t.get(&alice, "/api/v1/articles?review=due").await).await;
    assert_eq!(due.as_array().unwrap().iter().map(|a| a["number"].as_str().unwrap()).collect::<Vec<_>>(), [internal.as_str()]);
    assert_eq!(t.get(kim, "/api/v1/articles?review=due").await.status(), StatusCode::FORBIDDEN);

    // Bad input is named and changes nothing.
    for (req, field) in [
        (json!({"title": " ", "body": "x"}), "title"),
        (json!({"title": "T", "body": "x", "audience": "everyone"}), "audience"),
        (json!({"title": "T", "body": "x", "audience": "orgs", "orgs": ["Nope"]}), "orgs"),
        (json!({"title": "T", "body": "x", "reviewer": "kim"}), "reviewer"),
        (json!({"title": "T", "body": "x", "review_at": "next week"}), "review_at"),
    ] {
        let r = t.post(&alice, "/api/v1/articles", req).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body(r).await["field"], field);
    }
    assert_eq!(t.post(kim, "/api/v1/articles", json!({"title": "T", "body": "x"})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(state(&t, &bob, &n, "shelved").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(numbers(&t, &alice, "").await.len(), 3, "no refused article was stored");

    // Another tenant's agent finds nothing of ours.
    t.app.create_tenant("other", "Other").await.unwrap();
    let other = t.user("other", "olga", "agent").await;
    assert_eq!(t.get(&other, &format!("/api/v1/articles/{n}")).await.status(), StatusCode::NOT_FOUND);
    assert!(numbers(&t, &other, "tunnel").await.is_empty());
}

async fn a_draft_is_written_from_a_resolved_ticket(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let created = t.create(&alice, "Outlook asks for the password every few minutes").await;
    let n = created["number"].as_str().unwrap();
    let fix = json!({"status": "resolved", "resolution_code": "solved", "resolution_notes": "Cleared the stored credentials."});
    assert_eq!(t.patch(&alice, &format!("/api/v1/tickets/{n}"), created["etag"].as_str(), fix).await.status(), StatusCode::OK);
    let r = t.post(&alice, "/api/v1/articles", json!({"from_ticket": n})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a = body(r).await;
    assert_eq!(a["title"], "Outlook asks for the password every few minutes");
    assert_eq!(a["source"], n);
    assert!(a["body"].as_str().unwrap().contains("## Solution\n\nCleared the stored credentials."), "{a}");
    assert_eq!(t.post(&alice, "/api/v1/articles", json!({"from_ticket": "INC0009999"})).await.status(), StatusCode::NOT_FOUND);
}

async fn suggestions_that_spare_a_request_count_as_deflections(url: String) {
    let clock = std::sync::Arc::new(cairn_app::ManualClock::new(1_800_000_000_000));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let alice = t.user("default", "alice", "agent").await;
    let bob = t.user("default", "bob", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let zed = t.user("default", "zed", "requester").await;
    let n = published(&t, &alice, &bob, "Printer jams on floor 2", json!({"audience": "portal"})).await;
    published(&t, &alice, &bob, "Printer toner codes", json!({})).await;

    // As kim types, the portal article is suggested; the internal one is not.
    let s = body(t.get(&kim, "/api/v1/articles/suggest?q=my%20printer%20jams%20all%20the%20time").await).await;
    assert_eq!(s, json!([{"number": n, "title": "Printer jams on floor 2"}]));
    assert!(body(t.get(&kim, "/api/v1/articles/suggest?q=the").await).await.as_array().unwrap().is_empty());

    // Both open it from the suggestion; kim raises a request anyway, zed does not.
    for who in [&kim, &zed] {
        assert_eq!(t.get(who, &format!("/api/v1/articles/{n}?via=suggestion")).await.status(), StatusCode::OK);
    }
    assert_eq!(t.get(&zed, &format!("/api/v1/articles/{n}")).await.status(), StatusCode::OK, "a plain reading is no suggestion");
    clock.advance(60_000);
    t.create(&kim, "Printer still jams").await;
    let a = body(t.get(&alice, &format!("/api/v1/articles/{n}")).await).await;
    assert_eq!((a["suggested_openings"].as_i64(), a["deflected"].as_i64()), (Some(2), Some(0)), "undecided within the window");
    clock.advance(30 * 60_000);
    let a = body(t.get(&alice, &format!("/api/v1/articles/{n}")).await).await;
    assert_eq!((a["suggested_openings"].as_i64(), a["deflected"].as_i64()), (Some(2), Some(1)), "{a}");
    assert!(body(t.get(&kim, &format!("/api/v1/articles/{n}")).await).await.get("deflected").is_none(), "agents' figure");
}

on_both_databases!(
    articles_are_reviewed_versioned_and_read_by_their_audience,
    a_draft_is_written_from_a_resolved_ticket,
    suggestions_that_spare_a_request_count_as_deflections,
);
