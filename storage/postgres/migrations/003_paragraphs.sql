-- Version 3: a review is a header row (its record without the text,
-- "paragraphs" counting it) and one row per paragraph, so that /review
-- reads a header and one paragraph instead of the whole review.
CREATE TABLE review_paragraphs (
    review_id bigint  NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    n         int     NOT NULL,
    spoiler   boolean NOT NULL,
    text      text    NOT NULL,
    PRIMARY KEY (review_id, n)
);

INSERT INTO review_paragraphs (review_id, n, spoiler, text)
SELECT r.id, x.n, coalesce((x.e ->> 'spoiler')::boolean, false), x.e ->> 'text'
FROM reviews r, jsonb_array_elements(r.record -> 'excerpts') WITH ORDINALITY AS x(e, n);

UPDATE reviews
SET record = jsonb_set(record - 'excerpts', '{paragraphs}', to_jsonb(jsonb_array_length(record -> 'excerpts')))
WHERE record ? 'excerpts';
