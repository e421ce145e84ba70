-- Mail per kind of news: a person's own choice (the kinds' names joined by commas;
-- NULL follows the tenant's default for their role), and the tenant's defaults.
-- Those who had turned all their news mail on keep every kind.
ALTER TABLE users ADD COLUMN mail_news TEXT;
UPDATE users SET mail_news = 'reply,assigned,mention,approval,service_level,status,other' WHERE mail_notifications = 1;
ALTER TABLE users DROP COLUMN mail_notifications;
ALTER TABLE tenants ADD COLUMN mail_news_requesters TEXT NOT NULL DEFAULT 'reply,status,approval';
ALTER TABLE tenants ADD COLUMN mail_news_staff TEXT NOT NULL DEFAULT '';
