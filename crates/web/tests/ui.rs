#![allow(clippy::unwrap_used)]
//! The server-rendered UI over plain HTTP (no browser): sign-in throttling, CSRF
//! protection of form posts, and the stale-edit notice. On SQLite and PostgreSQL.

mod common;

use cairn_store::on_both_databases;
use common::{Browser, TestApp, hidden};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::json;

async fn sign_in_is_throttled_after_repeated_failures(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some("correct-horse")).await;
    let mut b = Browser::new(&t);
    for _ in 0..5 {
        assert_eq!(b.login("alice", "wrong").await.status(), StatusCode::UNAUTHORIZED);
    }
    let r = b.login("alice", "correct-horse").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    assert!(r.text().await.unwrap().contains("too many failed sign-ins"), "the page says why");
    assert!(b.cookie.is_none(), "no session was issued");

    // Someone else from the same address is not locked out by alice's failures alone.
    t.user_with_password("default", "bob", "agent", Some("battery-staple")).await;
    let r = Browser::new(&t).login("bob", "battery-staple").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn form_posts_need_the_session_csrf_token(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some("correct-horse")).await;
    let mut b = Browser::new(&t);
    assert_eq!(b.login("alice", "correct-horse").await.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get("/tickets/new").await;
    let csrf = hidden(&page, "csrf");

    for forged in ["", "0000", &csrf[1..]] {
        let r = b.post("/tickets", &[("csrf", forged), ("title", "forged"), ("impact", "2"), ("urgency", "2")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "csrf {forged:?}");
    }
    let r = b.post("/tickets", &[("csrf", &csrf), ("title", "Printer jam"), ("impact", "2"), ("urgency", "2")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/tickets/INC0000001?created=1");
    let (_, queue) = b.get("/tickets").await;
    assert!(queue.contains("Printer jam"));
    assert!(!queue.contains("forged"), "no forged post was carried out");
}

async fn a_stale_edit_shows_a_notice_and_changes_nothing(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some("correct-horse")).await;
    let bob = t.user("default", "bob", "agent").await;
    let created = t.create(&bob, "Projector flickers").await;
    let mut b = Browser::new(&t);
    b.login("alice", "correct-horse").await;
    let (_, page) = b.get("/tickets/INC0000001").await;
    let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));

    // Bob changes the ticket while Alice has the form open.
    let r = t.patch(&bob, "/api/v1/tickets/INC0000001", created["etag"].as_str(), json!({"title": "Projector in room 4 flickers"})).await;
    assert_eq!(r.status(), StatusCode::OK);

    let form = [("csrf", csrf.as_str()), ("version", version.as_str()), ("title", "Alice's title"), ("status", "new")];
    let r = b.post("/tickets/INC0000001", &form).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("This ticket changed while you were editing it"), "notice shown");
    assert!(html.contains("Projector in room 4 flickers"), "the current values are shown");
    let now = common::body(t.get(&bob, "/api/v1/tickets/INC0000001").await).await;
    assert_eq!(now["title"], "Projector in room 4 flickers", "Bob's change was not overwritten");
}

on_both_databases!(
    sign_in_is_throttled_after_repeated_failures,
    form_posts_need_the_session_csrf_token,
    a_stale_edit_shows_a_notice_and_changes_nothing,
);
