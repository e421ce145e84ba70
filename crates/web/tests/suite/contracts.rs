//! Contracts over HTTP on SQLite and PostgreSQL: recorded with what they cover and
//! their documents; listed by how soon they expire; the owner alerted at each lead
//! time before the end and the notice deadline — a ticket and a notification, exactly
//! once per lead time even when the alert is queued twice and two workers race; and
//! bad input refused by name.

use std::sync::Arc;

use crate::common::{TestApp, body};
use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

const DAY: i64 = 86_400_000;
/// 2026-12-01T12:00:00Z.
const DEC_1: i64 = 1_796_126_400_000;

async fn contract(t: &TestApp, token: &str, v: Value) -> Value {
    let r = t.post(token, "/api/v1/contracts", v.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{v}: {}", r.text().await.unwrap());
    body(r).await
}

/// The titles of alice's contract tickets, oldest first.
async fn alert_tickets(t: &TestApp, token: &str) -> Vec<String> {
    let page = body(t.get(token, "/api/v1/tickets?q=contract&limit=50").await).await;
    let mut titles: Vec<(String, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["tags"].as_array().is_some_and(|tags| tags.iter().any(|g| g == "contract-expiry")))
        .map(|x| (x["number"].as_str().unwrap().to_string(), x["title"].as_str().unwrap().to_string()))
        .collect();
    titles.sort();
    titles.into_iter().map(|(_, title)| title).collect()
}

async fn the_owner_is_alerted_once_per_lead_time(url: String) {
    let clock = Arc::new(ManualClock::new(DEC_1));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let alice = t.user("default", "alice", "agent").await;
    let r = t.post(&alice, "/api/v1/assets", json!({"tag": "SRV-1", "class": "server"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let k = contract(
        &t,
        &alice,
        json!({"kind": "support", "name": "Server care", "vendor": "Acme", "reference": "AC-77",
        "starts_on": "2026-04-01", "ends_on": "2027-03-31", "cost": "1200.00", "billing": "yearly", "assets": ["SRV-1"]}),
    )
    .await;
    let id = k["id"].as_i64().unwrap();
    assert_eq!((k["owner"].as_str(), k["assets"][0].as_str()), (Some("alice"), Some("SRV-1")));
    assert_eq!(k["notice_by"], Value::Null);

    // Expiring within 90 days of 1 December: not yet; within 120: yes.
    let within = |days: i64| format!("/api/v1/contracts?expiring_within={days}");
    assert!(body(t.get(&alice, &within(90)).await).await.as_array().unwrap().is_empty());
    assert_eq!(body(t.get(&alice, &within(120)).await).await[0]["id"], id);

    // Nothing is due on 1 December.
    t.app.drain_jobs("w1").await.unwrap();
    assert!(alert_tickets(&t, &alice).await.is_empty());

    // Queue the same alerts twice more (the end date moved away and back), then let
    // two workers race on 31 December, the 90-day alert's day.
    for end in ["2027-04-30", "2027-03-31"] {
        let r = t.patch(&alice, &format!("/api/v1/contracts/{id}"), None, json!({"ends_on": end})).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    clock.set(DEC_1 + 30 * DAY);
    let (a, b) = tokio::join!(t.app.drain_jobs("w1"), t.app.drain_jobs("w2"));
    a.unwrap();
    b.unwrap();
    t.app.drain_jobs("w1").await.unwrap();
    assert_eq!(alert_tickets(&t, &alice).await, ["Contract \"Server care\" ends in 90 days (2027-03-31)"]);
    // The owner was told, once.
    let unread = body(t.get(&alice, "/api/v1/notifications").await).await;
    let told = unread.as_array().unwrap().iter().filter(|n| n["message"].as_str().unwrap_or_default().contains("Server care")).count();
    assert_eq!(told, 1, "{unread}");

    // Running the worker again sends nothing more.
    t.app.drain_jobs("w1").await.unwrap();
    assert_eq!(alert_tickets(&t, &alice).await.len(), 1);

    // On 1 March the 30-day alert goes out, on 24 March the 7-day one.
    clock.set(DEC_1 + 90 * DAY);
    t.app.drain_jobs("w1").await.unwrap();
    clock.set(DEC_1 + 113 * DAY);
    t.app.drain_jobs("w1").await.unwrap();
    t.app.drain_jobs("w2").await.unwrap();
    assert_eq!(
        alert_tickets(&t, &alice).await,
        [
            "Contract \"Server care\" ends in 90 days (2027-03-31)",
            "Contract \"Server care\" ends in 30 days (2027-03-31)",
            "Contract \"Server care\" ends in 7 days (2027-03-31)"
        ]
    );
    let k = body(t.get(&alice, &format!("/api/v1/contracts/{id}")).await).await;
    let leads: Vec<i64> = k["alerts"].as_array().unwrap().iter().map(|a| a["lead_days"].as_i64().unwrap()).collect();
    assert_eq!(leads, [90, 30, 7]);
    assert!(k["alerts"].as_array().unwrap().iter().all(|a| a["ticket"].is_string()));
    let history = body(t.get(&alice, &format!("/api/v1/contracts/{id}/history")).await).await;
    assert_eq!(history.as_array().unwrap().iter().filter(|e| e["action"] == "alert_sent").count(), 3);
}

async fn a_notice_period_warns_before_the_notice_deadline(url: String) {
    let clock = Arc::new(ManualClock::new(DEC_1));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let alice = t.user("default", "alice", "agent").await;
    // Ends 31 March 2027 with 60 days' notice: notice by 30 January; entered on
    // 1 December, 60 days before it, so the 90-day notice alert is the nearest due.
    let k = contract(
        &t,
        &alice,
        json!({"kind": "lease", "name": "Copier lease", "starts_on": "2024-04-01", "ends_on": "2027-03-31", "notice_days": 60}),
    )
    .await;
    assert_eq!(k["notice_by"], "2027-01-30");
    t.app.drain_jobs("w1").await.unwrap();
    assert_eq!(alert_tickets(&t, &alice).await, ["Notice for contract \"Copier lease\" is due in 60 days (2027-01-30)"]);
}

async fn documents_are_filed_and_bad_input_is_refused(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    t.user("default", "kim", "requester").await;
    let k =
        contract(&t, &alice, json!({"kind": "warranty", "name": "Laptop warranty", "starts_on": "2026-01-01", "ends_on": "2029-01-01"}))
            .await;
    let id = k["id"].as_i64().unwrap();
    let r = t
        .http
        .post(t.url(&format!("/api/v1/contracts/{id}/documents?filename=terms.pdf")))
        .bearer_auth(&alice)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4 terms".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let doc = body(r).await;
    let r = t.get(&alice, &format!("/api/v1/contracts/{id}/documents/{}", doc["id"])).await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 terms");
    assert_eq!(body(t.get(&alice, &format!("/api/v1/contracts/{id}")).await).await["documents"][0]["filename"], "terms.pdf");

    let cases = [
        (json!({"kind": "support", "name": "x", "starts_on": "2026-05-01", "ends_on": "2026-04-01"}), "ends_on"),
        (json!({"kind": "insurance", "name": "x", "starts_on": "2026-01-01", "ends_on": "2027-01-01"}), "kind"),
        (json!({"kind": "support", "starts_on": "2026-01-01", "ends_on": "2027-01-01"}), "name"),
        (json!({"kind": "support", "name": "x", "starts_on": "2026-01-01", "ends_on": "2027-01-01", "owner": "kim"}), "owner"),
        (json!({"kind": "support", "name": "x", "starts_on": "2026-01-01", "ends_on": "2027-01-01", "cost": "-1"}), "cost"),
        (json!({"kind": "support", "name": "x", "starts_on": "2026-01-01", "ends_on": "2027-01-01", "assets": ["NOPE"]}), "assets"),
        (json!({"kind": "support", "name": "x", "starts_on": "2026-01-01", "ends_on": "2026-02-01", "notice_days": 90}), "notice_days"),
    ];
    for (v, field) in cases {
        let r = t.post(&alice, "/api/v1/contracts", v.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(body(r).await["field"], field, "{v}");
    }
    assert_eq!(body(t.get(&alice, "/api/v1/contracts").await).await.as_array().unwrap().len(), 1, "nothing half-written");
    let r = t.get(&alice, "/api/v1/contracts?expiring_within=-1").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

on_both_databases!(
    the_owner_is_alerted_once_per_lead_time,
    a_notice_period_warns_before_the_notice_deadline,
    documents_are_filed_and_bad_input_is_refused,
);

async fn an_incident_on_a_covered_ci_shows_its_contracts(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let (agent, _) = crate::common::signed_in(&t, "ada", "agent").await;
    let server = body(t.post(&alice, "/api/v1/cis", json!({"class": "server", "name": "srv-pay"})).await).await["number"]
        .as_str()
        .unwrap()
        .to_string();
    let r = t.post(&alice, "/api/v1/assets", json!({"tag": "SRV-9", "ci": server})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let today = jiff::Zoned::now().date();
    let (start, end) =
        (today.saturating_sub(jiff::Span::new().days(30)).to_string(), today.saturating_add(jiff::Span::new().days(300)).to_string());
    contract(
        &t,
        &alice,
        json!({"kind": "support", "name": "Server care", "vendor": "Acme", "starts_on": start, "ends_on": end, "cis": [server]}),
    )
    .await;
    contract(
        &t,
        &alice,
        json!({"kind": "warranty", "name": "Three-year warranty", "starts_on": start, "ends_on": end, "assets": ["SRV-9"]}),
    )
    .await;
    contract(
        &t,
        &alice,
        json!({"kind": "lease", "name": "Old lease", "starts_on": "2020-01-01", "ends_on": "2021-01-01", "cis": [server]}),
    )
    .await;
    let inc = t.create(&alice, "Payroll server down").await;
    let n = inc["number"].as_str().unwrap();
    let r = t.patch(&alice, &format!("/api/v1/tickets/{n}"), inc["etag"].as_str(), json!({"cis": [server]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, page) = agent.get(&format!("/tickets/{n}")).await;
    assert!(page.contains(&format!("Support: Server care (Acme) until {end}")), "{page}");
    assert!(page.contains(&format!("Warranty: Three-year warranty until {end}")), "through the asset recorded as the CI");
    assert!(!page.contains("Old lease"), "an ended contract is not shown");
}

on_both_databases!(an_incident_on_a_covered_ci_shows_its_contracts,);
