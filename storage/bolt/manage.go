package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strconv"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// Settings returns scope's settings (zero when never set).
func (db *DB) Settings(ctx context.Context, scope Scope) (Settings, error) {
	var s Settings
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		s, err = getSettings(tx, scope)
		return err
	})
	return s, err
}

// UpdateSettings changes scope's settings with fn in one transaction.
func (db *DB) UpdateSettings(ctx context.Context, scope Scope, fn func(*Settings)) (Settings, error) {
	var s Settings
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		if s, err = getSettings(tx, scope); err != nil {
			return err
		}
		fn(&s)
		return putJSON(tx.Bucket(bucketSettings), key(uint64(scope)), s)
	})
	return s, err
}

func getSettings(tx *bbolt.Tx, scope Scope) (Settings, error) {
	k := key(uint64(scope))
	if v := tx.Bucket(bucketSettings).Get(k); v != nil {
		return decodeRecord[Settings](bucketSettings, k, v)
	}
	return Settings{}, nil
}

// sameFilm finds a film visible in scope with f's title (its
// storage.TitleKey) and year, other than f itself.
func sameFilm(tx *bbolt.Tx, scope Scope, f Film) (Film, bool) {
	films := decodeVisible[Film](tx, bucketFilms, scope, func(error) {})
	for _, o := range films {
		if o.ID != f.ID && o.Year == f.Year && storage.TitleKey(o.Title) == storage.TitleKey(f.Title) {
			return o, true
		}
	}
	return Film{}, false
}

// CreateFilm adds a film to a server's catalog, refusing a second film
// with the same title (storage.TitleKey) and year (the year tells remakes
// apart). On ErrExists it returns the
// existing film.
func (db *DB) CreateFilm(ctx context.Context, scope Scope, f Film) (Film, error) {
	if scope == BuiltIn {
		return f, ErrBuiltIn
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		f.ID = 0
		if o, ok := sameFilm(tx, scope, f); ok {
			f = o
			return fmt.Errorf("film %q (%d): %w", o.Title, o.Year, ErrExists)
		}
		var err error
		f, err = createFilm(tx, scope, f, db.now())
		return err
	})
	return f, err
}

// AddFilms adds films to a server's catalog in one transaction, skipping
// those already visible in scope (title key and year) or earlier in fs.
func (db *DB) AddFilms(ctx context.Context, scope Scope, fs []Film) ([]Film, error) {
	if scope == BuiltIn {
		return nil, ErrBuiltIn
	}
	var added []Film
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		added = nil
		seen := map[string]bool{}
		k := func(title string, year int) string { return storage.TitleKey(title) + "\x00" + strconv.Itoa(year) }
		for _, o := range decodeVisible[Film](tx, bucketHeaders, scope, func(error) {}) {
			seen[k(o.Title, o.Year)] = true
		}
		now := db.now()
		for _, f := range fs {
			if seen[k(f.Title, f.Year)] {
				continue
			}
			seen[k(f.Title, f.Year)] = true
			f.ID = 0
			f, err := createFilm(tx, scope, f, now)
			if err != nil {
				return err
			}
			added = append(added, f)
		}
		return nil
	})
	return added, err
}

// UpdateFilm replaces a server's film with f (same id), keeping its
// creation record. Built-in films cannot be changed.
func (db *DB) UpdateFilm(ctx context.Context, scope Scope, f Film) (Film, error) {
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		old, err := getFilm(tx, scope, f.ID)
		if err != nil {
			return err
		}
		if old.Scope != scope || scope == BuiltIn {
			return ErrBuiltIn
		}
		if o, ok := sameFilm(tx, scope, f); ok && !storage.SameTitle(old, f) {
			f = o
			return fmt.Errorf("film %q (%d): %w", o.Title, o.Year, ErrExists)
		}
		f.Scope, f.CreatedAt, f.CreatedBy, f.UpdatedAt = scope, old.CreatedAt, old.CreatedBy, db.now().UTC()
		if err := bumpCatalog(tx, scope); err != nil {
			return err
		}
		return putFilm(tx, f)
	})
	return f, err
}

