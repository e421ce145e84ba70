-- Tags and affected items become rows of their own tables (they were ",a,b," text
-- in a column of their owner). `position` keeps the order they were given in.
CREATE TABLE ticket_tags (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    position BIGINT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, position)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tenant_id, tag, ticket_id);

CREATE TABLE ticket_affected (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    position BIGINT NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, position)
);
CREATE INDEX ticket_affected_item ON ticket_affected (tenant_id, item, ticket_id);

CREATE TABLE article_tags (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    article_id BIGINT NOT NULL REFERENCES articles(id),
    position BIGINT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (tenant_id, article_id, position)
);
CREATE INDEX article_tags_tag ON article_tags (tenant_id, tag, article_id);

-- ",a,b," is split into ("a", 1), ("b", 2).
INSERT INTO ticket_tags (tenant_id, ticket_id, position, tag)
SELECT t.tenant_id, t.id, s.n, s.label FROM tickets t,
    unnest(string_to_array(trim(both ',' from t.tags), ',')) WITH ORDINALITY AS s(label, n)
WHERE t.tags <> '' AND s.label <> '';

INSERT INTO ticket_affected (tenant_id, ticket_id, position, item)
SELECT t.tenant_id, t.id, s.n, s.label FROM tickets t,
    unnest(string_to_array(trim(both ',' from t.affected), ',')) WITH ORDINALITY AS s(label, n)
WHERE t.affected <> '' AND s.label <> '';

INSERT INTO article_tags (tenant_id, article_id, position, tag)
SELECT a.tenant_id, a.id, s.n, s.label FROM articles a,
    unnest(string_to_array(trim(both ',' from a.tags), ',')) WITH ORDINALITY AS s(label, n)
WHERE a.tags <> '' AND s.label <> '';

ALTER TABLE tickets DROP COLUMN tags;
ALTER TABLE tickets DROP COLUMN affected;
ALTER TABLE articles DROP COLUMN tags;
