-- Problems (on the ticket core) and known errors.
ALTER TABLE tickets ADD COLUMN root_cause TEXT;
-- Affected CIs and services as ",a,b,", like tags.
ALTER TABLE tickets ADD COLUMN affected TEXT NOT NULL DEFAULT '';
CREATE INDEX tickets_kind ON tickets (tenant_id, kind, status, id);
CREATE TABLE known_errors (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    number TEXT NOT NULL,
    problem_id INTEGER REFERENCES tickets(id),
    title TEXT NOT NULL,
    symptom TEXT NOT NULL,
    root_cause TEXT NOT NULL,
    workaround TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, number)
);
CREATE INDEX known_errors_problem ON known_errors (problem_id);
