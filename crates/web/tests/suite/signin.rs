//! Signing in under attack: password hashing bounded to the cores, sign-in attempts
//! counted before the hash so parallel guesses cannot race past the allowance,
//! back-off per (account, address) and per address instead of lockout, API tokens
//! untouched by password failures, the sign-in form's own CSRF token, cookies and HSTS
//! over HTTPS, and the idle timeout of sessions. On SQLite and PostgreSQL.
//!
//! The throttle tests stop the clock: a back-off then never runs out during the test,
//! so the counts asserted do not depend on how fast the machine is.

use std::sync::Arc;

use crate::common::{Browser, PASSWORD, TestApp, location, set_cookies};
use cairn_app::ManualClock;
use cairn_store::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

const START: i64 = 1_800_000_000_000;

async fn frozen(url: String) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(START));
    (TestApp::spawn_with(url, clock.clone()).await, clock)
}

/// Posts the sign-in form with a valid form token; the status and `Retry-After`.
async fn attempt(
    http: reqwest::Client,
    base: String,
    form: (String, String),
    username: String,
    password: &str,
) -> (StatusCode, Option<u64>) {
    let (cookie, csrf) = form;
    let r = http
        .post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, cookie)
        .form(&[("username", username.as_str()), ("password", password), ("tenant", ""), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let retry = r.headers().get(reqwest::header::RETRY_AFTER).map(|v| v.to_str().unwrap().parse().unwrap());
    (r.status(), retry)
}

/// Fires `n` sign-ins at once from `b`, the i-th as `user(i)`; the answers.
async fn at_once(
    t: &TestApp,
    b: &Browser,
    n: usize,
    user: impl Fn(usize) -> String,
    password: &'static str,
) -> Vec<(StatusCode, Option<u64>)> {
    let form = b.login_form().await;
    let calls: Vec<_> = (0..n).map(|i| tokio::spawn(attempt(b.http.clone(), t.base.clone(), form.clone(), user(i), password))).collect();
    let mut out = Vec::new();
    for c in calls {
        out.push(c.await.unwrap());
    }
    out
}

fn count(answers: &[(StatusCode, Option<u64>)], status: StatusCode) -> usize {
    answers.iter().filter(|(s, _)| *s == status).count()
}

/// Every refusal to go on now says when to come back.
fn assert_refusals_say_when(answers: &[(StatusCode, Option<u64>)]) {
    for (status, retry) in answers {
        match *status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                assert!(retry.is_some_and(|s| s > 0), "{status} without Retry-After")
            }
            other => panic!("unexpected {other}"),
        }
    }
}

async fn many_sign_ins_at_once_hash_one_per_core_and_an_address_at_most_its_allowance(url: String) {
    let (t, _) = frozen(url).await;
    let before = t.app.hashing_stats();
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(before.limit, cores, "one hash per core at a time");

    // 400 different usernames from one address, all at once.
    let answers = at_once(&t, &Browser::new(&t), 400, |i| format!("nobody{i}"), "wrong").await;
    assert_refusals_say_when(&answers);
    let after = t.app.hashing_stats();
    assert!(after.peak <= cores, "{} hashes ran at once on {cores} cores", after.peak);
    let verified = (after.runs - before.runs) as usize;
    assert_eq!(verified, count(&answers, StatusCode::UNAUTHORIZED), "only refused passwords were hashed");
    assert!(verified <= 50, "{verified} passwords verified from one address; the allowance is 50");

    // Creating users with passwords over the API hashes in the same turns.
    t.user_with_password("default", "root", "admin", None).await;
    let admin = t.app.create_token("default", "root", "test").await.unwrap();
    let calls: Vec<_> = (0..16)
        .map(|i| {
            let (http, url, admin) = (t.http.clone(), t.url("/api/v1/users"), admin.clone());
            tokio::spawn(async move {
                let body = json!({"username": format!("new{i}"), "role": "agent", "password": "a long enough password"});
                http.post(url).bearer_auth(admin).json(&body).send().await.unwrap()
            })
        })
        .collect();
    for c in calls {
        let r = c.await.unwrap();
        match r.status() {
            StatusCode::CREATED => {}
            StatusCode::SERVICE_UNAVAILABLE => assert!(r.headers().contains_key(reqwest::header::RETRY_AFTER)),
            other => panic!("unexpected {other}: {}", r.text().await.unwrap()),
        }
    }
    assert!(t.app.hashing_stats().peak <= cores);
}

