-- A label index that also held the owner covered the label lookup of a record by its
-- owner, and without table statistics SQLite chose it over the primary key: every
-- record read scanned all the tenant's labels. Keyed by label alone, it serves finding
-- records by label and leaves reading a record's labels to the primary key.
DROP INDEX ticket_tags_tag;
CREATE INDEX ticket_tags_tag ON ticket_tags (tenant_id, tag);
DROP INDEX ticket_affected_item;
CREATE INDEX ticket_affected_item ON ticket_affected (tenant_id, item);
DROP INDEX article_tags_tag;
CREATE INDEX article_tags_tag ON article_tags (tenant_id, tag);
