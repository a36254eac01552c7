package bot

import (
	"context"
	"errors"
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

// fakeClaims holds shard 1 for another process until freeAt on clk.
type fakeClaims struct {
	mu       sync.Mutex
	clk      *testClock
	freeAt   time.Time
	claims   int
	firstAt  time.Time // of the first claim that passed
	released bool
}

func (f *fakeClaims) ClaimShards(_ context.Context, owner string, shards []int, count int, lease time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if slices.Contains(shards, 1) && f.clk.Now().Before(f.freeAt) {
		return heldErr{1: "other"}
	}
	if f.claims == 0 {
		f.firstAt = f.clk.Now()
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
	lease := 15 * time.Second
	start := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	// claim runs claimShards, ending each of its waits, until it returns.
	claim := func(claims *fakeClaims) (func(), time.Duration, error) {
		type res struct {
			release func()
			err     error
		}
		out := make(chan res, 1)
		go func() {
			release, err := claimShards(context.Background(), Config{Claims: claims, Owner: "me", ShardLease: lease}, shardTestSessions(t, 0, 1), log, claims.clk, func(error) { t.Error("lost") })
			out <- res{release, err}
		}()
		for {
			claims.mu.Lock()
			claimed := claims.claims > 0 // the renewals' waits are the test's
			claims.mu.Unlock()
			tick := claims.clk.tick
			if claimed {
				tick = nil
			}
			select {
			case tick <- time.Time{}:
			case r := <-out:
				return r.release, claims.clk.Now().Sub(start), r.err
			}
		}
	}
	overlap := &fakeClaims{clk: &testClock{now: start, tick: make(chan time.Time)}, freeAt: start.Add(time.Hour)}
	_, waited, err := claim(overlap)
	if err == nil || !strings.Contains(err.Error(), "FILMBOT_SHARD_IDS overlap") || !strings.Contains(err.Error(), "shard 1 is run by other") {
		t.Errorf("overlapping ranges: %v", err)
	}
	if waited < lease || waited > lease+lease/6+lease/10 {
		t.Errorf("gave up after %v, want a lease and a sixth (%v)", waited, lease+lease/6)
	}
	stale := &fakeClaims{clk: &testClock{now: start, tick: make(chan time.Time)}, freeAt: start.Add(lease / 2)}
	release, _, err := claim(stale)
	if err != nil {
		t.Fatalf("a claim left by a dead process was not taken when it expired: %v", err)
	}
	stale.mu.Lock()
	claimed := stale.firstAt.Sub(start)
	stale.mu.Unlock()
	if claimed != lease/2 {
		t.Errorf("claimed %v after the start, want when the stale claim expired (%v)", claimed, lease/2)
	}
	for range 2 { // renewed every third of the lease
		if err := stale.clk.next(nil); err != nil {
			t.Fatal(err)
		}
	}
	release()
	stale.mu.Lock()
	defer stale.mu.Unlock()
	if stale.claims < 3 || !stale.released { // claim's last tick may have gone to the renewer
		t.Errorf("%d claims, want the first and two renewals at least; released %v", stale.claims, stale.released)
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

// testClock is a clock on which each wait takes exactly as long as asked,
// and ends when the test says: After moves the clock on by d (the
// renewal that asked for it is done), and the test's tick ends the wait.
type testClock struct {
	mu   sync.Mutex
	now  time.Time
	tick chan time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.tick
}

// next ends the renewer's wait, or returns what lost got if it stopped.
func (c *testClock) next(lost <-chan error) error {
	select {
	case c.tick <- time.Time{}:
		return nil
	case err := <-lost:
		return err
	}
}

// renewals fails every renewal after the first claim, with err.
type renewals struct {
	mu       sync.Mutex
	calls    int
	err      error
	released []string
}

func (r *renewals) ClaimShards(context.Context, string, []int, int, time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls > 1 {
		return r.err
	}
	return nil
}

func (r *renewals) ReleaseShards(_ context.Context, owner string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.released = append(r.released, owner)
	return nil
}

// A process that cannot renew its shards' claim stops them before the
// claim runs out: two thirds of the lease after the last renewal that
// passed (10 s of 15 s, after renewals that failed at 5, 6.5, 8 and 9.5 s);
// one whose shards another process took over stops them at once (5 s).
// Before, a failed renewal was only logged and the shards kept running.
func TestClaimShardsLost(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []struct {
		what     string
		err      error
		renewals int
		after    time.Duration
	}{
		{"the database is away", errors.New("connection refused"), 5, 10 * time.Second},
		{"another process took them", heldErr{1: "other"}, 1, 5 * time.Second},
	} {
		t.Run(c.what, func(t *testing.T) {
			start := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			clk := &testClock{now: start, tick: make(chan time.Time)}
			claims := &renewals{err: c.err}
			lost := make(chan error, 1)
			release, err := claimShards(context.Background(), Config{Claims: claims, Owner: "me", ShardLease: 15 * time.Second}, shardTestSessions(t, 0, 1), log, clk,
				func(err error) { lost <- err })
			if err != nil {
				t.Fatal(err)
			}
			for n := 1; ; n++ {
				err := clk.next(lost)
				if err == nil {
					continue
				}
				if !errors.Is(err, errShardsLost) || n-1 != c.renewals || clk.Now().Sub(start) != c.after {
					t.Errorf("stopped after %d renewals, %v after the claim: %v; want %d, %v", n-1, clk.Now().Sub(start), err, c.renewals, c.after)
				}
				break
			}
			release()
			if !slices.Equal(claims.released, []string{"me"}) {
				t.Errorf("released %v", claims.released)
			}
		})
	}
}

// Owner ids are random: two processes of one name (two containers, each
// PID 1) are two owners.
func TestOwnerID(t *testing.T) {
	a, b := OwnerID("filmbot"), OwnerID("filmbot")
	if a == b || !strings.HasPrefix(a, "filmbot/") || len(a) != len("filmbot/")+16 {
		t.Errorf("owner ids %q and %q", a, b)
	}
}
