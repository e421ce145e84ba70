-- Times on pages are shown in the reader's time zone: their own choice, or else the
-- tenant's (an IANA name such as Europe/Berlin).
ALTER TABLE users ADD COLUMN time_zone TEXT;
ALTER TABLE tenants ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
