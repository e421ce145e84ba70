//! The agent's and the admin's pages over plain HTTP: routing rules (add, try,
//! refuse), ticket actions (escalate, merge, major incident, time spent, canned
//! responses), known errors and problem candidates. On SQLite and PostgreSQL.

use crate::common::{Browser, PASSWORD, TestApp, body, hidden, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

/// Groups Network and Desk with member alice; categories Network and Network/VPN.
async fn setup(t: &TestApp) -> String {
    let root = t.user("default", "root", "admin").await;
    for g in ["Network", "Desk"] {
        assert_eq!(t.post(&root, "/api/v1/groups", json!({"name": g})).await.status(), StatusCode::CREATED);
    }
    for c in ["Network", "Network/VPN"] {
        assert_eq!(t.post(&root, "/api/v1/categories", json!({"name": c})).await.status(), StatusCode::CREATED);
    }
    root
}

async fn admins_add_and_try_routing_rules_from_the_routing_page(url: String) {
    let t = TestApp::spawn(url).await;
    setup(&t).await;
    let (ada, csrf) = signed_in(&t, "ada", "admin").await;
    let r = ada
        .post(
            "/admin/routing/rules",
            &[
                ("csrf", &csrf),
                ("name", "VPN to Network"),
                ("keywords", "vpn, tunnel"),
                ("group", "Network"),
                ("priority", "2"),
                ("tags", "vpn"),
            ],
        )
        .await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/admin/routing?saved=1".to_string()));
    let (_, page) = ada.get("/admin/routing").await;
    assert!(page.contains("VPN to Network") && page.contains("words vpn / tunnel") && page.contains("group Network"), "{page}");

    let r =
        ada.post("/admin/routing/try", &[("csrf", &csrf), ("title", "VPN tunnel keeps dropping"), ("impact", "2"), ("urgency", "2")]).await;
    let page = r.text().await.unwrap();
    assert!(page.contains("Rule “VPN to Network” fires.") && page.contains("Group: Network") && page.contains("Priority: P2"), "{page}");
    let r = ada.post("/admin/routing/try", &[("csrf", &csrf), ("title", "Printer jam"), ("impact", "2"), ("urgency", "2")]).await;
    assert!(r.text().await.unwrap().contains("No rule fires."));

    // A rule on an unknown category is refused with the reason, and nothing is added.
    let r = ada.post("/admin/routing/rules", &[("csrf", &csrf), ("name", "Bad"), ("category", "Nope"), ("group", "Network")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("no category"));
    let r = ada.post("/admin/groups/Network", &[("csrf", &csrf), ("assignment", "round_robin"), ("manager", "ada")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = ada.get("/admin/routing").await;
    assert!(!page.contains(">Bad<"), "the refused rule was not stored");
    assert!(page.contains(r#"<option value="round_robin" selected>"#), "the group's mode is shown");

    let (alice, _) = signed_in(&t, "alice", "agent").await;
    assert_eq!(alice.get("/admin/routing").await.0, StatusCode::FORBIDDEN);
}

async fn agents_escalate_merge_log_time_and_use_canned_responses_from_the_ticket_page(url: String) {
    let t = TestApp::spawn(url).await;
    let root = setup(&t).await;
    let (alice, csrf) = signed_in(&t, "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let n1 = t.create(&kim, "Tunnel to branch office down").await["number"].as_str().unwrap().to_string();
    let n2 = t.create(&kim, "Branch office tunnel is down").await["number"].as_str().unwrap().to_string();

    // Time spent with a note, shown per note and in total.
    let r = alice
        .post(
            &format!("/tickets/{n1}/comments"),
            &[("csrf", &csrf), ("body", "Checked the router"), ("visibility", "internal"), ("minutes", "25")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = alice.post(&format!("/tickets/{n1}/comments"), &[("csrf", &csrf), ("body", "More"), ("minutes", "soon")]).await;
    assert!(r.text().await.unwrap().contains("whole number of minutes"));
    let (_, page) = alice.get(&format!("/tickets/{n1}")).await;
    assert!(page.contains(r#"<dd id="time-spent">25 min</dd>"#), "{page}");

    // Escalate to another group: the history says so, with the reason.
    let r = alice
        .post(
            &format!("/tickets/{n1}/escalate"),
            &[("csrf", &csrf), ("to", "group"), ("group", "Network"), ("reason", "Needs the network team")],
        )
        .await;
    assert_eq!(location(&r), format!("/tickets/{n1}?done=escalated"));
    let (_, page) = alice.get(&format!("/tickets/{n1}?done=escalated")).await;
    assert!(
        page.contains("Escalated.") && page.contains("escalated from — to Network") && page.contains("Needs the network team"),
        "{page}"
    );
    let r = alice.post(&format!("/tickets/{n1}/escalate"), &[("csrf", &csrf), ("to", "manager"), ("reason", "urgent")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("group Network has no manager"));

    // Canned response filled into the reply box.
    let r = t.post(&root, "/api/v1/canned-responses", json!({"title": "Root's own", "body": "Hi"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = t
        .post(
            &t.app.create_token("default", "alice", "t").await.unwrap(),
            "/api/v1/canned-responses",
            json!({"title": "On it", "body": "Hello {{requester}}, {{number}} is with us."}),
        )
        .await;
    let id = body(r).await["id"].as_i64().unwrap();
    let (_, page) = alice.get(&format!("/tickets/{n1}")).await;
    assert!(page.contains(&format!(r#"<option value="{id}">On it</option>"#)), "{page}");
    assert!(!page.contains("Root&#39;s own") && !page.contains("Root's own"), "another agent's own response is not offered");
    let (_, page) = alice.get(&format!("/tickets/{n1}?canned={id}")).await;
    assert!(page.contains(&format!(">Hello kim, {n1} is with us.</textarea>")), "{page}");

    // Declare a major incident, then merge the duplicate into it.
    let r = alice.post(&format!("/tickets/{n1}/major"), &[("csrf", &csrf), ("manager", "alice")]).await;
    assert_eq!(location(&r), format!("/tickets/{n1}?done=major"));
    let (_, page) = alice.get(&format!("/tickets/{n1}")).await;
    assert!(page.contains("Communication update") && page.contains("declared a major incident"), "{page}");
    let r = alice.post(&format!("/tickets/{n1}/updates"), &[("csrf", &csrf), ("message", "Carrier is on site")]).await;
    assert_eq!(location(&r), format!("/tickets/{n1}?done=update"));
    let r = alice.post(&format!("/tickets/{n1}/watchers"), &[("csrf", &csrf), ("username", "root")]).await;
    assert_eq!(location(&r), format!("/tickets/{n1}?done=watching"));
    let review = [
        ("csrf", csrf.as_str()),
        ("summary", "Branch tunnel down 2 h"),
        ("root_cause", "Carrier fibre cut"),
        ("actions", "Second carrier"),
    ];
    assert_eq!(location(&alice.post(&format!("/tickets/{n1}/review"), &review).await), format!("/tickets/{n1}?done=review"));
    let (_, page) = alice.get(&format!("/tickets/{n1}")).await;
    assert!(page.contains("Post-incident review") && page.contains(">Carrier fibre cut</textarea>"), "{page}");
    let timeline = page.split(r#"class="history timeline""#).nth(1).unwrap().split("</ol>").next().unwrap();
    assert!(timeline.contains("declared a major incident") && timeline.contains("sent a communication update"), "{timeline}");
    assert!(page.contains(r#"aria-label="Remove watcher root""#), "root watches it");
    let r = alice.post(&format!("/tickets/{n2}/merge"), &[("csrf", &csrf), ("into", &n2)]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "not into itself");
    let r = alice.post(&format!("/tickets/{n2}/merge"), &[("csrf", &csrf), ("into", &n1)]).await;
    assert_eq!(location(&r), format!("/tickets/{n1}?done=merged"));
    let (_, page) = alice.get(&format!("/tickets/{n2}")).await;
    assert!(page.contains(&format!("merged this ticket into {n1}")), "{page}");
}

async fn problem_managers_accept_candidates_and_keep_known_errors(url: String) {
    let t = TestApp::spawn(url).await;
    setup(&t).await;
    let (alice, csrf) = signed_in(&t, "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;
    let mut incidents = Vec::new();
    for title in
        ["VPN disconnects every few minutes", "VPN keeps disconnecting every few minutes", "VPN disconnects every few minutes again"]
    {
        let r = t.post(&kim, "/api/v1/tickets", json!({"title": title, "category": "Network/VPN"})).await;
        incidents.push(body(r).await["number"].as_str().unwrap().to_string());
    }
    let r = alice.post("/problem-candidates/detect", &[("csrf", &csrf)]).await;
    assert_eq!(location(&r), "/problem-candidates?notice=1");
    let (_, page) = alice.get("/problem-candidates?notice=1").await;
    assert!(page.contains("Detection found 1 new candidates.") && page.contains("3 incidents in 1 days"), "{page}");
    let id = page.split("/accept").next().unwrap().rsplit("/problem-candidates/").next().unwrap().to_string();
    let r = alice.post(&format!("/problem-candidates/{id}/accept"), &[("csrf", &csrf)]).await;
    let to = location(&r);
    assert!(to.starts_with("/tickets/PRB"), "{to} {id} {}", r.text().await.unwrap());
    let (_, page) = alice.get(&to).await;
    assert!(page.contains("raised from a problem candidate of 3 similar incidents") && page.contains("Root cause"), "{page}");
    for n in &incidents {
        assert!(page.contains(&format!("/tickets/{n}")), "linked to {n}");
    }
    let problem = to.trim_start_matches("/tickets/").split('?').next().unwrap().to_string();

    // A known error for the problem, found from an incident and searchable.
    let r = alice
        .post(
            "/known-errors",
            &[
                ("csrf", &csrf),
                ("title", "VPN disconnects every few minutes"),
                ("symptom", "VPN disconnects every few minutes"),
                ("workaround", "Use the backup gateway"),
                ("problem", &problem),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = alice.post("/known-errors", &[("csrf", &csrf), ("title", "x"), ("symptom", " ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, page) = alice.get("/known-errors?q=disconnects").await;
    assert!(page.contains("Use the backup gateway") && page.contains(&problem), "{page}");
    let (_, page) = alice.get(&format!("/tickets/{}", incidents[0])).await;
    assert!(page.contains("Known errors matching") && page.contains("Workaround: Use the backup gateway"), "{page}");
    let r = alice.post(&format!("/tickets/{problem}/apply-workaround"), &[("csrf", &csrf)]).await;
    assert_eq!(location(&r), format!("/tickets/{problem}?done=workaround"));
    let (_, page) = alice.get(&format!("/tickets/{}", incidents[1])).await;
    assert!(page.contains("Use the backup gateway"), "the workaround reached the incident: {page}");
}

async fn admins_edit_the_matrix_auto_close_and_categories_on_the_settings_page(url: String) {
    let t = TestApp::spawn(url).await;
    let (ada, csrf) = signed_in(&t, "ada", "admin").await;
    let kim = t.user("default", "kim", "requester").await;
    let mut cells: Vec<(String, String)> = Vec::new();
    for (i, row) in [["2", "2", "3"], ["2", "3", "4"], ["3", "4", "5"]].iter().enumerate() {
        for (j, p) in row.iter().enumerate() {
            cells.push((format!("m{}{}", i + 1, j + 1), p.to_string()));
        }
    }
    let mut form: Vec<(&str, &str)> = cells.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    form.push(("csrf", &csrf));
    assert_eq!(ada.post("/admin/settings", &form).await.status(), StatusCode::SEE_OTHER);
    let r = t.post(&kim, "/api/v1/tickets", json!({"title": "Everything is down", "impact": 1, "urgency": 1})).await;
    assert_eq!(body(r).await["priority"], 2, "high × high now gives P2");

    let mut bad = form.clone();
    bad[0] = ("m11", "9");
    let r = ada.post("/admin/settings", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("must be 1..5"));
    let (_, page) = ada.get("/admin/settings").await;
    assert!(page.contains(r#"<select id="m11" name="m11"><option value="1">P1</option><option value="2" selected>"#), "unchanged: {page}");

    let r = ada.post("/admin/settings", &[("csrf", &csrf), ("auto_close_days", "soon")]).await;
    assert!(r.text().await.unwrap().contains("not a number of days"));
    assert_eq!(ada.post("/admin/settings", &[("csrf", &csrf), ("auto_close_days", "3")]).await.status(), StatusCode::SEE_OTHER);
    let r = ada.post("/admin/settings", &[("csrf", &csrf), ("category", "Printing/Jams")]).await;
    assert!(r.text().await.unwrap().contains("parent category"), "a subcategory needs its parent");
    assert_eq!(ada.post("/admin/settings", &[("csrf", &csrf), ("category", "Printing")]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(ada.post("/admin/settings", &[("csrf", &csrf), ("category", "Printing/Jams")]).await.status(), StatusCode::SEE_OTHER);
    let (_, page) = ada.get("/admin/settings").await;
    assert!(page.contains(r#"name="auto_close_days" value="3""#) && page.contains("<li>Printing/Jams</li>"), "{page}");
    let (alice, _) = signed_in(&t, "alice", "agent").await;
    assert_eq!(alice.get("/admin/settings").await.0, StatusCode::FORBIDDEN);
}

async fn children_resolve_with_their_parent_and_a_requester_reply_reopens(url: String) {
    let t = TestApp::spawn(url).await;
    let (alice, csrf) = signed_in(&t, "alice", "agent").await;
    t.user_with_password("default", "kim", "requester", Some(PASSWORD)).await;
    let mut kim = Browser::new(&t);
    kim.login("kim", PASSWORD).await;
    let kim_token = t.app.create_token("default", "kim", "t").await.unwrap();
    let parent = t.create(&kim_token, "Email down for everyone").await["number"].as_str().unwrap().to_string();
    let child = t.create(&kim_token, "Cannot send email").await["number"].as_str().unwrap().to_string();
    let r = alice.post(&format!("/tickets/{parent}/links"), &[("csrf", &csrf), ("kind", "parent_of"), ("target", &child)]).await;
    assert_eq!(location(&r), format!("/tickets/{parent}?done=linked"));
    let r = alice.post(&format!("/tickets/{parent}/links"), &[("csrf", &csrf), ("kind", "parent_of"), ("target", &parent)]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "not to itself");

    let (_, page) = alice.get(&format!("/tickets/{parent}")).await;
    let version = hidden(&page, "version");
    let form = [
        ("csrf", csrf.as_str()),
        ("version", &version),
        ("status", "resolved"),
        ("resolution_code", "solved"),
        ("resolution_notes", "Mail relay restarted"),
    ];
    assert_eq!(alice.post(&format!("/tickets/{parent}"), &form).await.status(), StatusCode::SEE_OTHER);
    let (_, page) = alice.get(&format!("/tickets/{child}")).await;
    assert!(
        page.contains(&format!("resolved with its parent {parent}")) && page.contains(r#"<option value="resolved" selected>"#),
        "{page}"
    );

    // The requester says it is not solved: the child goes back to work.
    let (_, page) = kim.get(&format!("/tickets/{child}")).await;
    assert!(
        page.contains("Not solved? Tell us what is still wrong") && page.contains(r#"<li aria-current="step">Resolved</li>"#),
        "{page}"
    );
    let kim_csrf = hidden(&page, "csrf");
    let r = kim.post(&format!("/tickets/{child}/comments"), &[("csrf", &kim_csrf), ("body", "Still cannot send")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = alice.get(&format!("/tickets/{child}")).await;
    assert!(
        page.contains("reopened the ticket (the requester replied)") && page.contains(r#"<option value="in_progress" selected>"#),
        "{page}"
    );

    // The requester rates the resolved parent from the portal, once.
    let (_, page) = kim.get(&format!("/tickets/{parent}")).await;
    assert!(page.contains("How did we do?"), "{page}");
    let r = kim.post(&format!("/tickets/{parent}/rate"), &[("csrf", &kim_csrf), ("rating", "9")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "the ticket page shows the refusal");
    let r = kim.post(&format!("/tickets/{parent}/rate"), &[("csrf", &kim_csrf), ("rating", "4"), ("comment", "Fast")]).await;
    assert_eq!(location(&r), format!("/tickets/{parent}?done=rated"));
    let (_, page) = kim.get(&format!("/tickets/{parent}")).await;
    assert!(page.contains("You rated this 4 of 5."), "{page}");
    let r = kim.post(&format!("/tickets/{parent}/rate"), &[("csrf", &kim_csrf), ("rating", "5")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "rated once");
    let r = alice.post(&format!("/tickets/{parent}/rate"), &[("csrf", &csrf), ("rating", "5")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "only the requester rates");

    // The parent's requester confirms its resolution: closed now, once.
    let r = kim.post(&format!("/tickets/{parent}/confirm"), &[("csrf", &kim_csrf)]).await;
    assert_eq!(location(&r), format!("/tickets/{parent}?done=confirmed"));
    let (_, page) = alice.get(&format!("/tickets/{parent}")).await;
    assert!(page.contains("confirmed the resolution and closed the ticket"), "{page}");
    let r = kim.post(&format!("/tickets/{parent}/confirm"), &[("csrf", &kim_csrf)]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a closed ticket is not confirmed again");
    let r = alice.post(&format!("/tickets/{child}/confirm"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "only the requester confirms");
}

async fn agents_switch_between_ready_made_queue_views(url: String) {
    let t = TestApp::spawn(url).await;
    let kim = t.user("default", "kim", "requester").await;
    let (ada, _) = signed_in(&t, "ada", "agent").await;
    let ada_api = t.user("default", "ada2", "agent").await;
    let mine = t.create(&kim, "Docking station dead").await["number"].as_str().unwrap().to_string();
    let other = t.create(&kim, "Badge reader offline").await["number"].as_str().unwrap().to_string();
    let cur = body(t.get(&ada_api, &format!("/api/v1/tickets/{mine}")).await).await;
    let r = t.patch(&ada_api, &format!("/api/v1/tickets/{mine}"), cur["etag"].as_str(), json!({"assignee": "ada"})).await;
    assert_eq!(r.status(), StatusCode::OK);

    let (_, page) = ada.get("/tickets?assignee=me").await;
    assert!(page.contains("<a href=\"/tickets?assignee=me\" aria-current=\"page\">My work</a>"), "{page}");
    assert!(page.contains(&mine) && !page.contains(&other), "my work is mine only");
    let (_, page) = ada.get("/tickets?assignee=none").await;
    assert!(page.contains("aria-current=\"page\">Unassigned</a>") && page.contains(&other) && !page.contains(&mine), "{page}");
    let (_, page) = ada.get("/tickets").await;
    assert!(page.contains("aria-current=\"page\">All open</a>") && page.contains(&mine) && page.contains(&other));
    // A saved view: the filters under a name, shared, with its count.
    let csrf = hidden(&page, "csrf");
    let r = ada
        .post("/views", &[("csrf", &csrf), ("name", "Mine, newest"), ("query", "status=open&assignee=me&sort=-created"), ("shared", "1")])
        .await;
    assert_eq!(location(&r), "/tickets?status=open&assignee=me&sort=-created");
    let (_, page) = ada.get("/tickets?status=open&assignee=me&sort=-created").await;
    assert!(page.contains("aria-current=\"page\">Mine, newest <span class=\"count\">1</span> <small>shared</small>"), "{page}");
    let r = ada.post("/views", &[("csrf", &csrf), ("name", "Mine, newest"), ("query", "assignee=me")]).await;
    assert!(r.text().await.unwrap().contains("you already have a view named"), "names are unique per owner");
    let r = ada.post("/views", &[("csrf", &csrf), ("name", "Odd"), ("query", "assignee=me&cursor=x")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another agent sees the shared view, counted for them, and cannot delete it.
    let (bo, bo_csrf) = signed_in(&t, "bo", "agent").await;
    let (_, page) = bo.get("/tickets").await;
    assert!(page.contains("Mine, newest <span class=\"count\">0</span>"), "{page}");
    let id = page.split("action=\"/views/").nth(1).map(|r| r.split('/').next().unwrap().to_string());
    assert!(id.is_none(), "no delete button on someone else's view");
    let (_, own) = ada.get("/tickets").await;
    let id = own.split("action=\"/views/").nth(1).unwrap().split('/').next().unwrap().to_string();
    assert_eq!(bo.post(&format!("/views/{id}/delete"), &[("csrf", &bo_csrf)]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(location(&ada.post(&format!("/views/{id}/delete"), &[("csrf", &csrf)]).await), "/tickets");
    assert!(!ada.get("/tickets").await.1.contains("Mine, newest"));

    // "My groups": tickets of the groups the agent belongs to.
    let root = t.user("default", "root", "admin").await;
    assert_eq!(t.post(&root, "/api/v1/groups", json!({"name": "Desk"})).await.status(), StatusCode::CREATED);
    assert_eq!(t.post(&root, "/api/v1/groups/Desk/members", json!({"username": "ada"})).await.status(), StatusCode::NO_CONTENT);
    let cur = body(t.get(&ada_api, &format!("/api/v1/tickets/{other}")).await).await;
    let r = t.patch(&ada_api, &format!("/api/v1/tickets/{other}"), cur["etag"].as_str(), json!({"group": "Desk"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, page) = ada.get("/tickets?group=mine").await;
    assert!(page.contains("aria-current=\"page\">My groups</a>") && page.contains(&other) && !page.contains(&mine), "{page}");
    assert!(!bo.get("/tickets?group=mine").await.1.contains(&other), "bo is in no group");

    // Columns: chosen per queue address, kept by a saved view, unknown ones refused.
    let (_, page) = ada.get("/tickets?col=due&col=category").await;
    let head = page.split("<thead>").nth(1).unwrap().split("</thead>").next().unwrap();
    assert!(head.contains(">Service level</a></th><th scope=\"col\">Category</th>") && !head.contains("Requester"), "{head}");
    assert!(page.contains("name=\"col\" value=\"due\" checked"), "the boxes show the choice");
    let (_, page) = ada.get("/tickets").await;
    assert!(page.contains(">Requester</th>"), "default columns");
    let r = ada.post("/views", &[("csrf", &csrf), ("name", "Due first"), ("query", "sort=due&col=due&col=group")]).await;
    assert_eq!(location(&r), "/tickets?sort=due&col=due&col=group");
    let r = ada.post("/views", &[("csrf", &csrf), ("name", "Odd"), ("query", "col=colour")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, page) = ada.get("/tickets?col=colour").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("no column"), "{page}");

    // Requesters see no agent views.
    let (kb, _) = signed_in(&t, "kai", "requester").await;
    assert!(!kb.get("/tickets").await.1.contains("aria-label=\"Views\""));
}

async fn requesters_start_at_the_portal_and_withdraw_what_they_no_longer_need(url: String) {
    let t = TestApp::spawn(url).await;
    let (kim, csrf) = signed_in(&t, "kim", "requester").await;
    let (ada, _) = signed_in(&t, "ada", "agent").await;
    let kim_api = t.app.create_token("default", "kim", "test").await.unwrap();
    let ada_api = t.user("default", "ada2", "agent").await;
    let mut lee = crate::common::Browser::new(&t);
    t.user_with_password("default", "lee", "requester", Some(PASSWORD)).await;
    assert_eq!(location(&lee.login("lee", PASSWORD).await), "/", "signing in leads home");
    let r = kim.open("/").await;
    assert_eq!(location(&r), "/portal");
    assert_eq!(location(&ada.open("/").await), "/tickets", "agents start at the queue");

    let (_, home) = kim.get("/portal").await;
    assert!(home.contains("How can we help, kim?") && home.contains("0 open requests") && home.contains("class=\"portal\""), "{home}");
    assert!(!home.contains("href=\"/dashboard\""), "no agent menu");
    for title in ["Laptop will not charge", "Need a second screen"] {
        let r = kim.post("/tickets", &[("csrf", &csrf), ("title", title), ("description", "Since Monday")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let (_, home) = kim.get("/portal").await;
    assert!(home.contains("2 open requests") && home.contains("Laptop will not charge") && !home.contains("Waiting for you"), "{home}");

    // A resolved request waits for the requester's word on the home page.
    let cur = body(t.get(&ada_api, "/api/v1/tickets/INC0000001").await).await;
    let patch = json!({"status": "resolved", "resolution_code": "solved", "resolution_notes": "New charger"});
    assert_eq!(t.patch(&ada_api, "/api/v1/tickets/INC0000001", cur["etag"].as_str(), patch).await.status(), StatusCode::OK);
    let (_, home) = kim.get("/portal").await;
    let waiting = home.split("id=\"waiting\"").nth(1).expect("waiting list");
    assert!(waiting.contains("Laptop will not charge") && home.contains("1 open request,"), "{home}");

    // Withdrawing: a reason is needed; the request is cancelled and the history says why.
    let (_, page) = kim.get("/tickets/INC0000002").await;
    assert!(page.contains(r#"<li aria-current="step">Submitted</li>"#) && page.contains("I no longer need this"), "{page}");
    let r = kim.post("/tickets/INC0000002/withdraw", &[("csrf", &csrf), ("reason", " ")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "refused on the ticket page");
    assert_eq!(body(t.get(&kim_api, "/api/v1/tickets/INC0000002").await).await["status"], "new", "nothing changed");
    let r = t.post(&ada_api, "/api/v1/tickets/INC0000002/withdraw", json!({"reason": "dup"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "only the requester withdraws");
    let r = kim.post("/tickets/INC0000002/withdraw", &[("csrf", &csrf), ("reason", "Borrowed one from a colleague")]).await;
    assert_eq!(location(&r), "/tickets/INC0000002?done=withdrawn");
    let (_, page) = kim.get("/tickets/INC0000002").await;
    assert!(page.contains("This request was withdrawn or cancelled.") && page.contains("withdrew the request: Borrowed one"), "{page}");
    let r = t.post(&kim_api, "/api/v1/tickets/INC0000002/withdraw", json!({"reason": "again"})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "no longer open");
    let r = t.post(&kim_api, "/api/v1/tickets/INC0000002/withdraw", json!({"why": "typo"})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(t.post(&kim_api, "/api/v1/tickets/INC0000001/confirm", json!({})).await.status(), StatusCode::NO_CONTENT);
    let (_, home) = kim.get("/portal").await;
    assert!(home.contains("0 open requests") && !home.contains("Waiting for you"), "{home}");
    assert_eq!(lee.open("/tickets/INC0000001").await.status(), StatusCode::NOT_FOUND, "another requester's ticket");
}

async fn requesters_of_a_sharing_organisation_follow_each_others_requests(url: String) {
    let t = TestApp::spawn(url).await;
    let (ada, csrf) = signed_in(&t, "ada", "admin").await;
    let root = t.user("default", "root", "admin").await;
    for o in ["Acme", "Globex"] {
        let r = ada.post("/admin/settings", &[("csrf", &csrf), ("new_organisation", o)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    for (u, o) in [("kim", "Acme"), ("lee", "Acme"), ("max", "Globex")] {
        let user = json!({"username": u, "role": "requester", "password": PASSWORD, "organisation": o});
        assert_eq!(t.post(&root, "/api/v1/users", user).await.status(), StatusCode::CREATED);
    }
    let token = |u: &'static str| t.app.create_token("default", u, "test");
    let (kim, lee, max) = (token("kim").await.unwrap(), token("lee").await.unwrap(), token("max").await.unwrap());
    let n = t.create(&lee, "Printer on floor 2 jams").await["number"].as_str().unwrap().to_string();
    let path = format!("/api/v1/tickets/{n}");
    assert_eq!(t.get(&kim, &path).await.status(), StatusCode::NOT_FOUND, "private until shared");

    // The administrator lets Acme share: kim sees lee's request, Globex's max does not.
    let r = ada.post("/admin/settings", &[("csrf", &csrf), ("organisation", "Acme"), ("shared", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = ada.get("/admin/settings").await;
    assert!(page.contains("<strong>Acme</strong> shares tickets") && page.contains("<strong>Globex</strong> private"), "{page}");
    assert_eq!(t.get(&kim, &path).await.status(), StatusCode::OK);
    let list = body(t.get(&kim, "/api/v1/tickets").await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(t.get(&max, &path).await.status(), StatusCode::NOT_FOUND);
    let r = t.post(&kim, &format!("{path}/comments"), json!({"body": "Same here, on floor 2"})).await;
    assert_eq!(r.status(), StatusCode::CREATED, "a colleague adds to it");
    let mut kb = crate::common::Browser::new(&t);
    kb.login("kim", PASSWORD).await;
    let (_, home) = kb.get("/portal").await;
    assert!(home.contains("Printer on floor 2 jams") && home.contains("raised by lee"), "{home}");
    let (_, page) = kb.get(&format!("/tickets/{n}")).await;
    assert!(page.contains("Raised by lee, of your organisation.") && !page.contains("I no longer need this"), "{page}");
    let r = t.post(&kim, &format!("{path}/withdraw"), json!({"reason": "not mine"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "only the requester withdraws");

    // Only administrators change sharing; unknown names are named.
    let r = t.http.put(t.url("/api/v1/organisations/Acme")).bearer_auth(&kim).json(&json!({"shared_tickets": false})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = t.http.put(t.url("/api/v1/organisations/Nope")).bearer_auth(&root).json(&json!({"shared_tickets": true})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r =
        t.http.put(t.url("/api/v1/organisations/Acme")).bearer_auth(&root).json(&json!({"shared_tickets": false})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(t.get(&kim, &path).await.status(), StatusCode::NOT_FOUND, "private again");
    let orgs = body(t.get(&root, "/api/v1/organisations").await).await;
    assert_eq!(orgs, json!([{"name": "Acme", "shared_tickets": false}, {"name": "Globex", "shared_tickets": false}]));
}

async fn agents_see_similar_tickets_on_the_ticket_page(url: String) {
    let t = TestApp::spawn(url).await;
    let (ada, _) = signed_in(&t, "ada", "agent").await;
    let (kim, _) = signed_in(&t, "kim", "requester").await;
    let kim_api = t.app.create_token("default", "kim", "test").await.unwrap();
    let first = t.create(&kim_api, "VPN tunnel drops every hour").await["number"].as_str().unwrap().to_string();
    let twin = t.create(&kim_api, "The VPN tunnel drops after login").await["number"].as_str().unwrap().to_string();
    let other = t.create(&kim_api, "Printer jam on floor 2").await["number"].as_str().unwrap().to_string();
    let (_, page) = ada.get(&format!("/tickets/{first}")).await;
    let similar = page.split("id=\"similar\"").nth(1).expect("a similar list").split("</ul>").next().unwrap();
    assert!(similar.contains(&twin) && !similar.contains(&other) && !similar.contains(&format!(">{first}<")), "{similar}");
    let (_, page) = ada.get(&format!("/tickets/{other}")).await;
    assert!(!page.contains("Similar tickets"), "nothing like a printer jam");
    let (_, page) = kim.get(&format!("/tickets/{first}")).await;
    assert!(!page.contains("Similar tickets"), "agents only");
}

on_both_databases!(
    agents_see_similar_tickets_on_the_ticket_page,
    requesters_of_a_sharing_organisation_follow_each_others_requests,
    requesters_start_at_the_portal_and_withdraw_what_they_no_longer_need,
    agents_switch_between_ready_made_queue_views,
    admins_edit_the_matrix_auto_close_and_categories_on_the_settings_page,
    children_resolve_with_their_parent_and_a_requester_reply_reopens,
    admins_add_and_try_routing_rules_from_the_routing_page,
    agents_escalate_merge_log_time_and_use_canned_responses_from_the_ticket_page,
    problem_managers_accept_candidates_and_keep_known_errors,
);
