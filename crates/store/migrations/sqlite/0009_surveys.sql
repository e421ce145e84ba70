-- Satisfaction surveys: one per resolved ticket, answered once through a secret link.
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
    token_hash TEXT NOT NULL UNIQUE,
    sent_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    rating INTEGER,
    effort INTEGER,
    comment TEXT,
    answered_at INTEGER
);
CREATE INDEX surveys_answered ON surveys (tenant_id, answered_at);
