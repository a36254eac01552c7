package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
)

// WatchlistAdd puts a visible film on user's watchlist in scope.
func (db *DB) WatchlistAdd(ctx context.Context, scope storage.Scope, user, film uint64) (bool, error) {
	if scope == storage.BuiltIn {
		return false, errors.New("watchlists belong to a server")
	}
	ctx, cancel := db.q(ctx)
	defer cancel()
	var visible, rated, added bool
	// The rating's lock (ratingLock, which Rate and ImportRatings take):
	// a rating being written commits first and is seen, so a film is
	// never rated and on the watchlist at once.
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", ratingLock(scope, film, user)); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `WITH f AS (SELECT 1 FROM films WHERE id = $3 AND scope IN (0, $1)),
		r AS (SELECT 1 FROM ratings WHERE scope = $1 AND film_id = $3 AND user_id = $2),
		ins AS (INSERT INTO watchlist (scope, user_id, film_id, added_at) SELECT $1, $2, $3, $4
			WHERE EXISTS (SELECT 1 FROM f) AND NOT EXISTS (SELECT 1 FROM r)
			ON CONFLICT DO NOTHING RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM f), EXISTS (SELECT 1 FROM r), EXISTS (SELECT 1 FROM ins)`,
			int64(scope), int64(user), int64(film), db.now()).Scan(&visible, &rated, &added)
	})
	if err != nil {
		return false, wrap(err)
	}
	if !visible {
		return false, fmt.Errorf("film %d: %w", film, storage.ErrNotFound)
	}
	if rated {
		return false, fmt.Errorf("film %d: %w", film, storage.ErrRated)
	}
	return added, nil
}

// WatchlistRemove takes a film off user's watchlist in scope.
func (db *DB) WatchlistRemove(ctx context.Context, scope storage.Scope, user, film uint64) (bool, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	tag, err := db.pool.Exec(ctx, "DELETE FROM watchlist WHERE scope = $1 AND user_id = $2 AND film_id = $3", int64(scope), int64(user), int64(film))
	return tag.RowsAffected() > 0, wrap(err)
}

// OnWatchlist tells whether film is on user's watchlist in scope.
func (db *DB) OnWatchlist(ctx context.Context, scope storage.Scope, user, film uint64) (bool, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var on bool
	err := db.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM watchlist WHERE scope = $1 AND user_id = $2 AND film_id = $3)",
		int64(scope), int64(user), int64(film)).Scan(&on)
	return on, wrap(err)
}

// Watchlist lists user's watchlist in scope, newest first.
func (db *DB) Watchlist(ctx context.Context, scope storage.Scope, user uint64) ([]storage.Watched, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT film_id, added_at FROM watchlist WHERE scope = $1 AND user_id = $2", int64(scope), int64(user))
	if err != nil {
		return nil, wrap(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Watched, error) {
		var film int64
		var at time.Time
		err := r.Scan(&film, &at)
		return storage.Watched{Film: uint64(film), At: at.UTC()}, err
	})
	storage.SortWatchlist(out)
	return out, wrap(err)
}

// MostWanted counts scope's watchlists by film.
func (db *DB) MostWanted(ctx context.Context, scope storage.Scope) ([]storage.Wanted, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT film_id, count(*) FROM watchlist WHERE scope = $1 GROUP BY film_id", int64(scope))
	if err != nil {
		return nil, wrap(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Wanted, error) {
		var film, n int64
		err := r.Scan(&film, &n)
		return storage.Wanted{Film: uint64(film), Count: int(n)}, err
	})
	storage.SortWanted(out)
	return out, wrap(err)
}
