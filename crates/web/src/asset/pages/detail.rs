//! The asset page: its fields to edit, its lifecycle (a button per allowed move, a
//! disposal with its date and proceeds), check-out and check-in, what it is worth today
//! with its schedule by fiscal year and by month, and its history from the journal.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::asset::assets::AssetInput;
use cairn_app::asset::depreciation::Depreciation;
use cairn_domain::asset::{AssetState, Money};
use cairn_store::platform::journal::Recorded;
use serde::Deserialize;

use super::{methods, path_of};
use crate::ctx::Ctx;
use crate::platform::csrf::{Button, CsrfForm};
use crate::platform::form::{filled, number};
use crate::platform::page::{Me, Refusal, error_page, render};
use crate::platform::session::Session;
use crate::time::short;

/// A period of the schedule: its name and amounts.
pub(crate) struct Period {
    pub period: String,
    pub depreciation: String,
    pub accumulated: String,
    pub book_value: String,
}

pub(crate) struct Disposal {
    pub on: String,
    pub proceeds: String,
    pub book_value: String,
    /// The gain, or the loss without its sign.
    pub amount: String,
    pub loss: bool,
}

pub(crate) struct EventRow {
    pub at: String,
    pub actor: String,
    pub text: String,
}

/// The edit form's fields as the page shows them (the stored values).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Fields {
    pub version: String,
    pub class: String,
    pub model: String,
    pub manufacturer: String,
    pub serial: String,
    pub vendor: String,
    pub po_ref: String,
    pub cost_centre: String,
    pub organisation: String,
    pub location: String,
    pub ci: String,
    pub cost: String,
    pub salvage: String,
    pub purchased_on: String,
    pub in_service: String,
    pub life_months: String,
    pub method: String,
    pub rate: String,
}

#[derive(Template)]
#[template(path = "asset/asset.html")]
pub(crate) struct AssetPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub tag: String,
    pub path: String,
    pub state_label: &'static str,
    /// The holder's username and name.
    pub holder: Option<(String, String)>,
    pub location: String,
    pub ci: String,
    pub f: Fields,
    pub methods: Vec<(&'static str, &'static str)>,
    /// The moves allowed from here, disposal aside (it has its own form).
    pub moves: Vec<(&'static str, &'static str)>,
    pub may_dispose: bool,
    pub may_check_out: bool,
    pub may_check_in: bool,
    pub currency: String,
    pub today: String,
    pub has_plan: bool,
    pub cost: String,
    pub book_value: String,
    pub accumulated: String,
    pub years: Vec<Period>,
    pub months: Vec<Period>,
    pub disposal: Option<Disposal>,
    pub history: Vec<EventRow>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

fn text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn fields(d: &Depreciation) -> Fields {
    let r = &d.asset;
    let a = &r.asset;
    Fields {
        version: a.version.to_string(),
        class: a.class.clone(),
        model: text(a.model.as_ref()),
        manufacturer: text(a.manufacturer.as_ref()),
        serial: text(a.serial.as_ref()),
        vendor: text(a.vendor.as_ref()),
        po_ref: text(a.po_ref.as_ref()),
        cost_centre: text(a.cost_centre.as_ref()),
        organisation: text(r.org.as_ref()),
        location: text(r.location.as_ref().map(|l| &l.0)),
        ci: text(r.ci.as_ref().map(|c| &c.0)),
        cost: a.cost.to_string(),
        salvage: a.salvage.to_string(),
        purchased_on: text(a.purchased_on),
        in_service: text(a.in_service),
        life_months: text(a.life_months),
        method: text(a.method.map(|m| m.as_str())),
        rate: text(a.rate),
    }
}

