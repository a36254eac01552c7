package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/jackc/pgx/v5"
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

// TakeIdentify takes the bucket's identify turn if nobody holds it now,
// for hold at most, by the database's clock: it returns 0 and the hold's
// end (for IdentifyDone). Else it returns how long the current holder may
// still hold it (try again sooner: it may be done).
func (s Shards) TakeIdentify(ctx context.Context, bucket int, hold time.Duration) (time.Duration, time.Time, error) {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	var end time.Time
	var left float64
	err := db.pool.QueryRow(ctx, `WITH took AS (
			INSERT INTO identify_turns AS t (bucket, next_at) VALUES ($1, clock_timestamp() + $2 * interval '1 microsecond')
			ON CONFLICT (bucket) DO UPDATE SET next_at = EXCLUDED.next_at WHERE t.next_at <= clock_timestamp()
			RETURNING next_at
		)
		SELECT coalesce((SELECT next_at FROM took), 'epoch'::timestamptz),
			coalesce((SELECT greatest(extract(epoch FROM next_at - clock_timestamp()), 0) FROM identify_turns WHERE bucket = $1), 0)`,
		bucket, hold.Microseconds()).Scan(&end, &left)
	if err != nil {
		return 0, time.Time{}, wrap(err)
	}
	if end.Unix() > 0 {
		return 0, end, nil
	}
	// Held (or just freed, then looked at again at once).
	return max(time.Duration(left*float64(time.Second)), time.Millisecond), time.Time{}, nil
}

// HoldIdentify extends a hold TakeIdentify gave (held: its end) to hold
// from now, while the shard is still connecting (a slow machine), and
// returns its new end; the zero time if the hold ran out before.
func (s Shards) HoldIdentify(ctx context.Context, bucket int, held time.Time, hold time.Duration) (time.Time, error) {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	var end time.Time
	err := db.pool.QueryRow(ctx, `UPDATE identify_turns SET next_at = clock_timestamp() + $3 * interval '1 microsecond'
		WHERE bucket = $1 AND next_at = $2 AND next_at > clock_timestamp() RETURNING next_at`, bucket, held, hold.Microseconds()).Scan(&end)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	return end, wrap(err)
}

// IdentifyDone ends the hold TakeIdentify gave (held: its end) once the
// shard's IDENTIFY is known to have reached Discord (its READY came): the
// bucket's next turn is interval from now. A hold that ran out (and may
// be another's now) is left alone.
func (s Shards) IdentifyDone(ctx context.Context, bucket int, held time.Time, interval time.Duration) error {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	_, err := db.pool.Exec(ctx, `UPDATE identify_turns SET next_at = clock_timestamp() + $3 * interval '1 microsecond'
		WHERE bucket = $1 AND next_at = $2`, bucket, held, interval.Microseconds())
	return wrap(err)
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

// ReleaseShards drops owner's claims, and its heartbeat: the other
// processes count one fewer and take its shards at once.
func (s Shards) ReleaseShards(ctx context.Context, owner string) error {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	_, err := db.pool.Exec(ctx, `WITH c AS (DELETE FROM shard_claims WHERE owner = $1)
		DELETE FROM shard_processes WHERE owner = $1`, owner)
	return wrap(err)
}

// Heartbeat records owner as a live gateway process for lease and says
// how many are live (owner included) and how long until the next other
// process's heartbeat lapses (0: none live), by the database's clock.
// Lapsed heartbeats are dropped.
func (s Shards) Heartbeat(ctx context.Context, owner string, lease time.Duration) (int, time.Duration, error) {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, 0, wrap(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM shard_processes WHERE expires_at <= clock_timestamp()`); err != nil {
		return 0, 0, wrap(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO shard_processes (owner, expires_at) VALUES ($1, clock_timestamp() + $2 * interval '1 microsecond')
		ON CONFLICT (owner) DO UPDATE SET expires_at = EXCLUDED.expires_at`, owner, lease.Microseconds()); err != nil {
		return 0, 0, wrap(err)
	}
	var live int
	var next float64
	if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(extract(epoch FROM min(expires_at) FILTER (WHERE owner <> $1) - clock_timestamp()), 0)
		FROM shard_processes`, owner).Scan(&live, &next); err != nil {
		return 0, 0, wrap(err)
	}
	return live, time.Duration(max(next, 0) * float64(time.Second)), wrap(tx.Commit(ctx))
}

// ClaimFree claims for owner, for lease, up to want of the shards (of
// count) nobody holds: never claimed, released, or whose claim has
// lapsed (or is of another shard count). A live claim is never taken.
// It returns the shards claimed, and among them those taken over from
// another process's lapsed claim.
func (s Shards) ClaimFree(ctx context.Context, owner string, count, want int, lease time.Duration) (claimed, takenOver []int, err error) {
	if want <= 0 {
		return nil, nil, nil
	}
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, `WITH free AS (
			SELECT n, c.owner AS prev FROM generate_series(0, $2::int - 1) AS n LEFT JOIN shard_claims c ON c.shard = n
			WHERE c.shard IS NULL OR c.expires_at <= clock_timestamp() OR c.shard_count <> $2
			ORDER BY n LIMIT $3
		), took AS (
			INSERT INTO shard_claims AS t (shard, shard_count, owner, expires_at)
			SELECT n, $2, $1, clock_timestamp() + $4 * interval '1 microsecond' FROM free
			ON CONFLICT (shard) DO UPDATE SET shard_count = EXCLUDED.shard_count, owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
				WHERE t.expires_at <= clock_timestamp() OR t.shard_count <> EXCLUDED.shard_count
			RETURNING shard
		)
		SELECT took.shard, coalesce(free.prev, '') FROM took JOIN free ON free.n = took.shard ORDER BY took.shard`, owner, count, want, lease.Microseconds())
	if err != nil {
		return nil, nil, wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var prev string
		if err := rows.Scan(&n, &prev); err != nil {
			return nil, nil, wrap(err)
		}
		claimed = append(claimed, n)
		if prev != "" && prev != owner {
			takenOver = append(takenOver, n)
		}
	}
	return claimed, takenOver, wrap(rows.Err())
}

// RenewShards renews owner's live claims on shards (of count) for lease
// and returns the shards still owner's: a claim that lapsed is not
// revived (another process may have it now).
func (s Shards) RenewShards(ctx context.Context, owner string, shards []int, count int, lease time.Duration) ([]int, error) {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, `UPDATE shard_claims SET expires_at = clock_timestamp() + $4 * interval '1 microsecond'
		WHERE owner = $1 AND shard = ANY($2) AND shard_count = $3 AND expires_at > clock_timestamp() RETURNING shard`,
		owner, shards, count, lease.Microseconds())
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var kept []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, wrap(err)
		}
		kept = append(kept, n)
	}
	slices.Sort(kept)
	return kept, wrap(rows.Err())
}

// ReleaseShard drops owner's claim on one shard (a hand-over: the shard
// is already stopped), and only owner's.
func (s Shards) ReleaseShard(ctx context.Context, owner string, shard int) error {
	db := s.db
	ctx, cancel := db.q(ctx)
	defer cancel()
	_, err := db.pool.Exec(ctx, "DELETE FROM shard_claims WHERE owner = $1 AND shard = $2", owner, shard)
	return wrap(err)
}
