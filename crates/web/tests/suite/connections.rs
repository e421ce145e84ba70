//! The server under slow and idle connections (slowloris): heads that never finish
//! are closed after the header timeout, idle kept-alive connections after the idle
//! timeout, connections beyond the cap wait until others close, and `/healthz` keeps
//! answering through it all. Requests framed both by Content-Length and by
//! Transfer-Encoding are refused (RFC 9112 §6.3). On SQLite and PostgreSQL.
//!
//! Timeouts are short here; the bounds the tests wait for are generous.

use std::sync::Arc;
use std::time::Duration;

use crate::common::{TestApp, body};
use cairn_app::SystemClock;
use cairn_store::on_both_databases;
use cairn_web::{ServerLimits, WebConfig};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Long enough for anything that should happen on a busy machine.
const GENEROUS: Duration = Duration::from_secs(60);

async fn spawn(url: String, max_connections: usize, header_read_timeout: Duration, idle_timeout: Duration) -> TestApp {
    let limits = ServerLimits { max_connections, header_read_timeout, idle_timeout };
    TestApp::spawn_configured(url, Arc::new(SystemClock), WebConfig { limits, ..WebConfig::default() }).await
}

fn addr(t: &TestApp) -> String {
    t.base.trim_start_matches("http://").to_string()
}

/// A connection that starts a request line and never finishes it.
async fn slow_header(t: &TestApp) -> TcpStream {
    let mut s = TcpStream::connect(addr(t)).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: cairn\r\nX-Slow: ").await.unwrap();
    s
}

/// Whether the server closes the connection within `GENEROUS` (end of stream or reset).
async fn closed_by_server(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match timeout(GENEROUS, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// Sends a whole request on a fresh connection and reads the answer to its end.
async fn raw(t: &TestApp, request: &str) -> String {
    let mut s = TcpStream::connect(addr(t)).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    timeout(GENEROUS, s.read_to_end(&mut out)).await.expect("an answer").unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

async fn slow_headers_are_closed_and_healthz_keeps_answering(url: String) {
    // Far more slow connections than the cap: they are accepted as others time out.
    let t = spawn(url, 50, Duration::from_secs(1), Duration::from_secs(60)).await;
    let mut slow = Vec::new();
    for _ in 0..300 {
        slow.push(slow_header(&t).await);
    }
    let health = timeout(GENEROUS, t.http.get(t.url("/healthz")).send()).await.expect("healthz answers").unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    for s in &mut slow {
        assert!(closed_by_server(s).await, "a connection that never finished its head stayed open");
    }
    let health = t.http.get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

async fn idle_connections_are_closed_after_the_idle_timeout(url: String) {
    // The header timeout is longer than the wait below: only the idle timeout can close it.
    let t = spawn(url, 100, Duration::from_secs(120), Duration::from_secs(1)).await;
    let mut s = TcpStream::connect(addr(&t)).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: cairn\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 4096];
    let n = timeout(GENEROUS, s.read(&mut buf)).await.expect("an answer").unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&buf[..n]));
    assert!(closed_by_server(&mut s).await, "an idle kept-alive connection stayed open");
}

async fn connections_beyond_the_cap_wait_until_others_close(url: String) {
    let t = spawn(url, 5, Duration::from_secs(120), Duration::from_secs(120)).await;
    let mut slow = Vec::new();
    for _ in 0..5 {
        slow.push(slow_header(&t).await);
    }
    // The sixth connection is not accepted while the five hold every slot...
    let mut sixth = TcpStream::connect(addr(&t)).await.unwrap();
    sixth.write_all(b"GET /healthz HTTP/1.1\r\nHost: cairn\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut out = Vec::new();
    let early = timeout(Duration::from_secs(1), sixth.read_to_end(&mut out)).await;
    assert!(early.is_err() && out.is_empty(), "answered beyond the cap: {}", String::from_utf8_lossy(&out));
    // ...and is served once two of them close.
    slow.truncate(3);
    timeout(GENEROUS, sixth.read_to_end(&mut out)).await.expect("served after others closed").unwrap();
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&out));
}

async fn requests_with_both_lengths_are_refused(url: String) {
    let t = TestApp::spawn(url).await;
    let token = t.user("default", "alice", "agent").await;
    let json = r#"{"title":"smuggled","description":"d"}"#;
    let chunked = format!("{:x}\r\n{json}\r\n0\r\n\r\n", json.len());
    let request = |framing: &str| {
        format!(
            "POST /api/v1/tickets HTTP/1.1\r\nHost: cairn\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n\
             Connection: close\r\n{framing}\r\n{chunked}"
        )
    };
    for framing in ["Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "Transfer-Encoding: chunked\r\ncontent-length: 5\r\n"] {
        let answer = raw(&t, &request(framing)).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        assert!(answer.contains(r#""field":"Transfer-Encoding""#), "{answer}");
    }
    let list = body(t.get(&token, "/api/v1/tickets").await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "a refused request raised a ticket: {list}");
    // Chunked alone is fine.
    let answer = raw(&t, &request("Transfer-Encoding: chunked\r\n")).await;
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
}

on_both_databases!(
    slow_headers_are_closed_and_healthz_keeps_answering,
    idle_connections_are_closed_after_the_idle_timeout,
    connections_beyond_the_cap_wait_until_others_close,
    requests_with_both_lengths_are_refused
);
