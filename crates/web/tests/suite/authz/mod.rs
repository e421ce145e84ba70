//! The people, records and sessions the authorization matrix runs with, and how one
//! request of the matrix is made and its answer classified.
#![allow(dead_code)]

use std::collections::HashMap;

use cairn_app::platform::admin::{Admin, CreateUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Browser, TestApp, hidden};

/// Who calls, in the order of an expectation's columns.
pub const ACTORS: [&str; 8] = ["anon", "req", "peer", "agent", "admin", "x-req", "x-agent", "x-admin"];
/// The order the actors call in: the refused before the allowed, so that a write
/// allowed to one does not change what the next is refused with.
pub const CALL_ORDER: [usize; 8] = [0, 5, 6, 7, 2, 1, 3, 4];

const PASSWORD: &str = "matrix-password-1";
const KIMS_TITLE: &str = "Printer jams";
const KIMS_DESCRIPTION: &str = "On floor 2";
const DRAFT_TITLE: &str = "Clearing a jam";

/// A caller: an API token and a signed-in browser with its CSRF token (none for anon).
pub struct Caller {
    pub token: Option<String>,
    pub browser: Browser,
    pub csrf: String,
}

pub struct Fixtures {
    pub callers: Vec<Caller>,
    /// Values for `{param}` in paths and `$name` in bodies.
    pub values: HashMap<&'static str, String>,
}

async fn person(t: &TestApp, tenant: &str, username: &str, role: &str, org: Option<&str>) -> String {
    let tid = t.app.tenant_by_slug(tenant).await.expect("tenant").id;
    let req = CreateUser {
        username: username.into(),
        display_name: None,
        email: Some(format!("{username}@example.com")),
        role: role.into(),
        password: Some(PASSWORD.into()),
        organisation: org.map(str::to_string),
    };
    t.app.create_user(&Admin::Operator(tid), req).await.expect("create user");
    t.app.create_token(tenant, username, "matrix").await.expect("token")
}

async fn signed_in(t: &TestApp, tenant: &str, username: &str, token: String) -> Caller {
    let mut browser = Browser::new(t);
    let (form_cookie, form_csrf) = browser.login_form().await;
    let r = browser
        .http
        .post(format!("{}/login", t.base))
        .header(reqwest::header::COOKIE, form_cookie)
        .form(&[("username", username), ("password", PASSWORD), ("tenant", tenant), ("csrf", &form_csrf)])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} signs in");
    browser.cookie = crate::common::set_cookies(&r)
        .into_iter()
        .find(|c| c.contains("cairn_session=") && !c.contains("Max-Age=0"))
        .and_then(|c| c.split(';').next().map(str::to_string));
    let mut csrf = String::new();
    for page in ["/portal", "/tickets"] {
        let (_, page) = browser.get(page).await;
        if page.contains("name=\"csrf\"") {
            csrf = hidden(&page, "csrf");
            break;
        }
    }
    assert!(!csrf.is_empty(), "{username} has a CSRF token");
    Caller { token: Some(token), browser, csrf }
}

