-- Version 12: a scope's content version, moved by every statement that
-- changes its films, reviews (their paragraphs too) or settings, whatever
-- method runs it: the processes' caches of what rarely changes
-- (storage.Cached) compare it, in one read, before they answer from
-- memory. Ratings are not cached and do not move it. The triggers run
-- once per statement (an import of thousands of films moves it once).
ALTER TABLE catalog_versions ADD COLUMN content bigint NOT NULL DEFAULT 0;

CREATE FUNCTION filmbot_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO catalog_versions (scope, version, content) SELECT DISTINCT scope, 0, 1 FROM new_rows
        ON CONFLICT (scope) DO UPDATE SET content = catalog_versions.content + 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO catalog_versions (scope, version, content) SELECT DISTINCT scope, 0, 1 FROM old_rows
        ON CONFLICT (scope) DO UPDATE SET content = catalog_versions.content + 1;
    END IF;
    RETURN NULL;
END $$;

-- A paragraph has no scope of its own: its review's. Paragraphs removed
-- with their review (ON DELETE CASCADE) find none, and the review's
-- trigger moves the version.
CREATE FUNCTION filmbot_paragraphs_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO catalog_versions (scope, version, content)
        SELECT DISTINCT r.scope, 0, 1 FROM new_rows p JOIN reviews r ON r.id = p.review_id
        ON CONFLICT (scope) DO UPDATE SET content = catalog_versions.content + 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO catalog_versions (scope, version, content)
        SELECT DISTINCT r.scope, 0, 1 FROM old_rows p JOIN reviews r ON r.id = p.review_id
        ON CONFLICT (scope) DO UPDATE SET content = catalog_versions.content + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER films_content_insert AFTER INSERT ON films REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_content_changed();
CREATE TRIGGER films_content_update AFTER UPDATE ON films REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_content_changed();
CREATE TRIGGER films_content_delete AFTER DELETE ON films REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_content_changed();

CREATE TRIGGER reviews_content_insert AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_content_changed();
CREATE TRIGGER reviews_content_update AFTER UPDATE ON reviews REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_content_changed();
CREATE TRIGGER reviews_content_delete AFTER DELETE ON reviews REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_content_changed();

CREATE TRIGGER settings_content_insert AFTER INSERT ON settings REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_content_changed();
CREATE TRIGGER settings_content_update AFTER UPDATE ON settings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_content_changed();
CREATE TRIGGER settings_content_delete AFTER DELETE ON settings REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_content_changed();

CREATE TRIGGER review_paragraphs_content_insert AFTER INSERT ON review_paragraphs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_paragraphs_changed();
CREATE TRIGGER review_paragraphs_content_update AFTER UPDATE ON review_paragraphs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_paragraphs_changed();
CREATE TRIGGER review_paragraphs_content_delete AFTER DELETE ON review_paragraphs REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION filmbot_paragraphs_changed();
