package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// twoProcesses opens one test database twice, as two processes would
// (two pools), closed when the test ends.
func twoProcesses(t *testing.T) (*DB, *DB) {
	t.Helper()
	url := pgtest.URL(t)
	var dbs []*DB
	for range 2 {
		db, err := Open(context.Background(), url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	return dbs[0], dbs[1]
}

// Turns to identify are shared by the processes: one per bucket per
// interval, whoever asks; another bucket does not wait.
func TestIdentifyTurnsAcrossProcesses(t *testing.T) {
	a, b := twoProcesses(t)
	ctx := context.Background()
	const interval = time.Hour // far beyond the calls' own time: the waits are exact to a second
	for k, db := range []*DB{a, b, a, b} {
		w, err := db.Shards().ReserveIdentify(ctx, 0, interval)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Duration(k) * interval; w < want-time.Second || w > want {
			t.Errorf("turn %d: wait %v, want about %v", k, w, want)
		}
	}
	if w, err := b.Shards().ReserveIdentify(ctx, 1, interval); err != nil || w > 10*time.Millisecond {
		t.Errorf("bucket 1 waited %v (%v)", w, err)
	}
	// All turns passed (the database's clock moved on past them, as the
	// test moves it: no waiting).
	if _, err := a.pool.Exec(ctx, `UPDATE identify_turns SET next_at = next_at - $1 * interval '1 microsecond' WHERE bucket = 0`, (4 * interval).Microseconds()); err != nil {
		t.Fatal(err)
	}
	if w, _ := a.Shards().ReserveIdentify(ctx, 0, interval); w > 10*time.Millisecond {
		t.Errorf("after the turns passed: wait %v", w)
	}
}

// A process cannot claim shards another one runs; its own claims renew;
// an expired or released claim, or one of another shard count, is taken.
func TestShardClaims(t *testing.T) {
	a, b := twoProcesses(t)
	ctx := context.Background()
	if err := a.Shards().ClaimShards(ctx, "a", []int{0, 1}, 4, time.Minute); err != nil {
		t.Fatal(err)
	}
	err := b.Shards().ClaimShards(ctx, "b", []int{1, 2}, 4, time.Minute)
	var conflict *ShardConflict
	if !errors.As(err, &conflict) || len(conflict.Held) != 1 || conflict.Held[1] != "a" || err.Error() != "shard 1 is run by a" {
		t.Fatalf("overlapping claim: %v", err)
	}
	if err := b.Shards().ClaimShards(ctx, "b", []int{2, 3}, 4, 150*time.Millisecond); err != nil {
		t.Errorf("shard 2 was left claimed by the refused claim: %v", err)
	}
	if err := a.Shards().ClaimShards(ctx, "a", []int{0, 1}, 4, time.Minute); err != nil {
		t.Errorf("renewal: %v", err)
	}
	// b's lease runs out (the test moves its expiry past, instead of
	// waiting 150 ms of the database's clock).
	if _, err := a.pool.Exec(ctx, `UPDATE shard_claims SET expires_at = expires_at - interval '1 second' WHERE owner = 'b'`); err != nil {
		t.Fatal(err)
	}
	if err := a.Shards().ClaimShards(ctx, "a", []int{2}, 4, time.Minute); err != nil {
		t.Errorf("an expired claim was not taken: %v", err)
	}
	if err := a.Shards().ReleaseShards(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := b.Shards().ClaimShards(ctx, "b", []int{0, 1, 2}, 4, time.Minute); err != nil {
		t.Errorf("after release: %v", err)
	}
	if err := a.Shards().ClaimShards(ctx, "a", []int{0}, 8, time.Minute); err != nil {
		t.Errorf("a claim of another shard count (resharded) should be taken over: %v", err)
	}
}
