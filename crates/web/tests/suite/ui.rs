//! The server-rendered UI over plain HTTP (no browser): CSRF protection of form
//! posts, the stale-edit notice, and refused fields shown as typed
//! with their message. On SQLite and PostgreSQL.

use crate::common::{Browser, TestApp, hidden, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

async fn form_posts_need_the_session_csrf_token(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some("correct-horse")).await;
    let mut b = Browser::new(&t);
    assert_eq!(b.login("alice", "correct-horse").await.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get("/tickets/new").await;
    let csrf = hidden(&page, "csrf");

    for forged in ["", "0000", &csrf[1..]] {
        let r = b.post("/tickets", &[("csrf", forged), ("title", "forged"), ("impact", "2"), ("urgency", "2")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "csrf {forged:?}");
    }
    let r = b.post("/tickets", &[("csrf", &csrf), ("title", "Printer jam"), ("impact", "2"), ("urgency", "2")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/tickets/INC0000001?created=1");
    let (_, queue) = b.get("/tickets").await;
    assert!(queue.contains("Printer jam"));
    assert!(!queue.contains("forged"), "no forged post was carried out");
}

async fn a_stale_edit_shows_a_notice_and_changes_nothing(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some("correct-horse")).await;
    let bob = t.user("default", "bob", "agent").await;
    let created = t.create(&bob, "Projector flickers").await;
    let mut b = Browser::new(&t);
    b.login("alice", "correct-horse").await;
    let (_, page) = b.get("/tickets/INC0000001").await;
    let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));

    // Bob changes the ticket while Alice has the form open.
    let r = t.patch(&bob, "/api/v1/tickets/INC0000001", created["etag"].as_str(), json!({"title": "Projector in room 4 flickers"})).await;
    assert_eq!(r.status(), StatusCode::OK);

    let form = [("csrf", csrf.as_str()), ("version", version.as_str()), ("title", "Alice's title"), ("status", "new")];
    let r = b.post("/tickets/INC0000001", &form).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("This ticket changed while you were editing it"), "notice shown");
    assert!(html.contains("Projector in room 4 flickers"), "the current values are shown");
    let now = crate::common::body(t.get(&bob, "/api/v1/tickets/INC0000001").await).await;
    assert_eq!(now["title"], "Projector in room 4 flickers", "Bob's change was not overwritten");
}

