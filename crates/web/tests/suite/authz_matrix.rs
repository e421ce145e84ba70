//! The authorization matrix: every route the server has (`cairn_web::route_table`) ×
//! anonymous, the requester who raised the ticket, another requester of the same
//! organisation, an agent, an administrator, and a requester, agent and administrator of
//! another tenant. Each route's expected outcome is written once, below; a route
//! without an entry, an entry without a route, and an API route the OpenAPI document
//! does not describe all fail the test. On SQLite and PostgreSQL.
//!
//! An expectation has one word per caller, in the order of `ACTORS`
//! (`anon req peer agent admin | x-req x-agent x-admin`):
//! - `ok`: 2xx, or a redirect anywhere but the sign-in page;
//! - `w`: allowed to write — the fixture body may still be refused (400, 409, 422…), but
//!   not with 401, 403, 404 or a redirect to sign in;
//! - `login`: a redirect to the sign-in page;
//! - a status code: exactly that.
//!
//! No caller may ever get a 5xx, and no read by liam or the other tenant may show kim's
//! ticket (its number or title) or the draft article, whatever its status. Paths' `{params}` are filled from the fixtures
//! (`tests/suite/authz/mod.rs`), as are `$names` in bodies; API bodies are JSON, page bodies
//! form fields (the session's CSRF token is added).

use std::collections::BTreeSet;

use crate::authz::{ACTORS, CALL_ORDER, call, classify, fixtures, meets};
use crate::common::TestApp;
use cairn_store::on_both_databases;
use reqwest::Method;

/// Callers who may not see kim's ticket or the draft article: liam and the other tenant.
const OUTSIDERS: [usize; 4] = [2, 5, 6, 7];

