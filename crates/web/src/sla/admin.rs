//! The service-level admin page: business calendars, SLA/OLA/underpinning definitions
//! and XLAs, each listed and edited in plain forms (conditions and actions one per line),
//! and a replay of every clock under the current definitions.
//!
//! A refused form comes back with what the administrator typed and the problem named.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::platform::admin::Admin;
use cairn_domain::sla::calendar::CalendarSpec;
use cairn_domain::sla::definition::Definition;
use cairn_domain::sla::text;
use serde::Deserialize;

use super::admin_forms::{CalendarForm, DAYS, DefinitionForm, SurveyForm, XlaForm};
use crate::ctx::Ctx;
use crate::platform::csrf::CsrfForm;
use crate::platform::page::{Me, error_page, render};
use crate::platform::session::Session;

pub(crate) struct CalendarRow {
    pub name: String,
    pub summary: String,
    pub holidays: usize,
}

pub(crate) struct DefinitionRow {
    pub id: i64,
    pub position: i64,
    pub name: String,
    pub kind: String,
    pub calendar: String,
    pub enabled: bool,
    pub targets: String,
    pub rules: String,
    /// Why it can never apply (a catch-all of its kind comes first), if so.
    pub shadowed_by: Option<String>,
}

#[derive(Template)]
#[template(path = "sla/sla_admin.html")]
pub(crate) struct SlaAdminPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub calendars: Vec<CalendarRow>,
    pub definitions: Vec<DefinitionRow>,
    pub xlas: Vec<(String, String, String)>,
    pub groups: Vec<String>,
    pub calendar: CalendarForm,
    pub definition: DefinitionForm,
    pub xla: XlaForm,
    pub survey: SurveyForm,
    /// What the last replay changed, a line per clock.
    pub replayed: Vec<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

fn summary(spec: &CalendarSpec) -> String {
    let zone = if spec.time_zone.is_empty() { "parent's zone".to_string() } else { spec.time_zone.clone() };
    let hours = if spec.always_open {
        "24×7".to_string()
    } else if spec.hours.is_empty() {
        "parent's hours".to_string()
    } else {
        DAYS.iter().filter_map(|d| spec.hours.get(*d).map(|h| format!("{d} {}", h.join(", ")))).collect::<Vec<_>>().join("; ")
    };
    match &spec.parent {
        Some(p) => format!("{zone} · {hours} · adds to {p}"),
        None => format!("{zone} · {hours}"),
    }
}

fn describe(d: &Definition) -> DefinitionRow {
    let t = &d.targets;
    let targets =
        [("first response", t.first_response_minutes), ("resolution", t.resolution_minutes), ("next update", t.next_update_minutes)]
            .into_iter()
            .filter_map(|(n, m)| m.map(|m| format!("{n} {m} min")))
            .collect::<Vec<_>>()
            .join(", ");
    let mut rules = Vec::new();
    for (label, list) in [("applies when", &d.applies_when), ("paused while", &d.pause_when), ("stops when", &d.stop_when)] {
        if !list.is_empty() {
            rules.push(format!("{label} {}", text::format_conditions(list).replace('\n', " and ")));
        }
    }
    if !d.breach_actions.is_empty() {
        rules.push(format!("on breach: {}", text::format_actions(&d.breach_actions).replace('\n', ", ")));
    }
    DefinitionRow {
        id: d.id.0,
        position: d.position,
        name: d.name.clone(),
        kind: d.kind.to_uppercase(),
        calendar: d.calendar.clone(),
        enabled: d.enabled,
        targets,
        rules: if rules.is_empty() { "every ticket".into() } else { rules.join("; ") },
        shadowed_by: None,
    }
}

/// The forms to show: the typed ones after a refusal, else the one asked for by
/// `?calendar=` / `?definition=`, else blank ones.
#[derive(Default)]
struct Drafts {
    calendar: Option<CalendarForm>,
    definition: Option<DefinitionForm>,
    xla: Option<XlaForm>,
    survey: Option<SurveyForm>,
}

#[derive(Deserialize, Default)]
pub(crate) struct AdminQuery {
    saved: Option<String>,
    calendar: Option<String>,
    definition: Option<i64>,
}

