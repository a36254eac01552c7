package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
)

// SaveSourced stores a film from TMDB in the shared catalog, one row per
// TMDB id: the insert meets a concurrent one on the unique index
// films_tmdb (migration 009), and the loser takes the winner's row (same
// id) and replaces its fields, in one transaction.
func (db *DB) SaveSourced(ctx context.Context, f storage.Film) (storage.Film, error) {
	if f.TMDB == 0 || f.Title == "" {
		return f, fmt.Errorf("film %q (TMDB %d): SaveSourced needs a title and a TMDB id", f.Title, f.TMDB)
	}
	ctx, cancel := db.q(ctx)
	defer cancel()
	var saved storage.Film
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		now := db.now()
		var id int64
		if err := tx.QueryRow(ctx, "SELECT nextval('film_ids')").Scan(&id); err != nil {
			return err
		}
		saved = f
		saved.ID, saved.Scope, saved.CreatedAt, saved.UpdatedAt, saved.FetchedAt = uint64(id), storage.BuiltIn, now, now, now
		raw, err := json.Marshal(saved)
		if err != nil {
			return err
		}
		var got int64
		var old []byte
		// DO UPDATE (not DO NOTHING) locks the row it meets and returns it.
		err = tx.QueryRow(ctx, `INSERT INTO films (id, scope, title, year, record, tmdb_id, fetched_at) VALUES ($1, 0, $2, $3, $4, $5, $6)
			ON CONFLICT (tmdb_id) WHERE scope = 0 DO UPDATE SET tmdb_id = EXCLUDED.tmdb_id
			RETURNING id, record`, id, saved.Title, saved.Year, raw, tmdbID(saved), now).Scan(&got, &old)
		if err != nil {
			return err
		}
		if got != id {
			var o storage.Film
			if err := json.Unmarshal(old, &o); err != nil {
				return fmt.Errorf("film %d: %w", got, err)
			}
			saved = f.Resourced(o)
			saved.UpdatedAt, saved.FetchedAt = now, now
			if err := putFilm(ctx, tx, saved); err != nil {
				return err
			}
			if storage.SameNames(o, saved) {
				return nil // the catalog's indexes stay as they are
			}
		}
		return bumpCatalog(ctx, tx, storage.BuiltIn)
	})
	if err != nil {
		return f, wrap(err)
	}
	return saved, nil
}

// ClaimFetch claims the fetch of a TMDB film across processes: a row of
// tmdb_fetches (migration 010) with an expiry by the database's clock,
// taken when there is none or it has expired.
func (db *DB) ClaimFetch(ctx context.Context, tmdbID uint64, ttl time.Duration) (bool, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var claimed bool
	err := db.pool.QueryRow(ctx, `INSERT INTO tmdb_fetches (tmdb_id, until) VALUES ($1, now() + $2 * interval '1 microsecond')
		ON CONFLICT (tmdb_id) DO UPDATE SET until = EXCLUDED.until WHERE tmdb_fetches.until <= now()
		RETURNING true`, int64(tmdbID), ttl.Microseconds()).Scan(&claimed)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return claimed, wrap(err)
}

// FilmByTMDB returns the shared catalog's film of TMDB id tmdbID.
func (db *DB) FilmByTMDB(ctx context.Context, tmdbID uint64) (storage.Film, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	f, err := scanFilm(db.pool.QueryRow(ctx, "SELECT record FROM films WHERE scope = 0 AND tmdb_id = $1", int64(tmdbID)))
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("TMDB film %d: %w", tmdbID, storage.ErrNotFound)
	}
	return f, wrap(err)
}

// SourcedBefore lists the headers of the shared catalog's films from TMDB
// fetched before t, never fetched first, then oldest, at most limit, by
// the index films_fetched.
func (db *DB) SourcedBefore(ctx context.Context, t time.Time, limit int) ([]storage.Film, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	if limit < 0 {
		limit = 1 << 30
	}
	rows, err := db.pool.Query(ctx, `SELECT `+headerOf("record", "$3")+` FROM films
		WHERE scope = 0 AND tmdb_id IS NOT NULL AND (fetched_at IS NULL OR fetched_at < $1)
		ORDER BY fetched_at NULLS FIRST, id LIMIT $2`, t, limit, storage.HeaderOmits)
	if err != nil {
		return nil, wrap(err)
	}
	films, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Film, error) { return scanFilm(r) })
	return films, wrap(err)
}
