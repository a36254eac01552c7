package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// A rating being written (its lock held, the rating in, the watchlist row
// out, not yet committed) and WatchlistAdd of that film at once: the add
// waits for the rating's commit and is refused, so the film is never
// rated and on the watchlist.
func TestWatchlistAddWaitsForARatingInFlight(t *testing.T) {
	db := open(t, Options{})
	ctx := context.Background()
	f, err := db.CreateFilm(ctx, 111, storage.Film{Title: "Race", Year: 2000})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{
		"SELECT pg_advisory_xact_lock($1)",
		"INSERT INTO ratings (scope, film_id, user_id, score, rated_at) VALUES (111, $1, 42, 8, now())",
		"DELETE FROM watchlist WHERE scope = 111 AND user_id = 42 AND film_id = $1",
	} {
		arg := any(int64(f.ID))
		if q == "SELECT pg_advisory_xact_lock($1)" {
			arg = ratingLock(111, f.ID, 42)
		}
		if _, err := tx.Exec(ctx, q, arg); err != nil {
			t.Fatal(err)
		}
	}
	type result struct {
		added bool
		err   error
	}
	done := make(chan result, 1)
	go func() {
		added, err := db.WatchlistAdd(ctx, 111, 42, f.ID)
		done <- result{added, err}
	}()
	// The add waits on the rating's lock (seen in pg_locks), not done.
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		var waiting int
		if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1`, ratingLock(111, f.ID, 42)).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("WatchlistAdd did not wait for the rating in flight: added %v, %v", r.added, r.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("WatchlistAdd never waited on the rating's lock")
		}
		<-tick.C
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.added || !errors.Is(r.err, storage.ErrRated) {
		t.Errorf("WatchlistAdd after the rating committed: added %v, %v; want ErrRated", r.added, r.err)
	}
	if on, _ := db.OnWatchlist(ctx, 111, 42, f.ID); on {
		t.Error("a rated film is on the watchlist")
	}
}
