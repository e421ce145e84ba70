#![allow(clippy::unwrap_used)]
//! Satisfaction surveys: a link to the requester on resolution, a one-click rating
//! answered once, expiry, and CSAT per group. On SQLite and PostgreSQL.

mod common;

use std::sync::Arc;

use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use common::{TestApp, body};
use reqwest::StatusCode;
use serde_json::json;

const DAY: i64 = 86_400_000;

async fn resolve(t: &TestApp, token: &str, n: &str) {
    let cur = body(t.get(token, &format!("/api/v1/tickets/{n}")).await).await;
    let r = t
        .patch(
            token,
            &format!("/api/v1/tickets/{n}"),
            cur["etag"].as_str(),
            json!({"status": "resolved", "resolution_code": "solved", "group": "Desk"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// The survey link sent to `token`'s user for ticket `n`.
async fn link(t: &TestApp, token: &str, n: &str) -> String {
    t.app.drain_jobs("t").await.unwrap();
    let list = body(t.get(token, "/api/v1/notifications").await).await;
    let message = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message"].as_str().unwrap())
        .find(|m| m.starts_with(n) && m.contains("/survey/"))
        .unwrap()
        .to_string();
    message.split(' ').find(|w| w.starts_with("/survey/")).unwrap().to_string()
}

async fn a_resolved_incident_is_rated_once_and_scores_add_up(url: String) {
    let clock = Arc::new(ManualClock::new(1_780_000_000_000));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let admin = t.user("default", "ada", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    t.post(&admin, "/api/v1/groups", json!({"name": "Desk"})).await;
    let n1 = t.create(&kim, "Mouse broken").await["number"].as_str().unwrap().to_string();
    let n2 = t.create(&kim, "Keyboard broken").await["number"].as_str().unwrap().to_string();
    resolve(&t, &alice, &n1).await;
    let url1 = link(&t, &kim, &n1).await;

    let http = reqwest::Client::new();
    let get = |path: String| http.get(t.url(&path)).send();
    let r = get(format!("{url1}?rating=9")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "ratings are 1 to 5");
    let r = get(format!("{url1}?rating=5")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Your rating of 5 is recorded."));
    let r = get(format!("{url1}?rating=1")).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "one answer per ticket");
    assert_eq!(get("/survey/not-a-token?rating=3".into()).await.unwrap().status(), StatusCode::NOT_FOUND);
    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n1}/history")).await).await;
    assert!(h.as_array().unwrap().iter().any(|e| e["action"] == "survey_answered" && e["new"] == "5"));

    // An answer after the 14 days is refused.
    resolve(&t, &alice, &n2).await;
    let url2 = link(&t, &kim, &n2).await;
    clock.set(1_780_000_000_000 + 15 * DAY);
    let r = http.post(t.url(&url2)).form(&[("rating", "2"), ("effort", "2")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("expired"));

    let report = body(t.get(&alice, "/api/v1/reports/csat?by=group&from=2026-01-01&to=2027-01-01").await).await;
    assert_eq!(report, json!([{"key": "Desk", "responses": 1, "mean_rating": 5.0, "csat": 100.0, "mean_effort": null}]));
    assert_eq!(t.get(&kim, "/api/v1/reports/csat").await.status(), StatusCode::FORBIDDEN);
    let r = t.get(&alice, "/api/v1/reports/csat?by=colour").await;
    assert_eq!(body(r).await["field"], "by");

    // An XLA on the desk's satisfaction: 5.0 over the last 30 days beats 4.3.
    let r = t.post(&admin, "/api/v1/xlas", json!({"name": "Desk happiness", "measure": "nps", "target": 4.3})).await;
    assert_eq!(body(r).await["field"], "measure");
    let r = t.post(&admin, "/api/v1/xlas", json!({"name": "Desk happiness", "measure": "csat", "group": "Nope", "target": 4.3})).await;
    assert_eq!(body(r).await["field"], "group");
    let r = t.post(&admin, "/api/v1/xlas", json!({"name": "Desk happiness", "measure": "csat", "group": "Desk", "target": 4.3})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let x = body(t.get(&alice, "/api/v1/xlas").await).await;
    assert_eq!(
        (x[0]["status"].as_str(), x[0]["trend"].as_str(), x[0]["current"].as_f64(), x[0]["responses"].as_u64()),
        (Some("met"), Some("new"), Some(5.0), Some(1)),
        "{x}"
    );
    // Forty days on, the answer has left the window: no data now, and it was met before.
    clock.set(1_780_000_000_000 + 40 * DAY);
    let x = body(t.get(&alice, "/api/v1/xlas").await).await;
    assert_eq!((x[0]["status"].as_str(), x[0]["previous"].as_f64()), (Some("no_data"), Some(5.0)), "{x}");
}

on_both_databases!(a_resolved_incident_is_rated_once_and_scores_add_up);