async fn created(r: reqwest::Response, what: &str) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    assert!(status.is_success(), "fixture {what}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Two tenants; in the first an organisation with two requesters (kim raised the
/// ticket, liam did not), an agent, an administrator and a record of each kind.
pub async fn fixtures(t: &TestApp) -> Fixtures {
    t.app.create_tenant("other", "Other").await.expect("tenant");
    let root = person(t, "default", "root", "admin", None).await;
    let _ = created(t.post(&root, "/api/v1/organisations", json!({"name": "Acme"})).await, "organisation").await;
    let kim = person(t, "default", "kim", "requester", Some("Acme")).await;
    let liam = person(t, "default", "liam", "requester", Some("Acme")).await;
    let alice = person(t, "default", "alice", "agent", None).await;
    person(t, "default", "spare", "agent", None).await;
    let x_req = person(t, "other", "xkim", "requester", None).await;
    let x_agent = person(t, "other", "xalice", "agent", None).await;
    let x_admin = person(t, "other", "xroot", "admin", None).await;

    let mut v: HashMap<&'static str, String> = HashMap::new();
    let _ = created(t.post(&root, "/api/v1/groups", json!({"name": "Desk"})).await, "group").await;
    let _ = created(t.post(&root, "/api/v1/groups/Desk/members", json!({"username": "alice"})).await, "member").await;
    // Numbers are counted per tenant: those of the first run ahead of any the other
    // tenant's callers create during the run, so that a number never names a record
    // of theirs.
    // They are alike, so that they make a problem candidate.
    for i in 0..12 {
        let filler = json!({"title": format!("Printer on floor 3 jams on every page ({i})"), "description": "Paper jam on every page"});
        let _ = created(t.post(&alice, "/api/v1/tickets", filler).await, "ticket").await;
        if i < 8 {
            let _ =
                created(t.post(&alice, "/api/v1/articles", json!({"title": format!("filler {i}"), "body": "x"})).await, "article").await;
        }
    }
    let ticket =
        created(t.post(&kim, "/api/v1/tickets", json!({"title": KIMS_TITLE, "description": KIMS_DESCRIPTION})).await, "ticket").await;
    v.insert("ticket", ticket["number"].as_str().expect("number").into());
    let second = created(t.post(&alice, "/api/v1/tickets", json!({"title": "Second", "description": "x"})).await, "ticket").await;
    v.insert("ticket2", second["number"].as_str().expect("number").into());
    let problem =
        created(t.post(&alice, "/api/v1/tickets", json!({"kind": "problem", "title": "Jams", "description": "x"})).await, "problem").await;
    v.insert("problem", problem["number"].as_str().expect("number").into());
    let article = created(t.post(&alice, "/api/v1/articles", json!({"title": DRAFT_TITLE, "body": "Open tray 2."})).await, "article").await;
    v.insert("article", article["number"].as_str().expect("number").into());
    let ke = json!({"title": "Tray 2 jams", "symptom": "Paper jams in tray 2", "workaround": "Use tray 1", "problem": v["problem"]});
    let ke = created(t.post(&alice, "/api/v1/known-errors", ke).await, "known error").await;
    v.insert("known_error", ke["number"].as_str().expect("number").into());
    let item = created(t.post(&root, "/api/v1/catalog/items", json!({"category": "Hardware", "name": "Mouse"})).await, "item").await;
    v.insert("item", item["id"].to_string());
    let canned = created(t.post(&alice, "/api/v1/canned-responses", json!({"title": "Hi", "body": "Hello"})).await, "canned").await;
    v.insert("canned", canned["id"].to_string());
    let rule = created(t.post(&root, "/api/v1/routing-rules", json!({"name": "printers", "then": {"group": "Desk"}})).await, "rule").await;
    v.insert("rule", rule["id"].to_string());
    let hours = json!({"time_zone": "UTC", "hours": {"mon": ["08:00-18:00"]}});
    let r = t.http.put(t.url("/api/v1/calendars/Office")).bearer_auth(&root).json(&hours).send().await.expect("calendar");
    let _ = created(r, "calendar").await;
    let sla = json!({"name": "Standard", "kind": "sla", "calendar": "Office", "targets": {"resolution_minutes": 240}});
    let sla = created(t.post(&root, "/api/v1/sla-definitions", sla).await, "sla").await;
    v.insert("sla", sla["id"].to_string());
    let _ = created(t.post(&alice, "/api/v1/problem-candidates/detect", json!({})).await, "detect").await;
    let candidates = created(t.get(&alice, "/api/v1/problem-candidates").await, "candidates").await;
    v.insert("candidate", candidates[0]["id"].to_string());
    // A ticket of kim's resolved, for the survey link kim is sent.
    let rated = created(t.post(&kim, "/api/v1/tickets", json!({"title": "Mouse broken"})).await, "ticket").await;
    let path = format!("/api/v1/tickets/{}", rated["number"].as_str().expect("number"));
    let resolve = json!({"status": "resolved", "resolution_code": "solved", "group": "Desk"});
    let _ = created(t.patch(&alice, &path, rated["etag"].as_str(), resolve).await, "resolve").await;
    t.app.drain_jobs("matrix").await.expect("jobs");
    let notes = created(t.get(&kim, "/api/v1/notifications").await, "notifications").await;
    let survey = notes
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["message"].as_str())
        .find_map(|m| m.split(' ').find_map(|w| w.strip_prefix("/survey/")).map(str::to_string));
    v.insert("survey", survey.expect("a survey link"));
    let outage = json!({"service": "Printing", "started_at": "2026-01-10T09:00:00Z"});
    let outage = created(t.post(&alice, &format!("/api/v1/tickets/{}/outages", v["ticket"]), outage).await, "outage").await;
    v.insert("outage", outage["id"].to_string());
    // An item that needs the Desk's approval, ordered by kim: alice decides.
    let approved = json!({"category": "Hardware", "name": "Monitor", "approvals": [{"approver": "group", "name": "Desk"}]});
    let approved = created(t.post(&root, "/api/v1/catalog/items", approved).await, "item").await;
    let _ = created(t.post(&kim, &format!("/api/v1/catalog/items/{}/order", approved["id"]), json!({})).await, "order").await;
    let inbox = created(t.get(&alice, "/api/v1/approvals").await, "inbox").await;
    v.insert("approval", inbox[0]["approval"]["id"].to_string());
    let link = t.approval_link("alice@example.com").await;
    v.insert("token", link.trim_start_matches("/approve/").to_string());
    // CIs, numbered ahead of any the other tenant's callers create during the run.
    for i in 0..10 {
        let _ = created(t.post(&alice, "/api/v1/cis", json!({"class": "server", "name": format!("filler-{i}")})).await, "ci").await;
    }
    let server = created(t.post(&alice, "/api/v1/cis", json!({"class": "server", "name": "srv-matrix"})).await, "ci").await;
    v.insert("ci", server["number"].as_str().expect("number").into());
    let app = created(t.post(&alice, "/api/v1/cis", json!({"class": "application", "name": "app-matrix"})).await, "ci").await;
    v.insert("ci2", app["number"].as_str().expect("number").into());
    let room = created(t.post(&alice, "/api/v1/cis", json!({"class": "room", "name": "room-matrix"})).await, "ci").await;
    v.insert("ci3", room["number"].as_str().expect("number").into());
    let rel = json!({"from": v["ci2"], "type": "runs_on", "to": v["ci"]});
    let rel = created(t.post(&alice, "/api/v1/relations", rel).await, "relation").await;
    v.insert("relation", rel["id"].to_string());
    v.insert("ci_class", "server".into());
    let tagged = created(t.post(&alice, "/api/v1/assets", json!({"tag": "MATRIX-1", "cost": "10.00"})).await, "asset").await;
    v.insert("asset", tagged["tag"].as_str().expect("tag").into());
    let k = json!({"kind": "support", "name": "matrix", "starts_on": "2026-01-01", "ends_on": "2027-01-01"});
    let k = created(t.post(&alice, "/api/v1/contracts", k).await, "contract").await;
    v.insert("contract", k["id"].to_string());
    let doc = t
        .http
        .post(t.url(&format!("/api/v1/contracts/{}/documents?filename=m.txt", k["id"])))
        .bearer_auth(&alice)
        .body("matrix")
        .send()
        .await
        .expect("document");
    v.insert("doc", created(doc, "document").await["id"].to_string());
    let st = created(t.post(&alice, "/api/v1/stocktakes", json!({"location": v["ci3"]})).await, "stocktake").await;
    v.insert("stocktake", st["id"].to_string());
    let import = t
        .http
        .post(t.url("/api/v1/cmdb/imports?class=server&source=matrix"))
        .bearer_auth(&alice)
        .header("content-type", "text/csv")
        .body("name,serial_number\nimported-matrix,SN-MATRIX\n")
        .send()
        .await
        .expect("import");
    v.insert("import", created(import, "import").await["id"].to_string());
    for (k, val) in [("org", "Acme"), ("group", "Desk"), ("calendar", "Office"), ("user", "spare"), ("watcher", "alice")] {
        v.insert(k, val.into());
    }

    let anon = Caller { token: None, browser: Browser::new(t), csrf: String::new() };
    let callers = vec![
        anon,
        signed_in(t, "default", "kim", kim).await,
        signed_in(t, "default", "liam", liam).await,
        signed_in(t, "default", "alice", alice).await,
        signed_in(t, "default", "root", root).await,
        signed_in(t, "other", "xkim", x_req).await,
        signed_in(t, "other", "xalice", x_agent).await,
        signed_in(t, "other", "xroot", x_admin).await,
    ];
    // alice's saved view, from the delete button on her queue.
    let agent = &callers[3];
    let r = agent.browser.post("/views", &[("csrf", agent.csrf.as_str()), ("name", "Jams"), ("query", "q=jam")]).await;
    assert!(r.status().is_redirection(), "view saved");
    let (_, queue) = agent.browser.get("/tickets").await;
    let at = queue.find("/views/").expect("a saved view") + "/views/".len();
    v.insert("view", queue[at..].chars().take_while(char::is_ascii_digit).collect());
    // One's own sessions and tokens only: an id nobody holds is refused to everyone.
    v.insert("session", "0123456789abcdef0123456789abcdef".into());
    v.insert("api_token", "999999".into());
    Fixtures { callers, values: v }
}

