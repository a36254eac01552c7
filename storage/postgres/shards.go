package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// ShardConflict is a claim refused: those shards run elsewhere.
type ShardConflict struct {
	Held map[int]string // shard → the owner running it
}

// HeldShards says which shards run elsewhere, and by whom.
func (e *ShardConflict) HeldShards() map[int]string { return e.Held }

func (e *ShardConflict) Error() string {
	var parts []string
	for _, sh := range slices.Sorted(maps.Keys(e.Held)) {
		parts = append(parts, fmt.Sprintf("shard %d is run by %s", sh, e.Held[sh]))
	}
	return strings.Join(parts, ", ")
}

// Shards coordinates the gateway processes of one bot through the
// database they share: which process runs which shard (leases), and the
// identify turns. It shares the store's connections.
type Shards struct{ db *DB }

// Shards is the store's shard coordinator.
func (db *DB) Shards() storage.ShardCoordinator { return Shards{db} }

// ReserveIdentify takes the bucket's next identify turn, shared by every
// process on this database, by the database's clock: the turn is the later
// of now and the bucket's next one, which moves interval past it.
func (s Shards) ReserveIdentify(ctx context.Context, bucket int, interval time.Duration) (time.Duration, error) {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	var wait float64
	err := db.pool.QueryRow(ctx, `INSERT INTO identify_turns AS t (bucket, next_at) VALUES ($1, clock_timestamp() + $2 * interval '1 microsecond')
		ON CONFLICT (bucket) DO UPDATE SET next_at = greatest(t.next_at, clock_timestamp()) + $2 * interval '1 microsecond'
		RETURNING greatest(extract(epoch FROM t.next_at - clock_timestamp()) - $2 / 1e6, 0)`, bucket, interval.Microseconds()).Scan(&wait)
	if err != nil {
		return 0, wrap(err)
	}
	return time.Duration(wait * float64(time.Second)), nil
}

// ClaimShards claims shards of count for owner for lease, or renews
// owner's claims; shards another owner holds unexpired refuse the whole
// claim with a *ShardConflict. Claims of another shard count are
// stale (the bot was resharded) and taken over.
func (s Shards) ClaimShards(ctx context.Context, owner string, shards []int, count int, lease time.Duration) error {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return wrap(err)
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT shard, owner FROM shard_claims WHERE shard = ANY($1) AND owner <> $2 AND shard_count = $3
		AND expires_at > clock_timestamp() FOR UPDATE`, shards, owner, count)
	if err != nil {
		return wrap(err)
	}
	held := map[int]string{}
	for rows.Next() {
		var shard int
		var by string
		if err := rows.Scan(&shard, &by); err != nil {
			rows.Close()
			return wrap(err)
		}
		held[shard] = by
	}
	if err := rows.Err(); err != nil {
		return wrap(err)
	}
	if len(held) > 0 {
		return &ShardConflict{Held: held}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO shard_claims (shard, shard_count, owner, expires_at)
		SELECT s, $2, $3, clock_timestamp() + $4 * interval '1 microsecond' FROM unnest($1::int[]) AS s
		ON CONFLICT (shard) DO UPDATE SET shard_count = EXCLUDED.shard_count, owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at`,
		shards, count, owner, lease.Microseconds()); err != nil {
		return wrap(err)
	}
	return wrap(tx.Commit(ctx))
}

// ReleaseShards drops owner's claims.
func (s Shards) ReleaseShards(ctx context.Context, owner string) error {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	_, err := db.pool.Exec(ctx, "DELETE FROM shard_claims WHERE owner = $1", owner)
	return wrap(err)
}
