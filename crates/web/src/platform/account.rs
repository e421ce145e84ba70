//! The account page (`/account`) of everyone signed in: change one's password (with a
//! strength meter), see one's sessions and sign out of one or all of them, and manage
//! one's API tokens. Every post goes through `CsrfForm`. A new token's secret is shown
//! on the page that answers its creation, once.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Redirect, Response};
use cairn_app::AppError;
use cairn_app::platform::auth::NewToken;
use cairn_app::platform::password::{self, MAX_CHARS, MIN_CHARS};
use cairn_domain::platform::news::{MailChoice, NewsKind};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::page::{Me, Refusal, error_page, render};
use crate::platform::session::Session;
use crate::time::short;

pub(crate) struct SessionView {
    pub id: String,
    pub created: String,
    pub expires: String,
    pub last_seen: String,
    pub current: bool,
}

pub(crate) struct TokenView {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub expires: Option<String>,
    pub last_used: Option<String>,
    pub expired: bool,
}

#[derive(Template)]
#[template(path = "platform/account.html")]
pub(crate) struct AccountPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub sessions: Vec<SessionView>,
    pub tokens: Vec<TokenView>,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The form field the refusal is about, to mark it.
    pub field: String,
    pub new_token: Option<NewToken>,
    pub min_chars: usize,
    pub max_chars: usize,
    /// Their own zone; empty while they follow the tenant's.
    pub time_zone: String,
    pub tenant_zone: String,
    pub zones: &'static [String],
    pub email: Option<String>,
    /// Each kind of news: (name, label, mailed now).
    pub mail_kinds: Vec<(&'static str, &'static str, bool)>,
    /// Whether the person chose their own kinds, and what the desk's default mails them.
    pub mail_own: bool,
    pub mail_default: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    done: Option<String>,
}

/// What a refused form comes back with: the status, the message and the field.
struct Refused {
    refusal: Refusal,
    field: String,
}

impl Refused {
    fn of(e: &AppError) -> Refused {
        let field = match e {
            AppError::Invalid { field, .. } => field.clone(),
            _ => String::new(),
        };
        let refusal = match e {
            AppError::Invalid { field, message } => Refusal::saying(e, &format!("{}: {message}", field.replace('_', " "))),
            _ => Refusal::of(e),
        };
        Refused { refusal, field }
    }
}

async fn page(ctx: &Ctx, s: &Session, notice: Option<String>, refused: Option<Refused>, new_token: Option<NewToken>) -> Response {
    let found =
        tokio::try_join!(ctx.app.own_sessions(&s.actor, Some(&s.token)), ctx.app.own_tokens(&s.actor), ctx.app.own_preferences(&s.actor));
    let (sessions, tokens, prefs) = match found {
        Ok(x) => x,
        Err(e) => return error_page(Some(s), e),
    };
    let now = ctx.app.now();
    let sessions = sessions
        .into_iter()
        .map(|x| SessionView {
            id: x.id,
            created: short(x.created_at),
            expires: short(x.expires_at),
            last_seen: short(x.last_seen_at),
            current: x.current,
        })
        .collect();
    let tokens = tokens
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created: short(t.created_at),
            expires: t.expires_at.map(short),
            last_used: t.last_used_at.map(short),
            expired: t.expires_at.is_some_and(|e| e <= now),
        })
        .collect();
    let (field, refusal) = refused.map_or((String::new(), None), |r| (r.field, Some(r.refusal)));
    let (status, error) = Refusal::split(refusal);
    let status = if new_token.is_some() { StatusCode::CREATED } else { status };
    let page = AccountPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        csrf: s.csrf.clone(),
        sessions,
        tokens,
        notice,
        error,
        field,
        new_token,
        min_chars: MIN_CHARS,
        max_chars: MAX_CHARS,
        time_zone: prefs.time_zone.unwrap_or_default(),
        tenant_zone: prefs.tenant_zone,
        email: prefs.email,
        mail_kinds: NewsKind::ALL.iter().map(|k| (k.as_str(), k.label(), prefs.mail_news.has(*k))).collect(),
        mail_own: prefs.mail_news_own,
        mail_default: described(&prefs.mail_default),
        zones: cairn_app::platform::zone::time_zones(),
    };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Query(q): Query<Done>) -> Response {
    let notice = match q.done.as_deref() {
        Some("password") => Some("Your password is changed. Your other sessions have ended.".to_string()),
        Some("session") => Some("That session has ended.".to_string()),
        Some("revoked") => Some("The token is revoked.".to_string()),
        Some("mail") => Some("Your choice of notification mail is saved.".to_string()),
        Some("zone") => Some(format!("Times are shown in {}.", s.zone.iana_name().unwrap_or("UTC"))),
        _ => None,
    };
    page(&ctx, &s, notice, None, None).await
}

