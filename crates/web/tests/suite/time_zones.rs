//! Time zones: pages show times in the person's zone (their own, else the tenant's) and
//! name it; the API keeps UTC. Set through the account page, the settings page and the
//! API, refused when unknown, journaled. On SQLite and PostgreSQL.

use crate::common::{TestApp, body, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

/// The ticket page's created time as shown.
async fn shown_created(b: &crate::common::Browser, number: &str) -> String {
    let (_, page) = b.get(&format!("/tickets/{number}")).await;
    let at = page.split("<dt>Created</dt><dd>").nth(1).unwrap_or_else(|| panic!("no created time on the ticket page: {page}"));
    at.split('<').next().unwrap().to_string()
}

async fn pages_show_times_in_the_persons_zone(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = t.user("default", "root", "admin").await;
    let (agent, csrf) = signed_in(&t, "alice", "agent").await;
    let token = t.app.create_token("default", "alice", "test").await.unwrap();
    let ticket = t.create(&token, "Clock skew").await;
    let n = ticket["number"].as_str().unwrap().to_string();
    let utc = shown_created(&agent, &n).await;
    assert!(utc.ends_with(" UTC"), "a new tenant shows UTC, labelled: {utc}");

    // The tenant's zone, then the person's own.
    let r =
        t.http.put(t.url("/api/v1/settings/time-zone")).bearer_auth(&admin).json(&json!({"time_zone": "Asia/Tokyo"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let tokyo = shown_created(&agent, &n).await;
    assert!(tokyo.ends_with(" JST") && tokyo != utc, "{utc} → {tokyo}");
    let r = agent.post("/account/time-zone", &[("csrf", &csrf), ("time_zone", "America/New_York")]).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/account?done=zone".to_string()));
    let (_, account) = agent.get("/account?done=zone").await;
    assert!(account.contains("Times are shown in America/New_York.") && account.contains(r#"value="America/New_York""#), "{account}");
    let ny = shown_created(&agent, &n).await;
    assert!(ny.ends_with(" EST") || ny.ends_with(" EDT"), "{ny}");
    let me = body(t.get(&token, "/api/v1/me").await).await;
    assert_eq!(me["time_zone"], "America/New_York");
    let api = body(t.get(&token, &format!("/api/v1/tickets/{n}")).await).await;
    assert_eq!(api["created_at"], ticket["created_at"], "the API keeps UTC");

    // Unknown zones are refused, naming the field; nothing changes.
    let r = agent.post("/account/time-zone", &[("csrf", &csrf), ("time_zone", "Mars/Olympus")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("&#39;Mars/Olympus&#39; is not a time zone") && page.contains(r#"aria-invalid="true""#), "{page}");
    let r = t.http.put(t.url("/api/v1/me/time-zone")).bearer_auth(&token).json(&json!({"time_zone": "Nowhere"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(r).await["field"], "time_zone");
    let r = t.http.put(t.url("/api/v1/settings/time-zone")).bearer_auth(&token).json(&json!({"time_zone": "UTC"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "agents do not set the tenant's");
    assert!(shown_created(&agent, &n).await == ny);

    // Clearing one's own follows the tenant's again.
    let r = t.http.put(t.url("/api/v1/me/time-zone")).bearer_auth(&token).json(&json!({"time_zone": null})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(shown_created(&agent, &n).await, tokyo);
    let (_, settings) = signed_in(&t, "root2", "admin").await.0.get("/admin/settings").await;
    assert!(settings.contains(r#"name="time_zone" list="zones" value="Asia/Tokyo""#), "{settings}");
}

on_both_databases!(pages_show_times_in_the_persons_zone);
