-- Every table carries its tenant: the child tables that were reached only through
-- their parent get `tenant_id`, copied from the parent row, so that every query on
-- them names its tenant and no read can reach another tenant's rows through an id.
--
-- SQLite adds a NOT NULL column only with a non-NULL default, and a REFERENCES column
-- only with a NULL default (while foreign keys are enforced), so here the column is
-- `NOT NULL DEFAULT 0` without a foreign key; 0 names no tenant. Every insert sets it,
-- which PostgreSQL (no default there) checks on each run of the contract suite.
ALTER TABLE group_members ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 0;
UPDATE group_members SET tenant_id = (SELECT g.tenant_id FROM assignment_groups g WHERE g.id = group_members.group_id);
ALTER TABLE ticket_watchers ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 0;
UPDATE ticket_watchers SET tenant_id = (SELECT t.tenant_id FROM tickets t WHERE t.id = ticket_watchers.ticket_id);
ALTER TABLE article_versions ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 0;
UPDATE article_versions SET tenant_id = (SELECT a.tenant_id FROM articles a WHERE a.id = article_versions.article_id);
ALTER TABLE article_orgs ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 0;
UPDATE article_orgs SET tenant_id = (SELECT a.tenant_id FROM articles a WHERE a.id = article_orgs.article_id);
ALTER TABLE article_feedback ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 0;
UPDATE article_feedback SET tenant_id = (SELECT a.tenant_id FROM articles a WHERE a.id = article_feedback.article_id);
ALTER TABLE catalog_item_orgs ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 0;
UPDATE catalog_item_orgs SET tenant_id = (SELECT i.tenant_id FROM catalog_items i WHERE i.id = catalog_item_orgs.item_id);
ALTER TABLE requested_items ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 0;
UPDATE requested_items SET tenant_id = (SELECT t.tenant_id FROM tickets t WHERE t.id = requested_items.ticket_id);
ALTER TABLE request_tasks ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 0;
UPDATE request_tasks SET tenant_id = (SELECT t.tenant_id FROM tickets t WHERE t.id = request_tasks.task_id);

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
