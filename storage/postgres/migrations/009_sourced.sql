-- Version 9: films from The Movie Database (TMDB) in the shared catalog
-- (scope 0). tmdb_id and fetched_at copy the record's "tmdb" and
-- "fetched_at" (NULL on a film a moderator typed, and on every row
-- written before): one film per TMDB id in the shared catalog, which two
-- processes saving the same film at once meet on (INSERT … ON CONFLICT),
-- and the films a refresh job asks TMDB about again, oldest first.
ALTER TABLE films ADD COLUMN tmdb_id bigint, ADD COLUMN fetched_at timestamptz;
CREATE UNIQUE INDEX films_tmdb ON films (tmdb_id) WHERE scope = 0;
CREATE INDEX films_fetched ON films (fetched_at NULLS FIRST, id) WHERE scope = 0 AND tmdb_id IS NOT NULL;
-- The seed film, in a database seeded before, is TMDB's Anora: a lookup
-- of it finds it instead of adding a second one.
UPDATE films SET tmdb_id = 1064213,
    record = record || '{"tmdb": 1064213, "imdb": "tt28607951"}'::jsonb
WHERE scope = 0 AND title = 'Anora' AND year = 2024 AND NOT record ? 'tmdb' AND NOT record ? 'created_by'
    AND NOT EXISTS (SELECT 1 FROM films WHERE scope = 0 AND tmdb_id = 1064213);
UPDATE catalog_versions SET version = version + 1 WHERE scope = 0;
