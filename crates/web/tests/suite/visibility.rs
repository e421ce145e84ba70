//! What requesters see of the desk's work: the public side of a ticket's history (API,
//! page, notifications, live updates), and of linked tickets only those they could open
//! themselves. On SQLite and PostgreSQL.

use std::time::Duration;

use crate::common::{TestApp, body, signed_in};
use cairn_app::platform::admin::Admin;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

const REASON: &str = "Switch port 14 flaps since the firmware update";
const ROOT_CAUSE: &str = "Firmware 9.2 resets the port on load";

async fn history(t: &TestApp, token: &str, n: &str) -> Vec<Value> {
    let r = t.get(token, &format!("/api/v1/tickets/{n}/history")).await;
    assert_eq!(r.status(), StatusCode::OK);
    body(r).await.as_array().unwrap().clone()
}

fn actions(h: &[Value]) -> Vec<String> {
    h.iter().map(|e| format!("{}:{}", e["action"].as_str().unwrap(), e["field"].as_str().unwrap_or(""))).collect()
}

async fn ok(r: reqwest::Response) {
    assert!(r.status().is_success(), "{} {}", r.status(), r.text().await.unwrap());
}

/// Kim's ticket, worked by alice: a reply with time logged, a watcher, an escalation
/// with its reason, a major incident with a review and an outage, an internal note.
async fn worked_ticket(t: &TestApp, alice: &str, kim: &str) -> String {
    let tenant = t.app.tenant_by_slug("default").await.unwrap().id;
    t.app.create_group(&Admin::Operator(tenant), "Network").await.unwrap();
    t.user("default", "bob", "agent").await;
    t.user("default", "mia", "agent").await;
    let n = t.create(kim, "The wired network drops every few minutes").await["number"].as_str().unwrap().to_string();
    let path = |p: &str| format!("/api/v1/tickets/{n}{p}");
    let cur = body(t.get(alice, &path("")).await).await;
    ok(t.patch(alice, &path(""), cur["etag"].as_str(), json!({"status": "in_progress"})).await).await;
    ok(t.post(alice, &path("/comments"), json!({"body": "Looking at the switch now", "time_spent_minutes": 15})).await).await;
    ok(t.post(alice, &path("/watchers"), json!({"username": "bob"})).await).await;
    ok(t.post(alice, &path("/escalate"), json!({"to": "group", "group": "Network", "reason": REASON})).await).await;
    ok(t.post(alice, &path("/major"), json!({"manager": "mia"})).await).await;
    let review = json!({"summary": "Office network down", "root_cause": ROOT_CAUSE, "actions": "Pin the firmware"});
    ok(t.http.put(t.url(&path("/review"))).bearer_auth(alice).json(&review).send().await.unwrap()).await;
    ok(t.post(alice, &path("/outages"), json!({"service": "Network", "started_at": "2026-06-10T09:00:00Z"})).await).await;
    ok(t.post(alice, &path("/comments"), json!({"body": "Vendor case 4411 opened", "visibility": "internal"})).await).await;
    n
}

