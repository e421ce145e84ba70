//! Group commit for SQLite. SQLite has one writer at a time and every durable commit
//! costs an fsync; committing each request alone caps throughput at the disk's fsync
//! rate. Here one task owns the write connection, takes every change that is waiting,
//! runs each inside its own SAVEPOINT (a failing change is rolled back alone), does the
//! batch's deferred work together (see [`crate::engine::deferred`]), commits once, and only then answers each
//! caller.
//!
//! Each statement is a round trip to sqlx's SQLite thread, and the writer is the serial
//! point of the system, so it runs as few as it can: savepoint bookkeeping shares one
//! round trip between two changes, and journal and search writes cost a few per batch,
//! not per change.

use sqlx::{AnyConnection, Connection};
use tokio::sync::{mpsc, oneshot};

use crate::engine::backend::{Backend, prepare_sqlite};
use crate::engine::deferred::{self, Deferred};
use crate::{BoxFuture, Conn, StoreError};

/// At most this many changes share one commit.
const MAX_BATCH: usize = 512;

type Completion = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A change run on the writer: whether it succeeded, and how to answer its caller.
type Op = Box<dyn for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, (bool, Completion)> + Send>;

#[derive(Clone)]
pub(crate) struct Writer {
    tx: mpsc::UnboundedSender<Op>,
}

impl Writer {
    pub(crate) async fn start(url: &str) -> Result<Writer, StoreError> {
        let mut conn = AnyConnection::connect(url).await?;
        prepare_sqlite(&mut conn).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(conn, rx));
        Ok(Writer { tx })
    }

    pub(crate) async fn submit<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let op: Op = Box::new(move |conn| {
            Box::pin(async move {
                let out = f(conn).await;
                let ok = out.is_ok();
                let complete: Completion = Box::new(move |commit| {
                    let out = match commit {
                        Ok(()) => out,
                        Err(e) if ok => Err(E::from(StoreError::Commit(e))),
                        Err(_) => out,
                    };
                    let _ = reply.send(out);
                });
                (ok, complete)
            })
        });
        self.tx.send(op).map_err(|_| E::from(StoreError::WriterGone))?;
        answer.await.map_err(|_| E::from(StoreError::WriterGone))?
    }
}

async fn exec(conn: &mut Conn, sql: &'static str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(sql).execute(conn).await.map(|_| ())
}

async fn run(mut conn: AnyConnection, mut rx: mpsc::UnboundedReceiver<Op>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        let outcome = commit_batch(&mut conn, &mut batch).await;
        let (result, completions) = match outcome {
            Ok(done) => (Ok(()), done),
            Err((e, done)) => {
                tracing::error!(error = %e, "group commit failed; rolling back the batch");
                let _ = exec(&mut conn, "ROLLBACK").await;
                (Err(e.to_string()), done)
            }
        };
        for c in completions {
            c(result.clone());
        }
    }
}

type BatchResult = Result<Vec<Completion>, (StoreError, Vec<Completion>)>;

async fn commit_batch(conn: &mut AnyConnection, batch: &mut Vec<Op>) -> BatchResult {
    let mut done = Vec::with_capacity(batch.len());
    let mut work = Deferred::default();
    let mut previous = None;
    for op in batch.drain(..) {
        if let Err(e) = exec(conn, between(previous, true)).await {
            // Dropping the remaining ops drops their reply channels: those callers get
            // `WriterGone` rather than waiting forever.
            return Err((e.into(), done));
        }
        let ((ok, complete), later) = deferred::collecting(op(conn)).await;
        done.push(complete);
        if ok {
            work.absorb(later);
        }
        previous = Some(ok);
    }
    let end = async {
        exec(conn, between(previous, false)).await?;
        work.finish(conn, Backend::Sqlite).await?;
        exec(conn, "COMMIT").await?;
        Ok::<(), StoreError>(())
    };
    match end.await {
        Ok(()) => Ok(done),
        Err(e) => Err((e, done)),
    }
}

/// The statements between two changes, sent as one round trip: keep or undo the
/// previous change's savepoint (none before the first), then open the next one.
fn between(previous: Option<bool>, another: bool) -> &'static str {
    match (previous, another) {
        (None, _) => "BEGIN IMMEDIATE; SAVEPOINT op",
        (Some(true), true) => "RELEASE op; SAVEPOINT op",
        (Some(false), true) => "ROLLBACK TO op; RELEASE op; SAVEPOINT op",
        (Some(true), false) => "RELEASE op",
        (Some(false), false) => "ROLLBACK TO op; RELEASE op",
    }
}
