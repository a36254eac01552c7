package bolt

import (
	"context"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// Reviews lists the reviews of film visible in scope, newest first.
// It fails with ErrNotFound when the film is not visible in scope.
func (db *DB) Reviews(ctx context.Context, scope Scope, film uint64) ([]Review, error) {
	return db.reviews(ctx, scope, film, true)
}

// ReviewHeaders lists them without their text.
func (db *DB) ReviewHeaders(ctx context.Context, scope Scope, film uint64) ([]Review, error) {
	return db.reviews(ctx, scope, film, false)
}

func (db *DB) reviews(ctx context.Context, scope Scope, film uint64, whole bool) ([]Review, error) {
	var out []Review
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		// Only whether the film is visible matters here: reading it whole
		// (cast and crew) cost a fifth of /review's CPU.
		if !filmExists(tx, scope, film) {
			return fmt.Errorf("film %d: %w", film, ErrNotFound)
		}
		out = visibleReviews(tx, scope, film, whole, db.onDamage)
		return nil
	})
	storage.SortReviews(out)
	return out, err
}

// Review returns review id if it is visible in scope, or ErrNotFound.
func (db *DB) Review(ctx context.Context, scope Scope, id uint64) (Review, error) {
	var r Review
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		k, v, err := reviewAt(tx, scope, id)
		if err != nil {
			return err
		}
		r, err = wholeReview(tx, k, v)
		return err
	})
	return r, err
}

// Excerpt returns review id's header and paragraph n alone.
func (db *DB) Excerpt(ctx context.Context, scope Scope, id uint64, n int) (Review, Excerpt, error) {
	var r Review
	var e Excerpt
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		k, v, err := reviewAt(tx, scope, id)
		if err != nil {
			return err
		}
		if r, err = header(k, v); err != nil {
			return err
		}
		if n < 1 || n > r.Paragraphs {
			return fmt.Errorf("review %d has %d excerpts, not %d: %w", id, r.Paragraphs, n, storage.ErrNoExcerpt)
		}
		e, err = paragraph(tx, id, n)
		return err
	})
	return r, e, err
}

// ExcerptPage reads review id's header, its film's header, the count of
// the film's reviews and excerpt pick(paragraphs) in one transaction.
func (db *DB) ExcerptPage(ctx context.Context, scope Scope, id uint64, pick func(paragraphs int) int) (storage.ExcerptPage, error) {
	var p storage.ExcerptPage
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		p = storage.ExcerptPage{}
		k, v, err := reviewAt(tx, scope, id)
		if err != nil {
			return err
		}
		if p.Review, err = header(k, v); err != nil {
			return err
		}
		if p.Film, err = getHeader(tx, scope, p.Review.FilmID); err != nil {
			return err
		}
		p.Reviews = len(visibleReviews(tx, scope, p.Film.ID, false, db.onDamage))
		if p.N = pick(p.Review.Paragraphs); p.N < 1 || p.N > p.Review.Paragraphs {
			return fmt.Errorf("review %d has %d excerpts, not %d: %w", id, p.Review.Paragraphs, p.N, storage.ErrNoExcerpt)
		}
		p.Excerpt, err = paragraph(tx, id, p.N)
		return err
	})
	return p, err
}

// FilmPage reads film whole, counts its reviews and reads its ratings in
// one transaction.
func (db *DB) FilmPage(ctx context.Context, scope Scope, film uint64) (storage.FilmPage, error) {
	var p storage.FilmPage
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		if p.Film, err = getFilm(tx, scope, film); err != nil {
			return err
		}
		p.Reviews = len(visibleReviews(tx, scope, film, false, db.onDamage))
		k := key(uint64(scope), film)
		p.Ratings, err = decodeAggregate(bucketAggregates, k, film, tx.Bucket(bucketAggregates).Get(k))
		return err
	})
	return p, err
}

// ReviewPage reads film's header, its reviews' headers and their excerpt
// n in one transaction.
func (db *DB) ReviewPage(ctx context.Context, scope Scope, film uint64, n int) (storage.ReviewPage, error) {
	var p storage.ReviewPage
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		if p.Film, err = getHeader(tx, scope, film); err != nil {
			return err
		}
		p.Reviews = visibleReviews(tx, scope, film, false, db.onDamage)
		storage.SortReviews(p.Reviews)
		p.Excerpts = make([]Excerpt, len(p.Reviews))
		for k, r := range p.Reviews {
			if n < 1 || n > r.Paragraphs {
				continue
			}
			if e, err := paragraph(tx, r.ID, n); err == nil {
				p.Excerpts[k] = e
			} else {
				db.onDamage(err) // Excerpt reads it again, and says so
			}
		}
		return nil
	})
	return p, err
}

// AddReview stores a new review of a film visible in scope; the review
// belongs to scope. It fails with ErrNotFound if the film is not visible,
// and with ErrExists, returning the stored review, if scope already has
// this review of the film (same reviewer, same text): a form submitted
// twice saves one review.
func (db *DB) AddReview(ctx context.Context, scope Scope, r Review) (Review, error) {
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		if _, err := getFilm(tx, scope, r.FilmID); err != nil {
			return err
		}
		for _, o := range visibleReviews(tx, scope, r.FilmID, true, db.onDamage) {
			if o.Scope == scope && o.Reviewer == r.Reviewer && slices.Equal(o.Excerpts, r.Excerpts) {
				r = o
				return fmt.Errorf("review %d: %w", o.ID, ErrExists)
			}
		}
		var err error
		r, err = createReview(tx, scope, r, db.now())
		return err
	})
	return r, err
}

func createReview(tx *bbolt.Tx, scope Scope, r Review, now time.Time) (Review, error) {
	if len(r.Excerpts) == 0 {
		return r, fmt.Errorf("review has no text")
	}
	b := tx.Bucket(bucketReviews)
	id, err := b.NextSequence()
	if err != nil {
		return r, err
	}
	r.ID, r.Scope = id, scope
	if r.PostedAt.IsZero() {
		r.PostedAt = now.UTC()
	}
	loc := key(uint64(scope), r.FilmID)
	if err := tx.Bucket(bucketReviewIDs).Put(key(id), loc); err != nil {
		return r, err
	}
	r.Paragraphs = len(r.Excerpts)
	return r, putReview(tx, append(loc, key(id)...), r)
}
