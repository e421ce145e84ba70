-- Tickets counted by tenant, kind, status, priority and group (0: none), kept by
-- triggers in the same transaction as every change, for the dashboard's backlog. Each
-- count is spread over 8 slots (by ticket id) so concurrent writers seldom wait on one
-- row.
CREATE TABLE ticket_counts (
    tenant_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    priority BIGINT NOT NULL,
    group_id BIGINT NOT NULL,
    slot BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind, status, priority, group_id, slot)
);
INSERT INTO ticket_counts (tenant_id, kind, status, priority, group_id, slot, n)
    SELECT tenant_id, kind, status, priority, COALESCE(group_id, 0), id % 8, COUNT(*) FROM tickets
    GROUP BY tenant_id, kind, status, priority, COALESCE(group_id, 0), id % 8;
CREATE FUNCTION tickets_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE ticket_counts SET n = n - 1 WHERE tenant_id = OLD.tenant_id AND kind = OLD.kind AND status = OLD.status
            AND priority = OLD.priority AND group_id = COALESCE(OLD.group_id, 0) AND slot = OLD.id % 8;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO ticket_counts (tenant_id, kind, status, priority, group_id, slot, n)
            VALUES (NEW.tenant_id, NEW.kind, NEW.status, NEW.priority, COALESCE(NEW.group_id, 0), NEW.id % 8, 1)
            ON CONFLICT (tenant_id, kind, status, priority, group_id, slot) DO UPDATE SET n = ticket_counts.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_counted_insert AFTER INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_counted();
CREATE TRIGGER tickets_counted_update AFTER UPDATE OF kind, status, priority, group_id ON tickets FOR EACH ROW
    WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.status IS DISTINCT FROM NEW.status OR OLD.priority IS DISTINCT FROM NEW.priority
          OR OLD.group_id IS DISTINCT FROM NEW.group_id)
    EXECUTE FUNCTION tickets_counted();
CREATE TRIGGER tickets_counted_delete AFTER DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_counted();
