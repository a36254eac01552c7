package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// sweepCounter counts what the store's sweeps removed.
type sweepCounter struct {
	storage.Store
	removed atomic.Int64
}

func (s *sweepCounter) SweepPending(ctx context.Context) (int, error) {
	n, err := s.Store.SweepPending(ctx)
	s.removed.Add(int64(n))
	return n, err
}

// The running bot removes expired import previews on its own, not only
// when a member makes another one.
func TestRunningBotSweepsExpiredPreviews(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "sweep.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.PutPending(ctx, storage.Scope(5), 7, []byte("an abandoned preview"), -time.Second); err != nil { // expired already
		t.Fatal(err)
	}
	sc := &sweepCounter{Store: db}
	stop := runNights(ctx, commands.New(sc), sc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer stop()
	if !eventually(10*time.Second, func() bool { return sc.removed.Load() == 1 }) {
		t.Fatal("the running bot never removed the expired preview")
	}
}
