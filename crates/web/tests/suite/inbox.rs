//! The notification centre: news reaches a person's inbox, the bell's count follows it,
//! one or all are marked read (through the page and the API), and no one marks
//! another's. On SQLite and PostgreSQL.

use crate::common::{Browser, TestApp, body, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

/// The bell's count, as the page's script asks for it (with the session).
async fn unread(b: &Browser) -> serde_json::Value {
    let (status, text) = b.get("/api/v1/notifications/unread").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["unread"].clone()
}

async fn news_reaches_the_inbox_and_is_marked_read(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let (kim, csrf) = signed_in(&t, "kim", "requester").await;
    let kim_token = t.app.create_token("default", "kim", "test").await.unwrap();
    let n = t.create(&kim_token, "Printer offline").await["number"].as_str().unwrap().to_string();
    assert_eq!(unread(&kim).await, 0);
    let (_, page) = kim.get("/tickets").await;
    assert!(page.contains(r#"id="bell" href="/notifications""#), "every page has the bell");

    for reply in ["Which printer?", "Is it on?"] {
        let r = t.post(&alice, &format!("/api/v1/tickets/{n}/comments"), json!({"body": reply, "visibility": "public"})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    t.app.drain_jobs("t").await.unwrap();
    assert_eq!(unread(&kim).await, 2, "the bell counts what is unread");
    let (_, page) = kim.get("/notifications").await;
    assert!(page.contains("2 unread.") && page.matches(r#"<li class="unread">"#).count() == 2, "{page}");
    assert!(page.contains(&format!(r#"<a href="/tickets/{n}">{n} has a new reply</a>"#)), "{page}");

    let list = body(t.get(&kim_token, "/api/v1/notifications").await).await;
    let first = list[0]["id"].as_i64().unwrap().to_string();
    let r = kim.post("/notifications/read", &[("csrf", &csrf), ("id", &first)]).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/notifications".to_string()));
    assert_eq!(unread(&kim).await, 1);
    let list = body(t.get(&kim_token, "/api/v1/notifications").await).await;
    assert_eq!((list[0]["read"].as_bool(), list[1]["read"].as_bool()), (Some(true), Some(false)));

    // No one marks another's; all of one's own at once.
    let r = t.post(&alice, "/api/v1/notifications/read", json!({"id": list[1]["id"]})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(unread(&kim).await, 1, "alice's attempt changed nothing");
    let r = t.post(&kim_token, "/api/v1/notifications/read", json!({})).await;
    assert_eq!(body(r).await, json!({"marked": 1}));
    let (_, page) = kim.get("/notifications").await;
    assert!(page.contains("Nothing unread.") && !page.contains("Mark all read"), "{page}");
    assert_eq!(body(t.post(&kim_token, "/api/v1/notifications/read", json!({})).await).await, json!({"marked": 0}));
}

on_both_databases!(news_reaches_the_inbox_and_is_marked_read);
