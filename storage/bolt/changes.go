package bolt

import (
	"context"
	"encoding/binary"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// Each server's ratings have a version and a log of the latest changes,
// under scope|version → user|film|score (one byte, 0: removed): what
// RatingsSince reads. Every write of a rating goes through setRating or
// DeleteFilm, which append to it; the log keeps storage.RatingLogKept
// versions per server and drops the oldest as it grows.

// ratingVersion is scope's ratings version: its log's last key, 0 for none.
func ratingVersion(b *bbolt.Bucket, scope Scope) uint64 {
	c := b.Cursor()
	k, _ := c.Seek(key(uint64(scope) + 1))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if len(k) != 16 || idAt(k, 0) != uint64(scope) {
		return 0
	}
	return idAt(k, 1)
}

// logRating appends the change of user's score of film (0: removed) to
// scope's ratings log, dropping the version that falls out of what it keeps.
func logRating(tx *bbolt.Tx, scope Scope, user, film uint64, score int) error {
	b := tx.Bucket(bucketRatingLog)
	v := ratingVersion(b, scope) + 1
	rec := make([]byte, 17)
	binary.BigEndian.PutUint64(rec, user)
	binary.BigEndian.PutUint64(rec[8:], film)
	rec[16] = byte(score)
	if err := b.Put(key(uint64(scope), v), rec); err != nil {
		return err
	}
	if v > storage.RatingLogKept {
		return b.Delete(key(uint64(scope), v-storage.RatingLogKept))
	}
	return nil
}

// RatingsSince reads scope's ratings version and the ratings changed
// since version since, or all of them (see storage.Ratings).
func (db *DB) RatingsSince(ctx context.Context, scope Scope, since uint64) (storage.RatingChanges, error) {
	var out storage.RatingChanges
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		out = storage.RatingChanges{}
		b := tx.Bucket(bucketRatingLog)
		out.Version = ratingVersion(b, scope)
		if since == out.Version && since != 0 {
			return nil
		}
		if since != 0 && since < out.Version && b.Get(key(uint64(scope), since+1)) != nil {
			for k, v := range withPrefix(b, key(uint64(scope))) {
				if idAt(k, 1) <= since {
					continue
				}
				if len(v) != 17 {
					return damaged(bucketRatingLog, k, "holds %d bytes, not 17", len(v))
				}
				out.Ratings = append(out.Ratings, Rating{Scope: scope, User: binary.BigEndian.Uint64(v), Film: binary.BigEndian.Uint64(v[8:]), Score: int(v[16])})
			}
			return nil
		}
		out.Full = true
		for k, v := range withPrefix(tx.Bucket(bucketRatings), key(uint64(scope))) {
			s, _, err := decodeRating(bucketRatings, k, v)
			if err != nil {
				db.onDamage(err)
				continue
			}
			out.Ratings = append(out.Ratings, Rating{Scope: scope, Film: idAt(k, 1), User: idAt(k, 2), Score: s})
		}
		return nil
	})
	return out, err
}

// NotInterested marks film as one user does not want offered again.
func (db *DB) NotInterested(ctx context.Context, scope Scope, user, film uint64) (bool, error) {
	if scope == BuiltIn {
		return false, fmt.Errorf("marks belong to a server")
	}
	added := false
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		added = false
		if !filmExists(tx, scope, film) {
			return fmt.Errorf("film %d: %w", film, ErrNotFound)
		}
		b, k := tx.Bucket(bucketNotInterested), key(uint64(scope), user, film)
		if b.Get(k) != nil {
			return nil
		}
		added = true
		return b.Put(k, []byte{})
	})
	return added, err
}

// NotInterestedFilms lists the films user marked not interested in scope.
func (db *DB) NotInterestedFilms(ctx context.Context, scope Scope, user uint64) ([]uint64, error) {
	var out []uint64
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		out = out[:0]
		for k := range withPrefix(tx.Bucket(bucketNotInterested), key(uint64(scope), user)) {
			out = append(out, idAt(k, 2))
		}
		return nil
	})
	return out, err
}

// forgetInterest removes every member's mark of film in scope (the film
// is being removed).
func forgetInterest(tx *bbolt.Tx, scope Scope, film uint64) error {
	b := tx.Bucket(bucketNotInterested)
	for _, k := range keysWithPrefix(b, key(uint64(scope))) {
		if len(k) == 24 && idAt(k, 2) == film {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}