/// One route: "METHOD /path", who gets what, and the body a write sends.
struct Entry(&'static str, &'static str, &'static str);

const fn e(route: &'static str, expect: &'static str) -> Entry {
    Entry(route, expect, "")
}

const fn eb(route: &'static str, expect: &'static str, body: &'static str) -> Entry {
    Entry(route, expect, body)
}

#[rustfmt::skip]
const ROUTES: &[Entry] = &[
    e("GET /healthz", "ok ok ok ok ok | ok ok ok"),
    e("GET /api/v1/openapi.json", "ok ok ok ok ok | ok ok ok"),
    e("GET /api/v1/me", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/notifications", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/notifications/unread", "401 ok ok ok ok | ok ok ok"),
    eb("POST /api/v1/notifications/read", "401 w w w w | w w w", r#"{}"#),
    e("GET /api/v1/users", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/groups", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/categories", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/organisations", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/tickets", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/tickets/{number}", "401 ok 404 ok ok | 404 404 404"),
    e("GET /api/v1/tickets/{number}/comments", "401 ok 404 ok ok | 404 404 404"),
    e("GET /api/v1/tickets/{number}/links", "401 ok 404 ok ok | 404 404 404"),
    e("GET /api/v1/tickets/{number}/history", "401 ok 404 ok ok | 404 404 404"),
    e("GET /api/v1/canned-responses", "401 403 403 ok ok | 403 ok ok"),
    e("GET /canned-responses", "login 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/tickets/{number}/canned-responses/{id}", "401 403 403 ok 404 | 403 404 404"),
    e("GET /api/v1/tickets/{number}/watchers", "401 ok 404 ok ok | 404 404 404"),
    e("GET /api/v1/tickets/{number}/review", "401 403 403 422 422 | 403 404 404"),
    e("GET /api/v1/tickets/{number}/outages", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/ci-classes", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/relation-types", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/assets", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/assets/{tag}", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/assets/{tag}/history", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/assets/{tag}/depreciation", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/reports/asset-portfolio", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/contracts", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/licences", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/stocktakes", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/stocktakes/{id}", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/reports/licence-compliance", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/contracts/{id}", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/contracts/{id}/history", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/contracts/{id}/documents/{doc}", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/settings/assets", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/cis", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/cis/{number}", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/cis/{number}/relations", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/cis/{number}/history", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/cis/{number}/impact", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/cmdb/imports", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/cmdb/imports/{id}", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/cmdb/sources", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/cmdb/quality", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/known-errors", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/tickets/{number}/known-errors", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/problem-candidates", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/catalog/items", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/tickets/{number}/items", "401 ok 404 ok ok | 404 404 404"),
    e("GET /api/v1/approvals", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/approvals/{id}", "401 403 403 ok 403 | 404 404 404"),
    e("GET /api/v1/tickets/{number}/progress", "401 ok 404 ok ok | 404 404 404"),
    e("GET /api/v1/calendars", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/sla-definitions", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/tickets/{number}/slas", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/xlas", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/reports/sla", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/reports/sla/breaches", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/reports/csat", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/survey-questions", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/reports/csat/responses", "401 403 403 403 ok | 403 403 ok"),
    e("GET /api/v1/articles", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/articles/suggest?q=jam", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/articles/{number}", "401 404 404 ok ok | 404 404 404"),
    e("GET /api/v1/articles/{number}/versions", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/articles/{number}/diff?from=1&to=1", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/articles/{number}/feedback", "401 403 403 ok ok | 403 404 404"),
    e("GET /api/v1/reports/dashboard", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/routing-rules", "401 403 403 ok ok | 403 ok ok"),
    e("GET /api/v1/search?q=printer", "401 ok ok ok ok | ok ok ok"),
    e("GET /static/app.css", "ok ok ok ok ok | ok ok ok"),
    e("GET /static/keys.js", "ok ok ok ok ok | ok ok ok"),
    e("GET /static/bulk.js", "ok ok ok ok ok | ok ok ok"),
    e("GET /static/live.js", "ok ok ok ok ok | ok ok ok"),
    e("GET /static/fields.js", "ok ok ok ok ok | ok ok ok"),
    e("GET /static/suggest.js", "ok ok ok ok ok | ok ok ok"),
    e("GET /static/catalog.js", "ok ok ok ok ok | ok ok ok"),
    e("GET /static/password.js", "ok ok ok ok ok | ok ok ok"),
    e("GET /static/icon.svg", "ok ok ok ok ok | ok ok ok"),
    e("GET /favicon.ico", "ok ok ok ok ok | ok ok ok"),
    e("GET /account", "login ok ok ok ok | ok ok ok"),
    e("GET /notifications", "login ok ok ok ok | ok ok ok"),
    e("POST /notifications/read", "login w w w w | w w w"),
    e("GET /api/v1/me/sessions", "401 ok ok ok ok | ok ok ok"),
    e("GET /api/v1/me/tokens", "401 ok ok ok ok | ok ok ok"),
    e("GET /", "login ok ok ok ok | ok ok ok"),
    e("GET /login", "ok ok ok ok ok | ok ok ok"),
    e("GET /admin/users", "login 403 403 403 ok | 403 403 ok"),
    eb("POST /admin/users", "login 403 403 403 w | 403 403 w", r#"username=matrix-person&role=requester"#),
    e("GET /admin/users/{username}", "login 403 403 403 ok | 403 403 404"),
    eb("POST /admin/users/{username}", "login 403 403 403 w | 403 403 404", r#"display_name=Spare&role=agent&email=not-an-address"#),
    eb("POST /admin/users/{username}/password", "login 403 403 403 w | 403 403 404", r#"password=short"#),
    e("GET /admin/groups", "login 403 403 403 ok | 403 403 ok"),
    eb("POST /admin/groups", "login 403 403 403 w | 403 403 w", r#"name="#),
    e("GET /admin/groups/{name}", "login 403 403 403 ok | 403 403 404"),
    eb("POST /admin/groups/{name}/members", "login 403 403 403 w | 403 403 404", r#"username=nobody-here"#),
    e("GET /admin/settings", "login 403 403 403 ok | 403 403 ok"),
    e("GET /queue/events?since=0", "login 403 403 ok ok | 403 ok ok"),
    e("GET /tickets/{number}/events?v=0&at=0", "login ok 404 ok ok | 404 404 404"),
    e("GET /portal", "login ok ok ok ok | ok ok ok"),
    e("GET /tickets", "login ok ok ok ok | ok ok ok"),
    e("GET /tickets/new", "login ok ok ok ok | ok ok ok"),
    e("GET /tickets/{number}", "login ok 404 ok ok | 404 404 404"),
    e("GET /known-errors", "login 403 403 ok ok | 403 ok ok"),
    e("GET /problem-candidates", "login 403 403 ok ok | 403 ok ok"),
    e("GET /catalog", "login ok ok ok ok | ok ok ok"),
    e("GET /catalog/{id}", "login ok ok ok ok | 404 404 404"),
    e("GET /admin/catalog", "login 403 403 403 ok | 403 403 ok"),
    e("GET /admin/catalog/new", "login 403 403 403 ok | 403 403 ok"),
    e("GET /admin/catalog/{id}", "login 403 403 403 ok | 403 403 404"),
    e("GET /approvals", "login ok ok ok ok | ok ok ok"),
    e("GET /approvals/{id}", "login 403 403 ok 403 | 404 404 404"),
    e("GET /approve/{token}", "ok ok ok ok ok | ok ok ok"),
    e("GET /survey/{token}", "ok ok ok ok ok | ok ok ok"),
    e("GET /service-levels", "login 403 403 ok ok | 403 ok ok"),
    e("GET /admin/service-levels", "login 403 403 403 ok | 403 403 ok"),
    e("GET /knowledge", "login ok ok ok ok | ok ok ok"),
    e("GET /knowledge/new", "login 403 403 ok ok | 403 ok ok"),
    e("GET /knowledge/suggest", "login ok ok ok ok | ok ok ok"),
    e("GET /knowledge/{number}", "login 404 404 ok ok | 404 404 404"),
    e("GET /knowledge/{number}/edit", "login 403 403 ok ok | 403 404 404"),
    e("GET /dashboard", "login 403 403 ok ok | 403 ok ok"),
    e("GET /dashboard.csv?chart=priority", "login 403 403 ok ok | 403 ok ok"),
    e("GET /admin/routing", "login 403 403 403 ok | 403 403 ok"),
    e("GET /search", "login ok ok ok ok | ok ok ok"),
    eb("POST /api/v1/users", "401 403 403 403 w | 403 403 w", r#"{"username": "new-user", "role": "requester"}"#),
    eb("PUT /api/v1/users/{username}/manager", "401 403 403 403 w | 403 403 404", r#"{"manager": "root"}"#),
    eb("POST /api/v1/groups", "401 403 403 403 w | 403 403 w", r#"{"name": "Network"}"#),
    eb("POST /api/v1/groups/{name}/members", "401 403 403 403 w | 403 403 422", r#"{"username": "spare"}"#),
    eb("POST /api/v1/categories", "401 403 403 403 w | 403 403 w", r#"{"name": "Printing"}"#),
    eb("POST /api/v1/organisations", "401 403 403 403 w | 403 403 w", r#"{"name": "Globex"}"#),
    eb("PUT /api/v1/organisations/{name}", "401 403 403 403 w | 403 403 404", r#"{"shared_tickets": false}"#),
    eb("PUT /api/v1/settings/priority-matrix", "401 403 403 403 w | 403 403 w", r#"[[1, 1, 2], [2, 2, 3], [3, 4, 5]]"#),
    eb("PUT /api/v1/settings/time-zone", "401 403 403 403 w | 403 403 w", r#"{"time_zone": "Nowhere"}"#),
    eb("PUT /api/v1/settings/auto-close", "401 403 403 403 w | 403 403 w", r#"{"days": 7}"#),
    eb("POST /api/v1/tickets", "401 w w w w | w w w", r#"{"title": "Scanner offline", "description": "x"}"#),
    eb("PATCH /api/v1/tickets/{number}", "401 403 403 w w | 403 404 404", r#"{"title": "Printer jams often"}"#),
    eb("POST /api/v1/tickets/{number}/comments", "401 w 404 w w | 404 404 404", r#"{"body": "Any news?"}"#),
    eb("POST /api/v1/tickets/{number}/links", "401 403 403 w w | 403 422 422", r#"{"target": "$ticket2", "kind": "relates_to"}"#),
    eb("POST /api/v1/canned-responses", "401 403 403 w w | 403 w w", r#"{"title": "Bye", "body": "Goodbye"}"#),
    eb("POST /canned-responses", "login 403 403 w w | 403 w w", r#"title=Bye&body=Goodbye"#),
    eb("POST /canned-responses/{id}", "login 403 403 w 403 | 403 404 404", r#"title=Hi&body=Hello%20there"#),
    eb("PUT /api/v1/canned-responses/{id}", "401 403 403 w 403 | 403 404 404", r#"{"title": "Hi", "body": "Hello there"}"#),
    eb("POST /api/v1/tickets/{number}/macros/{id}", "401 403 403 w 404 | 403 404 404", r#"{}"#),
    eb("POST /api/v1/tickets/{number}/watchers", "401 403 403 w w | 403 404 404", r#"{"username": "alice"}"#),
    e("POST /api/v1/tickets/{number}/confirm", "401 w 404 403 403 | 404 404 404"),
    eb("POST /api/v1/tickets/{number}/escalate", "401 403 403 w w | 403 404 404", r#"{"to": "group", "group": "Desk", "reason": "needs the desk"}"#),
    eb("POST /api/v1/tickets/{number}/major", "401 403 403 w w | 403 404 404", r#"{"manager": "alice"}"#),
    eb("POST /api/v1/tickets/{number}/updates", "401 403 403 w w | 403 404 404", r#"{"message": "Working on it"}"#),
    eb("PUT /api/v1/tickets/{number}/review", "401 403 403 w w | 403 404 404", r#"{"summary": "s", "root_cause": "r", "actions": "a"}"#),
    eb("POST /api/v1/tickets/{number}/outages", "401 403 403 w w | 403 404 404", r#"{"service": "Printing", "started_at": "2026-01-11T09:00:00Z"}"#),
    eb("POST /api/v1/ci-classes", "401 403 403 403 w | 403 403 w", r#"{"code": "rack_matrix", "parent": "hardware"}"#),
    eb("POST /api/v1/ci-classes/{code}/attributes", "401 403 403 403 w | 403 403 w", r#"{"code": "rack_units", "kind": "integer"}"#),
    eb("POST /api/v1/stocktakes", "401 403 403 w w | 403 w w", r#"{"location": "$ci3"}"#),
    eb("POST /api/v1/stocktakes/{id}/scans", "401 403 403 w w | 403 404 404", r#"{"tags": ["MATRIX-1"]}"#),
    eb("POST /api/v1/stocktakes/{id}/close", "401 403 403 w w | 403 404 404", r#"{}"#),
    eb("POST /api/v1/licences", "401 403 403 w w | 403 w w", r#"{"product": "Matrix", "model": "per_user", "quantity": 1}"#),
    eb("POST /api/v1/licences/installations", "401 403 403 w w | 403 w w", r#"[{"product": "Matrix", "user": "kim"}]"#),
    eb("POST /api/v1/contracts", "401 403 403 w w | 403 w w", r#"{"kind": "support", "name": "m", "starts_on": "2026-01-01", "ends_on": "2027-01-01"}"#),
    eb("PATCH /api/v1/contracts/{id}", "401 403 403 w w | 403 404 404", r#"{"vendor": "matrix"}"#),
    eb("POST /api/v1/contracts/{id}/documents", "401 403 403 w w | 403 404 404", "matrix"),
    eb("PUT /api/v1/settings/assets", "401 403 403 403 w | 403 403 w", r#"{"currency": "EUR"}"#),
    eb("POST /api/v1/assets", "401 403 403 w w | 403 w w", r#"{"tag": "MATRIX-NEW"}"#),
    eb("PATCH /api/v1/assets/{tag}", "401 403 403 w w | 403 404 404", r#"{"model": "matrix"}"#),
    eb("POST /api/v1/assets/{tag}/check-out", "401 403 403 w w | 403 404 404", r#"{"person": "kim"}"#),
    eb("POST /api/v1/assets/{tag}/check-in", "401 403 403 w w | 403 404 404", r#"{}"#),
    eb("POST /api/v1/cis", "401 403 403 w w | 403 w w", r#"{"class": "server", "name": "matrix"}"#),
    eb("PATCH /api/v1/cis/{number}", "401 403 403 w w | 403 404 404", r#"{"status": "degraded"}"#),
    eb("POST /api/v1/cmdb/imports", "401 403 403 w w | 403 w w", r#"[]"#),
    eb("POST /api/v1/cmdb/retire", "401 403 403 w w | 403 422 422", r#"{"cis": ["$ci3"]}"#),
    eb("POST /api/v1/cmdb/merge", "401 403 403 w w | 403 422 422", r#"{"survivor": "$ci", "duplicate": "$ci2"}"#),
    eb("PUT /api/v1/cmdb/sources", "401 403 403 403 w | 403 403 w", r#"{"ranking": ["sccm", "discovery"]}"#),
    eb("POST /api/v1/relations", "401 403 403 w w | 403 w w", r#"{"from": "$ci", "type": "depends_on", "to": "$ci2"}"#),
    eb("PATCH /api/v1/tickets/{number}/outages/{id}", "401 403 403 w w | 403 404 404", r#"{"ended_at": "2026-01-10T10:00:00Z"}"#),
    eb("POST /api/v1/known-errors", "401 403 403 w w | 403 w w", r#"{"title": "Toner smears", "symptom": "Smears", "workaround": "Shake it", "problem": "$problem"}"#),
    eb("PATCH /api/v1/known-errors/{number}", "401 403 403 w w | 403 404 404", r#"{"workaround": "Use tray 3"}"#),
    e("POST /api/v1/problems/{number}/apply-workaround", "401 403 403 w w | 403 422 422"),
    eb("POST /api/v1/problem-candidates/detect", "401 403 403 w w | 403 w w", r#"{}"#),
    e("POST /api/v1/problem-candidates/{id}/accept", "401 403 403 w w | 403 404 404"),
    e("POST /api/v1/problem-candidates/{id}/dismiss", "401 403 403 w w | 403 404 404"),
    eb("POST /api/v1/catalog/items", "401 403 403 403 w | 403 403 w", r#"{"category": "Hardware", "name": "Keyboard"}"#),
    eb("PUT /api/v1/catalog/items/{id}", "401 403 403 403 w | 403 403 404", r#"{"category": "Hardware", "name": "Mouse"}"#),
    eb("POST /api/v1/catalog/items/{id}/order", "401 w ok w w | 404 404 404", r#"{}"#),
    eb("POST /api/v1/approvals/{id}/approve", "401 403 403 w 403 | 404 404 404", r#"{}"#),
    eb("POST /api/v1/approvals/{id}/reject", "401 403 403 w 403 | 404 404 404", r#"{"comment": "no budget"}"#),
    eb("PUT /api/v1/calendars/{name}", "401 403 403 403 w | 403 403 w", r#"{"time_zone": "UTC", "hours": {"mon": ["08:00-18:00"]}}"#),
    eb("POST /api/v1/sla-definitions", "401 403 403 403 w | 403 403 w", r#"{"name": "Gold", "kind": "sla", "calendar": "Office", "targets": {"resolution_minutes": 120}}"#),
    eb("PUT /api/v1/sla-definitions/{id}", "401 403 403 403 w | 403 403 404", r#"{"name": "Standard", "kind": "sla", "calendar": "Office", "targets": {"resolution_minutes": 480}}"#),
    e("POST /api/v1/sla/replay", "401 403 403 403 w | 403 403 w"),
    eb("POST /api/v1/xlas", "401 403 403 403 w | 403 403 w", r#"{"name": "Print up", "measure": "availability", "service": "Printing", "calendar": "Office", "target": 99.5, "window_days": 7}"#),
    eb("PUT /api/v1/survey-questions", "401 403 403 403 w | 403 403 w", r#"{}"#),
    eb("POST /api/v1/articles", "401 403 403 w w | 403 w w", r#"{"title": "Toner", "body": "Shake it."}"#),
    eb("PATCH /api/v1/articles/{number}", "401 403 403 w w | 403 404 404", r#"{"title": "Clearing a paper jam", "version": 1}"#),
    eb("POST /api/v1/articles/{number}/state", "401 403 403 w w | 403 404 404", r#"{"state": "in_review"}"#),
    eb("POST /api/v1/articles/{number}/restore", "401 403 403 w w | 403 404 404", r#"{"restore": 1, "version": 1}"#),
    eb("POST /api/v1/articles/{number}/feedback", "401 404 404 w w | 404 404 404", r#"{"helpful": true}"#),
    eb("POST /api/v1/routing-rules", "401 403 403 403 w | 403 403 w", r#"{"name": "scanners", "then": {"group": "Desk"}}"#),
    eb("POST /api/v1/routing-rules/test", "401 403 403 w w | 403 w w", r#"{"title": "printer"}"#),
    eb("PUT /api/v1/routing-rules/{id}", "401 403 403 403 w | 403 403 422", r#"{"name": "printers", "then": {"group": "Desk"}}"#),
    eb("PATCH /api/v1/groups/{name}", "401 403 403 403 w | 403 403 404", r#"{"manager": "alice"}"#),
    // Without the sign-in form's own token (login CSRF) nobody gets a session.
    eb("POST /login", "403 403 403 403 403 | 403 403 403", r#"username=kim&password=matrix-password-1&tenant="#),
    eb("POST /admin/users/manager", "login 403 403 403 w | 403 403 404", r#"username=spare&manager=root"#),
    e("POST /admin/settings", "login 403 403 403 w | 403 403 w"),
    eb("POST /tickets", "login w w w w | w w w", r#"title=Stapler&description=x"#),
    eb("POST /tickets/{number}", "login 403 403 w w | 403 404 404", r#"version=1&title=Jam"#),
    eb("POST /tickets/{number}/comments", "login w 404 w w | 404 404 404", r#"body=Hello"#),
    eb("POST /tickets/bulk", "login 403 403 w w | 403 w w", r#"n=INC9999999&add_tag=bulk"#),
    eb("POST /tickets/{number}/links", "login 403 403 w w | 403 404 404", r#"kind=relates_to&target=$ticket2"#),
    eb("POST /tickets/{number}/watchers", "login 403 403 w w | 403 404 404", r#"username=alice"#),
    e("POST /tickets/{number}/confirm", "login w 404 403 403 | 404 404 404"),
    eb("POST /views", "login 403 403 w w | 403 w w", r#"name=Mine&query=status%3Dnew"#),
    eb("POST /tickets/{number}/escalate", "login 403 403 w w | 403 404 404", r#"to=group&group=Desk&reason=desk"#),
    eb("POST /tickets/{number}/major", "login 403 403 w w | 403 404 404", r#"manager=alice"#),
    eb("POST /tickets/{number}/updates", "login 403 403 w w | 403 404 404", r#"message=Working"#),
    e("POST /tickets/{number}/review", "login 403 403 w w | 403 404 404"),
    eb("POST /tickets/{number}/outages", "login 403 403 w w | 403 404 404", r#"service=Printing&started_at=2026-01-11T09:00"#),
    e("POST /tickets/{number}/outages/{id}/end", "login 403 403 w w | 403 404 404"),
    e("POST /tickets/{number}/apply-workaround", "login 403 403 w w | 403 404 404"),
    e("POST /known-errors", "login 403 403 w w | 403 w w"),
    e("POST /known-errors/{number}/retire", "login 403 403 w w | 403 404 404"),
    e("POST /problem-candidates/detect", "login 403 403 w w | 403 w w"),
    e("POST /problem-candidates/{id}/accept", "login 403 403 w w | 403 404 404"),
    e("POST /problem-candidates/{id}/dismiss", "login 403 403 w w | 403 404 404"),
    eb("POST /catalog/{id}", "login w ok w w | 404 404 404", r#"quantity=1"#),
    e("POST /admin/catalog", "login 403 403 403 w | 403 403 w"),
    e("POST /admin/catalog/{id}", "login 403 403 403 w | 403 403 422"),
    eb("POST /approvals/{id}", "login 403 403 w 403 | 404 404 404", r#"decision=approve"#),
    eb("POST /approve/{token}", "w w w w w | w w w", r#"decision=approve"#),
    eb("POST /tickets/{number}/rate", "login w 404 403 403 | 404 404 404", r#"rating=5"#),
    eb("POST /survey/{token}", "w w w w w | w w w", r#"rating=4"#),
    e("POST /admin/service-levels/calendars", "login 403 403 403 w | 403 403 w"),
    e("POST /admin/service-levels/definitions", "login 403 403 403 w | 403 403 w"),
    e("POST /admin/service-levels/xlas", "login 403 403 403 w | 403 403 w"),
    e("POST /admin/service-levels/survey", "login 403 403 403 w | 403 403 w"),
    e("POST /admin/service-levels/replay", "login 403 403 403 w | 403 403 w"),
    e("POST /knowledge", "login 403 403 w w | 403 w w"),
    e("POST /knowledge/{number}/edit", "login 403 403 w w | 403 404 404"),
    eb("POST /knowledge/{number}/state", "login 403 403 w w | 403 404 404", r#"state=in_review"#),
    eb("POST /knowledge/{number}/restore", "login 403 403 w w | 403 404 404", r#"restore=1&version=1"#),
    e("POST /knowledge/{number}/feedback", "login 404 404 w w | 404 404 404"),
    e("POST /admin/routing/rules", "login 403 403 403 w | 403 403 w"),
    e("POST /admin/routing/try", "login 403 403 403 w | 403 403 w"),
    e("POST /admin/groups/{name}", "login 403 403 403 w | 403 403 422"),
    e("DELETE /api/v1/canned-responses/{id}", "401 403 403 w 404 | 403 404 404"),
    // After the API deleted it (the page's deleting is tested in suite/canned.rs).
    e("POST /canned-responses/{id}/delete", "login 403 403 404 404 | 403 404 404"),
    e("DELETE /api/v1/tickets/{number}/watchers/{username}", "401 403 403 w w | 403 404 404"),
    e("POST /tickets/{number}/watchers/{username}/remove", "login 403 403 w w | 403 404 404"),
    e("DELETE /api/v1/tickets/{number}/outages/{id}", "401 403 403 w 404 | 403 404 404"),
    e("DELETE /api/v1/relations/{id}", "401 403 403 w 404 | 403 404 404"),
    e("POST /tickets/{number}/outages/{id}/remove", "login 403 403 404 404 | 403 404 404"),
    e("GET /cis", "login 403 403 ok ok | 403 ok ok"),
    eb("POST /cis", "login 403 403 w w | 403 w w", r#"class=server&name=ui-matrix"#),
    e("GET /cis/{number}", "login 403 403 ok ok | 403 404 404"),
    e("GET /cis/imports", "login 403 403 ok ok | 403 ok ok"),
    e("POST /cis/imports", "login 403 403 w w | 403 w w"),
    e("GET /cis/imports/{id}", "login 403 403 ok ok | 403 404 404"),
    e("GET /cis/quality", "login 403 403 ok ok | 403 ok ok"),
    eb("POST /cis/quality/retire", "login 403 403 w w | 403 422 422", r#"ci=$ci3"#),
    eb("POST /cis/quality/merge", "login 403 403 w w | 403 422 422", r#"survivor=$ci&duplicate=$ci2"#),
    eb("POST /cis/{number}", "login 403 403 w w | 403 404 404", r#"name=srv-matrix&status=degraded"#),
    eb("POST /cis/{number}/relations", "login 403 403 w w | 403 404 404", r#"type=located_in&other=$ci3&way=out"#),
    e("POST /cis/{number}/relations/{id}/remove", "login 403 403 404 404 | 403 404 404"),
    eb("POST /tickets/{number}/cis", "login 403 403 w w | 403 404 404", r#"version=1&cis=$ci"#),
    eb("POST /tickets/{number}/cis/impact", "login 403 403 w w | 403 404 404", r#"version=1"#),
    // The asset pages, in this order: the fixture asset is in stock (the API checked it
    // in above), goes to repair, is checked out to kim, who alone may report on it, and
    // comes back.
    e("GET /assets", "login 403 403 ok ok | 403 ok ok"),
    eb("POST /assets", "login 403 403 w w | 403 w w", r#"tag=MATRIX-UI&class=laptop&cost=10.00"#),
    e("GET /assets/{tag}", "login 403 403 ok ok | 403 404 404"),
    e("GET /assets/portfolio", "login 403 403 ok ok | 403 ok ok"),
    e("GET /assets/portfolio.csv", "login 403 403 ok ok | 403 ok ok"),
    eb("POST /assets/{tag}", "login 403 403 w w | 403 404 404", r#"class=laptop&model=matrix-ui&cost=10.00"#),
    eb("POST /assets/{tag}/state", "login 403 403 w w | 403 404 404", r#"state=in_repair"#),
    eb("POST /assets/{tag}/check-out", "login 403 403 w w | 403 404 404", r#"person=kim"#),
    e("GET /my/equipment", "login ok ok ok ok | ok ok ok"),
    eb("POST /my/equipment/{tag}/problem", "login w 404 404 404 | 404 404 404", r#"description=It+will+not+start"#),
    e("POST /assets/{tag}/check-in", "login 403 403 w w | 403 404 404"),
    e("DELETE /api/v1/routing-rules/{id}", "401 403 403 403 w | 403 403 404"),
    e("POST /admin/routing/rules/{id}/delete", "login 403 403 403 404 | 403 403 404"),
    e("POST /views/{id}/delete", "login 403 403 w 404 | 403 404 404"),
    e("POST /api/v1/users/{username}/disable", "401 403 403 403 w | 403 403 404"),
    e("POST /admin/users/{username}/disable", "login 403 403 403 w | 403 403 404"),
    e("POST /admin/users/{username}/enable", "login 403 403 403 w | 403 403 404"),
    e("POST /admin/users/{username}/groups", "login 403 403 403 w | 403 403 404"),
    e("POST /admin/groups/{name}/members/{username}/remove", "login 403 403 403 w | 403 403 404"),
    e("POST /api/v1/users/{username}/enable", "401 403 403 403 w | 403 403 404"),
    eb("POST /api/v1/tickets/{number}/withdraw", "401 w 404 403 403 | 404 404 404", r#"{"reason": "solved itself"}"#),
    eb("POST /tickets/{number}/withdraw", "login w 404 403 403 | 404 404 404", r#"reason=gone"#),
    eb("POST /api/v1/tickets/bulk", "401 403 403 w w | 403 w w", r#"{"numbers": ["INC9999999"], "add_tag": "bulk"}"#),
    eb("POST /api/v1/tickets/{number}/merge", "401 403 403 w w | 403 404 404", r#"{"into": "$ticket2"}"#),
    eb("POST /tickets/{number}/merge", "login 403 403 w w | 403 404 404", r#"into=$ticket2"#),
    eb("POST /account/password-check", "login ok ok ok ok | ok ok ok", r#"password=correct-horse-battery"#),
    eb("POST /account/notification-mail", "login w w w w | w w w", r#"follow=default"#),
    eb("PUT /api/v1/me/notification-mail", "401 w w w w | w w w", r#"{"events": null}"#),
    eb("POST /admin/settings/notification-mail", "login 403 403 403 w | 403 403 w", r#"requester=reply"#),
    eb("PUT /api/v1/settings/notification-mail", "401 403 403 403 w | 403 403 w", r#"{"requesters": ["reply"], "staff": []}"#),
    eb("POST /account/time-zone", "login w w w w | w w w", r#"time_zone=Nowhere"#),
    eb("PUT /api/v1/me/time-zone", "401 w w w w | w w w", r#"{"time_zone": "Nowhere"}"#),
    eb("POST /account/password", "login w w w w | w w w", r#"current_password=wrong&new_password=x"#),
    eb("POST /api/v1/me/password", "401 w w w w | w w w", r#"{"current_password": "wrong", "new_password": "x"}"#),
    eb("POST /account/tokens", "login w w w w | w w w", r#"name=laptop"#),
    eb("POST /api/v1/me/tokens", "401 w w w w | w w w", r#"{"name": "laptop"}"#),
    e("POST /account/tokens/{id}/revoke", "login 404 404 404 404 | 404 404 404"),
    e("DELETE /api/v1/me/tokens/{id}", "401 404 404 404 404 | 404 404 404"),
    e("POST /account/sessions/{id}/end", "login 404 404 404 404 | 404 404 404"),
    e("DELETE /api/v1/me/sessions/{id}", "401 404 404 404 404 | 404 404 404"),
    // Signing out everywhere ends this browser's session too: back to sign-in.
    e("POST /account/sessions/end-all", "login login login login login | login login login"),
    e("DELETE /api/v1/me/sessions", "401 w w w w | w w w"),
    e("POST /logout", "login login login login login | login login login"),
];

/// The route's method and path template, without the query an entry may add.
fn route_of(entry: &str) -> (Method, &str, &str) {
    let (m, target) = entry.split_once(' ').unwrap_or_else(|| panic!("'{entry}' is not 'METHOD /path'"));
    let (path, query) = target.split_once('?').map_or((target, ""), |(p, q)| (p, q));
    (m.parse().unwrap(), path, query)
}

fn key(entry: &str) -> String {
    let (m, path, _) = route_of(entry);
    format!("{m} {path}")
}

#[test]
fn every_route_has_one_entry_and_every_api_route_is_documented() {
    let served: BTreeSet<String> = cairn_web::route_table().into_iter().map(|(m, p)| format!("{m} {p}")).collect();
    let listed: BTreeSet<String> = ROUTES.iter().map(|e| key(e.0)).collect();
    assert_eq!(listed.len(), ROUTES.len(), "a route is listed twice");
    let missing: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(missing.is_empty(), "routes without an entry in tests/suite/authz_matrix.rs: {missing:#?}");
    assert!(stale.is_empty(), "entries for routes the server does not have: {stale:#?}");

    let doc = cairn_web::openapi_document();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys().filter(|k| k.as_str() != "parameters") {
            documented.insert(format!("{} {path}", m.to_uppercase()));
        }
    }
    let api: BTreeSet<String> = served.iter().filter(|r| r.contains(" /api/") && !r.ends_with("/openapi.json")).cloned().collect();
    assert_eq!(api, documented, "the API's routes and the OpenAPI document's operations differ");
}

async fn every_route_answers_each_caller_as_its_entry_says(url: String) {
    let t = TestApp::spawn(url).await;
    let f = fixtures(&t).await;
    let (reads, writes): (Vec<&Entry>, Vec<&Entry>) = ROUTES.iter().partition(|e| e.0.starts_with("GET "));
    let mut wrong = Vec::new();
    let mut leaks = Vec::new();
    let mut observed = Vec::new();
    for entry in reads.into_iter().chain(writes) {
        let (m, template, query) = route_of(entry.0);
        let expected: Vec<&str> = entry.1.split_whitespace().filter(|w| *w != "|").collect();
        let path = if query.is_empty() { f.fill(template) } else { format!("{}?{query}", f.fill(template)) };
        let body = f.body(entry.2);
        let mut classes = vec![String::new(); ACTORS.len()];
        for &who in &CALL_ORDER {
            let answer = call(&t, &f.callers[who], &m, &path, &body).await;
            classes[who] = classify(answer.status, &answer.location);
            if OUTSIDERS.contains(&who) {
                for secret in f.secrets().into_iter().filter(|s| answer.text.contains(*s)) {
                    leaks.push(format!("{} shows {} '{secret}'", entry.0, ACTORS[who]));
                }
            }
        }
        let ok = expected.len() == ACTORS.len() && expected.iter().zip(&classes).all(|(e, c)| meets(e, c));
        if !ok {
            wrong.push(format!("{}: expected [{}], got [{}]", entry.0, entry.1, classes.join(" ")));
        }
        observed.push(format!("{:<60} {}", entry.0, classes.join(" ")));
    }
    assert!(leaks.is_empty(), "reads show what the caller may not see:\n{}", leaks.join("\n"));
    assert!(
        wrong.is_empty(),
        "{} of {} routes answer otherwise:\n{}\n\nobserved:\n{}",
        wrong.len(),
        ROUTES.len(),
        wrong.join("\n"),
        observed.join("\n")
    );
}

on_both_databases!(every_route_answers_each_caller_as_its_entry_says);
