-- CMDB import and reconciliation: which source set each field of a CI (for source
-- precedence) and when an import last saw it (for stale CIs); the administrator's
-- ranking of sources; background imports with their progress and report, and the
-- uploaded file in parts until the import has run.
ALTER TABLE cis ADD COLUMN sources TEXT NOT NULL DEFAULT '{}';
ALTER TABLE cis ADD COLUMN seen_at INTEGER;
CREATE INDEX cis_seen ON cis (tenant_id, seen_at);
ALTER TABLE ci_relations ADD COLUMN source TEXT;
CREATE TABLE ci_sources (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    -- 1 is the most trusted
    rank INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
CREATE TABLE ci_imports (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    created_by INTEGER REFERENCES users(id),
    class_code TEXT,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    dry_run INTEGER NOT NULL,
    state TEXT NOT NULL,
    bytes_total INTEGER NOT NULL,
    bytes_done INTEGER NOT NULL DEFAULT 0,
    rows_done INTEGER NOT NULL DEFAULT 0,
    created_count INTEGER NOT NULL DEFAULT 0,
    updated_count INTEGER NOT NULL DEFAULT 0,
    unchanged_count INTEGER NOT NULL DEFAULT 0,
    refused_count INTEGER NOT NULL DEFAULT 0,
    -- the first refused rows, as a JSON array of {line, reason}
    refused TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    runner TEXT,
    heartbeat_at INTEGER,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX ci_imports_tenant ON ci_imports (tenant_id, id);
CREATE TABLE ci_import_parts (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    import_id INTEGER NOT NULL REFERENCES ci_imports(id),
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (tenant_id, import_id, seq)
);
