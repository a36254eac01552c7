package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
)

// scanReview reads a review header (migration 3: the text is in
// review_paragraphs).
func scanReview(row pgx.Row) (storage.Review, error) {
	r, err := scanJSON[storage.Review](row, "a review record")
	if err == nil && r.Paragraphs < 1 {
		err = fmt.Errorf("%w: a review record without paragraphs", storage.ErrDamaged)
	}
	r.Excerpts = nil
	return r, err
}

// putReview writes r's header and paragraphs, replacing any it had.
func putReview(ctx context.Context, tx pgx.Tx, r storage.Review) error {
	h := r
	h.Paragraphs, h.Excerpts = len(r.Excerpts), nil
	raw, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if _, err = tx.Exec(ctx, `INSERT INTO reviews (id, scope, film_id, posted_at, record) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record`, int64(r.ID), int64(r.Scope), int64(r.FilmID), r.PostedAt, raw); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM review_paragraphs WHERE review_id = $1", int64(r.ID)); err != nil {
		return err
	}
	rows := make([][]any, len(r.Excerpts))
	for n, e := range r.Excerpts {
		rows[n] = []any{int64(r.ID), int32(n + 1), e.Spoiler, e.Text}
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"review_paragraphs"}, []string{"review_id", "n", "spoiler", "text"}, pgx.CopyFromRows(rows))
	return err
}

// withText fills in the paragraphs of reviews, in one query.
func withText(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}, reviews []storage.Review) error {
	if len(reviews) == 0 {
		return nil
	}
	ids := make([]int64, len(reviews))
	at := map[int64]int{}
	for k, r := range reviews {
		ids[k], at[int64(r.ID)] = int64(r.ID), k
	}
	rows, err := q.Query(ctx, "SELECT review_id, spoiler, text FROM review_paragraphs WHERE review_id = ANY($1) ORDER BY review_id, n", ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e storage.Excerpt
		if err := rows.Scan(&id, &e.Spoiler, &e.Text); err != nil {
			return err
		}
		reviews[at[id]].Excerpts = append(reviews[at[id]].Excerpts, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range reviews {
		if len(r.Excerpts) != r.Paragraphs {
			return fmt.Errorf("%w: review %d has %d of its %d paragraphs", storage.ErrDamaged, r.ID, len(r.Excerpts), r.Paragraphs)
		}
	}
	return nil
}

func insertReview(ctx context.Context, tx pgx.Tx, scope storage.Scope, r storage.Review, now time.Time) (storage.Review, error) {
	if len(r.Excerpts) == 0 {
		return r, fmt.Errorf("review has no text")
	}
	var id int64
	if err := tx.QueryRow(ctx, "SELECT nextval('review_ids')").Scan(&id); err != nil {
		return r, err
	}
	r.ID, r.Scope = uint64(id), scope
	if r.PostedAt.IsZero() {
		r.PostedAt = now
	}
	r.PostedAt = r.PostedAt.UTC().Truncate(time.Microsecond)
	r.Paragraphs = len(r.Excerpts)
	return r, putReview(ctx, tx, r)
}

// Reviews lists the reviews of film visible in scope, newest first.
func (db *DB) Reviews(ctx context.Context, scope storage.Scope, film uint64) ([]storage.Review, error) {
	return db.reviews(ctx, scope, film, true)
}

// ReviewHeaders lists them without their text.
func (db *DB) ReviewHeaders(ctx context.Context, scope storage.Scope, film uint64) ([]storage.Review, error) {
	return db.reviews(ctx, scope, film, false)
}

func (db *DB) reviews(ctx context.Context, scope storage.Scope, film uint64, whole bool) ([]storage.Review, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	// One round trip: a review can only be of a film the scope sees, so
	// the film is checked apart only when there is none.
	rows, err := db.pool.Query(ctx, `SELECT r.record FROM reviews r JOIN films f ON f.id = r.film_id
		WHERE r.film_id = $1 AND r.scope = ANY($2) AND f.scope = ANY($2)`, int64(film), visible(scope))
	if err != nil {
		return nil, wrap(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Review, error) { return scanReview(r) })
	if err != nil {
		return nil, wrap(err)
	}
	if len(out) == 0 {
		if _, err := getFilm(ctx, db.pool, scope, film); err != nil {
			return nil, err
		}
	}
	if whole {
		if err := withText(ctx, db.pool, out); err != nil {
			return nil, wrap(err)
		}
	}
	storage.SortReviews(out)
	return out, nil
}

// Review returns review id if it is visible in scope.
func (db *DB) Review(ctx context.Context, scope storage.Scope, id uint64) (storage.Review, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	r, err := scanReview(db.pool.QueryRow(ctx, "SELECT record FROM reviews WHERE id = $1 AND scope = ANY($2)", int64(id), visible(scope)))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("review %d: %w", id, storage.ErrNotFound)
	}
	if err != nil {
		return r, wrap(err)
	}
	one := []storage.Review{r}
	err = withText(ctx, db.pool, one)
	return one[0], wrap(err)
}

// Excerpt returns review id's header and paragraph n alone, in one query.
func (db *DB) Excerpt(ctx context.Context, scope storage.Scope, id uint64, n int) (storage.Review, storage.Excerpt, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var raw []byte
	var spoiler *bool
	var text *string
	err := db.pool.QueryRow(ctx, `SELECT r.record, p.spoiler, p.text FROM reviews r
		LEFT JOIN review_paragraphs p ON p.review_id = r.id AND p.n = $3
		WHERE r.id = $1 AND r.scope = ANY($2)`, int64(id), visible(scope), n).Scan(&raw, &spoiler, &text)
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.Review{}, storage.Excerpt{}, fmt.Errorf("review %d: %w", id, storage.ErrNotFound)
	}
	if err != nil {
		return storage.Review{}, storage.Excerpt{}, wrap(err)
	}
	var r storage.Review
	if err := json.Unmarshal(raw, &r); err != nil || r.Paragraphs < 1 {
		return r, storage.Excerpt{}, fmt.Errorf("%w: review %d: %v", storage.ErrDamaged, id, err)
	}
	r.Excerpts = nil
	if n < 1 || n > r.Paragraphs {
		return r, storage.Excerpt{}, fmt.Errorf("review %d has %d excerpts, not %d: %w", id, r.Paragraphs, n, storage.ErrNoExcerpt)
	}
	if text == nil || spoiler == nil {
		return r, storage.Excerpt{}, fmt.Errorf("%w: review %d lacks paragraph %d", storage.ErrDamaged, id, n)
	}
	return r, storage.Excerpt{Text: *text, Spoiler: *spoiler}, nil
}

