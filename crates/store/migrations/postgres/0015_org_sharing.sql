-- Organisations whose requesters see each other's tickets (off unless an administrator
-- turns it on).
ALTER TABLE organisations ADD COLUMN shared_tickets INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_organisation ON users (organisation_id);
