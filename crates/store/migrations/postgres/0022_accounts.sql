-- Self-service accounts: a session gets a public id (it is keyed by the hash of its
-- secret, which must never reach a page), so its owner can end it from the list of
-- their sessions; an API token may expire, and remembers when it was last used.
ALTER TABLE sessions ADD COLUMN id TEXT;
UPDATE sessions SET id = md5(random()::text || clock_timestamp()::text || token_hash);
ALTER TABLE sessions ALTER COLUMN id SET NOT NULL;
CREATE UNIQUE INDEX sessions_id ON sessions (id);
CREATE INDEX sessions_tenant_user ON sessions (tenant_id, user_id);
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
CREATE INDEX api_tokens_tenant_user ON api_tokens (tenant_id, user_id);