// ExcerptPage reads review id's header, its film's header and the count
// of the film's reviews in one statement, then excerpt pick(paragraphs),
// in one read-only transaction.
func (db *DB) ExcerptPage(ctx context.Context, scope storage.Scope, id uint64, pick func(paragraphs int) int) (storage.ExcerptPage, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var p storage.ExcerptPage
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		p = storage.ExcerptPage{}
		var reviewRaw, filmRaw []byte
		var reviews int64
		err := tx.QueryRow(ctx, `SELECT r.record, `+headerOf("f.record", "$3")+`,
				(SELECT count(*) FROM reviews o WHERE o.film_id = r.film_id AND o.scope = ANY($2))
			FROM reviews r LEFT JOIN films f ON f.id = r.film_id AND f.scope = ANY($2)
			WHERE r.id = $1 AND r.scope = ANY($2)`, int64(id), visible(scope), storage.HeaderOmits).Scan(&reviewRaw, &filmRaw, &reviews)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("review %d: %w", id, storage.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal(reviewRaw, &p.Review); err != nil || p.Review.Paragraphs < 1 {
			return fmt.Errorf("%w: review %d: %v", storage.ErrDamaged, id, err)
		}
		p.Review.Excerpts = nil
		if filmRaw == nil {
			return fmt.Errorf("film %d: %w", p.Review.FilmID, storage.ErrNotFound)
		}
		if err := json.Unmarshal(filmRaw, &p.Film); err != nil {
			return fmt.Errorf("%w: a film record: %v", storage.ErrDamaged, err)
		}
		p.Reviews = int(reviews)
		if p.N = pick(p.Review.Paragraphs); p.N < 1 || p.N > p.Review.Paragraphs {
			return fmt.Errorf("review %d has %d excerpts, not %d: %w", id, p.Review.Paragraphs, p.N, storage.ErrNoExcerpt)
		}
		err = tx.QueryRow(ctx, "SELECT spoiler, text FROM review_paragraphs WHERE review_id = $1 AND n = $2", int64(id), p.N).Scan(&p.Excerpt.Spoiler, &p.Excerpt.Text)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: review %d lacks paragraph %d", storage.ErrDamaged, id, p.N)
		}
		return err
	})
	return p, wrap(err)
}

