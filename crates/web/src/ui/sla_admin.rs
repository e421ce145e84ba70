//! The service-level admin page: business calendars, SLA/OLA/underpinning definitions
//! and XLAs, each listed and edited in plain forms (conditions and actions one per line),
//! and a replay of every clock under the current definitions.
//!
//! A refused form comes back with what the administrator typed and the problem named.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::platform::admin::Admin;
use cairn_domain::sla::calendar::CalendarSpec;
use cairn_domain::sla::definition::{Definition, Targets};
use cairn_domain::sla::survey::{self, Questions};
use cairn_domain::sla::text;
use cairn_domain::sla::xla::Xla;
use serde::Deserialize;

use super::pages::{csrf_rejected, error_page, render};
use super::routing::number;
use super::views::Me;
use super::{Session, filled, list};
use crate::Ctx;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The calendar form, as typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct CalendarForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub parent: String,
    #[serde(default)]
    pub always_open: Option<String>,
    #[serde(default)]
    pub mon: String,
    #[serde(default)]
    pub tue: String,
    #[serde(default)]
    pub wed: String,
    #[serde(default)]
    pub thu: String,
    #[serde(default)]
    pub fri: String,
    #[serde(default)]
    pub sat: String,
    #[serde(default)]
    pub sun: String,
    #[serde(default)]
    pub holidays: String,
}

impl CalendarForm {
    fn days(&self) -> [&String; 7] {
        [&self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun]
    }

    /// (day, label, typed hours) for the template.
    pub fn day_rows(&self) -> Vec<(&'static str, &'static str, String)> {
        let labels = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        DAYS.iter().zip(labels).zip(self.days()).map(|((d, l), v)| (*d, l, v.clone())).collect()
    }

    fn of(name: &str, spec: &CalendarSpec) -> CalendarForm {
        let day = |d: &str| spec.hours.get(d).map(|h| h.join(", ")).unwrap_or_default();
        CalendarForm {
            csrf: String::new(),
            name: name.into(),
            time_zone: spec.time_zone.clone(),
            parent: spec.parent.clone().unwrap_or_default(),
            always_open: spec.always_open.then(|| "on".into()),
            mon: day("mon"),
            tue: day("tue"),
            wed: day("wed"),
            thu: day("thu"),
            fri: day("fri"),
            sat: day("sat"),
            sun: day("sun"),
            holidays: text::format_holidays(&spec.holidays),
        }
    }

    fn spec(&self) -> CalendarSpec {
        let mut spec = CalendarSpec {
            time_zone: self.time_zone.trim().into(),
            always_open: self.always_open.is_some(),
            holidays: text::parse_holidays(&self.holidays),
            parent: filled(self.parent.clone()),
            ..CalendarSpec::default()
        };
        for (d, v) in DAYS.iter().zip(self.days()) {
            let ranges = text::parse_day(v);
            if !ranges.is_empty() {
                spec.hours.insert((*d).into(), ranges);
            }
        }
        spec
    }
}

/// The definition form, as typed; `id` blank adds one.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct DefinitionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub calendar: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub enabled: Option<String>,
    #[serde(default)]
    pub first_response: String,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub next_update: String,
    #[serde(default)]
    pub applies_when: String,
    #[serde(default)]
    pub start_when: String,
    #[serde(default)]
    pub pause_when: String,
    #[serde(default)]
    pub stop_when: String,
    #[serde(default)]
    pub reset_when: String,
    #[serde(default)]
    pub cancel_when: String,
    #[serde(default)]
    pub warnings: String,
    #[serde(default)]
    pub warn_assignee: Option<String>,
    #[serde(default)]
    pub warn_group: Option<String>,
    #[serde(default)]
    pub warn_manager: Option<String>,
    #[serde(default)]
    pub breach_actions: String,
}

impl DefinitionForm {
    fn blank() -> DefinitionForm {
        DefinitionForm {
            kind: "sla".into(),
            enabled: Some("on".into()),
            warnings: "50, 75, 90".into(),
            warn_assignee: Some("on".into()),
            ..DefinitionForm::default()
        }
    }

