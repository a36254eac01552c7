package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// poolFake is a ShardPool in memory on a fakeClock, as the database
// keeps it: leases by the clock, a live claim never taken.
type poolFake struct {
	mu     sync.Mutex
	clk    *fakeClock
	claims map[int]poolClaim
	procs  map[string]time.Time
	down   map[string]bool // owners the database cannot be reached from
}

type poolClaim struct {
	owner string
	exp   time.Time
}

var errDown = errors.New("database unreachable")

func (p *poolFake) Heartbeat(_ context.Context, owner string, lease time.Duration) (int, time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down[owner] {
		return 0, 0, errDown
	}
	now := p.clk.Now()
	maps.DeleteFunc(p.procs, func(_ string, exp time.Time) bool { return !now.Before(exp) })
	p.procs[owner] = now.Add(lease)
	var next time.Duration
	for o, exp := range p.procs {
		if o != owner && (next == 0 || exp.Sub(now) < next) {
			next = exp.Sub(now)
		}
	}
	return len(p.procs), next, nil
}

func (p *poolFake) ClaimFree(_ context.Context, owner string, count, want int, lease time.Duration) (claimed, over []int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down[owner] {
		return nil, nil, errDown
	}
	now := p.clk.Now()
	for n := 0; n < count && len(claimed) < want; n++ {
		c, ok := p.claims[n]
		if ok && now.Before(c.exp) {
			continue
		}
		p.claims[n] = poolClaim{owner, now.Add(lease)}
		claimed = append(claimed, n)
		if ok && c.owner != owner {
			over = append(over, n)
		}
	}
	return claimed, over, nil
}

func (p *poolFake) RenewShards(_ context.Context, owner string, shards []int, _ int, lease time.Duration) ([]int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down[owner] {
		return nil, errDown
	}
	now := p.clk.Now()
	var kept []int
	for _, n := range shards {
		if c, ok := p.claims[n]; ok && c.owner == owner && now.Before(c.exp) {
			p.claims[n] = poolClaim{owner, now.Add(lease)}
			kept = append(kept, n)
		}
	}
	return kept, nil
}

func (p *poolFake) ReleaseShard(_ context.Context, owner string, shard int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.claims[shard]; ok && c.owner == owner {
		delete(p.claims, shard)
	}
	return nil
}

func (p *poolFake) ReleaseShards(_ context.Context, owner string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	maps.DeleteFunc(p.claims, func(_ int, c poolClaim) bool { return c.owner == owner })
	delete(p.procs, owner)
	return nil
}

// fleet runs autoShards processes on one poolFake and plays Discord's
// side: which process runs which shard; a shard opened while another
// process runs it is an error.
type fleet struct {
	t      *testing.T
	clk    *fakeClock
	pool   *poolFake
	lease  time.Duration
	count  int
	mu     sync.Mutex
	runs   map[int]string // shard → the process running it
	events map[string]map[string]int
	procs  map[string]*fleetProc
}

type fleetProc struct {
	a      *autoShards
	cancel context.CancelFunc
	done   chan struct{}
}

func newFleet(t *testing.T, count int, lease time.Duration) *fleet {
	clk := newFakeClock()
	return &fleet{t: t, clk: clk, lease: lease, count: count, runs: map[int]string{}, events: map[string]map[string]int{}, procs: map[string]*fleetProc{},
		pool: &poolFake{clk: clk, claims: map[int]poolClaim{}, procs: map[string]time.Time{}, down: map[string]bool{}}}
}

func (f *fleet) start(name string) {
	run := shardRun{
		start: func(ctx context.Context, id int) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			if other, ok := f.runs[id]; ok && other != name {
				f.t.Errorf("shard %d opened by %s while %s runs it", id, name, other)
			}
			f.runs[id] = name
			return nil
		},
		stop: func(id int) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.runs[id] == name {
				delete(f.runs, id)
			}
		},
	}
	f.mu.Lock()
	f.events[name] = map[string]int{}
	f.mu.Unlock()
	a := newAutoShards(f.pool, name, f.count, f.lease, f.clk, slog.New(slog.NewTextHandler(io.Discard, nil)), run, nil, func(e string) {
		f.mu.Lock()
		f.events[name][e]++
		f.mu.Unlock()
	})
	ctx, cancel := context.WithCancel(context.Background())
	p := &fleetProc{a: a, cancel: cancel, done: make(chan struct{})}
	f.procs[name] = p
	go func() { defer close(p.done); a.loop(ctx) }()
	f.settle()
}

// kill ends a process as SIGKILL would: no release; Discord sees its
// connections close.
func (f *fleet) kill(name string) {
	p := f.procs[name]
	p.cancel()
	<-p.done
	delete(f.procs, name)
	f.mu.Lock()
	maps.DeleteFunc(f.runs, func(_ int, o string) bool { return o == name })
	f.mu.Unlock()
}

// settle waits until every process is waiting on its next tick.
func (f *fleet) settle() {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.clk.Pending() != len(f.procs) {
		if time.Now().After(deadline) {
			f.t.Fatalf("%d timers pending, %d processes", f.clk.Pending(), len(f.procs))
		}
		runtime.Gosched() // polls a condition
	}
	for _, p := range f.procs { // every shard started or stopped is so
		p.a.stopping.Wait()
		p.a.mu.Lock()
		var started []chan struct{}
		for _, h := range p.a.held {
			started = append(started, h.done)
		}
		p.a.mu.Unlock()
		for _, c := range started {
			<-c
		}
	}
}