// FilmPage reads film whole, counts its reviews and sums its ratings in
// one statement.
func (db *DB) FilmPage(ctx context.Context, scope storage.Scope, film uint64) (storage.FilmPage, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var p storage.FilmPage
	var raw []byte
	var reviews int64
	var h [storage.MaxScore]int64
	err := db.pool.QueryRow(ctx, `SELECT f.record, (SELECT count(*) FROM reviews r WHERE r.film_id = f.id AND r.scope = ANY($2)), a.*
		FROM films f, LATERAL (SELECT `+histSums+` FROM aggregates WHERE scope = $3 AND film_id = f.id) a
		WHERE f.id = $1 AND f.scope = ANY($2)`, int64(film), visible(scope), int64(scope)).Scan(append([]any{&raw, &reviews}, histDest(&h)...)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("film %d: %w", film, storage.ErrNotFound)
	}
	if err != nil {
		return p, wrap(err)
	}
	if err := json.Unmarshal(raw, &p.Film); err != nil {
		return p, fmt.Errorf("%w: a film record: %v", storage.ErrDamaged, err)
	}
	p.Reviews = int(reviews)
	p.Ratings, err = histAggregate(film, &h)
	return p, err
}

// ReviewPage reads film's header, its reviews' headers and their excerpt
// n in one statement.
func (db *DB) ReviewPage(ctx context.Context, scope storage.Scope, film uint64, n int) (storage.ReviewPage, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	// One row per review (one with no review when it has none), each with
	// the film's header and the review's paragraph n, if it has one.
	rows, err := db.pool.Query(ctx, `SELECT `+headerOf("f.record", "$3")+`, r.record, p.spoiler, p.text FROM films f
		LEFT JOIN reviews r ON r.film_id = f.id AND r.scope = ANY($2)
		LEFT JOIN review_paragraphs p ON p.review_id = r.id AND p.n = $4
		WHERE f.id = $1 AND f.scope = ANY($2)`, int64(film), visible(scope), storage.HeaderOmits, n)
	if err != nil {
		return storage.ReviewPage{}, wrap(err)
	}
	defer rows.Close()
	var p storage.ReviewPage
	found := false
	for rows.Next() {
		var filmRaw, reviewRaw []byte
		var spoiler *bool
		var text *string
		if err := rows.Scan(&filmRaw, &reviewRaw, &spoiler, &text); err != nil {
			return p, wrap(err)
		}
		if !found {
			found = true
			if err := json.Unmarshal(filmRaw, &p.Film); err != nil {
				return p, fmt.Errorf("%w: a film record: %v", storage.ErrDamaged, err)
			}
		}
		if reviewRaw == nil {
			continue // the film has no review here
		}
		var r storage.Review
		if err := json.Unmarshal(reviewRaw, &r); err != nil || r.Paragraphs < 1 {
			return p, fmt.Errorf("%w: a review record of film %d: %v", storage.ErrDamaged, film, err)
		}
		r.Excerpts = nil
		var e storage.Excerpt
		if text != nil && spoiler != nil {
			e = storage.Excerpt{Text: *text, Spoiler: *spoiler}
		}
		p.Reviews, p.Excerpts = append(p.Reviews, r), append(p.Excerpts, e)
	}
	if err := rows.Err(); err != nil {
		return p, wrap(err)
	}
	if !found {
		return p, fmt.Errorf("film %d: %w", film, storage.ErrNotFound)
	}
	// Sorted as ReviewHeaders sorts, each excerpt staying with its review.
	sorted := slices.Clone(p.Reviews)
	storage.SortReviews(sorted)
	byID := make(map[uint64]int, len(p.Reviews))
	for k, r := range p.Reviews {
		byID[r.ID] = k
	}
	excerpts := make([]storage.Excerpt, len(sorted))
	for k, r := range sorted {
		excerpts[k] = p.Excerpts[byID[r.ID]]
	}
	p.Reviews, p.Excerpts = sorted, excerpts
	return p, nil
}

