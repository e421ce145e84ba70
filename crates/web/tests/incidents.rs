#![allow(clippy::unwrap_used)]
//! Incident lifecycle through the API: resolving with a code, reopening by the
//! requester's reply, closing after the waiting period. On SQLite and PostgreSQL.

mod common;

use std::sync::Arc;

use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use common::{TestApp, body};
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

on_both_databases!(resolving_needs_a_code_and_a_requester_reply_reopens, resolved_tickets_close_after_the_waiting_period);
