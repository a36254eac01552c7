package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// IdentifyGate paces gateway identifies: Discord lets one shard per
// bucket (shard_id % max_concurrency) identify per 5 s, counted across
// every process of the bot.
type IdentifyGate interface {
	// ReserveIdentify takes the bucket's next turn and returns how long
	// to wait for it; turns are interval apart.
	ReserveIdentify(ctx context.Context, bucket int, interval time.Duration) (time.Duration, error)
}

// IdentifyLock is an IdentifyGate that can pace by when identifies are
// known to have reached Discord rather than by when they were due (the
// shared store's, PostgreSQL): a shard holds its bucket from its turn
// until its READY comes, and the next turn is the interval after that.
// A turn reserved in advance can be late (the connection's set-up, a
// busy machine), which brought two identifies of a bucket closer than
// the interval; a held turn cannot.
type IdentifyLock interface {
	// TakeIdentify takes the bucket if free now, for hold at most, and
	// returns 0 and the hold's end; else how long it may stay held.
	TakeIdentify(ctx context.Context, bucket int, hold time.Duration) (wait time.Duration, held time.Time, err error)
	// HoldIdentify extends a hold to hold from now while the shard still
	// connects and returns its new end (zero: it ran out before).
	HoldIdentify(ctx context.Context, bucket int, held time.Time, hold time.Duration) (time.Time, error)
	// IdentifyDone ends the hold: the next turn is interval from now.
	IdentifyDone(ctx context.Context, bucket int, held time.Time, interval time.Duration) error
}

// localGate paces the identifies of one process.
type localGate struct {
	mu   sync.Mutex
	next map[int]time.Time
}

func newLocalGate() *localGate { return &localGate{next: map[int]time.Time{}} }

func (g *localGate) ReserveIdentify(_ context.Context, bucket int, interval time.Duration) (time.Duration, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	turn := g.next[bucket]
	if turn.Before(now) {
		turn = now
	}
	g.next[bucket] = turn.Add(interval)
	return turn.Sub(now), nil
}

// ShardClaims records which process runs which shard, with a lease, so
// that two processes never run the same shard.
type ShardClaims interface {
	// ClaimShards claims shards (of count) for owner, or renews its
	// claims; shards another owner holds with a live lease make it fail,
	// claiming none, with an error that has a HeldShards() map[int]string
	// method (shard → owner).
	ClaimShards(ctx context.Context, owner string, shards []int, count int, lease time.Duration) error
	// ReleaseShards gives owner's claims up, and only owner's.
	ReleaseShards(ctx context.Context, owner string) error
}

// shardsHeld is the error of a claim refused because other processes
// run some of the shards.
type shardsHeld interface{ HeldShards() map[int]string }

// OwnerID names this process in shared leases (shards' claims, movie
// nights' steps): name, then 16 random hex digits. Never the PID: two
// containers of one name each run as PID 1, and must not be one owner.
func OwnerID(name string) string {
	var b [8]byte
	rand.Read(b[:])
	return name + "/" + hex.EncodeToString(b[:])
}

// errShardsLost is a process that can no longer renew its shards' claim:
// it stops its shards before the claim runs out.
var errShardsLost = errors.New("the shards' claim could not be renewed; shards stopped before it ran out, so that no other process runs them at the same time")

// shardClock is what claims' renewals read of time (tests move it).
type shardClock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
func (realClock) AfterFunc(d time.Duration, f func()) Timer {
	return time.AfterFunc(d, f)
}

