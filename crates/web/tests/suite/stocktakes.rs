//! Stocktakes over HTTP on SQLite and PostgreSQL: the expected list frozen at the
//! start; tags scanned as a handheld reader types them and as CSV; found, missing,
//! unexpected (recorded elsewhere) and unknown; closing applies the chosen move and
//! loss, journaled on each asset; a closed stocktake takes no more scans.

use crate::common::{TestApp, body};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn ok(r: reqwest::Response) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap()
}

fn tags(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap().iter().map(|l| l["tag"].as_str().unwrap().to_string()).collect()
}

async fn scan(t: &TestApp, token: &str, id: i64, content_type: &str, text: &str) -> reqwest::Response {
    t.http
        .post(t.url(&format!("/api/v1/stocktakes/{id}/scans")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(text.to_string())
        .send()
        .await
        .unwrap()
}

async fn a_stocktake_finds_misses_and_moves(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let room = |name: &'static str| json!({"class": "room", "name": name});
    let store = ok(t.post(&alice, "/api/v1/cis", room("Store")).await).await["number"].as_str().unwrap().to_string();
    let lab = ok(t.post(&alice, "/api/v1/cis", room("Lab")).await).await["number"].as_str().unwrap().to_string();
    for (tag, at) in [("A-1", &store), ("A-2", &store), ("A-3", &store), ("B-1", &lab)] {
        ok(t.post(&alice, "/api/v1/assets", json!({"tag": tag, "location": at})).await).await;
    }
    let r =
        t.post(&alice, "/api/v1/assets", json!({"tag": "GONE", "location": store, "state": "disposed", "disposed_on": "2026-01-02"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let s = ok(t.post(&alice, "/api/v1/stocktakes", json!({"location": store})).await).await;
    let id = s["id"].as_i64().unwrap();
    assert_eq!(tags(&s, "missing"), ["A-1", "A-2", "A-3"], "the disposed asset is not expected");
    // Frozen: an asset recorded here after the start is not expected.
    ok(t.post(&alice, "/api/v1/assets", json!({"tag": "A-4", "location": store})).await).await;

    // A reader types one tag per line, repeats one; a CSV adds the rest.
    ok(scan(&t, &alice, id, "text/plain", "A-1\r\nB-1\nA-1\n").await).await;
    let r = ok(scan(&t, &alice, id, "text/csv", "tag,note\nA-3,shelf 2\nZZ-9,no label\n").await).await;
    assert_eq!(tags(&r, "found"), ["A-1", "A-3"]);
    assert_eq!(tags(&r, "missing"), ["A-2"]);
    assert_eq!(tags(&r, "unexpected"), ["B-1"]);
    assert_eq!(r["unexpected"][0]["recorded_at"].as_str(), Some(lab.as_str()), "proposes a move from the lab");
    assert_eq!(tags(&r, "unknown"), ["ZZ-9"]);

    // Choices that do not fit the result are refused, and nothing is applied.
    let bad = t.post(&alice, &format!("/api/v1/stocktakes/{id}/close"), json!({"move": ["A-2"]})).await;
    assert_eq!(
        (bad.status(), body(bad).await["field"].as_str().map(str::to_string)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("move".into()))
    );
    let r = ok(t.post(&alice, &format!("/api/v1/stocktakes/{id}/close"), json!({"move": ["B-1"], "lost": ["A-2"]})).await).await;
    assert_eq!(r["state"], "closed");
    let b1 = ok(t.get(&alice, "/api/v1/assets/B-1").await).await;
    assert_eq!(b1["location"].as_str(), Some(store.as_str()));
    assert_eq!(ok(t.get(&alice, "/api/v1/assets/A-2").await).await["state"], "lost");
    let history = ok(t.get(&alice, "/api/v1/assets/B-1/history").await).await;
    assert!(history.as_array().unwrap().iter().any(|e| e["field"] == "location" && e["new"] == store.as_str()), "{history}");

    let r = scan(&t, &alice, id, "text/plain", "A-2\n").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "closed");
    let r = ok(t.post(&alice, "/api/v1/stocktakes", json!({"location": lab})).await).await;
    assert!(tags(&r, "missing").is_empty(), "the lab no longer expects B-1");
    let r = t.post(&alice, "/api/v1/stocktakes", json!({"location": "CI-999999"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ok(t.get(&alice, "/api/v1/stocktakes").await).await.as_array().unwrap().len(), 2);
}

on_both_databases!(a_stocktake_finds_misses_and_moves,);
