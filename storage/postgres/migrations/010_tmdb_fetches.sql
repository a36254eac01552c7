-- Version 10: claims of TMDB fetches, so that of several processes asking
-- for a new film at once one fetches it (Catalog.ClaimFetch); a claim ends
-- at until, by the database's clock.
CREATE TABLE tmdb_fetches (
    tmdb_id bigint      PRIMARY KEY,
    until   timestamptz NOT NULL
);
