//! The password policy wherever a password is set, and the self-service account (the
//! API's `/api/v1/me/…` and the `/account` page): changing one's password ends the
//! other sessions, one's own sessions and tokens are listed and ended, revoked and
//! expired tokens are refused. On SQLite and PostgreSQL.

use std::sync::Arc;

use crate::common::{Browser, PASSWORD, TestApp, body, hidden, location};
use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "granite-lantern-orchard";

/// The review's weak passwords, a common long one, one too long, and what each refusal says.
const WEAK: [(&str, &str); 5] =
    [("password", "too short"), ("12345678", "too short"), ("        ", "blank"), ("password1234", "too common"), ("", "blank")];

async fn journal_actions(t: &TestApp) -> Vec<String> {
    let tenant = t.app.tenant_by_slug("default").await.unwrap();
    let mut c = t.app.db.read().await.unwrap();
    cairn_store::platform::journal::page(&mut c, tenant.id, 0, 10_000).await.unwrap().into_iter().map(|r| r.event.action).collect()
}

/// The account page's password form.
fn form<'a>(csrf: &'a str, current: &'a str, new: &'a str) -> [(&'a str, &'a str); 4] {
    [("csrf", csrf), ("current_password", current), ("new_password", new), ("new_password_again", new)]
}

async fn delete(t: &TestApp, token: &str, path: &str) -> reqwest::Response {
    t.http.delete(t.url(path)).bearer_auth(token).send().await.unwrap()
}

