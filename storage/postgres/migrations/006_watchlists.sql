-- Version 6: members' watchlists, per server.
CREATE TABLE watchlist (
    scope    bigint      NOT NULL,
    user_id  bigint      NOT NULL,
    film_id  bigint      NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    added_at timestamptz NOT NULL,
    PRIMARY KEY (scope, user_id, film_id)
);
CREATE INDEX watchlist_films ON watchlist (scope, film_id);
