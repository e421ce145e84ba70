-- Recurring-incident detection: incidents by creation time, and the problem
-- candidates it proposes.
CREATE INDEX tickets_created ON tickets (tenant_id, kind, created_at);
CREATE TABLE problem_candidates (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    fingerprint TEXT NOT NULL,
    scope TEXT NOT NULL,
    title TEXT NOT NULL,
    label TEXT NOT NULL,
    -- Member incident ids as ",1,2,3,".
    incidents TEXT NOT NULL,
    size INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    problem_id INTEGER REFERENCES tickets(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, fingerprint)
);
