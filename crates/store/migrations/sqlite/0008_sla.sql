-- Service levels: business calendars, definitions, the clocks attached to tickets (the
-- meter each keeps between changes), and the warnings and breaches already acted on.
CREATE TABLE calendars (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE TABLE sla_definitions (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE TABLE ticket_slas (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    definition_id INTEGER NOT NULL REFERENCES sla_definitions(id),
    target TEXT NOT NULL,
    goal_ms INTEGER NOT NULL,
    state TEXT NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    paused_ms INTEGER NOT NULL,
    last_at INTEGER,
    replies INTEGER NOT NULL,
    resetting INTEGER NOT NULL,
    -- Resets so far: warnings and the breach come once per round.
    round INTEGER NOT NULL,
    breached_at INTEGER,
    stopped_at INTEGER,
    due_at INTEGER,
    -- The next warning or breach instant a job is queued for.
    alarm_at INTEGER,
    UNIQUE (ticket_id, definition_id, target)
);
CREATE INDEX ticket_slas_ticket ON ticket_slas (tenant_id, ticket_id);
CREATE TABLE sla_events (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    ticket_sla_id INTEGER NOT NULL REFERENCES ticket_slas(id),
    -- "warning_75", "breach"; once per clock (a reset starts a new round).
    event TEXT NOT NULL,
    round INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (ticket_sla_id, event, round)
);
-- The queue sorts by the soonest due clock and filters breached tickets (no index:
-- both narrow queues already filtered by status and group).
ALTER TABLE tickets ADD COLUMN sla_due_at INTEGER;
ALTER TABLE tickets ADD COLUMN sla_breached INTEGER NOT NULL DEFAULT 0;
