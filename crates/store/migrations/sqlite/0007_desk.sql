-- The agent's desk: time spent per note and per ticket, group managers for
-- hierarchical escalation, canned responses (a group's or a person's own).
ALTER TABLE comments ADD COLUMN minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN time_spent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assignment_groups ADD COLUMN manager_id INTEGER REFERENCES users(id);
CREATE TABLE canned_responses (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Exactly one of the two: shared with a group, or one agent's own.
    group_id INTEGER REFERENCES assignment_groups(id),
    owner_id INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX canned_responses_tenant ON canned_responses (tenant_id, title);
