-- Version 11: what recommendations need.
-- rating_versions and rating_log: each server's ratings version and the
-- latest changes (storage.Ratings.RatingsSince), so that a model of a
-- server's ratings held by any replica catches up with one cheap read
-- instead of reading them all again. Triggers on ratings keep them, so
-- every write path (a rating, a group of them, an import, a film's
-- removal cascading, a copy) moves the version: one version per statement
-- and server. The version row's lock is held to commit, so a server's
-- versions commit in order and a reader never sees version n+1 without n.
CREATE TABLE rating_versions (
    scope   bigint PRIMARY KEY,
    version bigint NOT NULL
);

CREATE TABLE rating_log (
    scope   bigint   NOT NULL,
    version bigint   NOT NULL,
    user_id bigint   NOT NULL,
    film_id bigint   NOT NULL,
    score   smallint NOT NULL -- 0: the rating was removed
);
CREATE INDEX rating_log_version ON rating_log (scope, version);

CREATE FUNCTION log_ratings() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
    v bigint;
BEGIN
    FOR s IN SELECT DISTINCT c.scope FROM changed c ORDER BY 1 LOOP
        INSERT INTO rating_versions AS rv (scope, version) VALUES (s, 1)
            ON CONFLICT (scope) DO UPDATE SET version = rv.version + 1
            RETURNING rv.version INTO v;
        INSERT INTO rating_log (scope, version, user_id, film_id, score)
            SELECT s, v, c.user_id, c.film_id, CASE WHEN TG_OP = 'DELETE' THEN 0 ELSE c.score END
            FROM changed c WHERE c.scope = s;
        -- Keep storage.RatingLogKept (4096) versions.
        DELETE FROM rating_log WHERE scope = s AND version <= v - 4096;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER ratings_log_insert AFTER INSERT ON ratings
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION log_ratings();
CREATE TRIGGER ratings_log_update AFTER UPDATE ON ratings
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION log_ratings();
CREATE TRIGGER ratings_log_delete AFTER DELETE ON ratings
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION log_ratings();

-- A member's "not interested" marks (a recommendation never offered again).
CREATE TABLE not_interested (
    scope   bigint NOT NULL,
    user_id bigint NOT NULL,
    film_id bigint NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    PRIMARY KEY (scope, user_id, film_id)
);