// claimShards claims this process's shards before any connects. A claim
// held by another process is waited for until its lease would have
// expired (a process killed a moment ago leaves one behind); one still
// held then means the ranges overlap, which is an error. The claims are
// renewed every third of the lease until release; a renewal refused
// (another process holds them) or failing until two thirds of the lease
// have passed since the last that succeeded calls lost, once, which must
// stop the shards: the last third is the time to close them.
func claimShards(ctx context.Context, cfg Config, sessions []*discordgo.Session, log *slog.Logger, clk shardClock, lost func(error)) (release func(), err error) {
	lease := cfg.ShardLease
	if lease == 0 {
		lease = 15 * time.Second
	}
	ids := make([]int, len(sessions))
	for k, sh := range sessions {
		ids[k] = sh.ShardID
	}
	count := sessions[0].ShardCount
	give := clk.Now().Add(lease + lease/6)
	var lastOK time.Time
	for {
		lastOK = clk.Now()
		err = cfg.Claims.ClaimShards(ctx, cfg.Owner, ids, count, lease)
		var conflict shardsHeld
		if err == nil {
			break
		}
		if !errors.As(err, &conflict) {
			return nil, fmt.Errorf("claiming shards %v: %w", ids, err)
		}
		if clk.Now().After(give) {
			return nil, fmt.Errorf("FILMBOT_SHARD_IDS overlap another process's: %w; give each process its own shards", err)
		}
		log.Warn("shards claimed by another process; waiting for its claim to expire (if it still runs, FILMBOT_SHARD_IDS overlap)", "conflict", err.Error())
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-clk.After(lease / 10):
		}
	}
	log.Info("shards claimed", "ids", FormatShardIDs(ids), "of", count, "owner", cfg.Owner)
	rctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait := lease / 3
		for {
			select {
			case <-rctx.Done():
				return
			case <-clk.After(wait):
			}
			sent := clk.Now()
			err := cfg.Claims.ClaimShards(rctx, cfg.Owner, ids, count, lease)
			if rctx.Err() != nil {
				return
			}
			var conflict shardsHeld
			switch {
			case err == nil:
				lastOK, wait = sent, lease/3
				continue
			case errors.As(err, &conflict):
				log.Error("another process took this process's shards over; stopping them", "conflict", err.Error())
				lost(fmt.Errorf("%w: %v", errShardsLost, err))
				return
			}
			left := lastOK.Add(lease * 2 / 3).Sub(clk.Now())
			if left <= 0 {
				log.Error("renewing the shards' claim kept failing; stopping the shards before it runs out", "err", err)
				lost(fmt.Errorf("%w: %v", errShardsLost, err))
				return
			}
			log.Error("renewing the shards' claim failed; trying again", "err", err, "stop_in", left.Round(time.Millisecond))
			wait = min(lease/10, left)
		}
	}()
	return func() {
		stop()
		<-done
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := cfg.Claims.ReleaseShards(sctx, cfg.Owner); err != nil {
			log.Warn("releasing the shards' claim failed; it expires by itself", "err", err)
		}
	}, nil
}

// shardSessions returns a session per shard this process runs, s first,
// and how many of the bot's shards may identify at once.
func shardSessions(cfg Config, s *discordgo.Session) ([]*discordgo.Session, int, error) {
	count, concurrency, err := shardCount(cfg, s)
	if err != nil {
		return nil, 0, err
	}
	ids := cfg.ShardIDs
	if ids == nil {
		for k := range count {
			ids = append(ids, k)
		}
	}
	for _, id := range ids {
		if id >= count {
			return nil, 0, fmt.Errorf("FILMBOT_SHARD_IDS names shard %d, and the bot has %d shards (0–%d)", id, count, count-1)
		}
	}
	sessions := []*discordgo.Session{s}
	for range ids[1:] {
		sh, err := NewSession(cfg)
		if err != nil {
			return nil, 0, err
		}
		sessions = append(sessions, sh)
	}
	for k, sh := range sessions {
		sh.ShardID, sh.ShardCount = ids[k], count
	}
	return sessions, concurrency, nil
}

// shardCount is how many shards the bot has (cfg.Shards, or Discord's
// recommendation) and how many may identify at once.
func shardCount(cfg Config, s *discordgo.Session) (count, concurrency int, err error) {
	count, concurrency = cfg.Shards, 1
	gb, err := s.GatewayBot()
	switch {
	case err == nil:
		if count <= 0 {
			count = gb.Shards
		}
		concurrency = max(gb.SessionStartLimit.MaxConcurrency, 1)
	case count <= 0:
		return 0, 0, fmt.Errorf("asking how many shards to run: %w", err)
	}
	return max(count, 1), concurrency, nil
}