    /// (field, label, typed text, hint) for the condition boxes.
    pub fn condition_rows(&self) -> Vec<(&'static str, &'static str, String, &'static str)> {
        vec![
            ("applies_when", "Applies when", self.applies_when.clone(), "all must hold; none: every ticket"),
            ("start_when", "Starts when", self.start_when.clone(), "none: when the ticket is raised"),
            ("pause_when", "Paused while", self.pause_when.clone(), "e.g. status is on_hold"),
            ("stop_when", "Resolution stops when", self.stop_when.clone(), "none: resolved or closed"),
            ("reset_when", "Starts over when", self.reset_when.clone(), "none: never"),
            ("cancel_when", "Cancelled when", self.cancel_when.clone(), "none: status is cancelled"),
        ]
    }

    fn of(d: &Definition) -> DefinitionForm {
        let minutes = |m: Option<i64>| m.map(|m| m.to_string()).unwrap_or_default();
        let on = |to: &str| d.warn_to.iter().any(|w| w == to).then(|| "on".to_string());
        DefinitionForm {
            csrf: String::new(),
            id: d.id.to_string(),
            name: d.name.clone(),
            kind: d.kind.clone(),
            calendar: d.calendar.clone(),
            position: d.position.to_string(),
            enabled: d.enabled.then(|| "on".into()),
            first_response: minutes(d.targets.first_response_minutes),
            resolution: minutes(d.targets.resolution_minutes),
            next_update: minutes(d.targets.next_update_minutes),
            applies_when: text::format_conditions(&d.applies_when),
            start_when: text::format_conditions(&d.start_when),
            pause_when: text::format_conditions(&d.pause_when),
            stop_when: text::format_conditions(&d.stop_when),
            reset_when: text::format_conditions(&d.reset_when),
            cancel_when: text::format_conditions(&d.cancel_when),
            warnings: d.warnings.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
            warn_assignee: on("assignee"),
            warn_group: on("group"),
            warn_manager: on("manager"),
            breach_actions: text::format_actions(&d.breach_actions),
        }
    }

    fn definition(&self) -> Result<Definition, AppError> {
        let warnings = list(&self.warnings)
            .iter()
            .map(|w| {
                w.trim_end_matches('%')
                    .trim()
                    .parse::<u8>()
                    .map_err(|_| AppError::invalid("warnings", format!("'{w}' is not a percentage")))
            })
            .collect::<Result<Vec<u8>, _>>()?;
        let warn_to = [("assignee", &self.warn_assignee), ("group", &self.warn_group), ("manager", &self.warn_manager)]
            .into_iter()
            .filter(|(_, on)| on.is_some())
            .map(|(to, _)| to.to_string())
            .collect();
        Ok(Definition {
            id: number("id", &self.id)?.unwrap_or(0),
            name: self.name.clone(),
            kind: self.kind.clone(),
            calendar: self.calendar.clone(),
            position: number("position", &self.position)?.unwrap_or(0),
            enabled: self.enabled.is_some(),
            applies_when: text::parse_conditions("applies_when", &self.applies_when)?,
            targets: Targets {
                first_response_minutes: number("targets.first_response_minutes", &self.first_response)?,
                resolution_minutes: number("targets.resolution_minutes", &self.resolution)?,
                next_update_minutes: number("targets.next_update_minutes", &self.next_update)?,
            },
            start_when: text::parse_conditions("start_when", &self.start_when)?,
            pause_when: text::parse_conditions("pause_when", &self.pause_when)?,
            stop_when: text::parse_conditions("stop_when", &self.stop_when)?,
            reset_when: text::parse_conditions("reset_when", &self.reset_when)?,
            cancel_when: text::parse_conditions("cancel_when", &self.cancel_when)?,
            warnings,
            warn_to,
            breach_actions: text::parse_actions(&self.breach_actions)?,
        })
    }
}

/// The XLA form, as typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct XlaForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub measure: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub calendar: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub window_days: String,
}

impl XlaForm {
    fn xla(&self) -> Result<Xla, AppError> {
        let target = self.target.trim();
        Ok(Xla {
            id: 0,
            name: self.name.clone(),
            measure: self.measure.clone(),
            service: filled(self.service.clone()),
            group: filled(self.group.clone()),
            calendar: filled(self.calendar.clone()),
            target: target.parse().map_err(|_| AppError::invalid("target", format!("'{target}' is not a number")))?,
            window_days: number("window_days", &self.window_days)?.unwrap_or(30),
        })
    }
}

