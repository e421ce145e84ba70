//! The CMDB over HTTP on SQLite and PostgreSQL: classes with inherited, typed
//! attributes and every refusal naming the attribute; relations checked against the
//! catalogue; impact up and down over a graph with a cycle; affected CIs on a ticket;
//! the graph held in memory answering as the database does, and going stale with
//! every write; and a CI's history from the journal.

use crate::common::{TestApp, body, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn ci(t: &TestApp, token: &str, v: Value) -> String {
    let r = t.post(token, "/api/v1/cis", v.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{v}: {}", r.text().await.unwrap());
    body(r).await["number"].as_str().unwrap().to_string()
}

async fn relate(t: &TestApp, token: &str, from: &str, rel: &str, to: &str) -> reqwest::Response {
    t.post(token, "/api/v1/relations", json!({"from": from, "type": rel, "to": to})).await
}

/// Relates each `(from, type, to)`; every one must be created.
async fn relate_all(t: &TestApp, token: &str, relations: &[(&str, &str, &str)]) {
    for (from, rel, to) in relations {
        assert_eq!(relate(t, token, from, rel, to).await.status(), StatusCode::CREATED, "{from} {rel} {to}");
    }
}

/// A new incident with `ci` affected: the ticket's JSON after the change.
async fn incident_on(t: &TestApp, token: &str, title: &str, ci: &str) -> Value {
    let inc = t.create(token, title).await;
    let n = inc["number"].as_str().unwrap();
    let r = t.patch(token, &format!("/api/v1/tickets/{n}"), inc["etag"].as_str(), json!({"cis": [ci]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    body(r).await
}

/// The refusal's status and message.
async fn refused(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    (status, r.text().await.unwrap())
}

async fn classes_inherit_typed_attributes_and_every_write_is_checked(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let kim = t.user("default", "kim", "requester").await;

    let classes = body(t.get(&alice, "/api/v1/ci-classes").await).await;
    let server = classes.as_array().unwrap().iter().find(|k| k["code"] == "server").expect("the starter tree has servers");
    assert_eq!(server["parent"], "hardware");
    let serial = server["attributes"].as_array().unwrap().iter().find(|a| a["code"] == "serial_number").expect("inherited");
    assert_eq!((serial["defined_by"].as_str(), serial["key"].as_i64()), (Some("hardware"), Some(1)));
    for code in ["business_service", "room", "codec", "touch_panel", "database"] {
        assert!(classes.as_array().unwrap().iter().any(|k| k["code"] == code), "{code}");
    }

    // An administrator adds a class below server with a required attribute.
    let blade = json!({"code": "blade_server", "parent": "server", "attributes": [
        {"code": "chassis_slot", "kind": "integer", "required": true},
        {"code": "tier", "kind": "enum", "values": ["gold", "silver"]}
    ]});
    assert_eq!(t.post(&alice, "/api/v1/ci-classes", blade.clone()).await.status(), StatusCode::FORBIDDEN, "agents do not shape the tree");
    let r = t.post(&root, "/api/v1/ci-classes", blade.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created = body(r).await;
    let codes: Vec<&str> = created["attributes"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert!(codes.starts_with(&["serial_number", "asset_tag"]) && codes.ends_with(&["chassis_slot", "tier"]), "{codes:?}");
    let (status, why) = refused(t.post(&root, "/api/v1/ci-classes", blade).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
    let dup = json!({"code": "rack", "parent": "blade_server", "attributes": [{"code": "hostname", "kind": "string"}]});
    let (status, why) = refused(t.post(&root, "/api/v1/ci-classes", dup).await).await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && why.contains("hostname"), "an inherited code cannot be defined again: {why}");
    let r = t.post(&root, "/api/v1/ci-classes/server/attributes", json!({"code": "rack_units", "kind": "integer"})).await;
    assert_eq!(r.status(), StatusCode::CREATED, "attributes are added without a migration");

    // Values are checked against the class on every write, the refusal naming the attribute.
    let good =
        json!({"class": "blade_server", "name": "bl-01", "attributes": {"serial_number": "SN-1", "chassis_slot": 4, "rack_units": 1}});
    for (bad, names) in [
        (json!({"class": "blade_server", "name": "bl-02", "attributes": {}}), "chassis_slot: required"),
        (json!({"class": "blade_server", "name": "bl-02", "attributes": {"chassis_slot": "four"}}), "chassis_slot: must be a whole number"),
        (
            json!({"class": "blade_server", "name": "bl-02", "attributes": {"chassis_slot": 1, "tier": "bronze"}}),
            "tier: must be one of gold, silver",
        ),
        (json!({"class": "blade_server", "name": "bl-02", "attributes": {"chassis_slot": 1, "colour": "red"}}), "colour: not an attribute"),
        (json!({"class": "spaceship", "name": "x"}), "unknown class 'spaceship'"),
        (json!({"class": "server", "name": " "}), "name"),
        (json!({"class": "server", "name": "x", "status": "broken"}), "unknown value 'broken'"),
        (json!({"class": "server", "name": "x", "location": "CI9999999"}), "location"),
    ] {
        let (status, why) = refused(t.post(&alice, "/api/v1/cis", bad.clone()).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {why}");
        assert!(why.contains(names), "{bad}: {why}");
    }
    assert_eq!(t.post(&kim, "/api/v1/cis", good.clone()).await.status(), StatusCode::FORBIDDEN, "requesters do not write the CMDB");
    assert_eq!(t.get(&kim, "/api/v1/cis").await.status(), StatusCode::FORBIDDEN);
    let n = ci(&t, &alice, good).await;
    assert_eq!(n, "CI0000001");
    let listed = body(t.get(&alice, "/api/v1/cis?class=hardware").await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "a class lists its subclasses' CIs");
    assert_eq!(body(t.get(&alice, "/api/v1/cis?class=software").await).await["items"].as_array().unwrap().len(), 0);
    assert_eq!(body(t.get(&alice, "/api/v1/cis?q=BL-0").await).await["items"][0]["number"], n);

    // A change: only what is given changes; null removes an attribute; each change is journaled.
    let path = format!("/api/v1/cis/{n}");
    let r = t.patch(&alice, &path, None, json!({"status": "degraded", "attributes": {"rack_units": null, "tier": "gold"}})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let now = body(r).await;
    assert_eq!((now["status"].as_str(), now["name"].as_str()), (Some("degraded"), Some("bl-01")));
    assert_eq!(now["attributes"], json!({"serial_number": "SN-1", "chassis_slot": 4, "tier": "gold"}));
    let (status, why) = refused(t.patch(&alice, &path, None, json!({"attributes": {"chassis_slot": null}})).await).await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && why.contains("chassis_slot: required"), "{why}");
    let history = body(t.get(&alice, &format!("{path}/history")).await).await;
    let seen: Vec<(String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_string(), e["field"].as_str().unwrap_or("").to_string()))
        .collect();
    for want in [("created", ""), ("updated", "status"), ("updated", "attributes.rack_units"), ("updated", "attributes.tier")] {
        assert!(seen.contains(&(want.0.to_string(), want.1.to_string())), "{want:?} in {seen:?}");
    }
    let status_change = history.as_array().unwrap().iter().find(|e| e["field"] == "status").unwrap();
    assert_eq!((status_change["old"].as_str(), status_change["new"].as_str()), (Some("operational"), Some("degraded")));
    assert_eq!(status_change["actor"], "alice");
}

async fn unique_values_stay_unique(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let phone =
        json!({"code": "desk_phone", "parent": "end_user_device", "attributes": [{"code": "extension", "kind": "string", "unique": true}]});
    assert_eq!(t.post(&root, "/api/v1/ci-classes", phone).await.status(), StatusCode::CREATED);
    let first = ci(&t, &alice, json!({"class": "desk_phone", "name": "Phone A", "attributes": {"extension": "4711"}})).await;
    let (status, why) = refused(
        t.post(&alice, "/api/v1/cis", json!({"class": "desk_phone", "name": "Phone B", "attributes": {"extension": " 4711 "}})).await,
    )
    .await;
    assert!(status == StatusCode::CONFLICT && why.contains("extension") && why.contains(&first), "{why}");
    let second = ci(&t, &alice, json!({"class": "desk_phone", "name": "Phone B", "attributes": {"extension": "4712"}})).await;
    let (status, _) =
        refused(t.patch(&alice, &format!("/api/v1/cis/{second}"), None, json!({"attributes": {"extension": "4711"}})).await).await;
    assert_eq!(status, StatusCode::CONFLICT, "a change may not take another CI's value either");
    assert_eq!(
        body(t.get(&alice, "/api/v1/cis?class=desk_phone").await).await["items"].as_array().unwrap().len(),
        2,
        "nothing half-written"
    );
}

async fn relations_follow_the_catalogue(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let other = {
        t.app.create_tenant("other", "Other").await.unwrap();
        t.user("other", "xavier", "agent").await
    };
    let server = ci(&t, &alice, json!({"class": "server", "name": "srv-01"})).await;
    let app = ci(&t, &alice, json!({"class": "application", "name": "Payroll"})).await;
    let room = ci(&t, &alice, json!({"class": "room", "name": "Room 4.12"})).await;
    let display = ci(&t, &alice, json!({"class": "display", "name": "Wall display", "location": room})).await;
    let codec = ci(&t, &alice, json!({"class": "codec", "name": "Room codec"})).await;
    // Numbers are per tenant: the other tenant's seventh CI has a number nobody here has.
    let mut foreign = String::new();
    for i in 0..7 {
        foreign = ci(&t, &other, json!({"class": "server", "name": format!("theirs-{i}")})).await;
    }

    let r = relate(&t, &alice, &app, "runs_on", &server).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let rel = body(r).await;
    assert_eq!(
        (rel["from"]["number"].as_str(), rel["type"].as_str(), rel["to"]["number"].as_str()),
        (Some(&*app), Some("runs_on"), Some(&*server))
    );
    for (from, rel, to, status, says) in [
        (&app, "runs_on", &server, StatusCode::CONFLICT, "already"),
        (&server, "runs_on", &app, StatusCode::UNPROCESSABLE_ENTITY, "server runs on application is not allowed"),
        (&server, "depends_on", &server, StatusCode::UNPROCESSABLE_ENTITY, "itself"),
        (&server, "located_in", &display, StatusCode::UNPROCESSABLE_ENTITY, "not allowed"),
        (&server, "hosts", &app, StatusCode::UNPROCESSABLE_ENTITY, "unknown value 'hosts'"),
        (&server, "depends_on", &foreign, StatusCode::UNPROCESSABLE_ENTITY, "no CI"),
    ] {
        let (got, why) = refused(relate(&t, &alice, from, rel, to).await).await;
        assert_eq!(got, status, "{from} {rel} {to}: {why}");
        assert!(why.contains(says), "{from} {rel} {to}: {why}");
    }
    assert_eq!(relate(&t, &alice, &display, "connected_to", &codec).await.status(), StatusCode::CREATED);
    let (got, why) = refused(relate(&t, &alice, &codec, "connected_to", &display).await).await;
    assert_eq!(got, StatusCode::CONFLICT, "a symmetric relation exists both ways: {why}");
    assert_eq!(relate(&t, &alice, &codec, "located_in", &room).await.status(), StatusCode::CREATED);
    let mut ours = String::new();
    for i in 0..3 {
        ours = ci(&t, &alice, json!({"class": "server", "name": format!("spare-{i}")})).await;
    }
    assert_eq!(ours, "CI0000008", "a number the other tenant does not have");
    assert_eq!(t.get(&other, &format!("/api/v1/cis/{ours}/relations")).await.status(), StatusCode::NOT_FOUND, "another tenant's CI");
    assert_eq!(t.get(&other, &format!("/api/v1/cis/{ours}")).await.status(), StatusCode::NOT_FOUND);

    let seen = body(t.get(&alice, &format!("/api/v1/cis/{server}/relations")).await).await;
    assert_eq!(seen[0]["label"], "hosts", "read from the server's side");
    let of_app = body(t.get(&alice, &format!("/api/v1/cis/{app}/relations")).await).await;
    assert_eq!(of_app[0]["label"], "runs on");
    let history = body(t.get(&alice, &format!("/api/v1/cis/{server}/history")).await).await;
    assert!(
        history.as_array().unwrap().iter().any(|e| e["action"] == "related" && e["new"].as_str().unwrap().starts_with("hosts")),
        "{history}"
    );

    let id = rel["id"].as_i64().unwrap();
    assert_eq!(
        t.http.delete(t.url(&format!("/api/v1/relations/{id}"))).bearer_auth(&other).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.http.delete(t.url(&format!("/api/v1/relations/{id}"))).bearer_auth(&alice).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(body(t.get(&alice, &format!("/api/v1/cis/{server}/relations")).await).await.as_array().unwrap().len(), 0);
    let history = body(t.get(&alice, &format!("/api/v1/cis/{app}/history")).await).await;
    assert!(history.as_array().unwrap().iter().any(|e| e["action"] == "unrelated"), "{history}");
}

async fn impact_walks_up_and_down_through_a_cycle(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    assert_eq!(t.post(&root, "/api/v1/organisations", json!({"name": "Finance"})).await.status(), StatusCode::CREATED);
    let room = ci(&t, &alice, json!({"class": "room", "name": "Server room"})).await;
    let server = ci(&t, &alice, json!({"class": "server", "name": "srv-01"})).await;
    let app = ci(&t, &alice, json!({"class": "application", "name": "Payroll app"})).await;
    let payroll =
        ci(&t, &alice, json!({"class": "business_service", "name": "Payroll", "criticality": "critical", "organisation": "Finance"})).await;
    let hr = ci(&t, &alice, json!({"class": "business_service", "name": "HR portal"})).await;
    relate_all(
        &t,
        &alice,
        &[
            (&server, "located_in", &room),
            (&app, "runs_on", &server),
            (&payroll, "depends_on", &app),
            (&hr, "depends_on", &payroll),
            (&payroll, "depends_on", &hr),
        ],
    )
    .await;
    // An open incident on the application.
    let inc = incident_on(&t, &alice, "Payroll app slow", &app).await;
    let n = inc["number"].as_str().unwrap();
    assert_eq!(inc["cis"], json!([app.clone()]));
    assert_eq!(body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await["cis"], json!([app.clone()]));

    let up = body(t.get(&alice, &format!("/api/v1/cis/{server}/impact")).await).await;
    let reached: Vec<(&str, i64)> =
        up["cis"].as_array().unwrap().iter().map(|c| (c["number"].as_str().unwrap(), c["depth"].as_i64().unwrap())).collect();
    assert_eq!(reached, [(&*app, 1), (&*payroll, 2), (&*hr, 3)], "up from the server, once each despite the cycle");
    assert_eq!(up["cis"][2]["path"], json!([server.clone(), app.clone(), payroll.clone(), hr.clone()]));
    let services: Vec<&str> = up["services"].as_array().unwrap().iter().map(|s| s["number"].as_str().unwrap()).collect();
    assert_eq!(services, [&*payroll, &*hr]);
    assert_eq!(up["services"][0]["criticality"], "critical");
    assert_eq!(up["organisations"], json!(["Finance"]));
    assert_eq!(up["open_tickets"][0]["number"], n);
    assert_eq!(up["open_tickets"][0]["ci"], app);

    let down = body(t.get(&alice, &format!("/api/v1/cis/{hr}/impact?direction=down")).await).await;
    let reached: Vec<&str> = down["cis"].as_array().unwrap().iter().map(|c| c["number"].as_str().unwrap()).collect();
    assert_eq!(reached, [&*payroll, &*app, &*server, &*room], "down from HR: all it needs");
    assert_eq!(down["rooms"][0]["number"], room);
    let shallow = body(t.get(&alice, &format!("/api/v1/cis/{hr}/impact?direction=down&depth=2")).await).await;
    assert_eq!(shallow["cis"].as_array().unwrap().len(), 2);
    let up_room = body(t.get(&alice, &format!("/api/v1/cis/{room}/impact")).await).await;
    assert_eq!(up_room["cis"].as_array().unwrap().len(), 4, "a room's failure reaches what is in it and above");

    for (q, field) in [("direction=sideways", "direction"), ("depth=0", "depth"), ("depth=51", "depth"), ("depth=x", "depth")] {
        let (status, why) = refused(t.get(&alice, &format!("/api/v1/cis/{server}/impact?{q}")).await).await;
        assert!(status.is_client_error() && why.contains(field), "{q}: {status} {why}");
    }
    let (status, _) = refused(
        t.patch(
            &alice,
            &format!("/api/v1/tickets/{n}"),
            body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await["etag"].as_str(),
            json!({"cis": ["CI9999"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown CI on a ticket");
    assert_eq!(body(t.get(&alice, &format!("/api/v1/tickets/{n}")).await).await["cis"], json!([app]), "and nothing changed");
}

async fn an_incident_shows_the_services_its_cis_are_used_by(url: String) {
    let t = TestApp::spawn(url).await;
    let token = t.user("default", "alice", "agent").await;
    let (ada, csrf) = signed_in(&t, "ada", "agent").await;
    let server = ci(&t, &token, json!({"class": "server", "name": "srv-01"})).await;
    let app = ci(&t, &token, json!({"class": "application", "name": "Payroll app"})).await;
    let payroll = ci(&t, &token, json!({"class": "business_service", "name": "Payroll", "criticality": "critical"})).await;
    let intranet = ci(&t, &token, json!({"class": "technical_service", "name": "Intranet", "criticality": "low"})).await;
    relate_all(&t, &token, &[(&app, "runs_on", &server), (&payroll, "depends_on", &app), (&intranet, "depends_on", &server)]).await;
    let inc = t.create(&token, "Server down").await;
    let n = inc["number"].as_str().unwrap().to_string();
    let version = inc["version"].to_string();
    let r = ada
        .post(
            &format!("/tickets/{n}/cis"),
            &[("csrf", csrf.as_str()), ("version", version.as_str()), ("cis", &format!("{server}, nothing"))],
        )
        .await;
    assert!(r.status().is_client_error(), "an unknown CI is refused: {}", r.status());
    let page = r.text().await.unwrap();
    assert!(page.contains("no CI &#39;nothing&#39;"), "{page}");
    let r = ada.post(&format!("/tickets/{n}/cis"), &[("csrf", csrf.as_str()), ("version", version.as_str()), ("cis", &server)]).await;
    let back = location(&r);
    assert_eq!(back, format!("/tickets/{n}?done=cis"));
    let (_, page) = ada.get(&back).await;
    assert!(page.contains("Affected CIs updated.") && page.contains(&format!(r#"<a href="/cis/{server}">{server}</a> srv-01"#)), "{page}");
    assert!(page.contains(&format!("Used by 2 services, 1 critical: {payroll} Payroll (critical); {intranet} Intranet (low)")), "{page}");
    let history = body(t.get(&token, &format!("/api/v1/tickets/{n}/history")).await).await;
    assert!(history.as_array().unwrap().iter().any(|e| e["field"] == "cis" && e["new"] == server.as_str()), "{history}");

    // The critical service suggests a high impact; applied, the history says why.
    let why = format!("{payroll} Payroll is a critical service, which {server} srv-01 is used by");
    assert!(page.contains(&why) && page.contains("Set impact to High"), "{page}");
    let version = body(t.get(&token, &format!("/api/v1/tickets/{n}")).await).await["version"].to_string();
    let r = ada.post(&format!("/tickets/{n}/cis/impact"), &[("csrf", csrf.as_str()), ("version", version.as_str())]).await;
    let back = location(&r);
    assert_eq!(back, format!("/tickets/{n}?done=impact"));
    assert_eq!(body(t.get(&token, &format!("/api/v1/tickets/{n}")).await).await["impact"], 1);
    let (_, page) = ada.get(&back).await;
    assert!(page.contains(&format!("raised the impact from the CMDB: {why}")) && !page.contains("Set impact to High"), "{page}");
    let version = body(t.get(&token, &format!("/api/v1/tickets/{n}")).await).await["version"].to_string();
    let r = ada.post(&format!("/tickets/{n}/cis/impact"), &[("csrf", csrf.as_str()), ("version", version.as_str())]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "nothing higher to apply: the ticket page says so");
    let (kim, _) = signed_in(&t, "kim", "requester").await;
    let kims = t.app.create_token("default", "kim", "test").await.unwrap();
    let own = t.create(&kims, "My laptop").await["number"].as_str().unwrap().to_string();
    let (_, page) = kim.get(&format!("/tickets/{own}")).await;
    assert!(!page.contains("Affected CIs"), "requesters do not see the CMDB");
}

on_both_databases!(
    an_incident_shows_the_services_its_cis_are_used_by,
    agents_keep_cis_in_the_browser,
    classes_inherit_typed_attributes_and_every_write_is_checked,
    unique_values_stay_unique,
    relations_follow_the_catalogue,
    impact_walks_up_and_down_through_a_cycle,
    the_graph_in_memory_answers_as_the_database_does,
);

async fn agents_keep_cis_in_the_browser(url: String) {
    let t = TestApp::spawn(url).await;
    let alice_token = t.user("default", "alice", "agent").await;
    let (alice, csrf) = signed_in(&t, "ada", "agent").await;
    let (status, page) = alice.get("/cis").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Add a configuration item") && page.contains(r#"<option value="server">"#), "{page}");
    let r = alice.post("/cis", &[("csrf", csrf.as_str()), ("class", "server"), ("name", "srv-ui"), ("status", "operational")]).await;
    let at = location(&r);
    assert_eq!(at, "/cis/CI0000001?done=created");
    let room = ci(&t, &alice_token, json!({"class": "room", "name": "Room 1"})).await;
    let app = ci(&t, &alice_token, json!({"class": "application", "name": "Billing"})).await;
    assert_eq!(relate(&t, &alice_token, &app, "runs_on", "CI0000001").await.status(), StatusCode::CREATED);

    // The page: details with typed inputs, the impact graph, relations.
    let (status, page) = alice.get(&at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("CI created.") && page.contains(r#"name="a.cpu_cores" type="number""#), "{page}");
    assert!(
        page.contains("<svg") && page.contains(r#"<a href="/cis/CI0000003">"#) && page.contains("Billing"),
        "the graph shows the app: {page}"
    );
    assert!(page.contains("hosts <a href=\"/cis/CI0000003\">"), "the relation read from the server: {page}");

    // A bad value comes back with the attribute named, nothing saved.
    let form = |cores: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf", csrf.clone()),
            ("name", "srv-ui".into()),
            ("status", "degraded".into()),
            ("criticality", "high".into()),
            ("a.cpu_cores", cores.into()),
            ("location", room.clone()),
        ]
    };
    let bad = form("many");
    let r = alice.post("/cis/CI0000001", &bad.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("cpu_cores: must be a whole number"));
    assert_eq!(body(t.get(&alice_token, "/api/v1/cis/CI0000001").await).await["status"], "operational", "nothing saved");
    let good = form("16");
    let r = alice.post("/cis/CI0000001", &good.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(location(&r), "/cis/CI0000001?done=saved");
    let now = body(t.get(&alice_token, "/api/v1/cis/CI0000001").await).await;
    assert_eq!(
        (now["status"].as_str(), now["attributes"]["cpu_cores"].as_i64(), now["location"].as_str()),
        (Some("degraded"), Some(16), Some(&*room))
    );

    // Relations added and removed from the page.
    let r = alice.post("/cis/CI0000001/relations", &[("csrf", csrf.as_str()), ("type", "runs_on"), ("other", &app), ("way", "out")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a server does not run on an application");
    let (_, page) = alice.get("/cis/CI0000001").await;
    let at = page.find("/relations/").expect("a remove button") + "/relations/".len();
    let id: String = page[at..].chars().take_while(char::is_ascii_digit).collect();
    let r = alice.post(&format!("/cis/CI0000001/relations/{id}/remove"), &[("csrf", csrf.as_str())]).await;
    assert_eq!(location(&r), "/cis/CI0000001?done=unrelated");
    let (_, page) = alice.get("/cis/CI0000001?direction=down").await;
    assert!(page.contains("No relations yet.") && page.contains("relation removed: hosts CI0000003 Billing"), "{page}");
    let r = alice.post("/cis/CI0000001%0D%0A/relations/1/remove", &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "a number that is not one writes nothing");

    let (kim, _) = signed_in(&t, "kim", "requester").await;
    assert_eq!(kim.get("/cis").await.0, StatusCode::FORBIDDEN);
}

/// What an impact answer says, in a form two answers compare by.
fn summary(i: &cairn_app::cmdb::impact::Impact) -> Vec<String> {
    let mut out: Vec<String> = i
        .reached
        .iter()
        .map(|r| format!("{} {} {} {:?} {}", r.ci.ci.number, r.ci.class_code, r.ci.ci.name, r.via, r.path.join(">")))
        .collect();
    out.extend(i.services.iter().map(|s| format!("service {} {}", s.ci.number, s.ci.criticality.as_str())));
    out.extend(i.rooms.iter().map(|s| format!("room {}", s.ci.number)));
    out.extend(i.organisations.iter().map(|o| format!("org {o}")));
    out.extend(i.open_tickets.iter().map(|o| format!("ticket {}", o.number)));
    out
}

async fn the_graph_in_memory_answers_as_the_database_does(url: String) {
    use cairn_domain::cmdb::impact::Direction;
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    let actor = t.app.authenticate_token(&alice).await.unwrap();
    let tenant = actor.tenant_id;
    assert_eq!(t.post(&root, "/api/v1/organisations", json!({"name": "Finance"})).await.status(), StatusCode::CREATED);
    let building = ci(&t, &alice, json!({"class": "building", "name": "HQ"})).await;
    let room = ci(&t, &alice, json!({"class": "room", "name": "Server room"})).await;
    let a = ci(&t, &alice, json!({"class": "server", "name": "srv-a"})).await;
    let b = ci(&t, &alice, json!({"class": "server", "name": "srv-b"})).await;
    let app = ci(&t, &alice, json!({"class": "application", "name": "Payroll app"})).await;
    let payroll =
        ci(&t, &alice, json!({"class": "business_service", "name": "Payroll", "criticality": "critical", "organisation": "Finance"})).await;
    let hr = ci(&t, &alice, json!({"class": "business_service", "name": "HR portal"})).await;
    let all = [&building, &room, &a, &b, &app, &payroll, &hr];
    relate_all(
        &t,
        &alice,
        &[
            (&room, "part_of", &building),
            (&a, "located_in", &room),
            (&b, "located_in", &room),
            (&a, "connected_to", &b),
            (&app, "runs_on", &b),
            (&payroll, "depends_on", &app),
            (&hr, "depends_on", &payroll),
            (&payroll, "depends_on", &hr),
        ],
    )
    .await;
    let inc = incident_on(&t, &alice, "Payroll app slow", &app).await;
    let n = inc["number"].as_str().unwrap();

    // Every CI's relations, either way, are those the database gives.
    let graph = t.app.load_cmdb_graph(tenant).await.unwrap().expect("nothing writes while it loads");
    assert_eq!((graph.cis(), graph.relations()), (7, 8));
    let mut c = t.app.db.read().await.unwrap();
    for number in all {
        let id = cairn_store::cmdb::cis::by_number(&mut c, tenant, &cairn_domain::cmdb::CiNumber::parse(number).unwrap())
            .await
            .unwrap()
            .unwrap()
            .ci
            .id;
        for d in [Direction::Up, Direction::Down] {
            let key = |e: &cairn_domain::cmdb::impact::Edge| (e.from, e.rel, e.to);
            let mut stored = cairn_store::cmdb::relations::edges(&mut c, tenant, d, &[id]).await.unwrap();
            let mut held = graph.edges(d, &[id]);
            stored.sort_by_key(key);
            held.sort_by_key(key);
            assert_eq!(held, stored, "{number} {d:?}");
        }
    }
    drop(c);

    // From memory, the answers a walk of the database gave (the cycle test's shape).
    let up = t.app.ci_impact(&actor, &b, Direction::Up, 10).await.unwrap();
    assert!(up.from_memory);
    let reached: Vec<(&str, u32)> = up.reached.iter().map(|r| (r.ci.ci.number.as_str(), r.depth)).collect();
    assert_eq!(reached, [(&*a, 1), (&*app, 1), (&*payroll, 2), (&*hr, 3)]);
    assert_eq!(up.reached[3].path, [b.clone(), app.clone(), payroll.clone(), hr.clone()]);
    assert_eq!(summary(&up).iter().filter(|l| l.starts_with("org ") || l.starts_with("ticket ")).count(), 2, "{:?}", summary(&up));
    assert!(summary(&up).contains(&"org Finance".to_string()) && summary(&up).contains(&format!("ticket {n}")));
    let down = t.app.ci_impact(&actor, &hr, Direction::Down, 10).await.unwrap();
    let reached: Vec<&str> = down.reached.iter().map(|r| r.ci.ci.number.as_str()).collect();
    assert_eq!(reached, [&*payroll, &*app, &*b, &*room, &*a, &*building], "at one depth, by CI id");
    assert_eq!(down.rooms.iter().map(|r| r.ci.number.to_string()).collect::<Vec<_>>(), std::slice::from_ref(&room));
    let memory: Vec<Vec<String>> = {
        let mut v = Vec::new();
        for number in all {
            for d in [Direction::Up, Direction::Down] {
                v.push(summary(&t.app.ci_impact(&actor, number, d, 10).await.unwrap()));
            }
        }
        v
    };
    let http = body(t.get(&alice, &format!("/api/v1/cis/{b}/impact")).await).await;
    assert_eq!(http["cis"][3]["path"], json!([b.clone(), app.clone(), payroll.clone(), hr.clone()]), "the API answers from memory too");

    // A new relation makes the copy stale at once: the database answers, and it is in.
    let extra = ci(&t, &alice, json!({"class": "technical_service", "name": "Backups"})).await;
    assert_eq!(relate(&t, &alice, &extra, "depends_on", &a).await.status(), StatusCode::CREATED);
    let stale = t.app.ci_impact(&actor, &b, Direction::Up, 10).await.unwrap();
    assert!(!stale.from_memory);
    assert!(stale.reached.iter().any(|r| r.ci.ci.number.as_str() == extra && r.depth == 2), "{:?}", summary(&stale));
    let graph = t.app.load_cmdb_graph(tenant).await.unwrap().unwrap();
    assert_eq!((graph.cis(), graph.relations()), (8, 9));
    let fresh = t.app.ci_impact(&actor, &b, Direction::Up, 10).await.unwrap();
    assert!(fresh.from_memory);
    assert_eq!(summary(&fresh), summary(&stale), "memory and database agree after the change");

    // A renamed CI, and a relation taken away.
    let r = t.patch(&alice, &format!("/api/v1/cis/{payroll}"), None, json!({"name": "Payroll (EU)"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!t.app.ci_impact(&actor, &b, Direction::Up, 10).await.unwrap().from_memory);
    let rels = body(t.get(&alice, &format!("/api/v1/cis/{extra}/relations")).await).await;
    let id = rels[0]["id"].as_i64().unwrap();
    let r = t.http.delete(t.url(&format!("/api/v1/relations/{id}"))).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    t.app.load_cmdb_graph(tenant).await.unwrap().unwrap();
    let after = t.app.ci_impact(&actor, &b, Direction::Up, 10).await.unwrap();
    assert!(after.from_memory);
    assert!(after.reached.iter().any(|r| r.ci.ci.name == "Payroll (EU)"));
    assert!(!after.reached.iter().any(|r| r.ci.ci.number.as_str() == extra), "the relation is gone from memory");
    // Back to the first graph but for the name: every answer is the first one renamed.
    let mut i = 0;
    for number in all {
        for d in [Direction::Up, Direction::Down] {
            let renamed: Vec<String> = memory[i].iter().map(|l| l.replace(" Payroll Some", " Payroll (EU) Some")).collect();
            assert_eq!(summary(&t.app.ci_impact(&actor, number, d, 10).await.unwrap()), renamed, "{number} {d:?}");
            i += 1;
        }
    }
}