async fn weak_passwords_are_refused_wherever_a_password_is_set(url: String) {
    let t = TestApp::spawn(url).await;
    let admin = t.user("default", "ada", "admin").await;
    let long = "x".repeat(129);
    for (i, (p, why)) in WEAK.iter().chain([(long.as_str(), "too long")].iter()).enumerate() {
        let r = t.post(&admin, "/api/v1/users", json!({"username": format!("weak{i}"), "role": "agent", "password": p})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{p:?}");
        let b = body(r).await;
        assert_eq!(b["field"], "password", "{p:?}");
        assert!(b["message"].as_str().unwrap().contains(why), "{p:?}: {b}");
    }
    let users = body(t.get(&admin, "/api/v1/users").await).await;
    assert_eq!(users.as_array().unwrap().len(), 1, "no weak user was created: {users}");
    let r = t.post(&admin, "/api/v1/users", json!({"username": "kim", "role": "requester", "password": NEW_PASSWORD})).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // Changing one's own password, through the API and the page.
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let alice = t.app.create_token("default", "alice", "test").await.unwrap();
    for (p, why) in WEAK {
        let r = t.post(&alice, "/api/v1/me/password", json!({"current_password": PASSWORD, "new_password": p})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{p:?}");
        let b = body(r).await;
        assert_eq!(b["field"], "new_password");
        assert!(b["message"].as_str().unwrap().contains(why), "{p:?}: {b}");
    }
    let mut b = Browser::new(&t);
    b.login("alice", PASSWORD).await;
    let (_, page) = b.get("/account").await;
    let csrf = hidden(&page, "csrf");
    for (p, why) in WEAK {
        let r = b.post("/account/password", &form(&csrf, PASSWORD, p)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{p:?}");
        assert!(r.text().await.unwrap().contains(why), "the page says why: {p:?}");
    }
    assert!(!journal_actions(&t).await.contains(&"password_changed".to_string()));
    assert_eq!(Browser::new(&t).login("alice", PASSWORD).await.status(), StatusCode::SEE_OTHER, "the password is unchanged");
}

async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let token = t.app.create_token("default", "alice", "script").await.unwrap();
    let (mut here, mut there) = (Browser::new(&t), Browser::new(&t));
    here.login("alice", PASSWORD).await;
    there.login("alice", PASSWORD).await;
    let (_, page) = here.get("/account").await;
    let csrf = hidden(&page, "csrf");

    // Without the CSRF token, with a wrong current password, or a mistyped new one,
    // nothing changes.
    assert_eq!(here.post("/account/password", &form("", PASSWORD, NEW_PASSWORD)).await.status(), StatusCode::FORBIDDEN);
    let r = here.post("/account/password", &form(&csrf, "not-my-password", NEW_PASSWORD)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("not your current password"));
    let mut typo = form(&csrf, PASSWORD, NEW_PASSWORD);
    typo[3].1 = "granite-lantern-orchart";
    assert_eq!(here.post("/account/password", &typo).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "the two new ones differ");
    assert_eq!(there.get("/account").await.0, StatusCode::OK, "the other session lives on");

    let r = here.post("/account/password", &form(&csrf, PASSWORD, NEW_PASSWORD)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account?done=password");
    let (status, page) = here.get("/account?done=password").await;
    assert_eq!(status, StatusCode::OK, "this session stays");
    assert!(page.contains("Your password is changed"));
    let r = there.open("/account").await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/login?next=%2Faccount".to_string()), "the other session ended");
    assert_eq!(t.get(&token, "/api/v1/me").await.status(), StatusCode::OK, "tokens keep working");
    assert_eq!(Browser::new(&t).login("alice", PASSWORD).await.status(), StatusCode::UNAUTHORIZED, "the old password is gone");
    assert_eq!(Browser::new(&t).login("alice", NEW_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let actions = journal_actions(&t).await;
    assert!(actions.contains(&"password_changed".to_string()) && actions.contains(&"sessions_ended".to_string()), "{actions:?}");

    // Through the API every session ends (a token has none to keep).
    let r = t.post(&token, "/api/v1/me/password", json!({"current_password": "wrong-password-here", "new_password": PASSWORD})).await;
    assert_eq!((r.status(), body(r).await["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("current_password")));
    let r = t.post(&token, "/api/v1/me/password", json!({"current_password": NEW_PASSWORD, "new_password": PASSWORD})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(here.open("/account").await.status(), StatusCode::SEE_OTHER, "signed out by the change");
}

async fn guessing_the_current_password_is_throttled(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let token = t.app.create_token("default", "alice", "test").await.unwrap();
    let change = |current: &'static str| json!({"current_password": current, "new_password": NEW_PASSWORD});
    for _ in 0..5 {
        assert_eq!(t.post(&token, "/api/v1/me/password", change("guess-guess-guess")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = t.post(&token, "/api/v1/me/password", change(PASSWORD)).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "even the right one waits");
    assert!(r.headers().contains_key("retry-after"));
}

async fn revoked_and_expired_tokens_are_refused(url: String) {
    let clock = Arc::new(ManualClock::new(1_800_000_000_000));
    let t = TestApp::spawn_with(url, clock.clone()).await;
    let alice = t.user("default", "alice", "agent").await;
    let bob = t.user("default", "bob", "agent").await;

    let r = t.post(&alice, "/api/v1/me/tokens", json!({"name": "nightly export"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let made = body(r).await;
    let (id, secret) = (made["id"].as_i64().unwrap(), made["token"].as_str().unwrap().to_string());
    assert_eq!(made["expires_at"], Value::Null);
    assert_eq!(t.get(&secret, "/api/v1/me").await.status(), StatusCode::OK);
    let list = body(t.get(&alice, "/api/v1/me/tokens").await).await;
    let listed = list.as_array().unwrap().iter().find(|x| x["id"] == id).cloned().unwrap();
    assert_eq!(listed["name"], "nightly export");
    assert!(listed["last_used_at"].is_string(), "its use is recorded: {listed}");
    assert!(listed.get("token").is_none() && !list.to_string().contains(&secret), "the secret is not listed again");

    // Bob can neither see nor revoke it.
    let bobs = body(t.get(&bob, "/api/v1/me/tokens").await).await;
    assert!(bobs.as_array().unwrap().iter().all(|x| x["id"] != id), "{bobs}");
    assert_eq!(delete(&t, &bob, &format!("/api/v1/me/tokens/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(t.get(&secret, "/api/v1/me").await.status(), StatusCode::OK);

    assert_eq!(delete(&t, &alice, &format!("/api/v1/me/tokens/{id}")).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(t.get(&secret, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED, "revoked");
    assert_eq!(delete(&t, &alice, &format!("/api/v1/me/tokens/{id}")).await.status(), StatusCode::NOT_FOUND, "once");
    assert!(journal_actions(&t).await.contains(&"token_revoked".to_string()));

    // An expiring token works until its time, then never again.
    let r = t.post(&alice, "/api/v1/me/tokens", json!({"name": "past", "expires_at": "2020-01-01T00:00:00Z"})).await;
    assert_eq!((r.status(), body(r).await["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("expires_at")));
    let r = t.post(&alice, "/api/v1/me/tokens", json!({"name": "a day", "expires_at": "2027-01-16T08:00:00Z"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let day = body(r).await["token"].as_str().unwrap().to_string();
    assert_eq!(t.get(&day, "/api/v1/me").await.status(), StatusCode::OK);
    clock.advance(24 * 3_600_000);
    assert_eq!(t.get(&day, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED, "expired");
    let list = body(t.get(&alice, "/api/v1/me/tokens").await).await;
    assert!(list.as_array().unwrap().iter().any(|x| x["name"] == "a day" && x["expired"] == true), "{list}");
}

async fn the_account_page_creates_and_revokes_tokens(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "kim", "requester", Some(PASSWORD)).await;
    let mut b = Browser::new(&t);
    b.login("kim", PASSWORD).await;
    let (status, page) = b.get("/account").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&page, "csrf");
    assert_eq!(
        b.post("/account/tokens", &[("csrf", "forged"), ("name", "x"), ("expires_in_days", "30")]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        b.post("/account/tokens", &[("csrf", &csrf), ("name", "x"), ("expires_in_days", "3")]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let r = b.post("/account/tokens", &[("csrf", &csrf), ("name", "laptop script"), ("expires_in_days", "30")]).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let page = r.text().await.unwrap();
    let marker = "id=\"new-token-secret\" readonly value=\"";
    let at = page.find(marker).unwrap() + marker.len();
    let secret = page[at..].split('"').next().unwrap().to_string();
    let me = body(t.get(&secret, "/api/v1/me").await).await;
    assert_eq!(me["username"], "kim");
    let (_, again) = b.get("/account").await;
    assert!(again.contains("laptop script") && !again.contains(&secret), "listed, the secret not shown again");

    let id = body(t.get(&secret, "/api/v1/me/tokens").await).await[0]["id"].as_i64().unwrap();
    let r = b.post(&format!("/account/tokens/{id}/revoke"), &[("csrf", &csrf)]).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/account?done=revoked".to_string()));
    assert_eq!(t.get(&secret, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
}

async fn the_sessions_list_shows_only_ones_own_and_ends_them(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    t.user_with_password("default", "bob", "agent", Some(PASSWORD)).await;
    let alice = t.app.create_token("default", "alice", "test").await.unwrap();
    let bob = t.app.create_token("default", "bob", "test").await.unwrap();
    let (mut a1, mut a2, mut b1) = (Browser::new(&t), Browser::new(&t), Browser::new(&t));
    a1.login("alice", PASSWORD).await;
    a2.login("alice", PASSWORD).await;
    b1.login("bob", PASSWORD).await;

    let mine = body(t.get(&alice, "/api/v1/me/sessions").await).await;
    assert_eq!(mine.as_array().unwrap().len(), 2, "{mine}");
    let bobs = body(t.get(&bob, "/api/v1/me/sessions").await).await;
    assert_eq!(bobs.as_array().unwrap().len(), 1);
    let bob_id = bobs[0]["id"].as_str().unwrap().to_string();
    assert!(!mine.to_string().contains(&bob_id));

    let (_, page) = a1.get("/account").await;
    assert_eq!(page.matches("(this session)").count(), 1, "this one is marked");
    assert_eq!(page.matches("/end\" class=\"inline\"").count(), 1, "the other one can be signed out");
    assert!(!page.contains(&bob_id), "bob's session is not on alice's page");
    let csrf = hidden(&page, "csrf");

    // Alice cannot end Bob's session, by the API or the page.
    assert_eq!(delete(&t, &alice, &format!("/api/v1/me/sessions/{bob_id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(a1.post(&format!("/account/sessions/{bob_id}/end"), &[("csrf", &csrf)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(b1.get("/account").await.0, StatusCode::OK, "bob is still signed in");

    // She signs the other browser out, then everywhere.
    let other = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .find(|id| page.contains(&format!("/account/sessions/{id}/end")))
        .unwrap();
    let r = a1.post(&format!("/account/sessions/{other}/end"), &[("csrf", &csrf)]).await;
    assert_eq!(location(&r), "/account?done=session");
    assert_eq!(a2.open("/account").await.status(), StatusCode::SEE_OTHER, "that browser is signed out");
    assert_eq!(a1.get("/account").await.0, StatusCode::OK, "this one is not");
    a2.login("alice", PASSWORD).await;
    let r = a1.post("/account/sessions/end-all", &[("csrf", &csrf)]).await;
    assert_eq!(location(&r), "/login");
    assert_eq!(a1.open("/account").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(a2.open("/account").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(b1.get("/account").await.0, StatusCode::OK, "bob's sessions are his own");
    assert_eq!(body(t.get(&alice, "/api/v1/me/sessions").await).await, json!([]));

    // The API's sign-out-everywhere.
    let r = delete(&t, &bob, "/api/v1/me/sessions").await;
    assert_eq!(body(r).await["ended"], 1);
    assert_eq!(b1.open("/account").await.status(), StatusCode::SEE_OTHER);
}

async fn verdict(b: &Browser, csrf: &str, password: &str) -> Value {
    b.post("/account/password-check", &[("csrf", csrf), ("password", password)]).await.json().await.unwrap()
}

async fn the_strength_meter_asks_the_same_policy(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let mut b = Browser::new(&t);
    b.login("alice", PASSWORD).await;
    let (page_status, page) = b.get("/account").await;
    assert_eq!(page_status, StatusCode::OK);
    assert!(page.contains("data-meter=\"12\"") && page.contains("aria-live=\"polite\"") && page.contains("/static/password.js"));
    let csrf = hidden(&page, "csrf");
    let v = verdict(&b, &csrf, "password1234").await;
    assert_eq!((v["ok"].clone(), v["weakness"].clone()), (json!(false), json!("too common")), "{v}");
    assert_eq!(verdict(&b, &csrf, "12345678").await["weakness"], "too short");
    let v = verdict(&b, &csrf, NEW_PASSWORD).await;
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["score"].as_u64().unwrap() >= 3);
    assert_eq!(b.post("/account/password-check", &[("csrf", "x"), ("password", "p")]).await.status(), StatusCode::FORBIDDEN);
    let (status, js) = b.get("/static/password.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(js.contains("/account/password-check"));
}

on_both_databases!(
    weak_passwords_are_refused_wherever_a_password_is_set,
    changing_the_password_needs_the_current_one_and_ends_the_other_sessions,
    guessing_the_current_password_is_throttled,
    revoked_and_expired_tokens_are_refused,
    the_account_page_creates_and_revokes_tokens,
    the_sessions_list_shows_only_ones_own_and_ends_them,
    the_strength_meter_asks_the_same_policy,
);
