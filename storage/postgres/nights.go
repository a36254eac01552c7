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

func scanNight(row pgx.Row) (storage.Night, error) {
	return scanJSON[storage.Night](row, "a movie night")
}

// CreateNight stores a new night, refusing a second open one in a scope.
func (db *DB) CreateNight(ctx context.Context, n storage.Night) (storage.Night, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := lockScope(ctx, tx, n.Scope); err != nil {
			return err
		}
		o, err := scanNight(tx.QueryRow(ctx, "SELECT record FROM nights WHERE scope = $1 AND open", int64(n.Scope)))
		if err == nil {
			n = o
			return fmt.Errorf("night %d: %w", o.ID, storage.ErrExists)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, "SELECT nextval('nights_id_seq')").Scan(&id); err != nil {
			return err
		}
		n.ID, n.CreatedAt = uint64(id), db.now()
		raw, err := json.Marshal(n)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO nights (id, scope, open, next_at, record) VALUES ($1, $2, $3, $4, $5)", id, int64(n.Scope), n.Open(), n.NextAt, raw)
		return err
	})
	return n, wrap(err)
}

// Nights lists scope's nights, newest first.
func (db *DB) Nights(ctx context.Context, scope storage.Scope) ([]storage.Night, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT record FROM nights WHERE scope = $1", int64(scope))
	if err != nil {
		return nil, wrap(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Night, error) { return scanNight(r) })
	storage.SortNights(out)
	return out, wrap(err)
}

// ClaimDueNights leases the open nights whose next step is due; rows
// another process is claiming at the same moment are skipped.
func (db *DB) ClaimDueNights(ctx context.Context, now time.Time, owner string, lease time.Duration) ([]storage.Night, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, `UPDATE nights SET lease_owner = $2, lease_until = $3
		WHERE id IN (SELECT id FROM nights WHERE open AND next_at <= $1
			AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $1)
			ORDER BY next_at LIMIT 50 FOR UPDATE SKIP LOCKED)
		RETURNING record`, now, owner, now.Add(lease))
	if err != nil {
		return nil, wrap(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Night, error) { return scanNight(r) })
	return out, wrap(err)
}

// SaveNight stores n, ending owner's lease with release.
func (db *DB) SaveNight(ctx context.Context, n storage.Night, owner string, release bool) error {
	ctx, cancel := db.q(ctx)
	defer cancel()
	raw, err := json.Marshal(n)
	if err != nil {
		return err
	}
	return wrap(pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var holder *string
		var until *time.Time
		err := tx.QueryRow(ctx, "SELECT lease_owner, lease_until FROM nights WHERE id = $1 AND scope = $2 FOR UPDATE", int64(n.ID), int64(n.Scope)).Scan(&holder, &until)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("night %d: %w", n.ID, storage.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if holder != nil && *holder != owner && until != nil && until.After(db.now()) {
			return fmt.Errorf("night %d is being run by %s: %w", n.ID, *holder, storage.ErrLocked)
		}
		if release {
			_, err = tx.Exec(ctx, "UPDATE nights SET record = $2, open = $3, next_at = $4, lease_owner = NULL, lease_until = NULL WHERE id = $1", int64(n.ID), raw, n.Open(), n.NextAt)
		} else {
			_, err = tx.Exec(ctx, "UPDATE nights SET record = $2, open = $3, next_at = $4 WHERE id = $1", int64(n.ID), raw, n.Open(), n.NextAt)
		}
		return err
	}))
}
