package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// Reviews lists the reviews of film visible in scope, newest first.
// It fails with ErrNotFound when the film is not visible in scope.
func (db *DB) Reviews(_ context.Context, scope Scope, film uint64) ([]Review, error) {
	var out []Review
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		if _, err := getFilm(tx, scope, film); err != nil {
			return err
		}
		out = decodeVisible[Review](tx, bucketReviews, scope, db.onDamage, film)
		return nil
	})
	storage.SortReviews(out)
	return out, err
}

// Review returns review id if it is visible in scope, or ErrNotFound.
func (db *DB) Review(_ context.Context, scope Scope, id uint64) (Review, error) {
	var r Review
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		loc := tx.Bucket(bucketReviewIDs).Get(key(id))
		if len(loc) != 16 {
			return fmt.Errorf("review %d: %w", id, ErrNotFound)
		}
		owner := Scope(binary.BigEndian.Uint64(loc))
		if owner != BuiltIn && owner != scope {
			return fmt.Errorf("review %d: %w", id, ErrNotFound)
		}
		k := append(bytes.Clone(loc), key(id)...)
		v := tx.Bucket(bucketReviews).Get(k)
		if v == nil {
			return fmt.Errorf("review %d: %w", id, ErrNotFound)
		}
		var err error
		r, err = decodeRecord[Review](bucketReviews, k, v)
		return err
	})
	return r, err
}

// AddReview stores a new review of a film visible in scope; the review
// belongs to scope. It fails with ErrNotFound if the film is not visible,
// and with ErrExists, returning the stored review, if scope already has
// this review of the film (same reviewer, same text): a form submitted
// twice saves one review.
func (db *DB) AddReview(_ context.Context, scope Scope, r Review) (Review, error) {
	err := db.bolt.Update(func(tx *bbolt.Tx) error {
		if _, err := getFilm(tx, scope, r.FilmID); err != nil {
			return err
		}
		for _, o := range decodeVisible[Review](tx, bucketReviews, scope, db.onDamage, r.FilmID) {
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
	return r, putJSON(b, append(loc, key(id)...), r)
}
