//! The notification centre: news reaches a person's inbox, the bell's count follows it,
//! one or all are marked read (through the page and the API), and no one marks
//! another's. On SQLite and PostgreSQL.

use crate::common::{Browser, TestApp, body, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

/// The bell's count, as the page's script asks for it (with the session).
async fn unread(b: &Browser) -> serde_json::Value {
    let (status, text) = b.get("/api/v1/notifications/unread").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["unread"].clone()
}

async fn news_reaches_the_inbox_and_is_marked_read(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let (kim, csrf) = signed_in(&t, "kim", "requester").await;
    let kim_token = t.app.create_token("default", "kim", "test").await.unwrap();
    let n = t.create(&kim_token, "Printer offline").await["number"].as_str().unwrap().to_string();
    assert_eq!(unread(&kim).await, 0);
    let (_, page) = kim.get("/tickets").await;
    assert!(page.contains(r#"id="bell" href="/notifications""#), "every page has the bell");

    for reply in ["Which printer?", "Is it on?"] {
        let r = t.post(&alice, &format!("/api/v1/tickets/{n}/comments"), json!({"body": reply, "visibility": "public"})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    t.app.drain_jobs("t").await.unwrap();
    assert_eq!(unread(&kim).await, 2, "the bell counts what is unread");
    let (_, page) = kim.get("/notifications").await;
    assert!(page.contains("2 unread.") && page.matches(r#"<li class="unread">"#).count() == 2, "{page}");
    assert!(page.contains(&format!(r#"<a href="/tickets/{n}">{n} has a new reply</a>"#)), "{page}");

    let list = body(t.get(&kim_token, "/api/v1/notifications").await).await;
    let first = list[0]["id"].as_i64().unwrap().to_string();
    let r = kim.post("/notifications/read", &[("csrf", &csrf), ("id", &first)]).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/notifications".to_string()));
    assert_eq!(unread(&kim).await, 1);
    let list = body(t.get(&kim_token, "/api/v1/notifications").await).await;
    assert_eq!((list[0]["read"].as_bool(), list[1]["read"].as_bool()), (Some(true), Some(false)));

    // No one marks another's; all of one's own at once.
    let r = t.post(&alice, "/api/v1/notifications/read", json!({"id": list[1]["id"]})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(unread(&kim).await, 1, "alice's attempt changed nothing");
    let r = t.post(&kim_token, "/api/v1/notifications/read", json!({})).await;
    assert_eq!(body(r).await, json!({"marked": 1}));
    let (_, page) = kim.get("/notifications").await;
    assert!(page.contains("Nothing unread.") && !page.contains("Mark all read"), "{page}");
    assert_eq!(body(t.post(&kim_token, "/api/v1/notifications/read", json!({})).await).await, json!({"marked": 0}));
}

/// Notifications come by mail too for those who ask: from the account page or the API,
/// with a link to read them, and stop when turned off. Internal news stays off a
/// requester's mail as it stays out of their inbox.
async fn news_comes_by_mail_for_those_who_ask(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let (kim, csrf) = signed_in(&t, "kim", "requester").await;
    let kim_token = t.app.create_token("default", "kim", "test").await.unwrap();
    let n = t.create(&kim_token, "Scanner jams").await["number"].as_str().unwrap().to_string();
    let reply = |body: &'static str, visibility: &'static str| {
        let (t, alice, n) = (&t, &alice, &n);
        async move { t.post(alice, &format!("/api/v1/tickets/{n}/comments"), json!({"body": body, "visibility": visibility})).await }
    };
    reply("Which tray?", "public").await;
    assert!(t.mail_to("kim@example.com").await.is_empty(), "off until asked for");

    let r = kim.post("/account/notification-mail", &[("csrf", &csrf), ("mail_notifications", "1")]).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/account?done=mail-on".to_string()));
    let (_, page) = kim.get("/account?done=mail-on").await;
    assert!(page.contains("Your notifications now also come by mail.") && page.contains(r#"value="1" checked"#), "{page}");
    assert_eq!(body(t.get(&kim_token, "/api/v1/me").await).await["mail_notifications"], true);
    reply("Try the top tray.", "public").await;
    reply("Vendor says firmware bug.", "internal").await;
    let mails = t.mail_to("kim@example.com").await;
    assert_eq!(mails.len(), 1, "one public reply; the internal note stays off her mail: {mails:?}");
    assert!(mails[0].contains(&format!("Subject: {n} has a new reply")) && mails[0].contains("/notifications"), "{}", mails[0]);

    let r = t.http.put(t.url("/api/v1/me/notification-mail")).bearer_auth(&kim_token).json(&json!({"mail": false})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    reply("Fixed?", "public").await;
    assert_eq!(t.mail_to("kim@example.com").await.len(), 1, "no more once turned off");
    assert_eq!(unread(&kim).await, 3, "the inbox has every public reply all along");

    // No address, no mail: said, not silently accepted.
    let t2 = t.app.tenant_by_slug("default").await.unwrap();
    let req = cairn_app::platform::admin::CreateUser {
        username: "noaddr".into(),
        display_name: None,
        email: None,
        role: "requester".into(),
        password: None,
        organisation: None,
    };
    t.app.create_user(&cairn_app::platform::admin::Admin::Operator(t2.id), req).await.unwrap();
    let token = t.app.create_token("default", "noaddr", "test").await.unwrap();
    let r = t.http.put(t.url("/api/v1/me/notification-mail")).bearer_auth(&token).json(&json!({"mail": true})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(r).await["field"], "mail_notifications");
}

on_both_databases!(news_reaches_the_inbox_and_is_marked_read, news_comes_by_mail_for_those_who_ask);
