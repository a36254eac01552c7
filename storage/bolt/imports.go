package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// ImportRatings sets user's ratings in scope from rs in one transaction
// (one write of the group-commit writer), taking each film off user's
// watchlist: a film not visible fails it whole, before anything is
// written.
func (db *DB) ImportRatings(ctx context.Context, scope Scope, user uint64, rs []Rating) (storage.Imported, error) {
	var n storage.Imported
	if scope == BuiltIn {
		return n, errors.New("ratings belong to a server")
	}
	for _, r := range rs {
		if r.Score < MinScore || r.Score > MaxScore {
			return n, fmt.Errorf("%w: %d", ErrScore, r.Score)
		}
	}
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		n = storage.Imported{}
		for _, r := range rs {
			if !filmExists(tx, scope, r.Film) {
				return fmt.Errorf("film %d: %w", r.Film, ErrNotFound)
			}
		}
		rb := tx.Bucket(bucketRatings)
		seen := map[uint64]bool{}
		for _, r := range rs {
			if seen[r.Film] {
				continue // one rating per film: the first given
			}
			seen[r.Film] = true
			off, err := unwatch(tx, scope, user, r.Film) // rated: off the watchlist, as with Rate
			if err != nil {
				return err
			}
			if off {
				n.Unwatched++
			}
			k := key(uint64(scope), r.Film, user)
			if v := rb.Get(k); v != nil {
				old, _, err := decodeRating(bucketRatings, k, v)
				if err != nil {
					return err
				}
				if old == r.Score {
					n.Unchanged++
					continue
				}
				n.Updated++
			} else {
				n.Added++
			}
			at := r.At
			if at.IsZero() {
				at = db.now()
			}
			if _, _, err := setRating(tx, scope, r.Film, user, r.Score, at); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// Pending steps live under scope|user|id: the expiry (Unix nanoseconds)
// then the data. A member has one at most per server.

// expired is whether a pending step's value is past its expiry at now.
func expired(v []byte, now time.Time) bool {
	return len(v) < 8 || int64(binary.BigEndian.Uint64(v)) <= now.UnixNano()
}

// sweepPending removes every expired step. The bucket holds one step per
// member who previewed something in the last minutes, so a walk over it
// reads little: the expiry is the first 8 bytes of each value, read in
// place.
func sweepPending(tx *bbolt.Tx, now time.Time) (int, error) {
	b := tx.Bucket(bucketPending)
	var gone [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if expired(v, now) {
			gone = append(gone, bytes.Clone(k))
		}
	}
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}

// PutPending keeps data for user in scope until ttl passes, in place of
// the member's step before, and removes the expired steps of everyone.
func (db *DB) PutPending(ctx context.Context, scope Scope, user uint64, data []byte, ttl time.Duration) (uint64, error) {
	var id uint64
	now := db.now()
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPending)
		for _, k := range keysWithPrefix(b, key(uint64(scope), user)) {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		if _, err := sweepPending(tx, now); err != nil {
			return err
		}
		var err error
		if id, err = b.NextSequence(); err != nil {
			return err
		}
		v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(data)), uint64(now.Add(ttl).UnixNano()))
		return b.Put(key(uint64(scope), user, id), append(v, data...))
	})
	return id, err
}

// Pending returns user's pending step id, left in place.
func (db *DB) Pending(ctx context.Context, scope Scope, user, id uint64) ([]byte, error) {
	var data []byte
	now := db.now()
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketPending).Get(key(uint64(scope), user, id))
		if v == nil || expired(v, now) {
			return fmt.Errorf("pending step %d: %w", id, ErrNotFound)
		}
		data = bytes.Clone(v[8:])
		return nil
	})
	return data, err
}

// TakePending returns and removes user's pending step id.
func (db *DB) TakePending(ctx context.Context, scope Scope, user, id uint64) ([]byte, error) {
	var data []byte
	now := db.now()
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPending)
		k := key(uint64(scope), user, id)
		v := b.Get(k)
		if v == nil {
			return fmt.Errorf("pending step %d: %w", id, ErrNotFound)
		}
		if expired(v, now) {
			if err := b.Delete(k); err != nil {
				return err
			}
			return fmt.Errorf("pending step %d expired: %w", id, ErrNotFound)
		}
		data = bytes.Clone(v[8:])
		return b.Delete(k)
	})
	return data, err
}

// SweepPending removes every expired pending step.
func (db *DB) SweepPending(ctx context.Context) (int, error) {
	n := 0
	now := db.now()
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		var err error
		n, err = sweepPending(tx, now)
		return err
	})
	return n, err
}
