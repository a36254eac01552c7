package storage

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Options are what any store is opened with; each backend keeps its own
// tuning (bbolt's lock timeout, PostgreSQL's query timeout) to itself.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NoSeed leaves a new, empty store empty (the target of a copy,
	// tests) instead of loading the built-in catalog.
	NoSeed bool
	// ReadOnly opens an existing store for reading only where the
	// backend can (a bbolt file: backups of a stopped bot); a backend
	// that cannot ignores it.
	ReadOnly bool
	// OnGroup, if set, hears the size of each group of writes committed
	// together (metrics).
	OnGroup func(n int)
	// OnDamage, if set, hears of each damaged record that a listing
	// skipped (the listing goes on without it).
	OnDamage func(error)
}

// Backend is a kind of store that Open can open; each registers itself
// from an init in its package, so importing it is enough.
type Backend struct {
	// Name names it in metrics and logs: "bbolt", "postgres".
	Name string
	// Noun names a store of it in messages: "the database file".
	Noun string
	// Server names the database server of a backend that has one
	// ("PostgreSQL"), in messages that say it cannot be reached.
	Server string
	// Files tells that its stores are files at a path on this machine
	// (the one process that opens one holds it), not a server's.
	Files bool
	// Match tells whether a FILMBOT_DB value names a store of it; nil
	// makes it the backend of every value no other matches (file paths).
	Match func(url string) bool
	// Open opens the store url names.
	Open func(ctx context.Context, url string, opts Options) (Store, error)
}

var (
	backendsMu sync.RWMutex
	backends   []Backend
)

// Register adds a backend. A second backend without Match, or of a name
// already registered, is a programming error.
func Register(b Backend) {
	backendsMu.Lock()
	defer backendsMu.Unlock()
	for _, o := range backends {
		if o.Name == b.Name || (o.Match == nil && b.Match == nil) {
			panic(fmt.Sprintf("storage: backend %q registered twice", b.Name))
		}
	}
	backends = append(backends, b)
}

// BackendFor is the backend of url: the one whose Match takes it, else
// the one without Match. ok is false when none is registered for it.
func BackendFor(url string) (b Backend, ok bool) {
	backendsMu.RLock()
	defer backendsMu.RUnlock()
	var fallback *Backend
	for k := range backends {
		switch {
		case backends[k].Match == nil:
			fallback = &backends[k]
		case backends[k].Match(url):
			return backends[k], true
		}
	}
	if fallback != nil {
		return *fallback, true
	}
	return Backend{}, false
}

// Open opens the store url names (a FILMBOT_DB value) with the backend
// registered for it.
func Open(ctx context.Context, url string, opts Options) (Store, error) {
	b, ok := BackendFor(url)
	if !ok {
		return nil, fmt.Errorf("no store is built in for %q", url)
	}
	return b.Open(ctx, url, opts)
}

// Optional capabilities: some stores have them, checked by interface.

// FileBackups is a store kept in one file that can copy itself while in
// use.
type FileBackups interface {
	// Path is the store's file.
	Path() string
	// Backup writes a consistent copy to path, which must not exist.
	Backup(path string) error
	// Check checks the whole file and returns the first problem found.
	Check() error
}

// CopyMarks is a store that carries the mark of a copy into it that is
// not finished yet.
type CopyMarks interface {
	// CopyMark is the note of an unfinished copy into the store, or "".
	CopyMark(ctx context.Context) (string, error)
	// MarkCopy sets the mark with its note; "" clears it.
	MarkCopy(ctx context.Context, note string) error
	// ResetCopy empties a store that carries the mark.
	ResetCopy(ctx context.Context) error
}

// ShardCoordinator coordinates the gateway processes of one bot: which
// runs which shard, and the identify turns they share.
type ShardCoordinator interface {
	// ReserveIdentify takes the bucket's next identify turn and returns
	// how long to wait for it; turns are interval apart.
	ReserveIdentify(ctx context.Context, bucket int, interval time.Duration) (time.Duration, error)
	// ClaimShards claims shards (of count) for owner for lease, or renews
	// its claims; shards another owner holds unexpired refuse the whole
	// claim with an error that has a HeldShards() map[int]string method.
	ClaimShards(ctx context.Context, owner string, shards []int, count int, lease time.Duration) error
	// ReleaseShards gives owner's claims up, and only owner's, and its
	// heartbeat.
	ReleaseShards(ctx context.Context, owner string) error
	// Heartbeat, ClaimFree, RenewShards and ReleaseShard are
	// FILMBOT_SHARD_IDS=auto (bot.ShardPool): live processes, and
	// shards claimed from the free ones.
	Heartbeat(ctx context.Context, owner string, lease time.Duration) (live int, nextLapse time.Duration, err error)
	ClaimFree(ctx context.Context, owner string, count, want int, lease time.Duration) (claimed, takenOver []int, err error)
	RenewShards(ctx context.Context, owner string, shards []int, count int, lease time.Duration) ([]int, error)
	ReleaseShard(ctx context.Context, owner string, shard int) error
}

// ShardCoordination is a store shared by processes that can coordinate
// their shards.
type ShardCoordination interface {
	// Shards is the coordinator, on the store's connections.
	Shards() ShardCoordinator
}

// Warmer is a store that can make ahead what its first reads would
// (PostgreSQL: its pool's connections), so that a new process's first
// answers are as fast as later ones.
type Warmer interface {
	Warm(ctx context.Context) error
}
