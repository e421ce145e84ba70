-- Configuration management: a class tree per tenant with typed attributes, CIs with
-- their attribute values (a JSON object checked against the class on every write),
-- the values of identifying and unique attributes indexed for matching, typed
-- relations between CIs, and the CIs a ticket affects.
CREATE TABLE ci_classes (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    parent_id INTEGER REFERENCES ci_classes(id),
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, code)
);
CREATE TABLE ci_attributes (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    class_id INTEGER NOT NULL REFERENCES ci_classes(id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- enum values, as a JSON array
    enum_values TEXT NOT NULL DEFAULT '[]',
    target TEXT,
    required INTEGER NOT NULL DEFAULT 0,
    is_unique INTEGER NOT NULL DEFAULT 0,
    key_rule INTEGER,
    position INTEGER NOT NULL,
    UNIQUE (tenant_id, class_id, code)
);
CREATE TABLE cis (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    number TEXT NOT NULL,
    class_id INTEGER NOT NULL REFERENCES ci_classes(id),
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    criticality TEXT NOT NULL,
    owner_id INTEGER REFERENCES users(id),
    group_id INTEGER REFERENCES assignment_groups(id),
    org_id INTEGER REFERENCES organisations(id),
    location_id INTEGER REFERENCES cis(id),
    attributes TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, number)
);
CREATE INDEX cis_class ON cis (tenant_id, class_id, name);
CREATE INDEX cis_name ON cis (tenant_id, name);
CREATE TABLE ci_keys (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    attribute_id INTEGER NOT NULL REFERENCES ci_attributes(id),
    value TEXT NOT NULL,
    ci_id INTEGER NOT NULL REFERENCES cis(id),
    PRIMARY KEY (tenant_id, attribute_id, value, ci_id)
);
CREATE INDEX ci_keys_ci ON ci_keys (tenant_id, ci_id, attribute_id);
CREATE TABLE ci_relations (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    from_id INTEGER NOT NULL REFERENCES cis(id),
    type TEXT NOT NULL,
    to_id INTEGER NOT NULL REFERENCES cis(id),
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, from_id, type, to_id)
);
CREATE INDEX ci_relations_to ON ci_relations (tenant_id, to_id, type, from_id);
CREATE TABLE ticket_cis (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    ci_id INTEGER NOT NULL REFERENCES cis(id),
    PRIMARY KEY (tenant_id, ticket_id, ci_id)
);
CREATE INDEX ticket_cis_ci ON ticket_cis (tenant_id, ci_id, ticket_id);
