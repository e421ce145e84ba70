//! Satisfaction surveys: a link to the requester on resolution, a one-click rating
//! answered once, expiry, CSAT per group, the tenant's own questions, and the answers
//! with their comments for managers. On SQLite and PostgreSQL.

use std::sync::Arc;

use crate::common::{TestApp, body};
use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

const DAY: i64 = 86_400_000;

async fn resolve(t: &TestApp, token: &str, n: &str) {
    let cur = body(t.get(token, &format!("/api/v1/tickets/{n}")).await).await;
    let r = t
        .patch(
            token,
            &format!("/api/v1/tickets/{n}"),
            cur["etag"].as_str(),
            json!({"status": "resolved", "resolution_code": "solved", "group": "Desk"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// The survey link sent to `token`'s user for ticket `n`.
async fn link(t: &TestApp, token: &str, n: &str) -> String {
    t.app.drain_jobs("t").await.unwrap();
    let list = body(t.get(token, "/api/v1/notifications").await).await;
    let message = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message"].as_str().unwrap())
        .find(|m| m.starts_with(n) && m.contains("/survey/"))
        .unwrap()
        .to_string();
    message.split(' ').find(|w| w.starts_with("/survey/")).unwrap().to_string()
}

async fn a_resolved_incident_is_rated_once_and_scores_add_up(url: String) {
    let clock = Arc::new(ManualClock::new(1_780_000_000_000));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let admin = t.user("default", "ada", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    t.post(&admin, "/api/v1/groups", json!({"name": "Desk"})).await;
    let n1 = t.create(&kim, "Mouse broken").await["number"].as_str().unwrap().to_string();
    let n2 = t.create(&kim, "Keyboard broken").await["number"].as_str().unwrap().to_string();
    resolve(&t, &alice, &n1).await;
    let url1 = link(&t, &kim, &n1).await;

    let http = reqwest::Client::new();
    let get = |path: String| http.get(t.url(&path)).send();
    let post = |path: String, form: Vec<(&'static str, &'static str)>| http.post(t.url(&path)).form(&form).send();
    let page = get(format!("{url1}?rating=9")).await.unwrap().text().await.unwrap();
    assert!(!page.contains(" checked"), "ratings are 1 to 5: none is chosen");
    // A link's rating is only chosen: opening it (a mail scanner does) records nothing.
    let r = get(format!("{url1}?rating=5")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"value="5" required checked"#) && page.contains("Press Send"), "{page}");
    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n1}/history")).await).await;
    assert!(!h.as_array().unwrap().iter().any(|e| e["action"] == "survey_answered"), "a GET recorded a rating: {h}");
    let r = post(url1.clone(), vec![("rating", "9")]).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "ratings are 1 to 5");
    let r = post(url1.clone(), vec![("rating", "5")]).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("your rating is recorded") && page.contains("Your rating: 5 of 5."), "{page}");
    assert!(page.contains("Tell us more"), "a rating alone offers the rest of the questions");
    let r = post(url1.clone(), vec![("rating", "1")]).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "one answer per ticket");
    assert_eq!(get("/survey/not-a-token?rating=3".into()).await.unwrap().status(), StatusCode::NOT_FOUND);
    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n1}/history")).await).await;
    assert!(h.as_array().unwrap().iter().any(|e| e["action"] == "survey_answered" && e["new"] == "5"));

    // An answer after the 14 days is refused.
    resolve(&t, &alice, &n2).await;
    let url2 = link(&t, &kim, &n2).await;
    clock.set(1_780_000_000_000 + 15 * DAY);
    let r = http.post(t.url(&url2)).form(&[("rating", "2"), ("effort", "2")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("expired"));

    let report = body(t.get(&alice, "/api/v1/reports/csat?by=group&from=2026-01-01&to=2027-01-01").await).await;
    assert_eq!(report, json!([{"key": "Desk", "responses": 1, "mean_rating": 5.0, "csat": 100.0, "mean_effort": null}]));
    assert_eq!(t.get(&kim, "/api/v1/reports/csat").await.status(), StatusCode::FORBIDDEN);
    let r = t.get(&alice, "/api/v1/reports/csat?by=colour").await;
    assert_eq!(body(r).await["field"], "by");

    // An XLA on the desk's satisfaction: 5.0 over the last 30 days beats 4.3.
    let r = t.post(&admin, "/api/v1/xlas", json!({"name": "Desk happiness", "measure": "nps", "target": 4.3})).await;
    assert_eq!(body(r).await["field"], "measure");
    let r = t.post(&admin, "/api/v1/xlas", json!({"name": "Desk happiness", "measure": "csat", "group": "Nope", "target": 4.3})).await;
    assert_eq!(body(r).await["field"], "group");
    let r = t.post(&admin, "/api/v1/xlas", json!({"name": "Desk happiness", "measure": "csat", "group": "Desk", "target": 4.3})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let x = body(t.get(&alice, "/api/v1/xlas").await).await;
    assert_eq!(
        (x[0]["status"].as_str(), x[0]["trend"].as_str(), x[0]["current"].as_f64(), x[0]["responses"].as_u64()),
        (Some("met"), Some("new"), Some(5.0), Some(1)),
        "{x}"
    );
    // Forty days on, the answer has left the window: no data now, and it was met before.
    clock.set(1_780_000_000_000 + 40 * DAY);
    let x = body(t.get(&alice, "/api/v1/xlas").await).await;
    assert_eq!((x[0]["status"].as_str(), x[0]["previous"].as_f64()), (Some("no_data"), Some(5.0)), "{x}");
}

async fn own_questions_are_asked_checked_and_shown_to_managers(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = t.user("default", "ada", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let mo = t.user("default", "mo", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    t.post(&admin, "/api/v1/groups", json!({"name": "Desk"})).await;
    let r = t.http.patch(t.url("/api/v1/groups/Desk")).bearer_auth(&admin).json(&json!({"manager": "mo"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let put = |token: &str, q: serde_json::Value| {
        let (http, url, token) = (reqwest::Client::new(), t.url("/api/v1/survey-questions"), token.to_string());
        async move { http.put(url).bearer_auth(token).json(&q).send().await.unwrap() }
    };

    // Bad questions are refused and nothing changes.
    let r = put(&admin, json!({"extra": [{"label": "Which?", "kind": "choice", "options": ["Only"]}]})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(r).await["message"].as_str().unwrap().contains("2 to 20 options"));
    assert_eq!(put(&alice, json!({})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(body(t.get(&alice, "/api/v1/survey-questions").await).await["extra"], json!([]));
    let q = json!({"rating": "How did we do?", "effort": null, "extra": [
        {"label": "How did you reach us?", "kind": "choice", "options": ["Email", "Phone"], "required": true},
        {"label": "How clear were our updates?", "kind": "scale"}
    ]});
    assert_eq!(put(&admin, q).await.status(), StatusCode::OK);

    let n = t.create(&kim, "Monitor flickers").await["number"].as_str().unwrap().to_string();
    resolve(&t, &alice, &n).await;
    let url = link(&t, &kim, &n).await;
    let http = reqwest::Client::new();
    let page = http.get(t.url(&url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("How did you reach us?") && page.contains("How did we do?") && !page.contains("name=\"effort\""), "{page}");
    // The required question unanswered, or a choice not on the list: refused, nothing kept.
    let r = http.post(t.url(&url)).form(&[("rating", "4"), ("q2", "5")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("&#39;How did you reach us?&#39; needs an answer"));
    let r = http.post(t.url(&url)).form(&[("rating", "4"), ("q1", "Fax")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(t.get(&admin, "/api/v1/reports/csat/responses").await).await.as_array().unwrap().is_empty());
    let r =
        http.post(t.url(&url)).form(&[("rating", "4"), ("q1", "Phone"), ("q2", "5"), ("comment", "Quick, thanks")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = http.post(t.url(&url)).form(&[("comment", "and again")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "answered once, details included");

    // The comments: administrators and the group's manager see them; other agents not.
    let list = body(t.get(&mo, "/api/v1/reports/csat/responses").await).await;
    assert_eq!(list[0]["ticket"], n.as_str());
    assert_eq!(list[0]["comment"], "Quick, thanks");
    assert_eq!(list[0]["answers"], json!([["How did you reach us?", "Phone"], ["How clear were our updates?", "5"]]));
    assert_eq!(t.get(&alice, "/api/v1/reports/csat/responses").await.status(), StatusCode::FORBIDDEN);
    let csv = t.get(&admin, "/api/v1/reports/csat/responses?format=csv").await.text().await.unwrap();
    assert!(csv.contains("How did you reach us?: Phone; How clear were our updates?: 5"), "{csv}");

    // A rating sent alone takes its details once afterwards.
    let n2 = t.create(&kim, "Dock dead").await["number"].as_str().unwrap().to_string();
    resolve(&t, &alice, &n2).await;
    let url2 = link(&t, &kim, &n2).await;
    assert_eq!(http.post(t.url(&url2)).form(&[("rating", "2")]).send().await.unwrap().status(), StatusCode::OK);
    let r = http.post(t.url(&url2)).form(&[("q1", "Email"), ("comment", "Took long")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = http.post(t.url(&url2)).form(&[("q1", "Email"), ("comment", "Still long")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let list = body(t.get(&admin, "/api/v1/reports/csat/responses").await).await;
    let r2 = list.as_array().unwrap().iter().find(|r| r["ticket"] == n2.as_str()).unwrap();
    assert_eq!((r2["rating"].as_i64(), r2["comment"].as_str()), (Some(2), Some("Took long")));
}

on_both_databases!(a_resolved_incident_is_rated_once_and_scores_add_up, own_questions_are_asked_checked_and_shown_to_managers);
