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

// leaseNow is the time leases are judged by: NULL, which the queries
// read as clock_timestamp(), the database server's clock that every
// process shares; the test clock when Options.Now was set.
func (db *DB) leaseNow() *time.Time {
	if !db.fixed {
		return nil
	}
	t := db.now()
	return &t
}

// ClaimDueNights leases the open nights whose next step is due; rows
// another process is claiming at the same moment are skipped. Leases
// are judged and set by the database's clock.
func (db *DB) ClaimDueNights(ctx context.Context, now time.Time, owner string, lease time.Duration) ([]storage.Night, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, `WITH c AS (SELECT coalesce($4::timestamptz, clock_timestamp()) AS now)
		UPDATE nights SET lease_owner = $2, lease_until = (SELECT now FROM c) + $3 * interval '1 microsecond',
			record = jsonb_set(record, '{version}', to_jsonb(coalesce((record->>'version')::bigint, 0) + 1))
		WHERE id IN (SELECT id FROM nights WHERE open AND next_at <= $1
			AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until <= (SELECT now FROM c))
			ORDER BY next_at LIMIT 50 FOR UPDATE SKIP LOCKED)
		RETURNING record`, now, owner, lease.Microseconds(), db.leaseNow())
	if err != nil {
		return nil, wrap(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Night, error) { return scanNight(r) })
	return out, wrap(err)
}

// RenewNight extends owner's lease of n, by the database's clock, if
// owner still holds it and nothing saved or claimed n since.
func (db *DB) RenewNight(ctx context.Context, n storage.Night, owner string, lease time.Duration) error {
	ctx, cancel := db.q(ctx)
	defer cancel()
	tag, err := db.pool.Exec(ctx, `UPDATE nights SET lease_until = coalesce($5::timestamptz, clock_timestamp()) + $4 * interval '1 microsecond'
		WHERE id = $1 AND scope = $2 AND open AND lease_owner = $3 AND coalesce((record->>'version')::bigint, 0) = $6`,
		int64(n.ID), int64(n.Scope), owner, lease.Microseconds(), db.leaseNow(), int64(n.Version))
	if err != nil {
		return wrap(err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("night %d: the lease of %s is lost: %w", n.ID, owner, storage.ErrLeased)
	}
	return nil
}

// SaveNight stores n if nothing saved or claimed it since it was read,
// ending owner's lease with release.
func (db *DB) SaveNight(ctx context.Context, n storage.Night, owner string, release bool) (storage.Night, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	saved := n
	saved.Version++
	raw, err := json.Marshal(saved)
	if err != nil {
		return n, err
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var holder *string
		var version int64
		var live bool
		err := tx.QueryRow(ctx, `SELECT lease_owner, coalesce((record->>'version')::bigint, 0),
			coalesce(lease_until > coalesce($3::timestamptz, clock_timestamp()), false)
			FROM nights WHERE id = $1 AND scope = $2 FOR UPDATE`, int64(n.ID), int64(n.Scope), db.leaseNow()).Scan(&holder, &version, &live)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("night %d: %w", n.ID, storage.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if holder != nil && *holder != owner && live {
			return fmt.Errorf("night %d is being run by %s: %w", n.ID, *holder, storage.ErrLeased)
		}
		if uint64(version) != n.Version {
			return fmt.Errorf("night %d (version %d, saving %d): %w", n.ID, version, n.Version, storage.ErrChanged)
		}
		if release || holder == nil || *holder != owner {
			_, err = tx.Exec(ctx, "UPDATE nights SET record = $2, open = $3, next_at = $4, lease_owner = NULL, lease_until = NULL WHERE id = $1", int64(n.ID), raw, n.Open(), n.NextAt)
		} else {
			_, err = tx.Exec(ctx, "UPDATE nights SET record = $2, open = $3, next_at = $4 WHERE id = $1", int64(n.ID), raw, n.Open(), n.NextAt)
		}
		return err
	})
	if err != nil {
		return n, wrap(err)
	}
	return saved, nil
}
