//! Live updates: an open ticket page and an open queue hear, as server-sent events,
//! when someone else changes a ticket; a page that connects late catches up; nobody
//! hears of tickets they may not see. On SQLite and PostgreSQL.

use std::time::Duration;

use crate::common::{TestApp, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The next `changed` event of a stream, or None when none comes within `wait`.
async fn next_event(r: &mut reqwest::Response, wait: Duration) -> Option<Value> {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(block) = text.split("\n\n").find(|b| b.contains("event: changed")) {
            let data = block.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
            return Some(serde_json::from_str(data).unwrap());
        }
        let chunk = tokio::time::timeout_at(deadline, r.chunk()).await.ok()?.unwrap()?;
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

/// The page's event address, from its notice.
fn events_of(page: &str) -> String {
    let start = page.find("data-events=\"").expect("a live notice") + "data-events=\"".len();
    page[start..].split('"').next().unwrap().replace("&amp;", "&")
}

async fn open_pages_hear_when_someone_else_changes_a_ticket(url: String) {
    let t = TestApp::spawn(url).await;
    let (alice, _) = signed_in(&t, "alice", "agent").await;
    let (kim, _) = signed_in(&t, "kim", "requester").await;
    let bob = t.user("default", "bob", "agent").await;
    let ticket = t.create(&bob, "Projector in Atlas shows no signal").await;
    let n = ticket["number"].as_str().unwrap().to_string();

    let (_, page) = alice.get(&format!("/tickets/{n}")).await;
    let mut on_ticket = alice.open(&events_of(&page)).await;
    assert_eq!(on_ticket.status(), StatusCode::OK);
    assert_eq!(on_ticket.headers()["content-type"], "text/event-stream");
    let (_, queue) = alice.get("/tickets").await;
    let mut on_queue = alice.open(&events_of(&queue)).await;
    assert_eq!(on_queue.status(), StatusCode::OK);
    assert_eq!(next_event(&mut on_ticket, Duration::from_millis(1500)).await, None, "nothing changed yet");

    let r = t.patch(&bob, &format!("/api/v1/tickets/{n}"), ticket["etag"].as_str(), json!({"title": "Atlas: no HDMI signal"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let changed = next_event(&mut on_ticket, Duration::from_secs(10)).await.expect("the ticket page hears of it");
    assert_eq!(changed["version"], 2);
    let changed = next_event(&mut on_queue, Duration::from_secs(10)).await.expect("the queue hears of it");
    assert_eq!(changed["numbers"], json!([n]));

    // A reply changes no field but is news to the open page too.
    let (_, page) = alice.get(&format!("/tickets/{n}")).await;
    let mut on_ticket = alice.open(&events_of(&page)).await;
    let r = t.post(&bob, &format!("/api/v1/tickets/{n}/comments"), json!({"body": "On my way", "visibility": "public"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(next_event(&mut on_ticket, Duration::from_secs(10)).await.is_some(), "a reply is news");

    // A page that connects after the change hears of it at once.
    let mut late = alice.open(&format!("/tickets/{n}/events?v=1&at=0")).await;
    let changed = next_event(&mut late, Duration::from_secs(2)).await.expect("caught up");
    assert_eq!(changed["version"], 2);
    let mut late = alice.open("/queue/events?since=0").await;
    assert_eq!(next_event(&mut late, Duration::from_secs(2)).await.unwrap()["numbers"], json!([n]));

    // Requesters follow only their own tickets, and not the queue.
    assert_eq!(kim.open(&format!("/tickets/{n}/events?v=1&at=0")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(kim.open("/queue/events?since=0").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(alice.open(&format!("/tickets/{n}/events?v=x&at=0")).await.status(), StatusCode::BAD_REQUEST);
}

on_both_databases!(open_pages_hear_when_someone_else_changes_a_ticket);
