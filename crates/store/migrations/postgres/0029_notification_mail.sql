-- Whether a person also gets their notifications by mail (their choice on their account
-- page); off until they turn it on.
ALTER TABLE users ADD COLUMN mail_notifications INTEGER NOT NULL DEFAULT 0;
