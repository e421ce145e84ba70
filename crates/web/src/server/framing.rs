//! Requests framed two ways are refused (RFC 9112 §6.3): with both `Content-Length`
//! and `Transfer-Encoding`, a server and a proxy in front of it may disagree on where
//! the body ends (request smuggling). Hyper serves such a request by its
//! `Transfer-Encoding` and drops the `Content-Length` before handlers see it, so the
//! head is checked as it came off the wire. A chunked request whose head was not seen
//! whole (pipelined behind another, or larger than we keep) is refused as well.

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, header};
use axum::response::IntoResponse;

use crate::error::ApiError;

/// A request head as read from the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Head {
    Seen { both_lengths: bool },
    Unseen,
}

/// Reads the first request head in `bytes` (hyper accepts at most 100 headers).
pub(super) fn inspect(bytes: &[u8]) -> Head {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {
            let has = |name: &str| req.headers.iter().any(|h| h.name.eq_ignore_ascii_case(name));
            Head::Seen { both_lengths: has("content-length") && has("transfer-encoding") }
        }
        _ => Head::Unseen,
    }
}

/// The 400 for a request framed two ways, or none.
pub(super) fn refusal<B>(req: &Request<B>, head: Head) -> Option<Response<Body>> {
    if !req.headers().contains_key(header::TRANSFER_ENCODING) {
        return None;
    }
    let message = match head {
        Head::Seen { both_lengths: false } => return None,
        Head::Seen { both_lengths: true } => "a request may not carry both Content-Length and Transfer-Encoding",
        Head::Unseen => "send a chunked request first on its connection or after the previous response",
    };
    let mut res = ApiError::BadRequest { field: Some("Transfer-Encoding".into()), message: message.into() }.into_response();
    res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_with_both_lengths_is_recognised_in_any_case_and_order() {
        let both = b"POST /x HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\nCONTENT-LENGTH: 4\r\n\r\nbody";
        assert_eq!(inspect(both), Head::Seen { both_lengths: true });
        let chunked = b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        assert_eq!(inspect(chunked), Head::Seen { both_lengths: false });
        assert_eq!(inspect(b"POST /x HTTP/1.1\r\nHost: a\r\n"), Head::Unseen);
    }
}
