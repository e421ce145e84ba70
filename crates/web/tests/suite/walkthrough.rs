//! What a first walkthrough of the workspace tripped over, over plain HTTP: sign-in
//! returning to the page asked for, known errors found by number, real 404 pages and a
//! site icon, the whole kind filter, a readable priority matrix, CSV reports that open
//! with the session, only the lifecycle moves a person may make, replies to closed
//! tickets, field names in words, every refused answer of an order form named beside
//! its question, approvers reading the form's labels, and a catch-all SLA definition
//! that hides the ones after it. On SQLite and PostgreSQL.

use crate::common::{Browser, PASSWORD, TestApp, body, hidden, location, set_cookies, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

async fn sign_in_returns_to_the_page_asked_for(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let b = Browser::new(&t);
    let r = b.open("/known-errors?q=KE0000001").await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/login?next=%2Fknown-errors%3Fq%3DKE0000001".to_string()));
    let sign_in = |next: &'static str| {
        let b = Browser::new(&t);
        async move {
            let r = b.http.get(format!("{}/login?next={}", b.base, next)).send().await.unwrap();
            let cookie = set_cookies(&r).into_iter().find(|c| c.contains("cairn_login=")).unwrap();
            let page = r.text().await.unwrap();
            let (csrf, carried) = (hidden(&page, "csrf"), page.contains(r#"name="next""#).then(|| hidden(&page, "next")));
            let form = [("username", "alice"), ("password", PASSWORD), ("csrf", &csrf), ("next", carried.as_deref().unwrap_or(""))];
            let cookie = cookie.split(';').next().unwrap().to_string();
            let r = b.http.post(format!("{}/login", b.base)).header(reqwest::header::COOKIE, cookie).form(&form).send().await.unwrap();
            (carried, location(&r))
        }
    };
    assert_eq!(
        sign_in("%2Fknown-errors%3Fq%3DKE0000001").await,
        (Some("/known-errors?q=KE0000001".into()), "/known-errors?q=KE0000001".into())
    );
    for elsewhere in ["%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example%2F", "%2F%5Cevil.example"] {
        assert_eq!(sign_in(elsewhere).await, (None, "/".to_string()), "{elsewhere} is not a page of this site");
    }
}

async fn known_errors_are_found_by_their_number_and_their_problems(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let k = json!({"title": "Outlook asks for the password again", "symptom": "A prompt every ten minutes", "status": "retired"});
    let number = body(t.post(&alice, "/api/v1/known-errors", k).await).await["number"].as_str().unwrap().to_string();
    let found = body(t.get(&alice, &format!("/api/v1/known-errors?q={}", number.to_lowercase())).await).await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["number"], number.as_str(), "a retired one too, by its number");
    let (b, _) = signed_in(&t, "bob", "agent").await;
    let (_, page) = b.get(&format!("/known-errors?q={number}")).await;
    assert!(page.contains(&format!(">{number}<")) && !page.contains("No known errors match"), "{page}");
}

async fn unknown_addresses_get_a_page_and_the_site_has_an_icon(url: String) {
    let t = TestApp::spawn(url).await;
    let (b, _) = signed_in(&t, "alice", "agent").await;
    let (status, page) = b.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("<h1>Not found</h1>") && page.contains("/no/such/page") && page.contains("Sign out"), "{page}");
    let r = reqwest::get(t.url("/api/v1/no-such-thing")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(body(r).await["error"], "not_found");
    let r = reqwest::get(t.url("/favicon.ico")).await.unwrap();
    assert_eq!((r.status(), r.headers()["content-type"].to_str().unwrap()), (StatusCode::OK, "image/svg+xml"));
    assert!(page.contains(r#"<link rel="icon" href="/static/icon.svg""#));
}

async fn the_queue_filters_every_kind_and_the_matrix_names_its_cells(url: String) {
    let t = TestApp::spawn(url).await;
    let (b, _) = signed_in(&t, "ada", "admin").await;
    let (_, queue) = b.get("/tickets").await;
    for kind in ["incident", "problem", "request", "task"] {
        assert!(queue.contains(&format!(r#"<option value="{kind}""#)), "the kind filter offers {kind}");
    }
    let (_, settings) = b.get("/admin/settings").await;
    assert!(settings.contains(r#"<label class="vh" for="m12">Impact high × urgency medium</label>"#), "{settings}");
    assert!(!settings.contains(r#"for="m12">m12<"#));
}

async fn service_level_reports_download_with_the_session(url: String) {
    let t = TestApp::spawn(url).await;
    let (b, _) = signed_in(&t, "ada", "admin").await;
    let (_, page) = b.get("/service-levels").await;
    for link in ["/api/v1/reports/sla?format=csv", "/api/v1/reports/sla/breaches?format=csv", "/api/v1/reports/csat?format=csv"] {
        assert!(page.contains(&format!(r#"href="{link}""#)), "{link} is a link: {page}");
        let r = b.open(link).await;
        assert_eq!(r.status(), StatusCode::OK, "{link} opens with the session");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert_eq!(reqwest::get(t.url(link)).await.unwrap().status(), StatusCode::UNAUTHORIZED, "{link} without a session");
    }
    // The session opens reads only: the same cookie acts on nothing through the API.
    let r = b.http.post(t.url("/api/v1/tickets")).header(reqwest::header::COOKIE, b.cookie.clone().unwrap()).json(&json!({"title": "x"}));
    assert_eq!(r.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

async fn an_author_is_not_offered_to_publish_their_own_article(url: String) {
    let t = TestApp::spawn(url).await;
    let (alice, _) = signed_in(&t, "alice", "agent").await;
    let (bob, _) = signed_in(&t, "bob", "agent").await;
    let token = t.app.create_token("default", "alice", "test").await.unwrap();
    let a = json!({"title": "Reset a VPN token", "body": "Open the portal.", "reviewer": "bob"});
    let n = body(t.post(&token, "/api/v1/articles", a).await).await["number"].as_str().unwrap().to_string();
    let r = t.post(&token, &format!("/api/v1/articles/{n}/state"), json!({"state": "in_review"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let (_, mine) = alice.get(&format!("/knowledge/{n}")).await;
    assert!(!mine.contains(r#"value="published""#) && mine.contains(r#"value="draft""#), "{mine}");
    let (_, theirs) = bob.get(&format!("/knowledge/{n}")).await;
    assert!(theirs.contains(r#"value="published""#), "the reviewer publishes");
}

async fn a_closed_ticket_takes_notes_but_no_replies_and_says_so(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let (kim, _) = signed_in(&t, "kim", "requester").await;
    let kim_token = t.app.create_token("default", "kim", "test").await.unwrap();
    let n = t.create(&kim_token, "Printer offline").await["number"].as_str().unwrap().to_string();
    for status in ["resolved", "closed"] {
        let cur = body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await;
        let change = json!({"status": status, "resolution_code": "solved"});
        assert_eq!(t.patch(&alice, &format!("/api/v1/tickets/{n}"), cur["etag"].as_str(), change).await.status(), StatusCode::OK);
    }
    let r = t.post(&kim_token, &format!("/api/v1/tickets/{n}/comments"), json!({"body": "It is broken again"})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(body(r).await["message"].as_str().unwrap().contains("is closed"));
    let note = json!({"body": "Printer replaced in January", "visibility": "internal"});
    assert_eq!(t.post(&alice, &format!("/api/v1/tickets/{n}/comments"), note).await.status(), StatusCode::CREATED);
    let h = body(t.get(&alice, &format!("/api/v1/tickets/{n}/history")).await).await;
    assert_eq!(h.as_array().unwrap().iter().filter(|e| e["action"] == "commented").count(), 1, "the refused reply left nothing");
    let (_, page) = kim.get(&format!("/tickets/{n}")).await;
    assert!(page.contains("This ticket is closed") && !page.contains(&format!(r#"action="/tickets/{n}/comments""#)), "{page}");
    let (agent, _) = signed_in(&t, "ann", "agent").await;
    let (_, page) = agent.get(&format!("/tickets/{n}")).await;
    assert!(page.contains("takes internal notes only") && !page.contains(r#"value="public""#), "agents may still note");
    assert!(page.contains("changed the resolution code from — to solved"), "field names in words: {page}");
}

async fn an_order_form_names_every_answer_at_fault_beside_its_question(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let form = json!([
        {"name": "model", "label": "Model", "kind": "choice", "required": true, "options": ["14-inch", "16-inch"]},
        {"name": "justification", "label": "Why do you need it?", "kind": "text", "required": true},
        {"name": "needed_by", "label": "Needed by", "kind": "date"}
    ]);
    let (approver, _) = signed_in(&t, "mona", "agent").await;
    let stages = json!([{"approver": "user", "name": "mona"}]);
    let item = json!({"category": "Hardware", "name": "Laptop", "variables": form, "approvals": stages});
    let id = body(t.post(&root, "/api/v1/catalog/items", item).await).await["id"].as_i64().unwrap();
    let (kim, csrf) = signed_in(&t, "kim", "requester").await;
    let (_, page) = kim.get(&format!("/catalog/{id}")).await;
    assert!(page.contains(r#"name="a.model" required"#) && page.contains(r#"name="a.justification" value="" required"#), "{page}");
    assert!(!page.contains(r#"name="a.needed_by" value="" type="date" required"#), "optional questions are not required");
    let r = kim.post(&format!("/catalog/{id}"), &[("csrf", &csrf), ("quantity", "1"), ("a.needed_by", "soon")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("3 answers need a change"), "{page}");
    for said in ["“Model” is required", "“Why do you need it?” is required", "“Needed by” must be a date (YYYY-MM-DD)"] {
        assert!(page.contains(said), "{said}: {page}");
    }
    assert!(page.contains(r#"aria-invalid="true" aria-describedby="q-justification-msg""#));
    assert!(!page.contains("answers: "), "no internal field names");

    // The approver reads the answers under the form's labels.
    let answers = [("csrf", csrf.as_str()), ("quantity", "1"), ("a.model", "14-inch"), ("a.justification", "Mine broke")];
    let r = kim.post(&format!("/catalog/{id}"), &answers).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let mona = t.app.create_token("default", "mona", "test").await.unwrap();
    let inbox = body(t.get(&mona, "/api/v1/approvals").await).await;
    let approval = inbox[0]["approval"]["id"].as_i64().unwrap_or_else(|| panic!("{inbox}"));
    let (_, page) = approver.get(&format!("/approvals/{approval}")).await;
    assert!(page.contains("<dt>Why do you need it?</dt><dd>Mine broke</dd>") && !page.contains("<dt>justification</dt>"), "{page}");
}

async fn a_definition_after_a_catch_all_is_shown_as_never_applying(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let cal = json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}});
    let r = t.http.put(t.url("/api/v1/calendars/Office")).bearer_auth(&root).json(&cal).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let all = json!({"name": "Standard", "kind": "sla", "calendar": "Office", "position": 1, "targets": {"resolution_minutes": 480}});
    let p1 = json!({"name": "Priority one", "kind": "sla", "calendar": "Office", "position": 2,
                    "applies_when": [{"field": "priority", "values": ["1"]}], "targets": {"resolution_minutes": 60}});
    for d in [all, p1] {
        let r = t.post(&root, "/api/v1/sla-definitions", d).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    }
    let (ada, _) = signed_in(&t, "ada", "admin").await;
    let (_, page) = ada.get("/admin/service-levels").await;
    assert!(page.contains("Never applies:</strong> Standard comes first"), "{page}");
    assert_eq!(page.matches("Never applies").count(), 1, "the catch-all itself applies");
}

on_both_databases!(
    sign_in_returns_to_the_page_asked_for,
    known_errors_are_found_by_their_number_and_their_problems,
    unknown_addresses_get_a_page_and_the_site_has_an_icon,
    the_queue_filters_every_kind_and_the_matrix_names_its_cells,
    service_level_reports_download_with_the_session,
    an_author_is_not_offered_to_publish_their_own_article,
    a_closed_ticket_takes_notes_but_no_replies_and_says_so,
    an_order_form_names_every_answer_at_fault_beside_its_question,
    a_definition_after_a_catch_all_is_shown_as_never_applying,
);
