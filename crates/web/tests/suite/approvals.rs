//! Requests through approval and fulfilment, over HTTP on SQLite and PostgreSQL: the
//! requester's manager approves from an email link, a Finance quorum from the API, then
//! fulfilment tasks run step by step (one, then two in parallel) until the request
//! resolves itself; rejection, withdrawal, reminders and escalation on timeout, and every
//! refusal (not yours, twice, own request, another tenant, reused, replaced or expired
//! link) leaving nothing changed.

use std::sync::Arc;

use crate::common::{Browser, TestApp, body, signed_in};
use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;

fn laptop() -> Value {
    json!({
        "category": "Hardware", "name": "New laptop",
        "variables": [
            {"name": "model", "label": "Model", "kind": "choice", "required": true, "options": ["14-inch", "16-inch"]},
            {"name": "funding", "label": "Funding", "kind": "choice", "required": true, "options": ["department", "project budget"]},
            {"name": "cost_centre", "label": "Cost centre", "kind": "text", "required": true,
             "show_if": {"variable": "funding", "equals": ["project budget"]}}
        ],
        "approvals": [
            {"approver": "manager"},
            {"approver": "group", "name": "Finance", "rule": "quorum", "quorum": 2}
        ],
        "tasks": [
            {"title": "Order the laptop", "group": "Procurement", "step": 1},
            {"title": "Image the laptop", "group": "Desktop Support", "step": 2},
            {"title": "Create the accounts", "group": "Identity", "step": 2}
        ]
    })
}

