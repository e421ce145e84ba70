//! Problem management through the API: problems with linked incidents, their state
//! machine, known errors found from an incident, workarounds posted to incidents.
//! On SQLite and PostgreSQL.

use crate::common::{TestApp, body, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn patch(t: &TestApp, token: &str, n: &str, b: Value) -> reqwest::Response {
    let cur = body(t.get(token, &format!("/api/v1/tickets/{n}")).await).await;
    t.patch(token, &format!("/api/v1/tickets/{n}"), cur["etag"].as_str(), b).await
}

async fn number(r: reqwest::Response) -> String {
    assert_eq!(r.status(), StatusCode::CREATED);
    body(r).await["number"].as_str().unwrap().to_string()
}

async fn a_problem_links_incidents_and_follows_its_own_lifecycle(url: String) {
    let t = TestApp::spawn(url).await;
    let agent = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let r = t.post(&kim, "/api/v1/tickets", json!({"kind": "problem", "title": "x"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "requesters do not raise problems");
    let prb = number(
        t.post(
            &agent,
            "/api/v1/tickets",
            json!({"kind": "problem", "title": "VPN drops for remote staff", "affected": ["vpn-gw-01", "Remote access"]}),
        )
        .await,
    )
    .await;
    assert!(prb.starts_with("PRB"), "{prb}");
    let inc = number(t.post(&kim, "/api/v1/tickets", json!({"title": "VPN dropped twice today"})).await).await;
    assert!(inc.starts_with("INC"));

    let r = t.post(&agent, &format!("/api/v1/tickets/{inc}/links"), json!({"target": prb, "kind": "causes"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "an incident does not cause a problem");
    let r = t.post(&agent, &format!("/api/v1/tickets/{prb}/links"), json!({"target": inc, "kind": "causes"})).await;
    assert!(r.status().is_success());
    let links = body(t.get(&agent, &format!("/api/v1/tickets/{prb}/links")).await).await;
    assert_eq!(links[0]["number"], inc.as_str());

    // The problem's own statuses: incidents statuses are refused, and so are skipped steps.
    let r = patch(&t, &agent, &prb, json!({"status": "in_progress"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(patch(&t, &agent, &prb, json!({"status": "assessed"})).await.status(), StatusCode::OK);
    let r = patch(&t, &agent, &prb, json!({"status": "root_cause_known"})).await;
    assert_eq!(body(r).await["field"], "root_cause");
    let r = patch(&t, &agent, &prb, json!({"status": "root_cause_known", "root_cause": "Gateway drops idle sessions after 5 min"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(patch(&t, &agent, &prb, json!({"status": "fix_in_progress"})).await.status(), StatusCode::OK);
    let r = patch(&t, &agent, &prb, json!({"status": "resolved", "resolution_code": "resolved_by_change"})).await;
    let p = body(r).await;
    assert_eq!((p["status"].as_str(), p["kind"].as_str()), (Some("resolved"), Some("problem")));
    assert_eq!(p["affected"], json!(["vpn-gw-01", "Remote access"]));
    let list = body(t.get(&agent, "/api/v1/tickets?kind=problem&status=resolved").await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let history = body(t.get(&agent, &format!("/api/v1/tickets/{prb}/history")).await).await;
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "updated" && e["field"] == "status")
        .map(|e| e["new"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["assessed", "root_cause_known", "fix_in_progress", "resolved"], "every transition journaled");
}

async fn known_errors_are_found_from_an_incident_and_workarounds_reach_incidents(url: String) {
    let t = TestApp::spawn(url).await;
    let agent = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let lee = t.user("default", "lee", "requester").await;
    let prb = number(t.post(&agent, "/api/v1/tickets", json!({"kind": "problem", "title": "Outlook prompts for password"})).await).await;
    let r = t.post(&agent, "/api/v1/known-errors", json!({"title": "x", "symptom": "y", "problem": "INC0000001"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = t.post(&agent, "/api/v1/known-errors", json!({"title": "Outlook asks for password repeatedly"})).await;
    assert_eq!(body(r).await["field"], "symptom");
    let r = t
        .post(
            &agent,
            "/api/v1/known-errors",
            json!({
                "title": "Outlook asks for password repeatedly",
                "symptom": "Outlook password prompt keeps coming back after the mailbox migration",
                "root_cause": "Stale cached credentials from the old mail server",
                "workaround": "Remove the old entries in Credential Manager and restart Outlook.",
                "problem": prb
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ke = body(r).await;
    assert!(ke["number"].as_str().unwrap().starts_with("KE"));
    t.post(
        &agent,
        "/api/v1/known-errors",
        json!({"title": "Printer prints blank pages", "symptom": "Blank pages from the floor 3 printer"}),
    )
    .await;

    let inc1 = number(
        t.post(&kim, "/api/v1/tickets", json!({"title": "Outlook keeps asking for my password", "description": "since the migration"}))
            .await,
    )
    .await;
    let inc2 = number(t.post(&lee, "/api/v1/tickets", json!({"title": "Password prompt in Outlook"})).await).await;
    let inc3 = number(t.post(&lee, "/api/v1/tickets", json!({"title": "Outlook password again"})).await).await;
    let found = body(t.get(&agent, &format!("/api/v1/tickets/{inc1}/known-errors")).await).await;
    let found = found.as_array().unwrap();
    assert_eq!(found[0]["number"], ke["number"], "{found:?}");
    assert!(found.iter().all(|k| !k["title"].as_str().unwrap().contains("Printer")), "unrelated errors stay out");
    let searched = body(t.get(&agent, "/api/v1/known-errors?q=outlook%20password").await).await;
    assert_eq!(searched[0]["number"], ke["number"]);
    assert_eq!(t.get(&kim, "/api/v1/known-errors").await.status(), StatusCode::FORBIDDEN);

    for i in [&inc1, &inc2, &inc3] {
        let r = t.post(&agent, &format!("/api/v1/tickets/{prb}/links"), json!({"target": i, "kind": "causes"})).await;
        assert!(r.status().is_success());
    }
    let r = patch(&t, &agent, &inc3, json!({"status": "resolved", "resolution_code": "solved"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = t.post(&agent, &format!("/api/v1/problems/{prb}/apply-workaround"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let reached = body(r).await;
    assert_eq!(reached["incidents"], json!([inc1, inc2]), "only open incidents");
    let comments = body(t.get(&kim, &format!("/api/v1/tickets/{inc1}/comments")).await).await;
    assert!(comments[0]["body"].as_str().unwrap().contains("Credential Manager"), "the requester sees the workaround");
    let comments = body(t.get(&agent, &format!("/api/v1/tickets/{inc3}/comments")).await).await;
    assert_eq!(comments, json!([]));

    // A status is active or retired, and nothing else is stored.
    let ke_url = t.url(&format!("/api/v1/known-errors/{}", ke["number"].as_str().unwrap()));
    let r = t.http.patch(&ke_url).bearer_auth(&agent).json(&json!({"status": "fixed", "workaround": "Reboot"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = body(r).await;
    assert!(problem.to_string().contains("status") && problem.to_string().contains("active, retired"), "{problem}");
    let unchanged = body(t.get(&agent, &format!("/api/v1/tickets/{inc1}/known-errors")).await).await;
    assert_eq!(unchanged[0]["status"], "active");
    assert_ne!(unchanged[0]["workaround"], "Reboot", "a refused change keeps nothing");

    // Retired known errors are no longer suggested.
    let r = t
        .http
        .patch(t.url(&format!("/api/v1/known-errors/{}", ke["number"].as_str().unwrap())))
        .bearer_auth(&agent)
        .json(&json!({"status": "retired"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let found = body(t.get(&agent, &format!("/api/v1/tickets/{inc1}/known-errors")).await).await;
    assert_eq!(found, json!([]));
    let r = t.post(&agent, &format!("/api/v1/problems/{prb}/apply-workaround"), json!({})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no active known error left");
}

async fn recurring_incidents_become_problem_candidates_to_accept_or_dismiss(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = t.user("default", "root", "admin").await;
    let agent = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    for c in ["Network", "Network/VPN", "Printing"] {
        assert_eq!(t.post(&admin, "/api/v1/categories", json!({"name": c})).await.status(), StatusCode::CREATED);
    }
    let raise = |category: &'static str, title: &'static str, description: &'static str| {
        let (t, kim) = (&t, &kim);
        async move {
            number(t.post(kim, "/api/v1/tickets", json!({"title": title, "description": description, "category": category})).await).await
        }
    };
    let mut vpn = Vec::new();
    for (title, description) in [
        ("VPN disconnects every few minutes", "The VPN connection drops every few minutes when working from home"),
        ("VPN disconnects every few minutes again", "VPN connection drops every few minutes, I have to reconnect"),
        ("VPN connection drops every few minutes", "Working from home, the VPN disconnects every few minutes"),
        ("VPN disconnects every few minutes at home", "The connection drops every few minutes"),
    ] {
        vpn.push(raise("Network/VPN", title, description).await);
    }
    // Same category, other issue; same words, other category; a pair too small to propose.
    raise("Network/VPN", "New VPN licence for contractor", "Please order a licence for our new contractor").await;
    raise("Printing", "VPN disconnects every few minutes", "The VPN connection drops every few minutes").await;
    for _ in 0..2 {
        raise("Printing", "Printer on floor 3 jams on every page", "Paper jam on floor 3 printer on every page").await;
    }
    let jam = raise("Printing", "Floor 3 printer jams on every page", "The floor 3 printer jams, paper jam on every page").await;

    assert_eq!(t.post(&kim, "/api/v1/problem-candidates/detect", json!({})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(t.get(&kim, "/api/v1/problem-candidates").await.status(), StatusCode::FORBIDDEN);
    let r = t.post(&agent, "/api/v1/problem-candidates/detect", json!({"window_days": 0})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(r).await["field"], "window_days");

    let report = body(t.post(&agent, "/api/v1/problem-candidates/detect", json!({})).await).await;
    assert_eq!((report["scanned"].as_u64(), report["new_candidates"].as_u64()), (Some(9), Some(2)), "{report}");
    let proposed = body(t.get(&agent, "/api/v1/problem-candidates?status=proposed").await).await;
    let proposed = proposed.as_array().unwrap();
    assert_eq!(proposed.len(), 2, "{proposed:?}");
    let of = |scope: &str| proposed.iter().find(|k| k["scope"] == scope).unwrap().clone();
    let (v, p) = (of("Network/VPN"), of("Printing"));
    let mut members: Vec<String> = v["incidents"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()).collect();
    members.sort();
    assert_eq!(members, vpn, "exactly the four VPN drop incidents: {v}");
    assert!(v["summary"].as_str().unwrap().starts_with("4 incidents in 1 days: "), "{v}");
    assert!(p["incidents"].as_array().unwrap().iter().any(|n| n == jam.as_str()));

    // Accept: a problem linked to each incident, journaled on the problem.
    let accepted = body(t.post(&agent, &format!("/api/v1/problem-candidates/{}/accept", v["id"]), json!({})).await).await;
    let prb = accepted["problem"].as_str().unwrap().to_string();
    assert!(prb.starts_with("PRB"), "{accepted}");
    let problem = body(t.get(&agent, &format!("/api/v1/tickets/{prb}")).await).await;
    assert_eq!((problem["kind"].as_str(), problem["category"].as_str()), (Some("problem"), Some("Network/VPN")));
    let mut linked: Vec<String> = body(t.get(&agent, &format!("/api/v1/tickets/{prb}/links")).await)
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "causes")
        .map(|l| l["number"].as_str().unwrap().to_string())
        .collect();
    linked.sort();
    assert_eq!(linked, vpn);
    let history = body(t.get(&agent, &format!("/api/v1/tickets/{prb}/history")).await).await;
    assert!(history.as_array().unwrap().iter().any(|e| e["action"] == "from_candidate" && e["new"] == "4"), "{history}");
    let r = t.post(&agent, &format!("/api/v1/problem-candidates/{}/accept", v["id"]), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "accepted once only");

    // Dismiss: gone from the proposals, and not proposed again by the next run.
    let r = t.post(&agent, &format!("/api/v1/problem-candidates/{}/dismiss", p["id"]), json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = t.post(&agent, &format!("/api/v1/problem-candidates/{}/dismiss", p["id"]), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // The pages answer the same refusal with the same status as the API.
    let (ada, csrf) = signed_in(&t, "ada", "agent").await;
    let r = ada.post(&format!("/problem-candidates/{}/dismiss", p["id"]), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "as through the API");
    assert!(r.text().await.unwrap().contains("is already dismissed"));
    assert_eq!(t.post(&agent, "/api/v1/problem-candidates/999/accept", json!({})).await.status(), StatusCode::NOT_FOUND);
    let again = body(t.post(&agent, "/api/v1/problem-candidates/detect", json!({})).await).await;
    assert_eq!(again["new_candidates"], 0, "{again}");
    assert_eq!(body(t.get(&agent, "/api/v1/problem-candidates?status=proposed").await).await, json!([]));
    let all = body(t.get(&agent, "/api/v1/problem-candidates").await).await;
    let statuses: Vec<&str> = all.as_array().unwrap().iter().map(|k| k["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.contains(&"accepted") && statuses.contains(&"dismissed"), "{statuses:?}");
}

on_both_databases!(
    a_problem_links_incidents_and_follows_its_own_lifecycle,
    known_errors_are_found_from_an_incident_and_workarounds_reach_incidents,
    recurring_incidents_become_problem_candidates_to_accept_or_dismiss,
);
