//! The service catalog through the API: items with order forms (a cost-centre field
//! shown only for project budgets), who may order what, orders becoming requests (REQ)
//! with their requested item and answers, and refusals that leave nothing behind.
//! On SQLite and PostgreSQL.

use crate::common::{TestApp, body, hidden, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn laptop_form() -> Value {
    json!([
        {"name": "model", "label": "Model", "kind": "choice", "required": true, "options": ["14-inch", "16-inch"]},
        {"name": "justification", "label": "Justification", "kind": "text", "required": true},
        {"name": "funding", "label": "Funding", "kind": "choice", "required": true, "options": ["department", "project budget"]},
        {"name": "cost_centre", "label": "Cost centre", "kind": "text", "required": true,
         "show_if": {"variable": "funding", "equals": ["project budget"]}},
        {"name": "needed_by", "label": "Needed by", "kind": "date"}
    ])
}

async fn my_requests(t: &TestApp, token: &str) -> usize {
    body(t.get(token, "/api/v1/tickets").await).await["items"].as_array().unwrap().len()
}

async fn requesters_order_what_is_open_to_them_with_checked_answers(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let alice = t.user("default", "alice", "agent").await;
    assert_eq!(t.post(&root, "/api/v1/organisations", json!({"name": "Acme"})).await.status(), StatusCode::CREATED);
    let kim_user = json!({"username": "kim", "role": "requester", "organisation": "Acme"});
    assert_eq!(t.post(&root, "/api/v1/users", kim_user).await.status(), StatusCode::CREATED);
    let kim = t.app.create_token("default", "kim", "test").await.unwrap();
    let max = t.user("default", "max", "requester").await;

    // Administrators describe items; a broken form or a second name is refused.
    let laptop = json!({"category": "Hardware", "name": "New laptop", "description": "A standard laptop", "icon": "laptop",
                        "delivery_days": 5, "variables": laptop_form()});
    let r = t.post(&root, "/api/v1/catalog/items", laptop.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let laptop_id = body(r).await["id"].as_i64().unwrap();
    assert_eq!(t.post(&root, "/api/v1/catalog/items", laptop.clone()).await.status(), StatusCode::CONFLICT);
    assert_eq!(t.post(&alice, "/api/v1/catalog/items", json!({"category": "X", "name": "Y"})).await.status(), StatusCode::FORBIDDEN);
    let mut broken = laptop_form();
    broken[3]["show_if"]["equals"] = json!(["lottery"]);
    let r = t.post(&root, "/api/v1/catalog/items", json!({"category": "Hardware", "name": "Broken", "variables": broken})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(r).await["field"], "variables");
    let dock = json!({"category": "Hardware", "name": "Acme docking station", "audience": "orgs", "orgs": ["Acme"]});
    let dock_id = body(t.post(&root, "/api/v1/catalog/items", dock).await).await["id"].as_i64().unwrap();

    // Each requester sees what they may order.
    let names = |v: Value| v.as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names(body(t.get(&kim, "/api/v1/catalog/items").await).await), ["Acme docking station", "New laptop"]);
    assert_eq!(names(body(t.get(&max, "/api/v1/catalog/items").await).await), ["New laptop"]);
    let r = t.post(&max, &format!("/api/v1/catalog/items/{dock_id}/order"), json!({})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not open to max's organisation");

    // Answers are checked against the form; a refusal names the question and creates nothing.
    let order = format!("/api/v1/catalog/items/{laptop_id}/order");
    let base = json!({"model": "14-inch", "justification": "Mine is five years old", "funding": "project budget"});
    let r = t.post(&kim, &order, json!({"answers": base})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = body(r).await;
    assert!(e["message"].as_str().unwrap().contains("cost_centre: “Cost centre” is required"), "{e}");
    for (answers, why) in [
        (json!({"model": "17-inch", "justification": "x", "funding": "department"}), "must be one of"),
        (json!({"model": "14-inch", "justification": "x", "funding": "department", "cost_centre": "CC-1"}), "does not apply"),
        (json!({"model": "14-inch", "justification": "x", "funding": "department", "colour": "red"}), "not a question"),
        (json!({"model": "14-inch", "justification": "x", "funding": "department", "needed_by": "soon"}), "date"),
    ] {
        let r = t.post(&kim, &order, json!({"answers": answers})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(r).await["message"].as_str().unwrap().contains(why), "{why}");
    }
    assert_eq!(t.post(&kim, &order, json!({"quantity": 0, "answers": base})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(my_requests(&t, &kim).await, 0, "nothing was created");

    let mut answers = base.clone();
    answers["cost_centre"] = json!("CC-4711");
    let r = t.post(&kim, &order, json!({"quantity": 2, "answers": answers})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let req = body(r).await;
    let n = req["number"].as_str().unwrap().to_string();
    assert!(n.starts_with("REQ"), "{n}");
    assert_eq!((req["kind"].as_str(), req["title"].as_str()), (Some("request"), Some("New laptop × 2")));
    assert!(req["description"].as_str().unwrap().contains("Cost centre: CC-4711"), "{req}");
    let items = body(t.get(&kim, &format!("/api/v1/tickets/{n}/items")).await).await;
    assert_eq!(items, json!([{"item_id": laptop_id, "item": "New laptop", "quantity": 2, "answers": answers}]));
    assert_eq!(t.get(&max, &format!("/api/v1/tickets/{n}/items")).await.status(), StatusCode::NOT_FOUND);

    // Requests come only from the catalog; a retired item can no longer be ordered.
    let r = t.post(&alice, "/api/v1/tickets", json!({"title": "Laptop", "kind": "request"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut retired = laptop;
    retired["active"] = json!(false);
    let r = t.http.put(t.url(&format!("/api/v1/catalog/items/{laptop_id}"))).bearer_auth(&root).json(&retired).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(t.post(&kim, &order, json!({"answers": answers})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(names(body(t.get(&root, "/api/v1/catalog/items").await).await).len(), 2, "administrators still see it");
}

async fn requesters_order_from_the_portal_form(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    let laptop = json!({"category": "Hardware", "name": "New laptop", "description": "A standard laptop", "delivery_days": 5, "variables": laptop_form()});
    let id = body(t.post(&root, "/api/v1/catalog/items", laptop).await).await["id"].as_i64().unwrap();
    let (kim, _) = signed_in(&t, "kim", "requester").await;
    let (_, home) = kim.get("/portal").await;
    assert!(home.contains("href=\"/catalog\""), "{home}");
    let (_, page) = kim.get("/catalog").await;
    assert!(page.contains(&format!("href=\"/catalog/{id}\"")) && page.contains("Usually ready in 5 days."), "{page}");
    let (_, found) = kim.get("/search?q=laptop").await;
    assert!(found.split("id=\"found-items\"").nth(1).expect("catalog results").contains(&format!("href=\"/catalog/{id}\"")), "{found}");
    assert!(!kim.get("/search?q=printer").await.1.contains("found-items"), "only matching items");
    // Describing a need suggests the catalog item as one types, next to articles.
    let (_, typed) = kim.get("/knowledge/suggest?q=my+laptop+is+too+slow").await;
    let typed: Value = serde_json::from_str(&typed).unwrap();
    assert_eq!(typed["items"], json!([{"id": id, "name": "New laptop"}]), "{typed}");
    let (_, typed) = kim.get("/knowledge/suggest?q=printer+jam").await;
    assert_eq!(serde_json::from_str::<Value>(&typed).unwrap()["items"], json!([]));
    let (_, form) = kim.get(&format!("/catalog/{id}")).await;
    assert!(form.contains(r#"data-show-if="funding" data-equals="project budget""#), "{form}");
    let csrf = hidden(&form, "csrf");
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("a.model", "16-inch"),
        ("a.justification", "Compiling takes ages"),
        ("a.funding", "project budget"),
        ("quantity", "1"),
    ];
    let r = kim.post(&format!("/catalog/{id}"), &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"<small class="field-msg" id="q-cost_centre-msg">“Cost centre” is required</small>"#), "{page}");
    assert!(page.contains(r#"value="Compiling takes ages""#), "what was typed stays: {page}");
    fields.push(("a.cost_centre", "CC-4711"));
    let r = kim.post(&format!("/catalog/{id}"), &fields).await;
    assert_eq!(location(&r), "/tickets/REQ0000001?created=1");
    let (_, page) = kim.get("/tickets/REQ0000001").await;
    assert!(page.contains("id=\"requested-items\"") && page.contains("<dt>Cost centre</dt><dd>CC-4711</dd>"), "{page}");

    // Fulfilled: the requester confirms and rates it, as for an incident.
    let alice = t.user("default", "alice", "agent").await;
    let cur = body(t.get(&alice, "/api/v1/tickets/REQ0000001").await).await;
    let done = json!({"status": "resolved", "resolution_code": "solved", "resolution_notes": "Laptop handed over"});
    assert_eq!(t.patch(&alice, "/api/v1/tickets/REQ0000001", cur["etag"].as_str(), done).await.status(), StatusCode::OK);
    let (_, page) = kim.get("/tickets/REQ0000001").await;
    assert!(page.contains("How did we do?") && page.contains("Yes, close it"), "{page}");
    let r = kim.post("/tickets/REQ0000001/rate", &[("csrf", &csrf), ("rating", "5")]).await;
    assert_eq!(location(&r), "/tickets/REQ0000001?done=rated");
}

async fn administrators_edit_items_in_the_browser(url: String) {
    let t = TestApp::spawn(url).await;
    let root = t.user("default", "root", "admin").await;
    assert_eq!(t.post(&root, "/api/v1/groups", json!({"name": "Procurement"})).await.status(), StatusCode::CREATED);
    let (ada, csrf) = signed_in(&t, "ada", "admin").await;
    let (_, page) = ada.get("/admin/catalog/new").await;
    assert!(
        page.contains("name=\"v.2.name\"") && page.contains("name=\"a.1.approver\"") && page.contains("<option>Procurement</option>"),
        "{page}"
    );
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("name", "New laptop"),
        ("category", "Hardware"),
        ("description", "A standard laptop"),
        ("delivery_days", "5"),
        ("audience", "everyone"),
        ("active", "1"),
        ("v.0.name", "funding"),
        ("v.0.label", "Funding"),
        ("v.0.kind", "choice"),
        ("v.0.required", "1"),
        ("v.0.options", "department, project budget"),
        ("v.1.name", "cost_centre"),
        ("v.1.label", "Cost centre"),
        ("v.1.kind", "text"),
        ("v.1.required", "1"),
        ("v.1.show_if", "funding"),
        ("v.1.equals", "project budget"),
        ("v.2.name", ""),
        ("v.2.label", ""),
        ("v.2.kind", "text"),
        ("a.0.approver", "manager"),
        ("a.0.rule", "any"),
        ("a.1.approver", ""),
        ("t.0.step", "1"),
        ("t.0.title", "Order the laptop"),
        ("t.0.group", "Procurement"),
        ("t.1.step", ""),
        ("t.1.title", ""),
        ("t.1.group", ""),
        ("a.0.timeout_hours", "48"),
    ];
    // A timeout without anyone to escalate to is refused, and the form comes back as typed.
    let r = ada.post("/admin/catalog", &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("stage 1: a timeout needs escalate_to") && page.contains(r#"value="project budget""#), "{page}");
    assert!(body(t.get(&root, "/api/v1/catalog/items").await).await.as_array().unwrap().is_empty(), "nothing saved");
    form.push(("a.0.escalate_to", "root"));
    let r = ada.post("/admin/catalog", &form).await;
    assert_eq!(location(&r), "/admin/catalog?saved=New%20laptop");
    let items = body(t.get(&root, "/api/v1/catalog/items").await).await;
    let item = &items[0];
    assert_eq!(item["variables"][1]["show_if"], json!({"variable": "funding", "equals": ["project budget"]}));
    assert_eq!(item["variables"][0]["options"], json!(["department", "project budget"]));
    assert_eq!(item["approvals"], json!([{"approver": "manager", "rule": "any", "timeout_hours": 48, "escalate_to": "root"}]));
    assert_eq!(item["tasks"], json!([{"title": "Order the laptop", "group": "Procurement", "step": 1}]));

    // Editing shows what is stored; a cleared row goes away.
    let id = item["id"].as_i64().unwrap();
    let (_, page) = ada.get(&format!("/admin/catalog/{id}")).await;
    assert!(
        page.contains(r#"name="t.0.title" value="Order the laptop""#) && page.contains(r#"name="a.0.escalate_to" value="root""#),
        "{page}"
    );
    let edited: Vec<(&str, &str)> = form.iter().filter(|(k, _)| !k.starts_with("t.0")).copied().collect();
    assert_eq!(location(&ada.post(&format!("/admin/catalog/{id}"), &edited).await), "/admin/catalog?saved=New%20laptop");
    assert_eq!(body(t.get(&root, "/api/v1/catalog/items").await).await[0]["tasks"], json!([]));
    let (_, list) = ada.get("/admin/catalog").await;
    assert!(list.contains(&format!("href=\"/admin/catalog/{id}\"")), "{list}");

    // Only administrators.
    let (alice, alice_csrf) = signed_in(&t, "alice", "agent").await;
    assert_eq!(alice.get("/admin/catalog").await.0, StatusCode::FORBIDDEN);
    assert_eq!(alice.post("/admin/catalog", &[("csrf", alice_csrf.as_str()), ("name", "X")]).await.status(), StatusCode::FORBIDDEN);
}

on_both_databases!(
    requesters_order_what_is_open_to_them_with_checked_answers,
    requesters_order_from_the_portal_form,
    administrators_edit_items_in_the_browser
);
