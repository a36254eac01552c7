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

// ImportRatings sets user's ratings in scope from rs in one transaction
// (one write of the group-commit writer): a film not visible fails it
// whole, before anything is written.
func (db *DB) ImportRatings(_ context.Context, scope Scope, user uint64, rs []Rating) (storage.Imported, error) {
	var n storage.Imported
	if scope == BuiltIn {
		return n, errors.New("ratings belong to a server")
	}
	for _, r := range rs {
		if r.Score < MinScore || r.Score > MaxScore {
			return n, fmt.Errorf("%w: %d", ErrScore, r.Score)
		}
	}
	err := db.writer.do(func(tx *bbolt.Tx) error {
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
// then the data.

// PutPending keeps data for user in scope until ttl passes; the member's
// expired steps are dropped on the way.
func (db *DB) PutPending(_ context.Context, scope Scope, user uint64, data []byte, ttl time.Duration) (uint64, error) {
	var id uint64
	now := db.now()
	err := db.writer.do(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPending)
		prefix := key(uint64(scope), user)
		for _, k := range keysWithPrefix(b, prefix) {
			if v := b.Get(k); len(v) < 8 || int64(binary.BigEndian.Uint64(v)) < now.UnixNano() {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
		}
		var err error
		if id, err = b.NextSequence(); err != nil {
			return err
		}
		v := binary.BigEndian.AppendUint64(nil, uint64(now.Add(ttl).UnixNano()))
		return b.Put(key(uint64(scope), user, id), append(v, data...))
	})
	return id, err
}

// TakePending returns and removes user's pending step id.
func (db *DB) TakePending(_ context.Context, scope Scope, user, id uint64) ([]byte, error) {
	var data []byte
	now := db.now()
	err := db.writer.do(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPending)
		k := key(uint64(scope), user, id)
		v := b.Get(k)
		if v == nil {
			return fmt.Errorf("pending step %d: %w", id, ErrNotFound)
		}
		if len(v) < 8 || int64(binary.BigEndian.Uint64(v)) < now.UnixNano() {
			if err := b.Delete(k); err != nil {
				return err
			}
			return fmt.Errorf("pending step %d expired: %w", id, ErrNotFound)
		}
		data = append([]byte(nil), v[8:]...)
		return b.Delete(k)
	})
	return data, err
}
