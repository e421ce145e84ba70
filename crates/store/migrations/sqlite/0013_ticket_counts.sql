-- Tickets counted by tenant, kind, status, priority and group (0: none), kept by
-- triggers in the same transaction as every change, for the dashboard's backlog. Each
-- count is spread over 8 slots (by ticket id) so concurrent writers seldom wait on one
-- row.
CREATE TABLE ticket_counts (
    tenant_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    slot INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kind, status, priority, group_id, slot)
);
INSERT INTO ticket_counts (tenant_id, kind, status, priority, group_id, slot, n)
    SELECT tenant_id, kind, status, priority, COALESCE(group_id, 0), id % 8, COUNT(*) FROM tickets
    GROUP BY tenant_id, kind, status, priority, COALESCE(group_id, 0), id % 8;
CREATE TRIGGER tickets_counted_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_counts (tenant_id, kind, status, priority, group_id, slot, n)
        VALUES (NEW.tenant_id, NEW.kind, NEW.status, NEW.priority, COALESCE(NEW.group_id, 0), NEW.id % 8, 1)
        ON CONFLICT (tenant_id, kind, status, priority, group_id, slot) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tickets_counted_update AFTER UPDATE OF kind, status, priority, group_id ON tickets
WHEN OLD.kind <> NEW.kind OR OLD.status <> NEW.status OR OLD.priority <> NEW.priority OR COALESCE(OLD.group_id, 0) <> COALESCE(NEW.group_id, 0)
BEGIN
    UPDATE ticket_counts SET n = n - 1 WHERE tenant_id = OLD.tenant_id AND kind = OLD.kind AND status = OLD.status
        AND priority = OLD.priority AND group_id = COALESCE(OLD.group_id, 0) AND slot = OLD.id % 8;
    INSERT INTO ticket_counts (tenant_id, kind, status, priority, group_id, slot, n)
        VALUES (NEW.tenant_id, NEW.kind, NEW.status, NEW.priority, COALESCE(NEW.group_id, 0), NEW.id % 8, 1)
        ON CONFLICT (tenant_id, kind, status, priority, group_id, slot) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tickets_counted_delete AFTER DELETE ON tickets BEGIN
    UPDATE ticket_counts SET n = n - 1 WHERE tenant_id = OLD.tenant_id AND kind = OLD.kind AND status = OLD.status
        AND priority = OLD.priority AND group_id = COALESCE(OLD.group_id, 0) AND slot = OLD.id % 8;
END;
