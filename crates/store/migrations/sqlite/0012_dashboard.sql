-- The operational dashboard: small partial indexes over the journal for resolutions,
-- reopens and reassignments between groups.
CREATE INDEX journal_resolved ON journal (tenant_id, at) WHERE entity = 'ticket' AND field = 'status' AND new_value = 'resolved';
CREATE INDEX journal_reopened ON journal (tenant_id, at) WHERE entity = 'ticket' AND field = 'status' AND old_value = 'resolved' AND new_value <> 'closed';
CREATE INDEX journal_regrouped ON journal (tenant_id, entity_id) WHERE entity = 'ticket' AND field = 'group' AND old_value IS NOT NULL;
