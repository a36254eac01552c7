package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// Two processes whose clocks differ by an hour agree on a preview's
// expiry: the database's clock judges it, not the process's. (Judged by
// the process clock, the preview put by the one process had expired for
// the other before it was made.)
func TestPendingExpiryByDatabaseClock(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	var dbs []*DB
	for _, skew := range []time.Duration{0, time.Hour, -time.Hour} {
		db, err := Open(ctx, url, Options{Now: func() time.Time { return time.Now().Add(skew) }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	id, err := dbs[0].PutPending(ctx, storage.Scope(5), 7, []byte("preview"), 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := dbs[1].Pending(ctx, storage.Scope(5), 7, id); err != nil || string(data) != "preview" {
		t.Errorf("a process an hour ahead: %q %v", data, err)
	}
	if n, err := dbs[1].SweepPending(ctx); err != nil || n != 0 {
		t.Errorf("a process an hour ahead swept %d, %v", n, err)
	}
	if data, err := dbs[1].TakePending(ctx, storage.Scope(5), 7, id); err != nil || string(data) != "preview" {
		t.Errorf("a process an hour ahead took: %q %v", data, err)
	}
	id, _ = dbs[0].PutPending(ctx, storage.Scope(5), 7, []byte("done"), -time.Second)
	if _, err := dbs[2].Pending(ctx, storage.Scope(5), 7, id); err == nil {
		t.Error("a process an hour behind read an expired preview")
	}
}
