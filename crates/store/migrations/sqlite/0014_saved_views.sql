-- Agents' saved queue views: a name and the queue's filters, personal or shared with
-- every agent of the tenant.
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    owner_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    shared INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, owner_id, name)
);
