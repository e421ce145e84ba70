//! The style sheet and the small scripts of progressive enhancement, built into the
//! binary so that nothing but Cairn itself needs serving.

use crate::routes::{Routes, get};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub(crate) fn router() -> Routes {
    Routes::new()
        .route("/static/app.css", get(css))
        .route("/static/keys.js", get(|| script(include_str!("../../static/keys.js"))))
        .route("/static/bulk.js", get(|| script(include_str!("../../static/bulk.js"))))
        .route("/static/live.js", get(|| script(include_str!("../../static/live.js"))))
        .route("/static/fields.js", get(|| script(include_str!("../../static/fields.js"))))
        .route("/static/suggest.js", get(|| script(include_str!("../../static/suggest.js"))))
        .route("/static/catalog.js", get(|| script(include_str!("../../static/catalog.js"))))
        .route("/static/password.js", get(|| script(include_str!("../../static/password.js"))))
        .route("/static/icon.svg", get(icon))
        // Browsers ask for it whatever the page says; they read an SVG answer too.
        .route("/favicon.ico", get(icon))
}

async fn icon() -> Response {
    let mut res = include_str!("../../static/icon.svg").into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    res
}

async fn css() -> Response {
    let mut res = include_str!("../../static/app.css").into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

async fn script(text: &'static str) -> Response {
    let mut res = text.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}
