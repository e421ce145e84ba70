//! Embedded, plain-SQL migrations, one list per backend, applied in order and never
//! edited once released. On PostgreSQL an advisory lock keeps two starting instances
//! from migrating at once.

use sqlx::{AnyPool, Row};

use crate::Backend;
use crate::error::Result;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sqlite: include_str!("../../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "routing",
        sqlite: include_str!("../../migrations/sqlite/0002_routing.sql"),
        postgres: include_str!("../../migrations/postgres/0002_routing.sql"),
    },
    Migration {
        version: 3,
        name: "resolution",
        sqlite: include_str!("../../migrations/sqlite/0003_resolution.sql"),
        postgres: include_str!("../../migrations/postgres/0003_resolution.sql"),
    },
    Migration {
        version: 4,
        name: "major",
        sqlite: include_str!("../../migrations/sqlite/0004_major.sql"),
        postgres: include_str!("../../migrations/postgres/0004_major.sql"),
    },
    Migration {
        version: 5,
        name: "problems",
        sqlite: include_str!("../../migrations/sqlite/0005_problems.sql"),
        postgres: include_str!("../../migrations/postgres/0005_problems.sql"),
    },
    Migration {
        version: 6,
        name: "recurring",
        sqlite: include_str!("../../migrations/sqlite/0006_recurring.sql"),
        postgres: include_str!("../../migrations/postgres/0006_recurring.sql"),
    },
    Migration {
        version: 7,
        name: "desk",
        sqlite: include_str!("../../migrations/sqlite/0007_desk.sql"),
        postgres: include_str!("../../migrations/postgres/0007_desk.sql"),
    },
    Migration {
        version: 8,
        name: "sla",
        sqlite: include_str!("../../migrations/sqlite/0008_sla.sql"),
        postgres: include_str!("../../migrations/postgres/0008_sla.sql"),
    },
    Migration {
        version: 9,
        name: "surveys",
        sqlite: include_str!("../../migrations/sqlite/0009_surveys.sql"),
        postgres: include_str!("../../migrations/postgres/0009_surveys.sql"),
    },
    Migration {
        version: 10,
        name: "xla",
        sqlite: include_str!("../../migrations/sqlite/0010_xla.sql"),
        postgres: include_str!("../../migrations/postgres/0010_xla.sql"),
    },
    Migration {
        version: 11,
        name: "experience",
        sqlite: include_str!("../../migrations/sqlite/0011_experience.sql"),
        postgres: include_str!("../../migrations/postgres/0011_experience.sql"),
    },
    Migration {
        version: 12,
        name: "dashboard",
        sqlite: include_str!("../../migrations/sqlite/0012_dashboard.sql"),
        postgres: include_str!("../../migrations/postgres/0012_dashboard.sql"),
    },
    Migration {
        version: 13,
        name: "ticket_counts",
        sqlite: include_str!("../../migrations/sqlite/0013_ticket_counts.sql"),
        postgres: include_str!("../../migrations/postgres/0013_ticket_counts.sql"),
    },
    Migration {
        version: 14,
        name: "saved_views",
        sqlite: include_str!("../../migrations/sqlite/0014_saved_views.sql"),
        postgres: include_str!("../../migrations/postgres/0014_saved_views.sql"),
    },
    Migration {
        version: 15,
        name: "org_sharing",
        sqlite: include_str!("../../migrations/sqlite/0015_org_sharing.sql"),
        postgres: include_str!("../../migrations/postgres/0015_org_sharing.sql"),
    },
    Migration {
        version: 16,
        name: "knowledge",
        sqlite: include_str!("../../migrations/sqlite/0016_knowledge.sql"),
        postgres: include_str!("../../migrations/postgres/0016_knowledge.sql"),
    },
    Migration {
        version: 17,
        name: "deflection",
        sqlite: include_str!("../../migrations/sqlite/0017_deflection.sql"),
        postgres: include_str!("../../migrations/postgres/0017_deflection.sql"),
    },
    Migration {
        version: 18,
        name: "catalog",
        sqlite: include_str!("../../migrations/sqlite/0018_catalog.sql"),
        postgres: include_str!("../../migrations/postgres/0018_catalog.sql"),
    },
    Migration {
        version: 19,
        name: "approvals",
        sqlite: include_str!("../../migrations/sqlite/0019_approvals.sql"),
        postgres: include_str!("../../migrations/postgres/0019_approvals.sql"),
    },
    Migration {
        version: 20,
        name: "tenancy",
        sqlite: include_str!("../../migrations/sqlite/0020_tenancy.sql"),
        postgres: include_str!("../../migrations/postgres/0020_tenancy.sql"),
    },
    Migration {
        version: 22,
        name: "accounts",
        sqlite: include_str!("../../migrations/sqlite/0022_accounts.sql"),
        postgres: include_str!("../../migrations/postgres/0022_accounts.sql"),
    },
];

const LOCK_KEY: i64 = 0x6361_6972_6e00;

pub(crate) async fn run(pool: &AnyPool, backend: Backend, now_ms: i64) -> Result<()> {
    let mut conn = pool.acquire().await?;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)").bind(LOCK_KEY).execute(&mut *conn).await?;
    }
    let result = apply_pending(&mut conn, backend, now_ms).await;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)").bind(LOCK_KEY).execute(&mut *conn).await?;
    }
    result
}

async fn apply_pending(conn: &mut sqlx::AnyConnection, backend: Backend, now_ms: i64) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    Ok(())
}