// AddReview stores a new review of a film visible in scope.
func (db *DB) AddReview(ctx context.Context, scope storage.Scope, r storage.Review) (storage.Review, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := getFilm(ctx, tx, scope, r.FilmID); err != nil {
			return err
		}
		// One moderator's form submitted twice saves one review: the same
		// reviewer and text for the same film, checked under a lock.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", int32(lockKey&0x7fffffff)+1, int32(r.FilmID%(1<<31))); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT record FROM reviews WHERE film_id = $1 AND scope = $2", int64(r.FilmID), int64(scope))
		if err != nil {
			return err
		}
		own, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (storage.Review, error) { return scanReview(row) })
		if err != nil {
			return err
		}
		if err := withText(ctx, tx, own); err != nil {
			return err
		}
		for _, o := range own {
			if o.Reviewer == r.Reviewer && slices.Equal(o.Excerpts, r.Excerpts) {
				r = o
				return fmt.Errorf("review %d: %w", o.ID, storage.ErrExists)
			}
		}
		r, err = insertReview(ctx, tx, scope, r, db.now())
		return err
	})
	return r, wrap(err)
}

// ownReview finds review id if scope owns it, locked for the change.
func ownReview(ctx context.Context, tx pgx.Tx, scope storage.Scope, id uint64) (storage.Review, error) {
	var owner int64
	err := tx.QueryRow(ctx, "SELECT scope FROM reviews WHERE id = $1 FOR UPDATE", int64(id)).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.Review{}, fmt.Errorf("review %d: %w", id, storage.ErrNotFound)
	}
	if err != nil {
		return storage.Review{}, err
	}
	if owner == 0 && scope != storage.BuiltIn {
		return storage.Review{}, storage.ErrBuiltIn
	}
	if storage.Scope(owner) != scope {
		return storage.Review{}, fmt.Errorf("review %d: %w", id, storage.ErrNotFound)
	}
	r, err := scanReview(tx.QueryRow(ctx, "SELECT record FROM reviews WHERE id = $1", int64(id)))
	if err != nil {
		return r, err
	}
	one := []storage.Review{r}
	err = withText(ctx, tx, one)
	return one[0], err
}

// UpdateReview replaces the text, reviewer and pull quote of a review.
func (db *DB) UpdateReview(ctx context.Context, scope storage.Scope, r storage.Review) (storage.Review, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		old, err := ownReview(ctx, tx, scope, r.ID)
		if err != nil {
			return err
		}
		if len(r.Excerpts) == 0 {
			return fmt.Errorf("review has no text")
		}
		old.Reviewer, old.PullQuote, old.Excerpts, old.Paragraphs = r.Reviewer, r.PullQuote, r.Excerpts, len(r.Excerpts)
		r = old
		return putReview(ctx, tx, r)
	})
	return r, wrap(err)
}

// DeleteReview removes a review scope owns; ratings stay.
func (db *DB) DeleteReview(ctx context.Context, scope storage.Scope, id uint64) (storage.Review, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var r storage.Review
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var err error
		if r, err = ownReview(ctx, tx, scope, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "DELETE FROM reviews WHERE id = $1", int64(id))
		return err
	})
	return r, wrap(err)
}

// Settings returns scope's settings.
func (db *DB) Settings(ctx context.Context, scope storage.Scope) (storage.Settings, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	return getSettings(ctx, db.pool, scope, "")
}

func getSettings(ctx context.Context, q querier, scope storage.Scope, lock string) (storage.Settings, error) {
	var s storage.Settings
	var raw []byte
	err := q.QueryRow(ctx, "SELECT record FROM settings WHERE scope = $1 "+lock, int64(scope)).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, wrap(err)
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("%w: settings of %d: %v", storage.ErrDamaged, scope, err)
	}
	return s, nil
}

// UpdateSettings changes scope's settings with fn in one transaction.
func (db *DB) UpdateSettings(ctx context.Context, scope storage.Scope, fn func(*storage.Settings)) (storage.Settings, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var s storage.Settings
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		// A row to lock, so that two changes at once both count.
		if _, err := tx.Exec(ctx, "INSERT INTO settings (scope, record) VALUES ($1, '{}') ON CONFLICT (scope) DO NOTHING", int64(scope)); err != nil {
			return err
		}
		var err error
		if s, err = getSettings(ctx, tx, scope, "FOR UPDATE"); err != nil {
			return err
		}
		fn(&s)
		raw, err := json.Marshal(s)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE settings SET record = $2 WHERE scope = $1", int64(scope), raw)
		return err
	})
	return s, wrap(err)
}
