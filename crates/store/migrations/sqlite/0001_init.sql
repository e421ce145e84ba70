CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    priority_matrix TEXT NOT NULL,
    journal_seq INTEGER NOT NULL DEFAULT 0,
    journal_head TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL,
    password_hash TEXT,
    organisation_id INTEGER REFERENCES organisations(id),
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, username)
);
CREATE TABLE assignment_groups (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES assignment_groups(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE TABLE number_sequences (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    prefix TEXT NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, prefix)
);
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    impact INTEGER NOT NULL,
    urgency INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    category TEXT,
    requester_id INTEGER NOT NULL REFERENCES users(id),
    assignee_id INTEGER REFERENCES users(id),
    group_id INTEGER REFERENCES assignment_groups(id),
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    resolved_at INTEGER,
    closed_at INTEGER,
    UNIQUE (tenant_id, number)
);
CREATE INDEX tickets_queue_group ON tickets (tenant_id, group_id, status, priority, id);
CREATE INDEX tickets_queue_status ON tickets (tenant_id, status, priority, id);
CREATE INDEX tickets_queue_assignee ON tickets (tenant_id, assignee_id, status, priority, id);
CREATE INDEX tickets_requester ON tickets (tenant_id, requester_id, id);
CREATE INDEX tickets_updated ON tickets (tenant_id, updated_at, id);
-- One row per ticket, rowid = ticket id. `notes` holds internal notes, searched by staff only.
CREATE VIRTUAL TABLE ticket_fts USING fts5 (title, body, notes, tokenize = 'porter unicode61');
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    author_id INTEGER REFERENCES users(id),
    body TEXT NOT NULL,
    internal INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_ticket ON comments (ticket_id, id);
CREATE TABLE ticket_links (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    target_id INTEGER NOT NULL REFERENCES tickets(id),
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, target_id)
);
CREATE INDEX ticket_links_target ON ticket_links (target_id);
CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (tenant_id, seq)
);
CREATE INDEX journal_entity ON journal (tenant_id, entity, entity_id, seq);
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_by TEXT,
    locked_until INTEGER,
    done_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE done_at IS NULL;
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    ticket_id INTEGER REFERENCES tickets(id),
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_user ON notifications (tenant_id, user_id, id);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE TABLE idempotency_keys (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, key)
);
