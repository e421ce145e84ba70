//! The portal's equipment page: what is checked out to the person signed in, each
//! with a form to report a problem with it (an incident raised as them, the device's
//! CI affected). Any signed-in person has the page; only a device's holder may report
//! on it (see `cairn_app::asset::portal`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_app::AppError;
use serde::Deserialize;

use super::path_of;
use crate::ctx::Ctx;
use crate::platform::csrf::CsrfForm;
use crate::platform::form::enc;
use crate::platform::page::{Me, Refusal, error_page, render};
use crate::platform::session::Session;
use crate::time::short;

pub(crate) struct Device {
    pub tag: String,
    /// Where its problem form posts.
    pub report: String,
    /// The id of its form's description field.
    pub field: String,
    pub class: String,
    pub model: String,
    pub serial: String,
    pub since: String,
    /// Staff also get a link to the asset page.
    pub href: String,
}

#[derive(Template)]
#[template(path = "asset/equipment.html")]
pub(crate) struct EquipmentPage {
    pub me: Option<Me>,
    pub csrf: String,
    pub staff: bool,
    pub devices: Vec<Device>,
    /// The device whose report was refused, and what was typed.
    pub refused: Option<(String, String)>,
    pub error: Option<String>,
}

impl EquipmentPage {
    /// What was typed into `tag`'s form, when its report was refused.
    pub fn typed(&self, tag: &str) -> &str {
        self.refused.as_ref().filter(|(t, _)| t == tag).map_or("", |(_, d)| d.as_str())
    }
}

async fn equipment_page(ctx: &Ctx, s: &Session, refused: Option<(String, String)>, refusal: Option<Refusal>) -> Response {
    let a = &s.actor;
    let rows = match ctx.app.my_assets(a).await {
        Ok(r) => r,
        Err(e) => return error_page(Some(s), e),
    };
    let devices = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let a = r.asset;
            Device {
                report: format!("/my/equipment/{}/problem", enc(&a.tag)),
                field: format!("problem-{i}"),
                href: path_of(&a.tag),
                tag: a.tag,
                class: a.class,
                model: a.model.unwrap_or_default(),
                serial: a.serial.unwrap_or_default(),
                since: short(a.state_since),
            }
        })
        .collect();
    let (status, error) = Refusal::split(refusal);
    let page = EquipmentPage { me: Some(Me::new(a, &s.csrf)), csrf: s.csrf.clone(), staff: a.role.is_staff(), devices, refused, error };
    (status, render(page)).into_response()
}

pub(crate) async fn show(State(ctx): State<Ctx>, s: Session) -> Response {
    equipment_page(&ctx, &s, None, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ProblemForm {
    description: String,
}

pub(crate) async fn report(State(ctx): State<Ctx>, s: Session, Path(tag): Path<String>, CsrfForm(f): CsrfForm<ProblemForm>) -> Response {
    match ctx.app.report_equipment_problem(&s.actor, &tag, &f.description).await {
        Ok(v) => Redirect::to(&format!("/tickets/{}?created=1", v.ticket.number)).into_response(),
        Err(e @ AppError::Invalid { .. }) => equipment_page(&ctx, &s, Some((tag, f.description)), Some(Refusal::of(&e))).await,
        Err(e) => error_page(Some(&s), e),
    }
}
