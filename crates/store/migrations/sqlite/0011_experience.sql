-- Outage windows recorded on incidents (a service's availability is measured from
-- them), each tenant's survey questions, and the answers to them.
CREATE TABLE outages (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    service TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX outages_service ON outages (tenant_id, service, started_at);
CREATE INDEX outages_ticket ON outages (tenant_id, ticket_id);
ALTER TABLE tenants ADD COLUMN survey_questions TEXT;
ALTER TABLE surveys ADD COLUMN answers TEXT;