impl Fixtures {
    /// The path with each `{param}` replaced by the fixture it names there.
    pub fn fill(&self, path: &str) -> String {
        let pick = |param: &str| -> &'static str {
            let under = |p: &str| path.contains(p);
            match param {
                "number" if under("/articles/") || under("/knowledge/") => "article",
                "number" if under("/problems/") => "problem",
                "number" if under("/known-errors/") => "known_error",
                "number" if under("/cis/") && !under("/tickets/") => "ci",
                "code" if under("/ci-classes/") => "ci_class",
                "tag" if under("/assets/") || under("/my/equipment/") => "asset",
                "number" => "ticket",
                "id" if under("/approvals/") => "approval",
                "id" if under("/contracts/") => "contract",
                "id" if under("/stocktakes/") => "stocktake",
                "doc" => "doc",
                "id" if under("/catalog") => "item",
                "id" if under("/canned-responses/") || under("/macros/") => "canned",
                "id" if under("/outages/") => "outage",
                "id" if under("/problem-candidates/") => "candidate",
                "id" if under("/routing") => "rule",
                "id" if under("/sla-definitions/") => "sla",
                "id" if under("/views/") => "view",
                "id" if under("/relations/") => "relation",
                "id" if under("/imports/") => "import",
                "id" if under("/sessions/") => "session",
                "id" if under("/tokens/") => "api_token",
                "name" if under("/calendars/") => "calendar",
                "name" if under("/groups/") => "group",
                "name" if under("/organisations/") => "org",
                "username" if under("/watchers/") => "watcher",
                "username" => "user",
                "token" if under("/survey/") => "survey",
                "token" => "token",
                other => panic!("no fixture for {{{other}}} in {path}: add one in tests/suite/authz/mod.rs"),
            }
        };
        let mut out = String::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').expect("closing brace") + open;
            out.push_str(&rest[..open]);
            out.push_str(&self.values[pick(&rest[open + 1..close])]);
            rest = &rest[close + 1..];
        }
        out + rest
    }

    /// A body template with each `$name` replaced by its fixture.
    pub fn body(&self, template: &str) -> String {
        let mut s = template.to_string();
        let mut keys: Vec<_> = self.values.keys().collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
        for k in keys {
            s = s.replace(&format!("${k}"), &self.values[k]);
        }
        s
    }
}

