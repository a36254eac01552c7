package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
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
	count, concurrency := cfg.Shards, 1
	gb, err := s.GatewayBot()
	switch {
	case err == nil:
		if count <= 0 {
			count = gb.Shards
		}
		concurrency = max(gb.SessionStartLimit.MaxConcurrency, 1)
	case count <= 0:
		return nil, 0, fmt.Errorf("asking how many shards to run: %w", err)
	}
	count = max(count, 1)
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
