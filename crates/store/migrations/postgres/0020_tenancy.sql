-- Every table carries its tenant: the child tables that were reached only through
-- their parent get `tenant_id`, copied from the parent row, so that every query on
-- them names its tenant and no read can reach another tenant's rows through an id.
-- Added as NULL, filled, then made NOT NULL (no default: every insert must set it).
ALTER TABLE group_members ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
UPDATE group_members SET tenant_id = p.tenant_id FROM assignment_groups p WHERE p.id = group_members.group_id;
ALTER TABLE group_members ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE ticket_watchers ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
UPDATE ticket_watchers SET tenant_id = p.tenant_id FROM tickets p WHERE p.id = ticket_watchers.ticket_id;
ALTER TABLE ticket_watchers ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE article_versions ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
UPDATE article_versions SET tenant_id = p.tenant_id FROM articles p WHERE p.id = article_versions.article_id;
ALTER TABLE article_versions ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE article_orgs ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
UPDATE article_orgs SET tenant_id = p.tenant_id FROM articles p WHERE p.id = article_orgs.article_id;
ALTER TABLE article_orgs ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE article_feedback ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
UPDATE article_feedback SET tenant_id = p.tenant_id FROM articles p WHERE p.id = article_feedback.article_id;
ALTER TABLE article_feedback ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE catalog_item_orgs ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
UPDATE catalog_item_orgs SET tenant_id = p.tenant_id FROM catalog_items p WHERE p.id = catalog_item_orgs.item_id;
ALTER TABLE catalog_item_orgs ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE requested_items ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
UPDATE requested_items SET tenant_id = p.tenant_id FROM tickets p WHERE p.id = requested_items.ticket_id;
ALTER TABLE requested_items ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE request_tasks ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
UPDATE request_tasks SET tenant_id = p.tenant_id FROM tickets p WHERE p.id = request_tasks.task_id;
ALTER TABLE request_tasks ALTER COLUMN tenant_id SET NOT NULL;

-- Each lookup (children of a parent, a user's groups) leads with the tenant; the
-- indexes that led with the parent are replaced by the same ones behind tenant_id.
CREATE INDEX group_members_tenant ON group_members (tenant_id, group_id, user_id);
CREATE INDEX group_members_user ON group_members (tenant_id, user_id);
CREATE INDEX ticket_watchers_tenant ON ticket_watchers (tenant_id, ticket_id, user_id);
CREATE INDEX article_versions_tenant ON article_versions (tenant_id, article_id, version);
CREATE INDEX article_orgs_tenant ON article_orgs (tenant_id, article_id, org_id);
DROP INDEX article_feedback_article;
CREATE INDEX article_feedback_article ON article_feedback (tenant_id, article_id, created_at);
CREATE INDEX catalog_item_orgs_tenant ON catalog_item_orgs (tenant_id, item_id, org_id);
DROP INDEX requested_items_ticket;
CREATE INDEX requested_items_ticket ON requested_items (tenant_id, ticket_id);
DROP INDEX request_tasks_request;
CREATE INDEX request_tasks_request ON request_tasks (tenant_id, request_id, step);
