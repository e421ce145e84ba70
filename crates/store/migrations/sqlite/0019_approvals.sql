-- Approvals and fulfilment of requests. A user may have a manager (who approves what
-- they order); a catalog item names its approval stages and its task template (JSON),
-- copied onto each requested item so later edits of the item leave running requests
-- alone. Each approver of a stage has one approval row; an email link's token is kept
-- only as its SHA-256. Each fulfilment task (a TSK ticket) remembers its request and step.
ALTER TABLE users ADD COLUMN manager_id INTEGER REFERENCES users(id);
ALTER TABLE catalog_items ADD COLUMN approvals TEXT NOT NULL DEFAULT '[]';
ALTER TABLE catalog_items ADD COLUMN tasks TEXT NOT NULL DEFAULT '[]';
ALTER TABLE requested_items ADD COLUMN approvals TEXT NOT NULL DEFAULT '[]';
ALTER TABLE requested_items ADD COLUMN tasks TEXT NOT NULL DEFAULT '[]';
CREATE TABLE approvals (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    -- 1-based, as in the item's list of stages.
    stage INTEGER NOT NULL,
    approver_id INTEGER NOT NULL REFERENCES users(id),
    -- pending, approved, rejected, or skipped (the stage settled without them).
    state TEXT NOT NULL,
    -- 1 for the one a timed-out stage escalated to: their decision settles it.
    escalation INTEGER NOT NULL,
    comment TEXT,
    -- portal, agent, api or email.
    via TEXT,
    decided_at INTEGER,
    token_hash TEXT,
    token_expires_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX approvals_ticket ON approvals (ticket_id, stage);
CREATE INDEX approvals_approver ON approvals (tenant_id, approver_id, state);
CREATE UNIQUE INDEX approvals_token ON approvals (token_hash);
CREATE TABLE request_tasks (
    task_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    request_id INTEGER NOT NULL REFERENCES tickets(id),
    step INTEGER NOT NULL
);
CREATE INDEX request_tasks_request ON request_tasks (request_id, step);