/// What one call of the matrix got: its status, where it redirects, and (for reads) the
/// body.
pub struct Answer {
    pub status: StatusCode,
    pub location: String,
    pub text: String,
}

/// One call of the matrix.
pub async fn call(t: &TestApp, c: &Caller, method: &Method, path: &str, body: &str) -> Answer {
    let url = t.url(path);
    let http = &c.browser.http;
    let mut req = http.request(method.clone(), url);
    if path.starts_with("/api/") {
        if let Some(tok) = &c.token {
            req = req.bearer_auth(tok);
        }
        if *method != Method::GET {
            req = req.header("content-type", "application/json").header("if-match", "\"0-1\"").body(body.to_string());
        }
    } else {
        if path.ends_with("/events") {
            req = req.header(reqwest::header::ACCEPT, "text/event-stream");
        }
        if let Some(cookie) = &c.browser.cookie {
            req = req.header(reqwest::header::COOKIE, cookie);
        }
        if *method != Method::GET {
            let form = if body.is_empty() { format!("csrf={}", c.csrf) } else { format!("csrf={}&{body}", c.csrf) };
            req = req.header("content-type", "application/x-www-form-urlencoded").body(form);
        }
    }
    let r = req.send().await.expect("request");
    let location = r.headers().get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default().to_string();
    let status = r.status();
    // A stream of live updates never ends: only its status is read.
    let text = if *method == Method::GET && !path.contains("/events") { r.text().await.unwrap_or_default() } else { String::new() };
    Answer { status, location, text }
}

impl Fixtures {
    /// What only kim and the staff of the first tenant may read: kim's ticket and the
    /// draft article. No read by liam or by the other tenant may show any of it (a
    /// number may be echoed back: it is what the caller asked for).
    pub fn secrets(&self) -> [&str; 3] {
        [KIMS_TITLE, KIMS_DESCRIPTION, DRAFT_TITLE]
    }
}

/// The class an answer falls in, in the matrix's words.
pub fn classify(status: StatusCode, location: &str) -> String {
    if status.is_redirection() && location.starts_with("/login") {
        "login".into()
    } else if status.is_success() || status.is_redirection() {
        "ok".into()
    } else {
        status.as_u16().to_string()
    }
}

/// Whether an answer's class meets an expectation's token.
pub fn meets(expected: &str, class: &str) -> bool {
    let server_error = class.starts_with('5');
    match expected {
        // Allowed to write: whatever the fixture body gets, it was not refused for who asked.
        "w" => !server_error && !matches!(class, "401" | "403" | "404" | "login"),
        e => e == class,
    }
}
