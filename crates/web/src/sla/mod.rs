//! Service levels and experience: calendars, SLA definitions and their clocks, XLAs,
//! the satisfaction survey and ratings, and the service-level reports.

mod admin;
mod admin_forms;
mod api;
pub(crate) mod clocks;
pub(crate) mod history;
mod levels;
mod rating;
mod report_api;
mod survey;
mod survey_api;

use crate::routes::{Routes, get, post};
use utoipa::OpenApi;

pub(crate) fn api() -> Routes {
    Routes::new().merge(api::router()).merge(report_api::router()).merge(survey_api::router())
}

/// The practice's part of the OpenAPI document.
pub(crate) fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api::ApiDoc::openapi();
    doc.merge(report_api::ApiDoc::openapi());
    doc.merge(survey_api::ApiDoc::openapi());
    doc
}

pub(crate) fn ui() -> Routes {
    Routes::new()
        .route("/tickets/{number}/rate", post(rating::rate))
        .route("/survey/{token}", get(survey::show).post(survey::submit))
        .route("/service-levels", get(levels::show))
        .route("/admin/service-levels", get(admin::show))
        .route("/admin/service-levels/calendars", post(admin::save_calendar))
        .route("/admin/service-levels/definitions", post(admin::save_definition))
        .route("/admin/service-levels/xlas", post(admin::save_xla))
        .route("/admin/service-levels/survey", post(admin::save_survey))
        .route("/admin/service-levels/replay", post(admin::replay))
}
