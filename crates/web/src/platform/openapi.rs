//! The OpenAPI 3 document, generated from the handlers' annotations. A checked-in
//! copy lives at `docs/openapi.json`; a test fails when it is stale.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::api as admin;
use crate::automation::api as routing;
use crate::error::ErrorBody;
use crate::incident::{api as incidents, outages_api};
use crate::knowledge::api as knowledge;
use crate::problem::api as problems;
use crate::report::api as dashboard;
use crate::request::{approvals_api as approvals, catalog_api as catalog};
use crate::search::api as search;
use crate::sla::{api as sla, report_api, survey_api};
use crate::ticket::{api as tickets, canned_api as canned, dto, requester_api as requesters, watchers_api};

#[derive(OpenApi)]
#[openapi(
    info(title = "Cairn API", description = "IT service management: incidents, problems, known errors, people, routing, settings."),
    paths(
        tickets::create_ticket, tickets::list_tickets, tickets::get_ticket, tickets::update_ticket,
        tickets::create_comment, tickets::list_comments, tickets::create_link, tickets::list_links, tickets::list_history,
        admin::get_me, admin::list_notifications, admin::list_users, admin::create_user, admin::disable_user, admin::enable_user, admin::set_manager,
        admin::list_groups, admin::create_group, admin::add_member, admin::list_categories, admin::create_category,
        admin::create_organisation, admin::list_organisations, admin::update_organisation, admin::set_priority_matrix, admin::set_auto_close,
        routing::list_rules, routing::create_rule, routing::replace_rule, routing::delete_rule, routing::test_rules, routing::update_group,
        tickets::merge, incidents::escalate, watchers_api::list_watchers, watchers_api::add_watcher, watchers_api::remove_watcher, incidents::declare_major,
        incidents::communicate, incidents::get_review, incidents::put_review, requesters::confirm, requesters::withdraw,
        sla::list_calendars, sla::put_calendar, sla::list_definitions, sla::create_definition, sla::replace_definition, sla::ticket_slas, sla::replay, report_api::compliance, report_api::breaches, report_api::csat, sla::list_xlas, sla::create_xla,
        outages_api::list_outages, outages_api::record_outage, outages_api::end_outage, outages_api::remove_outage, survey_api::questions, survey_api::set_questions, survey_api::responses, dashboard::dashboard,
        knowledge::search, knowledge::suggest, search::search_everything, knowledge::create, knowledge::read, knowledge::update, knowledge::set_state, knowledge::versions, knowledge::diff,
        knowledge::restore, knowledge::give_feedback, knowledge::list_feedback,
        catalog::list, catalog::create, catalog::replace, catalog::order, catalog::requested,
        approvals::inbox, approvals::read, approvals::approve, approvals::reject, approvals::progress,
        canned::list_canned, canned::create_canned, canned::replace_canned, canned::delete_canned, canned::render_canned,
        problems::list_known_errors, problems::create_known_error, problems::update_known_error, problems::matching_known_errors,
        problems::apply_workaround, problems::list_candidates, problems::detect, problems::accept_candidate, problems::dismiss_candidate,
    ),
    components(schemas(ErrorBody, dto::TicketBody, dto::TicketPage, dto::CommentBody, dto::EventBody, dto::LinkBody, super::dto::UserBody)),
    modifiers(&Bearer),
)]
struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = doc.components.as_mut() {
            c.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        }
    }
}

pub fn document() -> serde_json::Value {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    serde_json::to_value(doc).unwrap_or_default()
}
