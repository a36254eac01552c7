package storage

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeFilms is a store of films by id whose headers count their reads.
type fakeFilms struct {
	Store
	reads atomic.Int64
}

func (f *fakeFilms) FilmHeader(ctx context.Context, scope Scope, id uint64) (Film, error) {
	f.reads.Add(1)
	if id == 0 {
		return Film{}, ErrNotFound
	}
	return Film{ID: id, Scope: scope, Title: strings.Repeat("t", 1000)}, nil
}

// fakeVersions are versions a test moves, read through read (nil: at
// once).
type fakeVersions struct {
	mu      sync.Mutex
	content map[Scope]uint64
	read    func(scopes []Scope)
}

func (v *fakeVersions) ContentVersions(ctx context.Context, scopes []Scope, films []FilmKey) (map[Scope]Versions, map[FilmKey]Aggregate, error) {
	if v.read != nil {
		v.read(scopes)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[Scope]Versions{}
	for _, s := range scopes {
		out[s] = Versions{Content: v.content[s]}
	}
	return out, nil, nil
}

func (v *fakeVersions) bump(s Scope) {
	v.mu.Lock()
	v.content[s]++
	v.mu.Unlock()
}

// A read is answered from memory while the versions stay, and from the
// store once the scope's or the built-in catalog's moved; errors are not
// kept; the counters say so.
func TestCachedChecksTheVersion(t *testing.T) {
	ctx := context.Background()
	inner, v := &fakeFilms{}, &fakeVersions{content: map[Scope]uint64{}}
	c := Cached(inner, v, 1<<20)
	read := func(scope Scope, id uint64) {
		t.Helper()
		if f, err := c.FilmHeader(ctx, scope, id); err != nil || f.ID != id {
			t.Fatalf("FilmHeader(%d, %d) = %+v, %v", scope, id, f, err)
		}
	}
	read(7, 1)
	read(7, 1)
	if n := inner.reads.Load(); n != 1 {
		t.Errorf("two reads reached the store %d times, want once", n)
	}
	v.bump(7)
	read(7, 1)
	v.bump(BuiltIn)
	read(7, 1)
	v.bump(8) // another server's change leaves this one's entries
	read(7, 1)
	if n := inner.reads.Load(); n != 3 {
		t.Errorf("the store was read %d times, want 3 (first, after each move of scope 7's versions)", n)
	}
	for range 2 {
		if _, err := c.FilmHeader(ctx, 7, 0); err == nil {
			t.Error("no error for a film not there")
		}
	}
	if n := inner.reads.Load(); n != 5 {
		t.Errorf("an error was kept: %d reads", n)
	}
	s := c.Stats()
	if s.Hits != 2 || s.Misses != 5 || s.Checks != 7 || s.Entries != 1 || s.Bytes <= 1000 || s.Bound != 1<<20 {
		t.Errorf("stats = %+v", s)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.FilmHeader(done, 7, 1); err == nil {
		t.Error("a done context was not refused")
	}
}

// The cache holds within its bound, the least recently used out first.
func TestCachedBound(t *testing.T) {
	ctx := context.Background()
	inner := &fakeFilms{}
	c := Cached(inner, &fakeVersions{content: map[Scope]uint64{}}, 64<<10)
	for id := uint64(1); id <= 200; id++ {
		c.FilmHeader(ctx, 7, id)
		c.FilmHeader(ctx, 7, 1) // kept in use
		if s := c.Stats(); s.Bytes > s.Bound {
			t.Fatalf("after %d films: %d bytes, bound %d", id, s.Bytes, s.Bound)
		}
	}
	s := c.Stats()
	if s.Evicted == 0 || s.Entries >= 200 || s.Entries < 20 {
		t.Errorf("stats = %+v", s)
	}
	before := inner.reads.Load()
	c.FilmHeader(ctx, 7, 1)
	c.FilmHeader(ctx, 7, 200)
	if inner.reads.Load() != before {
		t.Error("the films most recently used were evicted")
	}
	c.FilmHeader(ctx, 7, 2)
	if inner.reads.Load() != before+1 {
		t.Error("the least recently used film was kept")
	}
}

// Readers that come while a version read is under way wait for the next
// one, which they share: one read for all of them, started after each
// arrived.
func TestCachedSharesVersionReads(t *testing.T) {
	ctx := context.Background()
	release := make(chan struct{})
	var calls atomic.Int64
	var second []Scope
	v := &fakeVersions{content: map[Scope]uint64{}}
	v.read = func(scopes []Scope) {
		switch calls.Add(1) {
		case 1:
			<-release
		case 2:
			second = scopes
		}
	}
	c := Cached(&fakeFilms{}, v, 1<<20)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); c.CatalogVersion(ctx, 1) }()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for range 100000 {
			c.versions.mu.Lock()
			ok := cond()
			c.versions.mu.Unlock()
			if ok {
				return
			}
			runtime.Gosched()
		}
		t.Fatalf("never: %s", what)
	}
	waitFor("the first read under way", func() bool { return c.versions.running })
	for s := range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); c.CatalogVersion(ctx, Scope(100+s)) }()
	}
	waitFor("ten readers waiting", func() bool { return c.versions.next != nil && len(c.versions.next.scopes) == 11 })
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 2 {
		t.Errorf("%d version reads for 11 readers, want 2", n)
	}
	if len(second) != 11 {
		t.Errorf("the second read asked for %v, want the built-in catalog and the ten servers", second)
	}
	if n := c.Stats().Checks; n != 2 {
		t.Errorf("checks = %d", n)
	}
}
