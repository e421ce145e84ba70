//! The operational dashboard over HTTP: backlog by priority and group, raised and
//! resolved per day, resolution figures, the CSV behind each chart, filters, and
//! refusals. On SQLite and PostgreSQL.

use std::sync::Arc;

use crate::common::{TestApp, body, signed_in};
use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

// 2026-06-10 00:00 UTC.
const DAY0: i64 = 1_781_049_600_000;
const H: i64 = 3_600_000;

async fn patch(t: &TestApp, token: &str, n: &str, b: serde_json::Value) {
    let cur = body(t.get(token, &format!("/api/v1/tickets/{n}")).await).await;
    let r = t.patch(token, &format!("/api/v1/tickets/{n}"), cur["etag"].as_str(), b).await;
    assert_eq!(r.status(), StatusCode::OK);
}

async fn the_dashboard_counts_what_happened(url: String) {
    let clock = Arc::new(ManualClock::new(DAY0 + 9 * H));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let admin = t.user("default", "root", "admin").await;
    for g in ["Desk", "<b>Net</b>"] {
        assert_eq!(t.post(&admin, "/api/v1/groups", json!({"name": g})).await.status(), StatusCode::CREATED);
    }
    let kim = t.user("default", "kim", "requester").await;
    let alice = t.user("default", "alice", "agent").await;
    // Day 0: three incidents; two to Desk, one to Net.
    let mut n = Vec::new();
    for title in ["Mail down", "VPN slow", "Printer jam"] {
        n.push(t.create(&kim, title).await["number"].as_str().unwrap().to_string());
    }
    patch(&t, &alice, &n[0], json!({"group": "Desk", "impact": 1, "urgency": 1})).await;
    patch(&t, &alice, &n[1], json!({"group": "<b>Net</b>"})).await;
    patch(&t, &alice, &n[2], json!({"group": "Desk"})).await;
    // Day 1: the first resolved after 24 h; the second moved to Desk and resolved.
    clock.set(DAY0 + 33 * H);
    patch(&t, &alice, &n[0], json!({"status": "resolved", "resolution_code": "solved"})).await;
    patch(&t, &alice, &n[1], json!({"group": "Desk"})).await;
    patch(&t, &alice, &n[1], json!({"status": "resolved", "resolution_code": "solved"})).await;
    // Day 2: the first reopened.
    clock.set(DAY0 + 2 * 24 * H + 10 * H);
    patch(&t, &alice, &n[0], json!({"status": "in_progress"})).await;
    let (ada, _) = signed_in(&t, "ada", "agent").await;

    let (status, page) = ada.get("/dashboard?from=2026-06-10&to=2026-06-12").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    for figure in [
        "<dt>Resolved</dt><dd>2</dd>",
        "<dt>Mean time to resolve</dt><dd>24.0 h</dd>",
        "<dt>Reopen rate</dt><dd>50.0 %</dd>",
        "<dt>First-contact resolution</dt><dd>50.0 %</dd>",
    ] {
        assert!(page.contains(figure), "{figure} in {page}");
    }
    assert!(page.contains("<desc id=\"chart-priority-d\">P1: 1, P2: 0, P3: 1, P4: 0, P5: 0</desc>"), "{page}");
    assert!(page.contains("<desc id=\"chart-group-d\">Desk: 2</desc>"), "{page}");
    assert!(page.contains("Raised: 3 in total; Resolved: 2 in total, over 3 days."), "{page}");
    assert!(!page.contains("<b>Net</b>"), "names are escaped in the charts");

    let csv = |q: &'static str| {
        let ada = &ada;
        async move {
            let r =
                ada.http.get(format!("{}/dashboard.csv?{q}", ada.base)).header("cookie", ada.cookie.clone().unwrap()).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    assert_eq!(
        csv("chart=daily&from=2026-06-10&to=2026-06-12").await.1,
        "day,raised,resolved\r\n2026-06-10,3,0\r\n2026-06-11,0,2\r\n2026-06-12,0,0\r\n"
    );
    assert_eq!(csv("chart=group&from=2026-06-10&to=2026-06-12").await.1, "group,open\r\nDesk,2\r\n");
    assert_eq!(csv("chart=priority&group=Desk").await.1, "priority,open\r\nP1,1\r\nP2,0\r\nP3,1\r\nP4,0\r\nP5,0\r\n");
    assert_eq!(csv("chart=pie").await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // The same figures through the API.
    let d = body(t.get(&alice, "/api/v1/reports/dashboard?from=2026-06-10&to=2026-06-13").await).await;
    assert_eq!((d["resolved"].as_i64(), d["mttr_hours"].as_f64(), d["reopen_rate"].as_f64()), (Some(2), Some(24.0), Some(50.0)), "{d}");
    assert_eq!(d["days"][1], json!({"day": "2026-06-11", "raised": 0, "resolved": 2}));
    assert_eq!(t.get(&kim, "/api/v1/reports/dashboard").await.status(), StatusCode::FORBIDDEN);

    // Narrowed to a service nobody named: empty, not an error.
    let (_, page) = ada.get("/dashboard?from=2026-06-10&to=2026-06-12&service=Payroll").await;
    assert!(page.contains("<dt>Resolved</dt><dd>0</dd>"), "{page}");
    // Bad filters are named.
    let (status, page) = ada.get("/dashboard?from=June").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("from: &#39;June&#39; is not a date"), "{page}");
    let (status, _) = ada.get("/dashboard?from=2020-01-01&to=2026-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a period is at most a year");
    let (status, _) = ada.get("/dashboard?group=Nope").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Requesters have no dashboard.
    let (kb, _) = signed_in(&t, "kai", "requester").await;
    assert_eq!(kb.get("/dashboard").await.0, StatusCode::FORBIDDEN);
}

on_both_databases!(the_dashboard_counts_what_happened);
