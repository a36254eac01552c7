package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// setRating writes user's score of film in scope (score 0 removes it) and
// adjusts the aggregate in the same transaction. It returns the new
// aggregate and the previous score (0 for none).
func setRating(tx *bbolt.Tx, scope Scope, film, user uint64, score int, now time.Time) (Aggregate, int, error) {
	if scope == BuiltIn {
		return Aggregate{}, 0, errors.New("ratings belong to a server")
	}
	if score != 0 && (score < MinScore || score > MaxScore) {
		return Aggregate{}, 0, fmt.Errorf("%w: %d", ErrScore, score)
	}
	if !filmExists(tx, scope, film) {
		return Aggregate{}, 0, fmt.Errorf("film %d: %w", film, ErrNotFound)
	}
	rb, ub, ab := tx.Bucket(bucketRatings), tx.Bucket(bucketUserRatings), tx.Bucket(bucketAggregates)
	// Put keeps its key for the life of the transaction: one allocation
	// holds all three keys.
	keys := make([]byte, 24+24+16)
	rk, uk, ak := keys[:0:24], keys[24:24:48], keys[48:48:64]
	rk = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(rk, uint64(scope)), film), user)
	uk = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(uk, uint64(scope)), user), film)
	ak = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(ak, uint64(scope)), film)
	a, err := decodeAggregate(bucketAggregates, ak, film, ab.Get(ak))
	if err != nil {
		return a, 0, err
	}
	old := 0
	if v := rb.Get(rk); v != nil {
		if old, _, err = decodeRating(bucketRatings, rk, v); err != nil {
			return a, 0, err
		}
		if a.Hist[old-1] == 0 {
			return a, 0, damaged(bucketAggregates, ak, "counts no rating of %d, but %x holds one", old, rk)
		}
		a.Sum -= old
		a.Count--
		a.Hist[old-1]--
	}
	if score == 0 {
		if err := rb.Delete(rk); err != nil {
			return a, old, err
		}
		if err := ub.Delete(uk); err != nil {
			return a, old, err
		}
	} else {
		rec := encodeRating(score, now)
		if err := rb.Put(rk, rec); err != nil {
			return a, old, err
		}
		if err := ub.Put(uk, rec); err != nil {
			return a, old, err
		}
		a.Sum += score
		a.Count++
		a.Hist[score-1]++
	}
	if score != old {
		if err := logRating(tx, scope, user, film, score); err != nil {
			return a, old, err
		}
	}
	if a.Count == 0 {
		return a, old, ab.Delete(ak)
	}
	return a, old, ab.Put(ak, encodeAggregate(a))
}

// Rate saves or replaces user's score of film in scope and takes the film
// off user's watchlist, in one transaction. It returns when that is on
// disk, with the film's new aggregate, the previous score (0 for none)
// and whether the film left the watchlist. Concurrent calls are committed
// together (see writer).
func (db *DB) Rate(ctx context.Context, scope Scope, film, user uint64, score int) (storage.Rated, error) {
	if score < MinScore || score > MaxScore {
		return storage.Rated{}, fmt.Errorf("%w: %d", ErrScore, score)
	}
	return db.writeRating(ctx, scope, film, user, score)
}

// Unrate removes user's rating of film in scope, returning the new
// aggregate and the score removed (0 if there was none).
func (db *DB) Unrate(ctx context.Context, scope Scope, film, user uint64) (Aggregate, int, error) {
	r, err := db.writeRating(ctx, scope, film, user, 0)
	return r.Aggregate, r.Previous, err
}

// writeRating writes user's score of film (0 removes it); a score also
// takes the film off user's watchlist.
func (db *DB) writeRating(ctx context.Context, scope Scope, film, user uint64, score int) (storage.Rated, error) {
	var r storage.Rated
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		var err error
		r = storage.Rated{}
		if r.Aggregate, r.Previous, err = setRating(tx, scope, film, user, score, db.now()); err != nil || score == 0 {
			return err
		}
		r.Unwatched, err = unwatch(tx, scope, user, film)
		return err
	})
	return r, err
}

// UserRating returns user's rating of film in scope, or ErrNotFound.
func (db *DB) UserRating(ctx context.Context, scope Scope, film, user uint64) (Rating, error) {
	r := Rating{Scope: scope, Film: film, User: user}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		k := key(uint64(scope), film, user)
		v := tx.Bucket(bucketRatings).Get(k)
		if v == nil {
			return fmt.Errorf("rating: %w", ErrNotFound)
		}
		var err error
		r.Score, r.At, err = decodeRating(bucketRatings, k, v)
		return err
	})
	return r, err
}

// Aggregate returns film's ratings summary in scope (zero when unrated).
func (db *DB) Aggregate(ctx context.Context, scope Scope, film uint64) (Aggregate, error) {
	var a Aggregate
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		k := key(uint64(scope), film)
		var err error
		a, err = decodeAggregate(bucketAggregates, k, film, tx.Bucket(bucketAggregates).Get(k))
		return err
	})
	return a, err
}

// FilmRatings lists every rating of film in scope, highest score first,
// then oldest first.
func (db *DB) FilmRatings(ctx context.Context, scope Scope, film uint64) ([]Rating, error) {
	var out []Rating
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		for k, v := range withPrefix(tx.Bucket(bucketRatings), key(uint64(scope), film)) {
			s, at, err := decodeRating(bucketRatings, k, v)
			if err != nil {
				db.onDamage(err)
				continue
			}
			out = append(out, Rating{Scope: scope, Film: film, User: binary.BigEndian.Uint64(k[16:]), Score: s, At: at})
		}
		return nil
	})
	storage.SortFilmRatings(out)
	return out, err
}

// UserRatings lists user's ratings in scope, newest first.
func (db *DB) UserRatings(ctx context.Context, scope Scope, user uint64) ([]Rating, error) {
	var out []Rating
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		for k, v := range withPrefix(tx.Bucket(bucketUserRatings), key(uint64(scope), user)) {
			s, at, err := decodeRating(bucketUserRatings, k, v)
			if err != nil {
				db.onDamage(err)
				continue
			}
			out = append(out, Rating{Scope: scope, Film: binary.BigEndian.Uint64(k[16:]), User: user, Score: s, At: at})
		}
		return nil
	})
	storage.SortUserRatings(out)
	return out, err
}

// Top returns the aggregates of scope's films with at least minCount
// ratings, best average first, ties broken by more ratings. It reads only
// the aggregates: its cost grows with the films rated, not the ratings.
func (db *DB) Top(ctx context.Context, scope Scope, minCount int) ([]Aggregate, error) {
	var out []Aggregate
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		for k, v := range withPrefix(tx.Bucket(bucketAggregates), key(uint64(scope))) {
			a, err := decodeAggregate(bucketAggregates, k, idAt(k, 1), v)
			if err != nil {
				db.onDamage(err)
				continue
			}
			if a.Count >= max(minCount, 1) {
				out = append(out, a)
			}
		}
		return nil
	})
	storage.SortTop(out)
	return out, err
}