// runPool is Run for FILMBOT_SHARD_IDS=auto: the process runs the shards
// it claims from cfg.Pool, each on a session of its own (s, the first,
// carries only REST calls), until ctx ends; then it finishes the
// interactions in flight, stops its shards and releases their claims.
func runPool(ctx context.Context, cfg Config, b *Bot, log *slog.Logger, count int, attach func(*discordgo.Session),
	identifyTurn func(context.Context, int) (bool, func()), noReady func(), registered <-chan struct{}) error {
	var mu sync.Mutex
	open := map[int]*discordgo.Session{}
	run := shardRun{
		start: func(ctx context.Context, id int) error {
			sh, err := NewSession(cfg)
			if err != nil {
				return err
			}
			sh.ShardID, sh.ShardCount = id, count
			attach(sh)
			ok, done := identifyTurn(ctx, id)
			if !ok {
				return ctx.Err()
			}
			err = sh.Open()
			done()
			if err != nil {
				return fmt.Errorf("connect to Discord (shard %d of %d): %w", id, count, err)
			}
			mu.Lock()
			open[id] = sh
			mu.Unlock()
			return nil
		},
		stop: func(id int) {
			mu.Lock()
			sh := open[id]
			delete(open, id)
			mu.Unlock()
			if sh != nil {
				sh.Close()
			}
		},
	}
	pool := newAutoShards(cfg.Pool, cfg.Owner, count, cfg.ShardLease, realClock{}, log, run, cfg.OnShards, cfg.OnShardEvent)
	log.Info("shards: claiming this process's share from the pool", "of", count, "owner", cfg.Owner, "lease", pool.lease)
	pctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); pool.loop(pctx) }()
	<-ctx.Done()
	log.Info("shutting down: finishing interactions in flight")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err := b.Shutdown(sctx)
	stop()
	<-done
	pool.close()
	noReady()
	select {
	case <-registered:
	case <-sctx.Done():
	}
	return err
}

