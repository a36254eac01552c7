package postgres

import (
	"context"
	"errors"
	"slices"
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

// A bucket held (TakeIdentify) is held for every process until its
// holder is done (IdentifyDone: the next turn an interval from then) or
// the hold runs out; another bucket is free; a done for a hold that ran
// out and was taken again leaves the new holder's alone.
func TestIdentifyHeldAcrossProcesses(t *testing.T) {
	a, b := twoProcesses(t)
	ctx := context.Background()
	sa, sb := Shards{a}, Shards{b}
	const hold, interval = time.Hour, 10 * time.Minute // the calls' own time is nothing beside them
	w, held, err := sa.TakeIdentify(ctx, 0, hold)
	if err != nil || w != 0 || held.IsZero() {
		t.Fatalf("took: wait %v, held %v, %v", w, held, err)
	}
	if w, h, _ := sb.TakeIdentify(ctx, 0, hold); w < hold-time.Minute || !h.IsZero() {
		t.Errorf("while held: wait %v, held %v; want about the hold", w, h)
	}
	if w, _, _ := sb.TakeIdentify(ctx, 1, hold); w != 0 {
		t.Errorf("bucket 1 waited %v", w)
	}
	// A slow holder extends its hold; a stale end extends nothing.
	if end, err := sa.HoldIdentify(ctx, 0, held, 2*hold); err != nil || !end.After(held) {
		t.Fatalf("extended to %v (%v), want past %v", end, err, held)
	} else if again, _ := sa.HoldIdentify(ctx, 0, held, 2*hold); !again.IsZero() {
		t.Errorf("a stale hold extended: %v", again)
	} else {
		held = end
	}
	if w, _, _ := sb.TakeIdentify(ctx, 0, hold); w < 2*hold-time.Minute {
		t.Errorf("while extended: wait %v", w)
	}
	if err := sa.IdentifyDone(ctx, 0, held, interval); err != nil {
		t.Fatal(err)
	}
	if w, _, _ := sb.TakeIdentify(ctx, 0, hold); w < interval-time.Minute || w > interval {
		t.Errorf("after done: wait %v, want about the interval %v", w, interval)
	}
	// The turn passes (the database's clock moved on, as the test moves
	// it): b takes it; a's late done for its old hold changes nothing.
	if _, err := a.pool.Exec(ctx, `UPDATE identify_turns SET next_at = clock_timestamp() - interval '1 second' WHERE bucket = 0`); err != nil {
		t.Fatal(err)
	}
	w, bheld, err := sb.TakeIdentify(ctx, 0, hold)
	if err != nil || w != 0 {
		t.Fatalf("b after the turn: wait %v, %v", w, err)
	}
	if err := sa.IdentifyDone(ctx, 0, held, interval); err != nil {
		t.Fatal(err)
	}
	if w, _, _ := sa.TakeIdentify(ctx, 0, hold); w < hold-time.Minute {
		t.Errorf("a's stale done freed b's hold: wait %v", w)
	}
	if err := sb.IdentifyDone(ctx, 0, bheld, interval); err != nil {
		t.Fatal(err)
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

// FILMBOT_SHARD_IDS=auto in the store: heartbeats count the live
// processes; free shards are claimed, live claims never; a claim that
// lapsed is taken over (and said so) and not revived by its old owner;
// a released shard is free at once; leaving drops the heartbeat.
func TestShardPool(t *testing.T) {
	a, b := twoProcesses(t)
	ctx := context.Background()
	const lease = time.Minute
	lapse := func(owner string) { // the database's clock moves past owner's leases
		t.Helper()
		for _, q := range []string{"UPDATE shard_claims SET expires_at = clock_timestamp() - interval '1 second' WHERE owner = $1",
			"UPDATE shard_processes SET expires_at = clock_timestamp() - interval '1 second' WHERE owner = $1"} {
			if _, err := a.pool.Exec(ctx, q, owner); err != nil {
				t.Fatal(err)
			}
		}
	}
	if live, next, err := a.Shards().Heartbeat(ctx, "a", lease); err != nil || live != 1 || next != 0 {
		t.Fatalf("first heartbeat: %d %v %v", live, next, err)
	}
	if live, next, err := b.Shards().Heartbeat(ctx, "b", lease); err != nil || live != 2 || next < lease-5*time.Second || next > lease {
		t.Fatalf("second heartbeat: %d %v %v", live, next, err)
	}
	got, over, err := a.Shards().ClaimFree(ctx, "a", 4, 3, lease)
	if err != nil || !slices.Equal(got, []int{0, 1, 2}) || over != nil {
		t.Fatalf("a claimed %v (%v taken over) %v", got, over, err)
	}
	if got, _, err = b.Shards().ClaimFree(ctx, "b", 4, 3, lease); err != nil || !slices.Equal(got, []int{3}) {
		t.Fatalf("b claimed %v %v; want the one free shard", got, err)
	}
	if kept, err := a.Shards().RenewShards(ctx, "a", []int{0, 1, 2, 3}, 4, lease); err != nil || !slices.Equal(kept, []int{0, 1, 2}) {
		t.Fatalf("a renewed %v %v; want its own three", kept, err)
	}
	// A hand-over: a releases shard 2, b claims it at once.
	if err := a.Shards().ReleaseShard(ctx, "a", 2); err != nil {
		t.Fatal(err)
	}
	if got, over, err = b.Shards().ClaimFree(ctx, "b", 4, 1, lease); err != nil || !slices.Equal(got, []int{2}) || over != nil {
		t.Fatalf("b after the hand-over: %v (%v taken over) %v", got, over, err)
	}
	// a dies: its claims and heartbeat lapse; b takes shards 0 and 1 over.
	lapse("a")
	if kept, err := a.Shards().RenewShards(ctx, "a", []int{0, 1}, 4, lease); err != nil || len(kept) != 0 {
		t.Fatalf("a lapsed claim was renewed: %v %v", kept, err)
	}
	if live, _, err := b.Shards().Heartbeat(ctx, "b", lease); err != nil || live != 1 {
		t.Fatalf("after a lapsed: %d live %v", live, err)
	}
	if got, over, err = b.Shards().ClaimFree(ctx, "b", 4, 4, lease); err != nil || !slices.Equal(got, []int{0, 1}) || !slices.Equal(over, []int{0, 1}) {
		t.Fatalf("b took over %v (%v) %v", got, over, err)
	}
	if got, _, err = a.Shards().ClaimFree(ctx, "a", 4, 4, lease); err != nil || len(got) != 0 {
		t.Fatalf("a claimed %v of b's live claims: %v", got, err)
	}
	// b leaves: everything is free, nobody is live but a's new heartbeat.
	if err := b.Shards().ReleaseShards(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if live, _, err := a.Shards().Heartbeat(ctx, "a", lease); err != nil || live != 1 {
		t.Fatalf("after b left: %d live %v", live, err)
	}
	if got, over, err = a.Shards().ClaimFree(ctx, "a", 4, 4, lease); err != nil || len(got) != 4 || over != nil {
		t.Fatalf("a after b left: %v (%v) %v", got, over, err)
	}
}
