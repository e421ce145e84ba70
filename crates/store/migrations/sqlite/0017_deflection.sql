-- Articles opened from a suggestion (as a requester described a problem or searched),
-- and the request raised afterwards, if any: an opening with no request within the
-- window counts as deflected.
CREATE TABLE article_openings (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    article_id INTEGER NOT NULL REFERENCES articles(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    opened_at INTEGER NOT NULL,
    ticket_id INTEGER REFERENCES tickets(id)
);
CREATE INDEX article_openings_user ON article_openings (tenant_id, user_id, opened_at);
CREATE INDEX article_openings_article ON article_openings (article_id, opened_at);
