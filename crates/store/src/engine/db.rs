use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Connection};

use crate::engine::backend::{Backend, prepare_sqlite};
use crate::engine::writer::Writer;
use crate::error::Result;
use crate::{BoxFuture, Conn, StoreError, engine::deferred, engine::migrate};

/// A handle on the database: a pool for reads and the one way to write.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    pool: AnyPool,
    backend: Backend,
    /// SQLite only: the single writer that commits concurrent changes together.
    writer: Option<Writer>,
}

fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn open(url: &str, now_ms: i64) -> Result<Db> {
        let db = Db::connect(url).await?;
        db.migrate(now_ms).await?;
        Ok(db)
    }

    /// Connects without migrating (for `cairn migrate` and checks).
    pub async fn connect(url: &str) -> Result<Db> {
        install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url(url),
            Backend::Postgres => url.to_string(),
        };
        let is_sqlite = backend == Backend::Sqlite;
        let pool = AnyPoolOptions::new()
            .max_connections(if is_sqlite { 6 } else { 16 })
            .acquire_timeout(Duration::from_secs(15))
            .after_connect(move |conn, _| Box::pin(async move { if is_sqlite { prepare_sqlite(conn).await } else { Ok(()) } }))
            .connect(&url)
            .await?;
        let writer = match backend {
            Backend::Sqlite => Some(Writer::start(&url).await?),
            Backend::Postgres => None,
        };
        Ok(Db { inner: Arc::new(Inner { pool, backend, writer }) })
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    pub async fn migrate(&self, now_ms: i64) -> Result<()> {
        migrate::run(&self.inner.pool, self.inner.backend, None, now_ms).await
    }

    /// Applies the pending migrations up to `version` only: for tests of how a migration
    /// carries the data written before it.
    pub async fn migrate_through(&self, version: i64, now_ms: i64) -> Result<()> {
        migrate::run(&self.inner.pool, self.inner.backend, Some(version), now_ms).await
    }

    /// A connection for reads. Never write through it: writes go through [`Db::write`].
    pub async fn read(&self) -> Result<PoolConnection<Any>> {
        Ok(self.inner.pool.acquire().await?)
    }

    /// Runs `f` in a transaction and commits it; on error nothing of `f` is kept. The
    /// work `f` defers (journal chaining, search documents) is done just before the commit.
    /// On SQLite, concurrent calls are committed together by one writer (one fsync for
    /// many use cases); the result is returned only after the commit is durable.
    pub async fn write<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, std::result::Result<T, E>> + Send + 'static,
    {
        match &self.inner.writer {
            Some(w) => w.submit(f).await,
            None => {
                let mut tx = self.inner.pool.begin().await.map_err(StoreError::from)?;
                let (out, deferred) = deferred::collecting(f(&mut tx)).await;
                let out = out?;
                deferred.finish(&mut tx, self.inner.backend).await?;
                tx.commit().await.map_err(StoreError::from)?;
                Ok(out)
            }
        }
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        let mut c = self.read().await?;
        c.ping().await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.inner.pool.close().await;
    }
}
