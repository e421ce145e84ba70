-- The service catalog: items in categories, each with an order form (variables as
-- JSON), who may order it, and the requested items of each request (REQ ticket).
CREATE TABLE catalog_items (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    -- A name from the portal's icon set (no pictures).
    icon TEXT NOT NULL,
    delivery_days INTEGER NOT NULL,
    variables TEXT NOT NULL,
    -- everyone, or orgs (then catalog_item_orgs names them).
    audience TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE TABLE catalog_item_orgs (
    item_id INTEGER NOT NULL REFERENCES catalog_items(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (item_id, org_id)
);
CREATE TABLE requested_items (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    item_id INTEGER NOT NULL REFERENCES catalog_items(id),
    quantity INTEGER NOT NULL,
    answers TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX requested_items_ticket ON requested_items (ticket_id);