/// root (admin), mona (kim's manager), Finance (fin1..fin3), a group per task with one
/// agent each, and kim who orders.
async fn desk(t: &TestApp) -> (String, String) {
    let root = t.user("default", "root", "admin").await;
    for u in ["mona", "fin1", "fin2", "fin3", "paul", "dana", "ivan"] {
        t.user("default", u, "agent").await;
    }
    let kim = t.user("default", "kim", "requester").await;
    for (g, members) in
        [("Finance", &["fin1", "fin2", "fin3"][..]), ("Procurement", &["paul"]), ("Desktop Support", &["dana"]), ("Identity", &["ivan"])]
    {
        assert_eq!(t.post(&root, "/api/v1/groups", json!({"name": g})).await.status(), StatusCode::CREATED);
        for m in members {
            let r = t.post(&root, &format!("/api/v1/groups/{g}/members"), json!({"username": m})).await;
            assert!(r.status().is_success(), "{g}: {m}");
            // Tasks of a group go to its member automatically.
            let r = t.patch(&root, &format!("/api/v1/groups/{g}"), None, json!({"assignment": "round_robin"})).await;
            assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        }
    }
    let r = t.http.put(t.url("/api/v1/users/kim/manager")).bearer_auth(&root).json(&json!({"manager": "mona"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    (root, kim)
}

async fn item(t: &TestApp, root: &str, v: Value) -> String {
    let r = t.post(root, "/api/v1/catalog/items", v).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    format!("/api/v1/catalog/items/{}/order", body(r).await["id"])
}

async fn progress(t: &TestApp, token: &str, number: &str) -> Value {
    body(t.get(token, &format!("/api/v1/tickets/{number}/progress")).await).await
}

async fn status(t: &TestApp, token: &str, number: &str) -> String {
    body(t.get(token, &format!("/api/v1/tickets/{number}")).await).await["status"].as_str().unwrap().to_string()
}

/// The pending approval ids of `who`.
async fn inbox(t: &TestApp, who: &str) -> Vec<i64> {
    let token = t.app.create_token("default", who, "test").await.unwrap();
    let list = body(t.get(&token, "/api/v1/approvals").await).await;
    list.as_array().unwrap().iter().map(|c| c["approval"]["id"].as_i64().unwrap()).collect()
}

async fn close(t: &TestApp, who: &str, number: &str) {
    let token = t.app.create_token("default", who, "test").await.unwrap();
    let cur = body(t.get(&token, &format!("/api/v1/tickets/{number}")).await).await;
    let r = t.patch(&token, &format!("/api/v1/tickets/{number}"), cur["etag"].as_str(), json!({"status": "closed"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{number}");
}

async fn a_laptop_goes_through_approvals_and_fulfilment(url: String) {
    let t = TestApp::spawn(url).await;
    let (root, kim) = desk(&t).await;
    let order = item(&t, &root, laptop()).await;
    // Fulfilment tasks have their own service level, like any ticket.
    let days: serde_json::Map<String, Value> =
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().map(|d| (d.to_string(), json!(["00:00-23:59"]))).collect();
    let r = t
        .http
        .put(t.url("/api/v1/calendars/Always"))
        .bearer_auth(&root)
        .json(&json!({"time_zone": "UTC", "hours": days}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let ola = json!({"name": "Fulfilment tasks", "kind": "ola", "calendar": "Always",
                     "applies_when": [{"field": "kind", "values": ["task"]}], "targets": {"resolution_minutes": 480}});
    assert_eq!(t.post(&root, "/api/v1/sla-definitions", ola).await.status(), StatusCode::CREATED);

    // The conditional question is checked, then the request waits for kim's manager.
    let answers = json!({"model": "16-inch", "funding": "project budget"});
    assert_eq!(t.post(&kim, &order, json!({"answers": answers})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answers = json!({"model": "16-inch", "funding": "project budget", "cost_centre": "CC-4711"});
    let r = t.post(&kim, &order, json!({"answers": answers})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let req = body(r).await;
    assert_eq!(req["status"], "awaiting_approval");
    let n = req["number"].as_str().unwrap().to_string();
    let p = progress(&t, &kim, &n).await;
    assert_eq!(p["approvals"].as_array().map(Vec::len), Some(1), "{p}");
    assert_eq!((p["approvals"][0]["approver"].as_str(), p["approvals"][0]["state"].as_str()), (Some("mona"), Some("pending")));
    assert_eq!(p["steps"][1]["tasks"][1]["status"], "waiting", "{p}");

    // Nobody but mona decides her approval: not kim, not another agent.
    let mona_id = inbox(&t, "mona").await[0];
    let r = t.post(&kim, &format!("/api/v1/approvals/{mona_id}/approve"), json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let fin1 = t.app.create_token("default", "fin1", "test").await.unwrap();
    assert_eq!(t.post(&fin1, &format!("/api/v1/approvals/{mona_id}/approve"), json!({})).await.status(), StatusCode::FORBIDDEN);

    // mona approves from the link in her mail; opening the link alone decides nothing.
    let link = t.approval_link("mona@example.com").await;
    let anon = Browser::new(&t);
    let (code, page) = anon.get(&link).await;
    assert_eq!(code, StatusCode::OK);
    assert!(page.contains(&n) && page.contains("CC-4711") && page.contains("Approve"), "{page}");
    assert_eq!(status(&t, &kim, &n).await, "awaiting_approval");
    let r = anon.post(&link, &[("decision", "approve"), ("comment", "Fine by me")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Thank you: you approved it."));
    // The link works once.
    let r = anon.post(&link, &[("decision", "reject"), ("comment", "Changed my mind")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("mona already approved this"));
    assert_eq!(anon.get(&link).await.0, StatusCode::CONFLICT);

    // Stage 2: Finance by quorum of two; a second decision of the same person is refused.
    assert_eq!(status(&t, &kim, &n).await, "awaiting_approval");
    let fin1_id = inbox(&t, "fin1").await[0];
    assert_eq!(t.post(&fin1, &format!("/api/v1/approvals/{fin1_id}/approve"), json!({})).await.status(), StatusCode::NO_CONTENT);
    let r = t.post(&fin1, &format!("/api/v1/approvals/{fin1_id}/approve"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(body(r).await["message"].as_str().unwrap().contains("fin1 already approved this"));
    assert_eq!(status(&t, &kim, &n).await, "awaiting_approval", "one of two");
    let fin2 = t.app.create_token("default", "fin2", "test").await.unwrap();
    let fin2_id = inbox(&t, "fin2").await[0];
    assert_eq!(
        t.post(&fin2, &format!("/api/v1/approvals/{fin2_id}/approve"), json!({"comment": "Budget is there"})).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(status(&t, &kim, &n).await, "in_progress");
    assert!(inbox(&t, "fin3").await.is_empty(), "fin3 is no longer asked");

    // Fulfilment: step 1, one task for Procurement, assigned to paul.
    let p = progress(&t, &root, &n).await;
    let states: Vec<&str> = p["approvals"].as_array().unwrap().iter().map(|a| a["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["approved", "approved", "approved", "skipped"]);
    assert_eq!(p["approvals"][0]["via"], "email");
    let step1 = &p["steps"][0]["tasks"];
    assert_eq!((step1[0]["number"].as_str(), step1[0]["assignee"].as_str()), (Some("TSK0000001"), Some("paul")));
    assert_eq!(p["steps"][1]["tasks"][0]["status"], "waiting");
    let slas = body(t.get(&root, "/api/v1/tickets/TSK0000001/slas").await).await;
    assert_eq!((slas[0]["definition"].as_str(), slas[0]["state"].as_str()), (Some("Fulfilment tasks"), Some("running")), "{slas}");
    // kim follows the request, never its tasks.
    let mine = body(t.get(&kim, "/api/v1/tickets").await).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(t.get(&kim, "/api/v1/tickets/TSK0000001").await.status(), StatusCode::NOT_FOUND);

    // Closing step 1 opens step 2: two tasks in parallel; the request resolves after both.
    close(&t, "paul", "TSK0000001").await;
    let p = progress(&t, &root, &n).await;
    let step2: Vec<(&str, &str)> = p["steps"][1]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["number"].as_str().unwrap(), x["assignee"].as_str().unwrap()))
        .collect();
    assert_eq!(step2, [("TSK0000002", "dana"), ("TSK0000003", "ivan")]);
    close(&t, "dana", "TSK0000002").await;
    assert_eq!(status(&t, &kim, &n).await, "in_progress", "one task of the step is still open");
    close(&t, "ivan", "TSK0000003").await;
    let done = body(t.get(&kim, &format!("/api/v1/tickets/{n}")).await).await;
    assert_eq!((done["status"].as_str(), done["resolution_code"].as_str()), (Some("resolved"), Some("solved")), "{done}");

    // kim was told at each turn and is asked to rate the result.
    t.app.drain_jobs("test").await.unwrap();
    let news = body(t.get(&kim, "/api/v1/notifications").await).await;
    let texts: Vec<&str> = news.as_array().unwrap().iter().map(|x| x["message"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|m| m.contains("was approved")), "{texts:?}");
    assert!(texts.iter().any(|m| m.contains("How did we do?")), "{texts:?}");
    let history = body(t.get(&root, &format!("/api/v1/tickets/{n}/history")).await).await;
    let actions: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in ["approval_requested", "approved", "task_added"] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
}

async fn rejection_withdrawal_and_self_approval(url: String) {
    let t = TestApp::spawn(url).await;
    let (root, kim) = desk(&t).await;
    let order = item(&t, &root, laptop()).await;
    let answers = json!({"answers": {"model": "14-inch", "funding": "department"}});

    // mona rejects, and must say why; the request ends, kim sees why.
    let n = body(t.post(&kim, &order, answers.clone()).await).await["number"].as_str().unwrap().to_string();
    let mona = t.app.create_token("default", "mona", "test").await.unwrap();
    let id = inbox(&t, "mona").await[0];
    let r = t.post(&mona, &format!("/api/v1/approvals/{id}/reject"), json!({})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(r).await["field"], "comment");
    assert_eq!(status(&t, &kim, &n).await, "awaiting_approval", "nothing changed");
    let r = t.post(&mona, &format!("/api/v1/approvals/{id}/reject"), json!({"comment": "Your laptop is a year old"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(status(&t, &kim, &n).await, "rejected");
    let p = progress(&t, &kim, &n).await;
    assert_eq!(p["approvals"][0]["comment"], "Your laptop is a year old");
    assert!(p["steps"][0]["tasks"][0]["number"].is_null(), "no task was opened");
    assert!(inbox(&t, "fin1").await.is_empty(), "Finance is never asked");
    let link = t.approval_link("mona@example.com").await;
    assert_eq!(Browser::new(&t).post(&link, &[("decision", "approve"), ("comment", "")]).await.status(), StatusCode::CONFLICT);

    // Withdrawn during fulfilment: its open tasks are cancelled with it.
    let quick = json!({"category": "Hardware", "name": "Desk phone",
        "tasks": [{"title": "Install", "group": "Desktop Support"}, {"title": "Number", "group": "Identity"}]});
    let phone = item(&t, &root, quick).await;
    let r = body(t.post(&kim, &phone, json!({})).await).await;
    assert_eq!(r["status"], "in_progress", "no approval needed");
    let m = r["number"].as_str().unwrap().to_string();
    let tasks: Vec<String> = progress(&t, &root, &m).await["steps"][0]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tasks.len(), 2, "parallel tasks of one step");
    // Resolved by hand only once its tasks are done.
    let cur = body(t.get(&root, &format!("/api/v1/tickets/{m}")).await).await;
    let done = json!({"status": "resolved", "resolution_code": "solved"});
    let r = t.patch(&root, &format!("/api/v1/tickets/{m}"), cur["etag"].as_str(), done).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = body(r).await;
    assert!(e["message"].as_str().unwrap().contains(&format!("still has open tasks ({})", tasks.join(", "))), "{e}");
    assert_eq!(status(&t, &root, &m).await, "in_progress", "nothing changed");
    let r = t.post(&kim, &format!("/api/v1/tickets/{m}/withdraw"), json!({"reason": "Got one from a colleague"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    for task in &tasks {
        assert_eq!(status(&t, &root, task).await, "cancelled", "{task}");
    }

    // Segregation of duties: an approver never approves their own order. mona orders: her
    // own manager stage has nobody (she has none) and no escalation, so it is refused;
    // with the item's approver being kim, kim's own order goes to its escalation.
    let r = t.post(&mona, &order, answers.clone()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = body(r).await;
    assert!(e["message"].as_str().unwrap().contains("stage 1: the requester has no manager on record"), "{e}");
    let licence = json!({"category": "Software", "name": "Design licence",
        "approvals": [{"approver": "user", "name": "kim", "timeout_hours": 24, "escalate_to": "root"}]});
    let sw = item(&t, &root, licence).await;
    let n2 = body(t.post(&kim, &sw, json!({})).await).await["number"].as_str().unwrap().to_string();
    let p = progress(&t, &root, &n2).await;
    assert_eq!((p["approvals"][0]["approver"].as_str(), p["approvals"][0]["escalation"].as_bool()), (Some("root"), Some(true)), "{p}");
    assert!(inbox(&t, "kim").await.is_empty());

    // Another tenant's approver cannot touch this tenant's approvals.
    t.app.create_tenant("other", "Other Co").await.unwrap();
    let stranger = t.user("other", "sam", "admin").await;
    let id = inbox(&t, "root").await[0];
    assert_eq!(t.post(&stranger, &format!("/api/v1/approvals/{id}/approve"), json!({})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(status(&t, &root, &n2).await, "awaiting_approval");
}

async fn a_waiting_approval_is_reminded_then_escalated(url: String) {
    let clock = Arc::new(ManualClock::new(1_790_000_000_000));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let (root, kim) = desk(&t).await;
    let licence = json!({"category": "Software", "name": "Design licence",
        "approvals": [{"approver": "manager", "timeout_hours": 24, "escalate_to": "fin3"}],
        "tasks": [{"title": "Assign the licence", "group": "Identity"}]});
    let order = item(&t, &root, licence).await;
    let n = body(t.post(&kim, &order, json!({})).await).await["number"].as_str().unwrap().to_string();
    let first = t.approval_link("mona@example.com").await;

    // Half-way: a reminder with a fresh link; the first link no longer works.
    clock.advance(12 * HOUR);
    assert_eq!(t.mail_to("mona@example.com").await.len(), 2);
    let fresh = t.approval_link("mona@example.com").await;
    assert_ne!(first, fresh);
    let anon = Browser::new(&t);
    let (code, page) = anon.get(&first).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert!(page.contains("a newer reminder may have replaced it"), "{page}");
    assert!(inbox(&t, "fin3").await.is_empty(), "not escalated yet");

    // At the timeout fin3 is asked too, and decides alone.
    clock.advance(12 * HOUR);
    t.app.drain_jobs("test").await.unwrap();
    assert_eq!(inbox(&t, "fin3").await.len(), 1);
    assert!(t.mail_to("fin3@example.com").await[0].contains("was escalated to you"));
    // mona's reminder link expires 24 hours after it was sent.
    clock.advance(13 * HOUR);
    let r = anon.post(&fresh, &[("decision", "approve"), ("comment", "")]).await;
    assert_eq!(r.status(), StatusCode::GONE);
    assert!(r.text().await.unwrap().contains("this approval link expired on"));
    assert_eq!(status(&t, &kim, &n).await, "awaiting_approval", "the expired link changed nothing");
    let fin3 = t.app.create_token("default", "fin3", "test").await.unwrap();
    let id = inbox(&t, "fin3").await[0];
    assert_eq!(t.post(&fin3, &format!("/api/v1/approvals/{id}/approve"), json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(status(&t, &kim, &n).await, "in_progress");
    let history = body(t.get(&root, &format!("/api/v1/tickets/{n}/history")).await).await;
    let actions: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"approval_reminded") && actions.contains(&"approval_escalated"), "{actions:?}");
}

async fn approvers_decide_in_the_portal(url: String) {
    let t = TestApp::spawn(url).await;
    let (root, _) = desk(&t).await;
    let (mut kim, csrf) = signed_in(&t, "kimberly", "requester").await;
    let r = t.http.put(t.url("/api/v1/users/kimberly/manager")).bearer_auth(&root).json(&json!({"manager": "max"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no such user");
    let _ = &mut kim;
    let (max, max_csrf) = signed_in(&t, "max", "requester").await;
    let r = t.http.put(t.url("/api/v1/users/kimberly/manager")).bearer_auth(&root).json(&json!({"manager": "max"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let order = item(&t, &root, json!({"category": "Access", "name": "VPN", "approvals": [{"approver": "manager"}]})).await;
    let id = order.trim_start_matches("/api/v1/catalog/items/").trim_end_matches("/order").to_string();
    let r = kim.post(&format!("/catalog/{id}"), &[("csrf", &csrf), ("quantity", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // max, a plain employee, finds it under Approvals and rejects it without a reason: refused.
    let (_, home) = max.get("/portal").await;
    assert!(home.split("id=\"to-approve\"").nth(1).expect("approvals on the portal home").contains("VPN"), "{home}");
    let (_, page) = max.get("/approvals").await;
    assert!(page.contains("REQ0000001") && page.contains("VPN"), "{page}");
    let approval = t
        .app
        .my_approvals(&t.app.authenticate_token(&t.app.create_token("default", "max", "t").await.unwrap()).await.unwrap())
        .await
        .unwrap();
    let path = format!("/approvals/{}", approval[0].approval.id);
    let r = max.post(&path, &[("csrf", &max_csrf), ("decision", "reject"), ("comment", " ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = max.post(&path, &[("csrf", &max_csrf), ("decision", "approve"), ("comment", "")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = kim.get("/tickets/REQ0000001").await;
    assert!(page.contains("id=\"fulfilment\"") && page.contains("<strong class=\"state-approved\">approved</strong>"), "{page}");
    for line in [
        "asked max to approve (stage 1)",
        "approved the request (stage 1, via portal)",
        "changed status from awaiting approval to in progress",
    ] {
        assert!(page.contains(line), "{line}: {page}");
    }
    let (_, page) = max.get("/approvals?done=approved").await;
    assert!(page.contains("Thank you: approved.") && page.contains("Nothing waits for your approval."), "{page}");
}

/// Decisions and task closures that arrive together still settle the request: on
/// PostgreSQL each waits for the request's row, then sees what the others committed.
async fn decisions_and_closures_at_once_settle_the_request(url: String) {
    let t = TestApp::spawn(url).await;
    let (root, kim) = desk(&t).await;
    let v = json!({"category": "Access", "name": "Finance system",
        "approvals": [{"approver": "group", "name": "Finance", "rule": "all"}],
        "tasks": [{"title": "Create the account", "group": "Identity"}, {"title": "Set up the token", "group": "Desktop Support"}]});
    let order = item(&t, &root, v).await;
    for round in 0..3 {
        let n = body(t.post(&kim, &order, json!({})).await).await["number"].as_str().unwrap().to_string();
        let mut calls = Vec::new();
        for who in ["fin1", "fin2", "fin3"] {
            let token = t.app.create_token("default", who, "test").await.unwrap();
            let id = inbox(&t, who).await[0];
            calls.push((token, format!("/api/v1/approvals/{id}/approve")));
        }
        let (a, b, c) = tokio::join!(
            t.post(&calls[0].0, &calls[0].1, json!({})),
            t.post(&calls[1].0, &calls[1].1, json!({})),
            t.post(&calls[2].0, &calls[2].1, json!({}))
        );
        assert_eq!([a.status(), b.status(), c.status()], [StatusCode::NO_CONTENT; 3], "round {round}");
        assert_eq!(status(&t, &kim, &n).await, "in_progress", "round {round}: all three approved");
        let tasks: Vec<(String, String)> = progress(&t, &root, &n).await["steps"][0]["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["number"].as_str().unwrap().to_string(), x["assignee"].as_str().unwrap().to_string()))
            .collect();
        tokio::join!(close(&t, &tasks[0].1, &tasks[0].0), close(&t, &tasks[1].1, &tasks[1].0));
        assert_eq!(status(&t, &kim, &n).await, "resolved", "round {round}: both tasks closed");
    }
    // A withdrawal and a task's closure at once: one waits for the other, neither fails
    // (both lock the request before its tasks).
    let quick =
        item(&t, &root, json!({"category": "Access", "name": "Badge", "tasks": [{"title": "Print the badge", "group": "Identity"}]})).await;
    for round in 0..5 {
        let n = body(t.post(&kim, &quick, json!({})).await).await["number"].as_str().unwrap().to_string();
        let task = progress(&t, &root, &n).await["steps"][0]["tasks"][0]["number"].as_str().unwrap().to_string();
        let ivan = t.app.create_token("default", "ivan", "test").await.unwrap();
        let cur = body(t.get(&ivan, &format!("/api/v1/tickets/{task}")).await).await;
        let (withdraw, close_it) = (format!("/api/v1/tickets/{n}/withdraw"), format!("/api/v1/tickets/{task}"));
        let (w, c) = tokio::join!(
            t.post(&kim, &withdraw, json!({"reason": "No longer needed"})),
            t.patch(&ivan, &close_it, cur["etag"].as_str(), json!({"status": "closed"}))
        );
        let codes = (w.status(), c.status());
        assert!(!codes.0.is_server_error() && !codes.1.is_server_error(), "round {round}: {codes:?}");
        assert!(codes.0 == StatusCode::NO_CONTENT || codes.1 == StatusCode::OK, "round {round}: one of them went through: {codes:?}");
    }
}

/// A request merged into another ends as a duplicate, and its open tasks end with it
/// instead of lingering in a group's queue.
async fn a_merged_request_cancels_its_tasks(url: String) {
    let t = TestApp::spawn(url).await;
    let (root, kim) = desk(&t).await;
    let badge =
        item(&t, &root, json!({"category": "Access", "name": "Badge", "tasks": [{"title": "Print the badge", "group": "Identity"}]})).await;
    let keep = body(t.post(&kim, &badge, json!({})).await).await["number"].as_str().unwrap().to_string();
    let dup = body(t.post(&kim, &badge, json!({})).await).await["number"].as_str().unwrap().to_string();
    let task = progress(&t, &root, &dup).await["steps"][0]["tasks"][0]["number"].as_str().unwrap().to_string();
    assert_eq!(status(&t, &root, &task).await, "new");
    let r = t.post(&root, &format!("/api/v1/tickets/{dup}/merge"), json!({"into": keep})).await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    assert_eq!(status(&t, &root, &dup).await, "closed");
    assert_eq!(status(&t, &root, &task).await, "cancelled", "the duplicate's task ends with it");
    let kept = progress(&t, &root, &keep).await["steps"][0]["tasks"][0]["number"].as_str().unwrap().to_string();
    assert_eq!(status(&t, &root, &kept).await, "new", "the survivor's task stays");
}

async fn manager_of(t: &TestApp, root: &str, who: &str) -> Value {
    let users = body(t.get(root, "/api/v1/users").await).await;
    users.as_array().unwrap().iter().find(|u| u["username"] == who).unwrap()["manager"].clone()
}

async fn administrators_set_managers_in_the_browser(url: String) {
    let t = TestApp::spawn(url).await;
    let (root, _) = desk(&t).await;
    let (ada, csrf) = signed_in(&t, "ada", "admin").await;
    let (_, page) = ada.get("/admin/users").await;
    assert!(page.contains(r#"aria-label="Manager of kim""#) && page.contains(r#"<option value="mona">"#), "{page}");
    assert_eq!(manager_of(&t, &root, "kim").await, "mona");
    let set = |who: &'static str| [("csrf", csrf.as_str()), ("username", "kim"), ("manager", who)];
    let r = ada.post("/admin/users/manager", &set("fin1")).await;
    assert_eq!(crate::common::location(&r), "/admin/users?saved=kim");
    assert_eq!(manager_of(&t, &root, "kim").await, "fin1");
    for (who, why) in [("kim", "nobody is their own manager"), ("nobody", "manager: no user")] {
        let r = ada.post("/admin/users/manager", &set(who)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains(why), "{why}");
    }
    assert_eq!(manager_of(&t, &root, "kim").await, "fin1", "refusals change nothing");
    assert_eq!(crate::common::location(&ada.post("/admin/users/manager", &set("")).await), "/admin/users?saved=kim");
    assert_eq!(manager_of(&t, &root, "kim").await, Value::Null);
    let (alice, _) = signed_in(&t, "alice", "agent").await;
    assert_eq!(alice.get("/admin/users").await.0, StatusCode::FORBIDDEN);
}

on_both_databases!(
    a_merged_request_cancels_its_tasks,
    administrators_set_managers_in_the_browser,
    decisions_and_closures_at_once_settle_the_request,
    a_laptop_goes_through_approvals_and_fulfilment,
    rejection_withdrawal_and_self_approval,
    a_waiting_approval_is_reminded_then_escalated,
    approvers_decide_in_the_portal,
);
