//! Incident lifecycle through the API: resolving with a code, reopening by the
//! requester's reply, closing after the waiting period. On SQLite and PostgreSQL.

use std::sync::Arc;

use crate::common::{TestApp, body};
use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

const DAY: i64 = 86_400_000;

async fn ticket(t: &TestApp, token: &str, n: &str) -> Value {
    body(t.get(token, &format!("/api/v1/tickets/{n}")).await).await
}

async fn change(t: &TestApp, token: &str, n: &str, b: Value) -> reqwest::Response {
    let cur = ticket(t, token, n).await;
    t.patch(token, &format!("/api/v1/tickets/{n}"), cur["etag"].as_str(), b).await
}

async fn reply(t: &TestApp, token: &str, n: &str, text: &str) {
    let r = t.post(token, &format!("/api/v1/tickets/{n}/comments"), json!({"body": text})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

async fn history(t: &TestApp, token: &str, n: &str) -> Vec<Value> {
    body(t.get(token, &format!("/api/v1/tickets/{n}/history")).await).await.as_array().unwrap().clone()
}

async fn resolving_needs_a_code_and_a_requester_reply_reopens(url: String) {
    let t = TestApp::spawn(url).await;
    let agent = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let n = t.create(&kim, "Outlook keeps asking for my password").await["number"].as_str().unwrap().to_string();

    let r = change(&t, &agent, &n, json!({"status": "resolved"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(r).await["field"], "resolution_code");
    let r = change(&t, &agent, &n, json!({"status": "resolved", "resolution_code": "magic"})).await;
    assert_eq!(body(r).await["field"], "resolution_code");
    assert_eq!(ticket(&t, &agent, &n).await["status"], "new", "refused changes change nothing");
    let r = change(&t, &agent, &n, json!({"resolution_code": "solved"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a code alone does not resolve");

    let r = change(
        &t,
        &agent,
        &n,
        json!({"status": "resolved", "resolution_code": "solved", "resolution_notes": "Reset the stored credentials."}),
    )
    .await;
    let tk = body(r).await;
    assert_eq!((tk["status"].as_str(), tk["resolution_code"].as_str()), (Some("resolved"), Some("solved")));

    // The agent's own follow-up does not reopen; the requester's reply does.
    reply(&t, &agent, &n, "Let us know if it comes back.").await;
    assert_eq!(ticket(&t, &agent, &n).await["status"], "resolved");
    reply(&t, &kim, &n, "It asked again this morning.").await;
    let tk = ticket(&t, &agent, &n).await;
    assert_eq!(tk["status"], "in_progress");
    assert_eq!(tk["resolution_code"], Value::Null);
    let h = history(&t, &agent, &n).await;
    assert!(h.iter().any(|e| e["action"] == "reopened"), "{h:?}");
    assert!(h.iter().any(|e| e["field"] == "resolution_code" && e["old"] == "solved" && e["new"].is_null()));
}

async fn resolved_tickets_close_after_the_waiting_period(url: String) {
    let clock = Arc::new(ManualClock::new(1_000 * DAY));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let admin = t.user("default", "ada", "admin").await;
    let kim = t.user("default", "kim", "requester").await;
    let r = t.http.put(t.url("/api/v1/settings/auto-close")).bearer_auth(&admin).json(&json!({"days": 2})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = t.http.put(t.url("/api/v1/settings/auto-close")).bearer_auth(&admin).json(&json!({"days": -1})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let a = t.create(&kim, "Monitor flickers").await["number"].as_str().unwrap().to_string();
    let b = t.create(&kim, "Docking station").await["number"].as_str().unwrap().to_string();
    let resolve = json!({"status": "resolved", "resolution_code": "solved"});
    assert_eq!(change(&t, &admin, &a, resolve.clone()).await.status(), StatusCode::OK);
    assert_eq!(change(&t, &admin, &b, resolve.clone()).await.status(), StatusCode::OK);
    // b is reopened by kim and resolved again a day later: its waiting period restarts.
    clock.advance(DAY);
    reply(&t, &kim, &b, "Still broken").await;
    assert_eq!(change(&t, &admin, &b, resolve.clone()).await.status(), StatusCode::OK);

    clock.advance(DAY - 60_000);
    t.app.drain_jobs("test").await.unwrap();
    assert_eq!(ticket(&t, &admin, &a).await["status"], "resolved", "not yet two days");

    clock.advance(120_000);
    t.app.drain_jobs("test").await.unwrap();
    assert_eq!(ticket(&t, &admin, &a).await["status"], "closed");
    assert_eq!(ticket(&t, &admin, &b).await["status"], "resolved", "b's first timer is void, its second not due");
    assert!(history(&t, &admin, &a).await.iter().any(|e| e["action"] == "auto_closed"));

    clock.advance(DAY);
    t.app.drain_jobs("test").await.unwrap();
    assert_eq!(ticket(&t, &admin, &b).await["status"], "closed");
    assert_eq!(ticket(&t, &admin, &b).await["resolution_code"], "solved", "closing keeps the resolution");
    let report = t.app.verify_journal().await.unwrap();
    assert!(report.iter().all(|r| r.fault.is_none()));
}

/// Delivers what the outbox holds, then reads the user's notifications.
async fn notifications(t: &TestApp, token: &str) -> Vec<String> {
    t.app.drain_jobs("test").await.unwrap();
    let n = body(t.get(token, "/api/v1/notifications").await).await;
    n.as_array().unwrap().iter().map(|x| x["message"].as_str().unwrap().to_string()).collect()
}

async fn link(t: &TestApp, token: &str, from: &str, to: &str, kind: &str) {
    let r = t.post(token, &format!("/api/v1/tickets/{from}/links"), json!({"target": to, "kind": kind})).await;
    assert!(r.status().is_success(), "{}", r.status());
}

async fn merging_moves_the_conversation_and_closes_the_duplicate(url: String) {
    let t = TestApp::spawn(url).await;
    let agent = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let lee = t.user("default", "lee", "requester").await;
    let keep = t.create(&kim, "Printer on floor 3 offline").await["number"].as_str().unwrap().to_string();
    let dup = t.create(&lee, "Cannot print on third floor").await["number"].as_str().unwrap().to_string();
    reply(&t, &lee, &dup, "Tried turning it off and on.").await;
    let r = t.post(&agent, &format!("/api/v1/tickets/{dup}/watchers"), json!({"username": "alice"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    // Bad merges change nothing.
    let r = t.post(&agent, &format!("/api/v1/tickets/{dup}/merge"), json!({"into": dup})).await;
    assert_eq!((r.status(), body(r).await["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("into")));
    let r = t.post(&agent, &format!("/api/v1/tickets/{dup}/merge"), json!({"into": "INC0009999"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another tenant's ticket is not there to merge into: acme's INC0000003 has no twin here.
    t.app.create_tenant("acme", "Acme").await.unwrap();
    let bob = t.user("acme", "bob", "agent").await;
    for title in ["a", "b", "c"] {
        t.create(&bob, title).await;
    }
    let r = t.post(&agent, &format!("/api/v1/tickets/{dup}/merge"), json!({"into": "INC0000003"})).await;
    assert_eq!((r.status(), body(r).await["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("into")));
    let r = t.post(&lee, &format!("/api/v1/tickets/{dup}/merge"), json!({"into": keep})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(ticket(&t, &agent, &dup).await["status"], "new");

    let r = t.post(&agent, &format!("/api/v1/tickets/{dup}/merge"), json!({"into": keep})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body(r).await["number"], keep.as_str());
    let d = ticket(&t, &agent, &dup).await;
    assert_eq!((d["status"].as_str(), d["resolution_code"].as_str()), (Some("closed"), Some("duplicate")));
    assert!(d["resolution_notes"].as_str().unwrap().contains(&keep));
    let comments = body(t.get(&agent, &format!("/api/v1/tickets/{keep}/comments")).await).await;
    assert!(comments.to_string().contains("Tried turning it off"), "the comment moved");
    let w = body(t.get(&agent, &format!("/api/v1/tickets/{keep}/watchers")).await).await;
    assert_eq!(w, json!(["alice", "lee"]), "watchers moved and the duplicate's requester follows the survivor");
    assert!(history(&t, &agent, &keep).await.iter().any(|e| e["action"] == "merged" && e["field"] == "from"));
    assert!(notifications(&t, &lee).await.iter().any(|m| m.contains("merged into")));
    let r = t.post(&agent, &format!("/api/v1/tickets/{dup}/merge"), json!({"into": keep})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a closed duplicate cannot merge again");

    // Search finds the moved text on the survivor.
    let found = body(t.get(&agent, "/api/v1/tickets?q=turning").await).await;
    assert_eq!(found["items"][0]["number"], keep.as_str());
}

async fn watchers_and_mentions_are_notified(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let bob = t.user("default", "bob", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let n = t.create(&kim, "Projector in room 2").await["number"].as_str().unwrap().to_string();
    let r = t.post(&kim, &format!("/api/v1/tickets/{n}/watchers"), json!({"username": "alice"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "requesters watch for themselves only");
    assert_eq!(
        t.post(&alice, &format!("/api/v1/tickets/{n}/watchers"), json!({"username": "alice"})).await.status(),
        StatusCode::NO_CONTENT
    );
    let r = t
        .post(
            &bob,
            &format!("/api/v1/tickets/{n}/comments"),
            json!({"body": "@alice can you bring a spare lamp?", "visibility": "internal"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let got = notifications(&t, &alice).await;
    assert!(got.iter().any(|m| m.contains("bob mentioned you")), "{got:?}");
    assert!(got.iter().any(|m| m.contains("has a new note")), "{got:?}");
    assert!(notifications(&t, &kim).await.iter().all(|m| !m.contains("note")), "requesters hear nothing of notes");
    let r = t.http.delete(t.url(&format!("/api/v1/tickets/{n}/watchers/alice"))).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(body(t.get(&alice, &format!("/api/v1/tickets/{n}/watchers")).await).await, json!([]));
}

async fn a_major_incident_communicates_and_resolves_its_children(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    t.user("default", "mia", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let lee = t.user("default", "lee", "requester").await;
    let parent = t.create(&alice, "Email down for the whole company").await["number"].as_str().unwrap().to_string();
    let c1 = t.create(&kim, "No email").await["number"].as_str().unwrap().to_string();
    let c2 = t.create(&lee, "Outlook disconnected").await["number"].as_str().unwrap().to_string();
    let c3 = t.create(&lee, "Mail stuck in outbox").await["number"].as_str().unwrap().to_string();
    for c in [&c1, &c2, &c3] {
        link(&t, &alice, &parent, c, "parent_of").await;
    }
    // c3 was already cancelled: it stays as it is.
    assert_eq!(change(&t, &alice, &c3, json!({"status": "cancelled"})).await.status(), StatusCode::OK);

    let r = t.post(&alice, &format!("/api/v1/tickets/{parent}/updates"), json!({"message": "x"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "updates are for major incidents");
    let r = t.post(&alice, &format!("/api/v1/tickets/{parent}/major"), json!({"manager": "kim"})).await;
    assert_eq!((r.status(), body(r).await["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("manager")));
    assert_eq!(
        t.post(&alice, &format!("/api/v1/tickets/{parent}/major"), json!({"manager": "mia"})).await.status(),
        StatusCode::NO_CONTENT
    );
    let p = ticket(&t, &alice, &parent).await;
    assert_eq!((p["major"].as_bool(), p["priority"].as_i64()), (Some(true), Some(1)));

    let r =
        t.post(&alice, &format!("/api/v1/tickets/{parent}/updates"), json!({"message": "Failover in progress, next update 10:30."})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(body(r).await["notified"].as_u64().unwrap() >= 3, "kim, lee and the manager");
    assert!(notifications(&t, &kim).await.iter().any(|m| m.contains("Failover in progress")));
    assert!(notifications(&t, &lee).await.iter().any(|m| m.contains("Failover in progress")));

    let r = change(
        &t,
        &alice,
        &parent,
        json!({"status": "resolved", "resolution_code": "solved", "resolution_notes": "Mail cluster failed over."}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    for c in [&c1, &c2] {
        let tk = ticket(&t, &alice, c).await;
        assert_eq!((tk["status"].as_str(), tk["resolution_code"].as_str()), (Some("resolved"), Some("solved")), "{c}");
        assert!(history(&t, &alice, c).await.iter().any(|e| e["action"] == "synced" && e["new"] == parent.as_str()));
    }
    assert_eq!(ticket(&t, &alice, &c3).await["status"], "cancelled");

    let review =
        json!({"summary": "Mail outage 09:02-10:41", "root_cause": "Disk full on the primary node", "actions": "Alert on disk usage"});
    let r = t.http.put(t.url(&format!("/api/v1/tickets/{parent}/review"))).bearer_auth(&alice).json(&review).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let rv = body(t.get(&alice, &format!("/api/v1/tickets/{parent}/review")).await).await;
    assert_eq!(rv["root_cause"], "Disk full on the primary node");
    let timeline = rv["timeline"].as_array().unwrap();
    assert!(timeline.iter().any(|e| e["ticket"] == parent.as_str() && e["action"] == "major_declared"));
    assert!(timeline.iter().any(|e| e["ticket"] == c1.as_str() && e["action"] == "synced"));
    let seqs: Vec<i64> = timeline.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order");
    assert_eq!(t.get(&kim, &format!("/api/v1/tickets/{c1}/review")).await.status(), StatusCode::FORBIDDEN);
}

on_both_databases!(
    resolving_needs_a_code_and_a_requester_reply_reopens,
    resolved_tickets_close_after_the_waiting_period,
    merging_moves_the_conversation_and_closes_the_duplicate,
    watchers_and_mentions_are_notified,
    a_major_incident_communicates_and_resolves_its_children,
);