async fn parallel_guesses_at_one_account_are_verified_no_more_than_its_allowance(url: String) {
    let (t, _) = frozen(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let before = t.app.hashing_stats().runs;
    let answers = at_once(&t, &Browser::new(&t), 40, |_| "alice".into(), "wrong").await;
    assert_refusals_say_when(&answers);
    let verified = (t.app.hashing_stats().runs - before) as usize;
    assert!(verified <= 3, "{verified} guesses verified; the allowance is 3");
    assert_eq!(count(&answers, StatusCode::UNAUTHORIZED), verified);
    assert_eq!(count(&answers, StatusCode::TOO_MANY_REQUESTS) + count(&answers, StatusCode::SERVICE_UNAVAILABLE), 40 - verified);
}

async fn failures_slow_one_address_down_and_never_lock_the_account_out_elsewhere(url: String) {
    let (t, clock) = frozen(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let mut attacker = Browser::from_address(&t, "127.0.0.2");
    for _ in 0..3 {
        assert_eq!(attacker.login("alice", "wrong").await.status(), StatusCode::UNAUTHORIZED);
    }
    let r = attacker.login("alice", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits at that address");
    assert_eq!(r.headers()[reqwest::header::RETRY_AFTER], "1");
    assert!(r.text().await.unwrap().contains("too many failed sign-ins"), "the page says why");
    assert!(attacker.cookie.is_none(), "no session was issued");

    // Alice at her own desk is not held up by the attacker's failures.
    let mut alice = Browser::new(&t);
    assert_eq!(alice.login("alice", PASSWORD).await.status(), StatusCode::SEE_OTHER);

    // The wait doubles with each failure: 1 s, 2 s, 4 s.
    for wait in [1, 2, 4] {
        clock.advance(wait * 1000);
        assert_eq!(attacker.login("alice", "wrong").await.status(), StatusCode::UNAUTHORIZED, "after {wait} s one more try");
        let r = attacker.login("alice", "wrong").await;
        assert_eq!(r.headers()[reqwest::header::RETRY_AFTER], (wait * 2).to_string().as_str());
    }
}

async fn an_office_behind_one_address_is_slowed_not_locked_and_api_tokens_are_untouched(url: String) {
    let (t, clock) = frozen(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let token = t.app.create_token("default", "alice", "test").await.unwrap();
    // One after the other, so that none is turned away because the server is busy.
    let mut office = Browser::from_address(&t, "127.0.0.3");
    for i in 0..50 {
        assert_eq!(office.login(&format!("colleague{i}"), "wrong").await.status(), StatusCode::UNAUTHORIZED, "failure {i} is free");
    }

    let mut alice = Browser::from_address(&t, "127.0.0.3");
    let r = alice.login("alice", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = r.headers()[reqwest::header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(wait <= 300, "an address waits at most 5 minutes, not {wait} s");

    // Her API token works from that very address.
    let r = office.http.get(t.url("/api/v1/tickets")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "password failures never lock API tokens");

    clock.advance(wait * 1000);
    assert_eq!(alice.login("alice", PASSWORD).await.status(), StatusCode::SEE_OTHER, "after the wait the office signs in");
}

async fn a_sign_in_posted_without_the_forms_token_is_refused_and_gets_no_session(url: String) {
    let t = TestApp::spawn(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let runs = t.app.hashing_stats().runs;
    let mut b = Browser::new(&t);
    let (cookie, csrf) = b.login_form().await;
    let (other_cookie, _) = Browser::new(&t).login_form().await;
    let forged: [(Option<&str>, &str); 4] = [
        (None, ""),                   // another site's form: no cookie, no token
        (None, &csrf),                // a token without its cookie
        (Some(&cookie), ""),          // the cookie without the token
        (Some(&other_cookie), &csrf), // someone else's form
    ];
    for (c, token) in forged {
        let r = b.login_with("alice", PASSWORD, c, token).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "cookie {c:?}, token {token:?}");
        assert!(!set_cookies(&r).iter().any(|c| c.starts_with("cairn_session=")), "no session cookie");
        assert!(r.text().await.unwrap().contains("Please sign in again"));
    }
    assert!(b.cookie.is_none());
    assert_eq!(t.app.hashing_stats().runs, runs, "no password was even looked at");

    let r = b.login_with("alice", PASSWORD, Some(&cookie), &csrf).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cleared = set_cookies(&r).into_iter().find(|c| c.starts_with("cairn_login=")).expect("the form's cookie is removed");
    assert!(cleared.contains("Max-Age=0"));
    assert_eq!(b.get("/tickets").await.0, StatusCode::OK);
}

async fn over_https_cookies_are_secure_and_host_prefixed_and_hsts_is_sent(url: String) {
    let t = TestApp::spawn_https(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let r = t.http.get(t.url("/login")).send().await.unwrap();
    assert_eq!(r.headers()[reqwest::header::STRICT_TRANSPORT_SECURITY], "max-age=31536000");
    let form = set_cookies(&r).pop().unwrap();
    assert!(form.starts_with("__Host-cairn_login="), "{form}");
    assert!(form.contains("; Secure") && form.contains("Path=/") && !form.contains("Domain"), "{form}");

    let mut b = Browser::new(&t);
    let r = b.login("alice", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = set_cookies(&r).into_iter().find(|c| c.contains("cairn_session=")).unwrap();
    assert!(session.starts_with("__Host-cairn_session="), "{session}");
    for attr in ["; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/"] {
        assert!(session.contains(attr), "{attr} in {session}");
    }
    assert!(!session.contains("Domain"), "{session}");
    assert_eq!(b.get("/tickets").await.0, StatusCode::OK);

    // The same secret under the plain name (as a plain-HTTP page could set it) is not taken.
    let token = b.cookie.clone().unwrap().split_once('=').unwrap().1.to_string();
    b.cookie = Some(format!("cairn_session={token}"));
    let r = b.open("/tickets").await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/login?next=%2Ftickets".to_string()));
}

async fn over_plain_http_there_is_no_hsts_and_no_secure_flag(url: String) {
    let t = TestApp::spawn(url).await;
    let r = t.http.get(t.url("/login")).send().await.unwrap();
    assert!(!r.headers().contains_key(reqwest::header::STRICT_TRANSPORT_SECURITY));
    let form = set_cookies(&r).pop().unwrap();
    assert!(form.starts_with("cairn_login=") && !form.contains("Secure"), "{form}");
}

async fn a_session_idle_for_longer_than_the_timeout_signs_in_again(url: String) {
    let (t, clock) = frozen(url).await;
    t.user_with_password("default", "alice", "agent", Some(PASSWORD)).await;
    let mut b = Browser::new(&t);
    assert_eq!(b.login("alice", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let last_seen = || async {
        let mut c = t.app.db.read().await.unwrap();
        sqlx::query_scalar::<_, i64>("SELECT last_seen_at FROM sessions").fetch_one(&mut *c).await.unwrap()
    };

    // Used every 29 minutes, the session lives on; its mark is written at most once a minute.
    clock.advance(30_000);
    assert_eq!(b.get("/tickets").await.0, StatusCode::OK);
    assert_eq!(last_seen().await, START, "a request within the minute writes nothing");
    for _ in 0..3 {
        clock.advance(29 * 60_000);
        assert_eq!(b.get("/tickets").await.0, StatusCode::OK, "used within 30 minutes");
    }
    assert_eq!(last_seen().await, START + 30_000 + 3 * 29 * 60_000);

    // Left alone for 30 minutes, it ends.
    clock.advance(30 * 60_000);
    let r = b.open("/tickets").await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/login?next=%2Ftickets".to_string()));
}

on_both_databases!(
    many_sign_ins_at_once_hash_one_per_core_and_an_address_at_most_its_allowance,
    parallel_guesses_at_one_account_are_verified_no_more_than_its_allowance,
    failures_slow_one_address_down_and_never_lock_the_account_out_elsewhere,
    an_office_behind_one_address_is_slowed_not_locked_and_api_tokens_are_untouched,
    a_sign_in_posted_without_the_forms_token_is_refused_and_gets_no_session,
    over_https_cookies_are_secure_and_host_prefixed_and_hsts_is_sent,
    over_plain_http_there_is_no_hsts_and_no_secure_flag,
    a_session_idle_for_longer_than_the_timeout_signs_in_again,
);