// ParseShardIDs reads FILMBOT_SHARD_IDS: shard numbers and ranges, like
// "0-3" or "4,5" or "0-1,6". Empty means every shard (nil).
func ParseShardIDs(s string, maxShards int) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	bad := fmt.Errorf("FILMBOT_SHARD_IDS %q: want shard numbers or ranges from 0 to %d, like 0-3 or 4,5", s, maxShards-1)
	var ids []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			return nil, bad
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
				return nil, bad
			}
		}
		if a < 0 || b < a || b >= maxShards {
			return nil, bad
		}
		for k := a; k <= b; k++ {
			ids = append(ids, k)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// FormatShardIDs writes shard ids as FILMBOT_SHARD_IDS would: "0-3,6".
func FormatShardIDs(ids []int) string {
	var parts []string
	for k := 0; k < len(ids); {
		j := k
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if j > k {
			parts = append(parts, fmt.Sprintf("%d-%d", ids[k], ids[j]))
		} else {
			parts = append(parts, strconv.Itoa(ids[k]))
		}
		k = j + 1
	}
	return strings.Join(parts, ",")
}

// ShardPool is FILMBOT_SHARD_IDS=auto: the shards of the bot are a pool
// that the live gateway processes share, each claiming at most its fair
// share (ceil(shards / live processes)) of the free ones (the store's
// database: PostgreSQL).
type ShardPool interface {
	// Heartbeat records owner as live for lease and returns how many
	// processes are live, owner included, and how long until the next
	// other process's heartbeat lapses (0: none).
	Heartbeat(ctx context.Context, owner string, lease time.Duration) (live int, nextLapse time.Duration, err error)
	// ClaimFree claims up to want free shards (of count) for lease: never
	// claimed, released, or whose claim lapsed; never a live claim. It
	// returns them, and those taken over from a lapsed claim.
	ClaimFree(ctx context.Context, owner string, count, want int, lease time.Duration) (claimed, takenOver []int, err error)
	// RenewShards renews owner's live claims and returns the shards still
	// owner's; a lapsed claim is not revived.
	RenewShards(ctx context.Context, owner string, shards []int, count int, lease time.Duration) ([]int, error)
	// ReleaseShard gives one of owner's claims up (a hand-over).
	ReleaseShard(ctx context.Context, owner string, shard int) error
	// ReleaseShards gives all of owner's claims up, and its heartbeat.
	ReleaseShards(ctx context.Context, owner string) error
}

// Shard pool events, for metrics (Config.OnShardEvent).
const (
	ShardClaimed    = "claimed"     // a free shard claimed
	ShardTakenOver  = "taken_over"  // claimed from another process's lapsed claim
	ShardLost       = "lost"        // stopped: its claim could not be renewed in time, or was gone
	ShardHandedOver = "handed_over" // stopped and released for a process under its share
)

// shardRun starts and stops one shard of a pool.
type shardRun struct {
	// start waits for the shard's identify turn and opens it; it returns
	// once open, or with ctx's error if ctx ended first.
	start func(ctx context.Context, id int) error
	// stop closes the shard's session, if start opened it.
	stop func(id int)
}

// autoShards runs this process's share of a ShardPool. Every tick it
// renews its claims, heartbeats, hands shards over past its fair share
// and claims free ones below it. Fencing: a shard is stopped when a
// renewal says its claim is gone, or when no renewal has passed for two
// thirds of the lease (counted from before the last that passed was
// sent, so before the database's lease ends), a third of the lease before
// another process may claim it; a claim is taken only once the previous
// one lapsed. So no shard runs in two processes.
type autoShards struct {
	pool    ShardPool
	owner   string
	count   int
	lease   time.Duration
	clk     Clock
	log     *slog.Logger
	run     shardRun
	onOwned func(int)
	onEvent func(string)

	wake     chan struct{}
	counted  bool           // the first heartbeat went through
	stopping sync.WaitGroup // drops whose stop is under way
	mu       sync.Mutex
	held     map[int]*heldShard
}

type heldShard struct {
	lastOK time.Time // when the last claim or renewal that passed was sent
	cancel context.CancelFunc
	done   chan struct{} // closed when start has returned
}

func newAutoShards(pool ShardPool, owner string, count int, lease time.Duration, clk Clock, log *slog.Logger, run shardRun, onOwned func(int), onEvent func(string)) *autoShards {
	if lease <= 0 {
		lease = 15 * time.Second
	}
	if onOwned == nil {
		onOwned = func(int) {}
	}
	if onEvent == nil {
		onEvent = func(string) {}
	}
	return &autoShards{pool: pool, owner: owner, count: count, lease: lease, clk: clk, log: log, run: run,
		onOwned: onOwned, onEvent: onEvent, wake: make(chan struct{}, 1), held: map[int]*heldShard{}}
}

// fenceAfter is how long after the last renewal that passed a shard is
// stopped if none passes since: a third of the lease before it lapses.
func (a *autoShards) fenceAfter() time.Duration { return a.lease * 2 / 3 }

// loop ticks until ctx ends.
func (a *autoShards) loop(ctx context.Context) {
	for {
		wait := a.tick(ctx)
		t := a.clk.AfterFunc(wait, func() {
			select {
			case a.wake <- struct{}{}:
			default:
			}
		})
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-a.wake:
		}
	}
}

// owned lists the shards held, in order.
func (a *autoShards) owned() []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Sorted(maps.Keys(a.held))
}

