//! A real server on a loopback port over a fresh database, and HTTP helpers.
#![allow(dead_code)]

use std::sync::Arc;

use cairn_app::platform::admin::{Admin, CreateUser};
use cairn_app::{App, Clock, Db, SystemClock};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub http: reqwest::Client,
    /// Where the server's mail lands, one `.eml` file each.
    pub mail: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn(url: String) -> TestApp {
        TestApp::spawn_with(url, Arc::new(SystemClock)).await
    }

    /// A server whose clock the test sets (for timers and jobs).
    pub async fn spawn_with(url: String, clock: Arc<dyn Clock>) -> TestApp {
        TestApp::spawn_configured(url, clock, cairn_web::WebConfig::default()).await
    }

    /// A server as configured for HTTPS (still spoken to over plain HTTP here).
    pub async fn spawn_https(url: String) -> TestApp {
        TestApp::spawn_configured(url, Arc::new(SystemClock), cairn_web::WebConfig { secure_cookies: true, ..Default::default() }).await
    }

    /// A server with the given web settings (e.g. short connection timeouts).
    pub async fn spawn_configured(url: String, clock: Arc<dyn Clock>, config: cairn_web::WebConfig) -> TestApp {
        let db = Db::open(&url, 0).await.expect("open db");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let mail = tempfile::tempdir().expect("mail dir");
        let mailer = cairn_app::platform::mail::Mailer::dir(mail.path().into(), "Cairn <cairn@example.com>", &base).expect("mailer");
        let app = App::new(db, clock).with_mailer(mailer);
        app.bootstrap().await.expect("bootstrap");
        let server = app.clone();
        tokio::spawn(async move {
            cairn_web::serve(listener, server, config, std::future::pending()).await.expect("serve");
        });
        TestApp { base, app, http: reqwest::Client::new(), mail }
    }

    /// Runs the due jobs, then returns the mail delivered so far to `to`, oldest first,
    /// with quoted-printable soft breaks undone.
    pub async fn mail_to(&self, to: &str) -> Vec<String> {
        self.app.drain_jobs("test").await.expect("jobs");
        let mut files: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(self.mail.path())
            .expect("mail dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| (e.metadata().and_then(|m| m.modified()).expect("mtime"), std::fs::read_to_string(e.path()).expect("mail")))
            .collect();
        files.sort();
        files.into_iter().map(|(_, m)| m.replace("=\r\n", "").replace("=3D", "=")).filter(|m| m.contains(&format!("To: {to}"))).collect()
    }

    /// The approval link (path) in the newest mail to `to`.
    pub async fn approval_link(&self, to: &str) -> String {
        let mails = self.mail_to(to).await;
        let last = mails.last().unwrap_or_else(|| panic!("no mail to {to}"));
        let at = last.find("/approve/").expect("a link");
        last[at..].split_whitespace().next().expect("link").to_string()
    }

    /// Creates a user in `tenant` and returns an API token for them.
    pub async fn user(&self, tenant: &str, username: &str, role: &str) -> String {
        self.user_with_password(tenant, username, role, None).await;
        self.app.create_token(tenant, username, "test").await.expect("token")
    }

    pub async fn user_with_password(&self, tenant: &str, username: &str, role: &str, password: Option<&str>) {
        let t = self.app.tenant_by_slug(tenant).await.expect("tenant");
        let req = CreateUser {
            username: username.into(),
            display_name: None,
            email: Some(format!("{username}@example.com")),
            role: role.into(),
            password: password.map(str::to_string),
            organisation: None,
        };
        self.app.create_user(&Admin::Operator(t.id), req).await.expect("create user");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.http.post(self.url(path)).bearer_auth(token).json(&body).send().await.expect("post")
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).bearer_auth(token).send().await.expect("get")
    }

    pub async fn patch(&self, token: &str, path: &str, etag: Option<&str>, body: Value) -> reqwest::Response {
        let mut r = self.http.patch(self.url(path)).bearer_auth(token).json(&body);
        if let Some(e) = etag {
            r = r.header("If-Match", e);
        }
        r.send().await.expect("patch")
    }

    pub async fn create(&self, token: &str, title: &str) -> Value {
        let r = self.post(token, "/api/v1/tickets", json!({"title": title, "description": "details"})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json().await.expect("json")
    }
}