async fn requesters_read_only_the_public_side_of_a_history(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let (kim_page, _) = signed_in(&t, "kim", "requester").await;
    let kim = t.app.create_token("default", "kim", "test").await.unwrap();
    let n = worked_ticket(&t, &alice, &kim).await;

    let internal = [
        "escalated:reason",
        "escalated:group",
        "review_updated:root_cause",
        "time_logged:minutes",
        "watcher_added:watcher",
        "major_declared:manager",
        "outage_recorded:",
        "commented:note",
        "updated:priority",
        "updated:group",
    ];
    let staff = actions(&history(&t, &alice, &n).await);
    for a in internal {
        assert!(staff.iter().any(|s| s.starts_with(a)), "the agent reads {a}: {staff:?}");
    }

    let theirs = history(&t, &kim, &n).await;
    let seen = actions(&theirs);
    for a in internal {
        assert!(!seen.iter().any(|s| s.starts_with(a)), "the requester does not read {a}: {seen:?}");
    }
    for a in ["created:", "updated:status", "commented:reply"] {
        assert!(seen.iter().any(|s| s == a), "the requester reads {a}: {seen:?}");
    }
    let text = Value::Array(theirs).to_string();
    assert!(!text.contains(REASON) && !text.contains(ROOT_CAUSE) && !text.contains("Network"), "{text}");

    // Nor do the sections those events come from: watchers, service-level clocks.
    let watching = body(t.get(&kim, &format!("/api/v1/tickets/{n}/watchers")).await).await;
    assert_eq!(watching, json!([]), "the requester learns only whether they watch");
    assert_eq!(body(t.get(&alice, &format!("/api/v1/tickets/{n}/watchers")).await).await, json!(["bob", "mia"]));
    assert_eq!(t.get(&kim, &format!("/api/v1/tickets/{n}/slas")).await.status(), StatusCode::FORBIDDEN);

    // The ticket page says the same: the agent's names the reason, the requester's does not.
    let (_, page) = kim_page.get(&format!("/tickets/{n}")).await;
    assert!(page.contains("Looking at the switch now"), "the public reply is there");
    for secret in [REASON, ROOT_CAUSE, "Vendor case 4411", "added watcher", "logged time", "major incident"] {
        assert!(!page.contains(secret), "the requester's page shows {secret:?}");
    }
    let (alice_page, _) = signed_in(&t, "ada", "agent").await;
    let (_, page) = alice_page.get(&format!("/tickets/{n}")).await;
    assert!(page.contains(REASON), "the agent's page names the escalation reason");
}