async fn a_refused_field_is_marked_and_what_was_typed_is_kept(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some("correct-horse")).await;
    t.user("default", "kim", "requester").await;
    let bob = t.user("default", "bob", "agent").await;
    t.create(&bob, "Projector flickers").await;
    let mut b = Browser::new(&t);
    b.login("alice", "correct-horse").await;
    let (_, page) = b.get("/tickets/INC0000001").await;
    let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));

    // The whole form: a requester as assignee is refused, the typed title is kept.
    let form = [("csrf", csrf.as_str()), ("version", version.as_str()), ("title", "Typed title"), ("assignee", "kim")];
    let r = b.post("/tickets/INC0000001", &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="Typed title""#), "typed title kept: {html}");
    assert!(html.contains(r#"name="assignee" aria-describedby="f-assignee-msg" data-inline aria-invalid="true" autofocus"#), "{html}");
    assert!(html.contains(r#"id="f-assignee-msg" aria-live="polite">&#39;kim&#39; is not an agent</small>"#), "{html}");
    assert!(html.contains(r#"id="f-title-msg" aria-live="polite"></small>"#), "only the field at fault has a message");
    let now = crate::common::body(t.get(&bob, "/api/v1/tickets/INC0000001").await).await;
    assert_eq!((now["title"].as_str(), now["version"].as_i64()), (Some("Projector flickers"), Some(1)), "nothing saved");

    // One field at a time, as the page's script saves: JSON back, the fields as stored.
    let json_post = |form: Vec<(&'static str, String)>| {
        let req = b.http.post(format!("{}/tickets/INC0000001", b.base)).header("Accept", "application/json");
        req.header("Cookie", b.cookie.clone().unwrap()).form(&form).send()
    };
    let r = json_post(vec![("csrf", csrf.clone()), ("version", version.clone()), ("impact", "1".into())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["version"].as_i64(), v["fields"]["impact"].as_str(), v["fields"]["title"].as_str()),
        (Some(2), Some("1"), Some("Projector flickers"))
    );
    assert!(v["priority"].as_str().unwrap().starts_with('P'), "{v}");
    let r = json_post(vec![("csrf", csrf.clone()), ("version", "2".into()), ("title", "  ".into())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["field"], "title", "{v}");
    let r = json_post(vec![("csrf", csrf.clone()), ("version", "1".into()), ("urgency", "1".into())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "an old copy is refused");
    assert!(r.json::<Value>().await.unwrap()["message"].as_str().unwrap().contains("changed while you were editing"));
    let now = crate::common::body(t.get(&bob, "/api/v1/tickets/INC0000001").await).await;
    assert_eq!(
        (now["urgency"].as_i64(), now["version"].as_i64()),
        (Some(2), Some(2)),
        "the urgency stayed at its default: only the impact was saved"
    );

    // A refused reply keeps its text.
    let (_, page) = b.get("/tickets/INC0000001").await;
    let r = b
        .post(
            "/tickets/INC0000001/comments",
            &[("csrf", &csrf), ("body", "Half-written answer"), ("visibility", "public"), ("minutes", "ten")],
        )
        .await;
    assert!(r.text().await.unwrap().contains(">Half-written answer</textarea>"), "{page}");
}

async fn every_signed_in_form_refuses_a_forged_token(url: String) {
    let t = TestApp::spawn(url).await;
    let (b, _) = signed_in(&t, "root", "admin").await;
    let posts = [
        "/logout",
        "/tickets",
        "/tickets/INC0000001",
        "/tickets/INC0000001/comments",
        "/tickets/INC0000001/escalate",
        "/tickets/INC0000001/merge",
        "/tickets/INC0000001/major",
        "/tickets/INC0000001/updates",
        "/tickets/INC0000001/apply-workaround",
        "/tickets/INC0000001/links",
        "/tickets/INC0000001/watchers",
        "/tickets/INC0000001/watchers/root/remove",
        "/tickets/INC0000001/review",
        "/tickets/INC0000001/confirm",
        "/tickets/INC0000001/withdraw",
        "/tickets/INC0000001/rate",
        "/tickets/INC0000001/outages",
        "/tickets/INC0000001/outages/1/end",
        "/tickets/INC0000001/outages/1/remove",
        "/views",
        "/views/1/delete",
        "/known-errors",
        "/known-errors/KE0000001/retire",
        "/problem-candidates/detect",
        "/problem-candidates/1/accept",
        "/problem-candidates/1/dismiss",
        "/admin/routing/rules",
        "/admin/routing/rules/1/delete",
        "/admin/routing/try",
        "/admin/groups/Network",
        "/admin/settings",
        "/admin/users/manager",
        "/admin/service-levels/calendars",
        "/admin/service-levels/definitions",
        "/admin/service-levels/xlas",
        "/admin/service-levels/survey",
        "/admin/service-levels/replay",
        "/admin/catalog",
        "/admin/catalog/1",
        "/catalog/1",
        "/approvals/1",
        "/knowledge",
        "/knowledge/KB0000001/edit",
        "/knowledge/KB0000001/state",
        "/knowledge/KB0000001/restore",
        "/knowledge/KB0000001/feedback",
    ];
    for path in posts {
        let r = b.post(path, &[("csrf", "forged"), ("version", "1"), ("title", "forged")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(r.text().await.unwrap().contains("The form expired"), "{path}");
    }
    let (status, _) = b.get("/tickets").await;
    assert_eq!(status, StatusCode::OK, "still signed in: the forged sign-out did nothing");
}

on_both_databases!(
    a_refused_field_is_marked_and_what_was_typed_is_kept,
    form_posts_need_the_session_csrf_token,
    every_signed_in_form_refuses_a_forged_token,
    a_stale_edit_shows_a_notice_and_changes_nothing,
);
