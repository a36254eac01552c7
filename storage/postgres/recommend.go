package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
)

// RatingsSince reads scope's ratings version and the ratings changed
// since version since, or all of them (storage.Ratings), in one snapshot.
// The triggers of migration 011 keep the version and the log.
func (db *DB) RatingsSince(ctx context.Context, scope storage.Scope, since uint64) (storage.RatingChanges, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var out storage.RatingChanges
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		out = storage.RatingChanges{}
		var v, oldest int64
		err := tx.QueryRow(ctx, `SELECT coalesce((SELECT version FROM rating_versions WHERE scope = $1), 0),
			coalesce((SELECT min(version) FROM rating_log WHERE scope = $1), 0)`, int64(scope)).Scan(&v, &oldest)
		if err != nil {
			return err
		}
		out.Version = uint64(v)
		if since != 0 && since == out.Version {
			return nil
		}
		sql := "SELECT user_id, film_id, score FROM rating_log WHERE scope = $1 AND version > $2 ORDER BY version"
		arg := int64(since)
		if since == 0 || since > out.Version || int64(since) < oldest-1 || oldest == 0 {
			out.Full = true
			sql = "SELECT user_id, film_id, score FROM ratings WHERE scope = $1 AND $2::bigint IS NOT NULL"
		}
		rows, err := tx.Query(ctx, sql, int64(scope), arg)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var user, film int64
			var score int16
			if err := rows.Scan(&user, &film, &score); err != nil {
				return err
			}
			out.Ratings = append(out.Ratings, storage.Rating{Scope: scope, User: uint64(user), Film: uint64(film), Score: int(score)})
		}
		return rows.Err()
	})
	return out, wrap(err)
}

// NotInterested marks film as one user does not want offered again.
func (db *DB) NotInterested(ctx context.Context, scope storage.Scope, user, film uint64) (bool, error) {
	if scope == storage.BuiltIn {
		return false, errors.New("marks belong to a server")
	}
	ctx, cancel := db.q(ctx)
	defer cancel()
	var visible, added bool
	err := db.pool.QueryRow(ctx, `WITH f AS (SELECT 1 FROM films WHERE id = $3 AND scope IN (0, $1)),
		ins AS (INSERT INTO not_interested (scope, user_id, film_id) SELECT $1, $2, $3
			WHERE EXISTS (SELECT 1 FROM f) ON CONFLICT DO NOTHING RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM f), EXISTS (SELECT 1 FROM ins)`, int64(scope), int64(user), int64(film)).Scan(&visible, &added)
	if err != nil {
		return false, wrap(err)
	}
	if !visible {
		return false, fmt.Errorf("film %d: %w", film, storage.ErrNotFound)
	}
	return added, nil
}

// NotInterestedFilms lists the films user marked not interested in scope.
func (db *DB) NotInterestedFilms(ctx context.Context, scope storage.Scope, user uint64) ([]uint64, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT film_id FROM not_interested WHERE scope = $1 AND user_id = $2 ORDER BY film_id", int64(scope), int64(user))
	if err != nil {
		return nil, wrap(err)
	}
	ids, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (uint64, error) {
		var id int64
		err := r.Scan(&id)
		return uint64(id), err
	})
	return ids, wrap(err)
}
