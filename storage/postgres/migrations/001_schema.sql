-- filmbot's schema, version 1. Ids are Discord snowflakes (under 2^63)
-- or this database's own sequences; scope 0 is the built-in catalog.
CREATE TABLE meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE SEQUENCE film_ids;
CREATE TABLE films (
    id         bigint PRIMARY KEY,
    scope      bigint NOT NULL,
    title      text   NOT NULL,
    year       int    NOT NULL,
    record     jsonb  NOT NULL -- the whole storage.Film
);
CREATE INDEX films_scope ON films (scope);

CREATE SEQUENCE review_ids;
CREATE TABLE reviews (
    id        bigint PRIMARY KEY,
    scope     bigint NOT NULL,
    film_id   bigint NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    posted_at timestamptz NOT NULL,
    record    jsonb NOT NULL -- the whole storage.Review
);
CREATE INDEX reviews_film ON reviews (film_id, scope);

-- One rating per member per film per server. The aggregates are computed
-- from this table by its primary key's index, in the statement that
-- answers: there is no second copy to keep in step.
CREATE TABLE ratings (
    scope    bigint   NOT NULL,
    film_id  bigint   NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    user_id  bigint   NOT NULL,
    score    smallint NOT NULL CHECK (score BETWEEN 1 AND 10),
    rated_at timestamptz NOT NULL,
    PRIMARY KEY (scope, film_id, user_id)
);
CREATE INDEX ratings_user ON ratings (scope, user_id);

CREATE TABLE settings (
    scope  bigint PRIMARY KEY,
    record jsonb NOT NULL
);

-- Bumped in every transaction that changes a scope's films: caches of the
-- catalog compare it (storage.Store.CatalogVersion).
CREATE TABLE catalog_versions (
    scope   bigint PRIMARY KEY,
    version bigint NOT NULL
);