fn history_text(r: &Recorded) -> String {
    let e = &r.event;
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    match (e.action.as_str(), e.field.as_deref()) {
        ("created", _) => "recorded the asset".into(),
        ("updated", Some(f)) => format!("{}: {} → {}", f.replace('_', " "), or_dash(&e.old), or_dash(&e.new)),
        ("checked_out", _) => format!("checked it out to {}", or_dash(&e.new)),
        ("checked_in", _) => format!("checked it in from {}", or_dash(&e.old)),
        ("problem_reported", _) => format!("reported a problem: {}", or_dash(&e.new)),
        (a, _) => a.replace('_', " "),
    }
}

fn periods<T>(lines: &[T], line: impl Fn(&T) -> (String, Money, Money, Money)) -> Vec<Period> {
    lines
        .iter()
        .map(|l| {
            let (period, dep, acc, book) = line(l);
            Period { period, depreciation: dep.to_string(), accumulated: acc.to_string(), book_value: book.to_string() }
        })
        .collect()
}

async fn asset_page(ctx: &Ctx, s: &Session, tag: &str, notice: Option<String>, refusal: Option<Refusal>) -> Response {
    let a = &s.actor;
    let found = tokio::try_join!(ctx.app.asset_depreciation(a, tag, None), ctx.app.asset_history(a, tag));
    let (d, history) = match found {
        Ok(x) => x,
        Err(e) => return error_page(Some(s), e),
    };
    let f = fields(&d);
    let row = &d.asset;
    let state = row.asset.state;
    let (status, error) = Refusal::split(refusal);
    let page = AssetPage {
        me: Some(Me::new(a, &s.csrf)),
        csrf: s.csrf.clone(),
        tag: row.asset.tag.clone(),
        path: path_of(&row.asset.tag),
        state_label: state.label(),
        holder: row.assigned.clone(),
        location: row.location.as_ref().map(|(n, name)| format!("{n} {name}")).unwrap_or_default(),
        ci: row.ci.as_ref().map(|(n, name)| format!("{n} {name}")).unwrap_or_default(),
        methods: methods(),
        moves: state.next().iter().filter(|s| **s != AssetState::Disposed).map(|s| (s.as_str(), s.label())).collect(),
        may_dispose: state.next().contains(&AssetState::Disposed),
        may_check_out: state.can_check_out(),
        may_check_in: state != AssetState::InStock && state.next().contains(&AssetState::InStock),
        currency: d.settings.currency.clone(),
        today: d.on.to_string(),
        has_plan: row.asset.plan(d.settings.convention).is_some(),
        cost: row.asset.cost.to_string(),
        book_value: d.book_value.to_string(),
        accumulated: d.accumulated.to_string(),
        years: periods(&d.fiscal_years, |y| (format!("FY{}", y.fiscal_year), y.depreciation, y.accumulated, y.book_value)),
        months: periods(&d.months, |m| (format!("{:04}-{:02}", m.year, m.month), m.depreciation, m.accumulated, m.book_value)),
        disposal: d.disposal.as_ref().map(|x| Disposal {
            on: x.on.to_string(),
            proceeds: x.proceeds.to_string(),
            book_value: x.book_value.to_string(),
            amount: Money(x.gain.0.saturating_abs()).to_string(),
            loss: x.gain.0 < 0,
        }),
        history: history
            .iter()
            .rev()
            .map(|r| EventRow {
                at: short(r.event.at),
                actor: r.actor_name.clone().unwrap_or_else(|| "system".into()),
                text: history_text(r),
            })
            .collect(),
        f,
        notice,
        error,
    };
    (status, render(page)).into_response()
}

#[derive(Deserialize, Default)]
pub(crate) struct Done {
    done: Option<String>,
}

fn done_notice(done: &str) -> Option<String> {
    Some(
        match done {
            "created" => "Asset recorded.",
            "saved" => "Saved.",
            "moved" => "State changed.",
            "checked_out" => "Checked out.",
            "checked_in" => "Checked in.",
            _ => return None,
        }
        .into(),
    )
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session, Path(tag): Path<String>, Query(q): Query<Done>) -> Response {
    asset_page(&ctx, &s, &tag, q.done.as_deref().and_then(done_notice), None).await
}

