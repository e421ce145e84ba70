//! The tenant settings page for administrators: the impact × urgency → priority
//! matrix, the auto-close waiting period, the time zone, the news mailed by default,
//! and the categories.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::platform::admin::Admin;
use cairn_domain::platform::news::NewsKind;
use cairn_domain::ticket::priority::PriorityMatrix;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::platform::csrf::CsrfForm;
use crate::platform::page::{Me, Refusal, error_page, render};
use crate::platform::session::Session;

#[derive(Template)]
#[template(path = "platform/settings.html")]
pub(crate) struct SettingsPage {
    pub me: Option<Me>,
    pub csrf: String,
    /// Rows by impact, columns by urgency: (form field name, priority).
    pub matrix: Vec<Vec<MatrixCell>>,
    pub auto_close_days: i64,
    pub time_zone: String,
    pub zones: &'static [String],
    /// Each kind of news: (name, label, mailed to requesters, mailed to staff) by default.
    pub mail_kinds: Vec<(&'static str, &'static str, bool, bool)>,
    pub categories: Vec<String>,
    /// (name, shares tickets among its requesters)
    pub organisations: Vec<(String, bool)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// The matrix's rows and columns, high first.
const LEVELS: [&str; 3] = ["high", "medium", "low"];

/// One select of the priority matrix: its form field (`m12`: impact high, urgency
/// medium), what a screen reader says for it, and the priority chosen.
pub(crate) struct MatrixCell {
    pub name: String,
    pub label: String,
    pub priority: i64,
}

#[derive(Deserialize, Default)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

async fn page(ctx: &Ctx, s: &Session, notice: Option<String>, refused: Option<Refusal>) -> Response {
    let admin = match Admin::from_actor(&s.actor) {
        Ok(a) => a,
        Err(e) => return error_page(Some(s), e),
    };
    let found = tokio::try_join!(ctx.app.settings(&admin), ctx.app.categories(&s.actor), ctx.app.organisations(&s.actor));
    let (tenant, categories, organisations) = match found {
        Ok(x) => x,
        Err(e) => return error_page(Some(s), e),
    };
    let raw: [[i64; 3]; 3] = tenant.priority_matrix.into();
    let matrix = raw
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let cell = |j: usize, p: i64| MatrixCell {
                name: format!("m{}{}", i + 1, j + 1),
                label: format!("Impact {} × urgency {}", LEVELS[i], LEVELS[j]),
                priority: p,
            };
            row.iter().enumerate().map(|(j, p)| cell(j, *p)).collect()
        })
        .collect();
    let (status, error) = Refusal::split(refused);
    let page = SettingsPage {
        me: Some(Me::new(&s.actor, &s.csrf)),
        csrf: s.csrf.clone(),
        matrix,
        auto_close_days: tenant.auto_close_days,
        mail_kinds: NewsKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label(), tenant.mail_news_requesters.has(*k), tenant.mail_news_staff.has(*k)))
            .collect(),
        time_zone: tenant.time_zone,
        zones: cairn_app::platform::zone::time_zones(),
        categories,
        organisations,
        notice,
        error,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Query(q): Query<SavedQuery>) -> Response {
    page(&ctx, &s, q.saved.map(|_| "Saved.".to_string()), None).await
}

/// Any settings form: the fields present say what changes.
#[derive(Deserialize)]
pub(crate) struct SettingsForm {
    m11: Option<i64>,
    m12: Option<i64>,
    m13: Option<i64>,
    m21: Option<i64>,
    m22: Option<i64>,
    m23: Option<i64>,
    m31: Option<i64>,
    m32: Option<i64>,
    m33: Option<i64>,
    auto_close_days: Option<String>,
    /// The zone its people see times in unless they choose their own.
    time_zone: Option<String>,
    category: Option<String>,
    /// An organisation to add.
    new_organisation: Option<String>,
    /// An organisation whose sharing changes to `shared` ("1" or "0").
    organisation: Option<String>,
    shared: Option<String>,
}

async fn apply(ctx: &Ctx, admin: &Admin, f: SettingsForm) -> Result<(), AppError> {
    let cells = [[f.m11, f.m12, f.m13], [f.m21, f.m22, f.m23], [f.m31, f.m32, f.m33]];
    if cells.iter().flatten().any(Option::is_some) {
        let raw = cells.map(|row| row.map(|v| v.unwrap_or(0)));
        ctx.app.set_priority_matrix(admin, PriorityMatrix::try_from(raw)?).await?;
    }
    if let Some(days) = f.auto_close_days {
        let days = days.trim().parse().map_err(|_| AppError::invalid("days", format!("'{}' is not a number of days", days.trim())))?;
        ctx.app.set_auto_close_days(admin, days).await?;
    }
    if let Some(zone) = f.time_zone {
        ctx.app.set_tenant_time_zone(admin, &zone).await?;
    }
    if let Some(name) = f.category {
        ctx.app.create_category(admin, &name).await?;
    }
    if let Some(name) = f.new_organisation {
        ctx.app.create_organisation(admin, &name).await?;
    }
    if let Some(name) = f.organisation {
        ctx.app.set_organisation_sharing(admin, &name, f.shared.as_deref() == Some("1")).await?;
    }
    Ok(())
}

pub(crate) async fn save(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<SettingsForm>) -> Response {
    let admin = match Admin::from_actor(&s.actor) {
        Ok(a) => a,
        Err(e) => return error_page(Some(&s), e),
    };
    match apply(&ctx, &admin, f).await {
        Ok(()) => Redirect::to("/admin/settings?saved=1").into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => page(&ctx, &s, None, Some(Refusal::of(&e))).await,
        Err(e) => error_page(Some(&s), e),
    }
}

/// `POST /admin/settings/notification-mail`: the kinds of news mailed by default to
/// requesters (`requester`, repeated) and to staff (`staff`), for those who have not
/// chosen their own.
pub(crate) async fn save_mail_defaults(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<Vec<(String, String)>>) -> Response {
    let of = |role: &str| f.iter().filter(|(k, _)| k == role).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    match ctx.app.set_tenant_mail_news(&s.actor, &of("requester"), &of("staff")).await {
        Ok(()) => Redirect::to("/admin/settings?saved=1#notification-mail").into_response(),
        Err(e @ AppError::Invalid { .. }) => page(&ctx, &s, None, Some(Refusal::of(&e))).await,
        Err(e) => error_page(Some(&s), e),
    }
}
