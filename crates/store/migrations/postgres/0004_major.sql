-- Watchers, major incidents and their post-incident reviews.
CREATE TABLE ticket_watchers (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (ticket_id, user_id)
);
ALTER TABLE tickets ADD COLUMN major BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN major_manager_id BIGINT REFERENCES users(id);
CREATE TABLE incident_reviews (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    summary TEXT NOT NULL DEFAULT '',
    root_cause TEXT NOT NULL DEFAULT '',
    actions TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);