/// The kinds of news in a choice, in words ("nothing" when none).
fn described(c: &MailChoice) -> String {
    if c.0.is_empty() { "nothing".into() } else { c.0.iter().map(|k| k.label().to_lowercase()).collect::<Vec<_>>().join("; ") }
}

/// `POST /account/notification-mail`: the kinds of news that also come by mail (`event`,
/// repeated), or `follow=default` for the desk's default.
pub(crate) async fn set_notification_mail(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<Vec<(String, String)>>) -> Response {
    let follow = f.iter().any(|(k, v)| k == "follow" && v == "default");
    let kinds = (!follow).then(|| f.iter().filter(|(k, _)| k == "event").map(|(_, v)| v.clone()).collect());
    match ctx.app.set_own_mail_news(&s.actor, kinds).await {
        Ok(()) => Redirect::to("/account?done=mail").into_response(),
        Err(e) => page(&ctx, &s, None, Some(Refused::of(&e)), None).await,
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct ZoneForm {
    /// Empty follows the tenant's.
    #[serde(default)]
    time_zone: String,
}

/// `POST /account/time-zone`: the zone the person's pages show times in.
pub(crate) async fn set_time_zone(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<ZoneForm>) -> Response {
    match ctx.app.set_own_time_zone(&s.actor, Some(f.time_zone.as_str())).await {
        Ok(()) => Redirect::to("/account?done=zone").into_response(),
        Err(e) => page(&ctx, &s, None, Some(Refused::of(&e)), None).await,
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

pub(crate) async fn change_password(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<PasswordForm>) -> Response {
    let done = if f.new_password != f.new_password_again {
        Err(AppError::invalid("new_password_again", "does not match the new password"))
    } else {
        ctx.app.change_own_password(&s.actor, &f.current_password, &f.new_password, Some(&s.token)).await
    };
    match done {
        Ok(_) => Redirect::to("/account?done=password").into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Throttled { .. })) => page(&ctx, &s, None, Some(Refused::of(&e)), None).await,
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn end_session(State(ctx): State<Ctx>, s: Session, Path(id): Path<String>, _: CsrfForm<Button>) -> Response {
    match ctx.app.end_own_session(&s.actor, &id).await {
        Ok(()) => Redirect::to("/account?done=session").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

/// Signs out everywhere, this browser included.
pub(crate) async fn end_sessions(State(ctx): State<Ctx>, s: Session, _: CsrfForm<Button>) -> Response {
    match ctx.app.end_own_sessions(&s.actor, None).await {
        Ok(_) => Redirect::to("/login").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct TokenForm {
    #[serde(default)]
    name: String,
    /// Days until it expires; blank or 0: never.
    #[serde(default)]
    expires_in_days: String,
}

/// The choices of the form's expiry (days; 0 is never).
const EXPIRY_DAYS: [i64; 5] = [0, 7, 30, 90, 365];

pub(crate) async fn create_token(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<TokenForm>) -> Response {
    let days = match f.expires_in_days.trim() {
        "" => Ok(0),
        d => d
            .parse::<i64>()
            .ok()
            .filter(|d| EXPIRY_DAYS.contains(d))
            .ok_or_else(|| AppError::invalid("expires_in_days", "choose one of the offered periods")),
    };
    let created = match days {
        Ok(days) => {
            let expires_at = (days > 0).then(|| ctx.app.now() + days * 86_400_000);
            ctx.app.create_own_token(&s.actor, &f.name, expires_at).await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(t) => page(&ctx, &s, Some(format!("Token “{}” created. Copy it now: it is not shown again.", t.name)), None, Some(t)).await,
        Err(e @ AppError::Invalid { .. }) => page(&ctx, &s, None, Some(Refused::of(&e)), None).await,
        Err(e) => error_page(Some(&s), e),
    }
}

pub(crate) async fn revoke_token(State(ctx): State<Ctx>, s: Session, Path(id): Path<i64>, _: CsrfForm<Button>) -> Response {
    match ctx.app.revoke_own_token(&s.actor, id).await {
        Ok(()) => Redirect::to("/account?done=revoked").into_response(),
        Err(e) => error_page(Some(&s), e),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct StrengthForm {
    #[serde(default)]
    password: String,
}

/// The meter's verdict: the same policy that refuses a password on save.
#[derive(Serialize)]
pub(crate) struct Strength {
    /// 0 (very weak) to 4 (strong).
    score: u8,
    ok: bool,
    /// "too short", "too common", … when refused.
    weakness: Option<&'static str>,
    message: Option<String>,
}

/// Assesses a password for the strength meter; changes nothing.
pub(crate) async fn check_strength(s: Session, CsrfForm(f): CsrfForm<StrengthForm>) -> Json<Strength> {
    let a = password::assess(&f.password, &[&s.actor.username]);
    Json(Strength {
        score: a.score,
        ok: a.weakness.is_none(),
        weakness: a.weakness.as_ref().map(|w| w.label()),
        message: a.weakness.map(|w| w.reason()),
    })
}
