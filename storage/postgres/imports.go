package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
)

// ImportRatings sets user's ratings in scope from rs in one transaction:
// the member's rating locks in key order, every film checked visible,
// every film taken off the member's watchlist, unchanged scores left
// alone, then the changes written as a group of ratings (groupSQL) is.
func (db *DB) ImportRatings(ctx context.Context, scope storage.Scope, user uint64, rs []storage.Rating) (storage.Imported, error) {
	var n storage.Imported
	if scope == storage.BuiltIn {
		return n, errors.New("ratings belong to a server")
	}
	films := make([]int64, 0, len(rs))
	locks := make([]int64, 0, len(rs))
	for _, r := range rs {
		if r.Score < storage.MinScore || r.Score > storage.MaxScore {
			return n, fmt.Errorf("%w: %d", storage.ErrScore, r.Score)
		}
		films = append(films, int64(r.Film))
		locks = append(locks, ratingLock(scope, r.Film, user))
	}
	slices.Sort(locks)
	locks = slices.Compact(locks)
	ctx, cancel := context.WithTimeout(ctx, max(db.timeout, 30*time.Second)) // thousands of rows
	defer cancel()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return n, wrap(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k", locks); err != nil {
		return n, wrap(err)
	}
	var missing int64
	err = tx.QueryRow(ctx, `SELECT coalesce(min(f), 0) FROM unnest($1::bigint[]) AS f
		WHERE NOT EXISTS (SELECT 1 FROM films WHERE id = f AND scope IN (0, $2))`, films, int64(scope)).Scan(&missing)
	if err != nil {
		return n, wrap(err)
	}
	if missing != 0 {
		return n, fmt.Errorf("film %d: %w", missing, storage.ErrNotFound)
	}
	tag, err := tx.Exec(ctx, "DELETE FROM watchlist WHERE scope = $1 AND user_id = $2 AND film_id = ANY($3)", int64(scope), int64(user), films)
	if err != nil {
		return n, wrap(err)
	}
	n.Unwatched = int(tag.RowsAffected())
	current := map[uint64]int{}
	rows, err := tx.Query(ctx, "SELECT film_id, score FROM ratings WHERE scope = $1 AND user_id = $2 AND film_id = ANY($3)", int64(scope), int64(user), films)
	if err != nil {
		return n, wrap(err)
	}
	for rows.Next() {
		var film int64
		var score int16
		if err := rows.Scan(&film, &score); err != nil {
			rows.Close()
			return n, wrap(err)
		}
		current[uint64(film)] = int(score)
	}
	if err := rows.Err(); err != nil {
		return n, wrap(err)
	}
	var scopes, fs, users []int64
	var scores []int32
	var ats []time.Time
	seen := map[uint64]bool{}
	for _, r := range rs {
		if seen[r.Film] {
			continue // one rating per film: the first given
		}
		seen[r.Film] = true
		old, had := current[r.Film]
		switch {
		case had && old == r.Score:
			n.Unchanged++
			continue
		case had:
			n.Updated++
		default:
			n.Added++
		}
		at := r.At.UTC().Truncate(time.Microsecond)
		if r.At.IsZero() {
			at = db.now()
		}
		scopes, fs, users, scores, ats = append(scopes, int64(scope)), append(fs, int64(r.Film)), append(users, int64(user)), append(scores, int32(r.Score)), append(ats, at)
	}
	if len(fs) > 0 {
		rows, err := tx.Query(ctx, groupSQL, scopes, fs, users, scores, ats)
		if err != nil {
			return n, wrap(err)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, wrap(err)
		}
	}
	return n, wrap(tx.Commit(ctx))
}

// Pending steps expire by the database's clock (now()), not the
// process's: processes whose clocks differ still agree on what has
// expired.

// PutPending keeps data for user in scope until ttl passes, in place of
// the member's step before (which gets a new id: the old one's buttons
// are spent), and removes the expired steps of everyone, in one statement.
func (db *DB) PutPending(ctx context.Context, scope storage.Scope, user uint64, data []byte, ttl time.Duration) (uint64, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var id int64
	err := db.pool.QueryRow(ctx, `WITH swept AS (
			DELETE FROM pending WHERE expires_at <= now() AND NOT (scope = $1 AND user_id = $2))
		INSERT INTO pending (scope, user_id, expires_at, data) VALUES ($1, $2, now() + make_interval(secs => $3::double precision), $4)
		ON CONFLICT (scope, user_id) DO UPDATE SET id = EXCLUDED.id, expires_at = EXCLUDED.expires_at, data = EXCLUDED.data
		RETURNING id`, int64(scope), int64(user), ttl.Seconds(), data).Scan(&id)
	if err != nil {
		return 0, wrap(err)
	}
	return uint64(id), nil
}

// Pending returns user's pending step id, left in place.
func (db *DB) Pending(ctx context.Context, scope storage.Scope, user, id uint64) ([]byte, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var data []byte
	err := db.pool.QueryRow(ctx, "SELECT data FROM pending WHERE id = $1 AND scope = $2 AND user_id = $3 AND expires_at > now()",
		int64(id), int64(scope), int64(user)).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("pending step %d: %w", id, storage.ErrNotFound)
	}
	return data, wrap(err)
}

// TakePending returns and removes user's pending step id.
func (db *DB) TakePending(ctx context.Context, scope storage.Scope, user, id uint64) ([]byte, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var data []byte
	var live bool
	err := db.pool.QueryRow(ctx, "DELETE FROM pending WHERE id = $1 AND scope = $2 AND user_id = $3 RETURNING expires_at > now(), data",
		int64(id), int64(scope), int64(user)).Scan(&live, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("pending step %d: %w", id, storage.ErrNotFound)
	}
	if err != nil {
		return nil, wrap(err)
	}
	if !live {
		return nil, fmt.Errorf("pending step %d expired: %w", id, storage.ErrNotFound)
	}
	return data, nil
}

// SweepPending removes every expired pending step.
func (db *DB) SweepPending(ctx context.Context) (int, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	tag, err := db.pool.Exec(ctx, "DELETE FROM pending WHERE expires_at <= now()")
	if err != nil {
		return 0, wrap(err)
	}
	return int(tag.RowsAffected()), nil
}
