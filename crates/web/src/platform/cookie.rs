//! The cookies Cairn sets: HttpOnly and SameSite=Lax always, `Path=/` and no `Domain`.
//! Over HTTPS (`secure_cookies`) they are also `Secure` and named with the `__Host-`
//! prefix, which a browser accepts only from a secure origin with exactly these
//! attributes: neither a sibling subdomain nor a plain-HTTP page can set or shadow
//! them. Only the name of the mode Cairn runs in is read.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::ctx::WebConfig;

/// The signed-in session (see `session`).
pub(crate) const SESSION: &str = "cairn_session";
/// The sign-in form's CSRF token, set before there is a session (see `login`).
pub(crate) const LOGIN: &str = "cairn_login";

/// A cookie's name in the mode Cairn runs in.
pub(crate) fn name(config: &WebConfig, base: &str) -> String {
    if config.secure_cookies { format!("__Host-{base}") } else { base.to_string() }
}

/// `Set-Cookie` for `base` holding `value` for `max_age` seconds (0 removes it).
pub(crate) fn set(config: &WebConfig, base: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    let v = format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", name(config, base));
    // Values are our own URL-safe base64 secrets, so this does not fail; if it did,
    // the cookie is removed rather than set to something else.
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("cairn_invalid=; Max-Age=0"))
}

/// The value of the request's cookie `base` (under its name in this mode).
pub(crate) fn read<'a>(headers: &'a HeaderMap, config: &WebConfig, base: &str) -> Option<&'a str> {
    let name = name(config, base);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_https_cookies_are_secure_and_host_prefixed() {
        let https = WebConfig { secure_cookies: true, ..WebConfig::default() };
        let v = set(&https, SESSION, "abc", 60);
        assert_eq!(v.to_str().unwrap_or_default(), "__Host-cairn_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure");
        let http = WebConfig { secure_cookies: false, ..WebConfig::default() };
        assert_eq!(
            set(&http, SESSION, "abc", 60).to_str().unwrap_or_default(),
            "cairn_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"
        );
    }

    #[test]
    fn only_the_name_of_the_mode_is_read() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("cairn_session=plain; __Host-cairn_session=secure"));
        assert_eq!(read(&h, &WebConfig { secure_cookies: true, ..WebConfig::default() }, SESSION), Some("secure"));
        assert_eq!(read(&h, &WebConfig { secure_cookies: false, ..WebConfig::default() }, SESSION), Some("plain"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("cairn_session=plain"));
        assert_eq!(
            read(&h, &WebConfig { secure_cookies: true, ..WebConfig::default() }, SESSION),
            None,
            "a cookie a plain page set is not taken over HTTPS"
        );
    }
}
