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
WITH RECURSIVE split(tenant_id, owner, position, rest, label) AS (
    SELECT tenant_id, id, 0, substr(tags, 2), NULL FROM tickets WHERE tags <> ''
    UNION ALL
    SELECT tenant_id, owner, position + 1, substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)
    FROM split WHERE rest <> ''
)
SELECT tenant_id, owner, position, label FROM split WHERE label IS NOT NULL AND label <> '';

INSERT INTO ticket_affected (tenant_id, ticket_id, position, item)
WITH RECURSIVE split(tenant_id, owner, position, rest, label) AS (
    SELECT tenant_id, id, 0, substr(affected, 2), NULL FROM tickets WHERE affected <> ''
    UNION ALL
    SELECT tenant_id, owner, position + 1, substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)
    FROM split WHERE rest <> ''
)
SELECT tenant_id, owner, position, label FROM split WHERE label IS NOT NULL AND label <> '';

INSERT INTO article_tags (tenant_id, article_id, position, tag)
WITH RECURSIVE split(tenant_id, owner, position, rest, label) AS (
    SELECT tenant_id, id, 0, substr(tags, 2), NULL FROM articles WHERE tags <> ''
    UNION ALL
    SELECT tenant_id, owner, position + 1, substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)
    FROM split WHERE rest <> ''
)
SELECT tenant_id, owner, position, label FROM split WHERE label IS NOT NULL AND label <> '';

ALTER TABLE tickets DROP COLUMN tags;
ALTER TABLE tickets DROP COLUMN affected;
ALTER TABLE articles DROP COLUMN tags;
