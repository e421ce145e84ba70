//! The asset pages: the register (filter, add an asset), the asset page
//! ([`detail`]), the portfolio report ([`portfolio`]) and the portal's equipment
//! ([`equipment`]). Amounts are the domain's exact decimal text, shown with the
//! tenant's currency; nothing passes through a float. Tags go into links
//! percent-encoded: a tag has no spaces but may have any other character.

mod detail;
mod equipment;
mod portfolio;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use cairn_app::asset::assets::{AssetInput, ListAssets};
use cairn_domain::asset::{AssetState, Method};
use cairn_store::asset::assets::AssetRow;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::platform::csrf::CsrfForm;
use crate::platform::form::{enc, filled, number};
use crate::platform::page::{Me, Refusal, error_page, render};
use crate::platform::session::Session;
use crate::routes::{Routes, get, post};

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/assets", get(list_assets).post(create_asset))
        .route("/assets/portfolio", get(portfolio::show))
        .route("/assets/portfolio.csv", get(portfolio::csv))
        .route("/assets/{tag}", get(detail::show).post(detail::update))
        .route("/assets/{tag}/state", post(detail::move_state))
        .route("/assets/{tag}/check-out", post(detail::check_out))
        .route("/assets/{tag}/check-in", post(detail::check_in))
        .route("/my/equipment", get(equipment::show))
        .route("/my/equipment/{tag}/problem", post(equipment::report))
}

/// The asset page's path.
pub(crate) fn path_of(tag: &str) -> String {
    format!("/assets/{}", enc(tag))
}

/// One line of a list of assets.
pub(crate) struct Row {
    pub tag: String,
    pub href: String,
    pub class: String,
    pub model: String,
    pub serial: String,
    pub state: &'static str,
    pub assigned: String,
    pub location: String,
}

impl From<AssetRow> for Row {
    fn from(r: AssetRow) -> Row {
        let a = r.asset;
        Row {
            href: path_of(&a.tag),
            tag: a.tag,
            class: a.class,
            model: a.model.unwrap_or_default(),
            serial: a.serial.unwrap_or_default(),
            state: a.state.label(),
            assigned: r.assigned.map(|(u, name)| if name.is_empty() { u } else { name }).unwrap_or_default(),
            location: r.location.map(|(n, name)| format!("{n} {name}")).unwrap_or_default(),
        }
    }
}

/// The lifecycle states and the depreciation methods, as `(code, label)` for selects.
fn states() -> Vec<(&'static str, &'static str)> {
    AssetState::ALL.iter().map(|s| (s.as_str(), s.label())).collect()
}

pub(crate) fn methods() -> Vec<(&'static str, &'static str)> {
    Method::ALL.iter().map(|m| (m.as_str(), m.label())).collect()
}

#[derive(Template)]
#[template(path = "asset/assets.html")]
pub(crate) struct AssetsPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub f: Filters,
    pub classes: Vec<String>,
    pub states: Vec<(&'static str, &'static str)>,
    pub methods: Vec<(&'static str, &'static str)>,
    pub rows: Vec<Row>,
    pub next: Option<String>,
    /// The add form as typed, when it was refused.
    pub typed: NewAssetForm,
    pub error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct Filters {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub class: String,
    /// A username.
    #[serde(default)]
    pub assigned: String,
    pub after: Option<i64>,
}

impl Filters {
    fn next(&self, after: i64) -> String {
        format!(
            "/assets?q={}&state={}&class={}&assigned={}&after={after}",
            enc(&self.q),
            enc(&self.state),
            enc(&self.class),
            enc(&self.assigned)
        )
    }
}

async fn register(ctx: &Ctx, s: &Session, f: Filters, typed: NewAssetForm, refusal: Option<Refusal>) -> Response {
    let a = &s.actor;
    let classes = match ctx.app.asset_classes(a).await {
        Ok(c) => c,
        Err(e) => return error_page(Some(s), e),
    };
    let ask = ListAssets {
        state: Some(f.state.clone()),
        class: Some(f.class.clone()),
        assigned_to: Some(f.assigned.clone()),
        location: None,
        q: Some(f.q.clone()),
        after: f.after,
        limit: Some(50),
    };
    let (rows, next) = match ctx.app.list_assets(a, ask).await {
        Ok(r) => r,
        // A refused filter shows the whole register with the reason.
        Err(e @ AppError::Invalid { .. }) => return Box::pin(register(ctx, s, Filters::default(), typed, Some(Refusal::of(&e)))).await,
        Err(e) => return error_page(Some(s), e),
    };
    let (status, error) = Refusal::split(refusal);
    let page = AssetsPage {
        me: Some(Me::new(a, &s.csrf)),
        csrf: s.csrf.clone(),
        next: next.map(|id| f.next(id.0)),
        f,
        classes,
        states: states(),
        methods: methods(),
        rows: rows.into_iter().map(Row::from).collect(),
        typed,
        error,
    };
    (status, render(page)).into_response()
}

pub(crate) async fn list_assets(State(ctx): State<Ctx>, s: Session, Query(f): Query<Filters>) -> Response {
    register(&ctx, &s, f, NewAssetForm::default(), None).await
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct NewAssetForm {
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub class: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub serial: String,
    #[serde(default)]
    pub cost: String,
    #[serde(default)]
    pub in_service: String,
    #[serde(default)]
    pub life_months: String,
    #[serde(default)]
    pub method: String,
}

impl NewAssetForm {
    fn input(&self) -> Result<AssetInput, AppError> {
        Ok(AssetInput {
            tag: Some(self.tag.clone()),
            class: filled(self.class.clone()),
            model: filled(self.model.clone()).map(Some),
            serial: filled(self.serial.clone()).map(Some),
            cost: filled(self.cost.clone()),
            in_service: filled(self.in_service.clone()).map(Some),
            life_months: number("life_months", &self.life_months)?.map(Some),
            method: filled(self.method.clone()).map(Some),
            ..AssetInput::default()
        })
    }
}

pub(crate) async fn create_asset(State(ctx): State<Ctx>, s: Session, CsrfForm(f): CsrfForm<NewAssetForm>) -> Response {
    let created = match f.input() {
        Ok(input) => ctx.app.create_asset(&s.actor, input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(row) => Redirect::to(&format!("{}?done=created", path_of(&row.asset.tag))).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::InvalidTransition(_) | AppError::Conflict(_))) => {
            // Conflicts (a tag taken) are refusals of the input too: shown with the form as typed.
            let r = Refusal { status: StatusCode::UNPROCESSABLE_ENTITY, message: e.to_string() };
            register(&ctx, &s, Filters::default(), f, Some(r)).await
        }
        Err(e) => error_page(Some(&s), e),
    }
}
