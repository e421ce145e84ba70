//! The administrator's ranking of import sources, most trusted first.

use cairn_domain::ids::TenantId;

use crate::Conn;
use crate::error::Result;

/// The ranked sources, most trusted first.
pub async fn ranking(c: &mut Conn, t: TenantId) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT name FROM ci_sources WHERE tenant_id = $1 ORDER BY rank").bind(t.0).fetch_all(c).await?)
}

/// Replaces the ranking.
pub async fn set_ranking(c: &mut Conn, t: TenantId, most_trusted_first: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM ci_sources WHERE tenant_id = $1").bind(t.0).execute(&mut *c).await?;
    for (i, name) in most_trusted_first.iter().enumerate() {
        sqlx::query("INSERT INTO ci_sources (tenant_id, name, rank) VALUES ($1, $2, $3)")
            .bind(t.0)
            .bind(name)
            .bind(i as i64 + 1)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}
