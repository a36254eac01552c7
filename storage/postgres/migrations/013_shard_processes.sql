-- Version 13: FILMBOT_SHARD_IDS=auto. Each gateway process heartbeats
-- here (a row per owner, with a lease); a process's fair share of the
-- shards is ceil(shards / live processes), which it claims from the free
-- ones in shard_claims.
CREATE TABLE shard_processes (
    owner      text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