async fn links_name_only_tickets_the_reader_may_open(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let (kim_page, _) = signed_in(&t, "kim", "requester").await;
    let kim = t.app.create_token("default", "kim", "test").await.unwrap();
    let lee = t.user("default", "lee", "requester").await;
    let mine = t.create(&kim, "Printer on floor 2 jams").await["number"].as_str().unwrap().to_string();
    let also_mine = t.create(&kim, "Printer on floor 3 jams too").await["number"].as_str().unwrap().to_string();
    let theirs = t.create(&lee, "Salary slip for Lee Park is wrong").await["number"].as_str().unwrap().to_string();
    for (from, to, kind) in [(&mine, &theirs, "related"), (&theirs, &mine, "parent_of"), (&mine, &also_mine, "related")] {
        ok(t.post(&alice, &format!("/api/v1/tickets/{from}/links"), json!({"target": to, "kind": kind})).await).await;
    }
    assert_eq!(t.get(&kim, &format!("/api/v1/tickets/{theirs}")).await.status(), StatusCode::NOT_FOUND);

    let links = |token: String| {
        let t = &t;
        let mine = mine.clone();
        async move {
            let r = t.get(&token, &format!("/api/v1/tickets/{mine}/links")).await;
            assert_eq!(r.status(), StatusCode::OK);
            body(r).await.as_array().unwrap().iter().map(|l| l["number"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    let staff = links(alice.clone()).await;
    assert_eq!(staff.iter().filter(|n| **n == theirs).count(), 2, "the agent reads both links: {staff:?}");
    assert_eq!(links(kim.clone()).await, vec![also_mine.clone()], "the requester reads only their own ticket");

    let (_, page) = kim_page.get(&format!("/tickets/{mine}")).await;
    assert!(page.contains("Printer on floor 3 jams too"), "their own linked ticket is listed");
    assert!(!page.contains("Salary slip") && !page.contains(&theirs), "someone else's is not");
}

async fn watchers_hear_only_what_they_may_read(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let lee = t.user("default", "lee", "requester").await;
    let theirs = t.create(&lee, "Salary slip is wrong").await["number"].as_str().unwrap().to_string();
    // A watcher hears of the ticket: one who could not open it cannot watch it.
    let r = t.post(&alice, &format!("/api/v1/tickets/{theirs}/watchers"), json!({"username": "kim"})).await;
    assert_eq!((r.status(), body(r).await["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("username")));

    let mine = t.create(&kim, "Monitor flickers").await["number"].as_str().unwrap().to_string();
    ok(t.post(&kim, &format!("/api/v1/tickets/{mine}/watchers"), json!({"username": "kim"})).await).await;
    ok(t.post(&alice, &format!("/api/v1/tickets/{mine}/watchers"), json!({"username": "alice"})).await).await;
    ok(t.post(&alice, &format!("/api/v1/tickets/{mine}/comments"), json!({"body": "Cable is loose", "visibility": "internal"})).await)
        .await;
    t.app.drain_jobs("test").await.unwrap();
    let news = body(t.get(&kim, "/api/v1/notifications").await).await;
    assert!(news.as_array().unwrap().iter().all(|m| !m["message"].as_str().unwrap().contains("note")), "{news}");
    ok(t.post(&alice, &format!("/api/v1/tickets/{mine}/comments"), json!({"body": "Swapped the cable"})).await).await;
    t.app.drain_jobs("test").await.unwrap();
    let news = body(t.get(&kim, "/api/v1/notifications").await).await;
    assert!(news.as_array().unwrap().iter().any(|m| m["message"].as_str().unwrap().contains("new reply")), "{news}");
}

on_both_databases!(
    requesters_read_only_the_public_side_of_a_history,
    links_name_only_tickets_the_reader_may_open,
    watchers_hear_only_what_they_may_read
);

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

fn events_of(page: &str) -> String {
    let start = page.find("data-events=\"").expect("a live notice") + "data-events=\"".len();
    page[start..].split('"').next().unwrap().replace("&amp;", "&")
}

async fn a_requesters_open_page_hears_no_internal_note(url: String) {
    let t = TestApp::spawn(url).await;
    let (ada, _) = signed_in(&t, "ada", "agent").await;
    let (kim, _) = signed_in(&t, "kim", "requester").await;
    let alice = t.user("default", "alice", "agent").await;
    let kim_token = t.app.create_token("default", "kim", "test").await.unwrap();
    let n = t.create(&kim_token, "Laptop fan is loud").await["number"].as_str().unwrap().to_string();

    let (_, page) = kim.get(&format!("/tickets/{n}")).await;
    let mut requester = kim.open(&events_of(&page)).await;
    let (_, page) = ada.get(&format!("/tickets/{n}")).await;
    let mut agent = ada.open(&events_of(&page)).await;

    ok(t.post(&alice, &format!("/api/v1/tickets/{n}/comments"), json!({"body": "Fan bearing worn", "visibility": "internal"})).await).await;
    let note = next_event(&mut agent, Duration::from_secs(10)).await.expect("the agent's page hears of the note");
    let note_at = note["updated_at"].as_i64().unwrap();

    ok(t.post(&alice, &format!("/api/v1/tickets/{n}/comments"), json!({"body": "A new fan is ordered"})).await).await;
    let heard = next_event(&mut requester, Duration::from_secs(10)).await.expect("the requester's page hears of the reply");
    assert!(heard["updated_at"].as_i64().unwrap() > note_at, "the first news the requester hears is the reply, not the note: {heard}");

    // A page that connects late catches up on public news only.
    let cur = body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await;
    let at = updated_ms(&cur);
    ok(t.post(&alice, &format!("/api/v1/tickets/{n}/comments"), json!({"body": "Ordered it twice", "visibility": "internal"})).await).await;
    let mut late = kim.open(&format!("/tickets/{n}/events?v=1&at={at}")).await;
    let mut late_agent = ada.open(&format!("/tickets/{n}/events?v=1&at={at}")).await;
    assert!(next_event(&mut late_agent, Duration::from_secs(5)).await.is_some(), "the agent catches up on the note");
    ok(t.post(&alice, &format!("/api/v1/tickets/{n}/comments"), json!({"body": "It arrives Monday"})).await).await;
    let caught = next_event(&mut late, Duration::from_secs(10)).await.expect("the reply reaches the late page");
    let reply_at = body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await;
    assert_eq!(caught["updated_at"].as_i64(), Some(updated_ms(&reply_at)), "its first news is the reply: {caught}");
}

/// A ticket's `updated_at` in ms, as the live feed reports it.
fn updated_ms(ticket: &Value) -> i64 {
    ticket["updated_at"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

on_both_databases!(a_requesters_open_page_hears_no_internal_note);