async fn page(ctx: &Ctx, s: &Session, q: AdminQuery, drafts: Drafts, replayed: Vec<String>, error: Option<String>) -> Response {
    let a = &s.actor;
    if let Err(e) = Admin::from_actor(a) {
        return error_page(Some(s), e);
    }
    let loaded = tokio::try_join!(
        ctx.app.calendars(a),
        ctx.app.sla_definitions(a),
        ctx.app.xla_statuses(a),
        ctx.app.groups(a),
        ctx.app.survey_questions(a)
    );
    let (calendars, definitions, xlas, groups, questions) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(Some(s), e),
    };
    let calendar = drafts.calendar.unwrap_or_else(|| {
        q.calendar
            .as_deref()
            .and_then(|n| calendars.iter().find(|(name, _)| name == n))
            .map(|(n, spec)| CalendarForm::of(n, spec))
            .unwrap_or_default()
    });
    let definition = drafts.definition.unwrap_or_else(|| {
        q.definition.and_then(|id| definitions.iter().find(|d| d.id.0 == id)).map(DefinitionForm::of).unwrap_or_else(DefinitionForm::blank)
    });
    let xla = drafts.xla.unwrap_or_else(|| XlaForm { measure: "csat".into(), window_days: "30".into(), ..XlaForm::default() });
    let mut sorted = definitions.clone();
    sorted.sort_by_key(|d| (d.position, d.id));
    let shadows = cairn_domain::sla::definition::shadowed(&sorted);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = SlaAdminPage {
        me: Some(Me::new(a, &s.csrf)),
        csrf: s.csrf.clone(),
        calendars: calendars
            .iter()
            .map(|(name, spec)| CalendarRow { name: name.clone(), summary: summary(spec), holidays: spec.holidays.len() })
            .collect(),
        definitions: sorted
            .iter()
            .map(|d| {
                let by = shadows.iter().find(|(x, _)| x.id == d.id).map(|(_, by)| by.name.clone());
                DefinitionRow { shadowed_by: by, ..describe(d) }
            })
            .collect(),
        xlas: xlas
            .into_iter()
            .map(|x| {
                let scope = [x.xla.service.clone(), x.xla.group.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                let target = if x.xla.measure == "availability" { format!("{} %", x.xla.target) } else { x.xla.target.to_string() };
                (x.xla.name, format!("{} ≥ {target}", x.xla.measure), if scope.is_empty() { "all".into() } else { scope })
            })
            .collect(),
        groups: groups.into_iter().map(|g| g.name).collect(),
        calendar,
        definition,
        xla,
        survey: drafts.survey.unwrap_or_else(|| SurveyForm::of(&questions)),
        replayed,
        notice: q.saved.map(|_| "Saved.".to_string()),
        error,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Query(q): Query<AdminQuery>) -> Response {
    page(&ctx, &s, q, Drafts::default(), vec![], None).await
}

/// After a save: back to the page, or the page again with the typed form and the problem.
async fn saved(ctx: &Ctx, s: &Session, result: Result<(), AppError>, drafts: Drafts) -> Response {
    match result {
        Ok(()) => Redirect::to("/admin/service-levels?saved=1").into_response(),
        Err(e @ AppError::Invalid { .. }) => page(ctx, s, AdminQuery::default(), drafts, vec![], Some(e.to_string())).await,
        Err(e) => error_page(Some(s), e),
    }
}

pub(crate) async fn save_calendar(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<CalendarForm>) -> Response {
    let result = match Admin::from_actor(&s.actor) {
        Ok(admin) => ctx.app.save_calendar(&admin, &f.name, f.spec()).await.map(|_| ()),
        Err(e) => Err(e),
    };
    saved(&ctx, &s, result, Drafts { calendar: Some(f), ..Drafts::default() }).await
}

pub(crate) async fn save_definition(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<DefinitionForm>) -> Response {
    let result = match (Admin::from_actor(&s.actor), f.definition()) {
        (Ok(admin), Ok(d)) => ctx.app.save_sla_definition(&admin, d).await.map(|_| ()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    saved(&ctx, &s, result, Drafts { definition: Some(f), ..Drafts::default() }).await
}

pub(crate) async fn save_xla(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<XlaForm>) -> Response {
    let result = match (Admin::from_actor(&s.actor), f.xla()) {
        (Ok(admin), Ok(x)) => ctx.app.save_xla(&admin, x).await.map(|_| ()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    saved(&ctx, &s, result, Drafts { xla: Some(f), ..Drafts::default() }).await
}

pub(crate) async fn save_survey(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<SurveyForm>) -> Response {
    let result = match (Admin::from_actor(&s.actor), f.questions()) {
        (Ok(admin), Ok(q)) => ctx.app.save_survey_questions(&admin, q).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    saved(&ctx, &s, result, Drafts { survey: Some(f), ..Drafts::default() }).await
}

#[derive(Deserialize)]
pub(crate) struct ReplayForm {
    #[serde(default)]
    apply: Option<String>,
}

/// Recomputes every clock under the current definitions; shows what changes outcome,
/// and stores it when asked to apply.
pub(crate) async fn replay(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<ReplayForm>) -> Response {
    if let Err(e) = Admin::from_actor(&s.actor) {
        return error_page(Some(&s), e);
    }
    let apply = f.apply.is_some();
    let report = match ctx.app.replay_slas(s.actor.tenant_id, apply).await {
        Ok(r) => r,
        Err(e) => return error_page(Some(&s), e),
    };
    let mut lines = vec![format!(
        "{} clocks of {} tickets recomputed; {} change outcome{}.",
        report.clocks,
        report.tickets,
        report.changed.len(),
        if apply { " and are now stored" } else { " (nothing stored yet)" }
    )];
    lines.extend(report.changed.iter().take(200).map(|(ticket, definition, target, before, after)| {
        format!("{ticket} · {definition} · {}: {before} → {after}", target.replace('_', " "))
    }));
    page(&ctx, &s, AdminQuery::default(), Drafts::default(), lines, None).await
}