// drop stops a shard this process holds (and forgets its claim at
// once: it is no longer renewed). The stop runs on its own goroutine:
// closing a session waits for Discord to close it (discordgo waits a
// second), and the tick must not wait on it, or it falls behind its
// renewals and heartbeats and other shards miss their fence. then, if
// set, runs once the shard has stopped (a hand-over's release).
func (a *autoShards) drop(id int, event string, then func()) {
	a.mu.Lock()
	h := a.held[id]
	delete(a.held, id)
	n := len(a.held)
	a.mu.Unlock()
	if h == nil {
		return
	}
	a.onOwned(n)
	a.stopping.Add(1)
	go func() {
		defer a.stopping.Done()
		h.cancel()
		<-h.done
		a.run.stop(id)
		if event != "" {
			a.onEvent(event)
		}
		if then != nil {
			then()
		}
	}()
}

// tick does one round and returns how long to wait for the next.
func (a *autoShards) tick(ctx context.Context) time.Duration {
	sent := a.clk.Now()
	// Fence first: a shard whose claim may be about to lapse stops now.
	a.mu.Lock()
	var late []int
	for id, h := range a.held {
		if !sent.Before(h.lastOK.Add(a.fenceAfter())) {
			late = append(late, id)
		}
	}
	a.mu.Unlock()
	for _, id := range late {
		a.log.Error("the shard's claim could not be renewed in time; shard stopped before it lapses", "shard", id)
		a.drop(id, ShardLost, nil)
	}
	wait := a.lease / 3
	if ids := a.owned(); len(ids) > 0 {
		kept, err := a.pool.RenewShards(ctx, a.owner, ids, a.count, a.lease)
		if err != nil {
			if ctx.Err() != nil {
				return wait
			}
			a.log.Error("renewing the shards' claims failed; trying again", "err", err)
			wait = a.lease / 10
		} else {
			for _, id := range ids {
				if !slices.Contains(kept, id) {
					a.log.Error("the shard's claim is gone; shard stopped", "shard", id)
					a.drop(id, ShardLost, nil)
				}
			}
			a.mu.Lock()
			for _, id := range kept {
				if h := a.held[id]; h != nil {
					h.lastOK = sent
				}
			}
			a.mu.Unlock()
		}
	}
	live, next, err := a.pool.Heartbeat(ctx, a.owner, a.lease)
	if err != nil {
		if ctx.Err() == nil {
			a.log.Error("heartbeat failed; trying again", "err", err)
		}
		return a.untilFence(a.lease / 10)
	}
	if !a.counted {
		// The first heartbeat only counts this process in: processes
		// started together then see each other before claiming, rather
		// than the first claiming every shard and handing most over.
		a.counted = true
		return a.lease / 10
	}
	fair := (a.count + max(live, 1) - 1) / max(live, 1)
	ids := a.owned()
	if extra := len(ids) - fair; extra > 0 {
		// A process joined: hand the highest shards over, each stopped
		// before its claim is released.
		for _, id := range ids[len(ids)-extra:] {
			a.drop(id, ShardHandedOver, func() {
				rctx, cancel := context.WithTimeout(context.Background(), a.lease/3)
				defer cancel()
				if err := a.pool.ReleaseShard(rctx, a.owner, id); err != nil {
					a.log.Warn("releasing a handed-over shard failed; its claim lapses by itself", "shard", id, "err", err)
					return
				}
				a.log.Info("shard handed over", "shard", id, "live", live, "share", fair)
			})
		}
	}
	if want := fair - len(a.owned()); want > 0 {
		claimed, over, err := a.pool.ClaimFree(ctx, a.owner, a.count, want, a.lease)
		if err != nil && ctx.Err() == nil {
			a.log.Error("claiming free shards failed; trying again", "err", err)
		}
		for _, id := range claimed {
			a.start(id, sent)
			a.onEvent(ShardClaimed)
			if slices.Contains(over, id) {
				a.onEvent(ShardTakenOver)
			}
		}
		if len(claimed) > 0 {
			a.log.Info("shards claimed", "ids", FormatShardIDs(claimed), "taken_over", FormatShardIDs(over), "of", a.count, "live", live, "share", fair)
		}
		if len(claimed) < want {
			wait = a.lease / 10 // below its share: look again soon
		}
	}
	if next > 0 {
		// Another process's heartbeat lapses then (its claims a moment
		// before): if it died, its shards are free.
		wait = min(wait, next+a.lease/100)
	}
	return a.untilFence(wait)
}

