-- Resolving: a resolution code and notes; resolved tickets close by themselves after
-- a tenant-wide number of days (0 = never).
ALTER TABLE tickets ADD COLUMN resolution_code TEXT;
ALTER TABLE tickets ADD COLUMN resolution_notes TEXT;
ALTER TABLE tenants ADD COLUMN auto_close_days INTEGER NOT NULL DEFAULT 7;
