//! Fresh databases for tests: a SQLite file in a temporary folder, or a new database
//! in the PostgreSQL cluster named by `CAIRN_TEST_PG_URL` (started by `scripts/test`).
//! When that variable is missing the PostgreSQL variant is skipped, unless `CI` or
//! `CAIRN_REQUIRE_PG` is set: then it fails, so CI cannot pass without PostgreSQL.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

use crate::Backend;

pub struct TestDb {
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite()),
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let url = format!("sqlite://{}", dir.path().join("cairn.db").display());
        TestDb { url, _dir: Some(dir) }
    }

    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin) = std::env::var("CAIRN_TEST_PG_URL") else {
            if std::env::var_os("CI").is_some() || std::env::var_os("CAIRN_REQUIRE_PG").is_some() {
                panic!("CAIRN_TEST_PG_URL is not set: the PostgreSQL suite must run (use scripts/test)");
            }
            eprintln!("skipping PostgreSQL variant: CAIRN_TEST_PG_URL not set (scripts/test sets it)");
            return None;
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!("cairn_t{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(&admin).await.unwrap_or_else(|e| panic!("connect {admin}: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("create database: {e}"));
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Some(TestDb { url: format!("{base}/{name}"), _dir: None })
    }
}

/// Runs each named `async fn(url: String)` once per backend, as tests `name::sqlite`
/// and `name::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::testing::TestDb::sqlite();
                super::$name(db.url()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::testing::TestDb::postgres().await {
                    super::$name(db.url()).await;
                }
            }
        }
    )*};
}
