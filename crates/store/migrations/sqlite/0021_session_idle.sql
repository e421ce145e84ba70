-- When a session last made a request, for the idle timeout beside the absolute one.
-- Written at most once a minute per session. Sessions open at the upgrade count as
-- seen when they were created.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
