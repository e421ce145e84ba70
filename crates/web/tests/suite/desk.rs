//! The agent's desk through the API: time spent per note and per ticket, functional
//! and hierarchical escalation, canned responses. On SQLite and PostgreSQL.

use crate::common::{TestApp, body};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn ticket(t: &TestApp, token: &str, n: &str) -> Value {
    body(t.get(token, &format!("/api/v1/tickets/{n}")).await).await
}

async fn note(t: &TestApp, token: &str, n: &str, b: Value) -> reqwest::Response {
    t.post(token, &format!("/api/v1/tickets/{n}/comments"), b).await
}

async fn notifications(t: &TestApp, token: &str) -> Vec<String> {
    t.app.drain_jobs("test").await.unwrap();
    let n = body(t.get(token, "/api/v1/notifications").await).await;
    n.as_array().unwrap().iter().map(|x| x["message"].as_str().unwrap().to_string()).collect()
}

/// Groups Desk (alice) and Network (bob, carol; round robin; manager mia); returns
/// the agents' tokens by name.
async fn setup(t: &TestApp) -> std::collections::HashMap<&'static str, String> {
    let mut tokens = std::collections::HashMap::new();
    let admin = t.user("default", "ada", "admin").await;
    for g in ["Desk", "Network"] {
        assert_eq!(t.post(&admin, "/api/v1/groups", json!({"name": g})).await.status(), StatusCode::CREATED);
    }
    for (g, u) in [("Desk", "alice"), ("Network", "bob"), ("Network", "carol")] {
        tokens.insert(u, t.user("default", u, "agent").await);
        let r = t.post(&admin, &format!("/api/v1/groups/{g}/members"), json!({"username": u})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    tokens.insert("mia", t.user("default", "mia", "agent").await);
    let r = t
        .http
        .patch(t.url("/api/v1/groups/Network"))
        .bearer_auth(&admin)
        .json(&json!({"assignment": "round_robin", "manager": "mia"}))
        .send()
        .await
        .unwrap();
    let g = body(r).await;
    assert_eq!((g["assignment"].as_str(), g["manager"].as_str()), (Some("round_robin"), Some("mia")), "{g}");
    tokens
}

async fn time_spent_is_logged_per_note_and_totalled(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let n = t.create(&kim, "Laptop fan is loud").await["number"].as_str().unwrap().to_string();
    let r = note(&t, &alice, &n, json!({"body": "Cleaned the fan", "visibility": "internal", "time_spent_minutes": 25})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(body(r).await["time_spent_minutes"], 25);
    note(&t, &alice, &n, json!({"body": "Replaced it", "time_spent_minutes": 40})).await;
    note(&t, &alice, &n, json!({"body": "Done?"})).await;
    assert_eq!(ticket(&t, &alice, &n).await["time_spent_minutes"], 65);

    // Bad input changes nothing; requesters do not log time.
    for bad in [-5, 721] {
        let r = note(&t, &alice, &n, json!({"body": "x", "time_spent_minutes": bad})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body(r).await["field"], "time_spent_minutes");
    }
    let r = note(&t, &kim, &n, json!({"body": "thanks", "time_spent_minutes": 5})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(ticket(&t, &alice, &n).await["time_spent_minutes"], 65);
    let comments = body(t.get(&alice, &format!("/api/v1/tickets/{n}/comments")).await).await;
    assert_eq!(comments.as_array().unwrap().len(), 3, "the refused notes were not written");
    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n}/history")).await).await;
    let logged: Vec<&str> =
        h.as_array().unwrap().iter().filter(|e| e["action"] == "time_logged").map(|e| e["new"].as_str().unwrap()).collect();
    assert_eq!(logged, ["25", "65"], "each logged time journaled with the running total");

    // A merge carries the logged time to the survivor.
    let dup = t.create(&kim, "Loud laptop fan").await["number"].as_str().unwrap().to_string();
    note(&t, &alice, &dup, json!({"body": "Looked at it", "visibility": "internal", "time_spent_minutes": 10})).await;
    let r = t.post(&alice, &format!("/api/v1/tickets/{dup}/merge"), json!({"into": n})).await;
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(ticket(&t, &alice, &n).await["time_spent_minutes"], 75);
    assert_eq!(ticket(&t, &alice, &dup).await["time_spent_minutes"], 0);
}

async fn escalation_reassigns_or_tells_the_manager(url: String) {
    let t = TestApp::spawn(url).await;
    let agents = setup(&t).await;
    let (alice, mia) = (agents["alice"].clone(), agents["mia"].clone());
    let kim = t.user("default", "kim", "requester").await;
    let n = t.create(&kim, "Site-to-site tunnel down").await["number"].as_str().unwrap().to_string();
    let cur = ticket(&t, &alice, &n).await;
    let r = t.patch(&alice, &format!("/api/v1/tickets/{n}"), cur["etag"].as_str(), json!({"group": "Desk", "assignee": "alice"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let before = ticket(&t, &alice, &n).await;

    // Bad input: named, nothing changed.
    let path = format!("/api/v1/tickets/{n}/escalate");
    let esc = |b: Value| t.post(&alice, &path, b);
    for (b, field) in [
        (json!({"to": "group", "group": "Network", "reason": " "}), "reason"),
        (json!({"to": "group", "group": "Nope", "reason": "x"}), "group"),
        (json!({"to": "group", "group": "Desk", "reason": "x"}), "group"),
        (json!({"to": "group", "reason": "x"}), "group"),
        (json!({"to": "boss", "reason": "x"}), "to"),
        (json!({"to": "manager", "reason": "x"}), "manager"),
    ] {
        let r = esc(b.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(body(r).await["field"], field, "{b}");
    }
    assert_eq!(
        t.post(&kim, &format!("/api/v1/tickets/{n}/escalate"), json!({"to": "manager", "reason": "x"})).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(ticket(&t, &alice, &n).await["etag"], before["etag"], "refused escalations change nothing");

    // Functional: to Network, whose round robin picks the assignee; reason journaled.
    let r = esc(json!({"to": "group", "group": "Network", "reason": "Needs firewall access"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let to = body(r).await["to"].as_str().unwrap().to_string();
    let now = ticket(&t, &alice, &n).await;
    assert_eq!((now["group"].as_str(), now["assignee"].as_str()), (Some("Network"), Some(to.as_str())));
    assert!(to == "bob" || to == "carol", "{to}");
    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n}/history")).await).await;
    let h = h.as_array().unwrap();
    assert!(h.iter().any(|e| e["action"] == "escalated" && e["field"] == "group" && e["old"] == "Desk" && e["new"] == "Network"));
    assert!(h.iter().any(|e| e["action"] == "escalated" && e["field"] == "reason" && e["new"] == "Needs firewall access"));
    assert!(notifications(&t, &mia).await.iter().any(|m| m.contains("escalated to Network")), "the new group's manager hears of it");

    // Hierarchical: Network's manager is told and watches the ticket.
    let r = esc(json!({"to": "manager", "reason": "Customer is a board member"})).await;
    assert_eq!(body(r).await["to"], "mia");
    assert!(notifications(&t, &mia).await.iter().any(|m| m.contains("escalated to you as manager of Network: Customer is a board member")));
    let w = body(t.get(&alice, &format!("/api/v1/tickets/{n}/watchers")).await).await;
    assert!(w.to_string().contains("mia"), "{w}");
    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n}/history")).await).await;
    assert!(h.as_array().unwrap().iter().any(|e| e["action"] == "escalated" && e["field"] == "manager" && e["new"] == "mia"));
}

async fn canned_responses_are_personal_or_shared_with_a_group(url: String) {
    let t = TestApp::spawn(url).await;
    let agents = setup(&t).await;
    let (alice, bob, carol) = (agents["alice"].clone(), agents["bob"].clone(), agents["carol"].clone());
    let kim = t.user("default", "kim", "requester").await;
    let r = t.post(&alice, "/api/v1/canned-responses", json!({"title": "Hi", "body": "Dear {{customer}}"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(r).await["message"].as_str().unwrap().contains("{{customer}}"));
    let r = t.post(&alice, "/api/v1/canned-responses", json!({"title": "Net", "body": "x", "group": "Network"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "only members share with a group");
    assert_eq!(t.post(&kim, "/api/v1/canned-responses", json!({"title": "a", "body": "b"})).await.status(), StatusCode::FORBIDDEN);

    let mine = body(
        t.post(&alice, "/api/v1/canned-responses", json!({"title": "Restart", "body": "Hello {{requester}}, please restart. {{agent}}"}))
            .await,
    )
    .await;
    let shared = t
        .post(
            &bob,
            "/api/v1/canned-responses",
            json!({"title": "VPN reset", "body": "Your VPN profile on {{number}} was reset.", "group": "Network"}),
        )
        .await;
    assert_eq!(shared.status(), StatusCode::CREATED);
    let shared = body(shared).await;
    assert_eq!(shared["group"], "Network");
    let titles = |v: Value| v.as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(titles(body(t.get(&alice, "/api/v1/canned-responses").await).await), ["Restart"]);
    assert_eq!(titles(body(t.get(&carol, "/api/v1/canned-responses").await).await), ["VPN reset"], "group members share it");

    let n = t.create(&kim, "VPN broken").await["number"].as_str().unwrap().to_string();
    let r = body(t.get(&alice, &format!("/api/v1/tickets/{n}/canned-responses/{}", mine["id"])).await).await;
    assert_eq!(r["body"], "Hello kim, please restart. alice");
    let r = body(t.get(&carol, &format!("/api/v1/tickets/{n}/canned-responses/{}", shared["id"])).await).await;
    assert_eq!(r["body"], format!("Your VPN profile on {n} was reset."));
    let r = t.get(&alice, &format!("/api/v1/tickets/{n}/canned-responses/{}", shared["id"])).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not alice's group");

    // Members edit the group's; nobody edits another's personal one.
    let put =
        |token: &str, id: &Value, b: Value| t.http.put(t.url(&format!("/api/v1/canned-responses/{id}"))).bearer_auth(token).json(&b).send();
    let r = put(&carol, &shared["id"], json!({"title": "VPN profile reset", "body": "Reset on {{number}}."})).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = put(&bob, &mine["id"], json!({"title": "x", "body": "y"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let del = |token: &str, id: &Value| t.http.delete(t.url(&format!("/api/v1/canned-responses/{id}"))).bearer_auth(token).send();
    assert_eq!(del(&bob, &mine["id"]).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(del(&alice, &mine["id"]).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(del(&alice, &mine["id"]).await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(titles(body(t.get(&bob, "/api/v1/canned-responses").await).await), ["VPN profile reset"]);
}

on_both_databases!(
    time_spent_is_logged_per_note_and_totalled,
    escalation_reassigns_or_tells_the_manager,
    canned_responses_are_personal_or_shared_with_a_group,
);
