-- Macros: a canned response that also changes the ticket it answers. Each column is
-- one action, empty for none: the status to set (with the resolution code a resolve
-- needs), the group to move to, tags to add (comma-separated), and whether the text
-- goes out as an internal note instead of a public reply.
ALTER TABLE canned_responses ADD COLUMN set_status TEXT;
ALTER TABLE canned_responses ADD COLUMN set_resolution_code TEXT;
ALTER TABLE canned_responses ADD COLUMN set_group_id INTEGER REFERENCES assignment_groups(id);
ALTER TABLE canned_responses ADD COLUMN add_tags TEXT NOT NULL DEFAULT '';
ALTER TABLE canned_responses ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