/// Back to the asset page saying what was done, or the refusal shown on it.
async fn finish(ctx: &Ctx, s: &Session, tag: &str, done: &str, r: Result<String, AppError>) -> Response {
    match r {
        Ok(tag) => Redirect::to(&format!("{}?done={done}", path_of(&tag))).into_response(),
        Err(AppError::Stale) => {
            let r = Refusal::saying(&AppError::Stale, "The asset changed since you loaded the page: reload it and try again.");
            asset_page(ctx, s, tag, None, Some(r)).await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::InvalidTransition(_) | AppError::Conflict(_))) => {
            asset_page(ctx, s, tag, None, Some(Refusal::of(&e))).await
        }
        Err(e) => error_page(Some(s), e),
    }
}

/// Money left blank is none (zero).
fn amount(v: String) -> String {
    filled(v).unwrap_or_else(|| "0".into())
}

pub(crate) async fn update(State(ctx): State<Ctx>, s: Session, Path(tag): Path<String>, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let saved = async {
        let version = number("version", &f.version)?;
        let input = AssetInput {
            class: Some(f.class),
            model: Some(filled(f.model)),
            manufacturer: Some(filled(f.manufacturer)),
            serial: Some(filled(f.serial)),
            vendor: Some(filled(f.vendor)),
            po_ref: Some(filled(f.po_ref)),
            cost_centre: Some(filled(f.cost_centre)),
            organisation: Some(filled(f.organisation)),
            location: Some(filled(f.location)),
            ci: Some(filled(f.ci)),
            cost: Some(amount(f.cost)),
            salvage: Some(amount(f.salvage)),
            purchased_on: Some(filled(f.purchased_on)),
            in_service: Some(filled(f.in_service)),
            life_months: Some(number("life_months", &f.life_months)?),
            method: Some(filled(f.method)),
            rate: Some(filled(f.rate)),
            ..AssetInput::default()
        };
        ctx.app.update_asset(&s.actor, &tag, input, version).await.map(|r| r.asset.tag)
    };
    let r = saved.await;
    finish(&ctx, &s, &tag, "saved", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct StateForm {
    state: String,
    version: String,
    /// With state disposed.
    disposed_on: String,
    proceeds: String,
}

pub(crate) async fn move_state(State(ctx): State<Ctx>, s: Session, Path(tag): Path<String>, CsrfForm(f): CsrfForm<StateForm>) -> Response {
    let moved = async {
        let version = number("version", &f.version)?;
        let disposing = f.state.trim() == AssetState::Disposed.as_str();
        let input = AssetInput {
            state: Some(f.state.trim().to_string()),
            disposed_on: filled(f.disposed_on).filter(|_| disposing),
            proceeds: filled(f.proceeds).filter(|_| disposing),
            ..AssetInput::default()
        };
        ctx.app.update_asset(&s.actor, &tag, input, version).await.map(|r| r.asset.tag)
    };
    let r = moved.await;
    finish(&ctx, &s, &tag, "moved", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CheckOutForm {
    person: String,
    location: String,
}

pub(crate) async fn check_out(
    State(ctx): State<Ctx>,
    s: Session,
    Path(tag): Path<String>,
    CsrfForm(f): CsrfForm<CheckOutForm>,
) -> Response {
    let location = filled(f.location);
    let r = ctx.app.check_out_asset(&s.actor, &tag, &f.person, location.as_deref()).await.map(|r| r.asset.tag);
    finish(&ctx, &s, &tag, "checked_out", r).await
}

pub(crate) async fn check_in(State(ctx): State<Ctx>, s: Session, Path(tag): Path<String>, _: CsrfForm<Button>) -> Response {
    let r = ctx.app.check_in_asset(&s.actor, &tag, None).await.map(|r| r.asset.tag);
    finish(&ctx, &s, &tag, "checked_in", r).await
}
