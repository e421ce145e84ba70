-- Knowledge articles, each edit kept as a version, and readers' feedback.
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT,
    -- ",a,b," like ticket tags.
    tags TEXT NOT NULL DEFAULT '',
    -- internal, portal, or orgs (then `article_orgs` names them).
    audience TEXT NOT NULL,
    -- draft, in_review, published, retired
    state TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    reviewer_id INTEGER REFERENCES users(id),
    review_at INTEGER,
    -- The ticket or known error it was written from, if any.
    source TEXT,
    version INTEGER NOT NULL,
    views INTEGER NOT NULL DEFAULT 0,
    helpful INTEGER NOT NULL DEFAULT 0,
    not_helpful INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, number)
);
CREATE INDEX articles_state ON articles (tenant_id, state, updated_at);
CREATE TABLE article_versions (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (article_id, version)
);
CREATE TABLE article_orgs (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (article_id, org_id)
);
CREATE TABLE article_feedback (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    helpful INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX article_feedback_article ON article_feedback (article_id, created_at);
CREATE VIRTUAL TABLE article_fts USING fts5 (title, body, tokenize = 'porter unicode61');
