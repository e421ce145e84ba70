//! The notification centre: news reaches a person's inbox, the bell's count follows it,
//! one or all are marked read (through the page and the API), and no one marks
//! another's. On SQLite and PostgreSQL.

use crate::common::{Browser, TestApp, body, location, signed_in};
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

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

/// Notifications come by mail too, kind by kind: requesters hear of replies, status
/// changes and approvals by default, staff of nothing until they or an administrator
/// choose; each person may choose their own kinds (account page or API) or follow the
/// default again. Internal news stays off a requester's mail as it stays out of their
/// inbox, and each mail links to the inbox.
async fn news_is_mailed_kind_by_kind(url: String) {
    let t = TestApp::spawn(url).await;
    let alice = t.user("default", "alice", "agent").await;
    let (admin, admin_csrf) = signed_in(&t, "root", "admin").await;
    let admin_token = t.app.create_token("default", "root", "test").await.unwrap();
    let (kim, csrf) = signed_in(&t, "kim", "requester").await;
    let kim_token = t.app.create_token("default", "kim", "test").await.unwrap();
    let n = t.create(&kim_token, "Scanner jams").await["number"].as_str().unwrap().to_string();
    let reply = |body: &'static str, visibility: &'static str| {
        let (t, alice, n) = (&t, &alice, &n);
        async move { t.post(alice, &format!("/api/v1/tickets/{n}/comments"), json!({"body": body, "visibility": visibility})).await }
    };
    let mails = |to: &'static str| {
        let t = &t;
        async move { t.mail_to(to).await }
    };

    // The desk's default for requesters: replies, yes; internal notes never.
    reply("Which tray?", "public").await;
    reply("Vendor says firmware bug.", "internal").await;
    let got = mails("kim@example.com").await;
    assert_eq!(got.len(), 1, "one public reply; the internal note stays off her mail: {got:?}");
    assert!(got[0].contains(&format!("Subject: {n} has a new reply")) && got[0].contains("/notifications"), "{}", got[0]);
    let (_, page) = kim.get("/account").await;
    assert!(page.contains(r#"value="default" checked"#) && page.contains("As the desk sets it: replies and notes;"), "{page}");
    assert_eq!(body(t.get(&kim_token, "/api/v1/me").await).await["mail_events"], Value::Null);

    // Her own choice: status changes only.
    let form = [("csrf", csrf.as_str()), ("follow", "own"), ("event", "status")];
    let r = kim.post("/account/notification-mail", &form).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/account?done=mail".to_string()));
    let (_, page) = kim.get("/account?done=mail").await;
    assert!(page.contains("Your choice of notification mail is saved.") && page.contains(r#"value="own" checked"#), "{page}");
    assert!(page.contains(r#"value="status" checked"#) && !page.contains(r#"value="reply" checked"#), "{page}");
    assert_eq!(body(t.get(&kim_token, "/api/v1/me").await).await["mail_events"], json!(["status"]));
    reply("Try the top tray.", "public").await;
    assert_eq!(mails("kim@example.com").await.len(), 1, "replies no longer mailed");
    let etag = t.get(&alice, &format!("/api/v1/tickets/{n}")).await.headers()["etag"].to_str().unwrap().to_string();
    let r = t.patch(&alice, &format!("/api/v1/tickets/{n}"), Some(&etag), json!({"status": "resolved", "resolution_code": "solved"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let got = mails("kim@example.com").await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().any(|m| m.contains(&format!("Subject: {n} is now resolved"))), "{got:?}");
    let put = |token: &str, path: &str, v: Value| t.http.put(t.url(path)).bearer_auth(token.to_string()).json(&v).send();
    let r = put(&kim_token, "/api/v1/me/notification-mail", json!({"events": ["replies"]})).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(r).await.to_string().contains("'replies' is not a kind of news"));
    let r = put(&kim_token, "/api/v1/me/notification-mail", json!({"events": null})).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(body(t.get(&kim_token, "/api/v1/me").await).await["mail_events"], Value::Null);

    // Staff get nothing by mail until the desk's default (or they) say so.
    let m = t.post(&kim_token, "/api/v1/tickets", json!({"title": "Monitor flickers"})).await;
    let m = body(m).await["number"].as_str().unwrap().to_string();
    let assign = |who: Value| {
        let (t, admin_token, m) = (&t, &admin_token, &m);
        async move {
            let etag = t.get(admin_token, &format!("/api/v1/tickets/{m}")).await.headers()["etag"].to_str().unwrap().to_string();
            t.patch(admin_token, &format!("/api/v1/tickets/{m}"), Some(&etag), json!({"assignee": who})).await
        }
    };
    assign(json!("alice")).await;
    assert!(mails("alice@example.com").await.is_empty(), "staff default: nothing");
    let (_, page) = admin.get("/admin/settings").await;
    assert!(page.contains(r#"aria-label="Replies and notes: mail requesters" checked"#), "{page}");
    let form = [("csrf", admin_csrf.as_str()), ("requester", "reply"), ("staff", "assigned")];
    let r = admin.post("/admin/settings/notification-mail", &form).await;
    assert_eq!(location(&r), "/admin/settings?saved=1#notification-mail");
    assert_eq!(assign(Value::Null).await.status(), StatusCode::OK);
    assert_eq!(assign(json!("alice")).await.status(), StatusCode::OK);
    let got = mails("alice@example.com").await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains(&format!("Subject: {m} was assigned to you")), "{}", got[0]);
    let r = put(&alice, "/api/v1/settings/notification-mail", json!({"requesters": [], "staff": []})).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

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
    let r = put(&token, "/api/v1/me/notification-mail", json!({"events": ["reply"]})).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(r).await["field"], "events");
    let r = put(&token, "/api/v1/me/notification-mail", json!({"events": []})).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

on_both_databases!(news_reaches_the_inbox_and_is_marked_read, news_is_mailed_kind_by_kind);