// step moves the clock on by d and lets every process do what fell due.
func (f *fleet) step(d time.Duration) { f.clk.Advance(d); f.settle() }

// until steps by a twentieth of the lease until cond holds, within limit
// of fake time, and returns the time it took.
func (f *fleet) until(limit time.Duration, what string, cond func() bool) time.Duration {
	f.t.Helper()
	begin := f.clk.Now()
	for !cond() {
		if f.clk.Now().Sub(begin) > limit {
			f.t.Fatalf("not within %v: %s; running %v", limit, what, f.running())
		}
		f.step(f.lease / 20)
	}
	return f.clk.Now().Sub(begin)
}

func (f *fleet) running() map[string][]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]int{}
	for id, o := range f.runs {
		out[o] = append(out[o], id)
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out
}

// shares: every shard runs, and each process runs the given numbers.
func (f *fleet) shares(want map[string]int) func() bool {
	return func() bool {
		got := f.running()
		total := 0
		for o, ids := range got {
			total += len(ids)
			if len(ids) != want[o] {
				return false
			}
		}
		return total == f.count && len(got) == len(want)
	}
}

func (f *fleet) event(name, e string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.events[name][e]
}

// FILMBOT_SHARD_IDS=auto, three processes on 16 shards: the first takes
// all; a second gets half by hand-over, a third its share (6, 6, 4);
// the third killed, its shards are taken over by the others once its
// claims lapse, within the lease and a fiftieth; a process that stops
// gracefully frees its shards at once. No shard ever runs in two
// processes (the fleet checks every start).
func TestAutoShardsMove(t *testing.T) {
	const lease = 15 * time.Second
	f := newFleet(t, 16, lease)
	f.start("a")
	f.until(lease/5, "a takes all 16", f.shares(map[string]int{"a": 16}))
	f.start("b")
	took := f.until(lease, "b gets half by hand-over", f.shares(map[string]int{"a": 8, "b": 8}))
	if f.event("a", ShardHandedOver) != 8 || f.event("b", ShardClaimed) != 8 || f.event("b", ShardTakenOver) != 0 {
		t.Errorf("hand-over events: a %v, b %v", f.events["a"], f.events["b"])
	}
	t.Logf("hand-over to a new process: %v (fake clock; plus its identify turns)", took)
	f.start("c")
	f.until(lease, "c gets its share", func() bool {
		r := f.running()
		return len(r["a"]) == 6 && len(r["b"]) == 6 && len(r["c"]) == 4
	})
	for range 10 { // and it stays so
		f.step(lease / 4)
		if !f.shares(map[string]int{"a": 6, "b": 6, "c": 4})() {
			t.Fatalf("shares moved: %v", f.running())
		}
	}
	f.kill("c")
	killed := f.running()["c"]
	gap := f.until(2*lease, "a and b take c's shards over", f.shares(map[string]int{"a": 8, "b": 8}))
	if gap > lease+lease/20+lease/100 {
		t.Errorf("c's shards were without a process for %v, want at most the lease (%v) and a step", gap, lease)
	}
	if gap < lease*2/3 {
		t.Errorf("c's shards taken after %v, before its claims could lapse", gap)
	}
	if n := f.event("a", ShardTakenOver) + f.event("b", ShardTakenOver); n != 4 {
		t.Errorf("%d taken over, want c's 4 (%v)", n, killed)
	}
	t.Logf("after a kill, shards without a process for %v of fake time (lease %v; plus one identify turn)", gap, lease)
	// A graceful stop releases at once: b takes all within a tick.
	p := f.procs["a"]
	p.cancel()
	<-p.done
	p.a.close()
	delete(f.procs, "a")
	gap = f.until(lease, "b takes all", f.shares(map[string]int{"b": 16}))
	if gap > lease/3+lease/20 {
		t.Errorf("after a graceful stop, %v until b ran them all, want within a third of the lease", gap)
	}
}

// Fencing: a process that cannot reach the database stops its shards
// two thirds of the lease after its last renewal, before its claims
// lapse and another process claims them; the other takes them once they
// lapse; when the database is back, the first gets its share by
// hand-over again.
func TestAutoShardsFence(t *testing.T) {
	const lease = 15 * time.Second
	f := newFleet(t, 8, lease)
	f.start("a")
	f.start("b")
	f.until(lease, "halves", f.shares(map[string]int{"a": 4, "b": 4}))
	f.pool.mu.Lock()
	f.pool.down["a"] = true
	f.pool.mu.Unlock()
	cut := f.clk.Now()
	stopped := f.until(lease, "a stops its shards", func() bool { return len(f.running()["a"]) == 0 })
	if stopped > lease*2/3+lease/20 || f.event("a", ShardLost) != 4 { // two thirds of the lease, and a step of the test
		t.Errorf("a stopped its shards %v after the database went away (%d lost), want within two thirds of the lease", stopped, f.event("a", ShardLost))
	}
	if len(f.running()["b"]) != 4 {
		t.Errorf("b took shards before a's claims lapsed: %v", f.running())
	}
	f.until(lease, "b takes a's shards", f.shares(map[string]int{"b": 8}))
	if gap := f.clk.Now().Sub(cut); gap < lease*2/3 {
		t.Errorf("b took a's shards %v after a's last renewal", gap)
	}
	f.pool.mu.Lock()
	f.pool.down["a"] = false
	f.pool.mu.Unlock()
	f.until(lease, "a back with its share", f.shares(map[string]int{"a": 4, "b": 4}))
}
