-- Version 4: gateway processes of one bot coordinate through the database.
-- identify_turns: the next time a shard of each identify bucket
-- (shard_id % max_concurrency) may identify; each process takes a turn
-- by moving it on, so identifies are paced across processes.
-- shard_claims: which process runs which shard, with a lease, so that
-- two processes never run the same shard (overlapping FILMBOT_SHARD_IDS).
CREATE TABLE identify_turns (
    bucket  int         PRIMARY KEY,
    next_at timestamptz NOT NULL
);

CREATE TABLE shard_claims (
    shard       int         PRIMARY KEY,
    shard_count int         NOT NULL,
    owner       text        NOT NULL,
    expires_at  timestamptz NOT NULL
);