// untilFence shortens wait to the next shard's fence.
func (a *autoShards) untilFence(wait time.Duration) time.Duration {
	now := a.clk.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, h := range a.held {
		wait = min(wait, max(h.lastOK.Add(a.fenceAfter()).Sub(now), 0))
	}
	return wait
}

// start runs a shard just claimed.
func (a *autoShards) start(id int, claimedAt time.Time) {
	ctx, cancel := context.WithCancel(context.Background())
	h := &heldShard{lastOK: claimedAt, cancel: cancel, done: make(chan struct{})}
	a.mu.Lock()
	a.held[id] = h
	n := len(a.held)
	a.mu.Unlock()
	a.onOwned(n)
	go func() {
		defer close(h.done)
		err := a.run.start(ctx, id)
		if err == nil || ctx.Err() != nil {
			return
		}
		a.log.Error("the shard could not connect; releasing it", "shard", id, "err", err)
		a.mu.Lock()
		mine := a.held[id] == h
		if mine {
			delete(a.held, id)
		}
		n := len(a.held)
		a.mu.Unlock()
		if mine {
			a.onOwned(n)
			rctx, rcancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer rcancel()
			a.pool.ReleaseShard(rctx, a.owner, id)
		}
	}()
}

// close stops every shard, then gives the claims and the heartbeat up.
func (a *autoShards) close() {
	for _, id := range a.owned() {
		a.drop(id, "", nil)
	}
	a.stopping.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := a.pool.ReleaseShards(ctx, a.owner); err != nil {
		a.log.Warn("releasing the shards' claims failed; they lapse by themselves", "err", err)
	}
}

// lockTurn waits for the bucket of an IdentifyLock: it takes it when
// free, held for three intervals and extended every interval while the
// shard connects (a process that dies holding it delays the bucket three
// intervals at most; a slow one keeps it until its READY), and looks
// again every fifth of an interval while another holds it (the holder
// may be done sooner). done ends the hold, the bucket's next turn an
// interval later.
func lockTurn(ctx context.Context, lock IdentifyLock, bucket int, interval time.Duration, waited func(time.Duration), log *slog.Logger) (bool, func()) {
	began := time.Now()
	hold := 3 * interval
	for {
		wait, held, err := lock.TakeIdentify(ctx, bucket, hold)
		if err != nil {
			if ctx.Err() != nil {
				return false, func() {}
			}
			log.Warn("could not take an identify turn in the shared store; trying again", "bucket", bucket, "err", err)
			wait = interval / 5
		} else if wait == 0 {
			waited(time.Since(began))
			stop := make(chan struct{})
			kept := make(chan struct{})
			go func() {
				defer close(kept)
				t := time.NewTicker(interval)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case <-t.C:
					}
					hctx, cancel := context.WithTimeout(context.Background(), interval)
					end, err := lock.HoldIdentify(hctx, bucket, held, hold)
					cancel()
					if err == nil && !end.IsZero() {
						held = end // read by done once this goroutine ends
					}
					if err != nil {
						log.Warn("could not extend an identify turn in the shared store", "bucket", bucket, "err", err)
					} else if end.IsZero() {
						log.Warn("an identify turn ran out before the shard connected", "bucket", bucket)
						return
					}
				}
			}()
			return true, func() {
				close(stop)
				<-kept
				dctx, cancel := context.WithTimeout(context.Background(), interval)
				defer cancel()
				// A fiftieth more: the READY came after Discord counted
				// the IDENTIFY, by the database's clock from here.
				if err := lock.IdentifyDone(dctx, bucket, held, interval+interval/50); err != nil {
					log.Warn("could not end an identify turn in the shared store; the bucket waits for its hold to end", "bucket", bucket, "err", err)
				}
			}
		}
		select {
		case <-time.After(min(wait, interval/5)):
		case <-ctx.Done():
			return false, func() {}
		}
	}
}