pub async fn body(r: reqwest::Response) -> Value {
    r.json().await.expect("json body")
}

/// A browser stand-in: no redirects followed, the session cookie carried by hand.
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
}

impl Browser {
    pub fn new(t: &TestApp) -> Browser {
        Browser::from_address(t, "127.0.0.1")
    }

    /// A browser on another machine: its connections come from `address` (any of
    /// 127.0.0.0/8 reaches the server on Linux).
    pub fn from_address(t: &TestApp, address: &str) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(address.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap();
        Browser { http, base: t.base.clone(), cookie: None }
    }

    /// Signs in through the form, as a browser does: the sign-in page first (its
    /// CSRF cookie and hidden token), then the post. Keeps the session cookie it gets.
    pub async fn login(&mut self, username: &str, password: &str) -> reqwest::Response {
        let (cookie, csrf) = self.login_form().await;
        self.login_with(username, password, Some(&cookie), &csrf).await
    }

    /// The sign-in form's cookie (`name=value`) and hidden CSRF token.
    pub async fn login_form(&self) -> (String, String) {
        let r = self.http.get(format!("{}/login", self.base)).send().await.unwrap();
        let cookie = set_cookies(&r).into_iter().find(|c| c.contains("cairn_login=")).expect("the form sets its cookie");
        let cookie = cookie.split(';').next().unwrap().to_string();
        (cookie, hidden(&r.text().await.unwrap(), "csrf"))
    }

    /// Posts the sign-in form with the cookie and token given (none, forged, or right).
    pub async fn login_with(&mut self, username: &str, password: &str, cookie: Option<&str>, csrf: &str) -> reqwest::Response {
        let mut req = self.http.post(format!("{}/login", self.base)).form(&[
            ("username", username),
            ("password", password),
            ("tenant", ""),
            ("csrf", csrf),
        ]);
        if let Some(c) = cookie {
            req = req.header(reqwest::header::COOKIE, c);
        }
        let r = req.send().await.unwrap();
        if let Some(c) = set_cookies(&r).into_iter().find(|c| c.contains("cairn_session=") && !c.contains("Max-Age=0")) {
            self.cookie = c.split(';').next().map(str::to_string);
        }
        r
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self.open(path).await;
        (r.status(), r.text().await.unwrap())
    }

    /// A GET whose body the caller reads (a stream of events, say).
    pub async fn open(&self, path: &str) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header(reqwest::header::COOKIE, c);
        }
        req.send().await.unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(c) = &self.cookie {
            req = req.header(reqwest::header::COOKIE, c);
        }
        req.send().await.unwrap()
    }
}

pub const PASSWORD: &str = "correct-horse";

/// Signs in a new user of `role` with [`PASSWORD`]; returns the browser and its CSRF token.
pub async fn signed_in(t: &TestApp, username: &str, role: &str) -> (Browser, String) {
    t.user_with_password("default", username, role, Some(PASSWORD)).await;
    let mut b = Browser::new(t);
    assert_eq!(b.login(username, PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get("/tickets").await;
    let csrf = hidden(&page, "csrf");
    (b, csrf)
}

/// Every `Set-Cookie` of a response.
pub fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers().get_all(reqwest::header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

/// Where a redirect points.
pub fn location(r: &reqwest::Response) -> String {
    r.headers().get(reqwest::header::LOCATION).map(|l| l.to_str().unwrap().to_string()).unwrap_or_default()
}

/// The value of the hidden input `name` in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no hidden {name}")) + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}