// FilmUsage counts what goes with a film in scope: reviews and ratings.
func (db *DB) FilmUsage(ctx context.Context, scope Scope, film uint64) (reviews, ratings int, err error) {
	err = db.view(ctx, func(tx *bbolt.Tx) error {
		reviews = countPrefix(tx.Bucket(bucketReviews), key(uint64(scope), film))
		ratings = countPrefix(tx.Bucket(bucketRatings), key(uint64(scope), film))
		return nil
	})
	return reviews, ratings, err
}

func countPrefix(b *bbolt.Bucket, p []byte) int {
	n := 0
	for range withPrefix(b, p) {
		n++
	}
	return n
}

// DeleteFilm removes a server's film with its reviews and ratings in that
// server, in one transaction.
func (db *DB) DeleteFilm(ctx context.Context, scope Scope, film uint64) error {
	return db.write(ctx, func(tx *bbolt.Tx) error {
		f, err := getFilm(tx, scope, film)
		if err != nil {
			return err
		}
		if f.Scope != scope || scope == BuiltIn {
			return ErrBuiltIn
		}
		p := key(uint64(scope), film)
		for _, k := range keysWithPrefix(tx.Bucket(bucketReviews), p) {
			if err := deleteReview(tx, k); err != nil {
				return err
			}
			if err := tx.Bucket(bucketReviewIDs).Delete(k[16:]); err != nil {
				return err
			}
		}
		for _, k := range keysWithPrefix(tx.Bucket(bucketRatings), p) {
			if err := tx.Bucket(bucketRatings).Delete(k); err != nil {
				return err
			}
			user := k[16:]
			if err := tx.Bucket(bucketUserRatings).Delete(append(key(uint64(scope)), append(bytes.Clone(user), key(film)...)...)); err != nil {
				return err
			}
			if err := logRating(tx, scope, idAt(k, 2), film, 0); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketAggregates).Delete(p); err != nil {
			return err
		}
		if err := bumpCatalog(tx, scope); err != nil {
			return err
		}
		if err := tx.Bucket(bucketHeaders).Delete(p); err != nil {
			return err
		}
		if err := unwatchFilm(tx, scope, film); err != nil {
			return err
		}
		if err := forgetInterest(tx, scope, film); err != nil {
			return err
		}
		return tx.Bucket(bucketFilms).Delete(p)
	})
}

// UpdateReview replaces the text, reviewer and pull quote of a review
// that belongs to scope.
func (db *DB) UpdateReview(ctx context.Context, scope Scope, r Review) (Review, error) {
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		old, k, err := ownReview(tx, scope, r.ID)
		if err != nil {
			return err
		}
		if len(r.Excerpts) == 0 {
			return fmt.Errorf("review has no text")
		}
		old.Reviewer, old.PullQuote, old.Excerpts, old.Paragraphs = r.Reviewer, r.PullQuote, r.Excerpts, len(r.Excerpts)
		r = old
		return putReview(tx, k, r)
	})
	return r, err
}

// DeleteReview removes a review that belongs to scope; ratings stay.
func (db *DB) DeleteReview(ctx context.Context, scope Scope, id uint64) (Review, error) {
	var r Review
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		var k []byte
		var err error
		r, k, err = ownReview(tx, scope, id)
		if err != nil {
			return err
		}
		if err := deleteReview(tx, k); err != nil {
			return err
		}
		return tx.Bucket(bucketReviewIDs).Delete(key(id))
	})
	return r, err
}

// ownReview finds review id if scope owns it (not a built-in one).
func ownReview(tx *bbolt.Tx, scope Scope, id uint64) (Review, []byte, error) {
	var r Review
	loc := tx.Bucket(bucketReviewIDs).Get(key(id))
	if len(loc) != 16 {
		return r, nil, fmt.Errorf("review %d: %w", id, ErrNotFound)
	}
	owner := Scope(binary.BigEndian.Uint64(loc))
	if owner == BuiltIn && scope != BuiltIn {
		return r, nil, ErrBuiltIn
	}
	if owner != scope {
		return r, nil, fmt.Errorf("review %d: %w", id, ErrNotFound)
	}
	k := append(bytes.Clone(loc), key(id)...)
	v := tx.Bucket(bucketReviews).Get(k)
	if v == nil {
		return r, nil, fmt.Errorf("review %d: %w", id, ErrNotFound)
	}
	r, err := wholeReview(tx, k, v)
	return r, k, err
}
