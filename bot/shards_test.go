package bot

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestParseAndFormatShardIDs(t *testing.T) {
	for in, want := range map[string][]int{"": nil, "0-3": {0, 1, 2, 3}, "4,5": {4, 5}, " 6 , 0-1,1": {0, 1, 6}, "7": {7}} {
		got, err := ParseShardIDs(in, 16)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"x", "3-1", "-1", "0-16", "1,,2", "1-", "16"} {
		if _, err := ParseShardIDs(bad, 16); err == nil || !strings.Contains(err.Error(), "FILMBOT_SHARD_IDS") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if got := FormatShardIDs([]int{0, 1, 2, 3, 6, 8, 9}); got != "0-3,6,8-9" {
		t.Errorf("format: %q", got)
	}
}

// heldErr is a claim refused, as a store reports it.
type heldErr map[int]string

func (h heldErr) Error() string              { return "shard 1 is run by other" }
func (h heldErr) HeldShards() map[int]string { return h }

// fakeClaims holds shard 1 for another process until freeAt.
type fakeClaims struct {
	mu       sync.Mutex
	freeAt   time.Time
	claims   int
	released bool
}

func (f *fakeClaims) ClaimShards(_ context.Context, owner string, shards []int, count int, lease time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if slices.Contains(shards, 1) && time.Now().Before(f.freeAt) {
		return heldErr{1: "other"}
	}
	f.claims++
	return nil
}

func (f *fakeClaims) ReleaseShards(context.Context, string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.released = true
	return nil
}

func shardTestSessions(t *testing.T, ids ...int) []*discordgo.Session {
	var out []*discordgo.Session
	for _, id := range ids {
		s, _ := discordgo.New("Bot x")
		s.ShardID, s.ShardCount = id, 4
		out = append(out, s)
	}
	return out
}

// A claim held elsewhere is waited for while the holder's lease could
// still run out (a process killed a moment ago); still held after that,
// the ranges overlap and the process says so. Claims are renewed and,
// at the end, released.
func TestClaimShards(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	lease := 300 * time.Millisecond
	overlap := &fakeClaims{freeAt: time.Now().Add(time.Hour)}
	_, err := claimShards(context.Background(), Config{Claims: overlap, Owner: "me", ShardLease: lease}, shardTestSessions(t, 0, 1), log)
	if err == nil || !strings.Contains(err.Error(), "FILMBOT_SHARD_IDS overlap") || !strings.Contains(err.Error(), "shard 1 is run by other") {
		t.Errorf("overlapping ranges: %v", err)
	}
	stale := &fakeClaims{freeAt: time.Now().Add(lease / 2)}
	release, err := claimShards(context.Background(), Config{Claims: stale, Owner: "me", ShardLease: lease}, shardTestSessions(t, 0, 1), log)
	if err != nil {
		t.Fatalf("a claim left by a dead process was not taken when it expired: %v", err)
	}
	time.Sleep(lease) // renewed every third of the lease
	release()
	stale.mu.Lock()
	defer stale.mu.Unlock()
	if stale.claims < 3 || !stale.released {
		t.Errorf("%d claims (want the first and renewals), released %v", stale.claims, stale.released)
	}
}

// The local gate: one turn per bucket per interval.
func TestLocalGate(t *testing.T) {
	g := newLocalGate()
	ctx := context.Background()
	var waits []time.Duration
	for _, bucket := range []int{0, 1, 0, 0} {
		w, _ := g.ReserveIdentify(ctx, bucket, time.Second)
		waits = append(waits, w.Round(100*time.Millisecond))
	}
	if !slices.Equal(waits, []time.Duration{0, 0, time.Second, 2 * time.Second}) {
		t.Errorf("waits %v", waits)
	}
}
