//! CMDB data quality over HTTP on SQLite and PostgreSQL: duplicate candidates merged
//! (relations, ticket links, located CIs and missing values move to the survivor, the
//! duplicate retired, all journaled), orphans, stale CIs by the last import that saw
//! them, CIs missing a value made required later, bulk retire all-or-nothing, and the
//! page's forms.

use std::sync::Arc;

use crate::common::{TestApp, body, location, signed_in};
use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

const DAY: i64 = 86_400_000;

async fn ci(t: &TestApp, token: &str, v: Value) -> String {
    let r = t.post(token, "/api/v1/cis", v.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{v}: {}", r.text().await.unwrap());
    body(r).await["number"].as_str().unwrap().to_string()
}

async fn relate(t: &TestApp, token: &str, from: &str, rel: &str, to: &str) {
    let r = t.post(token, "/api/v1/relations", json!({"from": from, "type": rel, "to": to})).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{from} {rel} {to}");
}

async fn quality(t: &TestApp, token: &str, query: &str) -> Value {
    let r = t.get(token, &format!("/api/v1/cmdb/quality{query}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    body(r).await
}

fn numbers(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|c| c["number"].as_str().unwrap().to_string()).collect()
}

async fn a_duplicate_merges_into_the_ci_kept(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let room = ci(&t, &alice, json!({"class": "room", "name": "R1"})).await;
    let kept = ci(&t, &alice, json!({"class": "server", "name": "srv-1", "attributes": {"serial_number": "SN-9"}})).await;
    let twin = ci(
        &t,
        &alice,
        json!({"class": "server", "name": "srv-1 (discovered)", "location": room,
               "attributes": {"serial_number": " sn-9 ", "operating_system": "Debian 12"}}),
    )
    .await;
    let app = ci(&t, &alice, json!({"class": "application", "name": "Payroll app"})).await;
    relate(&t, &alice, &app, "runs_on", &twin).await;
    relate(&t, &alice, &twin, "connected_to", &kept).await;
    let inc = t.create(&alice, "Payroll down").await;
    let n = inc["number"].as_str().unwrap();
    let r = t.patch(&alice, &format!("/api/v1/tickets/{n}"), inc["etag"].as_str(), json!({"cis": [twin.clone()]})).await;
    assert_eq!(r.status(), StatusCode::OK);

    assert_eq!(t.get(&kim, "/api/v1/cmdb/quality").await.status(), StatusCode::FORBIDDEN);
    let q = quality(&t, &alice, "").await;
    assert_eq!(q["duplicates"]["count"], 1, "{q}");
    let group = &q["duplicates"]["items"][0];
    assert_eq!((group["attribute"].as_str(), group["value"].as_str()), (Some("serial_number"), Some("sn-9")));
    assert_eq!(numbers(&json!({"items": group["cis"]})), [kept.clone(), twin.clone()]);

    for (bad, why) in [
        (json!({"survivor": kept, "duplicate": kept}), "into itself"),
        (json!({"survivor": room, "duplicate": twin}), "only CIs of one tree merge"),
        (json!({"survivor": kept, "duplicate": "CI9999999"}), "CI9999999"),
    ] {
        let r = t.post(&alice, "/api/v1/cmdb/merge", bad.clone()).await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_client_error() && text.contains(why), "{bad}: {status} {text}");
    }
    let r = t.post(&kim, "/api/v1/cmdb/merge", json!({"survivor": kept, "duplicate": twin})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = t.post(&alice, "/api/v1/cmdb/merge", json!({"survivor": kept, "duplicate": twin})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let merged = body(r).await;
    assert_eq!(merged["number"], kept.as_str());
    assert_eq!(merged["attributes"]["operating_system"], "Debian 12", "the survivor takes the values it lacked: {merged}");
    assert_eq!(merged["attributes"]["serial_number"], "SN-9", "and keeps its own");
    assert_eq!(merged["location"], room.as_str());

    let gone = body(t.get(&alice, &format!("/api/v1/cis/{twin}")).await).await;
    assert_eq!(gone["status"], "retired");
    let rels = body(t.get(&alice, &format!("/api/v1/cis/{kept}/relations")).await).await.to_string();
    assert!(rels.contains(&app) && rels.contains("runs_on"), "the application runs on the survivor now: {rels}");
    assert!(!rels.contains(&twin), "no relation to the duplicate is left, nor the one that would relate the survivor to itself: {rels}");
    assert_eq!(body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await["cis"], json!([kept.clone()]));

    let history = body(t.get(&alice, &format!("/api/v1/cis/{kept}/history")).await).await.to_string();
    assert!(history.contains("merged") && history.contains(&twin), "{history}");
    let history = body(t.get(&alice, &format!("/api/v1/cis/{twin}/history")).await).await.to_string();
    assert!(history.contains("merged_into") && history.contains("retired"), "{history}");
    let ticket = body(t.get(&alice, &format!("/api/v1/tickets/{n}/history")).await).await.to_string();
    assert!(ticket.contains(&twin) && ticket.contains(&kept), "the ticket's history says its CI changed: {ticket}");
    assert_eq!(quality(&t, &alice, "").await["duplicates"]["count"], 0);

    let r = t.post(&alice, "/api/v1/cmdb/merge", json!({"survivor": kept, "duplicate": twin})).await;
    assert!(r.status() == StatusCode::UNPROCESSABLE_ENTITY && r.text().await.unwrap().contains("retired"));

    // A location merged: what was located in it is located in the survivor.
    let copy = ci(&t, &alice, json!({"class": "room", "name": "R1 (copy)"})).await;
    let nic = ci(&t, &alice, json!({"class": "network_device", "name": "sw-1", "location": copy})).await;
    let r = t.post(&alice, "/api/v1/cmdb/merge", json!({"survivor": room, "duplicate": copy})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body(t.get(&alice, &format!("/api/v1/cis/{nic}")).await).await["location"], room.as_str());
    let history = body(t.get(&alice, &format!("/api/v1/cis/{nic}/history")).await).await.to_string();
    assert!(history.contains(&copy) && history.contains(&room), "{history}");

    // A survivor located in its duplicate takes the duplicate's place, not the retired CI.
    let building = ci(&t, &alice, json!({"class": "building", "name": "HQ"})).await;
    let outer = ci(&t, &alice, json!({"class": "room", "name": "R2", "location": building})).await;
    let inner = ci(&t, &alice, json!({"class": "room", "name": "R2 (listed inside itself)", "location": outer})).await;
    let r = t.post(&alice, "/api/v1/cmdb/merge", json!({"survivor": inner, "duplicate": outer})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body(r).await["location"], building.as_str());
}

async fn orphans_stale_and_missing_values_are_listed_and_retired_in_bulk(url: String) {
    let start = 1_780_000_000_000;
    let clock = Arc::new(ManualClock::new(start));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let root = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let lonely = ci(&t, &alice, json!({"class": "server", "name": "lonely"})).await;
    let room = ci(&t, &alice, json!({"class": "room", "name": "R2"})).await;
    let _service = ci(&t, &alice, json!({"class": "business_service", "name": "Payroll"})).await;
    let placed = ci(&t, &alice, json!({"class": "server", "name": "placed"})).await;
    relate(&t, &alice, &placed, "located_in", &room).await;
    let q = quality(&t, &alice, "").await;
    assert_eq!(numbers(&q["orphans"]), vec![lonely.clone()], "services and locations are not orphans: {q}");

    // Seen by an import now, then not for 100 days.
    let file = "name,serial_number\nseen-1,SN-1\nseen-2,SN-2\n";
    let r = t
        .http
        .post(t.url("/api/v1/cmdb/imports?class=server&source=discovery"))
        .bearer_auth(&alice)
        .header("Content-Type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    t.app.drain_jobs("test").await.unwrap();
    assert_eq!(quality(&t, &alice, "").await["stale"]["count"], 0);
    clock.advance(100 * DAY);
    let q = quality(&t, &alice, "").await;
    assert_eq!((q["stale_days"].as_i64(), q["stale"]["count"].as_i64()), (Some(90), Some(2)), "{q}");
    assert!(!numbers(&q["stale"]).contains(&lonely), "a CI no import saw is not stale");
    assert_eq!(quality(&t, &alice, "?stale_days=120").await["stale"]["count"], 0);
    assert_eq!(t.get(&alice, "/api/v1/cmdb/quality?stale_days=0").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let stale = numbers(&q["stale"]);

    // An attribute made required after CIs were made: they are listed, still editable.
    let r = t.post(&root, "/api/v1/ci-classes/server/attributes", json!({"code": "rack", "kind": "string", "required": true})).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let q = quality(&t, &alice, "").await;
    assert_eq!(q["missing"]["count"], 4, "{q}");
    assert_eq!(q["missing"]["items"][0]["attributes"], json!(["rack"]));
    let r = t.patch(&alice, &format!("/api/v1/cis/{placed}"), None, json!({"status": "degraded"})).await;
    assert_eq!(r.status(), StatusCode::OK, "a CI lacking it may still change");
    let r = t.post(&alice, "/api/v1/cis", json!({"class": "server", "name": "new"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a new one needs it");
    let r = t.patch(&alice, &format!("/api/v1/cis/{placed}"), None, json!({"attributes": {"rack": "A4"}})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = t.patch(&alice, &format!("/api/v1/cis/{placed}"), None, json!({"attributes": {"rack": null}})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a value given is not taken away");
    assert_eq!(quality(&t, &alice, "").await["missing"]["count"], 3);

    // Bulk retire: all or none.
    let mut asked = stale.clone();
    asked.push("CI9999999".into());
    let r = t.post(&alice, "/api/v1/cmdb/retire", json!({"cis": asked})).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(quality(&t, &alice, "").await["stale"]["count"], 2, "nothing was retired");
    assert_eq!(t.post(&alice, "/api/v1/cmdb/retire", json!({"cis": []})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = t.post(&alice, "/api/v1/cmdb/retire", json!({"cis": stale})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body(r).await["retired"].as_array().unwrap().len(), 2);
    let q = quality(&t, &alice, "").await;
    assert_eq!((q["stale"]["count"].as_i64(), q["missing"]["count"].as_i64()), (Some(0), Some(1)), "retired CIs are in no list: {q}");
}

async fn the_page_lists_and_its_forms_act(url: String) {
    let t = TestApp::spawn(url).await;
    let (b, csrf) = signed_in(&t, "alice", "agent").await;
    let alice = t.user("default", "bob", "agent").await;
    let kept = ci(&t, &alice, json!({"class": "server", "name": "srv-a", "attributes": {"serial_number": "SN-7"}})).await;
    let twin = ci(&t, &alice, json!({"class": "server", "name": "srv-b", "attributes": {"serial_number": "SN-7"}})).await;
    let lonely = ci(&t, &alice, json!({"class": "end_user_device", "name": "laptop-9"})).await;
    let (status, page) = b.get("/cis/quality").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Duplicate candidates: 1") && page.contains(&format!("Merge {twin} into {kept}")), "{page}");
    assert!(page.contains("Orphans: 3") && page.contains(&lonely));

    let r = b.post("/cis/quality/retire", &[("csrf", csrf.as_str()), ("ci", lonely.as_str())]).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/cis/quality?done=retired".to_string()));
    let r = b.post("/cis/quality/retire", &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("tick the CIs to retire"));
    let r = b.post("/cis/quality/merge", &[("csrf", "forged"), ("survivor", kept.as_str()), ("duplicate", twin.as_str())]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b.post("/cis/quality/merge", &[("csrf", csrf.as_str()), ("survivor", kept.as_str()), ("duplicate", twin.as_str())]).await;
    assert_eq!(location(&r), format!("/cis/{kept}?done=merged"));
    let (_, page) = b.get(&location(&r)).await;
    assert!(page.contains("Merged"), "the CI page says so");
    let (_, page) = b.get("/cis/quality").await;
    assert!(page.contains("Duplicate candidates: 0") && page.contains("Orphans: 1"), "{page}");
}

on_both_databases!(
    a_duplicate_merges_into_the_ci_kept,
    orphans_stale_and_missing_values_are_listed_and_retired_in_bulk,
    the_page_lists_and_its_forms_act,
);
