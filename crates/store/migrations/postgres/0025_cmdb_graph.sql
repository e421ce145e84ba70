-- The version of each tenant's CMDB graph (its CIs and relations), raised in the
-- transaction of every change to them, so a copy of the graph held in memory knows
-- whether it is still current.
CREATE TABLE ci_graph_versions (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id) PRIMARY KEY,
    version BIGINT NOT NULL
);
