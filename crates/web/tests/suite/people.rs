//! People and groups in the admin pages: add a person, edit their details, role and
//! organisation, put them in groups, reset their password, disable and enable them; a
//! group's page lists and keeps its members. Each refusal names its field and keeps
//! nothing. On SQLite and PostgreSQL.

use crate::common::{Browser, TestApp, body, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn user(t: &TestApp, token: &str, username: &str) -> Value {
    let all = body(t.get(token, "/api/v1/users").await).await;
    all.as_array().unwrap().iter().find(|u| u["username"] == username).cloned().unwrap_or(Value::Null)
}

async fn admins_keep_people_and_groups_in_the_pages(url: String) {
    let t = TestApp::spawn(url).await;
    let (root, csrf) = signed_in(&t, "root", "admin").await;
    let token = t.app.create_token("default", "root", "test").await.unwrap();
    t.post(&token, "/api/v1/organisations", json!({"name": "Acme"})).await;
    let (agent, _) = signed_in(&t, "alice", "agent").await;

    // Add a person; a taken username is refused on the list page.
    let r = root
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "dana"),
                ("display_name", "Dana Scully"),
                ("email", "dana@example.com"),
                ("role", "requester"),
                ("organisation", "Acme"),
            ],
        )
        .await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/admin/users/dana?done=Added.".to_string()));
    let r = root.post("/admin/users", &[("csrf", &csrf), ("username", "dana"), ("role", "agent")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("username &#39;dana&#39; is taken"));
    let (_, list) = root.get("/admin/users").await;
    assert!(list.contains(r#"<a href="/admin/users/dana">Dana Scully</a>"#), "{list}");

    // Edit: an agent now, no organisation; a bad email is refused and nothing changes.
    let path = "/admin/users/dana";
    let r = root
        .post(path, &[("csrf", &csrf), ("display_name", "Dana"), ("email", "not-an-address"), ("role", "agent"), ("organisation", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("is not an email address"));
    assert_eq!(user(&t, &token, "dana").await["role"], "requester", "the refused edit kept nothing");
    let r = root
        .post(path, &[("csrf", &csrf), ("display_name", "Dana S."), ("email", "dana@fbi.example"), ("role", "agent"), ("organisation", "")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let dana = user(&t, &token, "dana").await;
    assert_eq!(
        (dana["display_name"].as_str(), dana["role"].as_str(), dana["organisation"].clone()),
        (Some("Dana S."), Some("agent"), Value::Null)
    );
    let r = root.post("/admin/users/root", &[("csrf", &csrf), ("display_name", "Root"), ("role", "agent")]).await;
    assert!(r.text().await.unwrap().contains("you cannot change your own role"));

    // Groups: made on the groups page, joined from the person's page, seen on the group's.
    let r = root.post("/admin/groups", &[("csrf", &csrf), ("name", "Network")]).await;
    assert_eq!(location(&r), "/admin/groups/Network?done=Added.");
    root.post("/admin/groups", &[("csrf", &csrf), ("name", "Desk")]).await;
    let r = root.post("/admin/users/dana/groups", &[("csrf", &csrf), ("group", "Network"), ("group", "Desk")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = root.get("/admin/groups/Network").await;
    assert!(page.contains(r#"<a href="/admin/users/dana">Dana S.</a>"#) && page.contains(r#"<option value="alice">"#), "{page}");
    let r = root.post("/admin/users/dana/groups", &[("csrf", &csrf), ("group", "Desk")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = root.get("/admin/groups").await;
    assert!(page.contains(r#"<a href="/admin/groups/Desk">Desk</a></td><td>dana</td>"#), "{page}");
    assert!(page.contains(r#"<a href="/admin/groups/Network">Network</a></td><td><span class="muted">none</span>"#), "{page}");
    let r = root.post("/admin/groups/Network/members", &[("csrf", &csrf), ("username", "alice")]).await;
    assert_eq!(location(&r), "/admin/groups/Network?done=Added%20alice.");
    let r = root.post("/admin/groups/Network/members/alice/remove", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = root.get("/admin/groups/Network").await;
    assert!(page.contains("No members yet."), "{page}");
    let r = root.post("/admin/groups/Network/members", &[("csrf", &csrf), ("username", "kim-nobody")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A requester again leaves their groups (groups hold agents).
    root.post(path, &[("csrf", &csrf), ("display_name", "Dana S."), ("role", "requester")]).await;
    let (_, page) = root.get("/admin/groups/Desk").await;
    assert!(!page.contains("/admin/users/dana"), "{page}");

    // Password: a weak one is refused; a good one signs in; disabling ends it.
    let r = root.post("/admin/users/dana/password", &[("csrf", &csrf), ("password", "short")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = root.post("/admin/users/dana/password", &[("csrf", &csrf), ("password", "quiet harbour lantern seventeen")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut dana = Browser::new(&t);
    assert_eq!(dana.login("dana", "quiet harbour lantern seventeen").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(dana.get("/portal").await.0, StatusCode::OK);
    let r = root.post("/admin/users/dana/disable", &[("csrf", &csrf)]).await;
    assert_eq!(location(&r), "/admin/users/dana?done=Disabled%3A%20their%20sessions%20and%20tokens%20have%20ended.");
    let r = dana.open("/portal").await;
    assert!(location(&r).starts_with("/login"), "her session ended");
    let (_, page) = root.get("/admin/users/dana").await;
    assert!(page.contains("cannot sign in.") && page.contains(">Enable</button>"), "{page}");
    root.post("/admin/users/dana/enable", &[("csrf", &csrf)]).await;
    assert_eq!(user(&t, &token, "dana").await["disabled"], false);

    // Only administrators.
    for p in ["/admin/users/dana", "/admin/groups", "/admin/groups/Desk"] {
        assert_eq!(agent.get(p).await.0, StatusCode::FORBIDDEN, "{p}");
    }
}

on_both_databases!(admins_keep_people_and_groups_in_the_pages);
