//! The OpenAPI 3 document, generated from the handlers' annotations: each practice
//! documents its own paths and schemas, and the document is their union. A checked-in
//! copy lives at `docs/openapi.json`; a test fails when it is stale.

use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

#[derive(OpenApi)]
#[openapi(info(
    title = "Cairn API",
    description = "IT service management: incidents, problems, known errors, people, routing, settings, the CMDB and assets."
))]
struct ApiDoc;

pub fn document() -> serde_json::Value {
    let mut doc = ApiDoc::openapi();
    for part in [
        super::openapi(),
        crate::ticket::openapi(),
        crate::incident::openapi(),
        crate::problem::openapi(),
        crate::request::openapi(),
        crate::sla::openapi(),
        crate::knowledge::openapi(),
        crate::report::openapi(),
        crate::automation::openapi(),
        crate::search::openapi(),
        crate::cmdb::openapi(),
        crate::asset::openapi(),
    ] {
        doc.merge(part);
    }
    doc.components.get_or_insert_default().add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    super::openapi_contract::complete(&mut doc);
    doc
}
