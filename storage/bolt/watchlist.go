package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// Watchlists live under scope|user|film, holding when the film was added
// (Unix nanoseconds).

// WatchlistAdd puts a visible film on user's watchlist in scope.
func (db *DB) WatchlistAdd(ctx context.Context, scope Scope, user, film uint64) (bool, error) {
	if scope == BuiltIn {
		return false, fmt.Errorf("watchlists belong to a server")
	}
	added := false
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		added = false
		if !filmExists(tx, scope, film) {
			return fmt.Errorf("film %d: %w", film, ErrNotFound)
		}
		if tx.Bucket(bucketRatings).Get(key(uint64(scope), film, user)) != nil {
			return fmt.Errorf("film %d: %w", film, ErrRated)
		}
		b, k := tx.Bucket(bucketWatch), key(uint64(scope), user, film)
		if b.Get(k) != nil {
			return nil
		}
		added = true
		return b.Put(k, binary.BigEndian.AppendUint64(nil, uint64(db.now().UnixNano())))
	})
	return added, err
}

// WatchlistRemove takes a film off user's watchlist in scope.
func (db *DB) WatchlistRemove(ctx context.Context, scope Scope, user, film uint64) (bool, error) {
	removed := false
	err := db.write(ctx, func(tx *bbolt.Tx) error {
		var err error
		removed, err = unwatch(tx, scope, user, film)
		return err
	})
	return removed, err
}

// unwatch takes film off user's watchlist in scope in tx and reports
// whether it was on it.
func unwatch(tx *bbolt.Tx, scope Scope, user, film uint64) (bool, error) {
	b, k := tx.Bucket(bucketWatch), key(uint64(scope), user, film)
	if b.Get(k) == nil {
		return false, nil
	}
	return true, b.Delete(k)
}

// OnWatchlist tells whether film is on user's watchlist in scope.
func (db *DB) OnWatchlist(ctx context.Context, scope Scope, user, film uint64) (bool, error) {
	on := false
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		on = tx.Bucket(bucketWatch).Get(key(uint64(scope), user, film)) != nil
		return nil
	})
	return on, err
}

// Watchlist lists user's watchlist in scope, newest first.
func (db *DB) Watchlist(ctx context.Context, scope Scope, user uint64) ([]storage.Watched, error) {
	var out []storage.Watched
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		for k, v := range withPrefix(tx.Bucket(bucketWatch), key(uint64(scope), user)) {
			if len(k) != 24 || len(v) != 8 {
				db.onDamage(damaged(bucketWatch, k, "a watchlist entry of %d bytes", len(v)))
				continue
			}
			out = append(out, storage.Watched{Film: idAt(k, 2), At: time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()})
		}
		return nil
	})
	storage.SortWatchlist(out)
	return out, err
}

// MostWanted counts scope's watchlists by film.
func (db *DB) MostWanted(ctx context.Context, scope Scope) ([]storage.Wanted, error) {
	counts := map[uint64]int{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		for k := range withPrefix(tx.Bucket(bucketWatch), key(uint64(scope))) {
			if len(k) == 24 {
				counts[idAt(k, 2)]++
			}
		}
		return nil
	})
	out := make([]storage.Wanted, 0, len(counts))
	for f, n := range counts {
		out = append(out, storage.Wanted{Film: f, Count: n})
	}
	storage.SortWanted(out)
	return out, err
}

// unwatchFilm removes a film from every watchlist of scope (the film is
// being removed).
func unwatchFilm(tx *bbolt.Tx, scope Scope, film uint64) error {
	b := tx.Bucket(bucketWatch)
	for _, k := range keysWithPrefix(b, key(uint64(scope))) {
		if len(k) == 24 && idAt(k, 2) == film {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}
