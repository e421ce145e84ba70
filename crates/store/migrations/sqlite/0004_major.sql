-- Watchers, major incidents and their post-incident reviews.
CREATE TABLE ticket_watchers (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (ticket_id, user_id)
);
ALTER TABLE tickets ADD COLUMN major INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN major_manager_id INTEGER REFERENCES users(id);
CREATE TABLE incident_reviews (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    summary TEXT NOT NULL DEFAULT '',
    root_cause TEXT NOT NULL DEFAULT '',
    actions TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);
