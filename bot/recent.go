package bot

import (
	"hash/maphash"
	"sync"
	"time"
)

// Interaction ids are remembered for idMemory to idMemory×2 after they
// were first handled: an interaction's token lives 15 minutes, so nothing
// older can be answered anyway, and a request replayed over HTTP must
// carry its signed timestamp, refused past maxSkew (well within it).
const idMemory = 15 * time.Minute

// maxRecentIDs bounds the ids each of the two generations holds (8 bytes
// each, about 10 MiB for both, full): past it the older generation is
// dropped early, so that a flood of interactions shortens the memory
// instead of growing it. 262,144 ids are 15 minutes at 290 interactions
// a second in one process.
const maxRecentIDs = 1 << 18

// recentIDs remembers the ids of the interactions handled lately, so that
// one delivered twice (a captured request replayed to the Interactions
// Endpoint, an event a resumed gateway sends again) is handled once. Ids
// are kept as 64-bit hashes, in two generations: cur since `since`, and
// the one before it.
type recentIDs struct {
	mu        sync.Mutex
	seed      maphash.Seed
	cur, prev map[uint64]struct{}
	since     time.Time
}

// firstSight records id as seen at now and reports whether it was new.
// An empty id is never remembered.
func (r *recentIDs) firstSight(id string, now time.Time) bool {
	if id == "" {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		r.seed = maphash.MakeSeed()
		r.cur, r.since = make(map[uint64]struct{}), now
	}
	h := maphash.String(r.seed, id)
	if age := now.Sub(r.since); age >= idMemory || age < 0 || len(r.cur) >= maxRecentIDs {
		r.prev = r.cur
		if age >= 2*idMemory {
			r.prev = nil // all of them expired
		}
		r.cur, r.since = make(map[uint64]struct{}, len(r.cur)/2), now
	}
	if _, ok := r.cur[h]; ok {
		return false
	}
	if _, ok := r.prev[h]; ok {
		return false
	}
	r.cur[h] = struct{}{}
	return true
}
