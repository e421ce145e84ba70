//! Bulk edit: one change for tickets chosen in the queue, each changed on its own, the
//! refusals named per ticket; the page asks once before changing anything. On SQLite
//! and PostgreSQL.

use crate::common::{TestApp, body, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn bulk(t: &TestApp, token: &str, req: Value) -> (StatusCode, Value) {
    let r = t.post(token, "/api/v1/tickets/bulk", req).await;
    (r.status(), body(r).await)
}

async fn the_api_changes_each_ticket_and_names_each_refusal(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    t.user("default", "bob", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    assert_eq!(t.post(&admin, "/api/v1/groups", json!({"name": "Network"})).await.status(), StatusCode::CREATED);
    assert_eq!(t.post(&admin, "/api/v1/groups/Network/members", json!({"username": "alice"})).await.status(), StatusCode::NO_CONTENT);
    let mut n = Vec::new();
    for title in ["Switch down", "Wi-Fi slow", "VPN drops"] {
        n.push(t.create(&kim, title).await["number"].as_str().unwrap().to_string());
    }

    let (status, b) =
        bulk(&t, &alice, json!({"numbers": [n[0], n[1], "INC9999999", n[0]], "assignee": "alice", "add_tag": "outage"})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!((b["changed"].as_i64(), b["refused"].as_i64()), (Some(2), Some(1)), "each ticket once: {b}");
    assert_eq!(b["results"][2]["number"], "INC9999999");
    assert_eq!(b["results"][2]["error"]["error"], "not_found", "{b}");
    for number in &n[..2] {
        let v = body(t.get(&alice, &format!("/api/v1/tickets/{number}")).await).await;
        assert_eq!((v["assignee"].as_str(), v["tags"].clone()), (Some("alice"), json!(["outage"])), "{v}");
    }
    let untouched = body(t.get(&alice, &format!("/api/v1/tickets/{}", n[2])).await).await;
    assert_eq!(untouched["assignee"], Value::Null);
    let history = body(t.get(&alice, &format!("/api/v1/tickets/{}/history", n[0])).await).await;
    assert!(history.to_string().contains("assignee"), "each change is journaled: {history}");

    // The tag is kept once; a ticket that refuses the change keeps everything it had.
    let (_, b) = bulk(&t, &alice, json!({"numbers": [n[0], n[2]], "group": "Network", "assignee": "bob", "add_tag": "outage"})).await;
    assert_eq!(b["changed"], 0, "bob is not in Network: {b}");
    for r in b["results"].as_array().unwrap() {
        assert_eq!(r["error"]["field"], "assignee", "{r}");
        assert!(r["error"]["message"].as_str().unwrap().contains("not a member"), "{r}");
    }
    let kept = body(t.get(&alice, &format!("/api/v1/tickets/{}", n[0])).await).await;
    assert_eq!((kept["group"].clone(), kept["tags"].clone()), (Value::Null, json!(["outage"])));

    // Resolving needs a code: told per ticket, then done with one.
    let (_, b) = bulk(&t, &alice, json!({"numbers": [n[1]], "status": "resolved"})).await;
    assert_eq!(b["results"][0]["error"]["field"], "resolution_code", "{b}");
    let (_, b) =
        bulk(&t, &alice, json!({"numbers": [n[1], n[2]], "status": "resolved", "resolution_code": "solved", "impact": 1, "urgency": 1}))
            .await;
    assert_eq!(b["changed"], 2, "{b}");
    assert_eq!((b["results"][1]["ticket"]["status"].as_str(), b["results"][1]["ticket"]["priority"].as_i64()), (Some("resolved"), Some(1)));

    // The request as a whole: someone to change, something to change, a page at most.
    for (req, field) in [
        (json!({"numbers": [], "assignee": "alice"}), "numbers"),
        (json!({"numbers": [n[0]]}), "change"),
        (json!({"numbers": (0..101).map(|i| format!("INC{i:07}")).collect::<Vec<_>>(), "assignee": "alice"}), "numbers"),
        (json!({"numbers": [n[0]], "impact": 7}), "impact"),
    ] {
        let (status, b) = bulk(&t, &alice, req).await;
        let refused_whole = status == StatusCode::UNPROCESSABLE_ENTITY && b["field"] == field;
        let refused_each = status == StatusCode::OK && b["results"][0]["error"]["field"] == field;
        assert!(refused_whole || refused_each, "{field}: {status} {b}");
    }
    let (status, _) = bulk(&t, &kim, json!({"numbers": [n[0]], "assignee": "alice"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "requesters change no tickets");
}

async fn the_queue_asks_once_then_tells_each_outcome(url: String) {
    let t = TestApp::spawn(url).await;
    let (agent, csrf) = signed_in(&t, "alice", "agent").await;
    let token = t.app.create_token("default", "alice", "test").await.unwrap();
    let a = t.create(&token, "Printer jam").await["number"].as_str().unwrap().to_string();
    let b = t.create(&token, "Toner low").await["number"].as_str().unwrap().to_string();

    let (_, queue) = agent.get("/tickets").await;
    assert!(queue.contains(&format!(r#"<input type="checkbox" name="n" value="{a}" aria-label="Choose {a}">"#)), "{queue}");
    assert!(queue.contains(r#"action="/tickets/bulk""#) && queue.contains(r#"<option value="alice">alice</option>"#));

    let form = [("csrf", csrf.as_str()), ("n", &a), ("n", &b), ("assignee", "alice"), ("add_tag", "printers"), ("back", "status=open")];
    let r = agent.post("/tickets/bulk", &form).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Change 2 tickets?") && page.contains("Set the assignee to alice") && page.contains("Add the tag printers"),
        "{page}"
    );
    assert!(page.contains(r#"<input type="hidden" name="n" value=""#) && page.contains(r#"href="/tickets?status=open">Cancel"#), "{page}");
    let still = body(t.get(&token, &format!("/api/v1/tickets/{a}")).await).await;
    assert_eq!(still["assignee"], Value::Null, "nothing changes before the confirmation");

    let mut confirmed = form.to_vec();
    confirmed.push(("confirmed", "1"));
    confirmed.push(("n", "INC9999999"));
    let r = agent.post("/tickets/bulk", &confirmed).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("Changed 2 of 3 tickets") && page.contains("1 ticket was not changed"), "{page}");
    assert!(page.contains("✓ Changed</span>: New · P") && page.contains("assigned to alice") && page.contains("tags printers"), "{page}");
    assert!(page.contains("✗ Not changed</span>: ") && page.contains("INC9999999"), "{page}");
    let now = body(t.get(&token, &format!("/api/v1/tickets/{b}")).await).await;
    assert_eq!((now["assignee"].as_str(), now["tags"].clone()), (Some("alice"), json!(["printers"])));

    // Nothing chosen, or nothing to change: said before any confirmation.
    let r = agent.post("/tickets/bulk", &[("csrf", &csrf), ("assignee", "alice")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("choose at least one ticket"));
    let r = agent.post("/tickets/bulk", &[("csrf", &csrf), ("n", &a)]).await;
    assert!(r.text().await.unwrap().contains("choose at least one thing to change"));
    let r = agent.post("/tickets/bulk", &[("csrf", "forged"), ("n", &a), ("assignee", "alice")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

on_both_databases!(the_api_changes_each_ticket_and_names_each_refusal, the_queue_asks_once_then_tells_each_outcome);
