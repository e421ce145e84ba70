-- Routing: services and tags on tickets, auto-assignment per group, ordered rules.
ALTER TABLE tickets ADD COLUMN service TEXT;
-- Tags as ",tag1,tag2," so one LIKE finds a tag; empty is "".
ALTER TABLE tickets ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE assignment_groups ADD COLUMN assignment TEXT NOT NULL DEFAULT 'none';
ALTER TABLE assignment_groups ADD COLUMN last_assignee_id INTEGER REFERENCES users(id);
CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    conditions TEXT NOT NULL,
    actions TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE INDEX routing_rules_order ON routing_rules (tenant_id, position, id);
