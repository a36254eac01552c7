-- Version 7: movie nights, each with its next step and the lease of the
-- process running it; one open night per server.
CREATE TABLE nights (
    id          bigserial   PRIMARY KEY,
    scope       bigint      NOT NULL,
    open        boolean     NOT NULL,
    next_at     timestamptz NOT NULL,
    lease_owner text,
    lease_until timestamptz,
    record      jsonb       NOT NULL
);
CREATE UNIQUE INDEX nights_one_open ON nights (scope) WHERE open;
CREATE INDEX nights_due ON nights (next_at) WHERE open;
