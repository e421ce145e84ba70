//! What one connection is doing, for its timeouts: waiting for a request head (since
//! when, and whether any of it has arrived), or serving requests. The socket wrapper
//! reports bytes read; the service reports requests starting and their responses
//! ending (when the response body is done or dropped, so a live-updates stream counts
//! as in flight for as long as it runs).

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::ServerLimits;
use super::framing::{self, Head};

/// The most of a request head kept to check its framing; hyper's own limit on a head
/// is larger, and a head beyond this one counts as not seen (see `framing`).
const HEAD_KEPT: usize = 64 * 1024;

pub(super) struct Watch {
    limits: ServerLimits,
    state: Mutex<State>,
    changed: Notify,
}

struct State {
    in_flight: usize,
    /// While no request is in flight: since when the connection waits, and whether a
    /// head has begun to arrive (then the header timeout runs, else the idle one).
    since: Instant,
    head_started: bool,
    /// The bytes read since the last request ended, up to `HEAD_KEPT`.
    head: Vec<u8>,
    head_overflow: bool,
}

impl Watch {
    pub(super) fn new(limits: ServerLimits) -> Watch {
        // A new connection owes its first head within the header timeout.
        let state = State { in_flight: 0, since: Instant::now(), head_started: true, head: Vec::new(), head_overflow: false };
        Watch { limits, state: Mutex::new(state), changed: Notify::new() }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// When the connection is to be closed unless a request starts first.
    pub(super) fn deadline(&self) -> Option<Instant> {
        let s = self.lock();
        if s.in_flight > 0 {
            return None;
        }
        Some(s.since + if s.head_started { self.limits.header_read_timeout } else { self.limits.idle_timeout })
    }

    pub(super) fn expired(&self) -> bool {
        self.deadline().is_some_and(|d| d <= Instant::now())
    }

    /// Completes when the deadline may have moved.
    pub(super) async fn changed(&self) {
        self.changed.notified().await;
    }

    fn bytes_read(&self, bytes: &[u8]) {
        let mut s = self.lock();
        if s.in_flight > 0 {
            return;
        }
        if !s.head_started {
            s.head_started = true;
            s.since = Instant::now();
            self.changed.notify_one();
        }
        if s.head_overflow {
            return;
        }
        if s.head.len() + bytes.len() > HEAD_KEPT {
            s.head_overflow = true;
            s.head = Vec::new();
        } else {
            s.head.extend_from_slice(bytes);
        }
    }

    /// A request's head was read: its timeouts stop until its response ends.
    pub(super) fn request_started(self: &Arc<Self>) -> InFlight {
        let mut s = self.lock();
        s.in_flight += 1;
        let head = if s.head_overflow { Head::Unseen } else { framing::inspect(&s.head) };
        s.head = Vec::new();
        s.head_overflow = false;
        self.changed.notify_one();
        InFlight { watch: self.clone(), head }
    }
}

/// A request being served; dropped with its response body.
pub(super) struct InFlight {
    watch: Arc<Watch>,
    head: Head,
}

impl InFlight {
    /// What the request's head looked like on the wire.
    pub(super) fn head(&self) -> Head {
        self.head
    }

    /// The response body, keeping the request in flight until it is done.
    pub(super) fn track(self, body: Body) -> InFlightBody {
        InFlightBody { inner: body, _request: self }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut s = self.watch.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        if s.in_flight == 0 {
            s.since = Instant::now();
            s.head_started = false;
        }
        self.watch.changed.notify_one();
    }
}

pub(super) struct InFlightBody {
    inner: Body,
    _request: InFlight,
}

impl http_body::Body for InFlightBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The socket, telling the watch what it reads.
pub(super) struct Tracked<T> {
    io: T,
    watch: Arc<Watch>,
}

impl<T> Tracked<T> {
    pub(super) fn new(io: T, watch: Arc<Watch>) -> Tracked<T> {
        Tracked { io, watch }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tracked<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut this.io).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.watch.bytes_read(&buf.filled()[before..]);
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tracked<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[std::io::IoSlice<'_>]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
