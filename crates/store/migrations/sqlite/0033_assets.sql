-- IT asset management. Money is kept in hundredths of the tenant's currency (exact
-- integers); civil dates as ISO text (YYYY-MM-DD), which sorts as dates do.

-- The tenant's currency, the month its fiscal year starts in, the depreciation
-- convention, and the days before a contract's end (or notice deadline) its owner is
-- told.
ALTER TABLE tenants ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
ALTER TABLE tenants ADD COLUMN fiscal_year_start INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tenants ADD COLUMN depreciation_convention TEXT NOT NULL DEFAULT 'full_month';
ALTER TABLE tenants ADD COLUMN contract_lead_days TEXT NOT NULL DEFAULT '90,30,7';

CREATE TABLE assets (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    tag TEXT NOT NULL,
    kind TEXT NOT NULL,
    class TEXT NOT NULL,
    model TEXT,
    manufacturer TEXT,
    serial TEXT,
    org_id INTEGER REFERENCES organisations(id),
    location_id INTEGER REFERENCES cis(id),
    assigned_to INTEGER REFERENCES users(id),
    ci_id INTEGER REFERENCES cis(id),
    po_ref TEXT,
    vendor TEXT,
    cost_centre TEXT,
    state TEXT NOT NULL,
    state_since INTEGER NOT NULL,
    cost INTEGER NOT NULL DEFAULT 0,
    salvage INTEGER NOT NULL DEFAULT 0,
    purchased_on TEXT,
    in_service TEXT,
    life_months INTEGER,
    method TEXT,
    rate_ppm INTEGER,
    disposed_on TEXT,
    proceeds INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, tag)
);
CREATE INDEX assets_serial ON assets (tenant_id, serial);
CREATE INDEX assets_assigned ON assets (tenant_id, assigned_to);
CREATE INDEX assets_location ON assets (tenant_id, location_id);
CREATE INDEX assets_ci ON assets (tenant_id, ci_id);
CREATE INDEX assets_state ON assets (tenant_id, state, id);
CREATE INDEX assets_class ON assets (tenant_id, class, id);

-- Contracts: warranties, support, maintenance, leases, licences, subscriptions.
CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    vendor TEXT,
    reference TEXT,
    owner_id INTEGER REFERENCES users(id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    cost INTEGER NOT NULL DEFAULT 0,
    billing TEXT NOT NULL,
    auto_renew INTEGER NOT NULL DEFAULT 0,
    renewal_terms TEXT,
    notice_days INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX contracts_end ON contracts (tenant_id, ends_on);
-- What a contract covers: assets or CIs.
CREATE TABLE contract_items (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    asset_id INTEGER REFERENCES assets(id),
    ci_id INTEGER REFERENCES cis(id)
);
CREATE INDEX contract_items_contract ON contract_items (tenant_id, contract_id);
CREATE INDEX contract_items_asset ON contract_items (tenant_id, asset_id);
CREATE INDEX contract_items_ci ON contract_items (tenant_id, ci_id);
-- Documents filed with a contract.
CREATE TABLE contract_documents (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX contract_documents_contract ON contract_documents (tenant_id, contract_id);
-- Each expiry alert once: the key is the deadline (end or notice) and the lead time, so
-- a second worker, or a second run, finds it taken.
CREATE TABLE contract_alerts (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    deadline TEXT NOT NULL,
    deadline_on TEXT NOT NULL,
    lead_days INTEGER NOT NULL,
    ticket_id INTEGER REFERENCES tickets(id),
    fired_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, contract_id, deadline, deadline_on, lead_days)
);

-- Software licences: products, what is owned (entitlements), what is used.
CREATE TABLE software_products (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    publisher TEXT,
    licence_model TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE TABLE entitlements (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    product_id INTEGER NOT NULL REFERENCES software_products(id),
    contract_id INTEGER REFERENCES contracts(id),
    quantity INTEGER NOT NULL,
    unit_price INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX entitlements_product ON entitlements (tenant_id, product_id);
-- An installation on a device (a CI), or an assignment to a person.
CREATE TABLE installations (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    product_id INTEGER NOT NULL REFERENCES software_products(id),
    ci_id INTEGER REFERENCES cis(id),
    user_id INTEGER REFERENCES users(id),
    cores INTEGER NOT NULL DEFAULT 0,
    version TEXT,
    source TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX installations_product ON installations (tenant_id, product_id);

-- Stocktakes: the assets expected at a location, frozen when it starts, and the tags
-- scanned there.
CREATE TABLE stocktakes (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    location_id INTEGER NOT NULL REFERENCES cis(id),
    state TEXT NOT NULL,
    started_by INTEGER REFERENCES users(id),
    started_at INTEGER NOT NULL,
    closed_by INTEGER REFERENCES users(id),
    closed_at INTEGER
);
CREATE TABLE stocktake_lines (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    stocktake_id INTEGER NOT NULL REFERENCES stocktakes(id),
    tag TEXT NOT NULL,
    asset_id INTEGER REFERENCES assets(id),
    expected INTEGER NOT NULL,
    scanned_at INTEGER,
    PRIMARY KEY (tenant_id, stocktake_id, tag)
);
