-- Version 9: a member has at most one pending step per server (the newest
-- is kept), and expired steps are found by their expiry, which the
-- database's clock judges.
DELETE FROM pending p WHERE EXISTS (
    SELECT 1 FROM pending q WHERE q.scope = p.scope AND q.user_id = p.user_id AND q.id > p.id);
DROP INDEX pending_owner;
CREATE UNIQUE INDEX pending_owner ON pending (scope, user_id);
CREATE INDEX pending_expiry ON pending (expires_at);