/// The survey questions form, as typed; a blank effort wording leaves effort unasked.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct SurveyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub effort: String,
    #[serde(default)]
    pub extra: String,
}

impl SurveyForm {
    fn of(q: &Questions) -> SurveyForm {
        SurveyForm {
            csrf: String::new(),
            rating: q.rating.clone(),
            effort: q.effort.clone().unwrap_or_default(),
            extra: survey::format_extra(&q.extra),
        }
    }

    fn questions(&self) -> Result<Questions, AppError> {
        Ok(Questions { rating: self.rating.trim().into(), effort: filled(self.effort.clone()), extra: survey::parse_extra(&self.extra)? })
    }
}

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
}

#[derive(Template)]
#[template(path = "sla_admin.html")]
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
        id: d.id,
        position: d.position,
        name: d.name.clone(),
        kind: d.kind.to_uppercase(),
        calendar: d.calendar.clone(),
        enabled: d.enabled,
        targets,
        rules: if rules.is_empty() { "every ticket".into() } else { rules.join("; ") },
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
        q.definition.and_then(|id| definitions.iter().find(|d| d.id == id)).map(DefinitionForm::of).unwrap_or_else(DefinitionForm::blank)
    });
    let xla = drafts.xla.unwrap_or_else(|| XlaForm { measure: "csat".into(), window_days: "30".into(), ..XlaForm::default() });
    let mut sorted = definitions.clone();
    sorted.sort_by_key(|d| (d.position, d.id));
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = SlaAdminPage {
        me: Some(Me::new(a, &s.csrf)),
        csrf: s.csrf.clone(),
        calendars: calendars
            .iter()
            .map(|(name, spec)| CalendarRow { name: name.clone(), summary: summary(spec), holidays: spec.holidays.len() })
            .collect(),
        definitions: sorted.iter().map(describe).collect(),
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

pub(crate) async fn save_calendar(State(ctx): State<Ctx>, s: Session, Form(f): Form<CalendarForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let result = match Admin::from_actor(&s.actor) {
        Ok(admin) => ctx.app.save_calendar(&admin, &f.name, f.spec()).await.map(|_| ()),
        Err(e) => Err(e),
    };
    saved(&ctx, &s, result, Drafts { calendar: Some(f), ..Drafts::default() }).await
}

pub(crate) async fn save_definition(State(ctx): State<Ctx>, s: Session, Form(f): Form<DefinitionForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let result = match (Admin::from_actor(&s.actor), f.definition()) {
        (Ok(admin), Ok(d)) => ctx.app.save_sla_definition(&admin, d).await.map(|_| ()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    saved(&ctx, &s, result, Drafts { definition: Some(f), ..Drafts::default() }).await
}

pub(crate) async fn save_xla(State(ctx): State<Ctx>, s: Session, Form(f): Form<XlaForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let result = match (Admin::from_actor(&s.actor), f.xla()) {
        (Ok(admin), Ok(x)) => ctx.app.save_xla(&admin, x).await.map(|_| ()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    saved(&ctx, &s, result, Drafts { xla: Some(f), ..Drafts::default() }).await
}

pub(crate) async fn save_survey(State(ctx): State<Ctx>, s: Session, Form(f): Form<SurveyForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
    let result = match (Admin::from_actor(&s.actor), f.questions()) {
        (Ok(admin), Ok(q)) => ctx.app.save_survey_questions(&admin, q).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    saved(&ctx, &s, result, Drafts { survey: Some(f), ..Drafts::default() }).await
}

#[derive(Deserialize)]
pub(crate) struct ReplayForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    apply: Option<String>,
}

/// Recomputes every clock under the current definitions; shows what changes outcome,
/// and stores it when asked to apply.
pub(crate) async fn replay(State(ctx): State<Ctx>, s: Session, Form(f): Form<ReplayForm>) -> Response {
    if !s.csrf_ok(&f.csrf) {
        return csrf_rejected(&s);
    }
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
