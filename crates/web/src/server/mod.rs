//! The accept loop: HTTP/1 connections served by hyper, with the limits that keep a
//! flood of slow or idle connections from starving everyone else (slowloris):
//!
//! - at most `max_connections` at once: beyond that, new connections wait in the
//!   kernel's backlog (not accepted, no file descriptor spent) until one closes;
//! - a request's head must arrive within `header_read_timeout` of the connection
//!   opening or of its first byte;
//! - a connection with no request in flight is closed after `idle_timeout`.
//!
//! The timeouts are kept in [`conn`] rather than by hyper: hyper's header timeout also
//! runs while a kept-alive connection waits for its next request, so it cannot tell a
//! slow head from an idle connection. Graceful shutdown stops accepting, lets requests
//! in flight finish, and ends the pages' live updates.

mod conn;
mod framing;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use cairn_app::App;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

use crate::ctx::WebConfig;
use conn::{Tracked, Watch};

/// How many connections Cairn serves at once and how long it waits on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// Time allowed for a request's line and headers to arrive.
    pub header_read_timeout: Duration,
    /// Time a connection with no request in flight is kept open.
    pub idle_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits { max_connections: 1024, header_read_timeout: Duration::from_secs(10), idle_timeout: Duration::from_secs(60) }
    }
}

/// Serves until `shutdown` completes, then ends the pages' live updates and finishes
/// in-flight requests.
pub async fn serve(
    listener: TcpListener,
    app: App,
    config: WebConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = config.limits;
    tracing::info!(
        max_connections = limits.max_connections,
        header_read_timeout_ms = limits.header_read_timeout.as_millis() as u64,
        idle_timeout_ms = limits.idle_timeout.as_millis() as u64,
        "serving HTTP"
    );
    let live = app.clone();
    let router = crate::router(app, config);
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        live.close_live();
        let _ = stop_tx.send(true);
    });
    // Every connection task holds a clone of `done_rx`; when the last one ends,
    // `done_tx.closed()` completes.
    let (done_tx, done_rx) = watch::channel(());
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut stopping = stop_rx.clone();
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = stopped(&mut stopping) => break,
        };
        let (stream, addr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => { accept_failed(e).await; continue; }
            },
            _ = stopped(&mut stopping) => break,
        };
        let router = router.clone();
        let stop = stop_rx.clone();
        let done = done_rx.clone();
        tokio::spawn(async move {
            serve_connection(stream, addr, router, limits, stop).await;
            drop(permit);
            drop(done);
        });
    }
    drop(listener);
    drop(done_rx);
    done_tx.closed().await;
    Ok(())
}

/// Accepting fails for reasons of one connection (reset before accepted) or of the
/// process (out of file descriptors): the latter is worth a log line and a pause.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(200)).await;
}

async fn serve_connection(stream: TcpStream, addr: SocketAddr, router: Router, limits: ServerLimits, mut stop: watch::Receiver<bool>) {
    let watch = Arc::new(Watch::new(limits));
    let io = TokioIo::new(Tracked::new(stream, watch.clone()));
    let on_request = watch.clone();
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let request = on_request.request_started();
        let router = router.clone();
        async move {
            if let Some(refusal) = framing::refusal(&req, request.head()) {
                return Ok::<_, Infallible>(refusal.map(|b| Body::new(request.track(b))));
            }
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(ConnectInfo(addr));
            let res: Response<Body> = router.oneshot(req).await.unwrap_or_else(|e| match e {});
            Ok(res.map(|b| Body::new(request.track(b))))
        }
    });
    // Hyper's own header timeout is off: `Watch` keeps both timeouts (see the top).
    let conn = hyper::server::conn::http1::Builder::new().timer(TokioTimer::new()).header_read_timeout(None).serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        let deadline = watch.deadline();
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(%addr, error = %e, "connection ended with an error");
                }
                return;
            }
            _ = stopped(&mut stop), if !draining => {
                conn.as_mut().graceful_shutdown();
                draining = true;
            }
            _ = sleep_until(deadline) => {
                if watch.expired() {
                    tracing::debug!(%addr, "closing a connection that sent no complete request in time");
                    return;
                }
            }
            _ = watch.changed() => {}
        }
    }
}

/// Completes once shutdown has begun (the guard `wait_for` returns is not `Send`).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
