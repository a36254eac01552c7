-- Version 5: steps a member has yet to confirm (an import's preview), kept
-- for a few minutes so that the confirmation can reach any process.
CREATE TABLE pending (
    id         bigserial   PRIMARY KEY,
    scope      bigint      NOT NULL,
    user_id    bigint      NOT NULL,
    expires_at timestamptz NOT NULL,
    data       bytea       NOT NULL
);
CREATE INDEX pending_owner ON pending (scope, user_id);
