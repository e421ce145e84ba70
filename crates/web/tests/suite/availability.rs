//! Outage windows on incidents and the availability XLA they feed: recorded, ended and
//! removed through the API and journaled; availability counted during the service
//! calendar's hours only; bad windows refused with nothing stored. On SQLite and
//! PostgreSQL.

use std::sync::Arc;

use crate::common::{TestApp, body};
use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

// Wednesday 2026-06-10 12:00 UTC.
const NOW: i64 = 1_781_092_800_000;

async fn outages_feed_service_availability(url: String) {
    let clock = Arc::new(ManualClock::new(NOW));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let admin = t.user("default", "ada", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let put = |path: &str, v: serde_json::Value| t.http.put(t.url(path)).bearer_auth(&admin).json(&v).send();
    let hours: serde_json::Value = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| (d.to_string(), json!(["08:00-18:00"])))
        .collect::<serde_json::Map<_, _>>()
        .into();
    assert!(put("/api/v1/calendars/Mail hours", json!({"time_zone": "UTC", "hours": hours})).await.unwrap().status().is_success());

    let n = t.create(&kim, "Mail is down").await["number"].as_str().unwrap().to_string();
    let path = format!("/api/v1/tickets/{n}/outages");
    // No service on the incident and none named: refused.
    let r = t.post(&alice, &path, json!({"started_at": "2026-06-10T09:00:00Z"})).await;
    assert_eq!(
        (r.status(), body(r).await["field"].as_str().map(str::to_string)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("service".into()))
    );
    for (bad, field) in [
        (json!({"service": "Email", "started_at": "2026-06-10T13:00:00Z"}), "started_at"),
        (json!({"service": "Email", "started_at": "2026-06-10T09:00:00Z", "ended_at": "2026-06-10T08:00:00Z"}), "ended_at"),
        (json!({"service": "Email", "started_at": "yesterday"}), "started_at"),
    ] {
        let r = t.post(&alice, &path, bad.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(body(r).await["field"], field, "{bad}");
    }
    assert_eq!(
        t.post(&kim, &path, json!({"service": "Email", "started_at": "2026-06-10T09:00:00Z"})).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(body(t.get(&alice, &path).await).await, json!([]), "nothing stored by the refusals");

    // Down from 09:00, still going; then it ends at 10:00 (one hour of ten today).
    let r = t.post(&alice, &path, json!({"service": "Email", "started_at": "2026-06-10T09:00:00Z"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let o = body(r).await;
    assert_eq!(o["ended_at"], serde_json::Value::Null);
    // A second, mistaken window, then removed.
    let wrong = body(
        t.post(&alice, &path, json!({"service": "Email", "started_at": "2026-06-09T09:00:00Z", "ended_at": "2026-06-09T17:00:00Z"})).await,
    )
    .await;
    let r = t.http.delete(t.url(&format!("{path}/{}", wrong["id"]))).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let r = t
        .post(
            &admin,
            "/api/v1/xlas",
            json!({"name": "Mail up", "measure": "availability", "service": "Email", "target": 99.5, "window_days": 7}),
        )
        .await;
    assert_eq!(body(r).await["field"], "calendar");
    let r = t
        .post(
            &admin,
            "/api/v1/xlas",
            json!({"name": "Mail up", "measure": "availability", "service": "Email", "calendar": "Nope", "target": 99.5}),
        )
        .await;
    assert_eq!(body(r).await["field"], "calendar");
    let r = t.post(&admin, "/api/v1/xlas", json!({"name": "Mail up", "measure": "availability", "service": "Email", "calendar": "Mail hours", "target": 99.5, "window_days": 7})).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // Still down at 12:00: the last 7 days hold 50 service hours, 3 of them down.
    let x = body(t.get(&alice, "/api/v1/xlas").await).await;
    let open_hours = 6.0 + 4.0 * 10.0 + 4.0; // Wed 12–18, Thu, Fri, Mon, Tue, Wed 08–12
    let expected = 100.0 * (open_hours - 3.0) / open_hours;
    assert!((x[0]["current"].as_f64().unwrap() - expected).abs() < 0.01, "{x}");
    assert_eq!((x[0]["status"].as_str(), x[0]["responses"].as_u64()), (Some("missed"), Some(1)));

    let r = t
        .http
        .patch(t.url(&format!("{path}/{}", o["id"])))
        .bearer_auth(&alice)
        .json(&json!({"ended_at": "2026-06-10T10:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let x = body(t.get(&alice, "/api/v1/xlas").await).await;
    assert!((x[0]["current"].as_f64().unwrap() - 100.0 * (open_hours - 1.0) / open_hours).abs() < 0.01, "{x}");

    // The weekend does not count: a Saturday outage leaves availability as it was.
    let r =
        t.post(&alice, &path, json!({"service": "Email", "started_at": "2026-06-06T08:00:00Z", "ended_at": "2026-06-06T20:00:00Z"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let again = body(t.get(&alice, "/api/v1/xlas").await).await;
    assert_eq!(again[0]["current"], x[0]["current"]);

    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n}/history")).await).await;
    let actions: Vec<&str> =
        h.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).filter(|a| a.starts_with("outage")).collect();
    assert_eq!(actions, ["outage_recorded", "outage_recorded", "outage_removed", "outage_changed", "outage_recorded"]);
}

on_both_databases!(outages_feed_service_availability);
