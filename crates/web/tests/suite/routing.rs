//! Routing rules and automatic assignment through the API, on SQLite and PostgreSQL.

use crate::common::{TestApp, body};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn put(t: &TestApp, token: &str, path: &str, b: Value) -> reqwest::Response {
    t.http.put(t.url(path)).bearer_auth(token).json(&b).send().await.unwrap()
}

async fn patch_group(t: &TestApp, token: &str, group: &str, mode: &str) -> StatusCode {
    let r =
        t.http.patch(t.url(&format!("/api/v1/groups/{group}"))).bearer_auth(token).json(&json!({"assignment": mode})).send().await.unwrap();
    r.status()
}

/// A tenant with groups Network (alice) and Desk (alice, bob, carol), categories
/// Network and Network/VPN. Returns the admin token.
async fn setup(t: &TestApp) -> String {
    let admin = t.user("default", "ada", "admin").await;
    for u in ["alice", "bob", "carol"] {
        t.user("default", u, "agent").await;
    }
    for g in ["Network", "Desk"] {
        assert_eq!(t.post(&admin, "/api/v1/groups", json!({"name": g})).await.status(), StatusCode::CREATED);
    }
    for (g, u) in [("Network", "alice"), ("Desk", "alice"), ("Desk", "bob"), ("Desk", "carol")] {
        let r = t.post(&admin, &format!("/api/v1/groups/{g}/members"), json!({"username": u})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    for c in ["Network", "Network/VPN"] {
        assert_eq!(t.post(&admin, "/api/v1/categories", json!({"name": c})).await.status(), StatusCode::CREATED);
    }
    admin
}

async fn history_has(t: &TestApp, token: &str, number: &str, action: &str, field: &str, new: &str) -> bool {
    let h = body(t.get(token, &format!("/api/v1/tickets/{number}/history")).await).await;
    h.as_array().unwrap().iter().any(|e| e["action"] == action && e["field"] == field && e["new"] == new)
}

async fn a_rule_routes_a_ticket_and_history_explains_it(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = setup(&t).await;
    let rule = json!({
        "name": "VPN to Network",
        "when": {"category": "Network", "keywords": ["vpn", "remote access"]},
        "then": {"group": "Network", "priority": 2, "tags": ["vpn"]}
    });
    let r = t.post(&admin, "/api/v1/routing-rules", rule).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let catch_all = json!({"name": "Everything else", "then": {"group": "Desk"}});
    assert_eq!(t.post(&admin, "/api/v1/routing-rules", catch_all).await.status(), StatusCode::CREATED);

    // A subcategory of Network, a keyword in the description.
    let r = t
        .post(&admin, "/api/v1/tickets", json!({"title": "Cannot connect", "description": "The VPN drops.", "category": "Network/VPN"}))
        .await;
    let tk = body(r).await;
    assert_eq!(tk["group"], "Network");
    assert_eq!(tk["priority"], 2, "the rule's priority beats the matrix (3)");
    assert_eq!(tk["tags"], json!(["vpn"]));
    let n = tk["number"].as_str().unwrap();
    assert!(history_has(&t, &admin, n, "routed", "rule", "VPN to Network").await, "history names the rule");
    assert!(history_has(&t, &admin, n, "routed", "group", "Network").await);

    // No keyword: the catch-all below fires.
    let tk = body(t.post(&admin, "/api/v1/tickets", json!({"title": "Slow network", "category": "Network"})).await).await;
    assert_eq!(tk["group"], "Desk");
    // An explicit group is never overridden.
    let tk = body(t.post(&admin, "/api/v1/tickets", json!({"title": "VPN", "category": "Network", "group": "Desk"})).await).await;
    assert_eq!(tk["group"], "Desk");
    assert_eq!(tk["tags"], json!(["vpn"]), "but priority and tags still apply");

    // On update: a ticket whose facts change is routed when it has no group yet.
    let rules = body(t.get(&admin, "/api/v1/routing-rules").await).await;
    let catch_all_id = rules[1]["id"].as_i64().unwrap();
    let r = t.http.delete(t.url(&format!("/api/v1/routing-rules/{catch_all_id}"))).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let tk = body(t.post(&admin, "/api/v1/tickets", json!({"title": "Remote access broken"})).await).await;
    assert_eq!(tk["group"], Value::Null);
    let r = t
        .patch(&admin, &format!("/api/v1/tickets/{}", tk["number"].as_str().unwrap()), tk["etag"].as_str(), json!({"category": "Network"}))
        .await;
    assert_eq!(body(r).await["group"], "Network");

    // The admin can try the rules on a sample without creating anything.
    let r = t.post(&admin, "/api/v1/routing-rules/test", json!({"title": "remote access", "category": "Network/VPN"})).await;
    let out = body(r).await;
    assert_eq!(out["rule"], "VPN to Network");
    assert_eq!(out["group"], "Network");
    let r = t.post(&admin, "/api/v1/routing-rules/test", json!({"title": "printer"})).await;
    assert_eq!(body(r).await["rule"], Value::Null);
}

async fn bad_rules_are_refused_and_nothing_is_stored(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = setup(&t).await;
    let cases = [
        (json!({"name": "x", "then": {"group": "Nope"}}), StatusCode::UNPROCESSABLE_ENTITY, "then.group"),
        (json!({"name": "x", "when": {"priorities": [9]}, "then": {"group": "Desk"}}), StatusCode::UNPROCESSABLE_ENTITY, "when.priorities"),
        (
            json!({"name": "x", "when": {"category": "Hardware"}, "then": {"group": "Desk"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "when.category",
        ),
        (json!({"name": "x", "then": {"group": "Network", "assignee": "bob"}}), StatusCode::UNPROCESSABLE_ENTITY, "then.assignee"),
        (json!({"name": "x", "when": {}, "then": {}}), StatusCode::UNPROCESSABLE_ENTITY, "then"),
        (json!({"name": "x", "when": {"colour": "red"}, "then": {"group": "Desk"}}), StatusCode::BAD_REQUEST, "when.colour"),
    ];
    for (rule, status, field) in cases {
        let r = t.post(&admin, "/api/v1/routing-rules", rule.clone()).await;
        assert_eq!(r.status(), status, "{rule}");
        assert_eq!(body(r).await["field"], field, "{rule}");
    }
    assert_eq!(body(t.get(&admin, "/api/v1/routing-rules").await).await, json!([]));
    let agent = t.user("default", "dan", "agent").await;
    let r = t.post(&agent, "/api/v1/routing-rules", json!({"name": "x", "then": {"group": "Desk"}})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = put(&t, &admin, "/api/v1/routing-rules/999", json!({"name": "x", "then": {"group": "Desk"}})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(patch_group(&t, &admin, "Desk", "lottery").await, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn groups_assign_round_robin_and_least_loaded(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = setup(&t).await;
    assert_eq!(patch_group(&t, &admin, "Desk", "round_robin").await, StatusCode::OK);
    let mut got = Vec::new();
    for i in 0..6 {
        let tk = body(t.post(&admin, "/api/v1/tickets", json!({"title": format!("rr {i}"), "group": "Desk"})).await).await;
        got.push(tk["assignee"].as_str().unwrap().to_string());
    }
    assert_eq!(got, ["alice", "bob", "carol", "alice", "bob", "carol"]);
    assert!(history_has(&t, &admin, "INC0000001", "auto_assigned", "assignee", "alice").await);

    // Least loaded: carol finishes her two tickets, so she has the fewest open ones.
    for n in ["INC0000003", "INC0000006"] {
        let tk = body(t.get(&admin, &format!("/api/v1/tickets/{n}")).await).await;
        let r = t
            .patch(&admin, &format!("/api/v1/tickets/{n}"), tk["etag"].as_str(), json!({"status": "resolved", "resolution_code": "solved"}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    assert_eq!(patch_group(&t, &admin, "Desk", "least_loaded").await, StatusCode::OK);
    let tk = body(t.post(&admin, "/api/v1/tickets", json!({"title": "ll 1", "group": "Desk"})).await).await;
    assert_eq!(tk["assignee"], "carol");
    let tk = body(t.post(&admin, "/api/v1/tickets", json!({"title": "ll 2", "group": "Desk"})).await).await;
    assert_eq!(tk["assignee"], "carol", "still the fewest (1 against 2 each)");
    let tk = body(t.post(&admin, "/api/v1/tickets", json!({"title": "ll 3", "group": "Desk"})).await).await;
    assert_eq!(tk["assignee"], "alice", "a tie goes to the earliest member");

    // Moving an unassigned ticket into the group assigns it too.
    let tk = body(t.post(&admin, "/api/v1/tickets", json!({"title": "moved"})).await).await;
    let r = t
        .patch(&admin, &format!("/api/v1/tickets/{}", tk["number"].as_str().unwrap()), tk["etag"].as_str(), json!({"group": "Desk"}))
        .await;
    assert!(body(r).await["assignee"].is_string());
    // With assignment off, the ticket waits in the queue.
    assert_eq!(patch_group(&t, &admin, "Desk", "none").await, StatusCode::OK);
    let tk = body(t.post(&admin, "/api/v1/tickets", json!({"title": "waits", "group": "Desk"})).await).await;
    assert_eq!(tk["assignee"], Value::Null);
}

on_both_databases!(
    a_rule_routes_a_ticket_and_history_explains_it,
    bad_rules_are_refused_and_nothing_is_stored,
    groups_assign_round_robin_and_least_loaded,
);
